"""Textbook presentations: each condition's typical picture, as published, ranks it in the top three.

Every case below is the typical presentation of one condition as a published,
textbook-level description states it (StatPearls, GeneReviews, the MSD
Manual, AAFP, NICE and NHS pages, BMJ Best Practice, FDA communications,
clinical textbooks and review or guideline openings), mapped to the ids and
states of shared/vocabulary.md by the rules of shared/vignettes/README.md:
only what the source states, nothing inferred from the diagnosis. The cases
were not taken from the shared vignettes nor from crampnet's output, and each
case's evidence was fixed from its source before crampnet was run on any of
them; it is never changed after seeing crampnet's answer. The expected answer
is the source's own diagnosis: the test asks only that it be among the first
three of the differential (and, for a must-not-miss condition, that it be
flagged), never a posterior or an exact rank. A case crampnet gets wrong stays
here as a strict xfail whose reason says what crampnet gives instead.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest


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

# Fixed from the sources before crampnet was run on any case (blindness rule).
CASES: tuple[Case, ...] = (
    Case(
        "hypothyroid_myopathy",
        "thyroid_disease",
        {"muscle_cramps": "yes", "myalgia": "yes", "weakness": "yes", "proximal_weakness": "yes"},
        "Clinical presentation of hypothyroid myopathy, Clin Endocrinol (Oxf) 1983;19(3):365-76, doi:10.1111/j.1365-2265.1983.tb00010.x, "
        "abstract at https://pubmed.ncbi.nlm.nih.gov/6627693/ (no TSH value is stated, so none is given)",
        "Proximal muscle weakness, preferentially affecting the legs, muscle pains or cramps and delayed tendon jerk relaxation represented the commonest features of hypothyroid myopathy.",
    ),
    Case(
        "hypokalaemia_on_thiazide",
        "electrolyte_disturbance",
        {
            "muscle_cramps": "yes",
            "weakness": "yes",
            "potassium": "low",
            "med_thiazide_diuretic": "yes",
        },
        "StatPearls, Hypokalemia, introduction, https://statpearls.com/point-of-care/23269; the thiazide from Lin, Wong, Cheung, "
        "Diuretic-induced hypokalaemia: an updated review, Postgrad Med J 2021 (abstract: hypokalaemia in 7%-56% of patients taking thiazides)",
        "Symptoms of hypokalemia vary depending on the severity and underlying cause but may include muscle weakness, fatigue, cramping, palpitations, and constipation.",
    ),
    Case(
        "hypocalcaemia",
        "electrolyte_disturbance",
        {"paresthesia": "yes", "muscle_cramps": "yes", "tetany": "yes", "calcium": "low"},
        "Harrison's Principles of Internal Medicine, 19th ed., Endocrinology and Metabolism, hypocalcemia, "
        "https://download.skyscape.com/download/ota/lonestar/76CD77F7-898A-4928-AE45-A3D54D0FF0F0/harrisons.ed19/content/HTML/q/tu43.htm",
        "Symptoms include peripheral and perioral paresthesia, muscle spasms, carpopedal spasm, tetany, laryngeal spasm, seizure, and respiratory arrest.",
    ),
    Case(
        "hypomagnesaemia_on_ppi",
        "electrolyte_disturbance",
        {"med_proton_pump_inhibitor": "yes", "magnesium": "low", "muscle_cramps": "yes"},
        "FDA Drug Safety Podcast, Risk of low magnesium levels associated with long-term use of proton pump inhibitors (2 March 2011), "
        "http://www.fda.gov/Drugs/DrugSafety/DrugSafetyPodcasts/ucm246866.htm",
        "Low magnesium levels can cause muscle spasms, irregular heartbeat and seizures.",
    ),
    Case(
        "statin_associated_muscle_symptoms",
        "drug_induced_cramps",
        {
            "med_statin": "yes",
            "myalgia": "yes",
            "onset_after_new_drug": "yes",
            "improves_after_drug_stopped": "yes",
            "presenting_complaint": "pain",
        },
        "Stroes et al., Statin-associated muscle symptoms: European Atherosclerosis Society Consensus Panel Statement, Eur Heart J 2015;36:1012-22, "
        "abstract at https://moh-it.pure.elsevier.com/en/publications/statin-associated-muscle-symptoms-impact-on-statin-therapy-europe",
        "The Panel proposes to identify SAMS by symptoms typical of statin myalgia (i.e. muscle pain or aching) and their temporal association with discontinuation",
    ),
    Case(
        "mcardle_disease",
        "metabolic_myopathy",
        {
            "age_group": "under_40",
            "exercise_triggered": "yes",
            "muscle_cramps": "yes",
            "myalgia": "yes",
            "exercise_contracture": "yes",
            "myoglobinuria": "yes",
            "creatine_kinase": "raised",
        },
        "GeneReviews, Glycogen Storage Disease Type V, summary and clinical description (contractures, myoglobinuria in about 50%, "
        "raised resting CK, median age at diagnosis 33), https://www.ncbi.nlm.nih.gov/books/NBK1344/",
        "Glycogen storage disease type V (GSDV, McArdle disease) is a metabolic myopathy characterized by exercise intolerance manifested by rapid fatigue, myalgia, and cramps in exercising muscles.",
    ),
    Case(
        "neuroleptic_akathisia",
        "akathisia",
        {
            "med_dopamine_antagonist": "yes",
            "onset_after_new_drug": "yes",
            "whole_body_restlessness": "yes",
            "presenting_complaint": "restlessness",
        },
        "The SAGE Encyclopedia of Abnormal and Clinical Psychology, Tardive Akathisia (acute akathisia begins shortly after starting "
        "or increasing an antipsychotic), https://sk.sagepub.com/Reference/the-sage-encyclopedia-of-abnormal-and-clinical-psychology/i38108.xml",
        "Subjective symptoms of akathisia include internal feelings of pain, jitteriness, anxiety, restlessness, and discomfort throughout the body.",
    ),
    Case(
        "lumbar_spinal_stenosis",
        "lumbar_spinal_stenosis",
        {
            "exercise_triggered": "yes",
            "relief_by_lumbar_flexion": "yes",
            "relief_by_standing_still": "no",
            "presenting_complaint": "pain",
        },
        "MSD Manual Professional, Lumbar Spinal Stenosis (2024), "
        "https://www.msdmanuals.com/professional/musculoskeletal-and-connective-tissue-disorders/neck-and-back-pain/lumbar-spinal-stenosis",
        "The pain is not relieved by standing still but by flexing the back or by sitting (although paresthesias may continue)",
    ),
    Case(
        "intermittent_claudication",
        "peripheral_arterial_disease",
        {
            "age": 58,
            "sex": "male",
            "smoker": "yes",
            "cardiovascular_disease": "yes",
            "muscle_cramps": "yes",
            "exercise_triggered": "yes",
            "exertional_pain_relieved_by_rest": "yes",
            "relief_by_standing_still": "yes",
            "pain_location": "calf",
            "bilateral": "yes",
            "rest_pain": "no",
            "back_pain": "no",
        },
        "AccessCardiology (McGraw-Hill), intermittent claudication chapter, teaching case and definition, "
        "https://accesscardiology.mhmedical.com/content.aspx?sectionid=185600545&bookid=2372",
        "presents with cramping of his calves after walking about 2 city blocks; the left calf is cramping worse than the right. It abates when he stops walking",
    ),
    Case(
        "critical_limb_ischaemia",
        "critical_limb_ischemia",
        {
            "rest_pain": "yes",
            "pain_location": "foot",
            "relief_by_dependency": "yes",
            "ulcer_or_gangrene": "yes",
            "ankle_brachial_index": "very_low",
            "presenting_complaint": "pain",
        },
        "AAFP, Chronic critical limb ischemia, Am Fam Physician 1999;59(7):1899-1908 (rest pain, nonhealing wounds and gangrene; ABI 0.4 or less), "
        "https://www.aafp.org/afp/1999/0401/p1899.html",
        "a burning pain in the arch or distal foot that occurs while the patient is recumbent but is relieved when the patient returns to a position in which the feet are dependent",
    ),
    Case(
        "dvt_after_surgery",
        "deep_vein_thrombosis",
        {
            "recent_immobilisation": "yes",
            "calf_tenderness": "yes",
            "unilateral_calf_swelling": "yes",
            "edema": "yes",
            "bilateral": "no",
        },
        "MSD Manual Professional, Deep Venous Thrombosis (2023), symptoms and signs (a complication of surgery; tenderness, swelling, "
        "> 3 cm difference between calves, pitting edema), https://www.msdmanuals.com/professional/cardiovascular-disorders/peripheral-venous-disorders/deep-venous-thrombosis-dvt",
        "symptoms and signs of DVT (eg, vague aching pain, tenderness along the distribution of the veins, edema, erythema) are nonspecific",
    ),
    Case(
        "dvt_unilateral_swelling",
        "deep_vein_thrombosis",
        {
            "unilateral_calf_swelling": "yes",
            "edema": "yes",
            "calf_tenderness": "yes",
            "bilateral": "no",
        },
        "RCEMLearning (Royal College of Emergency Medicine), DVT in the ED, clinical presentation, "
        "https://www.rcemlearning.co.uk/modules/deep-vein-thrombosis-in-the-ed/lessons/clinical-assessment-and-risk-stratification-41/topic/clinical-presentation/",
        "Swelling/oedema is usually unilateral and the most common sign.",
    ),
    Case(
        "varicose_veins_venous_insufficiency",
        "venous_insufficiency",
        {"varicosities": "yes", "prolonged_standing": "yes", "sex": "female"},
        "Raetz, Wilson, Collins, Varicose veins: diagnosis and treatment, Am Fam Physician 2019;99(11):682-688 (risk factors female sex, "
        "prolonged standing), https://docslib.org/doc/1166643/varicose-veins",
        "Symptoms of varicose veins include a heavy, achy feeling and an itching or burning sensation; these symptoms worsen with prolonged standing.",
    ),
    Case(
        "sciatica",
        "lumbar_radiculopathy",
        {
            "dermatomal_radiation": "yes",
            "straight_leg_raise": "positive",
            "bilateral": "no",
            "presenting_complaint": "pain",
        },
        "MSD Manual Professional, Lumbosacral Radiculopathy (2024), "
        "https://www.msdmanuals.com/professional/musculoskeletal-and-connective-tissue-disorders/neck-and-back-pain/lumbosacral-radiculopathy",
        "pain radiates along the course of the sciatic nerve (symptoms related to nerve roots L4, L5, and S1), most often down the buttocks and posterior aspect of the leg to below the knee",
    ),
    Case(
        "diabetic_polyneuropathy",
        "peripheral_neuropathy",
        {
            "diabetes": "yes",
            "paresthesia": "yes",
            "bilateral": "yes",
            "pain_location": "foot",
            "sensory_loss": "yes",
            "ankle_reflex": "reduced",
            "worse_evening": "yes",
            "presenting_complaint": "numbness_or_tingling",
        },
        "Family Practice Notebook, Bilateral Peripheral Polyneuropathy in Diabetes (stocking distribution from the toes, symptoms worse "
        "at night, vibration sense and Achilles reflexes affected), https://fpnotebook.com/Endo/Neuro/BltrlPrphrlPlynrpthyInDbts.htm",
        "Distal Paresthesias, hyperesthesias or numbness",
    ),
    Case(
        "nocturnal_leg_cramps_nhs",
        "nocturnal_leg_cramps",
        {
            "muscle_cramps": "yes",
            "nocturnal": "yes",
            "pain_location": "calf",
            "episode_duration": "seconds_to_minutes",
            "visible_hard_contraction": "yes",
            "relief_by_stretching": "yes",
            "presenting_complaint": "cramps",
        },
        "NHS, Leg cramps (at night or when resting; calf; a few seconds to 10 minutes; stretching and massaging help), "
        "https://www.nhs.uk/conditions/leg-cramps/, read as republished at https://www.doctoori.net/health-information/health-resources-a-z/conditions/?condition=leg-cramps",
        "Leg cramps happen when a muscle suddenly shortens and becomes tight (spasms).",
    ),
    Case(
        "nocturnal_leg_cramps_older_adult",
        "nocturnal_leg_cramps",
        {
            "age_group": "65_plus",
            "muscle_cramps": "yes",
            "nocturnal": "yes",
            "pain_location": "calf",
            "episode_duration": "seconds_to_minutes",
        },
        "GPnotebook, cramps (nocturnal) (calf, attacks up to a few minutes, a third of people aged 60 and over, half of those 80 and over), "
        "https://gpnotebook.com/simplepage.cfm?ID=-1543110632",
        "in people aged 60 years and over on a general practice register, about a third reported cramps during the previous two months",
    ),
    Case(
        "exercise_associated_cramps",
        "exercise_associated_cramps",
        {
            "muscle_cramps": "yes",
            "exercise_triggered": "yes",
            "exertion_or_heat": "yes",
            "relief_by_stretching": "yes",
            "presenting_complaint": "cramps",
        },
        "Miller et al., Exercise-associated muscle cramps: evidence-based treatment and prevention, J Athl Train 2022 (treated by gentle "
        "static stretching until symptoms abate), https://pmc.ncbi.nlm.nih.gov/articles/PMC8775277",
        "Exercise-associated muscle cramps (EAMCs) are painful, involuntary contractions of a skeletal muscle during or shortly after exercise.",
    ),
    Case(
        "periodic_limb_movement_disorder",
        "periodic_limb_movements",
        {
            "unperceived_leg_jerks": "yes",
            "nocturnal": "yes",
            "insomnia": "yes",
            "urge_to_move": "no",
        },
        "MSD Manual Consumer Version, Periodic Limb Movement Disorder (PLMD) and Restless Legs Syndrome (RLS) (2024; most people with "
        "PLMD do not have RLS), https://www.msdmanuals.com/home/brain,-spinal-cord,-and-nerve-disorders/sleep-disorders/periodic-limb-movement-disorder-plmd-and-restless-legs-syndrome-rls",
        "In people with periodic limb movement disorders, the legs, arms, or both twitch and jerk, disrupting sleep, but people are usually not aware of the movements.",
    ),
    Case(
        "rls_in_pregnancy",
        "restless_legs_syndrome",
        {
            "sex": "female",
            "pregnancy": "later_trimester",
            "urge_to_move": "yes",
            "uncomfortable_sensations": "yes",
            "worse_at_rest": "yes",
            "relief_by_movement": "yes",
            "worse_evening": "yes",
        },
        "NHS Highland, Restless leg syndrome guidelines (2012 IRLSSG criteria; 'RLS is common in pregnancy'), "
        "https://rightdecisions.scot.nhs.uk/tam-treatments-and-medicines-nhs-highland/adult-therapeutic-guidelines/nervous-system/restless-leg-syndrome-rls-guidelines; "
        "the trimester from 'most prominently in the last trimester of pregnancy', https://www.bluelifer.com/restless-legs-syndrome/restless-legs-syndrome-symptoms-in-pregnancy/",
        "The urge to move the legs and accompanying unpleasant sensations are partially or totally relieved by movement, such as walking or stretching",
    ),
    Case(
        "als_upper_and_lower_motor_neuron",
        "motor_neuron_disease",
        {
            "age": 60,
            "weakness": "yes",
            "fasciculations": "yes",
            "muscle_atrophy": "yes",
            "hyperreflexia": "yes",
            "sensory_loss": "no",
            "bladder_bowel_dysfunction": "no",
            "presenting_complaint": "weakness",
        },
        "Medbullets Step 1, Amyotrophic Lateral Sclerosis (onset about 60 in sporadic cases; sensation intact; bowel and bladder spared), "
        "http://step1.medbullets.com/step1-neurology/113063/amyotrophic-lateral-sclerosis",
        "progressive weakness affecting any segment of the body asymmetric limb weakness (most common) upper and lower motor neuron signs",
    ),
    Case(
        "als_cramps_at_presentation",
        "motor_neuron_disease",
        {
            "muscle_cramps": "yes",
            "weakness": "yes",
            "fasciculations": "yes",
            "muscle_atrophy": "yes",
            "upper_limb_involvement": "yes",
        },
        "Emergency medicine text, amyotrophic lateral sclerosis, clinical presentation (symptoms more prominent in the upper extremities), "
        "https://www.barnardhealth.us/emergency-medicine/clinical-presentation-mkm.html",
        "At the time of initial presentation, extremity cramping, fatigue, and weakness are seen, as well as muscle fasciculations and atrophy.",
    ),
    Case(
        "acute_limb_ischaemia_six_ps",
        "acute_limb_ischemia",
        {
            "presenting_complaint": "pain",
            "symptom_duration": "under_2_weeks",
            "cold_pale_limb": "yes",
            "pedal_pulses": "absent",
            "paresthesia": "yes",
            "bilateral": "no",
        },
        "GPnotebook, acute limb ischaemia, clinical features (the six P's; paralysis only in extreme ischaemia, so not given), "
        "https://nursing-notebook.com/en-us/simplepage.cfm?ID=-1892351977&linkID=597",
        "Pain - sudden onset, continuous, variable intensity; often at the junction of perfused and ischaemic tissue, usually in one periphery.",
    ),
    Case(
        "acute_limb_ischaemia_atrial_fibrillation",
        "acute_limb_ischemia",
        {
            "atrial_fibrillation": "yes",
            "presenting_complaint": "pain",
            "symptom_duration": "under_2_weeks",
            "cold_pale_limb": "yes",
            "pedal_pulses": "absent",
            "paresthesia": "yes",
        },
        "MedVellum, Acute Limb Ischaemia (red flags: sudden onset limb pain, pale pulseless limb, paraesthesia, cold limb, known atrial "
        "fibrillation), https://www.medvellum.com/topics/acute-limb-ischaemia-adult",
        "Sudden onset + AF = embolic until proven otherwise",
    ),
    Case(
        "knee_osteoarthritis",
        "arthritis",
        {"pain_location": "knee", "exercise_triggered": "yes", "presenting_complaint": "pain"},
        "NICE CG59, Osteoarthritis, working diagnosis (the same three features as NICE NG226 1.1.1), "
        "https://ncbi.nlm.nih.gov/books/n/nicecg59 (age 45 and over spans two age bands, so no age is given)",
        "persistent joint pain that is worse with use, age 45 years old and over, morning stiffness lasting no more than half an hour.",
    ),
    Case(
        "ruptured_bakers_cyst",
        "local_calf_pathology",
        {
            "unilateral_calf_swelling": "yes",
            "pain_location": "calf",
            "joint_abnormality": "yes",
            "calf_tenderness": "no",
        },
        "Katz, Zizic, Arnold, Stevens, The pseudothrombophlebitis syndrome, Medicine (Baltimore) 1977;56:151 (calf pain, swelling and "
        "warmth; no deep venous tenderness or cord), abstract at https://www.uptodate.com/contents/popliteal-bakers-cyst/abstract/12",
        "the helpful descriminating features include the presence of inflammatory joint disease (91%), concomitant pain and swelling of the knee (94%), a demonstrable knee effusion (91%)",
    ),
    Case(
        "lower_leg_cellulitis",
        "local_calf_pathology",
        {
            "leg_redness_warmth": "yes",
            "unilateral_calf_swelling": "yes",
            "bilateral": "no",
            "fever": "yes",
            "symptom_duration": "under_2_weeks",
            "presenting_complaint": "pain",
        },
        "BMJ Best Practice, Cellulitis and erysipelas, history and exam (unilaterality and fever among common factors), "
        "https://bestpractice.bmj.com/topics/en-gb/63/history-exam, read through https://bibliotheek.ehb.be:2400/topics/en-gb/63/history-exam",
        "acute onset of red, painful, hot, swollen skin (cellulitis)",
    ),
    # Second batch: fixed from the sources below before crampnet was run on any of them (blindness rule).
    Case(
        "thyrotoxic_myopathy",
        "thyroid_disease",
        {
            "weakness": "yes",
            "proximal_weakness": "yes",
            "muscle_atrophy": "yes",
            "creatine_kinase": "normal",
        },
        "GPnotebook, metabolic myopathy in thyrotoxicosis (last reviewed 01/2018), read through a GPnotebook-family mirror, "
        "https://pharmacy-notebook.com/en-gb/simplepage.cfm?ID=-2033188854&linkID=41879 (a mirror; no TSH value is stated, so none is given)",
        "The features of the myopathy associated with thyrotoxicosis include muscle weakness and wasting, often affecting the limb girdles, and normal creatinine kinase.",
    ),
    Case(
        "cpt2_deficiency_myopathic_form",
        "metabolic_myopathy",
        {
            "sex": "male",
            "exercise_triggered": "yes",
            "weakness": "yes",
            "myoglobinuria": "yes",
            "presenting_complaint": "pain",
        },
        "GeneReviews, Carnitine Palmitoyltransferase II Deficiency (Wieser; revision 2019), summary (myopathic form; males more often "
        "affected), https://www.ncbi.nlm.nih.gov/books/NBK1253/ (exercise-induced muscle pain taken as the complaint, not as myalgia "
        "between episodes, which the vocabulary's myalgia means)",
        "the latter is characterized by exercise-induced muscle pain and weakness, sometimes associated with myoglobinuria",
    ),
    Case(
        "ssri_akathisia",
        "akathisia",
        {
            "med_antidepressant": "yes",
            "onset_after_new_drug": "yes",
            "whole_body_restlessness": "yes",
            "presenting_complaint": "restlessness",
        },
        "Koliscak, Makela, Selective serotonin reuptake inhibitor-induced akathisia, J Am Pharm Assoc 2009;49:e28-e38, "
        "doi:10.1331/JAPhA.2009.08083, abstract (recent increases in SSRI dose as a predisposing factor; 'inner restlessness' "
        "taken as restlessness of the whole body, not of the legs), https://dx.doi.org/10.1331%2FJAPhA.2009.08083",
        "To review available information in the literature about akathisia (inner restlessness) caused by the selective serotonin reuptake inhibitors (SSRIs).",
    ),
    Case(
        "periodic_leg_movements_daytime_fatigue",
        "periodic_limb_movements",
        {"unperceived_leg_jerks": "yes", "nocturnal": "yes", "daytime_fatigue": "yes"},
        "Michigan Medicine (University of Michigan Health), Periodic leg movements (a sleep partner observes the movements; 'insomnia or "
        "daytime fatigue', so only one is given), https://uofmhealth.org/conditions-treatments/brain-neurological-conditions/periodic-leg-movements "
        "(a patient-facing page, weaker)",
        "In many cases, patients are unaware they have periodic leg movements, and they come to the clinic or their physician with unexplained insomnia or daytime fatigue.",
    ),
    Case(
        "hyponatraemia_early_symptoms",
        "electrolyte_disturbance",
        {"sodium": "low", "weakness": "yes", "muscle_cramps": "yes"},
        "Textbook section 'Clinical manifestations of hyponatremia', read as republished at "
        "https://www.alpfmedical.info/cardiac-output/clinical-manifestations-of-hyponatremia.html (a mirror whose book is not named; weaker)",
        "The early symptoms of hyponatremia (from any cause) may include apathy, weakness, muscular cramps, nausea, vomiting, and headache.",
    ),
    Case(
        "leg_cramps_in_pregnancy",
        "nocturnal_leg_cramps",
        {
            "sex": "female",
            "pregnancy": "later_trimester",
            "muscle_cramps": "yes",
            "nocturnal": "yes",
            "presenting_complaint": "cramps",
        },
        "Zhou et al., Interventions for leg cramps in pregnancy, Cochrane protocol CD010655, description of the condition (sudden, intense, "
        "painful involuntary contractions of the leg muscles; 'particularly at night'), https://cochranelibrary.com/cdsr/doi/10.1002/14651858.CD010655/full/es",
        "Up to 30% to 50% of pregnant women suffer from leg cramps, especially in the third trimester.",
    ),
    Case(
        "heat_cramps",
        "exercise_associated_cramps",
        {
            "muscle_cramps": "yes",
            "exercise_triggered": "yes",
            "exertion_or_heat": "yes",
            "pain_location": "calf",
            "presenting_complaint": "cramps",
        },
        "Mayo Clinic, First aid: Heat cramps (calves first among the muscles most often affected), read as republished by Beacon Health "
        "System, https://www.beaconhealthsystem.org/library/FirstAid/heat-cramps-first-aid?content_id=ART-20056669 (a patient page, mirror)",
        "Heat cramps are painful, involuntary muscle spasms that usually occur during heavy exercise in hot environments.",
    ),
    Case(
        "lumbar_spinal_stenosis_bilateral_cramping",
        "lumbar_spinal_stenosis",
        {
            "back_pain": "yes",
            "bilateral": "yes",
            "muscle_cramps": "yes",
            "exercise_triggered": "yes",
            "relief_by_lumbar_flexion": "yes",
            "presenting_complaint": "pain",
        },
        "AAFP, Lumbar spinal stenosis, Am Fam Physician 2024;109(4):350-359, abstract (low back pain radiating to the buttocks and lower "
        "extremities bilaterally), http://www.aafp.org/pubs/afp/issues/2024/0400/lumbar-spinal-stenosis.html",
        "The pain is typically burning or cramping, which worsens with standing and walking and improves with bending forward or sitting.",
    ),
    Case(
        "l5_radiculopathy",
        "lumbar_radiculopathy",
        {
            "dermatomal_radiation": "yes",
            "sensory_loss": "yes",
            "weakness": "yes",
            "ankle_reflex": "normal",
            "presenting_complaint": "pain",
        },
        "SeekhealthZ, Symptoms of L5 radiculopathy (sensory loss over the great toe and dorsum of the foot; weakness of extensor hallucis "
        "longus; 'The ankle reflex is usually normal'), https://www.seekhealthz.com/health/symptoms-of-l5-radiculopathy/ (a health site "
        "summarising textbook text, weaker)",
        "L5 root compression produces pain radiating to the posterolateral buttock, lateral posterior thigh, and lateral leg.",
    ),
    Case(
        "chemotherapy_induced_neuropathy",
        "peripheral_neuropathy",
        {
            "med_neurotoxic_chemotherapy": "yes",
            "paresthesia": "yes",
            "sensory_loss": "yes",
            "ankle_reflex": "reduced",
            "bilateral": "yes",
            "upper_limb_involvement": "yes",
            "presenting_complaint": "numbness_or_tingling",
        },
        "Wampler, Rosenbaum, Chemotherapy-induced Peripheral Neuropathy Fact Sheet, Cancer Supportive and Survivorship Care (numbness, "
        "tingling, decreased vibration sense, diminished or absent reflexes), http://www.cancersupportivecare.com/nervepain.html "
        "(a clinicians' fact sheet, weaker than a review)",
        "Sensory symptoms often begin in the tips of the fingers or toes and may progress into a stocking and glove pattern.",
    ),
    Case(
        "hip_osteoarthritis",
        "arthritis",
        {
            "pain_location": "buttock_or_hip",
            "exercise_triggered": "yes",
            "joint_abnormality": "yes",
            "presenting_complaint": "pain",
        },
        "NHS Tayside Referral Help System, Hip joint pain / osteoarthritis, symptoms and signs (pain during movement or with vigorous "
        "activity; limited range of movement; locking, grinding; 'pain overnight and/or morning stiffness' not given), "
        "https://www.nhstayside.scot.nhs.uk/WorkingWithUs/ReferralHelpSystem/PROD_354068",
        "Pain localized to the groin area and the front or side of the thigh.",
    ),
    Case(
        "chronic_venous_disease",
        "venous_insufficiency",
        {"varicosities": "yes", "edema": "yes", "worse_evening": "yes"},
        "AccessMedicine (McGraw-Hill), chronic venous disease chapter, Essentials of Diagnosis (heaviness, aching, late-day leg fatigue; "
        "varicose veins), https://accessmedicine.mhmedical.com/content.aspx?bookid=2984&sectionid=250020710",
        "Edema, which may be soft and pitting or brawny and fibrotic, usually increases throughout the day with dependency and improves with elevation.",
    ),
    Case(
        "intermittent_claudication_nice",
        "peripheral_arterial_disease",
        {
            "smoker": "yes",
            "exercise_triggered": "yes",
            "exertional_pain_relieved_by_rest": "yes",
            "presenting_complaint": "pain",
        },
        "NICE TA223, Cilostazol, naftidrofuryl oxalate, pentoxifylline and inositol nicotinate for intermittent claudication, section 2 "
        "(smoking the first major risk factor), https://www.nice.org.uk/guidance/TA223/chapter/2-Clinical-need-and-practice",
        "intermittent claudication (Fontaine stage II), which is characterised by pain in the legs or buttocks that occurs with exercise and is relieved with rest",
    ),
    Case(
        "chronic_limb_threatening_ischaemia",
        "critical_limb_ischemia",
        {"rest_pain": "yes", "ulcer_or_gangrene": "yes"},
        "Conte et al., Global vascular guidelines on the management of chronic limb-threatening ischemia, J Vasc Surg 2019;69(6S):3S-125S, "
        "doi:10.1016/j.jvs.2019.02.016, abstract, https://pmc.ncbi.nlm.nih.gov/articles/PMC8365864 ('> 2 weeks' fits two duration bands, "
        "so no duration is given)",
        "CLTI is a clinical syndrome defined by the presence of peripheral artery disease (PAD) in combination with rest pain, gangrene, or a lower limb ulceration >2 weeks duration.",
    ),
    Case(
        "beta_agonist_cramps",
        "drug_induced_cramps",
        {
            "med_beta_agonist": "yes",
            "muscle_cramps": "yes",
            "onset_after_new_drug": "yes",
            "improves_after_drug_stopped": "yes",
            "presenting_complaint": "cramps",
        },
        "Medical Algorithms Company, Drug-induced muscle cramps (reasons to suspect: onset after a drug was started, less cramping after "
        "it was stopped; beta agonists, salbutamol, among the drugs implicated), https://www.medicalalgorithms.com/drug-induced-muscle-cramps "
        "(a clinical calculator site's summary, weaker)",
        "(1) The onset of cramps or a worsening occurred after a drug was started.",
    ),
    # Third batch: the must-not-miss conditions where they are easy to miss (pregnancy, cancer, travel, a calf
    # without swelling, acute-on-chronic ischaemia, ischaemia as weakness or numbness, diabetic feet, motor neuron
    # disease beginning in one leg or as cramps, its lower- and upper-motor-neuron-only forms); fixed from the
    # sources below before crampnet was run on any of them (blindness rule).
    Case(
        "dvt_in_pregnancy",
        "deep_vein_thrombosis",
        {
            "sex": "female",
            "pregnancy": "later_trimester",
            "unilateral_calf_swelling": "yes",
            "edema": "yes",
            "bilateral": "no",
        },
        "NHS Greater Glasgow and Clyde, Thromboembolic disease during pregnancy and the puerperium (obstetric guideline after RCOG "
        "Green-top 37b), https://covid19app.nhsggc.org.uk/obstetrics/covid-19-obstetrics/thromboembolic-disease-during-pregnancy-and-the-puerperium-obstetrics/ "
        "(leg swelling read as calf swelling, as in dvt_unilateral_swelling; only the leg signs are given); the trimester and side from "
        "Ginsberg et al., Venous thrombosis during pregnancy: leg and trimester of presentation, Thromb Haemost 1992;67:519-20, "
        "https://doi.org/10.1055%2Fs-0038-1648485 (47 of 60 in the second or third trimester; 58 isolated left leg)",
        "The symptoms and signs of VTE include leg pain and swelling (usually unilateral), lower abdominal pain, low grade pyrexia, dyspnoea, chest pain, haemoptysis and collapse.",
    ),
    Case(
        "dvt_after_long_flight_on_the_pill",
        "deep_vein_thrombosis",
        {
            "age": 45,
            "sex": "female",
            "recent_immobilisation": "yes",
            "med_combined_hormonal_contraceptive": "yes",
            "cardiovascular_disease": "yes",
            "diabetes": "yes",
            "presenting_complaint": "pain",
            "pain_location": "calf",
            "unilateral_calf_swelling": "yes",
            "leg_redness_warmth": "yes",
            "edema": "yes",
            "d_dimer": "raised",
        },
        "Medbullets Step 2, Deep Venous Thrombosis, snapshot (left calf pain after a nonstop flight of over 12 hours two days before; "
        "hypertension, diabetes, oral contraceptive pills; left calf 2 cm larger, red, warm, pitting edema; raised D-dimer), "
        "https://step2.medbullets.com/cardiovascular/120034/deep-venous-thrombosis ('oral contraceptive pills' taken as the combined "
        "pill; bilateral swelling after the flight as well, so no side is given; the onset is not dated, so no duration is given)",
        "She reports flying back to the United States from Australia 2 days ago. Her flight was nonstop, making it a > 12-hour flight.",
    ),
    Case(
        "isolated_distal_dvt_calf_pain_without_edema",
        "deep_vein_thrombosis",
        {
            "age": 27,
            "sex": "female",
            "prior_vte": "no",
            "obesity": "no",
            "presenting_complaint": "pain",
            "pain_location": "calf",
            "bilateral": "no",
            "calf_tenderness": "yes",
            "edema": "no",
        },
        "Palareti, How I treat isolated distal deep vein thrombosis (IDDVT), Blood 2014;123(12):1802-9, opening case (a woman of 27 "
        "with pain in the left calf a week after a minor motorcycle accident with trauma to that leg; no earlier VTE; BMI 20.7), "
        "http://ashpublications.net/blood/article-split/123/12/1802/32726/How-I-treat-isolated-distal-deep-vein-thrombosis",
        "there was no edema in the symptomatic leg, but the pain, which was moderate at rest, increased at gentle palpation of the calf muscles",
    ),
    Case(
        "dvt_in_cancer",
        "deep_vein_thrombosis",
        {"malignancy": "yes", "pain_location": "calf", "edema": "yes", "leg_redness_warmth": "yes"},
        "Macmillan Cancer Support, Blood clots and cancer, blood clot symptoms, the leg ('usually the calf'), "
        "https://www.macmillan.org.uk/cancer-information-and-support/impacts-of-cancer/blood-clots-and-cancer (a patient page, weaker; "
        "one leg is not said, so no side is given)",
        "You may have throbbing pain, swelling or heat in the leg or arm. The skin may become red.",
    ),
    Case(
        "acute_on_chronic_limb_ischaemia_as_new_claudication",
        "acute_limb_ischemia",
        {
            "symptom_duration": "under_2_weeks",
            "exercise_triggered": "yes",
            "exertional_pain_relieved_by_rest": "yes",
            "presenting_complaint": "pain",
        },
        "RCEMLearning (Royal College of Emergency Medicine), Acute limb ischaemia, context and definition (2022; the classical signs "
        "'may be attenuated by the presence of collaterals'), https://www.rcemlearning.co.uk/reference/acute-limb-ischaemia/",
        "the patient with a few days history of short distance claudication or the patient with a sudden increase in ischaemic symptoms on a background of peripheral arterial disease",
    ),
    Case(
        "acute_limb_ischaemia_thrombosis_after_claudication",
        "acute_limb_ischemia",
        {
            "exertional_pain_relieved_by_rest": "yes",
            "symptom_duration": "under_2_weeks",
            "presenting_complaint": "pain",
            "pedal_pulses": "absent",
        },
        "AccessMedicine (McGraw-Hill), acute arterial occlusion of a limb, Essentials of Diagnosis ('Sudden pain in a limb with absent "
        "limb pulses') and general considerations (the history of claudication entered as exertional pain relieved by rest), "
        "https://accessmedicine.mhmedical.com/content.aspx?bookid=3081&sectionid=258962306",
        "The typical patient with primary thrombosis has had a history of claudication and now has an acute occlusion.",
    ),
    Case(
        "acute_limb_ischaemia_as_leg_weakness",
        "acute_limb_ischemia",
        {
            "presenting_complaint": "weakness",
            "weakness": "yes",
            "bilateral": "no",
            "upper_limb_involvement": "no",
            "cold_pale_limb": "yes",
            "edema": "no",
        },
        "Clinical Advisor, Clinical Challenge: lower limb weakness, making the diagnosis (one leg, no arm involvement; 'the leg was not "
        "very swollen, discolored, or painful'; diminished temperature from the typical presentation), "
        "https://www.clinicaladvisor.com/home/features/clinical-challenge/clinical-challenge-lower-limb-weakness/2/ (the case's "
        "first page was not read, so no duration is given)",
        "Acute limb ischemia (ALI) typically presents with symptoms of unilateral lower extremity pain, numbness and/or weakness, diminished temperature, and sometimes pallor of the skin.",
    ),
    Case(
        "ischaemic_rest_numbness_relieved_by_pendency",
        "critical_limb_ischemia",
        {
            "paresthesia": "yes",
            "pain_location": "foot",
            "worse_at_rest": "yes",
            "relief_by_dependency": "yes",
            "presenting_complaint": "numbness_or_tingling",
        },
        "Ischemic Rest Pain, Arch Surg 1969;98(2):187-8, doi:10.1001/archsurg.1969.01340080079015 (rest pain in the toes or metatarsal "
        "heads, aggravated by elevation and relieved by pendency; its one variant, numbness, is given, not rest pain), "
        "https://jamanetwork.com/journals/jamasurgery/article-abstract/568039",
        "We have, however, recognized one variant, and that is numbness of the toes brought on by the horizontal position and relieved by pendency.",
    ),
    Case(
        "cli_diabetic_rest_pain_sleeping_in_chair",
        "critical_limb_ischemia",
        {
            "age": 72,
            "smoker": "yes",
            "diabetes": "yes",
            "symptom_duration": "2_weeks_to_3_months",
            "presenting_complaint": "pain",
            "pain_location": "foot",
            "bilateral": "no",
            "rest_pain": "yes",
            "worse_evening": "yes",
            "relief_by_dependency": "yes",
            "edema": "yes",
            "ulcer_or_gangrene": "yes",
            "pedal_pulses": "absent",
            "cold_pale_limb": "yes",
        },
        "BMJ clinical update on chronic limb threatening ischaemia, 'What you need to know' opening case (sleeps in a chair; leg "
        "increasingly swollen; a cut on the foot has not healed; no pulses below the femoral; foot cold and pale on elevation), "
        "read through https://ablesci.com/scholar/paper?id=3DyQBvK2E (the source calls the night pain ischaemic rest pain)",
        "A 72 year old ex-smoker with diabetes presents to his general practitioner with a 4 week history of increasing pain in his right foot, worse at night.",
    ),
    Case(
        "diabetic_foot_ulcer_incompressible_arteries",
        "critical_limb_ischemia",
        {"diabetes": "yes", "ulcer_or_gangrene": "yes", "ankle_brachial_index": "non_compressible"},
        "Mills, Lower limb ischaemia in patients with diabetic foot ulcers and gangrene: recognition, anatomic patterns and "
        "revascularization strategies, Diabetes Metab Res Rev 2016;32 Suppl 1:239-45, abstract (limb-threatening ischaemia missed in "
        "diabetic foot ulcers), https://pages.avinger.com/lower-limb-ischaemia-in-patients-with-diabetic-foot-ulcers-and-gangrene-recognition-anatomic-patterns-and-revascularization-strategies",
        "Ankle brachial index is useful when measurable, but may be falsely elevated or not obtainable in as many as 30% of patients with diabetic foot ulcers primarily because of medial calcinosis.",
    ),
    Case(
        "mnd_leg_onset_weakness_with_back_pain",
        "motor_neuron_disease",
        {
            "age": 59,
            "sex": "male",
            "presenting_complaint": "weakness",
            "weakness": "yes",
            "bilateral": "no",
            "back_pain": "yes",
        },
        "BMJ primary care article on motor neurone disease, opening case (right leg weakness and trips, first seen by orthopaedics; "
        "hand difficulty only four months later, so not given), read through https://www.ablesci.com/scholar/paper?id=809MyyBVr",
        "A 59 year old man initially presented with weakness in his right leg and occasional trips. He had a longstanding history of mild low back pain",
    ),
    Case(
        "mnd_cramps_and_fasciculations_first",
        "motor_neuron_disease",
        {
            "presenting_complaint": "cramps",
            "muscle_cramps": "yes",
            "fasciculations": "yes",
            "weakness": "yes",
            "sensory_loss": "no",
        },
        "MND Association red flag diagnosis tool, as summarised by Guidelines (progressive weakness without sensory involvement is the "
        "key), https://www.guidelines.co.uk/neurology-/mnda-motor-neurone-disease-guideline/252569.article",
        "The earliest symptoms may be non-specific such as muscle cramps or persistent muscle twitching (fasciculation).",
    ),
    Case(
        "progressive_muscular_atrophy",
        "motor_neuron_disease",
        {
            "weakness": "yes",
            "muscle_atrophy": "yes",
            "bilateral": "yes",
            "upper_limb_involvement": "yes",
            "hyperreflexia": "no",
        },
        "Stedman's definition of progressive spinal muscular atrophy, read as republished at "
        "https://www.biology-online.org/dictionary/Progressive_spinal_muscular_atrophy (fasciculation potentials are an EMG result, so "
        "not given; increased tendon reflexes and Babinski sign absent)",
        "progressive, often symmetrical, weakness and wasting, typically beginning in the distal portions of the limbs, particularly in the upper extremities, and spreading proximally",
    ),
    Case(
        "primary_lateral_sclerosis",
        "motor_neuron_disease",
        {
            "hyperreflexia": "yes",
            "fasciculations": "no",
            "sensory_loss": "no",
            "bladder_bowel_dysfunction": "no",
        },
        "Medscape, Primary Lateral Sclerosis Clinical Presentation (Armon, 2019; upper motor neuron signs: spasticity, spread of tendon "
        "reflexes, clonus, Babinski; no sensory findings, fasciculations or bladder dysfunction), "
        "https://emedicine.medscape.com/article/1171782-clinical (stiffness has no id, so no complaint is given)",
        "Primary lateral sclerosis (PLS) usually presents with gradual-onset, progressive, lower-extremity stiffness and pain due to spasticity.",
    ),
    # Fourth batch: look-alike pairs, each case the published features that separate one condition from its
    # look-alike (neurogenic vs vascular vs venous claudication, RLS vs cramps vs PLMs vs akathisia, neuropathy vs
    # radiculopathy, hypothyroid vs statin myalgia, metabolic contracture vs cramp, knee arthritis vs a calf lesion);
    # fixed from the sources below before crampnet was run on any of them (blindness rule).
    Case(
        "neurogenic_claudication_above_the_knees",
        "lumbar_spinal_stenosis",
        {"exercise_triggered": "yes", "relief_by_lumbar_flexion": "yes", "pain_location": "thigh"},
        "Nadeau et al., The reliability of differentiating neurogenic claudication from vascular claudication based on symptomatic "
        "presentation, Can J Surg 2013;56(6):372-7, doi:10.1503/cjs.016512, abstract at https://www.canjsurg.ca/highwire/citation/87515/medlars "
        "(patients reporting claudication; relief by sitting and the shopping cart sign as relief by lumbar flexion; 'above the knees' as "
        "thigh; triggering by standing alone has no id)",
        "patients with a positive shopping cart sign whose symptoms were located above the knees, triggered with standing alone and relieved with sitting had a strong likelihood of neurogenic claudication",
    ),
    Case(
        "buttock_claudication",
        "peripheral_arterial_disease",
        {
            "pain_location": "buttock_or_hip",
            "exercise_triggered": "yes",
            "exertional_pain_relieved_by_rest": "yes",
            "relief_by_standing_still": "yes",
        },
        "McMaster Textbook of Internal Medicine (Empendium), Table 3.19-6, Differential diagnosis of intermittent claudication, row "
        "'Claudication (hip, thigh, buttock)' set against osteoarthritis of the hip and spinal compression "
        "(resolves rapidly on rest, body position no effect: relief by standing still), https://empendium.com/mcmtextbook/table/031_0377",
        "Claudication (hip, thigh, buttock) | Hip, thigh, buttock | Painful discomfort, weakness | Always after the same defined type/amount of exercise | Resolves rapidly | None",
    ),
    Case(
        "venous_claudication",
        "venous_insufficiency",
        {"exercise_triggered": "yes", "pain_location": "calf", "prior_vte": "yes", "edema": "yes"},
        "McMaster Textbook of Internal Medicine (Empendium), Table 3.19-6, Differential diagnosis of intermittent claudication, row "
        "'Venous claudication' set against calf claudication (it resolves slowly, so no relief by rest is given), "
        "https://empendium.com/mcmtextbook/table/031_0377",
        "Venous claudication | Muscles of lower leg | Severe, expanding | After walking | Resolves slowly | Resolution faster when limb is elevated | History of DVT, features of venous congestion, edema",
    ),
    Case(
        "rls_urge_dissipating_while_moving",
        "restless_legs_syndrome",
        {
            "urge_to_move": "yes",
            "uncomfortable_sensations": "yes",
            "nocturnal": "yes",
            "relief_by_movement": "yes",
        },
        "Tipton, Wszolek, Restless legs syndrome and nocturnal leg cramps: a review and guide to diagnosis and treatment, "
        "Pol Arch Intern Med 2017;127(12):865-72, doi:10.20452/pamw.4148, abstract at https://pubmed.ncbi.nlm.nih.gov/29120993/",
        "Patients suffering from RLS experience uncomfortable nocturnal sensations in the legs with the urge to move that dissipates while moving.",
    ),
    Case(
        "nocturnal_leg_cramps_without_urge_to_move",
        "nocturnal_leg_cramps",
        {
            "muscle_cramps": "yes",
            "nocturnal": "yes",
            "relief_by_stretching": "yes",
            "relief_by_movement": "yes",
            "urge_to_move": "no",
        },
        "UpToDate graphic 101047, Differential diagnosis of restless legs syndrome, 'Disorders without urge to move' (relieved by walking "
        "as relief by movement), read through https://pro.uptodatefree.ir/Show/101047 (a mirror, weaker)",
        'Disorders without "urge to move" Nocturnal leg cramps Leg cramps or charley horse cramps that come on at night and are relieved with stretching or walking.',
    ),
    Case(
        "akathisia_without_paresthesias",
        "akathisia",
        {
            "med_dopamine_antagonist": "yes",
            "onset_after_new_drug": "yes",
            "presenting_complaint": "restlessness",
            "urge_to_move": "yes",
            "uncomfortable_sensations": "no",
            "relief_by_movement": "no",
        },
        "Is This Akathisia or Restless Legs? Differentiating Akathisia from Restless Legs Syndrome, in Comorbid Sleep and Psychiatric "
        "Disorders (Springer), doi:10.1007/978-3-030-11772-6_20, abstract at https://link.springer.com/chapter/10.1007/978-3-030-11772-6_20 "
        "(an antipsychotic side effect within the first weeks of starting or raising the dose; restlessness of the whole body is not said)",
        "(1) patients with akathisia do not have the paresthesias that RLS patients do; (2) in akathisia, the movements are not related to sleep; and (3) movement does not relieve the urge",
    ),
    Case(
        "periodic_limb_movements_on_a_tricyclic",
        "periodic_limb_movements",
        {"med_antidepressant": "yes", "unperceived_leg_jerks": "yes"},
        "Epilepsy Foundation, for health care providers, Periodic limb movements and restless legs syndrome (movements in sleep that "
        "the patient may not notice; associated with tricyclic antidepressants), "
        "https://plannedgiving.epilepsy.com/living-epilepsy/epilepsy-and/professional-health-care-providers/co-existing-disorders/sleep-disorders/periodic-limb-movements-and-restless-legs-syndrome "
        "(a professional page, weaker than a review)",
        "Patients may be unaware of the movements, but bed partners usually note them.",
    ),
    Case(
        "alcohol_related_polyneuropathy",
        "peripheral_neuropathy",
        {
            "alcohol_excess": "yes",
            "presenting_complaint": "numbness_or_tingling",
            "paresthesia": "yes",
            "pain_location": "foot",
            "bilateral": "yes",
            "sensory_loss": "yes",
            "ankle_reflex": "reduced",
            "knee_reflex": "reduced",
        },
        "Medscape, Alcoholic Neuropathy Clinical Presentation (chronic alcohol consumption; stocking-to-glove loss of vibration or "
        "pinprick; 'Patellar and Achilles deep tendon reflexes are often reduced or absent'), https://emedicine.medscape.com/article/315159-clinical",
        "The most common presenting complaint seems to be paresthesias in the feet and toes. Over time, these symptoms usually progress proximally and symmetrically.",
    ),
    Case(
        "s1_radiculopathy_with_reduced_ankle_jerk",
        "lumbar_radiculopathy",
        {"back_pain": "yes", "dermatomal_radiation": "yes", "ankle_reflex": "reduced"},
        "Medscape, Lumbosacral Disc Injuries / radiculopathy, Clinical Presentation (onset 'often sudden and includes LBP'; S1: posterior "
        "lower leg and lateral foot), https://emedicine.medscape.com/article/95025-clinical; the reflex from MSD Manual Professional, "
        "Lumbosacral Radiculopathy ('L5-S1 disc herniation may affect the ankle jerk reflex'), "
        "https://www.msdmanuals.com/professional/musculoskeletal-and-connective-tissue-disorders/neck-and-back-pain/lumbosacral-radiculopathy",
        "Sitting, coughing, or sneezing may exacerbate the pain, which travels from the buttock down to the posterior or posterolateral leg to the ankle or foot.",
    ),
    Case(
        "hypothyroid_myopathy_not_statin",
        "thyroid_disease",
        {
            "myalgia": "yes",
            "weakness": "yes",
            "creatine_kinase": "raised",
            "hypothyroid_symptoms": "yes",
        },
        "Gounden, Blockman (University of Cape Town), review abstract on hypothyroid myopathy and statin-induced myopathy (weakness, "
        "tenderness and pain with raised CK; the overlap with statin myopathy; TSH in every patient with myopathic symptoms), read at "
        "https://zhixidata.com/details/1/896189107 (a bibliographic mirror; journal and year not visible; no TSH value is stated, so none is given)",
        "hypothyroid myopathies can be distinguished from polymyositis by coexisting signs and symptoms of hypothyroidism such as delayed relaxation phase of the deep tendon reflexes",
    ),
    Case(
        "statin_myalgia_widespread_normal_ck",
        "drug_induced_cramps",
        {
            "med_statin": "yes",
            "myalgia": "yes",
            "creatine_kinase": "normal",
            "pain_location": "diffuse",
            "bilateral": "yes",
        },
        "Sultan Qaboos Univ Med J 2016;16(4):e406-15, doi:10.18295/squmj.2016.16.04.002, Table 1, Classification and spectrum of "
        "statin-associated muscle adverse events, myalgia row ('Unexplained muscle discomfort without CK elevation'), "
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC5135450/table/t1-squmj1611-e406-415 (widespread taken as diffuse)",
        "The pain is dull, aching, widespread and involves the trunk and proximal muscles. Calf and forearm pain is less common and is usually bilateral.",
    ),
    Case(
        "mcardle_contracture_not_relieved_by_stretching",
        "metabolic_myopathy",
        {"exercise_triggered": "yes", "exercise_contracture": "yes", "relief_by_stretching": "no"},
        "SeekhealthZ, McArdle disease (minimal exertion may cause muscle pain, contractures and rhabdomyolysis; contracture vs common "
        "neural cramps), https://www.seekhealthz.com/health/mcardle-disease (a health site summarising textbook text, weaker)",
        "During a muscle contracture, the muscle is electrically silent, and, unlike common neural cramps, cannot be improved with stretching or massage.",
    ),
    Case(
        "knee_osteoarthritis_crepitus_without_warmth",
        "arthritis",
        {
            "pain_location": "knee",
            "joint_abnormality": "yes",
            "leg_redness_warmth": "no",
            "presenting_complaint": "pain",
        },
        "BMJ Best Practice, Osteoarthritis, criteria: American College of Rheumatology criteria for osteoarthritis of the knee (crepitus and "
        "bony enlargement as joint abnormality; no palpable warmth; age over 50 spans two age bands, so no age is given), "
        "read through https://bibliotheek.ehb.be:2400/topics/en-us/192/criteria",
        "Knee pain plus at least 5 of the following 9 criteria: age >50 years; stiffness <30 minutes; crepitus; bony tenderness; bony enlargement; no palpable warmth",
    ),
    Case(
        "tennis_leg_medial_gastrocnemius_tear",
        "local_calf_pathology",
        {
            "presenting_complaint": "pain",
            "pain_location": "calf",
            "symptom_duration": "under_2_weeks",
            "unilateral_calf_swelling": "yes",
            "calf_tenderness": "yes",
        },
        "Ruptures of the Medial Gastrocnemius Tendon ('Tennis Leg'), review abstract at https://scholars.duke.edu/publication/1643984 "
        "(calf swelling, tenderness, ecchymosis; DVT as a differential to rule out; acute pain as under 2 weeks)",
        'Patients present with a chief complaint of acute pain in the calf, variably associated with a "snapping/popping" sound or sensation.',
    ),
    # Fifth batch: secondary muscle cramps in the populations where they are common (haemodialysis, cirrhosis,
    # pregnancy, diuretics, hypoparathyroidism, hypothyroidism, athletes, drugs with dechallenge, diabetic neuropathy,
    # ALS, CPT II deficiency); the gold is the cause the source names, with the cramps of dialysis, cirrhosis and
    # pregnancy held by nocturnal_leg_cramps (its node description: secondary cramp risk there is modelled as odds
    # ratios on it); fixed from the sources below before crampnet was run on any of them (blindness rule).
    Case(
        "intradialytic_cramps_on_haemodialysis",
        "nocturnal_leg_cramps",
        {"hemodialysis": "yes", "muscle_cramps": "yes"},
        "Muscle Cramps in Hemodialysis Patients (review), Jundishapur Sci Med J, https://jsmj.ajums.ac.ir/article_47296.html?lang=en; "
        "and Holley JL, Muscle cramps in dialysis patients, UpToDate, https://www.uptodate.com/contents/muscle-cramps-in-dialysis-patients "
        "(cramps most frequent near the end of treatments, from changes in plasma osmolality and/or extracellular volume: no "
        "electrolyte cause is named, so the gold is the cramp node that holds dialysis cramps, not electrolyte_disturbance)",
        "Muscle cramps occur in 33 to 86% of patients with end stage renal disease (ESRD) during hemodialysis (HD) ... They usually involve the muscles of the lower extremity",
    ),
    Case(
        "muscle_cramps_in_cirrhosis",
        "nocturnal_leg_cramps",
        {
            "cirrhosis": "yes",
            "muscle_cramps": "yes",
            "pain_location": "calf",
            "episode_duration": "seconds_to_minutes",
        },
        "Mehta SS, Fallon MB, Muscle cramps in liver disease, Clin Gastroenterol Hepatol 2013;11(11):1385-91, doi:10.1016/j.cgh.2013.03.017, "
        "https://linkinghub.elsevier.com/retrieve/pii/S1542-3565(13)00414-X (definition, and the first report: 88% of 33 patients "
        "with cirrhosis had more than 2 cramps in calf muscles within the prior week; mechanism unclear, no electrolyte cause named)",
        "Muscle cramps are defined as involuntary painful contractions at rest or during sleep of a muscle or muscle group that may last for seconds to minutes",
    ),
    Case(
        "calf_cramps_at_night_in_later_pregnancy",
        "nocturnal_leg_cramps",
        {
            "sex": "female",
            "pregnancy": "later_trimester",
            "muscle_cramps": "yes",
            "pain_location": "calf",
            "nocturnal": "yes",
            "episode_duration": "seconds_to_minutes",
        },
        "HSE (Health Service Executive, Ireland), Leg cramps during pregnancy, page last reviewed 20 September 2023, "
        "https://www2.hse.ie/conditions/leg-cramps-pregnancy/ (more likely at night; second and third trimesters; no specific cause)",
        "Leg cramps are painful spasms. They usually happen in your calf muscles or feet and can last up to 10 minutes. They are more likely to happen at night.",
    ),
    Case(
        "hypomagnesaemia_on_loop_diuretic",
        "electrolyte_disturbance",
        {"med_loop_diuretic": "yes", "magnesium": "low", "muscle_cramps": "yes", "weakness": "yes"},
        "CMDT, Hypomagnesemia (essentials of diagnosis: diuretics among its causes; weakness, muscle cramps; serum magnesium "
        "< 0.75 mmol/L), https://accessmedicine.mhmedical.com/content.aspx?bookid=2986&sectionid=251096478; the loop diuretic from "
        "https://www.alpfmedical.info/cardiac-output/sideeffects-irq.html ('Loop diuretics can induce ... hypokalemia, hypomagnesemia')",
        "Hypomagnesemia and hypokalemia share many etiologies, including Diuretics ... Weakness, muscle cramps ... Serum magnesium < 1.8 mg/dL (< 0.75 mmol/L)",
    ),
    Case(
        "hypoparathyroidism_perioral_and_hand_tingling_with_cramps",
        "electrolyte_disturbance",
        {
            "paresthesia": "yes",
            "upper_limb_involvement": "yes",
            "muscle_cramps": "yes",
            "tetany": "yes",
        },
        "Clinical Presentation of Hypoparathyroidism, Front Horm Res 2019;51:139-146, doi:10.1159/000491044, abstract at "
        "https://researchain.net/papers/10z99z1159w99w000491044 (the symptoms are those of hypocalcaemia; no calcium value is "
        "stated, so none is given; the hands from the tingling and the tetany of the hands)",
        "people with hypoparathyroidism can experience paresthesia, an unpleasant tingling sensation around the mouth and in the hands and feet, as well as muscle cramps and severe spasms known as tetany",
    ),
    Case(
        "hypothyroid_cramps_with_raised_ck",
        "thyroid_disease",
        {
            "muscle_cramps": "yes",
            "proximal_weakness": "yes",
            "bilateral": "yes",
            "creatine_kinase": "raised",
            "tsh": "high",
        },
        "Medscape, Hypothyroid Myopathy, Clinical Presentation, https://emedicine.medscape.com/article/313915-clinical (staging copy "
        "read at emedicine.staging.medscape.com), and Workup, https://emedicine.medscape.com/article/313915-workup ('Increased "
        "thyroid-stimulating hormone (TSH) is seen in primary hypothyroidism'; 'The creatine kinase level can be very high')",
        "Patients may complain of muscle cramping, proximal symmetrical muscle weakness, muscle stiffness, and exercise intolerance.",
    ),
    Case(
        "exercise_associated_cramp_in_a_two_joint_thigh_muscle",
        "exercise_associated_cramps",
        {
            "exertion_or_heat": "yes",
            "exercise_triggered": "yes",
            "muscle_cramps": "yes",
            "pain_location": "thigh",
        },
        "Miller KC, McDermott BP, Yeargin SW, Fiol A, Schwellnus MP, An evidence-based review of the pathophysiology, treatment, and "
        "prevention of exercise-associated muscle cramps, J Athl Train 2022;57(1):5-15, doi:10.4085/1062-6050-0696.20, "
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC8775277 (the quadriceps as the thigh)",
        "Exercise-associated muscle cramps (EAMCs) are painful, involuntary contractions of a skeletal muscle during or shortly after exercise ... (eg, quadriceps).",
    ),
    Case(
        "teriparatide_leg_cramps_with_dechallenge",
        "drug_induced_cramps",
        {
            "med_teriparatide": "yes",
            "muscle_cramps": "yes",
            "onset_after_new_drug": "yes",
            "improves_after_drug_stopped": "yes",
        },
        "Lilly Medical, Common adverse reactions with FORTEO (teriparatide) treatment (Forteo package insert 2012), "
        "https://www.lillymedical.com/en-us/answers/common-adverse-reactions-with-forteo-teriparatide-rdna-origin-injection-treatment-26358; "
        "onset after starting and dechallenge from Drug-induced muscle cramps, https://www.medicalalgorithms.com/drug-induced-muscle-cramps "
        "(teriparatide in its list; 'The onset of cramps or a worsening occurred after a drug was started. Discontinuation of the drug reduced the muscle cramping.')",
        "Additional common side effects observed with Forteo (teriparatide [rDNA origin] injection) treatment included (Forteo Package Insert, 2012): Leg cramps",
    ),
    Case(
        "raloxifene_leg_cramps",
        "drug_induced_cramps",
        {"sex": "female", "med_estrogen_or_raloxifene": "yes", "muscle_cramps": "yes"},
        "RxList, Evista (raloxifene hydrochloride) Side Effects Center, medical editor John P. Cunha, "
        "http://www.rxlist.com/evista-side-effects-drug-center.htm (used in postmenopausal women, so sex female)",
        "Evista (raloxifene hydrochloride) is used to treat or prevent osteoporosis in postmenopausal women. ... Common side effects include hot flashes, sweating, or leg cramps.",
    ),
    Case(
        "diabetic_neuropathy_with_cramps",
        "peripheral_neuropathy",
        {
            "diabetes": "yes",
            "muscle_cramps": "yes",
            "paresthesia": "yes",
            "weakness": "yes",
            "worse_evening": "yes",
            "pain_location": "foot",
        },
        "Toft DJ, Diabetic Neuropathy Symptoms (Patient Guide to Diabetic Neuropathy), EndocrineWeb, "
        "https://static.endocrineweb.com/guides/diabetic-neuropathy/diabetic-neuropathy-symptoms (feet most often affected; numbness "
        "and tingling as paresthesia; 'muscle cramping and/or twitching' taken as cramps only, the and/or leaving twitching unsure; "
        "'Symptoms get worse at night' as worse_evening)",
        "Peripheral neuropathy symptoms include: Pain ... Numbness (loss of feeling) Tingling Muscle weakness ... Muscle cramping and/or twitching ... Symptoms get worse at night.",
    ),
    Case(
        "als_first_symptoms_with_cramps_and_twitching",
        "motor_neuron_disease",
        {
            "weakness": "yes",
            "upper_limb_involvement": "yes",
            "bulbar_symptoms": "yes",
            "muscle_cramps": "yes",
            "fasciculations": "yes",
        },
        "National Institute of Neurological Disorders and Stroke, amyotrophic lateral sclerosis, as quoted at "
        "https://www.thinkgenetic.com/diseases/amyotrophic-lateral-sclerosis-1/symptoms/9366 (hands as the upper limb, slurred "
        "speech and trouble swallowing as bulbar symptoms, twitching as fasciculations)",
        "Most people with amyotrophic lateral sclerosis (ALS) initially notice weakness in their hands and legs, slurred or unclear speech, trouble swallowing ... and muscle problems (twitching, cramping",
    ),
    Case(
        "cpt2_myalgia_and_myoglobinuria_after_prolonged_exercise",
        "metabolic_myopathy",
        {"exercise_triggered": "yes", "myalgia": "yes", "myoglobinuria": "yes"},
        "MedLink Neurology, Carnitine palmitoyltransferase II deficiency (updated 22 March 2024), key points, "
        "https://www.medlink.com/articles/carnitine-palmitoyltransferase-ii-deficiency (the rhabdomyolysis implies a raised CK, "
        "which is inferred and so not entered; fasting has no vocabulary id)",
        "Carnitine palmitoyltransferase II deficiency frequently manifests with episodes of rhabdomyolysis after prolonged exercise and fasting leading to myoglobinuria and myalgia.",
    ),
    # Batch 6 (published case reports of individual patients: journal case reports, case letters, published
    # conference case abstracts and clinical case libraries), one or two for each of electrolyte disturbance,
    # thyroid myopathy, metabolic myopathy, periodic limb movements, venous disease, drug-induced cramps, secondary
    # RLS, peripheral neuropathy, spinal stenosis and akathisia; only what the report states is entered (no
    # imaging, EMG or NCS, polysomnography or biopsy); fixed from the sources below before crampnet was run on any
    # of them (blindness rule).
    Case(
        "ppi_hypomagnesaemia_with_paraesthesias_case",
        "electrolyte_disturbance",
        {
            "age": 75,
            "sex": "male",
            "presenting_complaint": "numbness_or_tingling",
            "paresthesia": "yes",
            "magnesium": 0.17,
            "calcium": 1.73,
            "potassium": 3.2,
            "med_proton_pump_inhibitor": "yes",
            "med_thiazide_diuretic": "no",
            "med_loop_diuretic": "no",
            "med_potassium_sparing_diuretic": "no",
            "chronic_kidney_disease": "no",
        },
        "Case abstract 54269, ESA-SRB 2018 Annual Scientific Meeting (Endocrine Society of Australia), omeprazole-associated "
        "hypomagnesaemia in a 75-year-old man (omeprazole 40 mg for years; 'not on diuretics' as no thiazide, loop or "
        "potassium-sparing diuretic; 'normal kidney function' as no CKD; corrected calcium and potassium in mmol/L as "
        "stated; 'distal extremity' does not say the hands, so no upper-limb entry), "
        "https://esa-srb-2018.p.asnevents.com.au/days/2018-08-20/abstract/54269",
        "severe hypomagnesaemia of 0.17mmol/L (range:0.70-1.05) and concomitant severe hypocalcaemia 1.73mmol/L (corrected calcium, range:2.15-2.55), with perioral and distal extremity paraesthesias",
    ),
    Case(
        "liquorice_hypokalaemia_leg_weakness_case",
        "electrolyte_disturbance",
        {
            "age": 46,
            "sex": "male",
            "presenting_complaint": "weakness",
            "weakness": "yes",
            "bilateral": "yes",
            "upper_limb_involvement": "no",
            "potassium": 2.6,
            "creatine_kinase": "raised",
            "tsh": "normal",
            "smoker": "yes",
            "med_antidepressant": "yes",
            "med_proton_pump_inhibitor": "yes",
        },
        "Case abstract P49, SFEBES 2013 (Society for Endocrinology BES), Endocrine Abstracts vol 31, Wirral University Teaching "
        "Hospital, liquorice-induced hypokalaemia and rhabdomyolysis (power 2/5 in the legs, 5/5 in the arms; CK 42 660 IU/l; "
        "fluoxetine and omeprazole among his drugs; 40 pack-years; heavy drinking only 'in the past', so no alcohol entry; "
        "the unnamed 'inhalers' give no beta-agonist entry), "
        "https://endocrine-abstracts.org/ea/0031/abstracts/poster-presentations/clinical-biochemistry/ea0031p49",
        "We report a 46-year-old gentleman who presented with acute onset bilateral leg weakness.",
    ),
    Case(
        "hoffmann_syndrome_leg_weakness_and_cramps_case",
        "thyroid_disease",
        {
            "age": 45,
            "sex": "male",
            "presenting_complaint": "weakness",
            "symptom_duration": 240,
            "weakness": "yes",
            "proximal_weakness": "yes",
            "bilateral": "yes",
            "muscle_cramps": "yes",
            "myalgia": "yes",
            "edema": "yes",
            "hypothyroid_symptoms": "yes",
            "bladder_bowel_dysfunction": "no",
            "cardiovascular_disease": "no",
            "diabetes": "no",
        },
        "Mangaraj S et al., Hoffman's syndrome - A rare facet of hypothyroid myopathy, J Neurosci Rural Pract 2014;5(4):447-448 "
        "(letter, case of a 45-year-old man; difficulty rising from squatting and climbing stairs as proximal weakness; "
        "'pain in muscles' as myalgia; mild pedal edema; generalized ichthyosis as dry skin; no hypertension or diabetes; "
        "8 months as 240 days; no TSH value was read, so none is given), "
        "https://ruralneuropractice.com/hoffmans-syndrome-a-rare-facet-of-hypothyroid-myopathy",
        "A 45-year-old male presented with complaints of weakness in lower limbs and easy fatigability for last 8 months.",
    ),
    Case(
        "hoffmann_syndrome_weakness_with_leg_oedema_case",
        "thyroid_disease",
        {
            "age": 34,
            "sex": "male",
            "weakness": "yes",
            "proximal_weakness": "yes",
            "edema": "yes",
            "bilateral": "yes",
            "creatine_kinase": "raised",
            "hypothyroid_symptoms": "no",
        },
        "A Rare Manifestation of Hypothyroid Myopathy: Hoffmann's Syndrome, Endocrinol Metab (Seoul) 2015;30(4):626-630, "
        "doi:10.3803/EnM.2015.30.4.626 (Korea University; abstract and figure 1: non-pitting edema of both lower legs; 'in "
        "the absence of overt manifestations of hypothyroidism' as no hypothyroid symptoms; two complaints, so no presenting "
        "complaint; 'profound' hypothyroidism without a TSH value, so none is given), "
        "https://e-enm.org/journal/view.php?viewtype=pubreader&number=1721",
        "we describe a 34-year-old male who presented with proximal muscle weakness and non-pitting edema of the lower extremities.",
    ),
    Case(
        "mcardle_legs_stiff_like_a_board_case",
        "metabolic_myopathy",
        {
            "age": 54,
            "sex": "male",
            "exercise_triggered": "yes",
            "exercise_contracture": "yes",
            "worse_evening": "no",
            "symptom_duration": "over_3_months",
        },
        "Leite A, Oliveira N, Rocha M, McArdle disease: a case report and review, Int Med Case Rep J 2012;5:1-4, case "
        "presentation as reproduced at https://www.physio-pedia.com/Case_Study_McArdle_Disease (lifelong fatigability "
        "as over 3 months; contractures triggered by climbing stairs and walking; 'no diurnal fluctuations' as not worse in "
        "the evening; stiffness relieved by rest is not claudication pain at a set distance, so no entry for it)",
        "He described a sensation of his legs becoming “stiff like a board” after walking for a while; this symptom was relieved by rest.",
    ),
    Case(
        "plmd_presenting_as_treatment_resistant_depression_case",
        "periodic_limb_movements",
        {
            "sex": "male",
            "med_antidepressant": "yes",
            "daytime_fatigue": "yes",
            "improves_with_dopaminergic": "yes",
        },
        "Gupta R, Kundu K, Khayyam K, Saini LK, Not what it seems to be: Depression versus periodic limb movement disorder, "
        "Indian J Psychiatry 2020;62:437-439, abstract (depression not responding to antidepressants; persistent fatigue read "
        "as chronic fatigue syndrome; the polysomnographic PLMs are left out; the ropinirole response is kept; 'sleep "
        "disturbances' do not say difficulty falling or staying asleep, so no insomnia entry; no leg complaint is stated), "
        "http://www.indianjpsychiatry.org/printarticle.asp?issn=0019-5545;year=2020;volume=62;issue=4;spage=437;epage=439;aulast=Gupta",
        "Based on sleep study data, diagnosis of periodic limb movement disorder was made and he was started on ropinirole, that improved his symptoms.",
    ),
    Case(
        "venous_insufficiency_unilateral_leg_swelling_case",
        "venous_insufficiency",
        {
            "age": 33,
            "sex": "female",
            "symptom_duration": 1460,
            "worse_evening": "yes",
            "edema": "yes",
            "unilateral_calf_swelling": "yes",
            "varicosities": "yes",
            "bilateral": "no",
            "pedal_pulses": "normal",
            "ulcer_or_gangrene": "no",
        },
        "Tracci MC, Armatas J, Unilateral Leg Swelling Secondary to Venous Insufficiency, presentation of a case in Clinical "
        "Scenarios in Vascular Surgery (Wolters Kluwer), read at https://thoracickey.com/unilateral-leg-swelling-secondary-to-venous-insufficiency "
        "(a case-based book chapter, weaker than a journal report; 4 years as 1460 days; 'most pronounced at the end of the "
        "day' as worse in the evening; edema of the left lower leg from midcalf to ankle as unilateral calf swelling; a "
        "large medial varicosity; right leg without symptoms; palpable pulses; 'no skin changes' as no ulcer; pain, "
        "swelling and heaviness together, so no single presenting complaint)",
        "A 33-year-old woman with no past medical history presents with pain, swelling, and heaviness of her left leg.",
    ),
    Case(
        "simvastatin_nocturnal_leg_cramps_case",
        "drug_induced_cramps",
        {
            "age": 74,
            "sex": "male",
            "presenting_complaint": "cramps",
            "muscle_cramps": "yes",
            "nocturnal": "yes",
            "exercise_triggered": "yes",
            "symptom_duration": 730,
            "med_statin": "yes",
            "improves_after_drug_stopped": "yes",
            "cardiovascular_disease": "yes",
            "smoker": "no",
        },
        "Simvastatin-induced nocturnal leg pain disappears with pravastatin substitution (case report; corresponding author "
        "R. Igic), Srp Arh Celok Lek 2013;141(5-6):387-389, doi:10.2298/SARH1306387S, read at "
        "https://vdocument.in/simvastatin-induced-nocturnal-leg-pain-disappears-with-.html (simvastatin 8 years, cramps for 2 "
        "years as 730 days, so no onset after a new drug; switched to pravastatin with the cramps gone, as improves after the "
        "drug was switched; past myocardial infarction and lipids above range; 'one or the other leg' gives no bilateral entry)",
        "A 74-year-old male, a nonsmoker, complained of severe nocturnal leg cramps. The patient also complained that similar painful cramping occurred when he walked rapidly or jogged.",
    ),
    Case(
        "simvastatin_leg_weakness_and_cramping_case",
        "drug_induced_cramps",
        {
            "age": 82,
            "sex": "male",
            "weakness": "yes",
            "muscle_cramps": "yes",
            "bilateral": "yes",
            "symptom_duration": 14,
            "med_statin": "yes",
            "onset_after_new_drug": "yes",
        },
        "Simvastatin-induced rhabdomyolysis, letter to the editor (case), Am J Emerg Med 2004, "
        "https://www.ajemjournal.com/article/S0735-6757(04)00059-2/fulltext (simvastatin started about 4 weeks earlier; "
        "'approximately 2 weeks' as 14 days; weakness and cramping together, so no single presenting complaint; no CK value "
        "was read, so none is given)",
        "An 82-year-old man presented to our emergency department with bilateral leg weakness and muscle cramping for approximately 2 weeks.",
    ),
    Case(
        "iron_deficiency_rls_nocturnal_restlessness_case",
        "restless_legs_syndrome",
        {
            "age": 35,
            "sex": "male",
            "presenting_complaint": "restlessness",
            "nocturnal": "yes",
            "worse_evening": "yes",
            "insomnia": "yes",
            "cardiovascular_disease": "yes",
        },
        "Iron deficiency anemia as a trigger for restless legs syndrome, poster abstract (case report, Australian general "
        "practice), as published by Medznat, https://www.medznat.ru/index.php/en/science/case-studies/iron-deficiency-anemia-as-a-trigger-for-restless-l "
        "(a republished poster abstract, weaker; 'particularly worse at night' as worse in the evening; 'fragmented sleep' as "
        "insomnia; dyslipidaemia as raised lipids; 'several months' has no number, so no duration; no ferritin value is "
        "stated, so none is given; tiredness is both denied and reported, so no fatigue entry)",
        "he reported experiencing nocturnal restlessness in his legs. Though he did not complain of tiredness, weakness, or any systemic symptoms commonly associated with anaemia",
    ),
    Case(
        "prediabetic_neuropathy_tingling_lower_legs_case",
        "peripheral_neuropathy",
        {
            "age": 58,
            "sex": "male",
            "presenting_complaint": "numbness_or_tingling",
            "symptom_duration": 120,
            "paresthesia": "yes",
            "bilateral": "yes",
            "sensory_loss": "yes",
            "ankle_reflex": "reduced",
            "knee_reflex": "normal",
            "weakness": "no",
            "back_pain": "no",
            "bladder_bowel_dysfunction": "no",
            "upper_limb_involvement": "no",
            "edema": "no",
            "smoker": "no",
            "alcohol_excess": "no",
            "cardiovascular_disease": "yes",
            "med_thiazide_diuretic": "yes",
        },
        "A Middle-Aged Man With Painful Dysesthesias in the Lower Limbs, Patient Care (case quiz, 9 March 2012; diabetic "
        "peripheral neuropathy with impaired fasting glucose or glucose tolerance), "
        "https://www.patientcareonline.com/view/middle-aged-man-painful-dysesthesias-lower-limbs (about 4 months as 120 days; "
        "decreased sensation below both knees; ankle jerks decreased, other reflexes normal; hypertension and high "
        "triglycerides; hydrochlorothiazide; drinks socially; no diabetes diagnosis is stated, so no diabetes entry)",
        "He is generally well but has been concerned for about 4 months about some tingling, numbness, and mild burning in his lower legs.",
    ),
    Case(
        "spinal_stenosis_progressive_pseudoclaudication_case",
        "lumbar_spinal_stenosis",
        {
            "age": 72,
            "sex": "male",
            "exercise_triggered": "yes",
            "symptom_duration": "over_3_months",
            "back_pain": "yes",
            "weakness": "no",
            "sensory_loss": "no",
            "ankle_reflex": "reduced",
            "knee_reflex": "reduced",
            "pedal_pulses": "normal",
            "bladder_bowel_dysfunction": "no",
            "cardiovascular_disease": "no",
            "diabetes": "no",
        },
        "Schwender JD, Progressive Pseudoclaudication in an Elderly Man, SpineUniverse Case Study Library, "
        "https://www.spineuniverse.com/professional/case-studies/schwender/progressive-pseudoclaudication-elderly-man "
        "(a surgeon's case library, weaker than a journal report; walking limited to 100 yards as exercise-triggered; "
        "'several years'; back pain VAS 5; motor intact; sensation grossly intact; 'absent reflexes' as reduced ankle and "
        "knee reflexes; good pulses; 'no medical co-morbidities' as no cardiovascular disease or diabetes; the EMG and MRI "
        "are left out)",
        "He presented with progressive pseudoclaudication over several years. Now, he's able to walk only 100 yards. There is no bowel/bladder dysfunction.",
    ),
    Case(
        "metoclopramide_akathisia_preoperative_case",
        "akathisia",
        {
            "age": 45,
            "sex": "male",
            "med_dopamine_antagonist": "yes",
            "onset_after_new_drug": "yes",
            "symptom_duration": "under_2_weeks",
            "whole_body_restlessness": "yes",
            "urge_to_move": "yes",
            "upper_limb_involvement": "yes",
        },
        "Chauhan G, Nayar P, Kashyap C, Metoclopramide-induced akathisia, J Anaesthesiol Clin Pharmacol 2012;28:548-9, "
        "doi:10.4103/0970-9185.101967 (letter, case; metoclopramide 10 mg IV 5 minutes before; restless with movements of "
        "arms and legs as restlessness of the whole body and the arms involved; 'a desire to move around' as urge to move; "
        "the midazolam response is left out), "
        "https://www.joacp.org/article.asp?issn=0970-9185;year=2012;volume=28;issue=4;spage=548;epage=549;aulast=Chauhan;type=3",
        "After 5 min, the patient developed an uneasy sensation, appeared restless and agitated, and exhibited movements of the arms and legs (crossing and uncrossing of the legs).",
    ),
    Case(
        "prochlorperazine_akathisia_during_chemotherapy_case",
        "akathisia",
        {
            "age": 26,
            "sex": "male",
            "presenting_complaint": "restlessness",
            "whole_body_restlessness": "yes",
            "malignancy": "yes",
            "med_dopamine_antagonist": "yes",
            "onset_after_new_drug": "yes",
            "improves_after_drug_stopped": "yes",
        },
        "Akathisia From Prochlorperazine, letter with report of a case (Payne Whitney Clinic, New York), JAMA "
        "1985;253(5):635, doi:10.1001/jama.1985.03350290037017 (stage IV lymphoma during chemotherapy as active cancer; "
        "prochlorperazine 10 mg IV every 6 hours; restlessness abated within three days of stopping it; 'jumping out of "
        "my skin' as restlessness of the whole body), http://jamanetwork.com/journals/jama/article-abstract/396578",
        "A 26-year-old man with multiple hospitalizations for chemotherapy of stage IV lymphoma experienced a severe subjective sense of restlessness and anxiety.",
    ),
    # Batch 7 (common causes as published cases): individual patients from open-access case reports and
    # published teaching cases of the common causes of a leg complaint, with the sparse information a real case
    # gives and, where the report discusses it, the mimic first considered; fixed from the sources below before
    # crampnet was run on any of them (blindness rule).
    Case(
        "nocturnal_leg_cramps_waking_from_rem_sleep_with_sleep_apnoea",
        "nocturnal_leg_cramps",
        {
            "age": 53,
            "sex": "female",
            "sleep_apnea": "yes",
            "muscle_cramps": "yes",
            "nocturnal": "yes",
            "pain_location": "calf",
            "episode_duration": "seconds_to_minutes",
            "relief_by_stretching": "yes",
            "relief_by_movement": "yes",
            "urge_to_move": "no",
        },
        "Prier J, Phipps K, Alattar M, 1223 REM-related leg cramps (case report abstract), Sleep 2024;47(Suppl 1), "
        "doi:10.1093/sleep/zsae067.01223, read at https://bohrium.dp.tech/paper/arxiv/5edc61933b5c84cdf90aa5e9c12b989d13c60726f1a04e1cfcc35452c2eae5fd "
        "(documented obstructive sleep apnoea; woke rubbing her calves, episodes of 3-5 minutes 'only relieved with movements "
        "or massage', walked about to relieve them; 'She denied symptoms of restless legs syndrome' taken as no urge to move; "
        "the polysomnographic PLM indices are left out; 'heart disease' is not said to be coronary, so no cardiovascular entry)",
        "Patient is a 53-year-old female reporting a history of waking from sleep with leg cramps.",
    ),
    Case(
        "nocturnal_leg_cramps_of_one_leg_for_three_years_with_varicose_veins",
        "nocturnal_leg_cramps",
        {
            "age": 54,
            "sex": "female",
            "presenting_complaint": "cramps",
            "muscle_cramps": "yes",
            "nocturnal": "yes",
            "bilateral": "no",
            "varicosities": "yes",
            "insomnia": "yes",
            "symptom_duration": 1095,
        },
        "Nocturnal Leg Cramps Treated with Shao Yao Gan Cao Tang: A Case Report, a Taiwanese Chinese-medicine journal, December 2020 "
        "issue (the authors' names are not shown in the stored airiti record), "
        "https://www.airitilibrary.com/Publication/Index?DocID=02119153-202012-202102030010-202102030010-25-34 (Chinese abstract: "
        "right-leg cramps at night for 3 years, sleep affected, varicose veins of the right calf spreading; she came to the clinic "
        "for the cramps; the response to a muscle relaxant and to the herbal treatment is left out)",
        "This case is about a 54-year-old female who suffer from nocturnal leg cramps for 3 years with increasing frequency of onset and pain intensity.",
    ),
    Case(
        "restless_legs_as_insomnia_with_crawling_legs_and_family_history",
        "restless_legs_syndrome",
        {
            "age": 35,
            "sex": "female",
            "insomnia": "yes",
            "symptom_duration": 365,
            "nocturnal": "yes",
            "uncomfortable_sensations": "yes",
            "relief_by_movement": "yes",
            "worse_at_rest": "yes",
            "daytime_fatigue": "yes",
            "family_history_rls": "yes",
            "smoker": "no",
            "alcohol_excess": "no",
            "med_proton_pump_inhibitor": "yes",
            "ferritin": 80,
        },
        "Rowley JA, Restless Leg Syndrome, case study, American Thoracic Society Sleep Education for Pulmonary Fellows and "
        "Practitioners (SRN ATS Committee), May 2015, "
        "https://thoracic.org/professionals/clinical-resources/sleep/sleep-modules/restless-leg-syndrome.php (restless while "
        "trying to fall asleep and on the couch, 'feels like something is crawling up them', better moving the legs; fatigued by "
        "day; father and brother with similar symptoms taken as a family history of RLS; omeprazole for GERD; ferritin 80; "
        "'feels restless and is constantly moving her legs' is not entered as an urge to move, which it does not name)",
        "AF is a 35 year old female who comes to your office with complaints of difficulty falling asleep at night for the last year.",
    ),
    Case(
        "restless_legs_mistaken_for_cramp_insomnia_and_sciatica",
        "restless_legs_syndrome",
        {
            "age": 45,
            "sex": "female",
            "nocturnal": "yes",
            "uncomfortable_sensations": "yes",
            "relief_by_movement": "yes",
            "insomnia": "yes",
            "daytime_fatigue": "yes",
            "symptom_duration": "over_3_months",
            "med_antidepressant": "yes",
        },
        "GP (Haymarket), Case study: strange pain and tingling in the lower legs (author not shown in the stored copy), "
        "https://www.gponline.com/case-study-strange-pain-tingling-lower-legs/neurology/neurology/article/596240 (sensations at night "
        "for some 20 years, waking several times a week and exhausted by 45, when she first told her GP; they 'only disappeared "
        "if she moved her legs'; called insomnia, cramp (quinine), anxiety and sciatica; later given temazepam and amitriptyline, "
        "the amitriptyline entered as an antidepressant taken; its worsening of the legs is a treatment response, left out)",
        "At the next consultation, Margaret mentioned the strange sensations she experienced at night, which she said were a mixture of a pain and a tickle.",
    ),
    Case(
        "claudication_of_one_calf_after_two_blocks_in_a_former_smoker",
        "peripheral_arterial_disease",
        {
            "age": 75,
            "sex": "female",
            "smoker": "yes",
            "cardiovascular_disease": "yes",
            "presenting_complaint": "pain",
            "pain_location": "calf",
            "bilateral": "no",
            "exercise_triggered": "yes",
            "exertional_pain_relieved_by_rest": "yes",
            "symptom_duration": 90,
            "pedal_pulses": "diminished",
            "ankle_brachial_index": 0.60,
            "potassium": "normal",
            "sodium": "normal",
        },
        "Aronow WS, Treating intermittent claudication caused by peripheral arterial disease (case report and brief review), "
        "Annals of Long-Term Care, December 2010, "
        "https://hmpgloballearningnetwork.com/site/altc/content/treating-intermittent-claudication-caused-peripheral-arterial-disease "
        "(left calf only; quit smoking 5 years before, so a smoker; reduced left popliteal, posterior tibial and dorsalis pedis "
        "pulses; left ABI 0.60; 'serum electrolytes' normal as potassium and sodium; total cholesterol 295 and LDL 160 mg/dL "
        "marked high as raised lipids; a fasting glucose of 155 and HbA1c of 8% are not called diabetes, so none is entered)",
        "A 75-year-old woman visits her physician because of a 3-month history of muscle pain in her left calf after walking two blocks. The pain is relieved by rest",
    ),
    Case(
        "buttock_claudication_masquerading_as_low_back_pain",
        "peripheral_arterial_disease",
        {
            "age": 49,
            "sex": "male",
            "smoker": "yes",
            "cardiovascular_disease": "yes",
            "back_pain": "yes",
            "pain_location": "buttock_or_hip",
            "bilateral": "no",
            "exercise_triggered": "yes",
            "exertional_pain_relieved_by_rest": "yes",
            "dermatomal_radiation": "no",
            "paresthesia": "no",
            "weakness": "no",
            "sensory_loss": "no",
            "ankle_reflex": "normal",
            "pedal_pulses": "absent",
            "ankle_brachial_index": 0.62,
        },
        "Villacorta J, Kortebein P, Peripheral arterial disease masquerading as low back pain (visual vignette), Am J Phys Med "
        "Rehabil 2012;91(12):1104-5, doi:10.1097/PHM.0b013e3182645db2, "
        "https://journals.lww.com/ajpmr/fulltext/2012/12000/Peripheral_Arterial_Disease_Masquerading_as_Low.13.aspx (referred for "
        "low back pain; a left gluteal/hip and thigh 'fatigue' after about 15 minutes' walking, resolving with rest; no radiation "
        "below, no lower limb neurologic symptoms, a normal lower limb neurologic examination; hypercholesterolaemia, "
        "hypertension, 70 pack-years; absent left pedal pulse; left ABI 0.62; the referral was for back pain and the newer pain "
        "bothered him more, so no presenting complaint is given)",
        "The patient reported chronic mild axial lumbar region pain with a more recent onset of left gluteal/hip and thigh region pain, with the latter being more bothersome.",
    ),
    Case(
        "painful_dysesthesias_of_the_lower_legs_in_a_middle_aged_man",
        "peripheral_neuropathy",
        {
            "age": 58,
            "sex": "male",
            "presenting_complaint": "numbness_or_tingling",
            "paresthesia": "yes",
            "symptom_duration": 120,
            "bilateral": "yes",
            "back_pain": "no",
            "weakness": "no",
            "bladder_bowel_dysfunction": "no",
            "upper_limb_involvement": "no",
            "smoker": "no",
            "alcohol_excess": "no",
            "cardiovascular_disease": "yes",
            "med_thiazide_diuretic": "yes",
            "edema": "no",
            "sensory_loss": "yes",
            "ankle_reflex": "reduced",
            "knee_reflex": "normal",
        },
        "Patient Care, A middle-aged man with painful dysesthesias in the lower limbs (teaching case, 9 March 2012; author not "
        "shown in the stored copy), https://www.patientcareonline.com/view/middle-aged-man-painful-dysesthesias-lower-limbs (about 4 "
        "months of tingling, numbness and mild burning in the lower legs; no back pain, muscle weakness, bowel or bladder change "
        "or arm symptoms; non-smoker, drinks socially; hypertension 15 years and high triglycerides; hydrochlorothiazide; no "
        "edema; decreased sensation below both knees, strength normal, ankle jerks decreased, other reflexes normal; a fasting "
        "glucose of 102 mg/dL 18 months before is not called diabetes, so none is entered)",
        "He is generally well but has been concerned for about 4 months about some tingling, numbness, and mild burning in his lower legs.",
    ),
    Case(
        "disc_herniation_with_one_sided_back_and_leg_pain_worse_sitting",
        "lumbar_radiculopathy",
        {
            "age": 31,
            "sex": "male",
            "presenting_complaint": "pain",
            "back_pain": "yes",
            "bilateral": "no",
            "worse_at_rest": "yes",
        },
        "Howell ER, Conservative management of a 31 year old male with left sided low back and leg pain: a case report, J Can "
        "Chiropr Assoc 2012;56(3):225-32, http://www.chiro.org/Low_Back_Pain/Conservative_Management_of_a_31.shtml (abstract: a "
        "left L5-S1 disc herniation; 'exacerbated by prolonged sitting' as worse at rest; '3-4 months' straddles the 3-month "
        "band edge, so no duration is given; the imaging is left out)",
        "A 31-year-old male recreational worker presented with left sided low back and leg pain for the previous 3-4 months that was exacerbated by prolonged sitting.",
    ),
    Case(
        "herniated_lumbar_disc_presenting_as_calf_cramping",
        "lumbar_radiculopathy",
        {
            "age": 46,
            "sex": "female",
            "muscle_cramps": "yes",
            "pain_location": "calf",
        },
        "Langfitt T, Bushnell B, Herniated lumbar disc presenting as isolated calf tetany (case report), Austin Sports Med "
        "2016;1(1):1001, https://austinpublishinggroup.com/sports-medicine/fulltext/asm-v1-id1001.php (abstract: 'after several "
        "reasonable but ultimately incorrect diagnoses', Achilles tendinitis among its keywords; only the calf pain and "
        "cramping are stated, and 'calf pain and cramping' is two complaints, so no presenting complaint is given)",
        "A 46 year-old female presented to a sports medicine clinic with an isolated complaint of gradually worsening calf pain and cramping.",
    ),
    Case(
        "hip_arthritis_presenting_as_knee_pain",
        "arthritis",
        {
            "age": 68,
            "sex": "male",
            "presenting_complaint": "pain",
            "pain_location": "knee",
            "bilateral": "no",
            "symptom_duration": 180,
        },
        "Lam S, Amies V, Hip arthritis presenting as knee pain, BMJ Case Rep 2015 (unusual presentation of more common "
        "disease), read at https://docksci.com/hip-arthritis-presenting-as-knee-pain_5a6327c9d64ab23bea741cae.html (left knee pain "
        "after a fall in the garden, in a man with a left knee replacement; a fourth attendance in 6 months; maximal pain on "
        "internal rotation of the hip, which is not a joint swelling, crepitus or deformity and so is not entered; the X-rays "
        "are left out)",
        "A 68-year-old man with a history of left total knee replacement presented to his general practitioner with left knee pain.",
    ),
    Case(
        "heat_cramps_in_a_junior_tennis_player",
        "exercise_associated_cramps",
        {
            "age": 17,
            "sex": "male",
            "exertion_or_heat": "yes",
            "exercise_triggered": "yes",
            "muscle_cramps": "yes",
            "sodium": "normal",
            "potassium": "normal",
            "calcium": "normal",
            "magnesium": "normal",
        },
        "Bergeron MF, Heat cramps during tennis: a case report, Int J Sport Nutr 1996;6(1):62-8, doi:10.1123/ijsn.6.1.62, as "
        "summarised at https://parentingaces.com/articles/if-you-cant-stand-the-heat/ (a weaker, secondary copy: heat cramps "
        "during match play; medical history and earlier examinations normal; 'his blood work showed normal levels of all "
        "minerals and nutrients' as normal sodium, potassium, calcium and magnesium)",
        "One case study from March 1996 looked at a 17-year-old, nationally ranked, male tennis player who had been suffering from heat cramps during match play.",
    ),
    Case(
        "ruptured_bakers_cyst_with_a_red_warm_swollen_calf",
        "local_calf_pathology",
        {
            "age": 69,
            "sex": "male",
            "presenting_complaint": "swelling",
            "symptom_duration": 5,
            "unilateral_calf_swelling": "yes",
            "bilateral": "no",
            "leg_redness_warmth": "yes",
            "calf_tenderness": "yes",
            "joint_abnormality": "yes",
        },
        "Mifsud CS, Ganzhorn J, Weinstock MB, Garrison GM, Westby E, Ruptured Baker cyst is an uncommon complication of a common "
        "diagnosis: a case report, J Urgent Care Med 2025;19(10):11-15, "
        "https://www.jucm.com/ruptured-baker-cyst-is-an-uncommon-complication-of-a-common-diagnosis-a-case-report (abstract: DVT "
        "the mimic considered; significant calf swelling, ecchymosis and tenderness; 'a palpable mass in the posterior knee' as "
        "a swelling at the knee; osteoarthritis in his history, not an examination finding, so not entered; the ultrasound is "
        "left out)",
        "A 69-year-old male presented with 5 days of unilateral leg swelling with associated pain, warmth, and erythema.",
    ),
    Case(
        "dvt_in_a_young_marathon_athlete_first_called_a_calf_strain",
        "deep_vein_thrombosis",
        {
            "age": 21,
            "sex": "male",
            "presenting_complaint": "pain",
            "pain_location": "calf",
            "bilateral": "no",
            "d_dimer": "raised",
        },
        "Theiss JL et al., Deep vein thrombosis in a young marathon athlete (resident's case problem), J Orthop Sports Phys Ther "
        "2011;41(12):942-7, doi:10.2519/jospt.2011.3823, abstract at http://www.ncbi.nlm.nih.gov/pubmed/22146368 (left calf pain "
        "first taken for a calf strain, better, then back 4 weeks later; the D-dimer was raised; the compression ultrasound is "
        "left out; the current problem's length is unclear across the two visits, so no duration is given)",
        "A 21-year-old athletic male college student presented to a direct-access physical therapy clinic with complaints of left calf pain 4 days in duration.",
    ),
    Case(
        "acute_limb_ischaemia_as_sudden_foot_pain_in_a_diabetic",
        "acute_limb_ischemia",
        {
            "age": 42,
            "sex": "male",
            "diabetes": "yes",
            "cardiovascular_disease": "yes",
            "presenting_complaint": "pain",
            "pain_location": "foot",
            "bilateral": "no",
            "symptom_duration": 4,
            "rest_pain": "yes",
            "relief_by_dependency": "yes",
            "exertional_pain_relieved_by_rest": "no",
            "cold_pale_limb": "yes",
            "pedal_pulses": "absent",
            "sensory_loss": "yes",
            "weakness": "yes",
        },
        "May AN, Hardy E, Fulde G, An ischaemic leg: what is at the heart of the problem? (GP emergency management), Medicine "
        "Today (Cardiology), October 2017, "
        "https://cardiology.medicinetoday.com.au/2017/october/regular-series/ischaemic-leg-what-is-at-heart-of-problem (type 2 "
        "diabetes and hypercholesterolaemia; severe constant pain to mid-calf waking him, only partly relieved by dependency; no "
        "claudication before; foot pale and cool, mottled dusky toes; no posterior tibial or dorsalis pedis pulse; weak fanning "
        "of the toes as weakness; less sensation in the right foot beyond a known neuropathy)",
        "Mr NP has come to see you today with right foot pain that had a sudden onset four days ago.",
    ),
)

# Cases crampnet gets wrong, by name, with what it gives instead (a strict xfail; the case itself
# stays as it is). None at the first run of batch 1: all 27 golds were in the first three and flagged.
# Batch 2 (15 cases): one miss at its first run. Batch 3 (14 must-not-miss cases): seven missed at its first run,
# six not in the first three and three not flagged (two of them both). Batch 4 (14 look-alike cases): one miss at its
# first run, not in the first three. Batch 5 (12 secondary-cramp cases): none missed at its first run, all 12 golds in the
# first three (the ALS case also flagged); the closest were hypoparathyroidism (electrolyte_disturbance first at P 0.435,
# restless_legs_syndrome P 0.434) and raloxifene (drug_induced_cramps second, P 0.178). Batch 6 (14 published case
# reports): two missed at its first run, both Hoffmann-syndrome hypothyroid myopathy, not in the first three; 8 of
# the 14 golds were first and the other four in the first three were second.
# Batch 7 (14 common causes as published cases): two missed at its first run, both not in the first three (a disc
# herniation told only as calf cramping, and a young athlete's DVT, which is flagged by the Wells rule); the other 12
# golds were first.
XFAIL_TOP3: dict[str, str] = {
    "thyrotoxic_myopathy": (
        "crampnet gives motor_neuron_disease (P 0.547), lumbar_radiculopathy (P 0.346), peripheral_neuropathy (P 0.250); "
        "thyroid_disease is 4th (P 0.164, expected disablement 0.10): limb-girdle weakness and wasting with a normal CK "
        "is read as motor neuron disease (flagged), with no fasciculation or upper motor neuron sign entered"
    ),
    "isolated_distal_dvt_calf_pain_without_edema": (
        "crampnet gives nocturnal_leg_cramps (P 0.797), local_calf_pathology (P 0.282), exercise_associated_cramps (P 0.099); "
        "deep_vein_thrombosis is 7th of 21 (P 0.0087): age under 40 counts x0.16 and 'edema: no' x0.36 against DVT, which calf "
        "tenderness (x8.2) does not offset; without the edema entry DVT is P 0.023. At the first run (edema link 0.97, "
        "corrected from Goodacre 2005 in session 32) 'edema: no' counted x0.029 and DVT was 18th at P 0.0007"
    ),
    "acute_on_chronic_limb_ischaemia_as_new_claudication": (
        "crampnet gives peripheral_arterial_disease (P 0.374), exercise_associated_cramps (P 0.258), "
        "lumbar_radiculopathy (P 0.274); acute_limb_ischemia is 11th (P 0.032, flagged at the test level with "
        "critical_limb_ischemia and deep_vein_thrombosis): claudication of a few days reads as chronic PAD"
    ),
    "ischaemic_rest_numbness_relieved_by_pendency": (
        "crampnet gives peripheral_neuropathy (P 0.768), nocturnal_leg_cramps (P 0.727), restless_legs_syndrome "
        "(P 0.173); critical_limb_ischemia is 4th (P 0.066, flagged at the test level): relief by dependency counts "
        "x39 for it, the complaint of numbness x0.13"
    ),
    "mnd_cramps_and_fasciculations_first": (
        "crampnet gives electrolyte_disturbance (P 0.438), nocturnal_leg_cramps (P 0.758), lumbar_spinal_stenosis "
        "(P 0.174); motor_neuron_disease is 4th (P 0.090, flagged at the test level by the MND red flag tool): "
        "cramps as the presenting complaint count x0.27 against it"
    ),
    "progressive_muscular_atrophy": (
        "crampnet gives peripheral_neuropathy (P 0.725), lumbar_radiculopathy (P 0.420), restless_legs_syndrome "
        "(P 0.330); motor_neuron_disease is 6th (P 0.026) though flagged urgent by the Gold Coast rule (wasting "
        "with the arms involved); no sensory finding is entered, and the absent hyperreflexia counts x0.30"
    ),
    "primary_lateral_sclerosis": (
        "crampnet gives thyroid_disease (P 0.076), nocturnal_leg_cramps (P 0.656), venous_insufficiency (P 0.285); "
        "motor_neuron_disease is 18th of 21 (P 0.003, not flagged): hyperreflexia counts x23 but no fasciculations "
        "x0.19, from a prior of 0.0009; the node is the cramp-fasciculation-weakness picture, not pure UMN disease"
    ),
    "statin_myalgia_widespread_normal_ck": (
        "crampnet gives venous_insufficiency (P 0.591), restless_legs_syndrome (P 0.373), nocturnal_leg_cramps (P 0.666); "
        "drug_induced_cramps is 14th of 21 (P 0.128, as for a statin alone): myalgia counts x1.00 for it, since statin "
        "myalgia is a direct med_statin -> myalgia link (0.03, ctt_2022) that bypasses the condition, but x2.08 for venous "
        "insufficiency (judgment link 0.25), and bilateral x1.81 for it; the statin itself counts x1.65"
    ),
    "hoffmann_syndrome_leg_weakness_and_cramps_case": (
        "crampnet gives motor_neuron_disease (P 0.519, flagged), venous_insufficiency (P 0.877), lumbar_spinal_stenosis "
        "(P 0.399); thyroid_disease is 5th of 21 (P 0.141): proximal weakness counts x2.12 for it, myalgia x1.84, weakness "
        "x1.31, cramps x1.11, the myxoedema features (hypothyroid_symptoms) only x1.05, edema x0.95 and male sex x0.49, "
        "while proximal weakness counts x35 for motor neuron disease, the complaint of weakness x12 and weakness x8.1; the "
        "node is mostly subclinical disease, so its links for overt myopathy (proximal weakness 0.03, weakness 0.04, "
        "hypothyroid symptoms 0.02) are small"
    ),
    "hoffmann_syndrome_weakness_with_leg_oedema_case": (
        "crampnet gives metabolic_myopathy (P 0.393), venous_insufficiency (P 0.684), peripheral_neuropathy (P 0.328); "
        "thyroid_disease is 6th of 21 (P 0.094): proximal weakness counts x2.93 for it, raised CK x1.84, edema x1.24 and "
        "weakness x1.22, against age under 40 x0.35 and male sex x0.49, while metabolic myopathy gets proximal weakness "
        "x18.9 and raised CK x10.8 and venous insufficiency edema x4.9"
    ),
    "herniated_lumbar_disc_presenting_as_calf_cramping": (
        "crampnet gives nocturnal_leg_cramps (P 0.911), drug_induced_cramps (P 0.133), restless_legs_syndrome (P 0.154); "
        "lumbar_radiculopathy is 7th of 21 (P 0.152, expected disablement 0.02): muscle cramps count x0.99 for it and the "
        "calf x0.79, so only the age band (40 to 64, x1.32) moves it; no link carries cramps from a nerve root, and the "
        "abstract states no back pain, radiation, straight leg raise or neurological sign"
    ),
    "dvt_in_a_young_marathon_athlete_first_called_a_calf_strain": (
        "crampnet gives nocturnal_leg_cramps (P 0.669), lumbar_radiculopathy (P 0.120), local_calf_pathology (P 0.058); "
        "deep_vein_thrombosis is 8th of 21 (P 0.0045, expected disablement 0.01), though flagged urgent by the Wells rule "
        "(score 0 with a raised D-dimer): age under 40 counts x0.12 and a presenting complaint of pain x0.62 against it, "
        "which the raised D-dimer (x2.3) and the calf (x1.39) do not offset; no swelling, tenderness or edema is stated"
    ),
}
XFAIL_FLAGGED: dict[str, str] = {
    "isolated_distal_dvt_calf_pain_without_edema": (
        "no red flag at all: deep_vein_thrombosis P 0.0087 against its testing threshold of 0.013, after 'edema: no' (x0.36); "
        "without that entry it is P 0.023 and flagged at the test level (at the first run, with the edema link 0.97: P 0.0007)"
    ),
    "mnd_leg_onset_weakness_with_back_pain": (
        "only acute_limb_ischemia is flagged (test level, P 0.016): motor_neuron_disease is 3rd at P 0.029, under its "
        "testing threshold of 0.105, behind lumbar_radiculopathy (P 0.752); one weak leg with back pain and no "
        "wasting or fasciculation entered does not meet the MND red flag rules"
    ),
    "primary_lateral_sclerosis": (
        "only deep_vein_thrombosis is flagged (test level, P 0.020, near its prior 0.023): motor_neuron_disease "
        "P 0.003 against its testing threshold of 0.105; upper motor neuron signs alone raise no MND flag"
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
    """Check that every case names a condition, uses vocabulary ids and states, and quotes at most 200 characters."""
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))
    nodes = model.spec.nodes
    aliases = {alias: nid for nid, node in nodes.items() for alias in node.aliases}
    for case in CASES:
        assert nodes[case.gold].role == "condition", case.name
        assert len(case.quote) <= 200, case.name
        assert "http" in case.source, case.name
        for key, state in case.evidence.items():
            node = aliases.get(key, key)
            assert node in nodes, (case.name, key)
            if isinstance(state, str):
                assert state in nodes[node].states, (case.name, node, state)


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
