"""Textbook presentations and published cases: each ranks its condition in the top three.

The cases are the records of benchmarks/textbook/textbook.jsonl (its README
gives the batches and how they were chosen): typical presentations as
published, textbook-level descriptions state them (StatPearls, GeneReviews,
the MSD Manual, AAFP, NICE and NHS pages, BMJ Best Practice, FDA
communications, clinical textbooks and review or guideline openings) and
published case reports of individual patients, mapped to the ids and states
of shared/vocabulary.md by the rules of shared/vignettes/README.md: only what
the source states, nothing inferred from the diagnosis. The cases were not
taken from the shared vignettes nor from crampnet's output, and each case's
evidence was fixed from its source before crampnet was run on any case of its
batch; it is never changed after seeing crampnet's answer. The expected
answer is the source's own diagnosis: the test asks only that it be among
the first three of the differential (and, for a must-not-miss condition,
that it be flagged), never a posterior or an exact rank. A case crampnet gets
wrong stays as a strict xfail whose reason says what crampnet gives instead.
``python benchmarks/bench_vignettes.py --vignettes benchmarks/textbook/textbook.jsonl``
measures the same records (top-1, top-3, must-not-miss flags).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest

REPO = Path(__file__).resolve().parents[1]
TEXTBOOK = REPO / "benchmarks" / "textbook" / "textbook.jsonl"
#: The measured sets the textbook cases must not share a source with (dev.jsonl only where shared/ is present).
OTHER_SETS = [
    path
    for path in (
        REPO / "benchmarks" / "heldout" / "heldout.jsonl",
        REPO.parent / "shared" / "vignettes" / "dev.jsonl",
    )
    if path.is_file()
]


class Case(NamedTuple):
    """A sourced textbook presentation: its name, gold condition, evidence, citation and quote."""

    name: str
    gold: str
    evidence: dict[str, object]
    source: str
    quote: str


MUST_NOT_MISS = (
    "deep_vein_thrombosis",
    "acute_limb_ischemia",
    "critical_limb_ischemia",
    "motor_neuron_disease",
)

#: The cases, one JSON object per line of benchmarks/textbook/textbook.jsonl (its README says how they were
#: chosen and mapped); each was fixed from its source before crampnet was run on it (blindness rule).
RECORDS: list[dict[str, Any]] = [
    json.loads(line) for line in TEXTBOOK.read_text(encoding="utf-8").splitlines() if line.strip()
]
CASES: tuple[Case, ...] = tuple(
    Case(rec["name"], rec["gold"][0], rec["evidence"], rec["source"], rec["quote"])
    for rec in RECORDS
)

# Cases crampnet gets wrong, by name, with what it gives instead (a strict xfail; the case itself
# stays as it is). None at the first run of batch 1: all 27 golds were in the first three and flagged.
# Batch 2 (15 cases): one miss at its first run. Batch 3 (14 must-not-miss cases): seven missed at its first run,
# six not in the first three and three not flagged (two of them both). Batch 4 (14 look-alike cases): one miss at its
# first run, not in the first three. Batch 5 (12 secondary-cramp cases): none missed at its first run, all 12 golds in the
# first three (the ALS case also flagged); the closest were hypoparathyroidism (electrolyte_disturbance first at P 0.435,
# restless_legs_syndrome P 0.434) and raloxifene (drug_induced_cramps second, P 0.178). Batch 6 (14 published case
# reports): two missed at its first run, not in the first three; 8 of the 14 golds were first. Batch 7 (14 common
# causes as published cases): two missed at its first run, not in the first three; the other 12 golds were first.
# Batch 8 (14 must-not-miss conditions as published case reports): four missed at its first run, not in the first
# three (a DVT told as foot drop, acute limb ischaemia of an arm and a leg told as numbness, and two ALS cases told as
# back pain or as leg numbness with weakness), three of them also not flagged; 5 of the 14 golds were first.
# Batch 9 (14 mimics of the must-not-miss conditions as published case reports): four missed at its first run, all
# not in the first three (a ruptured Baker's cyst told only as edema of one leg, a tennis leg told only as acute calf
# pain, and two thyrotoxic ALS mimics read as motor neuron disease or neuropathy); 6 of the 14 golds were first.
# Batch 10 (14 common causes as published case reports, second batch): one missed at its first run, not in the first
# three; 11 of the 14 golds were first. Batch 11 (14 secondary and drug causes as published case reports, second
# batch): four missed at its first run, not in the first three (among them a rosuvastatin rhabdomyolysis read as
# metabolic myopathy, a thyrotoxic paraparesis read as motor neuron disease, and restless legs in pregnancy told only
# as the trimester); 8 of the 14 golds were first.
# Session 33 then withdrew 41 cases of batches 1, 3 and 6 to 11 (their ids are listed in benchmarks/textbook/README.md)
# whose source is also the source of a vignette of benchmarks/heldout/ or shared/vignettes/dev.jsonl: the three sets
# are measured apart (test_no_source_or_quote_shared_with_the_other_sets). The misses of batches 6, 7 and 10 above,
# one of batch 3's and one of batch 11's were among them; their xfails went with them.
# Session 34 moved the overt features of thyroid disease to a part, overt_thyroid_dysfunction (crampnet.network.parts,
# networks/research/2026-12-06-s34-parts.md): thyrotoxic_myopathy came second (thyroid_disease P 0.268 behind motor
# neuron disease, was 4th at 0.164) and thyrotoxicosis_presenting_as_acute_paraparesis_in_a_73_year_old first; their
# xfails were removed.
# Batch 12 (14 cases of thyroid disease and its look-alikes as published case reports, fixed before the run; 10 were
# dropped at the check as sharing a source or quote with the other sets, before crampnet ran on them): none of the 4
# kept missed at its first run, all 4 golds in the first three and the one must-not-miss gold (Kennedy disease as
# motor neuron disease) flagged; 3 of the 4 golds were first (hypokalaemic rhabdomyolysis from primary aldosteronism
# second, electrolyte_disturbance P 0.681, behind motor_neuron_disease P 0.649).
# Session 35 sourced critical limb ischaemia among presenters with PAD (nehler_2014: CLI 0.124 of claims-diagnosed PAD,
# was a judged factor of 3 over all PAD): ischaemic_rest_numbness_relieved_by_pendency came third
# (critical_limb_ischemia P 0.093, was 4th at 0.066); its xfail was removed.
# Session 35 added the Wells score's D-dimer flag (NICE NG158: a sign in the leg makes DVT suspected, and a score of 1
# is tested by D-dimer): isolated_distal_dvt_calf_pain_without_edema (calf tenderness, Wells 1) is flagged at the test
# level though DVT is P 0.0087, under its testing threshold; its must-not-miss xfail was removed.
# Session 38 added batches 13 and 14 (26 cases collected; 15 dropped at the check as sharing a source or quote with the
# other sets, and one with no stated diagnosis, before crampnet ran on them). Of the 11 kept, 6 golds were first and
# 10 in the first three; every must-not-miss gold (4) was flagged; the one miss of the first three is below.
# Session 54 took seven presenting-complaint links from NAMCS office visits (lumbar spinal stenosis proposes cramps
# 0.004, was 0.20): mnd_cramps_and_fasciculations_first came third (motor_neuron_disease behind electrolyte_disturbance
# and nocturnal_leg_cramps, stenosis no longer between them); its xfail was removed.
XFAIL_TOP3: dict[str, str] = {
    "dvt_after_a_calf_strain_with_no_calf_swelling": (
        "crampnet gives nocturnal_leg_cramps (P 0.697), lumbar_radiculopathy (P 0.229), electrolyte_disturbance "
        "(P 0.209); deep_vein_thrombosis is 7th of 21 (P 0.033, flagged at the test level): six days' duration counts "
        "x3.44 for it and the calf x1.42, but 'no calf swelling' x0.39, and nothing entered says the pain is not a cramp"
    ),
    "isolated_distal_dvt_calf_pain_without_edema": (
        "crampnet gives nocturnal_leg_cramps (P 0.797), local_calf_pathology (P 0.282), exercise_associated_cramps (P 0.099); "
        "deep_vein_thrombosis is 7th of 21 (P 0.0087): age under 40 counts x0.16 and 'edema: no' x0.36 against DVT, which calf "
        "tenderness (x8.2) does not offset; without the edema entry DVT is P 0.023. At the first run (edema link 0.97, "
        "corrected from Goodacre 2005 in session 32) 'edema: no' counted x0.029 and DVT was 18th at P 0.0007"
    ),
    "acute_on_chronic_limb_ischaemia_as_new_claudication": (
        "crampnet gives peripheral_arterial_disease (P 0.375), exercise_associated_cramps (P 0.258), "
        "lumbar_radiculopathy (P 0.273); acute_limb_ischemia is 11th (P 0.032, flagged at the test level with "
        "critical_limb_ischemia and deep_vein_thrombosis): claudication of a few days reads as chronic PAD"
    ),
    "progressive_muscular_atrophy": (
        "crampnet gives peripheral_neuropathy (P 0.725), lumbar_radiculopathy (P 0.420), restless_legs_syndrome "
        "(P 0.330); motor_neuron_disease is 6th (P 0.026) though flagged urgent by the Gold Coast rule (wasting "
        "with the arms involved); no sensory finding is entered, and the absent hyperreflexia counts x0.30"
    ),
    "primary_lateral_sclerosis": (
        "crampnet gives thyroid_disease (P 0.076), nocturnal_leg_cramps (P 0.656), venous_insufficiency (P 0.285); "
        "motor_neuron_disease is 19th of 21 (P 0.003, not flagged): hyperreflexia counts x23 but no fasciculations "
        "x0.19, from a prior of 0.0009; the node is the cramp-fasciculation-weakness picture, not pure UMN disease"
    ),
    "statin_myalgia_widespread_normal_ck": (
        "crampnet gives venous_insufficiency (P 0.591), restless_legs_syndrome (P 0.373), nocturnal_leg_cramps (P 0.666); "
        "drug_induced_cramps is 14th of 21 (P 0.128, as for a statin alone): myalgia counts x1.00 for it, since statin "
        "myalgia is a direct med_statin -> myalgia link (0.03, ctt_2022) that bypasses the condition, but x2.08 for venous "
        "insufficiency (judgment link 0.25), and bilateral x1.81 for it; the statin itself counts x1.65"
    ),
    "dvt_presenting_as_foot_drop_in_a_middle_aged_smoker": (
        "crampnet gives lumbar_radiculopathy (P 0.733), lumbar_spinal_stenosis (P 0.321), acute_limb_ischemia (P 0.049); "
        "deep_vein_thrombosis is 7th of 21 (P 0.030), though flagged urgent by the Wells rule: the raised D-dimer counts "
        "x2.28 for it and age 40 to 64 x0.55, while the foot-drop picture carries nothing (weakness x1.08, the sensory "
        "complaint x1.04, the complaint of weakness x1.03, one leg x0.92), and no swelling, tenderness or edema is "
        "stated"
    ),
    "acute_limb_ischaemia_of_one_arm_and_leg_as_numbness_called_stroke": (
        "crampnet gives electrolyte_disturbance (P 0.522), peripheral_neuropathy (P 0.228), lumbar_radiculopathy (P 0.204); "
        "acute_limb_ischemia is 18th of 21 (P 0.0020, under its prior of 0.0034): the complaint of numbness counts x0.14 "
        "against it (link 0.05), which paresthesia (x2.40), age 65 and over (x1.72) and one side (x1.18) do not offset, "
        "and the arm involved x0.87; the stored text gives no duration, pulses or cold, pale limb"
    ),
    "als_presenting_as_low_back_pain_and_difficulty_walking": (
        "crampnet gives lumbar_spinal_stenosis (P 0.670), lumbar_radiculopathy (P 0.519), peripheral_neuropathy (P 0.203); "
        "motor_neuron_disease is 21st of 21 (P 0.0004): weakness counts x4.31 for it and age 65 and over x1.51, against "
        "the complaint of pain x0.26, no atrophy x0.40, back pain x0.83 and paresthesia x0.90, from a prior of 0.0009; "
        "back pain with weak, abnormally feeling legs is read as spinal"
    ),
    "familial_als_as_leg_numbness_and_weakness_in_an_80_year_old": (
        "crampnet gives lumbar_spinal_stenosis (P 0.749), peripheral_neuropathy (P 0.198), restless_legs_syndrome (P 0.279); "
        "motor_neuron_disease is 10th of 21 (P 0.0060): fasciculations count x21.0 for it and weakness x6.20, but no "
        "hyperreflexia x0.30, no atrophy x0.40, a year's duration x0.50, no bulbar symptoms x0.67 and the numbness x0.78 "
        "leave it there; a lower motor neuron onset without wasting is far from the node's picture"
    ),
    "ruptured_bakers_cyst_with_leg_edema_and_ecchymosis_in_a_46_year_old_man": (
        "crampnet gives venous_insufficiency (P 0.554), deep_vein_thrombosis (P 0.049, flagged at the test level), "
        "thyroid_disease (P 0.034); local_calf_pathology is 12th of 21 (P 0.060, expected disablement 0.00): the edema of "
        "one leg counts x1.04 for it and the age band x0.81, while edema counts x5.05 for venous insufficiency (one leg "
        "x0.57); the abstract states no calf swelling, calf tenderness or knee finding"
    ),
    "tennis_leg_first_anticoagulated_as_venous_thrombosis": (
        "crampnet gives nocturnal_leg_cramps (P 0.704), lumbar_radiculopathy (P 0.205), venous_insufficiency (P 0.157); "
        "local_calf_pathology is 8th of 21 (P 0.044, expected disablement 0.01) and no red flag is raised "
        "(deep_vein_thrombosis P 0.011): a presenting complaint of pain counts x0.71 for it, the age band x0.86 and the "
        "calf x0.97, while the calf counts x1.84 for nocturnal leg cramps; the abstract states only acute calf pain, no "
        "swelling, tenderness or injury"
    ),
    "hyperthyroid_polyneuropathy_and_pyramidal_signs_taken_for_als": (
        "crampnet gives motor_neuron_disease (P 1.000, flagged urgent by the Gold Coast rule), restless_legs_syndrome "
        "(P 0.148), electrolyte_disturbance (P 0.052); thyroid_disease is 13th of 21 (P 0.048, expected disablement 0.00): "
        "weakness counts x1.26 for it, the arms x1.14, hyperreflexia x1.13 (x1.21, x1.15 and x1.09 before session 34's "
        "overt thyroid part) and male sex x0.50, while hyperreflexia counts "
        "x23 for motor neuron disease, bulbar symptoms x23, fasciculations x19 and wasting x14; no thyroid test value is "
        "stated, and of the motor neuron signs only brisk reflexes have a link from thyroid disease (its overt part's, "
        "0.08): bulbar symptoms, fasciculations and wasting have none"
    ),
    "thyrotoxic_myopathy_with_tongue_atrophy_admitted_as_suspected_als": (
        "crampnet gives peripheral_neuropathy (P 0.754), venous_insufficiency (P 0.576), lumbar_spinal_stenosis "
        "(P 0.448); thyroid_disease is 8th of 21 (P 0.134, expected disablement 0.10) and motor_neuron_disease (6th, "
        "P 0.061) is flagged urgent by the Gold Coast rule: myalgia counts x1.98 for thyroid disease, the age band x1.61, "
        "weakness x1.30 (x1.27 before session 34's overt thyroid part) and the arms x1.19, against male sex x0.50, "
        "while wasting counts x3.84 for neuropathy and x11.8 "
        "for motor neuron disease; no thyroid test value is stated, as for thyrotoxic_myopathy"
    ),
    "rosuvastatin_rhabdomyolysis_with_thigh_back_and_shoulder_pain": (
        "crampnet gives metabolic_myopathy (P 0.571), lumbar_radiculopathy (P 0.564), lumbar_spinal_stenosis (P 0.412); "
        "drug_induced_cramps is 4th of 21 (P 0.409, expected disablement 0.40): improvement after stopping the drug counts "
        "x3.70 for it, the statin x1.60 and a week's duration x1.41, but the rhabdomyolysis picture carries nothing (raised "
        "CK x1.03, dark urine x0.98, tenderness x1.00), since no link carries statin muscle injury through the condition, "
        "while dark urine counts x158 for metabolic myopathy, raised CK x8.5 and tenderness x2.2"
    ),
    "restless_legs_in_the_third_trimester_of_pregnancy_at_39": (
        "crampnet gives nocturnal_leg_cramps (P 0.909), venous_insufficiency (P 0.291), periodic_limb_movements "
        "(P 0.270); restless_legs_syndrome is 4th of 21 (P 0.270, 0.0003 behind periodic limb movements, expected "
        "disablement 0.00): the later trimester counts x3.37 for it but x4.83 for nocturnal leg cramps, and the abstract "
        "states no symptom"
    ),
}
XFAIL_FLAGGED: dict[str, str] = {
    "primary_lateral_sclerosis": (
        "only deep_vein_thrombosis is flagged (test level, P 0.020, near its prior 0.023): motor_neuron_disease "
        "P 0.003 against its testing threshold of 0.105; upper motor neuron signs alone raise no MND flag"
    ),
    "acute_limb_ischaemia_of_one_arm_and_leg_as_numbness_called_stroke": (
        "no red flag at all: acute_limb_ischemia P 0.0020 after the complaint of numbness (x0.14); with no duration, "
        "pulse or cold, pale limb entered no ischaemia rule fires"
    ),
    "als_presenting_as_low_back_pain_and_difficulty_walking": (
        "only deep_vein_thrombosis and acute_limb_ischemia are flagged (test level): motor_neuron_disease P 0.0004, "
        "under its testing threshold of 0.105; weakness with back pain and no wasting or fasciculation meets no MND rule"
    ),
    "familial_als_as_leg_numbness_and_weakness_in_an_80_year_old": (
        "no red flag at all: motor_neuron_disease P 0.0060, under its testing threshold of 0.105; fasciculations with "
        "weakness but no wasting and no upper motor neuron sign (no arm involvement entered) meet no MND red flag rule"
    ),
}


def _params(cases, xfails):
    return [
        pytest.param(
            case,
            id=case.name,
            marks=pytest.mark.xfail(strict=True, reason=xfails[case.name])
            if case.name in xfails
            else (),
        )
        for case in cases
    ]


def test_case_records_are_well_formed(model):
    """Check each record: the fields, ids increasing, a condition as gold, vocabulary ids and states, at most 200 characters quoted."""
    fields = {"id", "name", "batch", "category", "gold", "evidence", "source", "quote"}
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    numbers = [int(rec["id"].removeprefix("TBK-")) for rec in RECORDS]
    assert all(rec["id"] == f"TBK-{k:03d}" for rec, k in zip(RECORDS, numbers, strict=True))
    assert numbers == sorted(set(numbers)), "ids increase; a withdrawn id is not reused"
    batches = [rec["batch"] for rec in RECORDS]
    assert batches == sorted(batches) and set(batches) == set(range(1, max(batches) + 1))
    nodes = model.spec.nodes
    aliases = {alias: nid for nid, node in nodes.items() for alias in node.aliases}
    for rec, case in zip(RECORDS, CASES, strict=True):
        assert set(rec) == fields, rec["id"]
        assert len(rec["gold"]) == 1, rec["id"]
        assert nodes[case.gold].role == "condition", case.name
        assert len(case.quote) <= 200, case.name
        assert "http" in case.source, case.name
        for key, state in case.evidence.items():
            node = aliases.get(key, key)
            assert node in nodes, (case.name, key)
            if isinstance(state, str):
                assert state in nodes[node].states, (case.name, node, state)


def _urls(text: str) -> set[str]:
    return {u.rstrip(".,;)") for u in re.findall(r"https?://\S+", text)}


def test_no_source_or_quote_shared_with_the_other_sets():
    """Check that no case cites a URL or quotes a sentence of the held-out or development vignettes.

    The three sets are measured apart, so a case here must not be one of
    theirs; only the case's own id is reported, so a failure shows nothing of
    the held-out set.
    """
    assert OTHER_SETS, "benchmarks/heldout/heldout.jsonl is missing"
    urls: set[str] = set()
    quotes: set[str] = set()
    for path in OTHER_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                urls |= _urls(rec["source"])
                quotes.add(" ".join(rec["quote"].split()))
    shared = [
        rec["id"]
        for rec in RECORDS
        if _urls(rec["source"]) & urls or " ".join(rec["quote"].split()) in quotes
    ]
    assert shared == [], "cases sharing a source or quote: " + ", ".join(shared)


def test_every_xfail_names_a_case():
    """Check that each strict xfail names a case of the file (a renamed case would silently lose its xfail)."""
    names = {case.name for case in CASES}
    assert set(XFAIL_TOP3) <= names
    assert set(XFAIL_FLAGGED) <= {case.name for case in CASES if case.gold in MUST_NOT_MISS}


@pytest.mark.parametrize("case", _params(CASES, XFAIL_TOP3))
def test_textbook_gold_is_among_first_three(model, case):
    """Check that the source's diagnosis is among the first three of the differential for its typical presentation."""
    assert case.gold in model.diagnose(case.evidence).differential[:3]


@pytest.mark.parametrize(
    "case", _params([c for c in CASES if c.gold in MUST_NOT_MISS], XFAIL_FLAGGED)
)
def test_textbook_must_not_miss_gold_is_flagged(model, case):
    """Check that a must-not-miss diagnosis is named by a red flag for its typical presentation."""
    assert any(flag.condition == case.gold for flag in model.diagnose(case.evidence).red_flags)
