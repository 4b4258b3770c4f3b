"""A table entry below the smallest full-precision float is refused in one form, whatever the node's model.

Each network here is tiny and written as TOML text; each expected value is
worked out here in exact rational arithmetic (:class:`fractions.Fraction`)
from the numbers in that text, never from crampnet's table builder.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

import pytest

import crampnet

HEAD = """schema = "crampnet-network/1"
name = "underflow"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
"""

#: 1 - 2**-53 as the file writes it.
NEAR = 0.9999999999999999

#: A finding with 19 condition parents and a noisy-OR whose leak and links are all ``NEAR``.
_LINKS = ", ".join(f'{{ parent = "c{i}", state = "present", value = {NEAR!r}, source = "s" }}' for i in range(19))
NOISY_OR = "".join(f'\n[nodes.c{i}]\nrole = "condition"\nstates = ["present", "absent"]\ncpd = {{ model = "noisy_or", leak = {{ value = 0.5, source = "s" }} }}\n' for i in range(19)) + (
    f'\n[nodes.f]\nrole = "finding"\nstates = ["yes", "no"]\ncpd = {{ model = "noisy_or", leak = {{ value = {NEAR!r}, source = "s" }}, links = [{_LINKS}] }}\n'
)

#: A noisy-MAX finding whose "normal" each of two causes gives with probability ``{low}`` only.
NOISY_MAX = """
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.3, source = "s" }} }}
[nodes.e]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.4, source = "s" }} }}
[nodes.p]
role = "finding"
states = ["normal", "diminished", "absent"]
[nodes.p.cpd]
model = "noisy_max"
leak = {{ probabilities = {{ normal = 1.0, diminished = 0.0, absent = 0.0 }}, source = "s" }}
links = [
  {{ parent = "c", state = "present", probabilities = {{ normal = {low}, diminished = 0.5, absent = 0.5 }}, source = "s" }},
  {{ parent = "e", state = "present", probabilities = {{ normal = {low}, diminished = 1.0, absent = 0.0 }}, source = "s" }},
]
"""

#: A mixture finding whose "b" only a link of weight 1e-200 (beside a leak of 1e200) gives.
MIXTURE = """
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.1, source = "s" } }
[nodes.f]
role = "finding"
states = ["a", "b"]
[nodes.f.cpd]
model = "mixture"
leak = { weight = 1e200, probabilities = { a = 1.0, b = 0.0 }, source = "s" }
links = [{ parent = "c", state = "present", weight = 1e-200, probabilities = { a = 0.0, b = 1.0 }, source = "s" }]
"""

#: A logistic condition of baseline 1e-200 with an odds ratio of 1e-200 under x = yes.
LOGISTIC = """
[nodes.x]
role = "context"
states = ["yes", "no"]
prior = { probabilities = { yes = 0.5, no = 0.5 }, source = "s" }
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "logistic", intercept = { baseline = 1e-200, source = "s" }, odds_ratios = [{ parent = "x", state = "yes", value = 1e-200, source = "s" }] }
"""


def _sci(x: Fraction) -> str:
    """``x`` written as ``m e k`` with three significant digits, ``1 <= m < 10`` (worked out exactly)."""
    k = len(str(x.numerator)) - len(str(x.denominator))  # within one of the exponent, corrected below
    while x < Fraction(10) ** k:
        k -= 1
    while x >= Fraction(10) ** (k + 1):
        k += 1
    m = f"{float(x / Fraction(10) ** k):.3g}"
    if m == "10":  # 9.995 and up round to the next power of ten
        m, k = "1", k + 1
    return f"{m}e{k}"


def _refusal(tmp_path: Path, body: str) -> str:
    path = tmp_path / "underflow.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError) as caught:
        crampnet.load(path)
    return str(caught.value)


#: The noisy-MAX's "normal" under both causes: the product of the causes' 1e-200.
_LOW = Fraction(1e-200)
#: The logistic's odds under x = yes, then its probability.
_ODDS = Fraction(1e-200) / (1 - Fraction(1e-200)) * Fraction(1e-200)

CASES = {
    "noisy_or": (NOISY_OR, "f", "no", ", ".join(f"c{i} = present" for i in range(19)), (1 - Fraction(NEAR)) ** 20),
    "noisy_max": (NOISY_MAX.format(low="1e-200"), "p", "normal", "c = present, e = present", _LOW * _LOW),
    "mixture": (MIXTURE, "f", "b", "c = present", Fraction(1e-200) / (Fraction(1e200) + Fraction(1e-200))),
    "logistic": (LOGISTIC, "d", "present", "x = yes", _ODDS / (1 + _ODDS)),
}


@pytest.mark.parametrize("model", sorted(CASES))
def test_an_entry_below_the_smallest_float_is_refused_in_one_form_for_every_model(tmp_path, model):
    """Check that each of the four models refuses its lost entry in the same words: node, state and parent states, the exact value as m e-k, then the remedy.

    The four checks each wrote their own message: the noisy-OR put "(the
    product of one minus each)" and the logistic "(log-odds -921.034)"
    between the value and "below 2.23e-308", the noisy-MAX and mixture
    nothing.
    """
    body, node, state, given, exact = CASES[model]
    assert exact < Fraction(2.2250738585072014e-308)
    form = (
        rf"{re.escape(str(tmp_path / 'underflow.toml'))}: nodes\.{node}\.cpd: the [a-z ]+ make P\({node} = {state} \| {re.escape(given)}\) {re.escape(_sci(exact))}, "
        r"below 2\.23e-308, the smallest float with full precision: no table can hold it\. (?P<remedy>[A-Z].*[a-z0-9])"
    )
    message = _refusal(tmp_path, body)
    assert re.fullmatch(form, message), message


def test_a_logistic_entry_below_the_smallest_float_names_its_log_odds(tmp_path):
    """Check that the logistic's refusal still gives the log-odds where the intercept and odds ratio meet, now in its remedy: ln(1e-200 / (1 - 1e-200)) + ln(1e-200)."""
    log_odds = 2 * math.log(1e-200) - math.log1p(-1e-200)
    assert -921.04 < log_odds < -921.03
    message = _refusal(tmp_path, LOGISTIC)
    assert message.endswith(f"no table can hold it. The log-odds there are {log_odds:.6g}: bring the odds ratios that meet there closer to 1"), message


def test_a_value_that_rounds_up_to_a_power_of_ten_is_written_with_its_mantissa_below_10(tmp_path):
    """Check that P(p = normal | c, e present) = 9.9999e-201 squared, ~9.9998e-401, is written 1e-400, not 10e-401.

    The mantissa was rounded to three digits after the exponent was taken
    from the exact value, so 9.9998 became "10" beside the exponent of 9.9998.
    """
    exact = Fraction(9.9999e-201) ** 2
    assert Fraction(10) ** -401 * Fraction(99995, 10000) < exact < Fraction(10) ** -400
    message = _refusal(tmp_path, NOISY_MAX.format(low="9.9999e-201"))
    assert "P(p = normal | c = present, e = present) 1e-400, below 2.23e-308" in message, message
