"""The presenting age and sex mix comes from the NAMCS leg-complaint visits (session 54).

The network's ``presenting`` and ``primary_care_leg_symptoms`` presets set the
age and sex of adults who consult with a leg complaint. They were judgment
(0.25 / 0.40 / 0.35, women 0.58); they are now the weighted shares of US
office visits whose first reason was pain, cramps, weakness or swelling of
the hip, leg, knee, ankle or foot, NAMCS 2006-2010. The tests recompute the
shares from the committed table (``networks/research/namcs/``), which the
script beside it wrote from the public-use files, and compare them with the
pgmpy tables the presets build.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

import crampnet

ROOT = Path(__file__).resolve().parents[1]
NAMCS = ROOT / "networks" / "research" / "namcs"
KINDS = {"pain", "cramps", "weakness", "swelling"}


def _rows(table: str) -> list[dict[str, str]]:
    """The rows of one of the committed NAMCS tables."""
    with (NAMCS / table).open(newline="") as f:
        return list(csv.DictReader(f))


def _shares(period: str) -> tuple[dict[str, float], float, int]:
    """Age-band shares, the female share and the visit count of the sited leg-complaint visits of ``period``."""
    by_age: dict[str, float] = defaultdict(float)
    by_sex: dict[str, float] = defaultdict(float)
    visits = 0
    for row in _rows("leg_visits_by_age_sex.csv"):
        if row["period"] == period and row["site"] != "unsited" and row["kind"] in KINDS:
            by_age[row["age_band"]] += float(row["weighted"])
            by_sex[row["sex_name"]] += float(row["weighted"])
            visits += int(row["visits"])
    total = sum(by_age.values())
    return {band: w / total for band, w in by_age.items()}, by_sex["female"] / total, visits


@pytest.mark.parametrize("population", ["presenting", "primary_care_leg_symptoms"])
def test_presenting_age_and_sex_are_the_namcs_shares(population):
    """Check each preset's age and sex tables against the 2006-2010 shares, to the table's three decimals."""
    ages, female, visits = _shares("2006-2010")
    assert visits == 4157
    network = crampnet.load(population=population).network
    age = network.get_cpds("age_group")
    got = dict(zip(age.state_names["age_group"], age.values.ravel(), strict=True))
    for band in ("under_40", "40_to_64", "65_plus"):
        assert got[band] == pytest.approx(ages[band], abs=5e-4), band
    sex = network.get_cpds("sex")
    got_sex = dict(zip(sex.state_names["sex"], sex.values.ravel(), strict=True))
    assert got_sex["female"] == pytest.approx(female, abs=5e-4)
    assert got_sex["male"] == pytest.approx(1 - female, abs=5e-4)


def test_the_ranges_hold_both_periods():
    """Check the stated ranges hold the 2006-2010 value and the 1995-2005 one (the period the range was widened to)."""
    params = crampnet.load().parameters()
    rows = params[(params["node"].isin(["age_group", "sex"])) & (params["kind"] == "prior (population presenting)")]
    assert set(rows["source"]) == {"namcs_1995_2010"}
    for period in ("2006-2010", "1995-2005"):
        ages, female, _ = _shares(period)
        expected = ages | {"female": female, "male": 1 - female}
        for _, row in rows.iterrows():
            assert row["low"] <= round(expected[row["state"]], 3) <= row["high"], (period, row["state"])


def test_the_research_note_names_the_script_and_tables():
    """Check the source's citation is followable (the data's addresses) and the research note names the script and both tables, which are in the repository."""
    citation = crampnet.load().spec.sources["namcs_1995_2010"].citation
    assert "https://github.com/outcomesinsights/namcs_nhamcs_tools" in citation
    assert "8ceb1e1" in citation
    note = (ROOT / "networks" / "research" / "2026-12-08-s54-namcs.md").read_text(encoding="utf-8")
    for name in ("namcs_leg_visits.py", "leg_visits_by_age_sex.csv", "leg_visits_by_condition.csv"):
        assert name in note
        assert (NAMCS / name).is_file()


#: Conditions whose presenting-complaint link is the NAMCS chief-complaint split as measured (first-listed diagnosis).
MEASURED = ["deep_vein_thrombosis", "local_calf_pathology", "lumbar_radiculopathy", "lumbar_spinal_stenosis", "arthritis", "peripheral_neuropathy"]
COMPLAINTS = ["cramps", "restlessness", "numbness_or_tingling", "pain", "swelling", "weakness"]  # in the noisy-MAX order


def _complaints(condition: str) -> tuple[dict[str, float], int]:
    """Weighted chief-complaint shares and the visit count of leg-complaint visits whose first-listed diagnosis is ``condition`` (1995-2010)."""
    weighted: dict[str, float] = defaultdict(float)
    visits = 0
    for row in _rows("leg_visits_by_condition.csv"):
        if row["condition"] == condition and row["listed"] == "first":
            weighted[row["kind"]] += float(row["weighted"])
            visits += int(row["visits"])
    total = sum(weighted.values())
    return {k: weighted[k] / total for k in COMPLAINTS}, visits


def _link(model: crampnet.Model, condition: str) -> dict[str, float]:
    cpd = model.spec.nodes["presenting_complaint"].cpd
    link = next(link for link in cpd.links if link.parent == condition)  # type: ignore[attr-defined]
    return dict(link.dist.probabilities)


@pytest.mark.parametrize("condition", MEASURED)
def test_measured_complaint_links_are_the_namcs_shares(model, condition):
    """Check each measured link against the table's shares, to three decimals (a never-seen cramps gets half a visit)."""
    shares, visits = _complaints(condition)
    link = _link(model, condition)
    assert set(link) == set(COMPLAINTS)
    half = 0.5 / (visits + 1) if shares["cramps"] == 0 else 0.0  # taken from pain, the largest entry
    for k in COMPLAINTS:
        expected = half if k == "cramps" and half else shares[k] - half if k == "pain" else shares[k]
        assert link[k] == pytest.approx(expected, abs=2.5e-3), (k, link[k], expected)
    assert link["cramps"] > 0  # a complaint of cramps never rules the condition out


