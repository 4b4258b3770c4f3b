"""The words clinicians write for the shipped network's ids, for "Did you mean ...?" alone.

A word here is never read as evidence: :func:`crampnet.exceptions.did_you_mean`
offers the ids it names when a key is not an id, so that ``cancer`` is told
``malignancy`` and ``erythema`` ``leg_redness_warmth`` (a close spelling
offered ``edema``). Each entry follows the id's meaning in the project
vocabulary (``shared/vocabulary.md``, "what it means"); ids a network does not
have are not offered. Keys are lower case, words joined by ``_``.

Examples
--------
>>> SYNONYMS["cancer"]
('malignancy',)
"""

from __future__ import annotations

__all__ = ["SYNONYMS"]

SYNONYMS: dict[str, tuple[str, ...]] = {
    # context
    "cancer": ("malignancy",),
    "active_cancer": ("malignancy",),
    "tumour": ("malignancy",),
    "tumor": ("malignancy",),
    "gender": ("sex",),
    "female": ("sex",),
    "male": ("sex",),
    "bmi": ("obesity",),
    "afib": ("atrial_fibrillation",),
    "surgery": ("recent_immobilisation",),
    "bed_rest": ("recent_immobilisation",),
    "long_flight": ("recent_immobilisation",),
    "prior_dvt": ("prior_vte",),
    "previous_dvt": ("prior_vte",),
    "history_of_dvt": ("prior_vte",),
    "hrt": ("med_estrogen_or_raloxifene",),
    "oestrogen": ("med_estrogen_or_raloxifene",),
    "ocp": ("med_combined_hormonal_contraceptive",),
    "pill": ("med_combined_hormonal_contraceptive",),
    "antipsychotic": ("med_dopamine_antagonist",),
    "neuroleptic": ("med_dopamine_antagonist",),
    "metoclopramide": ("med_dopamine_antagonist",),
    "ssri": ("med_antidepressant",),
    "snri": ("med_antidepressant",),
    "dialysis": ("hemodialysis",),
    "haemodialysis": ("hemodialysis",),
    # findings
    "numbness": ("paresthesia", "sensory_loss"),
    "tingling": ("paresthesia",),
    "pins_and_needles": ("paresthesia",),
    "claudication": ("exertional_pain_relieved_by_rest",),
    "sciatica": ("dermatomal_radiation", "lumbar_radiculopathy"),
    "redness": ("leg_redness_warmth",),
    "erythema": ("leg_redness_warmth",),
    "warmth": ("leg_redness_warmth",),
    "swelling": ("unilateral_calf_swelling", "edema"),
    "oedema": ("edema",),
    "dysphagia": ("bulbar_symptoms",),
    "dysarthria": ("bulbar_symptoms",),
    "wasting": ("muscle_atrophy",),
    "babinski": ("hyperreflexia",),
    "clonus": ("hyperreflexia",),
    "ankle_jerk": ("ankle_reflex",),
    "knee_jerk": ("knee_reflex",),
    "dyspnea": ("pe_symptoms",),
    "dyspnoea": ("pe_symptoms",),
    "breathlessness": ("pe_symptoms",),
    "haemoptysis": ("pe_symptoms",),
    "hemoptysis": ("pe_symptoms",),
    "pallor": ("cold_pale_limb",),
    "pulses": ("pedal_pulses",),
    # a site with the complaint, as notes write it: where (pain_location) and what (presenting_complaint)
    "calf_pain": ("pain_location", "presenting_complaint"),
    "foot_pain": ("pain_location", "presenting_complaint"),
    "thigh_pain": ("pain_location", "presenting_complaint"),
    "knee_pain": ("pain_location", "presenting_complaint"),
    "hip_pain": ("pain_location", "presenting_complaint"),
    "buttock_pain": ("pain_location", "presenting_complaint"),
    "leg_pain": ("presenting_complaint", "pain_location"),
    "night_cramps": ("muscle_cramps", "nocturnal"),
    "nocturnal_cramps": ("muscle_cramps", "nocturnal"),
    "leg_swelling": ("edema", "unilateral_calf_swelling"),
    "dark_urine": ("myoglobinuria",),
    "carpopedal_spasm": ("tetany",),
    "chvostek": ("tetany",),
    "trousseau": ("tetany",),
    "k": ("potassium",),
    "mg": ("magnesium",),
    "ca": ("calcium",),
    "na": ("sodium",),
    "cpk": ("creatine_kinase",),
    # conditions
    "restless_legs": ("restless_legs_syndrome",),
    "willis_ekbom": ("restless_legs_syndrome",),
    "plmd": ("periodic_limb_movements",),
    "als": ("motor_neuron_disease",),
    "clti": ("critical_limb_ischemia",),
    "hypothyroidism": ("thyroid_disease",),
    "hyperthyroidism": ("thyroid_disease",),
    "hypokalemia": ("electrolyte_disturbance", "potassium"),
    "hypokalaemia": ("electrolyte_disturbance", "potassium"),
    "hypomagnesemia": ("electrolyte_disturbance", "magnesium"),
    "hypomagnesaemia": ("electrolyte_disturbance", "magnesium"),
    "hypocalcemia": ("electrolyte_disturbance", "calcium"),
    "hypocalcaemia": ("electrolyte_disturbance", "calcium"),
    "hyponatremia": ("electrolyte_disturbance", "sodium"),
    "hyponatraemia": ("electrolyte_disturbance", "sodium"),
    "cellulitis": ("local_calf_pathology",),
    "bakers_cyst": ("local_calf_pathology",),
    "baker_cyst": ("local_calf_pathology",),
}
