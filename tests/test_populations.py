"""Population presets: replacing context priors equals reweighting the default model's conditionals."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import crampnet

DATA = Path(__file__).parent / "data"
TINY_TEXT = (DATA / "tiny.toml").read_text(encoding="utf-8")
HALF_ON_DRUG = TINY_TEXT + """
[populations.half_on_drug]
label = "Half on the drug"
priors.drug = { probabilities = { yes = 0.5, no = 0.5 }, source = "judgment", reason = "test" }
"""


@pytest.fixture(scope="module")
def half_on_drug_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("populations") / "half.toml"
    path.write_text(HALF_ON_DRUG, encoding="utf-8")
    return path


def test_default_population_is_adults(tiny):
    """Check that load() without a population uses the file's own priors (the 'adults' preset)."""
    assert tiny.population == "adults"
    explicit = crampnet.load(DATA / "tiny.toml", population="adults")
    pd.testing.assert_series_equal(explicit.posteriors({}), tiny.posteriors({}), check_exact=True)


def test_file_names_its_default_population(tmp_path):
    """Check that a file's default_population is what load() uses when given none, and that 'adults' still gives the file's priors."""
    path = tmp_path / "half_default.toml"
    path.write_text(HALF_ON_DRUG.replace('version = ', 'default_population = "half_on_drug"\nversion = ', 1), encoding="utf-8")
    default = crampnet.load(path)
    assert default.population == "half_on_drug"
    assert crampnet.load(path, population="adults").population == "adults"
    assert crampnet.populations(path).loc["half_on_drug", "default"]
    assert default.probability({"drug": "yes"}) == pytest.approx(0.5)


def test_file_default_population_must_exist(tmp_path):
    """Check that a default_population the file does not define is a NetworkFileError naming the populations."""
    path = tmp_path / "bad_default.toml"
    path.write_text(HALF_ON_DRUG.replace('version = ', 'default_population = "half_on_drugs"\nversion = ', 1), encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match=r"default_population.*'half_on_drugs'.*adults, .*half_on_drug"):
        crampnet.load(path)


@pytest.mark.parametrize("evidence", [{}, {"urge": "yes"}, {"ferritin": 20, "location": "calf"}, {"pulses": "absent"}])
def test_point_mass_population_equals_conditioning(tiny, evidence):
    """Check older_adults (age_group 65_plus with probability 1) equals the default model given age_group=65_plus."""
    older = crampnet.load(DATA / "tiny.toml", population="older_adults")
    expected = tiny.posteriors({**evidence, "age_group": "65_plus"})
    actual = older.posteriors(evidence)
    for cond in tiny.conditions:
        assert actual[cond] == pytest.approx(expected[cond], abs=1e-12), cond


@pytest.mark.parametrize("evidence", [{}, {"urge": "yes"}, {"ferritin": "low", "cramps": "absent"}])
def test_population_equals_reweighted_conditionals(tiny, half_on_drug_path, evidence):
    """Check P_pop(C | e) = sum_x pi'(x) P(C, e | x) / sum_x pi'(x) P(e | x), with P from the default model."""
    pop = crampnet.load(half_on_drug_path, population="half_on_drug")
    weights = {"yes": 0.5, "no": 0.5}
    evidence_given_drug = {x: (tiny.probability(evidence, given={"drug": x}) if evidence else 1.0) for x in weights}
    denominator = sum(weights[x] * evidence_given_drug[x] for x in weights)
    actual = pop.posteriors(evidence)
    for cond in tiny.conditions:
        numerator = sum(weights[x] * tiny.probability({cond: "present"}, given={**evidence, "drug": x}) * evidence_given_drug[x] for x in weights)
        assert actual[cond] == pytest.approx(numerator / denominator, abs=1e-9), cond


def test_prevalence_is_solved_against_the_default_priors(tiny, half_on_drug_path):
    """Check that a preset keeps the logistic tables (solved on the default priors) and changes only the prior."""
    pop = crampnet.load(half_on_drug_path, population="half_on_drug")
    default = crampnet.load(half_on_drug_path)
    assert (pop.compiled.tables["cramps"] == default.compiled.tables["cramps"]).all()
    assert list(pop.compiled.tables["drug"]) == [0.5, 0.5]


