"""Published figures the shipped network must reproduce; each test names its source.

Expected ranges come from the seeds and the literature named in each
docstring, never from crampnet's output. Each figure is checked in the
population where it was measured: these are general-population figures, so
the tests use the file's own priors (``population="adults"``), not the
default population (adults presenting with a leg complaint; see
tests/test_framing.py for the presenting population).
"""

from __future__ import annotations

import pytest

import crampnet

HENING_XFAIL = pytest.mark.xfail(
    strict=True,
    reason=(
        "0.1 reached this figure by calibrating the mimic links jointly (issue 12, cause 2); 0.2 scales nocturnal "
        "cramps' links to the share of sufferers with cramps in the past month (grandner_2017: 0.45 in 0.2, the mild "
        "24-25% alone; 0.555 since s16, mild plus moderate-severe 30-31%), which carried most of it, and the network "
        "now gives about 0.09 (0.085 in non-RLS people with a relative with RLS, the population of the test since session 23; 0.086 without the family history since the neuropathy links of session 19; 0.081 before; 0.07 with 0.45). The figure was measured in non-RLS relatives of RLS probands by questionnaire; "
        "what carries it there (correlated questionnaire answers, a subthreshold RLS-like state) is not modelled yet"
    ),
)


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    """The shipped network in the general adult population, where these figures were measured."""
    return crampnet.load(population="adults")

RLS_CRITERIA = {"urge_to_move": "yes", "worse_at_rest": "yes", "relief_by_movement": "yes", "worse_evening": "yes"}


def test_nlc_prevalence_allen_kirby_2012(model):
    """Check P(nocturnal_leg_cramps) with no evidence in [0.50, 0.60]: "50 to 60 percent of adults" (seed 002; Allen & Kirby, AFP 2012)."""
    assert 0.50 <= model.posteriors({})["nocturnal_leg_cramps"] <= 0.60


#: Hening 2009's population: relatives of people with RLS (a family study), judged not to have RLS by an expert.
HENING_POPULATION = {"restless_legs_syndrome": "absent", "family_history_rls": "yes"}


@HENING_XFAIL
def test_rls_criteria_mimics_hening_2009(model):
    """Check P(all four RLS criteria | no RLS, a relative with RLS) = 0.16 +/- 0.02: 126 of 788 non-RLS relatives met all four (seeds 000, 003; Hening 2009)."""
    p = model.probability(RLS_CRITERIA, given=HENING_POPULATION)
    assert p == pytest.approx(126 / 788, abs=0.02)


def test_rls_criteria_mimics_agree_with_pgmpy(model, pgmpy_probability):
    """Check P(all four RLS criteria | no RLS) against an independent pgmpy joint query over the four criteria."""
    p = pgmpy_probability(model.network, RLS_CRITERIA, {"restless_legs_syndrome": "absent"})
    assert model.probability(RLS_CRITERIA, given={"restless_legs_syndrome": "absent"}) == pytest.approx(p, abs=1e-9)


@HENING_XFAIL
def test_rls_criteria_mimics_hening_2009_by_pgmpy(model, pgmpy_probability):
    """Check the Hening 2009 16% figure, in its population, by an independent pgmpy joint query over the four criteria."""
    p = pgmpy_probability(model.network, RLS_CRITERIA, HENING_POPULATION)
    assert p == pytest.approx(0.16, abs=0.02)


def test_plm_in_rls_montplaisir_1997(model):
    """Check P(periodic_limb_movements | RLS) in [0.80, 0.90]: PLMS in 80% of RLS patients (seed 003; Montplaisir 1997)."""
    p = model.probability({"periodic_limb_movements": "present"}, given={"restless_legs_syndrome": "present"})
    assert 0.80 <= p <= 0.90
    assert model.posteriors({"restless_legs_syndrome": "present"})["periodic_limb_movements"] == pytest.approx(p, abs=1e-12)


def test_plm_in_rls_montplaisir_1997_by_pgmpy(model):
    """Check the Montplaisir 1997 PLM figure with pgmpy VariableElimination directly."""
    from pgmpy.inference import VariableElimination

    factor = VariableElimination(model.network).query(
        ["periodic_limb_movements"], evidence={"restless_legs_syndrome": "present"}, show_progress=False
    )
    p = float(factor.get_value(periodic_limb_movements="present"))
    assert 0.80 <= p <= 0.90
    assert model.posteriors({"restless_legs_syndrome": "present"})["periodic_limb_movements"] == pytest.approx(p, abs=1e-9)


