"""The README's "Measured on published cases" tables are the figures of this commit.

The README quotes one run of ``benchmarks/bench_vignettes.py`` on each case
set. Those figures used to drift: a change to the network moved them and the
prose kept the old ones, or kept both in a history few could read. These
tests run the benchmark again on each set and compare every cell of the two
tables with the run, so that a commit that moves a figure must also move the
README. They check that the documentation tells the truth about the network,
not that the network is right: the expected figures are the README's,
written from a benchmark run, and the benchmark's own scoring is tested on
hand-counted synthetic cases in ``tests/test_bench_vignettes.py``.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import crampnet
from crampnet.reasoning import redflags  # the module: a name starting "test" would be collected

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "bench_vignettes.py"
DEV = REPO.parent / "shared" / "vignettes" / "dev.jsonl"

#: README row label -> (vignette file, file of ids to leave out or None).
SETS: dict[str, tuple[Path, Path | None]] = {
    "development": (DEV, None),
    "held-out": (REPO / "benchmarks" / "heldout" / "heldout.jsonl", None),
    "held-out and still blind": (REPO / "benchmarks" / "heldout" / "heldout.jsonl", REPO / "benchmarks" / "heldout" / "seen.txt"),
    "textbook": (REPO / "benchmarks" / "textbook" / "textbook.jsonl", None),
}


def _import_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_vignettes_for_readme", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("## Measured on published cases\n", 1)[1].split("\n## ", 1)[0]


def _rows(section: str, columns: int) -> dict[str, list[str]]:
    """Table rows of the section with ``columns`` cells, keyed by the label before any comma (the header left out)."""
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == columns and cells[0] != "case set" and not set(cells[0]) <= {"-"}:
            rows[cells[0].split(",")[0]] = cells[1:]
    return rows


def _count(figure: dict[str, Any]) -> str:
    """A cell as the README writes it, from the benchmark's own count and percent: '42 (76.4%)'."""
    return f"{figure['hits']} ({figure['percent']}%)"


def _run_and_row(label: str, runs: dict[str, dict[str, Any]], columns: int) -> tuple[dict[str, Any], list[str]]:
    """The benchmark's summary for a set and the README row with ``columns`` cells (skips where the set is absent)."""
    if label not in runs:
        pytest.skip(f"{SETS[label][0]} is not here")
    return runs[label], _rows(_section(), columns)[label]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One benchmark run per case set present here (dev.jsonl lives outside the repository)."""
    bench = _import_script()
    out: dict[str, dict[str, Any]] = {}
    for label, (vignettes, skip) in SETS.items():
        if not vignettes.is_file():
            continue
        target = tmp_path_factory.mktemp("bench") / "run.json"
        argv = ["--vignettes", str(vignettes), "--explain", "none", "--json", str(target)]
        if skip is not None:
            argv += ["--skip", str(skip)]
        assert bench.main(argv) == 0
        out[label] = json.loads(target.read_text(encoding="utf-8"))["summary"]
    return out


def test_the_tables_name_every_set() -> None:
    """Check that both tables have one row for each case set, and nothing else."""
    section = _section()
    assert set(_rows(section, 8)) == set(SETS)
    assert set(_rows(section, 4)) == set(SETS)


@pytest.mark.parametrize("label", list(SETS))
def test_crampnet_row_is_this_commits(label: str, runs: dict[str, dict[str, Any]]) -> None:
    """Check the row of crampnet's figures against a benchmark run of the same set."""
    summary, row = _run_and_row(label, runs, 8)
    n = summary["vignettes"]
    assert summary["errors"]["hits"] == 0, "a rejected case is not counted in the tables"
    mnm, urgent, anyflag = summary["must_not_miss_recall_all"], summary["false_alarms"], summary["any_flag_alarms"]
    assert row == [
        str(n),
        _count(summary["top1_all"]),
        _count(summary["top3_all"]),
        f"{summary['mrr_all']:.3f}",
        f"{mnm['hits']} of {mnm['of']}",
        f"{urgent['hits']} of {urgent['of']}",
        f"{anyflag['hits']} of {anyflag['of']}",
    ]


@pytest.mark.parametrize("label", list(SETS))
def test_checklist_row_is_this_commits(label: str, runs: dict[str, dict[str, Any]]) -> None:
    """Check the baseline row (the seeds' checklists as a points rule) against the same run."""
    summary, row = _run_and_row(label, runs, 4)
    assert row == [_count(summary["rule_top1_all"]), _count(summary["rule_top3_all"]), f"{summary['rule_mrr_all']:.3f}"]


def test_the_prose_quotes_the_testing_threshold_of_the_network(model: crampnet.Model) -> None:
    """Check the DVT figures the section's prose quotes (share among presenters, testing threshold)."""
    found = re.search(r"presenters \(([\d.]+)%\), above its testing threshold \(([\d.]+)%\)", " ".join(_section().split()))
    assert found is not None
    assert float(found.group(1)) == round(100 * float(model.diagnose({}).posteriors["deep_vein_thrombosis"]), 1)
    assert float(found.group(2)) == round(100 * redflags.testing_thresholds(model)["deep_vein_thrombosis"], 2)
