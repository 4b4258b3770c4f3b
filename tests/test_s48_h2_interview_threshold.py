"""``threshold`` on the interview: ``Interview(..., threshold=)`` and ``crampnet interview --threshold``.

Found in session 48: ``diagnose``, ``report`` and ``score`` take
``--threshold P`` (one testing threshold for every must-not-miss condition),
but the interview, which shows the red flags and ranks its questions by the
testing decisions an answer can change, took none: a clinician who set a
threshold on ``diagnose`` got the network's own thresholds in the interview.
"""

from __future__ import annotations

import io
import json
import re
import shlex

import pytest

from crampnet._interview import Interview
from crampnet.exceptions import InvalidValueError

EVIDENCE = {"muscle_cramps": True}


def _first(dx) -> str:
    """The first question the interview asks: the table's first row with information gain, as the interview's order is."""
    table = dx.next_questions(None)
    return next(str(q) for q, gain in table["information_gain"].items() if gain > 1e-9)


def test_the_interview_class_asks_and_flags_by_the_threshold(model, capsys):
    """Check Interview(threshold=) asks the first question and shows the red flags of diagnose(..., threshold=)."""
    low, default = model.diagnose(EVIDENCE, threshold=0.001), model.diagnose(EVIDENCE)
    assert _first(low) != _first(default)  # the case on which the option matters
    flags = {f.condition for f in low.red_flags}
    assert flags - {f.condition for f in default.red_flags}
    assert Interview(model, EVIDENCE, threshold=0.001, max_questions=1).run(io.StringIO("skip\n")) == 0
    out = capsys.readouterr().out
    assert re.search(rf"^Q1\. .*\({_first(low)}: ", out, flags=re.MULTILINE)
    final = out.split("\nFinal differential:\n")[1]
    assert set(re.findall(r"RED FLAG \(\w+\) (\w+):", final)) == flags


@pytest.mark.parametrize(("value", "says"), [(5, "5 reads as a percentage? 5% is 0.05: pass 0.05."), (0, "Got 0 instead."), ("0.05", "is text: pass the number 0.05.")])
def test_the_interview_class_refuses_a_bad_threshold_before_asking(model, capsys, value, says):
    """Check a bad threshold is refused when the interview is made, naming the value, with the percentage hint."""
    with pytest.raises(InvalidValueError, match="threshold") as info:
        Interview(model, EVIDENCE, threshold=value)
    assert says in str(info.value)
    assert capsys.readouterr().out == ""


def test_interview_threshold_on_the_command_line(model, cli_run):
    """Check crampnet interview --threshold asks and flags as diagnose --threshold does."""
    low = model.diagnose(EVIDENCE, threshold=0.001)
    code, out, err = cli_run(["interview", "muscle_cramps=yes", "--threshold", "0.001", "--max-questions", "1"], "skip\n")
    assert (code, err) == (0, "")
    assert re.search(rf"^Q1\. .*\({_first(low)}: ", out, flags=re.MULTILINE)
    assert set(re.findall(r"RED FLAG \(\w+\) (\w+):", out)) == {f.condition for f in low.red_flags}
    assert "motor_neuron_disease" in {f.condition for f in low.red_flags}
    code, out, err = cli_run(["interview", "muscle_cramps=yes", "--max-questions", "1"], "skip\n")
    assert (code, err) == (0, "")
    assert "motor_neuron_disease" not in re.findall(r"RED FLAG \(\w+\) (\w+):", out)


def test_the_resume_command_keeps_the_threshold(tmp_path, cli_run):
    """Check the resume command printed after --save carries --threshold, so the resumed interview asks by the same threshold."""
    path = tmp_path / "case.json"
    code, out, err = cli_run(["interview", "muscle_cramps=yes", "--threshold", "0.001", "--max-questions", "1", "--save", str(path)], "skip\n")
    assert (code, err) == (0, "")
    resume = out.rsplit("resume it with: ", 1)[1].strip()
    assert " --threshold 0.001" in resume
    assert json.loads(path.read_text())["skipped"]  # the first question, skipped
    code, out, err = cli_run(shlex.split(resume)[1:], "skip\n")
    assert (code, err) == (0, "")
    assert "motor_neuron_disease" in re.findall(r"RED FLAG \(\w+\) (\w+):", out.split("\nFinal differential:\n")[1])


@pytest.mark.parametrize(("value", "hint"), [("5", " 5 reads as a percentage? 5% is 0.05: pass 0.05."), ("5%", " 5% is 0.05: give --threshold 0.05."), ("0", "")])
def test_a_bad_interview_threshold_is_one_error_line(value, hint, cli_run):
    """Check interview --threshold is checked as diagnose's is: one line, no question asked."""
    code, out, err = cli_run(["interview", "--threshold", value], "yes\n")
    assert (code, out) == (2, "")
    assert err == f"crampnet: error: --threshold must be a number in (0, 1] (leave it out for each condition's testing threshold). Got {value!r} instead.{hint}\n"
