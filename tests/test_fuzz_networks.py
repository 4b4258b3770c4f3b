"""Fuzz the loader with mutated network files: a named error or a sound model, nothing else.

Each example takes the shipped network (whole, or the ancestors of a few of
its nodes, which load ~10 times faster) or ``tests/data/tiny.toml``, applies
one to three mutations to the parsed document (drop, duplicate, rename or
retype a key; huge, tiny, negative, NaN or infinite numbers; long strings;
nesting; many parents; many states; swapped values), writes it as TOML,
sometimes mutates the text too (nesting a thousand deep, long dotted keys,
integers of thousands of digits, truncation, splices, bytes that are not
UTF-8), and loads it. Loading must either succeed or raise a crampnet error
(a :class:`~crampnet.exceptions.NetworkFileError` naming the file, for a
file); a model that loads must answer a query with no evidence and one
with evidence drawn by :func:`crampnet.testing.evidence`, with posteriors
in [0, 1] and never NaN. Warnings are errors in the suite, so an overflow
in numpy fails too.

``CRAMPNET_FUZZ_EXAMPLES`` sets the number of files (default 30: a few
seconds; derandomized under ``CI=true``). ``CRAMPNET_FUZZ_REPORT=path``
appends one JSON line per file (outcome, seconds, size, the process's peak
RSS so far) for the long runs reported in the notes of issue 16, and keeps a
copy of each file that loaded and then raised.
"""

from __future__ import annotations

import copy
import importlib
import json
import math
import os
import re
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet import testing
from crampnet.exceptions import CrampnetError

HERE = Path(__file__).parent
SHIPPED_DOC = tomllib.loads((HERE.parent / "networks" / "leg_cramps.toml").read_text(encoding="utf-8"))
TINY_DOC = tomllib.loads((HERE / "data" / "tiny.toml").read_text(encoding="utf-8"))
EXAMPLES = int(os.environ.get("CRAMPNET_FUZZ_EXAMPLES", "30"))
REPORT = os.environ.get("CRAMPNET_FUZZ_REPORT")
try:
    resource: Any = importlib.import_module("resource")  # not on Windows
except ImportError:  # pragma: no cover
    resource = None


# ---------------------------------------------------------------------------
# Writing any document back as TOML
# ---------------------------------------------------------------------------


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _inline(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_inline(v)}" for k, v in value.items()) + " }" if value else "{}"
    msg = f"cannot write {value!r}"
    raise TypeError(msg)


def dump(doc: dict[str, Any]) -> str:
    """TOML text of a document: plain keys first, then a [section.key] table for each table of tables."""
    lines, sections = [], []
    for key, value in doc.items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            sections.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_inline(value)}")
    for key, tables in sections:
        for sub, body in tables.items():
            lines.append(f"\n[{_key(key)}.{_key(sub)}]")
            lines.extend(f"{_key(k)} = {_inline(v)}" for k, v in body.items())
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# The documents and their mutations
# ---------------------------------------------------------------------------


def _parents(body: dict[str, Any]) -> list[str]:
    cpd = body.get("cpd", {})
    links = [*cpd.get("links", []), *cpd.get("odds_ratios", [])]
    return [link["parent"] for link in links] + list(cpd.get("parents", []))


def _sources(value: object) -> set[str]:
    if isinstance(value, dict):
        found = {value["source"]} if isinstance(value.get("source"), str) else set()
        entries = value.get("entry_sources")
        if isinstance(entries, dict):
            found |= {v for v in entries.values() if isinstance(v, str)}
        return found.union(*(_sources(v) for k, v in value.items() if k != "entry_sources"))
    if isinstance(value, list):
        return set().union(*(_sources(v) for v in value))
    return set()


def part_of_shipped(seeds: list[int]) -> dict[str, Any]:
    """The shipped network cut down to the ancestors of a few nodes (with their sources and presets)."""
    nodes = SHIPPED_DOC["nodes"]
    ids = list(nodes)
    keep: set[str] = set()
    todo = [ids[s % len(ids)] for s in seeds]
    while todo:
        nid = todo.pop()
        if nid not in keep:
            keep.add(nid)
            todo.extend(_parents(nodes[nid]))
    doc = {k: v for k, v in SHIPPED_DOC.items() if k not in ("nodes", "sources", "populations")}
    doc["nodes"] = {nid: nodes[nid] for nid in ids if nid in keep}
    used = _sources(doc["nodes"])
    doc["populations"] = {}
    for name, body in SHIPPED_DOC.get("populations", {}).items():
        priors = {nid: d for nid, d in body.get("priors", {}).items() if nid in keep}
        doc["populations"][name] = {**body, "priors": priors}
        used |= _sources(priors)
    doc["sources"] = {k: v for k, v in SHIPPED_DOC["sources"].items() if k in used}
    return copy.deepcopy(doc)


