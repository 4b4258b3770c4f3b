"""Fuzz: the command line on random and mutated arguments, files and standard input (issue 16).

Each example builds a command line (any command, options valid or not,
``node=value`` pairs with states, numbers from tiny to beyond float range,
NaN, junk), the files it names in a fresh folder (case files: JSON objects,
random JSON, duplicate keys, deep nesting, huge integers, random bytes;
cohort CSVs: cells of every kind, trailing commas, short and long rows,
quotes, blank lines, BOM, non-UTF-8 bytes; networks: the tiny test network
mutated line by line, random bytes; and directories, FIFOs, symbolic links,
``/dev/zero``, missing files), output targets of every kind, and standard
input, then mutates the arguments (drops, repeats, swaps, inserts tokens).
For every example ``crampnet.cli.main``:

- returns 0 or 2, or argparse stops it with SystemExit 0 or 2; nothing else
  escapes (a warning turned into an error by the test settings counts too);
- on exit 2 prints ``crampnet: error: ...`` (or argparse's usage), never a
  traceback;
- prints no NaN or infinity: ``--json`` output parses as standard JSON with
  posteriors in [0, 1], and scored CSVs hold finite posteriors in [0, 1];
- leaves a symbolic link, FIFO or directory at ``-o`` as it was, and no
  temporary file behind;
- finishes within a minute and 2 GiB of new address space (a watchdog and
  ``RLIMIT_AS`` make a hang or a runaway read a failure, not a stuck or
  exhausted machine).

CI runs a few dozen examples (derandomized under ``CI=true``); set
``CRAMPNET_FUZZ_EXAMPLES`` for a long run, and ``CRAMPNET_FUZZ_CLI_STATS`` to
a file path to get its figures (inputs, exit codes, slowest input, peak
memory) written there as JSON.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import signal
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.cli import COMMANDS, main

try:
    import resource
except ImportError:  # pragma: no cover - not on Windows
    resource = None  # type: ignore[assignment]

HERE = Path(__file__).parent
TINY_FILE = HERE / "data" / "tiny.toml"
TINY_TEXT = TINY_FILE.read_text(encoding="utf-8")
EXAMPLES = int(os.environ.get("CRAMPNET_FUZZ_EXAMPLES", "150"))
SHIPPED = crampnet.load()
TINY = crampnet.load(TINY_FILE)
WATCHDOG_S = 60  # the slowest input of a 30,000-input run took 10 s on a loaded machine
MEMORY_CAP = 2 << 30  # address space one input may add (its peak in that run: well under 1 GiB)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
NAN = re.compile(r"(?<![A-Za-z_])(nan|NaN|NAN|inf|Inf|Infinity)(?![A-Za-z_])")
STATS: dict[str, Any] = {"inputs": 0, "exit_0": 0, "exit_2": 0, "sane_exit_0": 0, "sane_exit_2": 0, "hostile": 0, "argparse_exit": 0, "foreign": 0, "nan": 0, "slowest_s": 0.0, "total_s": 0.0, "by_command": {}, "errors": {}}


def _write_stats() -> None:
    """Write the figures to CRAMPNET_FUZZ_CLI_STATS, if set (every 500 inputs, and at the end)."""
    path = os.environ.get("CRAMPNET_FUZZ_CLI_STATS")
    if path:
        if resource is not None:
            STATS["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        STATS["mean_s"] = STATS["total_s"] / max(1, STATS["inputs"])
        with open(path, "w", encoding="utf-8") as out:
            json.dump(STATS, out, indent=1)


@pytest.fixture(scope="module", autouse=True)
def _stats_at_the_end():
    yield
    _write_stats()


# ---------------------------------------------------------------------------
# Strategies: tokens, values, files
# ---------------------------------------------------------------------------

WORD = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12).filter(lambda t: not t.startswith("-"))
HUGE = "1" + "0" * 400
NUMBERS = st.one_of(
    st.integers(-10, 200).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e400", "-1e400", "nan", "inf", "-inf", "NaN", "Infinity", HUGE, "-" + HUGE, "7" * 5000, "1e-400", "0x10", "1_000", " 30 ", ""]),
)


def _sane_value(model: crampnet.Model, nid: str) -> st.SearchStrategy[str]:
    """A value a person could type that fits the node: a state (any case), yes/no, or a number in range."""
    node = model.spec.nodes[nid]
    forms: list[st.SearchStrategy[str]] = [st.sampled_from([*node.states, *(s.upper() for s in node.states)])]
    if node.positive is not None and node.negative is not None:
        forms.append(st.sampled_from(["yes", "no", "Y", "n", "true", "False"]))
    if node.bands and node.valid is not None:
        forms.append(st.floats(node.valid[0], node.valid[1], allow_nan=False).map(lambda x: f"{x:g}"))
    return st.one_of(forms)


def _values(model: crampnet.Model, nid: str, sane: bool = False) -> st.SearchStrategy[str]:
    if sane:
        return _sane_value(model, nid)
    states = list(model.states(nid))
    return st.one_of(st.sampled_from([*states, *(s.upper() for s in states), "yes", "no", "true", "False", "y", "skip"]), NUMBERS, WORD)


def _pairs(model: crampnet.Model, sane: bool) -> st.SearchStrategy[list[str]]:
    if sane:
        chosen = st.lists(st.sampled_from(sorted(model.spec.nodes)), unique=True, max_size=4)
        return chosen.flatmap(lambda ids: st.tuples(*(_sane_value(model, nid).map(lambda v, nid=nid: f"{nid}={v}") for nid in ids)).map(list))
    ids = sorted(model.spec.nodes) + [a for n in model.spec.nodes.values() for a in n.aliases]
    one = st.one_of(
        st.sampled_from(ids).flatmap(lambda nid: _values(model, nid).map(lambda v: f"{nid}={v}")),
        st.tuples(WORD, WORD).map(lambda kv: f"{kv[0]}={kv[1]}"),
        WORD,
    )
    return st.lists(one, max_size=5)


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-(10**400), 10**400), st.floats(allow_nan=False), st.text(max_size=10))
JSON_ANY = st.recursive(JSON_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=10)


def _saved_case(model: crampnet.Model, evidence: dict[str, object], skipped: list[str], asked: int) -> dict[str, Any]:
    """A case as crampnet interview --save writes it (the digest need not match: that is a warning)."""
    return {"crampnet_case": 1, "crampnet_version": crampnet.__version__, "network": {"name": model.spec.name, "version": model.spec.version, "digest": "0" * 64}, "population": model.population, "evidence": evidence, "skipped": skipped, "questions_asked": asked}


@st.composite
def case_files(draw: st.DrawFn, model: crampnet.Model, sane: bool = False) -> bytes | str:
    """The bytes of a case file, or the name of something that is not one ('dir', 'fifo', ...)."""
    ids = sorted(model.spec.nodes)
    if sane:
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=4))
        evidence = {nid: draw(_sane_value(model, nid)) for nid in chosen}
        if draw(st.integers(0, 3)):
            return json.dumps(evidence)
        return json.dumps(_saved_case(model, evidence, draw(st.lists(st.sampled_from(ids), unique=True, max_size=3)), draw(st.integers(0, 3))))
    kind = draw(st.sampled_from(["object", "object", "object", "any", "bytes", "duplicate", "deep", "huge", "bom", "dir", "fifo", "missing", "zero", "link", "saved", "saved"]))
    if kind == "saved":  # a saved interview with one key dropped, added or given any JSON
        doc: dict[str, Any] = _saved_case(model, {}, [], 1)
        key = draw(st.sampled_from([*doc, "extra"]))
        if draw(st.booleans()) and key in doc:
            del doc[key]
        else:
            doc[key] = draw(JSON_ANY)
        return json.dumps(doc)
    if kind in ("object", "bom"):
        keys = draw(st.lists(st.one_of(st.sampled_from(ids), st.text(max_size=8)), max_size=5))
        values = {}
        for key in keys:
            if key in model.spec.nodes and draw(st.booleans()):
                states = list(model.states(key))
                values[key] = draw(st.one_of(st.sampled_from(states), st.booleans(), st.dictionaries(st.sampled_from(states), st.one_of(st.floats(0, 1e308), st.integers(0, 10**400)), max_size=3)))
            else:
                values[key] = draw(JSON_LEAF)
        text = json.dumps(values)
        return ("\ufeff" + text) if kind == "bom" else text
    if kind == "any":
        return json.dumps(draw(JSON_ANY))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "duplicate":
        key = draw(st.sampled_from(ids))
        first = draw(st.sampled_from(["true", "1", '"x"']))
        return f'{{"{key}": {first}, "{key}": false}}'
    if kind == "deep":
        depth = draw(st.sampled_from([100, 1000, 100_000]))
        return '{"a": ' + "[" * depth + "]" * depth + "}"
    if kind == "huge":
        key, number = draw(st.sampled_from(ids)), draw(st.sampled_from([HUGE, "-" + HUGE, "7" * 5000, "1e400", "NaN", "-Infinity"]))
        return f'{{"{key}": {number}}}'
    return kind


@st.composite
def cohort_files(draw: st.DrawFn, model: crampnet.Model, sane: bool = False) -> bytes | str:
    """The bytes of a cohort CSV, or the name of something that is not one."""
    kind = "csv" if sane else draw(st.sampled_from(["csv", "csv", "csv", "csv", "bytes", "mutated", "dir", "fifo", "missing", "zero", "stdin", "link"]))
    if kind in ("dir", "fifo", "missing", "zero", "stdin", "link"):
        return kind
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    ids = sorted(model.spec.nodes)
    if sane:
        columns = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=5))
    else:
        columns = draw(st.lists(st.one_of(st.sampled_from(ids), st.sampled_from(["case", "", "row"]), WORD), min_size=0, max_size=5))
    lines = [",".join(columns) + draw(st.sampled_from(["", "", ",", ",,"]))]
    for _ in range(draw(st.integers(0, 6))):
        cells = []
        for column in columns:
            if column in model.spec.nodes:
                cells.append(draw(st.one_of(_values(model, column, sane), st.just(""))))
            else:
                cells.append(draw(st.one_of(WORD, NUMBERS)))
        cells += draw(st.lists(st.sampled_from(["", ""] if sane else ["", "", "x", "1"]), max_size=2))  # trailing commas and extra fields
        cells = cells[: draw(st.integers(0, len(cells)))] if not sane and draw(st.integers(0, 5)) == 0 else cells  # short rows
        lines.append(",".join(f'"{c}"' if ("," in c or '"' in c) and draw(st.booleans()) else c for c in cells))
        if not sane and draw(st.integers(0, 8)) == 0:
            lines.append("")
    text = draw(st.sampled_from(["\n", "\r\n"])).join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    data = text.encode("utf-8", "surrogatepass")
    if sane:
        return data
    if kind == "mutated" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.binary(min_size=0, max_size=4)) + data[at + draw(st.integers(0, 3)) :]
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + data


@st.composite
def network_files(draw: st.DrawFn) -> bytes | str | None:
    """None (the shipped network), 'tiny', a mutated tiny network, random bytes, or a hostile path."""
    kind = draw(st.sampled_from(["shipped", "shipped", "tiny", "tiny", "tiny", "tiny", "mutated", "mutated", "bytes", "dir", "fifo", "missing", "zero"]))
    if kind == "shipped":
        return None
    if kind == "tiny":
        return "tiny"
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind != "mutated":
        return kind
    lines = TINY_TEXT.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["drop", "repeat", "number", "truncate"]))
        at = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[at]
        elif op == "repeat":
            lines.insert(at, lines[at])
        elif op == "number":
            lines[at] = re.sub(r"\d+(\.\d+)?", draw(st.sampled_from(["0", "1", "-1", "2.5", "1e400", HUGE, "nan", "inf"])), lines[at], count=1)
        else:
            lines = lines[:at]
        if not lines:
            break
    return "\n".join(lines) + "\n"


OUTPUT_KINDS = ["new", "new", "regular", "symlink", "dangling", "fifo", "dir", "nofolder"]


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A command line with its files and input: half of them sane (every value fits), half hostile."""
    sane = draw(st.booleans())
    command = draw(st.sampled_from(COMMANDS if sane else [*COMMANDS, *COMMANDS, "diagnos", "help"]))
    network = draw(st.sampled_from([None, "tiny"])) if sane else draw(network_files())
    if command == "report" and network is None:
        network = "tiny"  # a report of the shipped network takes a second (its next questions)
    model = SHIPPED if network is None else TINY
    argv = [command]
    if network is not None:
        names = {"tiny": "tiny.toml", "dir": "folder", "fifo": "pipe", "missing": "missing.toml", "zero": "zero.toml"}  # no absolute path: -o may end up naming any of them
        argv += ["--network", names.get(network, "net.toml") if isinstance(network, str) else "net.toml"]
    if draw(st.integers(0, 9)) == 0:
        argv += ["--population", draw(st.sampled_from(["adults", "older_adults", "pregnancy"] if sane else ["adults", "pregnant", "", "x"]))]
    scenario: dict[str, Any] = {"network": network, "case": None, "cohort": None, "output": None, "stdin": draw(st.text(max_size=60))}
    if command in ("diagnose", "interview", "report"):
        argv += draw(_pairs(model, sane))
        if draw(st.booleans()):
            scenario["case"] = draw(case_files(model, sane))
            argv += ["--case", "case.json"]
        if command != "interview" and (network is None or not sane) and draw(st.integers(0, 3)) == 0:
            argv.append("--example")  # the example case is of the shipped network
    if command == "diagnose":
        if draw(st.booleans()):
            argv.append("--json")
        argv += ["--top", draw(st.sampled_from(["0", "1", "3"] if sane else ["0", "3", "-1", "x", "99999999999999999999"]))]
        argv += ["--questions", "0" if network is None else draw(st.sampled_from(["0", "1", "2"] if sane else ["0", "2", "-3"]))]
        if draw(st.integers(0, 4)) == 0:
            argv += ["--ranking", draw(st.sampled_from(["counterfactual", "disablement", "sufficiency", "posterior"] + ([] if sane else ["best"])))]
    if command == "interview":
        argv += ["--max-questions", "0" if network is None else draw(st.sampled_from(["0", "1", "2"] if sane else ["0", "2", "-1"]))]
        argv += ["--confidence", draw(st.sampled_from(["0.5", "0.99", "1"] if sane else ["0.99", "0", "nan", "1.5"]))]
        if draw(st.booleans()):
            argv.append("--choose")
        if draw(st.integers(0, 2)) == 0:
            argv += ["--save", draw(st.sampled_from(["case.json", "saved.json"]))]  # case.json: resume and save in one file
    if command in ("report", "export", "score") and draw(st.booleans()):
        scenario["output"] = draw(st.sampled_from(["new", "regular"] if sane else OUTPUT_KINDS))
        export_name = draw(st.sampled_from(["out.uai", "out.xdsl", "out.uai", "out.xdsl", "out.bif", "out.xmlbif"]))
        argv += ["-o", {"report": "out.md", "export": export_name, "score": "out.csv"}[command] if sane or draw(st.integers(0, 5)) else "out.txt"]
    if command == "report" and draw(st.integers(0, 3)) == 0:
        argv += ["--format", draw(st.sampled_from(["markdown", "html"] if sane else ["html", "pdf"]))]
    if command == "export" and (draw(st.booleans()) or "-o" not in argv):
        argv += ["--format", draw(st.sampled_from(["uai", "xdsl", "uai", "xdsl", "bif", "xmlbif"] + ([] if sane else ["dot"])))]  # bif and xmlbif go through pgmpy: slower
    if command == "score":
        scenario["cohort"] = draw(cohort_files(model, sane))
        if sane and draw(st.integers(0, 3)) == 0:
            scenario["stdin"], scenario["cohort"] = scenario["cohort"].decode("utf-8"), "stdin"
        argv.insert(1, "-" if scenario["cohort"] == "stdin" else "cohort.csv")
        if draw(st.booleans()):
            argv.append("--no-progress")
        if draw(st.integers(0, 3)) == 0:
            argv += ["--chunksize", draw(st.sampled_from(["1", "2", "1000"] if sane else ["1", "0", "-5", "99999999999999999999"]))]
        if not sane and draw(st.integers(0, 3)) == 0:
            argv += ["--index-col", draw(st.sampled_from(["case", "row", "urge", ""]))]
        if not sane and scenario["cohort"] == "stdin":
            scenario["stdin"] = draw(st.one_of(st.just(""), st.text(max_size=80), cohort_files(model).filter(lambda c: isinstance(c, bytes)).map(lambda b: b.decode("utf-8", "replace"))))
    for _ in range(0 if sane else draw(st.sampled_from([0, 0, 1, 2, 3]))):  # mutate the arguments
        op = draw(st.sampled_from(["drop", "repeat", "swap", "insert"]))
        at = draw(st.integers(0, len(argv) - 1))
        if op == "drop" and len(argv) > 1:
            del argv[at]
        elif op == "repeat":
            argv.insert(at, argv[at])
        elif op == "swap":
            other = draw(st.integers(0, len(argv) - 1))
            argv[at], argv[other] = argv[other], argv[at]
        else:
            argv.insert(at, draw(st.one_of(WORD, st.sampled_from(["--json", "--top", "--example", "--case", "--no-progress", "--help", "--version", "-o"]))))
    scenario["argv"], scenario["sane"] = argv, sane
    return scenario


