"""Context nodes that depend on other context nodes: pregnancy on sex and age group (session 22).

Until session 22 every context node was a root, so pregnancy was
independent of sex and age: the model had pregnant men, and a man's
probabilities carried the chance that he was pregnant. A context node may
now give a ``table`` over other context nodes. The checks here are
independent of crampnet's code where they can be: pgmpy's variable
elimination on the exported network for the solved prevalences, and the
file's own figures for the table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import crampnet
from crampnet.exceptions import ImpossibleEvidenceError, NetworkFileError

SHIPPED_FEMALE_UNDER_40 = 0.0181 + 0.0362  # the table row, as the file gives it


@pytest.mark.parametrize("age", [25, 50, 80])
def test_men_are_never_pregnant(adults, age):
    """Check P(pregnancy != none | male, any age) = 0 (strid_2024 counts pregnant women only)."""
    assert adults.probability({"pregnancy": "none"}, given={"sex": "male", "age": age}) == 1.0


def test_pregnancy_by_sex_and_age_follows_the_table_and_keeps_the_adult_marginal(adults):
    """Check the table's rows and that the adult marginal stays about 0.011 (2.96 million pregnant against census adults, strid_2024)."""
    young = 1.0 - adults.probability({"pregnancy": "none"}, given={"sex": "female", "age": 30})
    assert young == pytest.approx(SHIPPED_FEMALE_UNDER_40, abs=1e-12)
    assert adults.probability({"pregnancy": "none"}, given={"sex": "female", "age": 70}) == 1.0
    assert 0.0105 <= 1.0 - adults.probability({"pregnancy": "none"}) <= 0.0120


def test_a_pregnant_man_is_impossible_evidence_naming_both(adults):
    """Check that sex=male with a pregnancy is refused, naming the two entries."""
    with pytest.raises(ImpossibleEvidenceError, match="sex=male") as err:
        adults.posteriors({"sex": "male", "pregnancy": "later_trimester"})
    assert "pregnancy" in str(err.value)


def test_simulated_cohorts_have_no_pregnant_men_and_the_adult_share_of_pregnancies():
    """Check simulate() draws pregnancy from its table: no pregnant men or women of 65 and over, about 1.1% pregnant among adults."""
    cohort = crampnet.load(population="adults").simulate(40_000, seed=7)
    pregnant = cohort["pregnancy"] != "none"
    assert not (pregnant & (cohort["sex"] == "male")).any()
    assert not (pregnant & (cohort["age_group"] == "65_plus")).any()
    share = pregnant.mean()
    assert abs(share - 0.0112) < 5 * np.sqrt(0.0112 * (1 - 0.0112) / 40_000), share


def test_pregnancy_is_not_asked_of_a_man():
    """Check next_questions never offers pregnancy once sex=male is entered (its answer is certain)."""
    questions = crampnet.load().diagnose({"sex": "male", "age": 52, "pain_location": "calf"}).next_questions(40)
    assert "pregnancy" not in list(questions.index)


def test_solved_prevalences_hold_against_pgmpy(adults, pgmpy_ve):
    """Check that the logistic baselines are solved against the joint of their context parents: P(condition) by pgmpy VE equals the file's prevalence."""
    for cid, prevalence in (("deep_vein_thrombosis", 0.0005), ("restless_legs_syndrome", 0.07), ("nocturnal_leg_cramps", 0.55)):
        assert pgmpy_ve(adults.network, [cid], {})[cid] == pytest.approx(prevalence, rel=1e-9), cid


HEAD = 'schema = "crampnet-network/1"\nname = "ctx"\nversion = "1"\n'


def _text(pregnancy_cpd: str, extra: str = "") -> str:
    return (
        HEAD
        + '[nodes.sex]\nrole = "context"\nstates = ["female", "male"]\nprior = { probabilities = { female = 0.5, male = 0.5 }, source = "judgment", reason = "test" }\n'
        + '[nodes.young]\nrole = "context"\nstates = ["yes", "no"]\nprior = { probabilities = { yes = 0.4, no = 0.6 }, source = "judgment", reason = "test" }\n'
        + '[nodes.pregnant]\nrole = "context"\nstates = ["yes", "no"]\n'
        + pregnancy_cpd
        + '[nodes.d]\nrole = "condition"\nstates = ["present", "absent"]\n[nodes.d.cpd]\nmodel = "logistic"\n'
        + 'intercept = { prevalence = 0.1, source = "judgment", reason = "test" }\n'
        + 'odds_ratios = [{ parent = "pregnant", state = "yes", value = 8.0, source = "judgment", reason = "test" }, '
        + '{ parent = "young", state = "no", value = 3.0, source = "judgment", reason = "test" }]\n'
        + extra
        + '[nodes.f]\nrole = "finding"\nstates = ["yes", "no"]\n[nodes.f.cpd]\nmodel = "noisy_or"\n'
        + 'leak = { value = 0.1, source = "judgment", reason = "test" }\nlinks = [{ parent = "d", state = "present", value = 0.7, source = "judgment", reason = "test" }]\n'
    )