def test_populations_lists_the_presets(half_on_drug_path):
    """Check that crampnet.populations(path) lists 'adults' and the file's presets."""
    table = crampnet.populations(half_on_drug_path)
    assert table.index[0] == "adults"
    assert list(table.index[-1:]) == ["half_on_drug"]
    assert table.loc["half_on_drug", "label"] == "Half on the drug"


def test_unknown_population(half_on_drug_path):
    """Check that an unknown preset raises InvalidValueError suggesting the closest one."""
    with pytest.raises(crampnet.InvalidValueError, match=re.escape("Did you mean 'half_on_drug'?")):
        crampnet.load(half_on_drug_path, population="half_on_drugs")


def test_population_of_wrong_type(half_on_drug_path):
    """Check that a non-string population raises TypeError."""
    with pytest.raises(TypeError, match="'population' argument of load must be a str"):
        crampnet.load(half_on_drug_path, population=1)


def test_population_prior_on_a_non_context_node(tmp_path):
    """Check that a preset giving a prior to a condition is refused, naming the file."""
    path = tmp_path / "bad_population.toml"
    path.write_text(TINY_TEXT + '\n[populations.bad]\npriors.rls = { probabilities = { present = 1.0 }, source = "made_up" }\n', encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match="'rls' is not a context node") as info:
        crampnet.load(path)
    assert str(path) in str(info.value)


EXTENDED = HALF_ON_DRUG + """
[populations.older_on_drug]
label = "Older, half on the drug"
extends = "half_on_drug"
priors.age_group = { probabilities = { under_40 = 0.0, "40_to_64" = 0.0, 65_plus = 1.0 }, source = "judgment", reason = "test" }
"""


def test_extends_starts_from_the_named_preset(tmp_path):
    """Check that a preset with ``extends`` equals conditioning the base preset on the priors it sets itself."""
    path = tmp_path / "extended.toml"
    path.write_text(EXTENDED, encoding="utf-8")
    extended = crampnet.load(path, population="older_on_drug")
    base = crampnet.load(path, population="half_on_drug")
    assert extended.probability({"drug": "yes"}) == pytest.approx(0.5)
    for evidence in ({}, {"urge": "yes"}, {"pulses": "absent"}):
        pd.testing.assert_series_equal(extended.posteriors(evidence), base.posteriors({**evidence, "age_group": "65_plus"}), rtol=1e-9)
    listed = crampnet.populations(path)
    assert listed.loc["older_on_drug", "extends"] == "half_on_drug"
    assert set(listed.loc["older_on_drug", "priors"].split(", ")) == {"drug", "age_group"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[populations.a]\nextends = "b"\n[populations.b]\nextends = "a"\n', r"populations\.(a|b)\.extends.*cycle"),
        ('[populations.a]\nextends = "a"\n', r"populations\.a\.extends.*cycle"),
        ('[populations.a]\nextends = "half_on_drugs"\n', r"populations\.a\.extends.*'half_on_drugs' is not a population.*Did you mean 'half_on_drug'"),
        ("[populations.a]\nextends = 3\n", r"populations\.a.*extends"),
    ],
)
def test_extends_errors(tmp_path, extra, message):
    """Check that a cycle, an unknown preset or a non-string in ``extends`` is a NetworkFileError saying which."""
    path = tmp_path / "bad_extends.toml"
    path.write_text(HALF_ON_DRUG + "\n" + extra, encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match=message):
        crampnet.load(path)


@pytest.mark.parametrize("name", ["older_adults", "pregnancy", "hemodialysis"])
def test_shipped_presenting_presets(name):
    """Check each shipped ``NAME_presenting`` preset has NAME's context marginals, with care_setting = presenting."""
    presenting = crampnet.load(population=f"{name}_presenting")
    base = crampnet.load(population=name)
    assert presenting.probability({"care_setting": "presenting"}) == pytest.approx(1.0)
    assert base.probability({"care_setting": "presenting"}) == pytest.approx(0.0)
    for nid, node in base.spec.nodes.items():
        if node.role == "context" and nid != "care_setting":
            for state in node.states:
                assert presenting.probability({nid: state}) == pytest.approx(base.probability({nid: state}), abs=1e-12), (nid, state)
