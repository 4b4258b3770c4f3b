"""Evidence read alike in Python and on the command line (session 46): yes/no words, numbers as typed."""

from __future__ import annotations

import json

import pytest

import crampnet
from crampnet.cli import main
from crampnet.exceptions import InvalidStateError, InvalidValueError


@pytest.fixture(scope="module")
def model():
    return crampnet.load()


def _cli_json(capsys, *assignments: str) -> dict[str, object]:
    """``crampnet diagnose ... --json`` parsed."""
    assert main(["diagnose", *assignments, "--json", "--questions", "0"]) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


@pytest.mark.parametrize(
    ("word", "state"),
    [("yes", "raised"), ("Yes", "raised"), (" y ", "raised"), ("true", "raised"), ("present", "raised"), ("POSITIVE", "raised"), ("no", "normal"), ("N", "normal"), ("absent", "normal"), ("negative", "normal")],
)
def test_python_reads_yes_no_words_on_d_dimer_as_the_command_line_does(capsys, model, word, state):
    """Check ``diagnose(model, {"d_dimer": word})`` reads the state the CLI's ``d_dimer=word`` reads, with the same posteriors as the state named."""
    named = crampnet.diagnose(model, {"d_dimer": state})
    typed = crampnet.diagnose(model, {"d_dimer": word})
    assert typed.posteriors.to_dict() == pytest.approx(named.posteriors.to_dict())
    assert [f.urgency for f in typed.red_flags] == [f.urgency for f in named.red_flags]
    assert model.posteriors({"d_dimer": word}).to_dict() == pytest.approx(named.posteriors.to_dict())
    cli = _cli_json(capsys, f"d_dimer={word}")
    assert cli["read_as"] == {"d_dimer": state}
    assert cli["posteriors"] == pytest.approx(named.posteriors.to_dict(), abs=1e-6)


def test_yes_no_words_read_differently_give_different_posteriors(model):
    """Check the words matter: "yes" and "no" on d_dimer are not read alike (the test above could pass if both were ignored)."""
    assert model.posteriors({"d_dimer": "yes"})["deep_vein_thrombosis"] > model.posteriors({"d_dimer": "no"})["deep_vein_thrombosis"]


def test_knee_reflex_reads_yes_as_its_positive_state(model):
    """Check knee_reflex (reduced/normal) reads "yes" as reduced, the state its file names as positive."""
    assert model.spec.nodes["knee_reflex"].positive == "reduced"
    assert model.posteriors({"knee_reflex": "yes"}).to_dict() == pytest.approx(model.posteriors({"knee_reflex": "reduced"}).to_dict())


@pytest.mark.parametrize("word", ["maybe", "yess", "", "1"])
def test_a_wrong_word_on_d_dimer_is_still_refused_listing_the_states(model, word):
    """Check a word that names no state (or no text at all) is an InvalidStateError listing d_dimer's states."""
    with pytest.raises(InvalidStateError, match=r"normal, raised\."):
        model.posteriors({"d_dimer": word})


def test_yes_stays_refused_on_a_node_without_booleans(model):
    """Check pedal_pulses (normal, diminished, absent) refuses "yes" and "no": booleans mean nothing there."""
    for word in ("yes", "no"):
        with pytest.raises(InvalidStateError, match=r"Valid states: normal, diminished, absent"):
            model.posteriors({"pedal_pulses": word})


