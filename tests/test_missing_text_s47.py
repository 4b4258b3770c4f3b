"""Text that writes a missing value ("nan", "<NA>", "None") refused alike on every node, in Python, the command line and the interview (session 47)."""

from __future__ import annotations

import io

import pytest

import crampnet
from crampnet.cli import main


@pytest.fixture(scope="module")
def model():
    return crampnet.load()


def _suggested(message: str) -> str:
    """The ``df.replace(...)`` expression an error message suggests (everything from ``df.replace(`` to its closing parenthesis)."""
    start = message.index("df.replace(")
    depth = 0
    for end in range(start + len("df.replace"), len(message)):
        depth += {"(": 1, ")": -1}.get(message[end], 0)
        if depth == 0:
            return message[start : end + 1]
    raise AssertionError(message)


@pytest.mark.parametrize("text", ["nan", "NaN", "<NA>", "None", "NaT", "null", "n/a"])
@pytest.mark.parametrize("node", ["d_dimer", "pedal_pulses", "urge_to_move", "ferritin", "age"])
def test_missing_value_text_says_to_leave_the_node_out_on_every_node(model, node, text):
    """Check ``{"d_dimer": "nan"}`` (a DataFrame made text, a CSV read as text) gets the leave-it-out advice that
    ``float("nan")`` gets, on a node with states only as on one with numbers: it said only "'nan' is not a state of d_dimer" ("NA": "Did you mean 'normal'?")."""
    with pytest.raises(ValueError, match="Leave a node out of the evidence") as caught:
        model.posteriors({node: text})
    message = str(caught.value)
    label = "age (age_group)" if node == "age" else node
    assert message.startswith(f"{text!r} is not a state of {label} but the text of a missing value."), message
    assert "Valid states: " in message and "Did you mean" not in message, message


def test_the_advice_for_missing_value_text_works_as_written(model):
    """Check the ``df.replace(...)`` the message suggests, run on the frame, leaves those cells out (``row.dropna()`` keeps "nan" text, so it is no fix)."""
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"ferritin": ["32", "nan"], "d_dimer": ["nan", "yes"]})
    with pytest.raises(ValueError, match="the text of a missing value") as caught:
        model.posteriors(df)
    fixed = eval(_suggested(str(caught.value)), {"df": df})  # the message's own advice, run as written
    got = model.posteriors(fixed)
    expected = pd.concat([model.posteriors({"ferritin": "32"}).to_frame().T, model.posteriors({"d_dimer": "yes"}).to_frame().T], ignore_index=True)
    assert got.to_numpy() == pytest.approx(expected[got.columns].to_numpy())


def test_a_state_named_none_is_still_read(model):
    """Check ``pregnancy``'s state ``none`` (and "None") stays a state, not a missing value."""
    assert model.posteriors({"pregnancy": "None", "sex": "female"}).equals(model.posteriors({"pregnancy": "none", "sex": "female"}))


@pytest.mark.parametrize("text", ["none", "None", "NONE"])
def test_a_state_named_none_is_read_on_the_command_line_and_in_the_interview(capsys, model, text):
    """Check ``pregnancy=None`` is the state none on the command line and as an interview answer, not "gives no value"."""
    from crampnet._interview import Interview

    assert main(["diagnose", "sex=female", f"pregnancy={text}", "--top", "1", "--questions", "0"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Evidence: sex=female, pregnancy=none"
    assert Interview(model, {"sex": "female"})._value("pregnancy", text) == "none"


@pytest.mark.parametrize(("pair", "shown"), [("d_dimer=<NA>", "d_dimer=<NA>"), ("ferritin=None", "ferritin=None"), ("pedal_pulses=NaN", "pedal_pulses=NaN"), ("urge_to_move=null", "urge_to_move=null")])
def test_the_command_line_says_missing_value_text_gives_no_value(cli_error, pair, shown):
    """Check ``d_dimer=<NA>`` is "gives no value ... leave it out of the command line" as ``d_dimer=nan`` is, and NaN is shown as typed (it said nan)."""
    err = cli_error(["diagnose", pair])
    node = pair.split("=")[0]
    assert f"crampnet: error: {shown} gives no value. To mark {node} unknown, leave it out of the command line" in err, err
    assert "DataFrame" not in err


def test_a_case_file_says_missing_value_text_gives_no_value(cli_error, tmp_path):
    """Check ``{"d_dimer": "<NA>"}`` in a case file names the file and says to leave the key out, as ``"nan"`` does."""
    path = tmp_path / "case.json"
    path.write_text('{"d_dimer": "<NA>"}', encoding="utf-8")
    err = cli_error(["diagnose", "--case", str(path)])
    assert err.startswith(f"crampnet: error: {path}: d_dimer is '<NA>', which gives no value. To mark d_dimer unknown, leave it out of the case file"), err


@pytest.mark.parametrize("answer", ["nan", "<NA>", "None"])
def test_an_interview_answer_of_missing_value_text_says_to_type_skip(model, capsys, answer):
    """Check answering ``nan`` to d_dimer (no numbers) says to type skip, as it does on ferritin, not a pandas recipe."""
    from crampnet._interview import Interview

    run = Interview(model, {"urge_to_move": True})
    assert run._value("d_dimer", answer) is None  # asked again
    out = capsys.readouterr().out
    assert "DataFrame" not in out and "is not a state" not in out, out
    assert f"{answer} is not a value: to leave d_dimer unknown, type skip." in out


def test_the_interview_reads_on_after_missing_value_text(monkeypatch, capsys):
    """Check the interview asks again after ``<NA>`` and takes the next answer."""
    monkeypatch.setattr("sys.stdin", io.StringIO("<NA>\nskip\nquit\n"))
    assert main(["interview", "ferritin=32", "--max-questions", "2"]) == 0
    out = capsys.readouterr().out
    assert "<NA> is not a value: to leave" in out, out