def test_pad_rises_with_age_selvin_2004_ostchega_2007(model):
    """Check P(PAD | 65_plus) > P(PAD | under_40) and lies in [0.07, 0.25] (Selvin 2004: 14.5% at >=70; Ostchega 2007: 12.2% at >=60)."""
    old = model.posteriors({"age_group": "65_plus"})["peripheral_arterial_disease"]
    young = model.posteriors({"age_group": "under_40"})["peripheral_arterial_disease"]
    assert old > young
    assert 0.07 <= old <= 0.25


def test_rls_prevalence_rest_study(model):
    """Check RLS prevalence in adults (no evidence) in [0.03, 0.12] (REST general-population study: 7.2%)."""
    assert 0.03 <= model.posteriors({})["restless_legs_syndrome"] <= 0.12


def test_rls_in_later_pregnancy_chen_2018(model):
    """Check P(RLS | pregnancy later_trimester) in [0.15, 0.35] (Chen 2018 meta-analysis: 22% in pregnancy)."""
    p = model.posteriors({"pregnancy": "later_trimester"})["restless_legs_syndrome"]
    assert 0.15 <= p <= 0.35


def test_rls_on_hemodialysis_zhou_2024(model):
    """Check P(RLS | hemodialysis) in [0.15, 0.35] (Zhou 2024 meta-analysis: 27.2% on hemodialysis)."""
    p = model.posteriors({"hemodialysis": "yes"})["restless_legs_syndrome"]
    assert 0.15 <= p <= 0.35


def test_rls_pregnancy_and_dialysis_raise_rls(model):
    """Check that later pregnancy and hemodialysis raise RLS above the adult prevalence (Chen 2018; Zhou 2024; REST)."""
    base = model.posteriors({})["restless_legs_syndrome"]
    assert model.posteriors({"pregnancy": "later_trimester"})["restless_legs_syndrome"] > base
    assert model.posteriors({"hemodialysis": "yes"})["restless_legs_syndrome"] > base


def test_cramps_later_vs_first_trimester_duan_2018(model):
    """Check P(cramps | later_trimester) > P(cramps | first_trimester): cramps rise through pregnancy (Duan 2018)."""
    later = model.posteriors({"pregnancy": "later_trimester"})["nocturnal_leg_cramps"]
    first = model.posteriors({"pregnancy": "first_trimester"})["nocturnal_leg_cramps"]
    assert later > first


def test_cramps_commoner_in_the_elderly_seed_002(model):
    """Check P(cramps | 65_plus) > P(cramps | under_40): "higher prevalence in elderly patients" (seed 002; Naylor & Young 1994)."""
    old = model.posteriors({"age_group": "65_plus"})["nocturnal_leg_cramps"]
    young = model.posteriors({"age_group": "under_40"})["nocturnal_leg_cramps"]
    assert old > young


#: Garrison 2012 (Arch Intern Med 172:120-126), adjusted sequence ratios of quinine starts (treated nocturnal
#: cramps) after a drug start, with their 95% CIs (evidence rows 192-196).
GARRISON_2012 = {
    "med_potassium_sparing_diuretic": (2.12, 1.61, 2.78),
    "med_thiazide_diuretic": (1.48, 1.29, 1.68),
    "med_loop_diuretic": (1.20, 1.00, 1.44),
    "med_statin": (1.16, 1.04, 1.29),
    "med_beta_agonist": (2.42, 2.02, 2.89),
}


@pytest.mark.parametrize("drug", sorted(GARRISON_2012))
def test_drug_cramp_association_garrison_2012(model, drug):
    """Check the total odds ratio of reported cramps for each Garrison drug against its sequence ratio's 95% CI.

    The sequence ratio is odds-ratio-like (the file's note on row 191). The
    network carries a drug's effect on cramps by every path (directly
    through drug-induced cramps, and for diuretics through electrolyte
    disturbance, for statins through exercise cramps), so the figure to
    compare is the total: odds of ``muscle_cramps = yes`` with the drug over
    the odds without it, among adults.
    """
    _, low, high = GARRISON_2012[drug]
    with_drug = model.probability({"muscle_cramps": "yes"}, given={drug: "yes"})
    without = model.probability({"muscle_cramps": "yes"}, given={drug: "no"})
    odds_ratio = (with_drug / (1 - with_drug)) / (without / (1 - without))
    assert low <= odds_ratio <= high, (drug, odds_ratio)


def test_dvt_point_prevalence_van_der_velde_2011(model):
    """P(DVT) among adults is the point prevalence the intercept was derived from (about 2 per 1000 a year, 3 months each).

    The intercept is given as this prevalence and the loader solves the
    reference person's baseline against the file's priors (age included).
    """
    assert model.probability({"deep_vein_thrombosis": "present"}) == pytest.approx(0.0005, rel=0.02)


