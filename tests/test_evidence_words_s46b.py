"""Evidence read and echoed alike in the interview, Python, the command line and the docs (session 46, second pass)."""

from __future__ import annotations

import io
import json

import pytest

import crampnet
from crampnet.cli import main


@pytest.fixture(scope="module")
def model():
    return crampnet.load()


def _interview(monkeypatch, capsys, args: list[str], answers: str) -> tuple[int, str]:
    """``crampnet interview ARGS`` with ``answers`` piped in: the exit code and the standard output."""
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    code = main(["interview", *args])
    return code, capsys.readouterr().out


def test_the_interview_echoes_numbers_as_typed(monkeypatch, capsys):
    """Check the interview's final Evidence line shows ``ferritin=32.0`` and an answered ``7e1`` (days, to the first question, symptom_duration) as typed, as diagnose does (it showed 32 and 70)."""
    code, out = _interview(monkeypatch, capsys, ["ferritin=32.0", "--max-questions", "2"], "7e1\nq\n")
    assert code == 0
    assert "Q1. How long the current problem has lasted (symptom_duration: " in out, out
    evidence = next(line for line in out.splitlines() if line.startswith("Evidence: "))
    assert evidence == "Evidence: ferritin=32.0 (low), symptom_duration=7e1 (2_weeks_to_3_months)", evidence


def test_an_interview_answer_out_of_range_is_named_as_typed(monkeypatch, capsys):
    """Check an answer of 1e5 for the duration (the first question) is named 1e5 in the explanation, as on the command line (it said 100000.0).

    Written for the age (1e4 years); the first question is symptom_duration now,
    whose plausible range is 0 to 36500 days, so 1e5 is out of it where 1e4 is not.
    """
    code, out = _interview(monkeypatch, capsys, ["ferritin=32", "--max-questions", "1"], "1e5\nq\n")
    assert code == 0
    assert "Q1. How long the current problem has lasted (symptom_duration: " in out, out
    explained = next(line for line in out.splitlines() if "does not fit" in line)
    assert "symptom_duration = 1e5 is outside the plausible range 0 to 36500 days" in explained, explained


def test_the_interview_saves_numbers_not_their_texts(monkeypatch, capsys, tmp_path):
    """Check the saved case keeps the numbers (a machine-readable file), while the echo shows them as typed."""
    path = tmp_path / "case.json"
    code, out = _interview(monkeypatch, capsys, ["ferritin=32.0", "--max-questions", "1", "--save", str(path)], "7e1\n")
    assert code == 0
    assert "symptom_duration=7e1 (2_weeks_to_3_months)" in out
    saved = json.loads(path.read_text())["evidence"]
    assert saved == {"ferritin": 32.0, "symptom_duration": 70.0}
    assert all(type(v) is float for v in saved.values())


_NUMBER_ON_D_DIMER = "d_dimer does not accept a number (got 1). Valid states: normal, raised. Also read: yes/y/true/present/positive as raised, no/n/false/absent/negative as normal."


def test_a_number_on_a_node_without_bands_has_one_message_wherever_typed(model, capsys, tmp_path):
    """Check ``1`` on d_dimer is one message from Python (number or text), a case file (number or text) and the command line, listing the states and the yes/no words.

    The command line said "does not accept a number (got 1)" while Python's and
    a case file's ``"1"`` said "'1' is not a state of d_dimer".
    """
    for value in (1, "1", " 1 "):
        with pytest.raises(crampnet.InvalidStateError) as caught:
            model.posteriors({"d_dimer": value})
        assert str(caught.value) == _NUMBER_ON_D_DIMER, (value, str(caught.value))
    assert main(["diagnose", "d_dimer=1"]) == 2
    assert capsys.readouterr().err.strip() == f"crampnet: error: {_NUMBER_ON_D_DIMER}"
    case = tmp_path / "c.json"
    for written in ('{"d_dimer": 1}', '{"d_dimer": "1"}'):
        case.write_text(written)
        assert main(["diagnose", "--case", str(case)]) == 2
        assert capsys.readouterr().err.strip() == f"crampnet: error: {case}: {_NUMBER_ON_D_DIMER}", written


def test_a_number_on_a_node_without_yes_no_lists_only_its_states(model):
    """Check ``"0"`` on pedal_pulses (normal, diminished, absent: no yes/no) says it takes no number and lists the three states, no yes/no words."""
    with pytest.raises(crampnet.InvalidStateError) as caught:
        model.posteriors({"pedal_pulses": "0"})
    assert str(caught.value) == "pedal_pulses does not accept a number (got 0). Valid states: normal, diminished, absent."


def _suggested(message: str) -> str:
    """The ``df.replace(...)`` expression an error message suggests (everything from ``df.replace(`` to its closing parenthesis)."""
    start = message.index("df.replace(")
    depth = 0
    for end in range(start + len("df.replace"), len(message)):
        depth += {"(": 1, ")": -1}.get(message[end], 0)
        if depth == 0:
            return message[start : end + 1]
    raise AssertionError(message)


@pytest.mark.parametrize("empty", ["", "  "])
def test_the_hint_for_empty_text_cells_makes_them_missing(model, empty):
    """Check the no-value error for a DataFrame's ``''`` (or blank) cell suggests code that works: ``row.dropna()`` keeps ``''``, so it was no fix.

    The suggested ``df.replace(...)``, run on the frame, leaves exactly those
    cells out: the posteriors equal those of the cases without them.
    """
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"ferritin": ["32", empty], "d_dimer": [empty, "yes"]})
    with pytest.raises(crampnet.InvalidStateError) as caught:
        model.posteriors(df)
    message = str(caught.value)
    assert "row.dropna().to_dict())" not in message, message
    fixed = eval(_suggested(message), {"df": df})  # the message's own advice, run as written
    got = model.posteriors(fixed)
    expected = pd.concat([model.posteriors({"ferritin": "32"}).to_frame().T, model.posteriors({"d_dimer": "yes"}).to_frame().T], ignore_index=True)
    assert got.to_numpy() == pytest.approx(expected[got.columns].to_numpy())
    with pytest.raises(crampnet.InvalidStateError) as caught:  # a row given as a dict: the same advice, then dropna
        model.posteriors(df.iloc[0].to_dict())
    row = eval(_suggested(str(caught.value)), {"df": df.iloc[0]}).dropna().to_dict()
    assert row == {"ferritin": "32"}
