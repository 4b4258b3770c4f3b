"""The cold start of ``crampnet diagnose``: work that loading and the command do not need is not done.

Timing tests would be flaky on a shared machine; these count work instead
(Python-level calls, modules imported in a fresh process), so each fails
when the cost comes back.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crampnet.exceptions import NetworkFileError
from crampnet.network import _elimination, _walker
from crampnet.network._control import CONTROL, holds_control
from crampnet.network._reader import Reader
from crampnet.network.loading import shipped_text

SRC = Path(__file__).resolve().parents[1] / "src"


def _moral_graph(model) -> tuple[list[int], list[set[int]]]:  # type: ignore[no-untyped-def]
    """The shipped network's moral graph, in file order, as ``network_cost`` builds it."""
    nodes = model.spec.nodes
    ids = list(nodes)
    index = {nid: i for i, nid in enumerate(ids)}
    cards = [len(nodes[nid].states) for nid in ids]
    graph: list[set[int]] = [set() for _ in ids]
    for nid in ids:
        for a, b in itertools.combinations([index[nid], *(index[p] for p in nodes[nid].parents)], 2):
            graph[a].add(b)
            graph[b].add(a)
    return cards, graph


def _calls(run) -> int:  # type: ignore[no-untyped-def]
    """The Python-level calls ``run()`` makes (a deterministic measure of its work)."""
    calls = 0

    def count(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        run()
    finally:
        sys.setprofile(None)
    return calls


def test_min_fill_estimate_rescores_only_what_changed(model):
    """Check the load-time min-fill estimate of the shipped network stays cheap: few Python calls, same answer.

    Rescoring every neighbour's neighbour after each elimination made about
    230,000 Python-level calls (a tenth of a second of each cold start on a
    busy machine); keeping the scores up to date makes about 7,000.
    """
    cards, graph = _moral_graph(model)
    result: tuple[int, int] = (0, 0)

    def run() -> None:
        nonlocal result
        result = _elimination.eliminate_min_fill(cards, graph)

    calls = _calls(run)
    assert calls < 30_000
    assert result[0] <= _elimination.MAX_CLIQUE  # the estimate that lets the shipped network load


def _shipped_data() -> dict:  # type: ignore[type-arg]
    """What the TOML parser returns for the shipped network file."""
    return tomllib.loads(shipped_text().removeprefix("\ufeff"))


def test_plain_text_check_of_a_clean_file_walks_no_places():
    """Check a file without control characters is cleared in one pass, not by the walk that names each value's place.

    The naming walk made a Python call per key (a generator over its
    characters) and per list: about 30 ms of each load of the shipped
    network on a busy machine. It now runs only on a file that fails.
    """
    data = _shipped_data()
    assert _calls(lambda: Reader("leg_cramps.toml").plain_text(data)) < 50


_TEXT = st.text(st.sampled_from(["a", "é", " ", "\t", "\n", "\r", "\x07", "\x1b", "\x85", "\u00a0", "\u200b", "\u200d", "\u2028", "\ufeff", "\U000e0041", "\u00ad", "≥"]), max_size=6)
_DOCS = st.recursive(
    st.one_of(_TEXT, st.floats(allow_nan=False), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT, _DOCS, max_size=4))
def test_the_quick_check_agrees_with_the_walk_that_names_places(document):
    """Check ``holds_control`` is true exactly where the walk naming places refuses the file (the walk run on its own)."""
    reader = Reader("net.toml")
    with mock.patch.object(_walker, "holds_control", return_value=True):  # the naming walk alone, as before
        try:
            reader.plain_text(copy.deepcopy(document))
        except NetworkFileError:
            refused = True
        else:
            refused = False
    assert holds_control(document) is refused
    if refused:  # and the fast check hands the file to the walk, which names the place
        with pytest.raises(NetworkFileError, match="a control character"):
            reader.plain_text(document)
    else:
        reader.plain_text(document)


def test_every_control_character_is_unprintable():
    """Check the premise of the quick check: ``str.isprintable`` refuses every character the pattern refuses."""
    every = "".join(map(chr, range(0x110000)))
    found = CONTROL.findall(every)
    assert len(found) > 200  # C0, C1, the bidirectional controls, the tags
    assert [c for c in found if c.isprintable()] == []


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code`` (crampnet from this checkout)."""
    script = f"import io, contextlib, json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False, timeout=300)
    assert run.returncode == 0, run.stderr
    return set(json.loads(run.stdout.splitlines()[-1]))


#: What ``import crampnet`` leaves to first use (``crampnet.__getattr__``), and where each name lives.
LAZY = {
    "Diagnosis": "crampnet.reasoning.diagnosis",
    "diagnose": "crampnet.reasoning.diagnosis",
    "RedFlag": "crampnet.reasoning.redflags",
    "Evaluation": "crampnet.trust.evaluate",
    "evaluate": "crampnet.trust.evaluate",
}


def test_import_crampnet_leaves_reasoning_and_evaluation_to_first_use():
    """Check ``import crampnet`` and loading a model import neither the reasoning layer nor evaluation (a fresh process)."""
    loaded = _modules_after("import crampnet\ncrampnet.load().posteriors({'urge_to_move': True})")
    assert "crampnet.model" in loaded  # the check sees crampnet's modules
    assert sorted(m for m in loaded if m.startswith(("crampnet.reasoning", "crampnet.trust"))) == []


def test_the_lazy_names_resolve_to_the_objects_they_name():
    """Check each lazy name of the package: attribute, ``from crampnet import``, ``dir`` and ``__all__`` give the defining module's object."""
    code = "\n".join(
        [
            "import importlib, crampnet",
            f"lazy = {LAZY!r}",
            "assert set(lazy) <= set(crampnet.__all__) and set(crampnet.__all__) <= set(dir(crampnet)), dir(crampnet)",
            "for name, module in lazy.items():",
            "    value = getattr(crampnet, name)",
            "    assert value is getattr(importlib.import_module(module), name), name",
            "    exec(f'from crampnet import {name} as again', globals())",
            "    assert again is value and vars(crampnet)[name] is value, name",  # kept after the first use
            "for name in crampnet.__all__:",
            "    getattr(crampnet, name)",
            "try:",
            "    crampnet.no_such_name",
            "except AttributeError as err:",
            "    assert \"no attribute 'no_such_name'\" in str(err), err",
            "else:",
            "    raise AssertionError('no AttributeError')",
            "import crampnet.trust.evaluate",
            "assert crampnet.evaluate is crampnet.trust.evaluate.evaluate",
        ]
    )
    _modules_after(code)


_DIAGNOSE = "import crampnet.cli\nwith contextlib.redirect_stdout(io.StringIO()):\n    assert crampnet.cli.main(['diagnose', '--example']) == 0"


def test_diagnose_imports_no_module_only_other_commands_use():
    """Check ``crampnet diagnose --example`` imports neither explanations, JSON records nor the file writer's temp-file names.

    ``explain`` (for ``Diagnosis.explain``), the records of ``--json`` and
    ``report``, and :mod:`secrets` (for ``-o`` files) cost the text
    command about 13 ms of CPU on a busy machine for nothing it prints.
    """
    loaded = _modules_after(_DIAGNOSE)
    assert "crampnet.reasoning.diagnosis" in loaded  # the check sees the command's modules
    assert {"crampnet.reasoning.explain", "crampnet.reasoning._records", "secrets"} & loaded == set()


def test_diagnose_reads_the_shipped_network_without_importlib_resources():
    """Check the shipped network and its twin are read from the package's folder, not through :mod:`importlib.resources`.

    Importing it (with :mod:`tempfile` and, when read, :mod:`zipfile`) cost
    each cold start about 5 ms of CPU on a busy machine.
    """
    loaded = _modules_after(_DIAGNOSE)
    assert "crampnet.network.twin" in loaded  # the check sees the twin read
    assert {"importlib.resources", "tempfile", "zipfile"} & loaded == set()


def test_a_package_in_a_zip_still_finds_its_network(tmp_path):
    """Check a crampnet imported from a zip reads its shipped network and twin through :mod:`importlib.resources`, as before."""
    root = SRC.parent
    archive = tmp_path / "crampnet.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (SRC / "crampnet").rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(SRC).as_posix())
        for name in ("leg_cramps.toml", "leg_cramps.json"):
            zf.write(root / "networks" / name, f"crampnet/networks/{name}")
    code = "\n".join(
        [
            "import sys",
            f"sys.path.insert(0, {str(archive)!r})",
            "import crampnet.network.loading as loading, crampnet.network.twin as twin",
            f"assert loading.__file__.startswith({str(archive)!r}), loading.__file__",
            f"assert loading.shipped_text() == open({str(root / 'networks' / 'leg_cramps.toml')!r}, encoding='utf-8').read()",
            f"assert twin.shipped_twin_text() == open({str(root / 'networks' / 'leg_cramps.json')!r}, encoding='utf-8').read()",
            "assert loading.shipped_file_text('no_such_network.toml') is None",
            "assert 'importlib.resources' in sys.modules",
        ]
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False, timeout=300,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert run.returncode == 0, run.stderr


def test_diagnose_does_not_import_the_interview():
    """Check ``crampnet diagnose`` no longer imports the interview for the closing note, and the note is the interview's.

    The note lived in ``crampnet._interview``, so the parser and every
    command imported the interview (about 7 ms of CPU of a cold start on a
    busy machine); it lives in ``crampnet._cli_output``, and the interview,
    until it imports it from there, writes the same words.
    """
    from crampnet import _cli_output, _interview

    assert _interview.NOTE == _cli_output.NOTE
    loaded = _modules_after(_DIAGNOSE)
    assert "crampnet._cli_output" in loaded
    assert {"crampnet._interview", "crampnet._interview_answers"} & loaded == set()