# ---------------------------------------------------------------------------
# Running one scenario in a fresh folder
# ---------------------------------------------------------------------------


def _place(folder: Path, name: str, content: bytes | str | None) -> None:
    """Put ``content`` at folder/name: bytes or text, or a hostile kind of path."""
    path = folder / name
    if content is None or content in ("tiny", "missing", "stdin"):
        return
    if content == "dir":
        path.mkdir()
    elif content == "fifo":
        os.mkfifo(path)
    elif content == "zero":
        path.symlink_to("/dev/zero")
    elif content == "link":
        (folder / "linked.txt").write_text('{"urge_to_move": true}' if name.endswith(".json") else "urge_to_move\nyes\n", encoding="utf-8")
        path.symlink_to(folder / "linked.txt")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")


def _target(folder: Path, argv: list[str], kind: str | None) -> Path | None:
    if kind is None or "-o" not in argv or argv.index("-o") + 1 >= len(argv):
        return None
    name = argv[argv.index("-o") + 1]
    if name.startswith("-") or "/" in name or name in ("", ".", ".."):
        return None
    path = folder / name
    if path.exists() or path.is_symlink():
        return None
    if kind == "regular":
        path.write_text("old content\n", encoding="utf-8")
    elif kind == "symlink":
        (folder / "real.txt").write_text("the link's target\n", encoding="utf-8")
        path.symlink_to(folder / "real.txt")
    elif kind == "dangling":
        path.symlink_to(folder / "nowhere.txt")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dir":
        path.mkdir()
    elif kind == "nofolder":
        argv[argv.index("-o") + 1] = f"no_such_folder/{name}"
        return None
    return path


