"""Management notes and pitfalls, each with the document it comes from.

The notes restate the five seed documents of the project
(``shared/seeds/000_*.txt`` .. ``004_*.txt``, cited as "seed 000" ..
"seed 004") and, for deep vein thrombosis, which the seeds do not cover, the
studies of the project's evidence table. Nothing here is crampnet's own
advice: every note names its source, and the report prints it.

Examples
--------
>>> from crampnet.reasoning.notes import NOTES, seed
>>> any("quinine" in note.text for note in NOTES["nocturnal_leg_cramps"])
True
>>> seed("002")
'seed 002 (shared/seeds/002_6f6e8adcc9c18fe1.txt)'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NOTES", "SEED_FILES", "Note", "seed"]

#: The seed documents, by number.
SEED_FILES = {
    "000": "000_a33e0a225f857b2e.txt",
    "001": "001_83cc7c4561d93020.txt",
    "002": "002_6f6e8adcc9c18fe1.txt",
    "003": "003_9c4bd8494c6f1f15.txt",
    "004": "004_6a06f256b035d766.txt",
}


def seed(*numbers: str) -> str:
    """A citation of one or more seed documents: ``seed 002 (shared/seeds/...)``."""
    return "; ".join(f"seed {n} (shared/seeds/{SEED_FILES[n]})" for n in numbers)


#: The FDA's quinine warnings, as recorded in the evidence table (rows 202-203).
FDA_QUININE = "FDA Drug Safety Communication, 8 July 2010, and MedWatch safety labeling change, November 2009 (evidence table rows 202-203)"
#: The D-dimer rule-out study of the evidence table (row 228).
GEERSING_2014 = "Geersing GJ et al. BMJ 2014;348:g1340, individual patient data meta-analysis of 13 studies, 10,002 outpatients (evidence table row 228)"
#: Likelihood ratios of DVT findings (evidence table rows 230-236).
GOODACRE_2005 = "Goodacre S, Sutton AJ, Sampson FC. Ann Intern Med 2005;143(2):129-139, PMID 16027455 (evidence table rows 230-236)"


@dataclass(frozen=True)
class Note:
    """A management note or pitfall and where it comes from."""

    text: str
    source: str


_QUININE = Note("Do not prescribe quinine for nocturnal leg cramps: the FDA warns that serious hematologic reactions (thrombocytopenia, HUS/TTP) outweigh any potential benefit.", f"{seed('002')}; {FDA_QUININE}")
_CLAUDICATION = Note("Do not confuse claudication with nocturnal cramps: claudication comes with exertion and resolves with rest; true nocturnal cramps come at rest in bed.", seed("002"))
_VASCULAR = Note("Do not assume benign idiopathic cramps without excluding serious vascular disease: even asymptomatic PAD carries a significant cardiovascular mortality risk.", seed("002"))
_MEDICATIONS = Note("Review medications: diuretics and other commonly prescribed drugs frequently cause cramps.", seed("002"))

#: Notes per condition id, most important first.
NOTES: dict[str, tuple[Note, ...]] = {
    "nocturnal_leg_cramps": (
        Note("First line: stretching exercises and massage of the affected muscle.", seed("000")),
        _QUININE,
        Note("Dopamine agonists do not help leg cramps (they treat RLS, a different condition).", seed("000")),
        _CLAUDICATION,
        _VASCULAR,
        Note("Evidence for magnesium, calcium channel blockers and vitamin B12 is limited.", seed("000")),
    ),
    "exercise_associated_cramps": (
        Note("Regular stretching of the affected muscle groups and proper conditioning, to prevent premature fatigue, may prevent cramps.", seed("001")),
        Note("The evidence for hydration and electrolyte replacement is mixed; mild hypohydration alone does not necessarily predispose to cramps.", seed("001")),
    ),
    "restless_legs_syndrome": (
        Note("Check serum ferritin even if hemoglobin is normal; a ferritin under 50 ng/mL warrants iron supplementation.", seed("003")),
        Note("Review medications that precipitate or worsen RLS: tricyclic antidepressants, SSRIs, lithium, dopamine antagonists, centrally acting antihistamines.", seed("003")),
        Note("Exclude the mimics (leg cramps, positional discomfort, venous stasis, akathisia, ...): the four symptom criteria alone misclassify 16% of people who do not have RLS.", seed("000", "003")),
        Note("Quinine has no role in RLS.", seed("000")),
    ),
    "periodic_limb_movements": (
        Note("Treatment is generally unnecessary unless there is sleep disruption or daytime fatigue.", seed("003")),
        Note("Do not confuse PLMS with RLS: PLMS are often-unnoticed movements without a conscious urge to move.", seed("003")),
    ),
    "peripheral_arterial_disease": (
        Note("Measure the ankle-brachial index: it is recommended for suspected vascular causes of leg cramps.", seed("001")),
        Note("Absent or diminished pedal pulses suggest a vascular cause, but normal pulses do not exclude PAD.", seed("002")),
        _CLAUDICATION,
        _VASCULAR,
    ),
    "critical_limb_ischemia": (
        Note("Ischemic rest pain, non-healing wounds or gangrene require urgent vascular evaluation.", seed("001", "002")),
    ),
    "venous_insufficiency": (
        Note("Do not overlook venous stasis, a critical mimic, particularly with prolonged standing: look for varicosities, edema and skin changes.", seed("003")),
    ),
    "peripheral_neuropathy": (
        Note("Do not miss diabetic neuropathy: cramps may be its presenting symptom; it needs a full neurological evaluation and glycemic control.", seed("002")),
        Note("Examine sensation (pinprick, vibration, monofilament), reflexes and strength.", seed("002")),
    ),
    "lumbar_radiculopathy": (
        Note("L4, L5 and S1 radiculopathy gives pain radiating from the buttock down the leg, dermatomal sensory changes and reflex asymmetry.", seed("002")),
        Note("Bladder or bowel dysfunction or a progressive neurological deficit warrants neurological assessment and referral.", seed("004")),
    ),
    "lumbar_spinal_stenosis": (
        Note("Spinal stenosis: bilateral leg symptoms, pain radiating down the legs, relief with lumbar flexion, possible weakness; no circadian pattern or urge to move.", seed("003")),
        Note("Spinal stenosis causes pseudoclaudication, which mimics vascular claudication.", seed("001")),
    ),
    "arthritis": (
        Note("Arthritis shows joint abnormalities on examination, no circadian rhythm and no marked improvement with dopaminergic agents.", seed("003")),
    ),
    "akathisia": (
        Note("Identify and, where possible, stop the precipitating drug (dopamine antagonists, tricyclic antidepressants, SSRIs, lithium).", seed("003")),
        Note("Akathisia is a restlessness of the whole body, without the leg focus and circadian pattern of RLS.", seed("003")),
    ),
    "metabolic_myopathy": (
        Note("The contractures of metabolic myopathies differ from true cramps: they are sustained and the muscle cannot relax.", seed("002")),
    ),
    "electrolyte_disturbance": (
        Note("Check calcium, magnesium, potassium and sodium.", seed("002")),
        Note("Do not assume electrolyte abnormalities cause leg cramps without supporting evidence.", seed("003")),
        Note("Diuretics such as hydrochlorothiazide can cause electrolyte imbalances that lead to cramps.", seed("001")),
    ),
    "thyroid_disease": (
        Note("Check TSH if thyroid disease is suspected: hypo- and hyperthyroidism can present with cramps and contractures.", seed("002")),
    ),
    "drug_induced_cramps": (
        _MEDICATIONS,
        Note("Drugs most associated with cramps: IV iron sucrose, conjugated estrogens, raloxifene, naproxen, teriparatide; beta-agonists may be among the more common causes.", seed("000", "002")),
        Note("Potassium-sparing diuretics may cause cramps more often than potassium-depleting ones; statins may be less implicated than commonly believed.", seed("000")),
    ),
    "positional_discomfort": (
        Note("Positional discomfort and habitual foot tapping mimic RLS.", seed("001")),
    ),
    "deep_vein_thrombosis": (
        Note("Estimate the clinical probability (Wells score) and test: when DVT is unlikely (Wells 1 or less), a negative D-dimer leaves a DVT risk of about 1.2% (95% CI 0.7-1.8%).", GEERSING_2014),
    ),
    "motor_neuron_disease": (
        Note("Cramps with neurological signs (weakness, fasciculations) warrant referral to exclude motor neuron disease.", seed("004")),
    ),
}