def test_dvt_rises_with_age_heit_2006(model):
    """DVT by age band among adults follows the Olmsted County curve: the rate doubles about every 10.4 years.

    Heit 2006: VTE incidence 'ranging from 4 to 1110 per 100,000 for age
    groups 0-19 to 90-110 years', a factor 278 over about 8.5 decades. At
    the bands' mean ages (about 28.5, 52 and 75) that is 2^(23.5 / 10.4) =
    4.8 and 2^(46.5 / 10.4) = 22 against under 40. The figure is the
    network's crude ratio, as the incidence study's is.
    """
    young, middle, old = (
        model.probability({"deep_vein_thrombosis": "present"}, given={"age_group": band})
        for band in ("under_40", "40_to_64", "65_plus")
    )
    assert middle / young == pytest.approx(2 ** (23.5 / 10.4), rel=0.05)
    assert old / young == pytest.approx(2 ** (46.5 / 10.4), rel=0.05)


def test_dvt_old_against_working_age_population_studies(model):
    """65 and over against 18-64: between the 65-74 and 85+ ratios of Naess and Spencer (Thrombosis J 2014, Table 3).

    VTE per 100,000 a year: Naess 63 (20-64) against 252 (65-74) and 680
    (85+); Spencer 58 (under 65) against 336 and 781: ratios from 4.0 to 13.5.
    """
    shares = {"under_40": 0.3836, "40_to_64": 0.4046}
    working = sum(
        shares[band] * model.probability({"deep_vein_thrombosis": "present"}, given={"age_group": band}) for band in shares
    ) / sum(shares.values())
    old = model.probability({"deep_vein_thrombosis": "present"}, given={"age_group": "65_plus"})
    assert 4.0 <= old / working <= 781 / 58, old / working


def test_thyroid_by_age_hollowell_2002(model):
    """Thyroid dysfunction among adults by age band: about 2.4%, 5.4% and 12.4% (Hollowell 2002: TSH > 4.5 about 2%, 5%, 12%, plus TSH < 0.1 in 0.4% of the disease-free population)."""
    for band, expected in (("under_40", 0.024), ("40_to_64", 0.054), ("65_plus", 0.124)):
        got = model.probability({"thyroid_disease": "present"}, given={"age_group": band})
        assert got == pytest.approx(expected, abs=0.005), (band, got)


def test_thyroid_commoner_in_women_whickham_1977(model):
    """The odds ratio of thyroid dysfunction, women against men, is the Whickham survey's for raised TSH: 7.5% of women, 2.8% of men."""
    women = model.probability({"thyroid_disease": "present"}, given={"sex": "female"})
    men = model.probability({"thyroid_disease": "present"}, given={"sex": "male"})
    odds_ratio = (women / (1 - women)) / (men / (1 - men))
    assert odds_ratio == pytest.approx((0.075 / 0.925) / (0.028 / 0.972), rel=0.05)


def test_rls_rises_with_age_phillips_2000(model):
    """RLS among adults rises from under 40 to 40-64 as restless legs symptoms did in Kentucky (3% at 18-29, 10% at 30-79).

    With the census shares of 18-29 and 30-39 among adults under 40 (0.549,
    0.451), under 40 is 6.2% against 10%: an odds ratio of 1.69. At 65 and
    over the two Kentucky figures are mixed by the census share of 80+ among
    people of 65 and over (12,922,165 of 54,058,263 = 0.239): 12.2%, an odds
    ratio of 2.09, between the 30-79 and the 80+ figures.
    """
    young, middle, old = (
        model.probability({"restless_legs_syndrome": "present"}, given={"age_group": band})
        for band in ("under_40", "40_to_64", "65_plus")
    )
    odds = [p / (1 - p) for p in (young, middle, old)]
    assert odds[1] / odds[0] == pytest.approx((0.10 / 0.90) / (0.062 / 0.938), rel=0.05)
    assert (0.10 / 0.90) / (0.062 / 0.938) <= odds[2] / odds[0] <= (0.19 / 0.81) / (0.062 / 0.938)
    old_share = 12_922_165 / 54_058_263
    over_65 = (1 - old_share) * 0.10 + old_share * 0.19
    assert odds[2] / odds[0] == pytest.approx((over_65 / (1 - over_65)) / (0.062 / 0.938), rel=0.05)


def test_neuropathic_symptoms_in_critical_ischemia_weinberg_2001(model):
    """Check P(paresthesia | CLI) between 11/19 and 16/19: numbness in 58% of 19 critically ischaemic feet, 16% free of neuropathic symptoms.

    Weinberg DH et al., Neurology 2001;57:1008-1012 (abstract): 'rest pain
    (58%), numbness (58%), burning (42%), and paresthesias (37%) in the
    ischemic foot ... Only three patients (16%) were free of neuropathic
    symptoms'. The finding (numbness, tingling or burning) is a union: at
    least the numbness share, at most the share with any neuropathic symptom.
    """
    p = model.probability({"paresthesia": "yes"}, given={"critical_limb_ischemia": "present"})
    assert 11 / 19 <= p <= 16 / 19