def test_pad_link_is_mcdermott_times_namcs(model):
    """Check PAD's link: 12/26 with an exertional symptom (mcdermott_1999) propose NAMCS's split, the rest nothing (cramps)."""
    shares, _ = _complaints("peripheral_arterial_disease")
    link = _link(model, "peripheral_arterial_disease")
    active = 12 / 26
    for k in COMPLAINTS:
        expected = 1 - active + active * shares[k] if k == "cramps" else active * shares[k]
        assert link[k] == pytest.approx(expected, abs=2.5e-3), k


@pytest.mark.parametrize("condition", [*MEASURED, "peripheral_arterial_disease"])
def test_the_engine_table_is_the_link_under_the_leak(model, condition):
    """Check pgmpy's column for the condition alone: its cumulative distribution is the link's times the leak's (noisy-MAX)."""
    cpd = model.network.get_cpds("presenting_complaint")
    states = cpd.state_names
    index = [slice(None)] + [states[p].index("present" if p == condition else "absent") for p in cpd.variables[1:]]
    column = dict(zip(states["presenting_complaint"], cpd.get_values().reshape([len(states[v]) for v in cpd.variables])[tuple(index)], strict=True))
    link = _link(model, condition)
    leak = dict(model.spec.nodes["presenting_complaint"].cpd.leak.probabilities)  # type: ignore[union-attr]
    cumulative_link = cumulative_leak = cumulative_column = 0.0
    for k in COMPLAINTS:
        cumulative_link += link[k]
        cumulative_leak += leak[k]
        cumulative_column += float(column[k])
        assert cumulative_column == pytest.approx(cumulative_link * cumulative_leak, abs=1e-9), k


@pytest.mark.parametrize(("condition", "target"), [("deep_vein_thrombosis", 0.0233), ("local_calf_pathology", 0.074), ("lumbar_radiculopathy", 0.148)])
def test_solved_presenting_ratios_meet_their_targets_with_the_namcs_mix(model, condition, target):
    """Check, by pgmpy's variable elimination, that each ratio solved against the presenters' age mix still gives its stated share among presenters.

    The ratios were solved with the judged age mix; with the NAMCS mix (older)
    DVT came out at 2.5% until they were solved again (session 54).
    """
    from pgmpy.inference import VariableElimination

    marginal = VariableElimination(model.network).query([condition], show_progress=False)
    present = float(marginal.values[marginal.state_names[condition].index("present")])
    assert present == pytest.approx(target, abs=1e-4)  # the ratios are rounded (37.6, 234.9, 5.85)


#: pain_location entries taken from the site of the chief complaint (first-listed diagnosis, sited complaints, 1995-2010).
SITES = {
    "deep_vein_thrombosis": ("buttock_or_hip", "knee", "foot"),
    "lumbar_radiculopathy": ("buttock_or_hip", "knee", "foot"),
    "peripheral_arterial_disease": ("buttock_or_hip", "knee", "foot"),
    "lumbar_spinal_stenosis": ("knee", "foot"),
}
SITE_OF = {"hip": "buttock_or_hip", "knee": "knee", "ankle": "foot", "foot": "foot", "leg": "leg"}


@pytest.mark.parametrize("condition", sorted(SITES))
def test_pain_location_entries_are_the_namcs_sites(model, condition):
    """Check each NAMCS-sourced pain_location entry against the table's site shares (ankle with the foot), and that it names the source."""
    weighted: dict[str, float] = defaultdict(float)
    for row in _rows("leg_visits_by_condition.csv"):
        if row["condition"] == condition and row["listed"] == "first" and row["site"] != "unsited":
            weighted[SITE_OF[row["site"]]] += float(row["weighted"])
    total = sum(weighted.values())
    link = next(link for link in model.spec.nodes["pain_location"].cpd.links if link.parent == condition)  # type: ignore[union-attr]
    for site in SITES[condition]:
        assert link.dist.probabilities[site] == pytest.approx(weighted[site] / total, abs=1.5e-3), site
        assert link.dist.entry_sources[site] == "namcs_1995_2010"
    table = model.parameters()
    rows = table[(table["node"] == "pain_location") & (table["parent"] == condition) & table["state"].isin(SITES[condition])]
    assert set(rows["source"]) == {"namcs_1995_2010"}
