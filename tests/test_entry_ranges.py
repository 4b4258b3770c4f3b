"""Ranges on the entries of a distribution and on mixture weights: read, shown, checked and used by trust."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import beta as beta_dist

import crampnet
from crampnet.trust.uncertainty import parameter_distributions

DATA = Path(__file__).parent / "data"
TINY_TEXT = (DATA / "tiny.toml").read_text(encoding="utf-8")
DRUG_PRIOR = 'prior = { probabilities = { yes = 0.1, no = 0.9 }, source = "judgment", reason = "test" }'
PULSES_LEAK = 'leak = { probabilities = { normal = 0.9, diminished = 0.08, absent = 0.02 }, source = "made_up" }'
CRAMPS_SITE = '{ parent = "cramps", state = "present", weight = 3.0, probabilities = { calf = 0.8, foot = 0.15, diffuse = 0.05 }, source = "made_up" }'


def _with(tmp_path: Path, old: str, new: str) -> crampnet.Model:
    assert TINY_TEXT.count(old) == 1, old
    path = tmp_path / "ranged.toml"
    path.write_text(TINY_TEXT.replace(old, new), encoding="utf-8")
    return crampnet.load(path)


def _rows(model: crampnet.Model, node: str):
    table = model.parameters()
    return table[table.node == node]


def test_ranges_appear_in_parameters(tmp_path):
    """Check that each ranged entry shows its low and high, and entries without a range show none."""
    model = _with(tmp_path, PULSES_LEAK, PULSES_LEAK[:-2] + ", ranges = { diminished = [0.04, 0.15], absent = [0.0, 0.05] } }")
    leak = _rows(model, "pulses").query("kind == 'leak'").set_index("state")
    assert (leak.loc["diminished", "low"], leak.loc["diminished", "high"]) == (0.04, 0.15)
    assert (leak.loc["absent", "low"], leak.loc["absent", "high"]) == (0.0, 0.05)
    assert np.isnan(leak.loc["normal", "low"]) and np.isnan(leak.loc["normal", "high"])


def test_weight_range_appears_and_keeps_the_source(tmp_path):
    """Check that a weight given as { value, low, high } shows its range with the distribution's source."""
    model = _with(tmp_path, CRAMPS_SITE, CRAMPS_SITE.replace("weight = 3.0", "weight = { value = 3.0, low = 1.5, high = 6.0 }"))
    weight = _rows(model, "location").query("kind == 'weight' and parent == 'cramps'").iloc[0]
    assert (weight.value, weight.low, weight.high, weight.source) == (3.0, 1.5, 6.0, "made_up")


