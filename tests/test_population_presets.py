"""The population presets of the leg-cramp network move the priors in the documented direction.

The presets are written in tests/data/populations_block.toml (to be merged
into networks/leg_cramps.toml). They are checked appended to a small
network with the vocabulary's context ids, and on the shipped network: as it
is if it already has them, else with the block appended to a copy.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import crampnet

DATA = Path(__file__).parent / "data"
BLOCK = (DATA / "populations_block.toml").read_text(encoding="utf-8")
SHIPPED = Path(__file__).resolve().parents[1] / "networks" / "leg_cramps.toml"
PRESETS = ["older_adults", "pregnancy", "hemodialysis", "primary_care_leg_symptoms"]
RLS, PAD = "restless_legs_syndrome", "peripheral_arterial_disease"


@pytest.fixture(scope="module")
def mini(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("presets") / "mini.toml"
    path.write_text((DATA / "populations_mini.toml").read_text(encoding="utf-8") + "\n" + BLOCK, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    if not SHIPPED.exists():
        pytest.skip("the shipped network networks/leg_cramps.toml does not exist yet")
    text = SHIPPED.read_text(encoding="utf-8")
    if all(name in tomllib.loads(text).get("populations", {}) for name in PRESETS):
        return SHIPPED
    path = tmp_path_factory.mktemp("presets") / "leg_cramps_with_presets.toml"
    clash = set(tomllib.loads(text).get("populations", {})) & set(PRESETS)
    if clash:
        pytest.skip(f"the shipped network defines some presets ({', '.join(sorted(clash))}) but not all: merge the block by hand")
    path.write_text(text + "\n" + BLOCK, encoding="utf-8")
    return path


def priors(path: Path, population: str) -> dict[str, float]:
    return crampnet.load(path, population=population).posteriors({}).to_dict()


def check_directions(path: Path) -> None:
    adults = priors(path, "adults")
    assert priors(path, "pregnancy")[RLS] > adults[RLS], "RLS is commoner in pregnancy (evidence rows 65-67)"
    assert priors(path, "hemodialysis")[RLS] > adults[RLS], "RLS is commoner on hemodialysis (rows 68-69)"
    assert priors(path, "older_adults")[PAD] > adults[PAD], "PAD rises with age (rows 101, 118, 120)"
    assert priors(path, "primary_care_leg_symptoms")[PAD] > adults[PAD], "an older age mix raises PAD"


def test_block_parses_and_lists_every_preset(mini):
    """Check that the block loads, that populations() lists adults and the four presets, and each has a description."""
    table = crampnet.populations(mini)
    assert {"adults", *PRESETS} <= set(table.index)
    assert (table.loc[PRESETS, "description"].str.len() > 40).all()


def test_every_prior_is_sourced(mini):
    """Check that each preset prior names a source or is a judgment with a reason."""
    spec = crampnet.load(mini).spec
    for name in PRESETS:
        for nid, dist in spec.populations[name].priors.items():
            prov = dist.provenance
            assert prov.source in spec.sources or (prov.source == "judgment" and prov.reason), (name, nid)
    assert spec.sources["population_duan_2018"].evidence_rows == (207, 208, 209)


def test_presets_move_priors_in_the_documented_direction_on_the_test_network(mini):
    """Check the directions on the small network with the vocabulary's context ids."""
    check_directions(mini)


def test_presets_move_priors_in_the_documented_direction_on_the_shipped_network(shipped):
    """Check P(RLS) higher in pregnancy and on hemodialysis, P(PAD) higher in older adults, on the shipped network."""
    check_directions(shipped)


def test_preset_priors_replace_only_context(shipped):
    """Check older_adults = the adult model given 65_plus and no pregnancy, mixed over the preset's sex prior.

    Context nodes are independent roots, so replacing their priors mixes the
    adult model's conditionals with the new weights.
    """
    older = crampnet.load(shipped, population="older_adults")
    adult = crampnet.load(shipped, population="adults")
    spec = older.spec
    female = spec.populations["older_adults"].priors["sex"].probabilities["female"]
    given_f = adult.posteriors({"age_group": "65_plus", "pregnancy": "none", "sex": "female"})
    given_m = adult.posteriors({"age_group": "65_plus", "pregnancy": "none", "sex": "male"})
    expected = female * given_f + (1 - female) * given_m
    got = older.posteriors({})
    for cond in older.conditions:
        assert got[cond] == pytest.approx(expected[cond], abs=1e-9), cond


def test_unknown_preset_lists_the_presets(mini):
    """Check that an unknown population is a ValueError naming the presets."""
    with pytest.raises(ValueError, match="older_adults"):
        crampnet.load(mini, population="older")


def test_every_preset_label_names_the_people():
    """Check each shipped preset's label names people ("among <label>" is how the displays quote it): "Primary care, presenting with leg symptoms" read "among primary care, ..."."""
    from crampnet.reasoning.html import population_phrase

    people = ("adults", "women", "patients", "people")
    for name, label in crampnet.populations()["label"].items():
        assert any(word in label.lower().split()[:2] for word in people), (name, label)
        if name != "adults":
            assert population_phrase(crampnet.load(population=name)).startswith(f"among {label.split()[0].lower()} "), name
