"""A number typed with the node's unit, or one that is exactly the same quantity, is read as the number (session 51, h1).

Until session 51 every reader of typed text (the command line, the
interview, case files, cohort cells) refused ``ferritin=30 ng/mL`` ("Give the
number alone: 30.") and ``tsh=20mU/L`` ("'mU/L' is not read: convert ..."),
though ng/mL is ferritin's unit and mU/L is TSH's mIU/L. Units that are another
quantity stay refused; where the factor is fixed (calcium and magnesium in
mEq/L or mg/dL) the message gives the number in mmol/L to type. The expected
numbers below are worked out here from the definitions (1 mEq of a divalent ion
is 1/2 mmol; 1 dL = 0.1 L; IUPAC standard atomic weights Ca 40.078, Mg 24.305),
not taken from the code.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import crampnet
from crampnet._interview_answers import answer_value
from crampnet.exceptions import InvalidStateError
from crampnet.network._words import grouped_number, typed_number
from crampnet.network.evidence import state_vector
from crampnet.reasoning._typed_numbers import typed_numbers

Run = Callable[..., tuple[int, str, str]]
SPEC = crampnet.load().spec
NODES = SPEC.nodes

#: The spellings each node must read after a number, written out here (not read from the code's table).
SPELLINGS = {
    "ferritin": ["ng/mL", "ng/ml", "NG/ML", "\u00b5g/L", "\u03bcg/L", "ug/L", "mcg/L", "MCG/L"],
    "tsh": ["mIU/L", "miu/l", "mU/L", "\u00b5IU/mL", "uIU/mL", "\u00b5U/mL"],
    "sodium": ["mmol/L", "mEq/L", "meq/l"],
    "potassium": ["mmol/L", "mEq/L", "MEQ/L"],
    "magnesium": ["mmol/L", "mmol/l"],
    "calcium": ["mmol/L", "MMOL/L"],
    "age_group": ["years", "y", "yrs", "Years"],
    "symptom_duration": ["days", "day", "d"],
    "ankle_brachial_index": ["ratio"],
}


def _diagnose(cli_run: Run, *argv: str) -> tuple[int, str, str]:
    return cli_run(["diagnose", *argv, "--top", "1", "--questions", "0"])


def _refusal(node: str, text: str) -> str:
    with pytest.raises(InvalidStateError) as caught:
        crampnet.load().posteriors({node: text})
    return str(caught.value)


# --- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("ferritin=30 ng/mL", "ferritin=30 (low)"),
        ("ferritin=30ng/ml", "ferritin=30 (low)"),
        ("ferritin=30 NG/ML", "ferritin=30 (low)"),
        ("ferritin=30 \u00b5g/L", "ferritin=30 (low)"),
        ("ferritin=30 \u03bcg/L", "ferritin=30 (low)"),  # Greek mu, as some keyboards type the micro sign
        ("ferritin=30 ug/L", "ferritin=30 (low)"),
        ("ferritin=80 mcg/L", "ferritin=80 (normal)"),
        ("tsh=20mU/L", "tsh=20 (high)"),
        ("tsh=20 mIU/L", "tsh=20 (high)"),
        ("tsh=20 \u00b5IU/mL", "tsh=20 (high)"),
        ("tsh=20 uIU/mL", "tsh=20 (high)"),
        ("tsh=0.2 \u00b5U/mL", "tsh=0.2 (low)"),
        ("sodium=130 mEq/L", "sodium=130 (low)"),
        ("sodium=140 mmol/L", "sodium=140 (normal)"),
        ("potassium=3.1 meq/l", "potassium=3.1 (low)"),
        ("calcium=2.3 mmol/L", "calcium=2.3 (normal)"),
        ("magnesium=0.6 mmol/l", "magnesium=0.6 (low)"),
        ("age=70 years", "age_group=70 (65_plus)"),
        ("age=70 y", "age_group=70 (65_plus)"),
        ("age=39 yrs", "age_group=39 (under_40)"),
        ("symptom_duration=10 days", "symptom_duration=10 (under_2_weeks)"),
        ("ferritin=49.99999999999999999999 ng/mL", "ferritin=49.99999999999999999999 (low)"),  # below the cut at 50, as without the unit
    ],
)
def test_the_command_line_reads_a_number_with_its_unit(cli_run: Run, typed: str, shown: str) -> None:
    code, out, err = _diagnose(cli_run, typed)
    assert code == 0, err
    assert out.splitlines()[0] == f"Evidence: {shown}", out.splitlines()[0]


@pytest.mark.parametrize(("with_unit", "bare"), [("ferritin=30 ng/mL", "ferritin=30"), ("tsh=20mU/L", "tsh=20"), ("sodium=130 mEq/L", "sodium=130")])
def test_the_json_holds_the_number_and_the_same_diagnosis(cli_run: Run, with_unit: str, bare: str) -> None:
    """Check ``--json`` records the number read (30.0, not the text) and the posteriors of the bare number."""
    code, out, err = cli_run(["diagnose", with_unit, "--json"])
    assert code == 0, err
    record = json.loads(out)
    node, _, number = bare.partition("=")
    assert record["evidence"] == {node: float(number)}
    code, bare_out, err = cli_run(["diagnose", bare, "--json"])
    assert code == 0, err
    assert record["differential"] == json.loads(bare_out)["differential"]


@pytest.mark.parametrize(("node", "text", "state"), [("ferritin", "49.99999999999999999999 ng/mL", "low"), ("ankle_brachial_index", "0.89999999999999999999 ratio", "low")])
def test_python_reads_a_long_number_with_its_unit_on_its_side_of_the_cut(node: str, text: str, state: str) -> None:
    """Check the number before the unit is what is compared with the cut: 49.99999999999999999999 (float 50.0) is below ferritin's 50, as without the unit."""
    vector = state_vector(NODES[node], text)
    assert NODES[node].states[int(vector.argmax())] == state
    assert typed_numbers(crampnet.load(), {node: text})[node].exact == Decimal(text.split()[0])  # type: ignore[attr-defined]  # the red-flag rules' reading too


