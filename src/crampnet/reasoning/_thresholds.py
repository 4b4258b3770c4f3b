"""Testing thresholds of the must-not-miss conditions, after Pauker & Kassirer (1980).

A must-not-miss condition is flagged when its posterior reaches its
*testing threshold*: the probability above which doing the first-line test
(and treating or referring if it is positive) costs less expected harm than
doing nothing (Pauker SG, Kassirer JP. The threshold approach to clinical
decision making. N Engl J Med 1980;302:1109-1117). With the benefit of
treating a case set to 1, ``harm`` the net harm of treating a non-case and
``test_risk`` the harm (risk, burden) of the test itself, in the same unit:

    T = ((1 - spec) * harm + test_risk) / ((1 - spec) * harm + sens)

(no test: expected harm ``p``; test: ``test_risk + p (1 - sens) +
(1 - p)(1 - spec) harm``; :math:`T` is the ``p`` where they are equal).
The 1980 paper was not read here: the formula is the one restated with these
parameters in Newman & Kohn's *Evidence-Based Diagnosis* (chapter 2; the
parameters were read on the authors' regret calculator,
ebd-2.net/regret-calculator) and re-derived above.

Every input names its source, or says ``judgment`` with the reason and a
plausible range. The accuracies are published; the harms are judgments,
because no source read here states them in this unit. :data:`THRESHOLDS`
holds them, one :class:`TestingThreshold` per condition, with the sentence
saying what rules the condition out; a must-not-miss condition without an
entry falls back to :data:`DEFAULT_THRESHOLD`.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._thresholds import THRESHOLDS, pauker_kassirer, testing_thresholds
>>> model = crampnet.load()
>>> sorted(testing_thresholds(model)) == sorted(model.must_not_miss)
True
>>> round(pauker_kassirer(sensitivity=1.0, specificity=1.0, harm=0.1, test_risk=0.01), 4)
0.01
>>> round(THRESHOLDS["deep_vein_thrombosis"].value, 4)
0.0135
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crampnet.exceptions import InvalidValueError
from crampnet.network.evidence import show
from crampnet.reasoning._probability_hint import probability_hint
from crampnet.reasoning.notes import GEERSING_2014, PULMONARY_EMBOLISM, RCOG_37B

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["DEFAULT_THRESHOLD", "PAUKER_KASSIRER", "REACH_RTOL", "THRESHOLDS", "Input", "TestingThreshold", "compared_percent", "compared_percents", "pauker_kassirer", "reaches", "test_treatment", "testing_thresholds"]

#: Posterior at or above which a must-not-miss condition without its own threshold is flagged (judgment: the 0.1 release's figure).
DEFAULT_THRESHOLD = 0.10
#: The method and where its formula was read.
PAUKER_KASSIRER = (
    "Pauker SG, Kassirer JP. N Engl J Med 1980;302:1109-1117 (testing threshold; formula as restated in "
    "Newman TB, Kohn MA, Evidence-Based Diagnosis, ch. 2, parameters read at ebd-2.net/regret-calculator)"
)

def compared_percent(p: float) -> str:
    """A probability as the flags, the report and the CLI show it beside a threshold: two decimals of percent under 10%.

    The testing thresholds lie between 0.69% and 10.5%, so one decimal would
    show a probability of 1.34% and DVT's threshold of 1.35% alike, or 1.36%
    as "1.4%" beside critical limb ischemia's 1.37%, unflagged.

    Parameters
    ----------
    p : float
        The probability, from 0 to 1.

    Returns
    -------
    str
        The percent with two decimals below 10% as rounded, with one from
        there up, and a ``%`` sign; ``"<0.01%"`` for a probability above 0
        that would read 0.00%, ``">99.9%"`` for one below 1 that would read
        100.0%.

    Examples
    --------
    >>> from crampnet.reasoning._thresholds import compared_percent
    >>> compared_percent(0.0134), compared_percent(0.0135), compared_percent(0.4567)
    ('1.34%', '1.35%', '45.7%')

    A probability above 0 never reads as zero, one below 1 never as 100%,
    and the number of decimals follows the percent as shown (0.09999 is
    "10.0%", as 0.1 is):

    >>> compared_percent(0.00001), compared_percent(0.0), compared_percent(0.09999), compared_percent(0.99999)
    ('<0.01%', '0.00%', '10.0%', '>99.9%')
    """
    text = f"{p:.2%}" if round(100 * p, 2) < 10 else f"{p:.1%}"
    if p > 0 and text == "0.00%":
        return "<0.01%"
    return ">99.9%" if p < 1 and text == "100.0%" else text


def compared_percents(p: float, threshold: float) -> tuple[str, str]:
    """A probability and the threshold it is compared to, as :func:`compared_percent` shows them, told apart when under it.

    At or above the threshold the two read that way at any precision (the
    rounding keeps the order). Under it they can round alike ("10.5%"
    beside motor neuron disease's threshold of 10.48%, or "1.35%" beside
    DVT's of 1.3478%), which reads as at the threshold and so flagged: then
    both are given with more decimals until the probability reads under it.

    Parameters
    ----------
    p : float
        The probability.
    threshold : float
        The threshold it is compared to.

    Returns
    -------
    tuple of (str, str)
        The probability and the threshold as percents; under the threshold
        the first reads lower than the second.

    Examples
    --------
    >>> from crampnet.reasoning._thresholds import compared_percents
    >>> compared_percents(0.1046, 0.104753), compared_percents(0.0502, 0.0135)
    (('10.46%', '10.48%'), ('5.02%', '1.35%'))
    """
    shown, limit = compared_percent(p), compared_percent(threshold)
    places = len(shown.rstrip("%").partition(".")[2])
    while not reaches(p, threshold) and shown == limit and places < 15:
        places += 1
        shown, limit = f"{p:.{places}%}", f"{threshold:.{places}%}"
    if p > 0 and shown[0].isdigit() and float(shown.rstrip("%")) == 0:  # a probability above 0 never reads as zero
        shown = f"<{10.0 ** -places:.{places}f}%"
    return shown, limit


#: Relative tolerance of "at or above a threshold" (judgment): a posterior this close
#: under a threshold reaches it, so float rounding in inference (0.09999999999999998
#: for a leak of 0.1) never leaves a condition unflagged at its threshold; inference
#: errs by about 1e-15 relative, and 1e-9 of a threshold is no clinical difference.
REACH_RTOL = 1e-9


def reaches(p: float, threshold: float) -> bool:
    """Whether a probability is at or above a threshold, within :data:`REACH_RTOL` of it.

    Every comparison of a posterior with a must-not-miss threshold (the red
    flags, the must-not-miss table, the next questions' crossings and the
    percents shown beside a threshold) reads this one rule, so they agree
    (the crossings compare arrays with the same :data:`REACH_RTOL`).

    Parameters
    ----------
    p : float
        The probability.
    threshold : float
        The threshold, in (0, 1].

    Returns
    -------
    bool
        True if ``p`` is at or above ``threshold`` less its tolerance.

    Examples
    --------
    >>> from crampnet.reasoning._thresholds import reaches
    >>> reaches(0.09999999999999998, 0.1), reaches(0.0999, 0.1), reaches(0.2, 0.1)
    (True, False, True)
    """
    return bool(p >= threshold * (1.0 - REACH_RTOL))


GOODACRE_US_2005 = "Goodacre S et al. BMC Med Imaging 2005;5:6, Table 2 (compression ultrasound vs venography, 22 cohorts)"
AHA_ABI_2016 = "2016 AHA/ACC Guideline on the management of patients with lower extremity peripheral artery disease. Circulation 2017;135(12):e726-e779, PMC5477786 https://pmc.ncbi.nlm.nih.gov/articles/PMC5477786 (resting ABI <= 0.90 vs imaging: sensitivity 68-84%, specificity 84-99%)"
GOLD_COAST_META = "Von Quednow E et al., AAN 2025 abstract 003199: meta-analysis of 4 studies, 2,696 patients, Gold Coast criteria sensitivity 94.3%, specificity 82.4% (95% CI 35.3-97.6%)"


@dataclass(frozen=True)
class Input:
    """One input of a threshold: its value and its source (or ``judgment: reason; range``)."""

    value: float
    source: str


@dataclass(frozen=True)
class TestingThreshold:
    """The testing threshold of one condition, with every input and what would rule the condition out.

    Attributes
    ----------
    test : str
        The first-line test (or referral) the threshold is about.
    sensitivity, specificity : Input
        Its accuracy.
    harm : Input
        Net harm of treating (or referring) a non-case, with the benefit of treating a case = 1.
    test_risk : Input
        Harm of doing the test, same unit.
    rule_out : str
        What would rule the condition out, in one sentence.
    rule_out_source : str
        Where that sentence comes from.
    rule_out_cite : str
        The same source cited short (authors or body and year), for a display
        that gives the rule-out one line; the full citation stays in
        ``rule_out_source``.
    """

    test: str
    sensitivity: Input
    specificity: Input
    harm: Input
    test_risk: Input
    rule_out: str
    rule_out_source: str
    rule_out_cite: str

    @property
    def value(self) -> float:
        """The testing threshold (:func:`pauker_kassirer` of the inputs)."""
        return pauker_kassirer(sensitivity=self.sensitivity.value, specificity=self.specificity.value, harm=self.harm.value, test_risk=self.test_risk.value)

    @property
    def treatment(self) -> float:
        """The test-treatment threshold (:func:`test_treatment` of the inputs): above it, act without waiting for the test."""
        return test_treatment(sensitivity=self.sensitivity.value, specificity=self.specificity.value, harm=self.harm.value, test_risk=self.test_risk.value)


def pauker_kassirer(*, sensitivity: float, specificity: float, harm: float, test_risk: float) -> float:
    """The testing threshold: the probability above which testing beats doing nothing.

    Parameters
    ----------
    sensitivity, specificity : float
        Of the test, in (0, 1].
    harm : float
        Net harm of treating a non-case, relative to the net benefit of treating a case (finite, >= 0).
    test_risk : float
        Harm of the test itself, same unit (finite, >= 0).

    Returns
    -------
    float
        ``((1 - specificity) * harm + test_risk) / ((1 - specificity) * harm + sensitivity)``, at most 1.

    Raises
    ------
    InvalidValueError
        If an accuracy is outside (0, 1] or a harm is negative or infinite; an
        accuracy given as a percentage (90) or as text (``"0.9"``) gets the hint
        of the other probability arguments (``probability_hint``: "pass 0.9").

    Examples
    --------
    >>> round(pauker_kassirer(sensitivity=0.9, specificity=0.9, harm=0.5, test_risk=0.0), 4)
    0.0526
    """
    for name, value in (("sensitivity", sensitivity), ("specificity", specificity)):
        if not _real(value) or not 0.0 < value <= 1.0:
            msg = f"The '{name}' of a testing threshold must be a number in (0, 1]. Got {show(value)} instead.{probability_hint(value)}"
            raise InvalidValueError(msg)
    for name, value in (("harm", harm), ("test_risk", test_risk)):
        if not _real(value) or not 0.0 <= value < math.inf:  # inf * (1 - specificity 1) is NaN, which min() read as 1
            msg = f"The '{name}' of a testing threshold must be a finite number, 0 or more. Got {show(value)} instead."
            raise InvalidValueError(msg)
    false_positive = (1.0 - specificity) * harm
    return min(1.0, (false_positive + test_risk) / (false_positive + sensitivity))


def _real(value: object) -> bool:
    """Whether ``value`` is a real number (not a bool), which the comparisons of a threshold need."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def test_treatment(*, sensitivity: float, specificity: float, harm: float, test_risk: float) -> float:
    """The test-treatment threshold: the probability above which acting at once beats testing first.

    Acting on everyone costs ``(1 - p) harm``; testing costs ``test_risk +
    p (1 - sens) + (1 - p)(1 - spec) harm``; they are equal at
    ``(spec * harm - test_risk) / (spec * harm + 1 - sens)`` (Pauker &
    Kassirer 1980, the upper of their two thresholds). Between the testing
    threshold and this one, the first-line test decides; above it, the
    condition is acted on (treated or referred) at once.

    Parameters
    ----------
    sensitivity, specificity, harm, test_risk : float
        As for :func:`pauker_kassirer`.

    Returns
    -------
    float
        The threshold, never below the testing threshold of the same inputs;
        the testing threshold itself where acting never costs more than
        testing (a test of sensitivity 1 and a harm of 0).

    Examples
    --------
    >>> round(test_treatment(sensitivity=0.9, specificity=0.9, harm=0.5, test_risk=0.0), 4)
    0.8182
    """
    low = pauker_kassirer(sensitivity=sensitivity, specificity=specificity, harm=harm, test_risk=test_risk)
    act = specificity * harm
    if act + 1.0 - sensitivity <= 0.0:  # sensitivity 1, harm 0: acting costs nothing and testing test_risk (0/0 before)
        return low
    return max(low, min(1.0, (act - test_risk) / (act + 1.0 - sensitivity)))


_ABI_SENS = Input(0.76, f"{AHA_ABI_2016}; midpoint of 68-84% (a stand-in: no accuracy of the bedside Doppler pulse check was read)")
_ABI_SPEC = Input(0.915, f"{AHA_ABI_2016}; midpoint of 84-99%")

#: The threshold of each must-not-miss condition of the shipped network, with its inputs.
THRESHOLDS: dict[str, TestingThreshold] = {
    "deep_vein_thrombosis": TestingThreshold(
        test="compression ultrasound (after a D-dimer when DVT is unlikely)",
        sensitivity=Input(0.903, f"{GOODACRE_US_2005}: compression only, all DVT, 90.3% (88.4-92.0)"),
        specificity=Input(0.978, f"{GOODACRE_US_2005}: compression only, 97.8% (97.0-98.4)"),
        harm=Input(0.1, "judgment: three months of anticoagulation in a non-case (major bleeding) against the pulmonary embolism and death it prevents in a case; range 0.05-0.2"),
        test_risk=Input(0.01, "judgment: no bodily risk; stands for the burden, cost and delay of a same-day scan, as a share of the benefit of treating one DVT; range 0.005-0.02"),
        rule_out=(
            "Wells <= 1 with a normal D-dimer (3-month VTE risk 1.2%, Geersing 2014), or a negative compression ultrasound (failure rate 1.0-1.9%, "
            "Kraaijpoel 2020). With symptoms of pulmonary embolism neither is enough: the embolism is assessed in its own right (NICE CG144). "
            "In pregnancy the Wells score is not validated and the D-dimer rises normally: a compression duplex ultrasound decides (RCOG Green-top 37b)."
        ),
        rule_out_source=f"{GEERSING_2014}; Kraaijpoel N et al. PLoS One 2020;15:e0228788; {PULMONARY_EMBOLISM}; {RCOG_37B}",
        rule_out_cite="Geersing 2014; Kraaijpoel 2020; NICE CG144; RCOG Green-top 37b",
    ),
    "acute_limb_ischemia": TestingThreshold(
        test="pedal pulses with a handheld Doppler or the ankle-brachial index, and emergency vascular referral if the signals are absent or reduced",
        sensitivity=_ABI_SENS,
        specificity=_ABI_SPEC,
        harm=Input(0.05, "judgment: an emergency referral and imaging (and perhaps heparin) in a non-case against limb loss or death prevented in a case; range 0.02-0.1"),
        test_risk=Input(0.001, "judgment: a bedside pulse and Doppler check, harmless and taking minutes; range 0.0005-0.005"),
        rule_out="A warm limb of normal colour with normal pedal pulses and no new neurological deficit (none of the six Ps, ESVS 2020).",
        rule_out_source="Björck M et al. ESVS 2020 guidelines on acute limb ischaemia, Eur J Vasc Endovasc Surg 2020;59:173-218 (six Ps, as summarised by EVTODAY, 7 January 2020)",
        rule_out_cite="Björck 2020, ESVS guidelines",
    ),
    "critical_limb_ischemia": TestingThreshold(
        test="ankle-brachial index (toe pressure if the arteries are incompressible), and urgent vascular referral if it is abnormal",
        sensitivity=_ABI_SENS,
        specificity=_ABI_SPEC,
        harm=Input(0.1, "judgment: an urgent vascular referral and imaging in a non-case against amputation prevented in a case (25-30% amputated within a year: Davies MG. Methodist Debakey Cardiovasc J 2012;8(4):10-14, PMID 23342182); range 0.05-0.2"),
        test_risk=Input(0.002, "judgment: the ABI is harmless and takes 15 minutes; range 0.001-0.005"),
        rule_out="Normal ankle-brachial index and toe pressures: the Global Vascular Guidelines require objective haemodynamic testing to assess CLTI.",
        rule_out_source="Conte MS et al. Global Vascular Guidelines on CLTI, J Vasc Surg 2019;69(6S):3S-125S (abstract)",
        rule_out_cite="Conte 2019, Global Vascular Guidelines",
    ),
    "motor_neuron_disease": TestingThreshold(
        test="neurology referral with electromyography (Gold Coast criteria)",
        sensitivity=Input(0.943, GOLD_COAST_META),
        specificity=Input(0.824, GOLD_COAST_META),
        harm=Input(0.5, "judgment: a wrong MND diagnosis is devastating while early treatment gains little (no cure), so the harm of acting on a false positive is large against the benefit; range 0.25-1"),
        test_risk=Input(0.02, "judgment: EMG discomfort, weeks of waiting and the fear the referral raises; range 0.01-0.05"),
        rule_out="No upper with lower motor neuron signs in one region and no lower motor neuron signs in two regions, on a neurologist's examination with EMG (Gold Coast criteria).",
        rule_out_source="Shefner JM et al. Clin Neurophysiol 2020;131:1975-1978 (Gold Coast criteria, read as box 1 of Turner MR, Pract Neurol 2022, doi:10.1136/practneurol-2021-003256)",
        rule_out_cite="Shefner 2020, Gold Coast criteria",
    ),
}


def testing_thresholds(model: BaseModel) -> dict[str, float]:
    """The testing threshold of each must-not-miss condition of ``model``.

    Parameters
    ----------
    model : BaseModel
        The compiled model.

    Returns
    -------
    dict of str to float
        Condition id to the posterior at or above which it is flagged: its
        :data:`THRESHOLDS` value, or :data:`DEFAULT_THRESHOLD` for a
        condition without one.

    Examples
    --------
    >>> import crampnet
    >>> thresholds = testing_thresholds(crampnet.load())
    >>> thresholds["acute_limb_ischemia"] < thresholds["motor_neuron_disease"]
    True
    """
    return {cond: THRESHOLDS[cond].value if cond in THRESHOLDS else DEFAULT_THRESHOLD for cond in model.must_not_miss}