def _state(path: Path) -> tuple[int, int, str | None]:
    info = os.lstat(path)
    return stat.S_IFMT(info.st_mode), info.st_ino, os.readlink(path) if path.is_symlink() else None


def _finite_table(text: str) -> None:
    if not text.strip():
        return
    table = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert table.columns[-1] == "red_flags", "the red flags column is missing"
    values = table.drop(columns=[table.columns[0], "red_flags"]).to_numpy(dtype=float)
    assert values.size == 0 or (((values >= 0) & (values <= 1)).all()), "a scored posterior outside [0, 1] or not finite"


def _refuse_constant(name: str) -> object:
    raise AssertionError(f"{name} in the --json output")


class Hang(BaseException):
    """Raised by the watchdog; a BaseException, so that no ``except OSError`` (TimeoutError is one) hides it."""


@contextlib.contextmanager
def _watchdog(seconds: int) -> Any:
    """Turn a hang (a read of /dev/zero, a FIFO opened with no writer) into a failure after ``seconds``."""
    if not hasattr(signal, "SIGALRM"):  # pragma: no cover - not on Windows
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Hang(f"main() still running after {seconds} s: it hangs")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _memory_cap(extra: int) -> Any:
    """Cap the address space at its size now plus ``extra`` bytes: a runaway read fails with MemoryError, not the machine."""
    status = Path("/proc/self/status")
    if resource is None or not status.exists():  # pragma: no cover - Linux only
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    found = re.search(r"VmSize:\s+(\d+) kB", status.read_text(encoding="utf-8"))
    cap = (int(found[1]) * 1024 if found else 0) + extra
    if found is None or (hard != resource.RLIM_INFINITY and cap > hard):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def run_scenario(scenario: dict[str, Any]) -> None:
    """Run main() on the scenario in a fresh folder and check everything the module docstring promises."""
    argv = list(scenario["argv"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        network = scenario["network"]
        _place(folder, "net.toml", network if network not in ("tiny", "dir", "fifo", "missing", "zero") else None)
        _place(folder, "tiny.toml", TINY_TEXT if network == "tiny" else None)
        _place(folder, "folder", "dir" if network == "dir" else None)
        _place(folder, "pipe", "fifo" if network == "fifo" else None)
        _place(folder, "zero.toml", "zero" if network == "zero" else None)
        _place(folder, "case.json", scenario["case"])
        _place(folder, "cohort.csv", scenario["cohort"])
        target = _target(folder, argv, scenario["output"])
        before = _state(target) if target is not None and scenario["output"] not in ("new", "regular") else None
        # like a real terminal: stdout refuses what UTF-8 cannot encode, stderr escapes it
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")
        err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", newline="")
        old_cwd, old_stdin = os.getcwd(), sys.stdin
        start = time.perf_counter()
        try:
            os.chdir(folder)
            sys.stdin = io.StringIO(scenario["stdin"])
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _watchdog(WATCHDOG_S), _memory_cap(MEMORY_CAP):
                try:
                    code: object = main(argv)
                except SystemExit as stop:  # argparse: a usage error, --help or --version
                    STATS["argparse_exit"] += 1
                    code = stop.code
        except BaseException:
            STATS["foreign"] += 1
            raise
        finally:
            os.chdir(old_cwd)
            sys.stdin = old_stdin
            took = time.perf_counter() - start
            STATS["inputs"] += 1
            STATS["total_s"] += took
            STATS["slowest_s"] = max(STATS["slowest_s"], took)
            key = f"{argv[0] if argv[0] in COMMANDS else 'other'} {'shipped' if scenario['network'] is None else 'tiny' if scenario['network'] == 'tiny' else 'hostile'}"
            count, seconds = STATS["by_command"].get(key, (0, 0.0))
            STATS["by_command"][key] = (count + 1, round(seconds + took, 3))
            if STATS["inputs"] % 500 == 0:
                _write_stats()
        out.flush()
        err.flush()
        stdout = out.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
        stderr = err.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
        assert code in (0, 2), (code, argv, stderr)
        STATS["exit_0" if code == 0 else "exit_2"] += 1
        STATS["sane_exit_0" if scenario.get("sane") and code == 0 else "sane_exit_2" if scenario.get("sane") else "hostile"] += 1
        if code == 2 and len(STATS["errors"]) < 200:
            reason = re.sub(r"\d+|'[^']*'", "#", stderr.strip().splitlines()[-1] if stderr.strip() else "")[:70]
            STATS["errors"][reason] = STATS["errors"].get(reason, 0) + 1
        assert "Traceback" not in stderr, stderr
        if code == 2 and "usage:" not in stderr:
            assert "crampnet: error: " in stderr, (argv, stderr)
        if argv[0] != "interview" and NAN.search(stdout):
            STATS["nan"] += 1
            pytest.fail(f"NaN or infinity printed by {argv}: {NAN.search(stdout)}")
        if code == 0 and argv[0] == "diagnose" and "--json" in argv and "--help" not in argv and "--version" not in argv:
            posteriors = json.loads(stdout, parse_constant=_refuse_constant)["posteriors"]
            assert all(math.isfinite(p) and 0 <= p <= 1 for p in posteriors.values())
        if code == 0 and argv[0] == "score" and "--help" not in argv and "--version" not in argv:
            written = folder / argv[argv.index("-o") + 1] if "-o" in argv and argv.index("-o") + 1 < len(argv) else None
            _finite_table(written.read_text(encoding="utf-8") if written is not None and written.is_file() else stdout)
        if before is not None and target is not None:
            assert _state(target) == before, f"{scenario['output']} at -o was replaced: {argv}"
        if scenario["output"] == "regular" and target is not None and code == 2:
            assert target.read_text(encoding="utf-8") == "old content\n", f"a failed command changed the file at -o: {argv}"
        if (folder / "real.txt").exists():
            assert (folder / "real.txt").read_text(encoding="utf-8") == "the link's target\n"
        leftovers = [p.name for p in folder.rglob("*") if p.name.endswith(".tmp")]
        assert leftovers == [], leftovers


@FUZZ
@given(scenarios())
def test_cli_never_crashes(scenario):
    """Check that any command line, files and input end with exit 0 or 2, a clean error, no NaN and no clobbered target."""
    run_scenario(scenario)


def _corpus() -> list[tuple[str, dict[str, Any]]]:
    """One scenario for each hostile kind the strategies draw, so that every CI run meets each of them."""
    base = {"network": None, "case": None, "cohort": None, "output": None, "stdin": ""}
    out: list[tuple[str, dict[str, Any]]] = []
    for kind, content in [("bytes", b"\xff\x00[[["), ("dir", "dir"), ("fifo", "fifo"), ("missing", "missing"), ("zero", "zero"), ("huge", TINY_TEXT.replace("0.05", HUGE, 1)), ("nan", TINY_TEXT.replace("0.05", "nan", 1))]:
        argv = ["diagnose", "--network", {"dir": "folder", "fifo": "pipe", "missing": "missing.toml", "zero": "zero.toml"}.get(kind, "net.toml"), "--questions", "0"]
        out.append((f"network-{kind}", {**base, "network": content, "argv": argv}))
    for kind, content in [("duplicate", '{"urge": true, "urge": false}'), ("deep", "[" * 100_000 + "]" * 100_000), ("huge", f'{{"ferritin": {HUGE}}}'), ("digits", '{"ferritin": ' + "7" * 5000 + "}"), ("nan", '{"ferritin": NaN}'), ("bom", '\ufeff{"urge": true}'), ("bytes", b"\xff\xfe"), ("dir", "dir"), ("fifo", "fifo"), ("missing", "missing"), ("zero", "zero"), ("link", "link")]:
        out.append((f"case-{kind}", {**base, "network": "tiny", "case": content, "argv": ["diagnose", "--network", "tiny.toml", "--case", "case.json", "--json"]}))
    tiny_saved = _saved_case(TINY, {"urge": "yes"}, ["jerks"], 1)
    for kind, content in [("ok", tiny_saved), ("format", {**tiny_saved, "crampnet_case": 9}), ("nested", {**tiny_saved, "evidence": {"urge": [[{}]]}}), ("skipped", {**tiny_saved, "skipped": ["jerk"]}), ("network", {**tiny_saved, "network": {"name": "other", "version": "1", "digest": ""}}), ("junk", {**tiny_saved, "junk": 1})]:
        out.append((f"saved-{kind}", {**base, "network": "tiny", "case": json.dumps(content), "stdin": "yes\nskip\n2\nno\n", "argv": ["interview", "--network", "tiny.toml", "--case", "case.json", "--save", "case.json", "--choose", "--max-questions", "2"]}))
    for kind, content in [("trailing", "urge,jerks\nyes,no,\n"), ("extra", "urge,jerks\nyes,no,maybe\n"), ("long", "urge\nyes\nno,,,,,,,,,,,,,\n"), ("huge", f"ferritin\n{HUGE}\n"), ("empty", ""), ("latin1", b"urge\ncaf\xe9\n"), ("nul", b"urge\nyes\x00\n"), ("dir", "dir"), ("fifo", "fifo"), ("missing", "missing"), ("zero", "zero"), ("link", "link")]:
        out.append((f"cohort-{kind}", {**base, "network": "tiny", "cohort": content, "argv": ["score", "cohort.csv", "--network", "tiny.toml", "--no-progress"]}))
    for command, name in [("report", "out.md"), ("export", "out.uai"), ("score", "out.csv")]:
        for kind in OUTPUT_KINDS[1:]:
            argv = {"report": ["report", "--network", "tiny.toml", "urge=yes"], "export": ["export", "--network", "tiny.toml"], "score": ["score", "-", "--network", "tiny.toml", "--no-progress"]}[command]
            out.append((f"{command}-o-{kind}", {**base, "network": "tiny", "output": kind, "stdin": "urge\nyes\n", "argv": [*argv, "-o", name]}))
    return out


@pytest.mark.parametrize("scenario", [s for _, s in _corpus()], ids=[name for name, _ in _corpus()])
def test_cli_hostile_corpus(scenario):
    """Check the fuzz's promises on one scenario of each hostile kind (the random run may miss some)."""
    run_scenario(scenario)


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "-", "--no-progress", "-o", "out.csv"],
        ["diagnose", "--json", "--case", "case.json", "--questions", "0"],
        ["report", "--case", "case.json", "-o", "out.md"],
    ],
)
def test_the_harness_sees_a_foreign_exception(monkeypatch, argv):
    """Check that the harness is live: an OverflowError planted in the evidence path escapes main and fails the check."""
    import crampnet.cli

    def boom(*args: object, **kwargs: object) -> object:
        raise OverflowError("planted")

    monkeypatch.setattr(crampnet.cli, "gather_evidence", boom)
    monkeypatch.setattr(crampnet.Model, "iter_posteriors", boom)
    scenario = {"argv": argv, "network": None, "case": '{"urge_to_move": true}', "cohort": "stdin", "output": "new", "stdin": "urge_to_move\nyes\n"}
    with pytest.raises(OverflowError, match="planted"):
        run_scenario(scenario)