# --- the interview, case files, cohort cells -------------------------------------------------


@pytest.mark.parametrize("answer", ["70 years", "70 y", "70yrs"])
def test_the_interview_reads_an_age_with_its_unit_and_saves_the_number(tmp_path: Path, cli_run: Run, answer: str) -> None:
    """The age is question 2 in the shipped network (symptom_duration, in days, is question 1): skip the first, answer the age with its unit."""
    saved = tmp_path / "case.json"
    code, out, _ = cli_run(["interview", "--max-questions", "2", "--save", str(saved)], f"skip\n{answer}\nquit\n")
    assert code == 0, out
    assert "\nQ1. How long the current problem has lasted (symptom_duration: " in out, out
    assert f"\nQ2. Age group? (age_group: under_40/40_to_64/65_plus, or a number in years; or skip) > {answer}\n" in out, out
    assert "does not fit" not in out
    line = next(row for row in out.splitlines() if row.startswith("Evidence:"))
    assert line.startswith("Evidence: age_group=70 (65_plus)"), line
    assert json.loads(saved.read_text(encoding="utf-8"))["evidence"]["age_group"] == 70


def test_an_interview_answer_with_a_unit(capsys: pytest.CaptureFixture[str]) -> None:
    """Check the interview's answer reader: ``30 ng/mL`` at the ferritin question is 30, typed as 30; ``9.2 mg/dL`` at calcium's is refused with the number in mmol/L."""
    model = crampnet.load()
    assert answer_value(model, {}, "ferritin", "30 ng/mL") == (30.0, "30")
    assert answer_value(model, {}, "tsh", "2.5 \u00b5IU/mL") == (2.5, "2.5")
    assert answer_value(model, {}, "calcium", "9.2 mg/dL") == (None, None)
    assert "9.2 mg/dL is 2.30 mmol/L" in capsys.readouterr().out


def test_a_case_file_reads_text_with_a_unit(tmp_path: Path, cli_run: Run) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"ferritin": "30 ng/mL", "tsh": "2 \u00b5IU/mL", "potassium": "3.1 mEq/L"}), encoding="utf-8")
    code, out, err = _diagnose(cli_run, "--case", str(case))
    assert code == 0, err
    assert out.splitlines()[0] == "Evidence: ferritin=30 (low), tsh=2 (normal), potassium=3.1 (low)"


