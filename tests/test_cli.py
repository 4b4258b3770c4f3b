"""The command line: python -m crampnet diagnose ..."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crampnet.cli import main, parse_assignment

DATA = Path(__file__).parent / "data"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crampnet", *args], capture_output=True, text=True, timeout=300, check=False)


def _first_condition(stdout: str) -> str:
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("condition"))
    return lines[header + 1].split()[0]


def test_diagnose_example(model):
    """Check that 'diagnose --example' exits 0 and ranks restless_legs_syndrome first."""
    proc = _run("diagnose", "--example")
    assert proc.returncode == 0, proc.stderr
    assert _first_condition(proc.stdout) == "restless_legs_syndrome"
    assert proc.stderr == ""


def test_diagnose_misspelt_node(model):
    """Check that a misspelt node exits 2 with 'Did you mean' on stderr and nothing on stdout."""
    proc = _run("diagnose", "urge_to_mov=yes")
    assert proc.returncode == 2
    assert "Did you mean 'urge_to_move'?" in proc.stderr
    assert proc.stdout == ""


def test_diagnose_json(model):
    """Check that --json prints JSON with every condition's posterior, RLS first for the example."""
    proc = _run("diagnose", "--example", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    posteriors = out["posteriors"]
    assert sorted(posteriors) == sorted(model.conditions)
    assert all(0.0 <= p <= 1.0 for p in posteriors.values())
    assert max(posteriors, key=posteriors.get) == "restless_legs_syndrome"
    assert out["evidence"]["urge_to_move"] == "True"


def test_json_matches_the_api(model):
    """Check that the --json posteriors equal model.posteriors for the same evidence (to the 6 printed decimals)."""
    proc = _run("diagnose", "--json", "urge_to_move=yes", "ferritin=30", "age=70")
    assert proc.returncode == 0, proc.stderr
    printed = json.loads(proc.stdout)["posteriors"]
    expected = model.posteriors({"urge_to_move": "yes", "ferritin": 30, "age": 70})
    for cond, p in printed.items():
        assert p == pytest.approx(expected[cond], abs=1e-6)


@pytest.mark.parametrize(("args", "message"), [
    (["ferritin=lo"], "Valid states: low, normal"),
    (["ferritin=nan"], "finite number"),
    (["ferritin=-5"], "outside the plausible range"),
    (["urge_to_move"], "Expected node=value"),
])
def test_diagnose_bad_values_exit_2(model, capsys, args, message):
    """Check that bad values exit 2 with the error on stderr."""
    assert main(["diagnose", *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.startswith("crampnet: error:")


def test_diagnose_other_network(capsys):
    """Check --network with tests/data/tiny.toml: rls ranks first after urge=yes and a low ferritin."""
    assert main(["diagnose", "--network", str(DATA / "tiny.toml"), "urge=yes", "ferritin=20", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert _first_condition(out) == "rls"


def test_diagnose_missing_network_file(capsys, tmp_path):
    """Check that a missing --network file exits 2 naming the file."""
    path = tmp_path / "nope.toml"
    assert main(["diagnose", "--network", str(path)]) == 2
    assert str(path) in capsys.readouterr().err


def test_diagnose_impossible_evidence(capsys):
    """Check that impossible evidence exits 2 naming the conflicting entries."""
    assert main(["diagnose", "--network", str(DATA / "tiny.toml"), "jerks=yes", "plm=absent"]) == 2
    err = capsys.readouterr().err
    assert "jerks=yes" in err
    assert "plm=absent" in err


@pytest.mark.parametrize(("text", "expected"), [
    ("ferritin=30", ("ferritin", 30.0)),
    ("urge_to_move=yes", ("urge_to_move", "yes")),
    ("urge_to_move=true", ("urge_to_move", True)),
    ("urge_to_move=False", ("urge_to_move", False)),
    (" age =70", ("age", 70.0)),
])
def test_parse_assignment(text, expected):
    """Check node=value parsing: numbers become floats, true/false booleans, names stay names."""
    assert parse_assignment(text) == expected
