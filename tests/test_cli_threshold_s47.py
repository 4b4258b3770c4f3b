"""``--threshold`` on ``crampnet diagnose``, ``report`` and ``score``: the Python ``threshold=`` at the terminal.

Found in session 47: ``diagnose(model, evidence, threshold=0.1)`` replaces
every must-not-miss condition's testing threshold with one number, for the
red flags and the next questions, but the command line had no way to ask
for it. ``--threshold P`` now does, checked as the Python argument is
(a number in (0, 1], with the hint for a percentage).
"""

from __future__ import annotations

import json

import pytest

from crampnet.cli import main

EVIDENCE = {"urge_to_move": "yes", "age": 58, "sex": "male"}
ARGV = [f"{k}={v}" for k, v in EVIDENCE.items()]


def _flags(dx) -> list[tuple[str, str]]:
    return [(f.condition, f.urgency) for f in dx.red_flags]


@pytest.mark.parametrize("threshold", ["0.001", "1"])
def test_diagnose_threshold_gives_the_python_red_flags_and_questions(model, capsys, threshold):
    """Check --json's red flags, next questions and echoed threshold against model.diagnose(..., threshold=)."""
    assert main(["diagnose", *ARGV, "--threshold", threshold, "--json", "--questions", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    dx = model.diagnose(EVIDENCE, threshold=float(threshold))
    assert out["threshold"] == float(threshold)
    assert [(f["condition"], f["urgency"]) for f in out["red_flags"]] == _flags(dx)
    assert [q["question"] for q in out["next_questions"]] == list(dx.next_questions(3).index)
    assert [(m["condition"], m["threshold"]) for m in out["must_not_miss"]] == [(c, float(threshold)) for c in dx.must_not_miss.index]


def test_diagnose_threshold_changes_the_flags(model, capsys):
    """Check the option is not ignored: a low threshold flags conditions the default thresholds do not."""
    assert main(["diagnose", *ARGV, "--json", "--questions", "0"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert default["threshold"] is None
    assert main(["diagnose", *ARGV, "--threshold", "0.001", "--json", "--questions", "0"]) == 0
    low = json.loads(capsys.readouterr().out)
    assert "deep_vein_thrombosis" in {f["condition"] for f in low["red_flags"]} - {f["condition"] for f in default["red_flags"]}
    assert _flags(model.diagnose(EVIDENCE)) != _flags(model.diagnose(EVIDENCE, threshold=0.001))


def test_diagnose_text_shows_the_threshold_flags(model, capsys):
    """Check the text output lists the flags the threshold raises."""
    assert main(["diagnose", *ARGV, "--threshold", "0.001", "--questions", "0"]) == 0
    out = capsys.readouterr().out
    flags = _flags(model.diagnose(EVIDENCE, threshold=0.001))
    assert flags
    assert all(condition in out.split("Must-not-miss conditions")[0] for condition, _ in flags)


def test_report_threshold_is_the_python_report(model, capsys):
    """Check crampnet report --threshold writes the report of model.diagnose(..., threshold=)."""
    assert main(["report", *ARGV, "--threshold", "0.001"]) == 0
    assert capsys.readouterr().out == model.diagnose(EVIDENCE, threshold=0.001).report()
    assert model.diagnose(EVIDENCE, threshold=0.001).report() != model.diagnose(EVIDENCE).report()


def test_score_threshold_gives_the_python_red_flags(model, tmp_path, capsys):
    """Check the red_flags column of crampnet score --threshold row by row against model.diagnose(..., threshold=)."""
    rows = [{"urge_to_move": "yes", "age": 58, "sex": "male"}, {"urge_to_move": "no", "age": 30, "sex": "female"}]
    path = tmp_path / "c.csv"
    path.write_text("urge_to_move,age,sex\n" + "".join(f"{r['urge_to_move']},{r['age']},{r['sex']}\n" for r in rows))
    assert main(["score", str(path), "--no-progress", "--threshold", "0.001"]) == 0
    lines = capsys.readouterr().out.splitlines()
    cells = [line.rsplit(",", 1)[1] for line in lines[1:]]
    assert cells == ["; ".join(f"{c} ({u})" for c, u in _flags(model.diagnose(r, threshold=0.001))) for r in rows]
    assert cells[0] != "; ".join(f"{c} ({u})" for c, u in _flags(model.diagnose(rows[0])))


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("5", " 5 reads as a percentage? 5% is 0.05: pass 0.05."),
        ("1.5", " 1.5 reads as a percentage? 1.5% is 0.015: pass 0.015."),
        ("5%", " 5% is 0.05: give --threshold 0.05."),
        ("0", ""),
        ("-0.1", ""),
        ("150", ""),
        ("nan", ""),
        ("inf", ""),
        ("abc", ""),
        ("1_0", ""),
    ],
)
@pytest.mark.parametrize("command", [["diagnose", "urge_to_move=yes"], ["report"], ["score", "-"], ["interview"]])
def test_a_bad_threshold_is_one_error_line(capsys, command, value, hint):
    """Check the error names the value as typed, says what is valid and, for a percentage, what to give."""
    assert main([*command, "--threshold", value]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"crampnet: error: --threshold must be a number in (0, 1] (leave it out for each condition's testing threshold). Got {value!r} instead.{hint}\n"