def test_a_cohort_cell_with_a_unit_scores_as_the_number(tmp_path: Path, cli_run: Run) -> None:
    path = tmp_path / "cohort.csv"
    path.write_text("ferritin,age,sodium\n30 ng/mL,70 years,130 mEq/L\n30,70,130\n200 \u00b5g/L,70,140\n200,70,140\n", encoding="utf-8")
    code, out, err = cli_run(["score", str(path)])
    assert code == 0, err
    rows = [line.split(",", 1)[1] for line in out.strip().splitlines()[1:]]
    assert len(rows) == 4 and rows[0] == rows[1] and rows[2] == rows[3] and rows[0] != rows[2]


def test_a_cohort_cell_in_another_unit_is_refused_with_the_number_to_write(tmp_path: Path, cli_run: Run) -> None:
    path = tmp_path / "cohort.csv"
    path.write_text("ferritin,calcium\n30,2.3\n30,9.2 mg/dL\n", encoding="utf-8")
    code, out, err = cli_run(["score", str(path)])
    assert code == 2 and out == ""
    assert "row 1, column 'calcium'" in err and "9.2 mg/dL is 2.30 mmol/L" in err, err


# --- units that are another quantity: refused, the converted number given --------------------


def _converted(given: str, per: Fraction) -> Fraction:
    return Fraction(given) / per


@pytest.mark.parametrize(
    ("node", "number", "unit", "per", "expected"),
    [
        # mmol/L = mg/dL x 10 / molar mass: 92 / 40.078 = 2.2955...
        ("calcium", "9.2", "mg/dL", Fraction("4.0078"), "2.30"),
        # 84 / 40.078 = 2.09591..., below the cut 2.1 (low): 2.10 would be normal; 2.096 is refused as
        # maybe 2096 (a point grouping thousands), so four decimals
        ("calcium", "8.4", "mg/dL", Fraction("4.0078"), "2.0959"),
        # 20 / 24.305 = 0.8228...
        ("magnesium", "2.0", "mg/dL", Fraction("2.4305"), "0.82"),
        # 17 / 24.305 = 0.69944..., below the cut 0.7 (low): 0.70 would be normal
        ("magnesium", "1.7", "mg/dl", Fraction("2.4305"), "0.699"),
        # divalent: mmol/L = mEq/L / 2
        ("calcium", "4.6", "mEq/L", Fraction(2), "2.30"),
        ("magnesium", "1.4", "mEq/L", Fraction(2), "0.70"),
        ("magnesium", "1.3", "meq/l", Fraction(2), "0.65"),
    ],
)
def test_a_fixed_conversion_is_refused_with_the_number_to_type(cli_run: Run, node: str, number: str, unit: str, per: Fraction, expected: str) -> None:
    exact = _converted(number, per)
    assert abs(Fraction(expected) - exact) <= Fraction(1, 200)  # the expected text is the exact value rounded
    message = _refusal(node, f"{number} {unit}")
    assert f"{number} {unit} is {expected} mmol/L" in message and f"type {node}={expected}." in message, message
    assert f"alone: {number}" not in message
    code, _, err = _diagnose(cli_run, f"{node}={number} {unit}")
    assert code == 2 and f"{number} {unit} is {expected} mmol/L" in err, err
    cut = Fraction(str(next(b.below for b in NODES[node].bands if b.below is not None)))
    code, out, err = _diagnose(cli_run, f"{node}={expected}")  # typed as the hint says, in the band of the exact value
    assert code == 0, err
    assert out.splitlines()[0].endswith("(low)" if exact < cut else "(normal)"), out.splitlines()[0]


@pytest.mark.parametrize(("node", "text"), [("sodium", "300 mg/dL"), ("potassium", "14 mg/dL")])
def test_sodium_and_potassium_in_mg_per_dl_are_refused_without_a_conversion(node: str, text: str) -> None:
    message = _refusal(node, text)
    assert "Give the number alone, in mmol/L ('mg/dL' is not read: convert a value in another unit)." in message, message
    assert f"type {node}=" not in message and "g/mol" not in message