def test_bladder_symptoms_before_als_diagnosis(model):
    """Check P(bladder or bowel dysfunction | MND) under 0.104, the Wilson upper limit of 2/66 (3.1% before an ALS diagnosis).

    J Neurol Sci 2021;427:117543 (PMID 34182195, abstract): 'the prevalence of
    overactive bladder symptoms increased from 3.1% prior to 25.0% after the
    diagnosis of ALS' in 66 ALS clinic patients; the share before diagnosis is
    the one that matches a first presentation.
    """
    p = model.probability({"bladder_bowel_dysfunction": "yes"}, given={"motor_neuron_disease": "present"})
    assert p <= 0.104


def test_back_pain_in_primary_care_sciatica_konstantinou_2019():
    """Check P(back pain | lumbar radiculopathy) at least 0.807 among adults presenting with a leg complaint.

    ATLAS (Konstantinou 2019, 429 UK primary-care sciatica patients, Table 2):
    current back pain 5.4 (SD 2.7) and 6.3 (2.6) on 0-10 in the 372 not
    referred and the 57 referred. A score with mean m and standard deviation s
    is above zero with probability at least m^2 / (m^2 + s^2)
    (Cauchy-Schwarz); pooled m = 5.520, E[X^2] = 37.75, so at least 0.807.
    """
    presenting = crampnet.load()
    mean = (372 * 5.4 + 57 * 6.3) / 429
    second = (372 * (5.4**2 + 2.7**2) + 57 * (6.3**2 + 2.6**2)) / 429
    p = presenting.probability({"back_pain": "yes"}, given={"lumbar_radiculopathy": "present"})
    assert p >= mean**2 / second
    assert mean**2 / second == pytest.approx(0.807, abs=0.001)


def test_hypocalcaemia_in_primary_care_results_acb_2020(model):
    """Check P(calcium low) among adults within 0.8-3.7%, the range over 15 UK laboratories' primary-care results (mean 1.7%).

    Ann Clin Biochem 2020;57(4):300-311 (doi:10.1177/0004563220931876,
    abstract): 'reduced the prevalence of hypocalcaemia (mean 1.7%, range
    0.8-3.7%)' with community-specific adjusted-calcium equations.
    """
    assert 0.008 <= model.probability({"calcium": "low"}) <= 0.037


def test_radiculopathy_by_age_nhg_m55(model):
    """Check P(radiculopathy | 40-64) / P(radiculopathy | under 40) in adults within 1.49-2.50, around NHG M55's 1.95.

    NHG-Standaard M55 (Huisarts Wet 2005;48:171): new lumbosacral radicular
    syndromes in Dutch general practice 9 per 1000 a year at all ages, 16 at
    45-64 and about 11 after 65, rare in young adults; prevalence follows the
    same age trend. With the Dutch 2001 age structure (OECD: 0-14 0.1862,
    15-44 0.4293, 45-64 0.2482, 65+ 0.1363) and children about nil, the 15-44
    rate is the rest of the all-ages rate; the range is the published figures
    rounded by 0.5 either way (session 29, helper s29-mndage).
    """
    young = (9 - 0.2482 * 16 - 0.1363 * 11) / 0.4293
    assert 16 / young == pytest.approx(1.95, abs=0.01)
    under_40 = model.probability({"lumbar_radiculopathy": "present"}, given={"age_group": "under_40"})
    middle = model.probability({"lumbar_radiculopathy": "present"}, given={"age_group": "40_to_64"})
    older = model.probability({"lumbar_radiculopathy": "present"}, given={"age_group": "65_plus"})
    assert 1.49 <= middle / under_40 <= 2.50
    assert 1.0 <= older / under_40 <= 1.88
    assert older < middle  # 'Na het 65e levensjaar ligt de incidentie rond de 11 per 1000'


def test_claudication_without_pad_mcdermott_1999_and_spain(model):
    """Check P(typical claudication | no PAD) at 65 and over in [0.025, 0.046]: 4 of 105 practice controls without PAD (McDermott 1999) and 37 of 1,094 outpatients without PAD (PMID 19524189, computed from 7.2% overall and 17.8% of 393 with PAD), 41 of 1,199 pooled, exact 95% interval.

    Before session 31 the network gave 0.081: the measured figure, which holds every cause but PAD, was
    its leak, and the judged venous and arthritis links were counted on top of it.
    """
    p = model.probability({"exertional_pain_relieved_by_rest": "yes"}, given={"age_group": "65_plus", "peripheral_arterial_disease": "absent"})
    assert 0.025 <= p <= 0.046
