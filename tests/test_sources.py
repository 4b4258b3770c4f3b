"""Every citation a user can see can be followed: no path outside the package, seeds flagged as AI-generated, studies dated and identified."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import crampnet
from crampnet.reasoning import _thresholds
from crampnet.reasoning._rules import RULES
from crampnet.reasoning.notes import NOTES, seed

#: Text that points at a file a reader of the package does not have.
OUTSIDE = ("shared/", "seeds/", ".txt", "evidence table", "evidence.md", "networks/research")
#: A four-digit year (1900-2099), not part of a longer number.
YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
#: A year the copy read did not show (or the earlier pass did not record), said in so many words.
NO_YEAR = re.compile(r"\byear\b[^()]*\bnot (visible|recorded)", re.IGNORECASE)
#: Something a reader can look up: a DOI, a PMID, a URL, or a statement that the identifier was not visible or not recorded.
IDENTIFIER = re.compile(
    r"doi[: ]|\b10\.\d{4,9}/\S|PMID[: ]?\s*\d|https?://|\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(org|com|net|gov|uk|ca)/\S|not (visible|recorded)",
    re.IGNORECASE,
)
#: A bare evidence-table row number ("row 37", "rows 230-236").
BARE_ROW = re.compile(r"\brows? \d")

#: A few cases that raise red flags of every kind (rules and testing thresholds).
CASES = {
    "dvt": {"unilateral_calf_swelling": True, "calf_tenderness": True, "malignancy": True, "d_dimer": "raised"},
    "acute limb ischemia": {"cold_pale_limb": True, "pedal_pulses": "absent", "symptom_duration": "under_2_weeks"},
    "chronic limb-threatening ischemia": {"age": 78, "rest_pain": True, "ulcer_or_gangrene": True, "ankle_brachial_index": 0.4},
    "cauda equina": {"bladder_bowel_dysfunction": True, "back_pain": True, "straight_leg_raise": "positive"},
    "motor neuron disease": {"fasciculations": True, "hyperreflexia": True, "weakness": True},
    "rls": {"urge_to_move": True, "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True, "ferritin": 32},
    "nocturnal cramps": {"age": 70, "nocturnal": True, "visible_hard_contraction": True, "relief_by_stretching": True},
}


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


def _outside(text: str) -> list[str]:
    return [bad for bad in OUTSIDE if bad in text.lower()]


def test_parameter_citations_stay_inside_the_package(model: crampnet.Model) -> None:
    """Check that no citation of ``model.parameters()`` names a file outside the package."""
    table = model.parameters()
    bad = {c: _outside(c) for c in set(table["citation"]) if _outside(c)}
    assert not bad, bad


@pytest.mark.parametrize("name", sorted(CASES))
def test_red_flags_and_must_not_miss_sources_stay_inside_the_package(model: crampnet.Model, name: str) -> None:
    """Check that the red flags and the must-not-miss table of a diagnosis cite no file outside the package."""
    dx = model.diagnose(CASES[name])
    texts = [f.message for f in dx.red_flags] + [f.source for f in dx.red_flags]
    texts += [str(v) for v in dx.must_not_miss["source"]] + [str(v) for v in dx.must_not_miss["rule_out"]]
    bad = {t: _outside(t) for t in texts if _outside(t)}
    assert not bad, bad


def test_some_case_raises_flags(model: crampnet.Model) -> None:
    """Check that the cases above do reach the red-flag texts (otherwise the previous test checks nothing)."""
    flags = [f for case in CASES.values() for f in model.diagnose(case).red_flags]
    assert {f.condition for f in flags} >= {"deep_vein_thrombosis", "acute_limb_ischemia", "motor_neuron_disease"}


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_report_cites_nothing_outside_the_package(model: crampnet.Model, fmt: str) -> None:
    """Check that a whole report, its sources section included, names no file outside the package."""
    for case in CASES.values():
        text = model.diagnose(case).report(fmt)
        assert not _outside(text), _outside(text)


def test_notes_cite_nothing_outside_the_package() -> None:
    """Check that every management note's source is followable without the project's files."""
    bad = {n.source: _outside(n.source) for notes in NOTES.values() for n in notes if _outside(n.source)}
    assert not bad, bad
    assert not [n.source for notes in NOTES.values() for n in notes if BARE_ROW.search(n.source)]


def test_rule_and_threshold_sources_cite_nothing_outside_the_package() -> None:
    """Check that the red-flag rules and the testing thresholds name studies, not files or table rows."""
    texts = [r.source for r in RULES] + [r.action for r in RULES]
    for t in _thresholds.THRESHOLDS.values():
        texts += [t.rule_out, t.rule_out_source, t.sensitivity.source, t.specificity.source, t.harm.source, t.test_risk.source]
    texts.append(_thresholds.PAUKER_KASSIRER)
    bad = {t: _outside(t) for t in texts if _outside(t)}
    assert not bad, bad
    assert not [t for t in texts if BARE_ROW.search(t)]


def test_seed_citations_say_ai_generated(model: crampnet.Model) -> None:
    """Check that every seed document is cited as an AI-generated article, by title, not by file."""
    seeds = {k: s.citation for k, s in model.spec.sources.items() if s.kind == "seed"}
    assert len(seeds) == 5
    for number in ("000", "001", "002", "003", "004"):
        seeds[f"seed() {number}"] = seed(number)
    missing = [k for k, c in seeds.items() if "AI-generated" not in c]
    assert not missing, missing
    assert not {k: _outside(c) for k, c in seeds.items() if _outside(c)}
    assert all("'" in c for c in seeds.values()), "a seed is cited by its quoted title"


def test_seed_helper_cites_several_seeds_apart() -> None:
    """Check that ``seed`` cites each seed it is given, once."""
    two = seed("000", "003")
    assert two.count("AI-generated") == 2
    assert "Leg Cramps Are NOT Associated" in two and "intractable leg spasms" in two
    with pytest.raises(KeyError):
        seed("005")


def test_literature_sources_have_a_year_and_an_identifier(model: crampnet.Model) -> None:
    """Check that every literature source gives a year and a DOI, PMID or URL (or says the details were not visible)."""
    literature = {k: s.citation for k, s in model.spec.sources.items() if s.kind != "seed"}
    assert len(literature) > 100
    no_year = sorted(k for k, c in literature.items() if not YEAR.search(c) and not NO_YEAR.search(c))
    no_id = sorted(k for k, c in literature.items() if not IDENTIFIER.search(c))
    assert not no_year, f"no year: {no_year}"
    assert not no_id, f"no DOI, PMID or URL: {no_id}"


def test_no_source_names_a_bare_evidence_row(model: crampnet.Model) -> None:
    """Check that no source citation points at a row of the evidence table, which does not ship."""
    bad = sorted(k for k, s in model.spec.sources.items() if BARE_ROW.search(s.citation) or "evidence table" in s.citation.lower())
    assert not bad, bad


@pytest.mark.parametrize(
    "citation",
    ["Hening WA et al. Sleep Med 2009;10(9):976-981. PMID 19185537", "Chen SJ et al. Sleep Med Rev 2018;40:43-54 doi:10.1016/j.smrv.2017.10.003",
     "NCHS Data Brief No. 319, 2018. https://www.cdc.gov/nchs/products/databriefs/db319.htm", "A 2016 abstract (authors, journal not visible)"],
)  # fmt: skip
def test_patterns_accept_followable_citations(citation: str) -> None:
    """Check that the year and identifier patterns accept the citation forms the file uses."""
    assert YEAR.search(citation) and IDENTIFIER.search(citation)


def test_patterns_accept_a_stated_gap() -> None:
    """Check that a citation saying its year and identifier were not visible passes, and one that only omits them does not."""
    stated = "Table of a JNNP article (title, authors, year and DOI/PMID not visible)"
    assert NO_YEAR.search(stated) and IDENTIFIER.search(stated)
    assert not NO_YEAR.search("Table of a JNNP article") and not IDENTIFIER.search("Table of a JNNP article")


@pytest.mark.parametrize(
    "citation",
    ["Garcia-Borreguero D et al. BMC Neurol 2011;11:28", "Chest 2006 (Prevalence and correlates of RLS)", "shared/seeds/000_x.txt: 'Title'", "row 12345 of a table"],
)  # fmt: skip
def test_patterns_reject_unfollowable_citations(citation: str) -> None:
    """Check that a citation without an identifier, or naming a file, is caught."""
    assert not IDENTIFIER.search(citation) or _outside(citation)


def test_parameters_are_a_new_copy_each_call(model: crampnet.Model) -> None:
    """Check that changing a returned parameter table leaves the next call's as built from the file (the model builds it once)."""
    from crampnet.network.provenance import parameter_table

    first = model.parameters()
    first.loc[:, "value"] = -1.0
    first.loc[first.index[:5], "node"] = "changed"
    again = model.parameters()
    expected = parameter_table(model.spec, model.compiled.tables, model.compiled.population)
    pd.testing.assert_frame_equal(again, expected)