# --- what stays refused ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node", "text", "says"),
    [
        ("ferritin", "32-40 ng/mL", "Give one number, not a range."),
        ("ferritin", "<30 ng/mL", "<30 is a bound, not a number"),
        ("ferritin", "1.200 ng/mL", "1.200 may be 1.2 or 1200"),
        ("ferritin", "30_0 ng/mL", "no thousands separator"),
        ("ferritin", "12.03.2024", "12.03.2024 is a date, not a number"),
        ("ferritin", "30 mg/L", "('mg/L' is not read: convert a value in another unit)"),  # 1000 times ng/mL
        ("ferritin", "30 ng/dL", "('ng/dL' is not read"),
        ("ferritin", "30 mU/L", "('mU/L' is not read"),
        ("tsh", "2 mIU/mL", "('mIU/mL' is not read"),  # 1000 times mIU/L
        ("tsh", "2 IU/L", "('IU/L' is not read"),
        ("calcium", "2.3 mEq", "('mEq' is not read"),
        ("calcium", "2.3 mg/L", "('mg/L' is not read"),
        ("potassium", "3.1 mg", "('mg' is not read"),
        ("symptom_duration", "3 fortnights", "Give the number alone, in days ('fortnights' is not read: convert a value in another unit)"),  # 3 weeks: the days to type since session 51 (test_s51_time_units.py)
        ("age_group", "70 months", "('months' is not read"),
    ],
)
def test_what_is_not_the_number_in_the_nodes_unit_stays_refused(cli_run: Run, node: str, text: str, says: str) -> None:
    message = _refusal(node, text)
    assert says in message, message
    assert typed_number(NODES[node], text) is None
    code, _, err = _diagnose(cli_run, f"{node}={text}")
    assert code == 2 and says in err, err


def test_a_unit_is_no_number_on_a_node_without_one_or_without_bands() -> None:
    """Check a node with bands but no unit reads no unit (its own is none), and a node of states reads no number with a unit."""
    unitless = dataclasses.replace(NODES["ferritin"], unit=None)
    assert typed_number(unitless, "30") == 30.0
    assert typed_number(unitless, "30 ng/mL") is None
    assert typed_number(NODES["d_dimer"], "300 ng/mL") is None
    assert "not a state of d_dimer" in _refusal("d_dimer", "300 ng/mL")


# --- the property -----------------------------------------------------------------------------


@given(data=st.data())
def test_a_number_with_a_unit_spelling_reads_as_the_number(data: st.DataObject) -> None:
    """For any float x in a node's range and any of its unit spellings, ``f"{x!r} {unit}"`` (or without the blank) is read as x.

    Except where ``repr(x)`` looks like a grouped number (``1.125``: 1.125, or 1125
    where a point groups thousands), which is refused with or without a unit.
    """
    nid = data.draw(st.sampled_from(sorted(SPELLINGS)))
    node = NODES[nid]
    assert node.valid is not None
    x = data.draw(st.floats(min_value=node.valid[0], max_value=node.valid[1], allow_nan=False))
    unit = data.draw(st.sampled_from(SPELLINGS[nid]))
    blank = data.draw(st.sampled_from(["", " ", "  "]))
    text = f"{x!r}{blank}{unit}"
    assert typed_number(node, text) == typed_number(node, repr(x))
    assume(not grouped_number(repr(x)))
    assert typed_number(node, text) == x


@given(
    node=st.sampled_from(["calcium", "magnesium"]),
    unit=st.sampled_from(["mg/dL", "mEq/L"]),
    hundredths=st.integers(min_value=1, max_value=2000),
)
def test_the_converted_number_typed_back_is_read_in_the_band_of_the_exact_value(node: str, unit: str, hundredths: int) -> None:
    """For any value with two decimals in mg/dL or mEq/L, the number the hint says to type is read, within 0.005 of the exact value, and on its side of the cut."""
    number = f"{hundredths / 100:.2f}"
    per = {"mEq/L": Fraction(2), "mg/dL": {"calcium": Fraction("4.0078"), "magnesium": Fraction("2.4305")}[node]}[unit]
    exact = Fraction(number) / per
    message = _refusal(node, f"{number} {unit}")
    typed = message.rsplit(f"type {node}=", 1)[1].removesuffix(".")
    read = typed_number(NODES[node], typed)
    assert read is not None, message
    assert abs(Fraction(typed) - exact) <= Fraction(1, 200)
    cut = Fraction(str(next(b.below for b in NODES[node].bands if b.below is not None)))
    assert (Fraction(typed) < cut) == (exact < cut), (number, unit, typed)
