"""Management notes and pitfalls, each with the document it comes from.

The notes restate the five seed documents of the project
(``shared/seeds/000_*.txt`` .. ``004_*.txt``, cited as "seed 000" ..
"seed 004") and, for deep vein thrombosis, which the seeds do not cover, the
studies of the project's evidence table, and the published criteria the red
flags are taken from (Wells, ESVS 2020, Global Vascular Guidelines, Gold
Coast, cauda equina). Nothing here is crampnet's own
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

__all__ = [
    "BATES_2012", "BJORCK_2020", "CAUDA_EQUINA", "FDA_QUININE", "GEERSING_2014", "GOLD_COAST", "GOODACRE_2005",
    "GVG_2019", "NOTES", "SEED_FILES", "WELLS_2003", "Note", "seed",
]  # fmt: skip

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
#: The Wells score for DVT, two-level ("likely" >= 2, "unlikely" <= 1) version with previous DVT.
WELLS_2003 = "Wells PS et al. Evaluation of D-dimer in the diagnosis of suspected deep-vein thrombosis. N Engl J Med 2003;349:1227-1235 (items read in the UpToDate chart adapted from it); Wells PS et al. JAMA 2006;295:199-207"
#: Diagnosis of DVT by pretest probability (ACCP, 9th edition).
BATES_2012 = "Bates SM et al. Diagnosis of DVT, ACCP 9th ed. Chest 2012;141(2 Suppl):e351S-e418S, PMC3278048 (abstract)"
#: Acute limb ischaemia: definition (under 2 weeks) and the six Ps.
BJORCK_2020 = "Björck M et al. ESVS 2020 Clinical Practice Guidelines on the Management of Acute Limb Ischaemia. Eur J Vasc Endovasc Surg 2020;59:173-218 (six Ps as summarised by EVTODAY, 7 January 2020; under 2 weeks per RCEMLearning, 2022)"
#: Chronic limb-threatening ischemia: definition and urgent referral.
GVG_2019 = "Conte MS et al. Global Vascular Guidelines on the Management of Chronic Limb-Threatening Ischemia. J Vasc Surg 2019;69(6S):3S-125S, PMC8365864 (abstract: PAD with rest pain, gangrene or ulceration > 2 weeks; refer urgently; objective haemodynamic testing required)"
#: Motor neuron disease: the Gold Coast criteria, and fasciculations as a lower motor neuron sign.
GOLD_COAST = "Shefner JM et al. A proposal for new diagnostic criteria for ALS (Gold Coast criteria). Clin Neurophysiol 2020;131:1975-1978 (read as box 1 of Turner MR, Pract Neurol 2022); de Carvalho M et al. Electrodiagnostic criteria for ALS (Awaji). Clin Neurophysiol 2008;119:497-503"
#: Cauda equina syndrome: red-flag symptoms and emergency MRI.
CAUDA_EQUINA = "BMJ Best Practice, Cauda equina syndrome: diagnosis approach (bladder or bowel disturbance, saddle sensory change, bilateral leg deficits with leg or back pain: immediate referral, MRI within 4 hours); Eur Spine J 2011;20(5):690-697, PMC3082683 (red-flag table)"


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
        Note("Rest pain, gangrene or a leg ulcer over 2 weeks with PAD is chronic limb-threatening ischemia: refer urgently to a vascular specialist; objective haemodynamic testing (toe pressures preferred) is required.", GVG_2019),
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
        Note("DVT likely (Wells 2 or more): compression ultrasound; DVT unlikely: D-dimer first, ultrasound if it is raised.", f"{WELLS_2003}; {BATES_2012}"),
    ),
    "motor_neuron_disease": (
        Note("Motor neuron disease needs upper and lower motor neuron signs in one body region, or lower motor neuron signs in two, with progressive motor impairment: refer to neurology for examination and EMG.", GOLD_COAST),
        Note("Cramps with neurological signs (weakness, fasciculations) warrant referral to exclude motor neuron disease.", seed("004")),
    ),
    "acute_limb_ischemia": (
        Note("A sudden (under 2 weeks) painful, pale, pulseless, cold limb, with or without paraesthesia or paralysis, is acute limb ischaemia: emergency vascular referral; numbness or weakness means the limb is threatened.", BJORCK_2020),
    ),
}
