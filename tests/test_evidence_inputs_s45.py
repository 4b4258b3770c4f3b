"""Evidence input found by session 45's helpers: soft-evidence keys, numbers in messages, the bare command."""

from __future__ import annotations

import numpy as np
import pytest

import crampnet
from crampnet.cli import main
from crampnet.exceptions import InvalidStateError, InvalidValueError


@pytest.fixture(scope="module")
def model():
    return crampnet.load()


def test_soft_evidence_takes_true_false_keys_where_plain_values_do(model):
    """Check ``{True: 2, False: 1}`` on d_dimer (raised/normal) is the soft evidence raised:2, normal:1, as ``True`` alone is raised."""
    by_name = model.posteriors({"d_dimer": {"raised": 2, "normal": 1}}).to_dict()
    by_truth = model.posteriors({"d_dimer": {True: 2, False: 1}}).to_dict()
    assert by_truth == pytest.approx(by_name)
    assert by_name != pytest.approx(model.posteriors({"d_dimer": {"raised": 1, "normal": 2}}).to_dict())  # the keys matter


def test_soft_evidence_naming_one_state_twice_is_an_error(model):
    """Check ``{"raised": 1, True: 2}`` names raised twice: an error naming both keys, not a sum or an overwrite."""
    with pytest.raises(InvalidValueError, match=r"'raised' twice .*'raised' and True"):
        model.posteriors({"d_dimer": {"raised": 1, True: 2}})


def test_soft_evidence_true_key_on_a_node_without_booleans_is_refused(model):
    """Check pedal_pulses (three states) refuses a True key as it refuses True."""
    with pytest.raises(InvalidStateError):
        model.posteriors({"pedal_pulses": {True: 1, "absent": 2}})


def test_case_file_soft_evidence_takes_yes_no_keys(tmp_path, capsys, model):
    """Check a case file's ``{"yes": 2, "no": 1}`` for d_dimer reads as raised:2, normal:1, as ``"yes"`` alone reads as raised."""
    case = tmp_path / "c.json"
    case.write_text('{"d_dimer": {"yes": 2, "No": 1}}')
    assert main(["diagnose", "--case", str(case), "--top", "1", "--questions", "0"]) == 0
    out = capsys.readouterr().out
    assert "raised:1" in out and "normal:0.5" in out, out


@pytest.mark.parametrize("text", ['{"raised": 1, "yes": 2}', '{"Raised": 1, "raised": 2}'])
def test_case_file_soft_evidence_naming_one_state_twice_is_an_error(tmp_path, capsys, text):
    """Check two keys of a case file's soft evidence naming one state is an error naming both, never a silent sum or drop."""
    case = tmp_path / "c.json"
    case.write_text(f'{{"d_dimer": {text}}}')
    assert main(["diagnose", "--case", str(case)]) == 2
    err = capsys.readouterr().err
    assert "'raised' twice" in err and "give each state once" in err, err


def test_interpret_keeps_unknown_soft_keys_for_the_check(model):
    """Check a key naming no state survives ``interpret`` so the evidence check names it."""
    from crampnet.network.evidence import interpret, state_vector

    node = model.spec.nodes["d_dimer"]
    with pytest.raises(InvalidStateError, match="'high'"):
        state_vector(node, interpret(node, {"high": 1}))
    assert np.array_equal(state_vector(node, interpret(node, {"YES": 1})), [0.0, 1.0])


@pytest.mark.parametrize(
    ("typed", "shown", "hidden"),
    [("urge_to_move=1", "(got 1)", "1.0"), ("age=-3", "= -3 is outside", "-3.0"), ("age=+7000", "= 7000 is outside", "7000.0"), ("age=-3.5", "= -3.5 is outside", "-3.50")],
)
def test_cli_numbers_in_messages_are_shown_as_typed(capsys, typed, shown, hidden):
    """Check an integer typed on the command line is named as typed in the error, not as a float."""
    assert main(["diagnose", typed]) == 2
    err = capsys.readouterr().err
    assert shown in err and hidden not in err, err


def test_python_integer_out_of_range_is_named_as_given(model):
    """Check ``age=-3`` in Python is named -3 (band() was given the float)."""
    with pytest.raises(InvalidValueError, match=r"age \(age_group\) = -3 is outside"):
        model.posteriors({"age": -3})


@pytest.mark.parametrize("where", ["cli", "python"])
def test_huge_integers_are_a_clear_error(capsys, model, where):
    """Check 10**400 for age is a crampnet error naming its size (float() of it raises OverflowError)."""
    if where == "cli":
        assert main(["diagnose", f"age={10**400}"]) == 2
        assert "beyond the range" in capsys.readouterr().err
    else:
        with pytest.raises(InvalidValueError, match="401 digits, beyond the range"):
            model.posteriors({"age": 10**400})


def test_parse_assignment_keeps_an_integer_and_reads_the_rest_as_before():
    """Check parse_assignment: "30" is the int 30, "30.5" a float, "30_0" stays text, a 5000-digit integer is an error, not a crash."""
    from crampnet.cli import parse_assignment

    assert parse_assignment("ferritin=30") == ("ferritin", 30) and isinstance(parse_assignment("ferritin=30")[1], int)
    assert parse_assignment("ferritin=30.5") == ("ferritin", 30.5)
    assert parse_assignment("ferritin=30_0") == ("ferritin", "30_0")
    with pytest.raises(InvalidValueError):
        parse_assignment("ferritin=" + "9" * 5000)


def test_no_command_lists_the_commands(capsys):
    """Check ``crampnet`` alone names every command, not only the placeholder COMMAND."""
    from crampnet.cli import COMMANDS

    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("crampnet: error:") and err.count("\n") == 1, err
    assert all(name in err for name in COMMANDS), err