def test_python_soft_evidence_takes_yes_no_keys(model):
    """Check ``{"yes": 2, "No": 1}`` on d_dimer in Python is raised:2, normal:1, as a case file's is."""
    by_name = model.posteriors({"d_dimer": {"raised": 2, "normal": 1}}).to_dict()
    assert model.posteriors({"d_dimer": {"yes": 2, "No": 1}}).to_dict() == pytest.approx(by_name)
    assert by_name != pytest.approx(model.posteriors({"d_dimer": {"raised": 1, "normal": 2}}).to_dict())
    with pytest.raises(InvalidValueError, match=r"'raised' twice .*'raised' and 'Yes'"):
        model.posteriors({"d_dimer": {"raised": 1, "Yes": 2}})


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("ferritin=32.0", "ferritin=32.0 (low)"), ("potassium=3.50", "potassium=3.50 (normal)"), ("age=7e1", "age_group=7e1 (65_plus)"), ("ankle_brachial_index=.90", "ankle_brachial_index=.90 (normal)"), ("ferritin=29.99999999999999999", "ferritin=29.99999999999999999 (low)")],
)
def test_the_evidence_line_shows_numbers_as_typed(capsys, typed, shown):
    """Check the CLI's Evidence line writes a number as it was typed (not ``32``, ``3.5``, ``70``, ``0.9``), with the state it fell in."""
    assert main(["diagnose", typed, "--top", "1", "--questions", "0"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line == f"Evidence: {shown}", line


def test_json_keeps_numbers_and_shows_them_as_typed_in_read_as(capsys):
    """Check ``--json`` keeps ``evidence`` as numbers (machine-readable) and shows the typed text in ``read_as``, its display field."""
    out = _cli_json(capsys, "ferritin=32.0", "age=7e1", "d_dimer=yes")
    assert out["evidence"] == {"ferritin": 32.0, "age_group": 70.0, "d_dimer": True}
    assert isinstance(out["evidence"]["ferritin"], float)  # type: ignore[index]
    assert out["read_as"] == {"ferritin": "32.0 (low)", "age_group": "7e1 (65_plus)", "d_dimer": "raised"}


@pytest.mark.parametrize(("typed", "shown"), [("age=1e3", "age (age_group) = 1e3 is outside"), ("urge_to_move=1e0", "(got 1e0)"), ("ferritin=5.0e4", "ferritin = 5.0e4 is outside")])
def test_cli_errors_show_floats_as_typed(capsys, typed, shown):
    """Check an error about a float typed on the command line names it as typed (``1e3``, not ``1000.0``)."""
    assert main(["diagnose", typed]) == 2
    err = capsys.readouterr().err
    assert shown in err, err


def test_a_case_file_number_beside_a_typed_one_is_shown_as_before(tmp_path, capsys):
    """Check a case file's number (no typed text) is still shown as the number, and a command-line number overriding it as typed."""
    case = tmp_path / "c.json"
    case.write_text('{"ferritin": 32.0, "potassium": 3.5}')
    assert main(["diagnose", "--case", str(case), "potassium=3.50", "--top", "1", "--questions", "0"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Evidence: ferritin=32 (low), potassium=3.50 (normal)"


@pytest.mark.parametrize(("text", "number"), [("32", 32), (" 32.0 ", 32.0), ("1e3", 1000.0), ("0.7", 0.7)])
def test_python_reads_a_number_written_as_text_as_the_command_line_does(capsys, model, text, number):
    """Check ``{"ferritin": "32"}`` in Python is ferritin 32, as ``ferritin=32`` on the command line and ``"32"`` in a case file are."""
    node = "ankle_brachial_index" if number < 1 else "ferritin"
    as_number = model.posteriors({node: number}).to_dict()
    assert model.posteriors({node: text}).to_dict() == pytest.approx(as_number)
    assert crampnet.diagnose(model, {node: text}).posteriors.to_dict() == pytest.approx(as_number)
    cli = _cli_json(capsys, f"{node}={text.strip()}")
    assert cli["posteriors"] == pytest.approx(as_number, abs=1e-6)


def test_numbers_as_text_land_in_their_bands(model):
    """Check the text is banded, not ignored: "20" and "200" on ferritin (low below 30 or so, normal above) differ."""
    assert model.posteriors({"ferritin": "20"})["restless_legs_syndrome"] > model.posteriors({"ferritin": "200"})["restless_legs_syndrome"]


def test_a_number_as_text_is_shown_as_written_in_the_report(model):
    """Check the report's evidence line writes ``"32"`` as the number with its unit and band, as it writes 32."""
    stamp = next(line for line in crampnet.diagnose(model, {"ferritin": "32"}).report().splitlines() if "Evidence" in line)
    assert "32 ng/mL (low)" in stamp, stamp


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("30_0", InvalidStateError, r"'30_0' is not a state of ferritin"),
        ("32 mg/L", InvalidStateError, r"'32 mg/L' is not a state of ferritin"),  # a unit not ferritin's (ng/mL, the same as µg/L): since session 51 "32 ng/mL" is read as 32
        ("9000", InvalidValueError, r"ferritin = 9000 is outside the plausible range"),
        ("1e400", InvalidValueError, r"ferritin = 1e400 is beyond the range of a float"),
        ("nan", InvalidValueError, r"'nan' is not a state of ferritin but the text of a missing value. Leave a node out"),
    ],
)
def test_a_bad_number_as_text_is_refused_by_name(model, text, error, message):
    """Check text that is no usable number is an error naming it as written (``30_0`` is no 300, ``1e400`` no infinity)."""
    with pytest.raises(error, match=message):
        model.posteriors({"ferritin": text})


def test_numbers_as_text_stay_refused_on_nodes_without_bands(model):
    """Check "1" on urge_to_move (yes/no) is still refused listing its states: a number is no answer there."""
    with pytest.raises(InvalidStateError, match=r"Valid states: yes, no"):
        model.posteriors({"urge_to_move": "1"})


def test_a_case_file_number_written_as_text_is_echoed_and_named_as_written(tmp_path, capsys):
    """Check a case file's ``"32.0"`` is echoed as 32.0 and its ``"1e400"`` named as written, as on the command line (it said "Got inf")."""
    case = tmp_path / "c.json"
    case.write_text('{"ferritin": "32.0"}')
    assert main(["diagnose", "--case", str(case), "--top", "1", "--questions", "0"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Evidence: ferritin=32.0 (low)"
    case.write_text('{"ferritin": "1e400"}')
    assert main(["diagnose", "--case", str(case)]) == 2
    err = capsys.readouterr().err
    assert "c.json: ferritin = 1e400 is beyond the range of a float" in err and "inf" not in err, err


@pytest.mark.parametrize(("node", "text"), [("ferritin", ""), ("urge_to_move", "  "), ("d_dimer", "\t")])
def test_empty_text_in_python_says_it_gives_no_value(model, node, text):
    """Check empty or blank text (an empty form field) says it gives no value and how to leave the node out, as the command line's ``node=`` does; not "'' is not a state"."""
    with pytest.raises(InvalidStateError, match=r"which gives no value\. Leave a node out of the evidence") as caught:
        model.posteriors({node: text})
    assert "is not a state" not in str(caught.value)
    assert ", ".join(model.spec.nodes[node].states) in str(caught.value)


@pytest.mark.parametrize(
    ("node", "text", "hint"),
    [
        ("potassium", "3,5", "Write a number with a decimal point and no thousands separator"),
        ("ferritin", "32,5 ng/mL", "Write a number with a decimal point and no thousands separator"),
        ("age", "1.200 years", "1.200 may be 1.2 or 1200"),
    ],
)
def test_a_number_with_a_comma_or_its_unit_says_what_to_type(capsys, model, node, text, hint):
    """Check a number with a decimal comma is refused with what to type instead, in Python and on the command line, its unit after it or not.

    Until session 51 a number with the node's own unit (``32 ng/mL``, ``70 years``) was refused with
    "Give the number alone: 32."; it is read as the number since (tests/test_s51_h1_units.py).
    """
    with pytest.raises(InvalidStateError) as caught:
        model.posteriors({node: text})
    assert hint in str(caught.value), caught.value
    assert main(["diagnose", f"{node}={text}"]) == 2
    assert hint in capsys.readouterr().err


def test_a_number_in_another_unit_is_not_offered_as_the_value(model):
    """Check "9.2 mg/dL" on calcium (mmol/L) is not answered "give 9.2": 9.2 mg/dL is 2.3 mmol/L; the hint gives the number in mmol/L instead (session 51)."""
    with pytest.raises(InvalidStateError) as caught:
        model.posteriors({"calcium": "9.2 mg/dL"})
    message = str(caught.value)
    assert f"is {9.2 * 10 / 40.078:.2f} mmol/L" in message, message
    assert "alone: 9.2" not in message and "calcium=9.2" not in message
