"""The report's tail of the differential shows the measure it is ordered by (session 48, h6)."""

from __future__ import annotations

import re


def _tail(report: str) -> str:
    return next(line for line in report.splitlines() if line.startswith("Further down the differential"))


def test_the_tail_of_the_differential_shows_its_measure(model):
    """Check each condition past the table shows its expected disablement beside its probability.

    With deep vein thrombosis entered as present, the tail read "Peripheral neuropathy (13%), Deep vein thrombosis (100%),
    Venous insufficiency / varicose veins (42%), ...": an order that contradicts the only numbers shown (it is by expected
    disablement, 0.01 then 0.00).
    """
    dx = model.diagnose({"deep_vein_thrombosis": "present", "muscle_cramps": True})
    tail = _tail(dx.report())
    assert "(13; probability, expected disablement):" in tail
    shown = [float(m) for m in re.findall(r"\(\\?[<>]?[\d.]+%, (\d+\.\d\d)\)", tail)]
    rest = dx.differential[8:]
    assert len(shown) == len(rest) == 13
    assert shown == dx.scores.loc[rest, "disablement"].round(2).tolist()
    assert shown == sorted(shown, reverse=True) and shown[0] > shown[-1]  # the order now agrees with a number shown
    assert "Deep vein thrombosis (100%, 0.00)" in tail


def test_the_tail_ordered_by_probability_shows_probability_alone(model):
    """Check the tail of a differential ordered by probability names no other measure (there is none to show)."""
    tail = _tail(model.diagnose({"muscle_cramps": True}, ranking="posterior").report())
    assert "(13; probability):" in tail and not re.search(r"%, \d", tail)


def test_the_report_names_the_stated_sequence_past_twelve_entries(model):
    """Check a case of 13 entries (explained by the stated sequence, order-dependent) is not said to have exact Shapley shares."""
    case = dict.fromkeys(["urge_to_move", "relief_by_movement", "worse_evening", "muscle_cramps", "nocturnal", "bilateral", "insomnia"], True)
    case |= dict.fromkeys(["back_pain", "edema", "varicosities", "smoker", "diabetes", "fever"], False)
    assert len(case) == 13
    long_note = next(line for line in model.diagnose(case).report().splitlines() if line.startswith("Factors multiply the odds"))
    assert "Shapley shares of" not in long_note and "one at a time in the order given" in long_note
    short_note = next(line for line in model.diagnose({"muscle_cramps": True}).report().splitlines() if line.startswith("Factors multiply the odds"))
    assert "exact Shapley shares of the change in log-odds from the prior" in short_note