def _paths(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every place in the document (not the root), parents before children."""
    out: list[tuple[Any, ...]] = []
    todo: list[tuple[tuple[Any, ...], Any]] = [((), doc)]
    while todo:
        path, value = todo.pop()
        if path:
            out.append(path)
        if isinstance(value, dict):
            todo.extend(((*path, k), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            todo.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
    return out


def _holder(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


SPECIAL_NUMBERS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, 0, 0.0, -0.0, -1, 1, 2, 1e-300, 1 - 1e-16, 1 + 1e-12, 10**400, -(10**400), 2**63, 2**64, 10**20]
NUMBERS = st.one_of(st.sampled_from(SPECIAL_NUMBERS), st.floats(), st.integers(-(10**500), 10**500), st.floats(0, 1))
SCALARS = st.one_of(st.booleans(), NUMBERS, st.text(max_size=12), st.sampled_from(["yes", "no", "present", "absent", "judgment", "context", "finding", "condition", "noisy_or", "table", "logistic", "mixture", "noisy_max", "prevalence"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)


POSITIVE_EXTREMES = [5e-324, 1e-300, 1e-10, 1e10, 1e300, 1.7976931348623157e308]
PROBABILITY_EXTREMES = [0.0, 1.0, 5e-324, 1e-300, 1 - 1e-16, 1e-16, 0.5]
OPEN_EXTREMES = [5e-324, 1e-300, 1e-16, 1 - 1e-16, 0.999999999999, 0.5]


def _extreme(doc: dict[str, Any], paths: list[tuple[Any, ...]], draw: Callable[..., Any]) -> str:
    """A valid but extreme number: odds ratios and weights from 5e-324 to 1.8e308, probabilities 0, 1 and subnormal."""
    def numeric(path: tuple[Any, ...]) -> bool:
        holder = _holder(doc, path)
        value = holder[path[-1]] if isinstance(holder, dict) else None
        named = path[-1] in ("value", "weight", "prevalence", "baseline", "low", "high") or (len(path) > 1 and path[-2] == "probabilities")
        return named and isinstance(value, int | float) and not isinstance(value, bool)

    numbers = [p for p in paths if numeric(p)]
    if not numbers:
        return "extreme (skipped)"
    path = draw(st.sampled_from(numbers))
    holder, key = _holder(doc, path), path[-1]
    if key == "weight" or "odds_ratios" in path:
        holder[key] = draw(st.sampled_from(POSITIVE_EXTREMES))
    elif key in ("prevalence", "baseline"):
        holder[key] = draw(st.sampled_from(OPEN_EXTREMES))
    elif path[-2] == "probabilities":
        states = list(holder)
        hot = draw(st.sampled_from(states))
        for state in states:  # one-hot, or nearly: zeros and a subnormal make impossible evidence
            holder[state] = 1.0 if state == hot else 0.0
        if len(states) > 1 and draw(st.booleans()):
            other = next(s for s in states if s != hot)
            holder[other], holder[hot] = 5e-324, 1.0
    else:
        holder[key] = draw(st.sampled_from(PROBABILITY_EXTREMES))
    for bound in ("low", "high"):
        if isinstance(holder, dict) and key != bound:
            holder.pop(bound, None)  # keep the range consistent with the new value
    return "extreme"


def mutate(doc: dict[str, Any], draw: Callable[..., Any]) -> str:
    """Apply one mutation at a drawn place; return its name."""
    kind = draw(st.sampled_from(["extreme", "many_parents", "number", "drop", "retype", "duplicate", "rename", "long_string", "nest", "swap", "many_states"]))
    nodes = doc.get("nodes")
    if kind in ("many_parents", "many_states") and isinstance(nodes, dict) and nodes:
        nid = draw(st.sampled_from(sorted(nodes)))
        body = nodes[nid]
        if not isinstance(body, dict):
            return kind + " (skipped)"
        if kind == "many_states":
            body["states"] = [f"s{i}" for i in range(draw(st.integers(1, 40)))]
            return kind
        cpd = body.get("cpd")
        if not isinstance(cpd, dict) or cpd.get("model") not in ("noisy_or", "logistic"):
            return kind + " (skipped)"
        key = "odds_ratios" if cpd["model"] == "logistic" else "links"
        values = [*POSITIVE_EXTREMES, 0.5, 3.0] if key == "odds_ratios" else [*PROBABILITY_EXTREMES, 0.3, 0.99]
        others = [n for n in nodes if n != nid and isinstance(nodes[n], dict) and isinstance(nodes[n].get("states"), list) and nodes[n]["states"]]
        chosen = draw(st.lists(st.sampled_from(others), unique=True, max_size=40)) if others else []
        links = [{"parent": p, "state": str(nodes[p]["states"][0]), "value": draw(st.sampled_from(values)), "source": "judgment", "reason": "fuzz"} for p in chosen]
        cpd[key] = (cpd[key] if isinstance(cpd.get(key), list) else []) + links
        return kind
    paths = _paths(doc)
    if not paths:
        return "none"
    if kind == "extreme":
        return _extreme(doc, paths, draw)
    path = draw(st.sampled_from(paths))
    holder, key = _holder(doc, path), path[-1]
    if kind == "drop":
        del holder[key]
    elif kind == "duplicate":
        if isinstance(holder, list):
            holder.insert(key, copy.deepcopy(holder[key]))
        else:
            holder[f"{key}_2" if draw(st.booleans()) else draw(st.sampled_from(sorted(holder)))] = copy.deepcopy(holder[key])
    elif kind == "rename" and isinstance(holder, dict):
        new = draw(st.one_of(st.just(f"{key}x"), st.text(max_size=10), st.sampled_from(sorted(holder))))
        holder[new] = holder.pop(key)
    elif kind == "retype":
        holder[key] = draw(VALUES)
    elif kind == "number":
        holder[key] = draw(NUMBERS)
    elif kind == "long_string":
        holder[key] = draw(st.sampled_from(["x", "a.", "present", "é", " "])) * draw(st.integers(1, 300_000))
    elif kind == "nest":
        value = holder[key]
        for _ in range(draw(st.integers(1, 40))):
            value = [value] if draw(st.booleans()) else {"a": value}
        holder[key] = value
    elif kind == "swap":
        other = draw(st.sampled_from(paths))
        if other[: len(path)] != path and path[: len(other)] != other:
            other_holder = _holder(doc, other)
            holder[key], other_holder[other[-1]] = other_holder[other[-1]], holder[key]
    return kind


def mutate_text(text: str, draw: Callable[..., Any]) -> tuple[str | bytes, str]:
    """Apply one mutation to the TOML text (or its bytes)."""
    kind = draw(st.sampled_from(["splice", "deep", "dotted", "digits", "hex", "truncate", "bytes", "duplicate_line"]))
    at = draw(st.integers(0, len(text)))
    line_start = text.rfind("\n", 0, at) + 1
    if kind == "deep":
        n = draw(st.integers(1, 1200))
        opening, closing = ("[", "]") if draw(st.booleans()) else ("{ a = ", " }")
        return f"zz = {opening * n}1{closing * n}\n" + text, kind
    if kind == "dotted":
        return text[:line_start] + "a" + ".a" * draw(st.integers(1, 50_000)) + " = 1\n" + text[line_start:], kind
    if kind == "digits":
        return text[:line_start] + "zz = " + "7" * draw(st.integers(1, 6000)) + "\n" + text[line_start:], kind
    if kind == "hex":
        return text[:line_start] + "zz = 0x" + "f" * draw(st.integers(1, 6000)) + "\n" + text[line_start:], kind
    if kind == "truncate":
        return text[:at], kind
    if kind == "splice":
        end = min(len(text), at + draw(st.integers(0, 50)))
        return text[:at] + draw(st.text(st.characters(codec="utf-8"), max_size=30)) + text[end:], kind
    if kind == "bytes":
        data = bytearray(text.encode("utf-8"))
        if data:
            data[min(at, len(data) - 1)] = draw(st.integers(0x80, 0xFF))
        return bytes(data), kind
    line_end = text.find("\n", at)
    line_end = len(text) if line_end < 0 else line_end + 1
    return text[:line_end] + text[line_start:line_end] + text[line_end:], kind


# ---------------------------------------------------------------------------
# The property
# ---------------------------------------------------------------------------


def _sound(posteriors: Any) -> None:
    values = np.asarray(posteriors, dtype=float)
    assert not np.isnan(values).any(), f"NaN posterior: {posteriors}"
    assert ((values >= 0.0) & (values <= 1.0)).all(), f"posterior outside [0, 1]: {posteriors}"


def load_and_query(path: Path, draw: Callable[..., Any], seen: dict[str, Any]) -> str:
    """Load ``path`` and query it; return the outcome. Any exception but a crampnet error escapes."""
    try:
        model = crampnet.load(path)
    except crampnet.NetworkFileError as err:
        assert err.path == str(path) and str(err).startswith(f"{path}"), str(err)[:300]
        return "rejected"
    try:
        _sound(model.posteriors({}))
        evidence = seen["evidence"] = draw(testing.evidence(model, max_size=4))
        _sound(model.posteriors(evidence))
        if model.spec.populations and draw(st.booleans()):
            preset = crampnet.load(path, population=sorted(model.spec.populations)[0])
            _sound(preset.posteriors({}))
            _sound(preset.posteriors(draw(testing.evidence(preset, max_size=4))))
    except CrampnetError as err:
        return f"loaded, then {type(err).__name__}"
    return "loaded"


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(data=st.data())
def test_mutated_network_loads_or_raises_a_crampnet_error(tmp_path_factory, data):
    """Check that a mutated network file loads and answers soundly, or raises a crampnet error; never a foreign exception or NaN."""
    # The whole shipped network costs ~10 times a part of it (parsing dominates): one file in ten.
    base = data.draw(st.sampled_from(["tiny", "shipped_part", "tiny", "shipped_part", "shipped", "tiny", "shipped_part", "tiny", "shipped_part", "shipped_part"]), label="base")
    if base == "tiny":
        doc = copy.deepcopy(TINY_DOC)
    elif base == "shipped":
        doc = copy.deepcopy(SHIPPED_DOC)
    else:
        doc = part_of_shipped(data.draw(st.lists(st.integers(0, 10**6), min_size=1, max_size=3), label="seeds"))
    kinds = [mutate(doc, data.draw) for _ in range(data.draw(st.integers(1, 3), label="mutations"))]
    content: str | bytes = dump(doc)
    if data.draw(st.integers(0, 3), label="text mutation?") == 0:
        content, kind = mutate_text(str(content), data.draw)
        kinds.append(kind)
    path = tmp_path_factory.mktemp("fuzz") / "network.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    start = time.perf_counter()
    outcome = "discarded"  # hypothesis stops an example by raising (a BaseException)
    seen: dict[str, Any] = {}
    try:
        outcome = load_and_query(path, data.draw, seen)
    except Exception as err:
        outcome = f"foreign {type(err).__name__}: {str(err)[:200]}"
        raise
    finally:
        if REPORT:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if resource else None  # KiB on Linux
            record = {"base": base, "mutations": kinds, "bytes": path.stat().st_size, "outcome": outcome, "seconds": round(time.perf_counter() - start, 4), "maxrss_mib": peak}
            if outcome not in ("rejected", "loaded", "discarded"):  # keep the file to look at
                record["file"] = f"{REPORT}.{os.getpid()}.{time.monotonic_ns()}.toml"
                record["evidence"] = repr(seen.get("evidence"))
                Path(record["file"]).write_bytes(path.read_bytes())
            with open(REPORT, "a", encoding="utf-8") as report:
                report.write(json.dumps(record) + "\n")
        path.unlink()
        path.parent.rmdir()


def test_the_writer_round_trips_the_documents():
    """Check that the fuzz writer gives back the shipped and tiny documents (else mutations would test the writer)."""
    for doc in (SHIPPED_DOC, TINY_DOC, part_of_shipped([0, 17, 42])):
        assert tomllib.loads(dump(doc)) == doc


@pytest.mark.parametrize("seeds", [[0], [5, 60], [98, 3, 44, 71]])
def test_parts_of_the_shipped_network_load(tmp_path, seeds):
    """Check that the cut-down shipped networks the fuzz starts from are valid networks."""
    path = tmp_path / "part.toml"
    path.write_text(dump(part_of_shipped(seeds)), encoding="utf-8")
    model = crampnet.load(path)
    assert set(model.spec.nodes) <= set(SHIPPED_DOC["nodes"])
    _sound(model.posteriors({}))