TABLE = (
    '[nodes.pregnant.cpd]\nmodel = "table"\nparents = ["sex", "young"]\nrows = [\n'
    '  { when = { sex = "female", young = "yes" }, probabilities = { yes = 0.2, no = 0.8 }, source = "judgment", reason = "test" },\n'
    '  { when = { sex = "female", young = "no" }, probabilities = { yes = 0.01, no = 0.99 }, source = "judgment", reason = "test" },\n'
    '  { when = { sex = "male", young = "yes" }, probabilities = { yes = 0.0, no = 1.0 }, source = "judgment", reason = "test" },\n'
    '  { when = { sex = "male", young = "no" }, probabilities = { yes = 0.0, no = 1.0 }, source = "judgment", reason = "test" },\n]\n'
)


def _load(tmp_path: Path, text: str) -> crampnet.Model:
    path = tmp_path / "ctx.toml"
    path.write_text(text)
    return crampnet.load(path)


def test_a_context_table_solves_the_prevalence_on_the_joint(tmp_path):
    """Check by enumeration written here: P(d) is the prevalence 0.1 with pregnancy depending on sex and age, and posteriors follow the joint."""
    model = _load(tmp_path, _text(TABLE))
    p_sex, p_young = {"female": 0.5, "male": 0.5}, {"yes": 0.4, "no": 0.6}
    p_preg = {("female", "yes"): 0.2, ("female", "no"): 0.01, ("male", "yes"): 0.0, ("male", "no"): 0.0}
    table = np.asarray(model.compiled.tables["d"])  # P(d | pregnant, young), read to enumerate the joint
    parents = model.spec.nodes["d"].parents
    total, given_f = 0.0, {"mass": 0.0, "d": 0.0}
    for sex, ps in p_sex.items():
        for young, py in p_young.items():
            for preg in ("yes", "no"):
                pp = p_preg[(sex, young)] if preg == "yes" else 1 - p_preg[(sex, young)]
                index = {"pregnant": ["yes", "no"].index(preg), "young": ["yes", "no"].index(young)}
                pd_ = float(table[(0, *(index[p] for p in parents))])
                total += ps * py * pp * pd_
                if sex == "male":
                    pf = pd_ * 0.73 + (1 - pd_) * 0.1  # P(f = yes | d): 1 - 0.9 x 0.3 with d, the leak without
                    given_f["mass"] += ps * py * pp * pf
                    given_f["d"] += ps * py * pp * pd_ * 0.73
    assert total == pytest.approx(0.1, rel=1e-9)
    assert model.posteriors({"sex": "male", "f": "yes"})["d"] == pytest.approx(given_f["d"] / given_f["mass"], rel=1e-9)
    assert model.probability({"pregnant": "no"}, given={"sex": "male"}) == 1.0


@pytest.mark.parametrize(
    ("cpd", "extra", "message"),
    [
        ('[nodes.pregnant.cpd]\nmodel = "noisy_or"\nleak = { value = 0.1, source = "judgment", reason = "test" }\nlinks = []\n', "", "a context node's cpd must be of model 'table'"),
        (
            'prior = { probabilities = { yes = 0.1, no = 0.9 }, source = "judgment", reason = "test" }\n' + TABLE,
            "",
            "a context node gives 'prior' or a 'cpd' of model 'table' over other context nodes, not both",
        ),
        (TABLE.replace('parents = ["sex", "young"]', 'parents = ["sex", "d"]').replace("young =", "d ="), "", "a context cannot have the condition 'd' as parent"),
    ],
)
def test_malformed_context_tables_are_refused(tmp_path, cpd, extra, message):
    """Check that a context node with another model, with both a prior and a table, or with a condition parent is refused at load."""
    with pytest.raises(NetworkFileError, match=message):
        _load(tmp_path, _text(cpd, extra))