BAD = {
    "unknown_state": (", ranges = { maybe = [0.0, 0.2] } }", "ranges: unknown state 'maybe'; valid states: yes, no"),
    "not_a_pair": (", ranges = { yes = 0.2 } }", re.escape("a range must be a list [low, high], got 0.2")),
    "three_numbers": (", ranges = { yes = [0.0, 0.1, 0.2] } }", "a range must be a list"),
    "excludes_value": (", ranges = { yes = [0.15, 0.3] } }", re.escape("range [0.15, 0.3] does not contain the probability 0.1")),
    "reversed": (", ranges = { yes = [0.2, 0.05] } }", re.escape("must satisfy 0 <= low <= high <= 1")),
    "above_one": (", ranges = { yes = [0.05, 1.2] } }", re.escape("must satisfy 0 <= low <= high <= 1")),
    "not_a_number": (', ranges = { yes = ["low", 0.2] } }', "ranges.yes"),
    "not_a_table": (', ranges = "wide" }', "ranges"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_ranges_are_refused(tmp_path, case):
    """Check that each malformed range raises NetworkFileError saying what is wrong."""
    tail, pattern = BAD[case]
    with pytest.raises(crampnet.NetworkFileError, match=pattern):
        _with(tmp_path, DRUG_PRIOR, DRUG_PRIOR[:-2] + tail)


@pytest.mark.parametrize(("weight", "pattern"), [
    ("{ value = 3.0, low = 4.0, high = 6.0 }", "does not contain"),
    ("{ value = 3.0, lo = 1.0 }", re.escape("unknown key 'lo'; a weight table takes value, low and high")),
    ('{ value = 3.0, source = "made_up" }', "unknown key"),
    ("{ low = 1.0, high = 4.0 }", "missing required key 'value'"),
])
def test_bad_weight_tables_are_refused(tmp_path, weight, pattern):
    """Check that a malformed weight table raises NetworkFileError."""
    with pytest.raises(crampnet.NetworkFileError, match=pattern):
        _with(tmp_path, CRAMPS_SITE, CRAMPS_SITE.replace("weight = 3.0", f"weight = {weight}"))


def test_a_mixture_distribution_without_a_source_is_named(tmp_path):
    """Check that a weighted distribution without a source gets 'missing required key' at the distribution, not a blank source blamed on its weight."""
    with pytest.raises(crampnet.NetworkFileError, match=re.escape("nodes.location.cpd.links[0]: missing required key 'source'")):
        _with(tmp_path, CRAMPS_SITE, CRAMPS_SITE.replace(', source = "made_up"', ""))


def test_weight_outside_a_mixture_is_refused(tmp_path):
    """Check that a weight on a noisy-MAX distribution is an error that says weights belong to mixtures."""
    with pytest.raises(crampnet.NetworkFileError, match=re.escape("'weight' is only for the distributions of a mixture")):
        _with(tmp_path, PULSES_LEAK, PULSES_LEAK[:-2] + ", weight = 5.0 }")


def test_structural_entries_stay_fixed(tmp_path):
    """Check that [0, 0] and [1, 1] are accepted and a zero entry is never drawn away from 0."""
    row = '{ parent = "age_group", state = "65_plus", probabilities = { normal = 0.8, diminished = 0.2, absent = 0.0 }, source = "made_up" }'
    model = _with(tmp_path, row, row[:-2] + ", ranges = { absent = [0.0, 0.0], diminished = [0.1, 0.35] } }")
    table = model.parameters()
    dist = parameter_distributions(model)
    link = (table.node == "pulses") & (table.parent == "age_group")
    assert dist.loc[link & (table.state == "absent"), "family"].item() == "fixed"
    assert dist.loc[link & (table.state == "diminished"), "range"].item() == "file"
    from crampnet.trust._distributions import distributions, draw_parameters

    space = distributions(model).space
    slot = next(i for i, s in enumerate(space.slots) if s.key[:3] == ("pulses", "link", "age_group") and s.key[-1] == "absent")
    assert not draw_parameters(model, 500, np.random.default_rng(1))[:, slot].any()


def _interval_from_draws(model: crampnet.Model, node: str, state: str, n: int = 40_000) -> tuple[float, float]:
    from crampnet.trust._distributions import distributions, draw_parameters

    theta = draw_parameters(model, n, np.random.default_rng(0))
    space = distributions(model).space
    slot = next(i for i, s in enumerate(space.slots) if s.key[0] == node and s.key[-1] == state and s.kind == "simplex")
    lo, hi = np.quantile(theta[:, slot], [0.025, 0.975])
    return float(lo), float(hi)


def test_two_state_range_recovers_a_known_beta(tmp_path):
    """Check that a range set to the central 95% interval of Beta(2, 18) (mean 0.1, the prior's value) gives that Beta.

    The interval comes from scipy, independently of crampnet's fit; the
    fitted Dirichlet must have total 20 and its draws that interval.
    """
    lo, hi = (round(float(x), 6) for x in beta_dist.ppf([0.025, 0.975], 2, 18))
    model = _with(tmp_path, DRUG_PRIOR, DRUG_PRIOR[:-2] + f", ranges = {{ yes = [{lo}, {hi}] }} }}")
    dist = parameter_distributions(model).set_index(["node", "state"]).loc[("drug", "yes")]
    assert (dist["family"], dist["range"]) == ("dirichlet", "file")
    assert dist["shape1"] == pytest.approx(2.0, rel=1e-3) and dist["shape2"] == pytest.approx(20.0, rel=1e-3)
    drawn = _interval_from_draws(model, "drug", "yes")
    assert drawn[0] == pytest.approx(lo, abs=0.004) and drawn[1] == pytest.approx(hi, abs=0.006)


def test_narrower_ranges_concentrate_the_dirichlet(tmp_path):
    """Check that ranges narrower than the default spread shrink the draws of every entry, ranged or not."""
    plain = crampnet.load(DATA / "tiny.toml")
    ranged = _with(tmp_path, PULSES_LEAK, PULSES_LEAK[:-2] + ", ranges = { normal = [0.86, 0.94], diminished = [0.05, 0.115] } }")
    for state in ("normal", "diminished", "absent"):
        wide, narrow = _interval_from_draws(plain, "pulses", state), _interval_from_draws(ranged, "pulses", state)
        assert narrow[1] - narrow[0] < wide[1] - wide[0], state
    table = parameter_distributions(ranged).set_index(["node", "kind", "state"])
    assert table.loc[("pulses", "leak", "normal"), "range"] == "file"
    assert parameter_distributions(plain).set_index(["node", "kind", "state"]).loc[("pulses", "leak", "normal"), "range"] == "default"


def test_posteriors_do_not_depend_on_ranges(tmp_path):
    """Check that ranges change no posterior: they describe uncertainty, not the numbers."""
    plain = crampnet.load(DATA / "tiny.toml")
    ranged = _with(tmp_path, PULSES_LEAK, PULSES_LEAK[:-2] + ", ranges = { normal = [0.86, 0.94] } }")
    evidence = {"pulses": "diminished", "urge": "yes"}
    np.testing.assert_array_equal(plain.posteriors(evidence).to_numpy(), ranged.posteriors(evidence).to_numpy())
