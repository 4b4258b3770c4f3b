"""Simulation and Bayesian updating from data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.model import FittedModel
from crampnet.trust.simulate import fit, simulate
from crampnet.trust.uncertainty import parameter_distributions

DATA = Path(__file__).parent / "data"
TINY_TEXT = (DATA / "tiny.toml").read_text(encoding="utf-8")
# The same structure with other numbers: the "truth" the data come from.
PERTURBED = (
    TINY_TEXT.replace("under_40 = 0.4, \"40_to_64\" = 0.35, \"65_plus\" = 0.25", "under_40 = 0.3, \"40_to_64\" = 0.3, \"65_plus\" = 0.4")
    .replace("prior = { probabilities = { yes = 0.1, no = 0.9 }", "prior = { probabilities = { yes = 0.3, no = 0.7 }")
    .replace("leak = { value = 0.05, source = \"made_up\" }", "leak = { value = 0.15, source = \"made_up\" }")
    .replace("probabilities = { present = 0.85, absent = 0.15 }", "probabilities = { present = 0.6, absent = 0.4 }")
    .replace("{ parent = \"rls\", state = \"present\", value = 0.95, source = \"made_up\" }", "{ parent = \"rls\", state = \"present\", value = 0.7, source = \"made_up\" }")
    .replace("links = [{ parent = \"rls\", state = \"present\", value = 0.4, source = \"made_up\" }]", "links = [{ parent = \"rls\", state = \"present\", value = 0.6, source = \"made_up\" }]")
)


@pytest.fixture(scope="module")
def truth(tmp_path_factory) -> crampnet.Model:
    path = tmp_path_factory.mktemp("perturbed") / "perturbed.toml"
    assert PERTURBED.count("0.15") >= 2 and PERTURBED != TINY_TEXT
    path.write_text(PERTURBED, encoding="utf-8")
    return crampnet.load(path)


def test_simulate_columns_states_and_seed(tiny):
    """Check one categorical column per node with its states, reproducibility, and n = 0."""
    cohort = simulate(tiny, 50, seed=3)
    assert list(cohort.columns) == list(tiny.spec.nodes)
    for nid in cohort.columns:
        assert list(cohort[nid].cat.categories) == tiny.states(nid)
        assert cohort[nid].notna().all()
    pd.testing.assert_frame_equal(cohort, simulate(tiny, 50, seed=3))
    assert not cohort.equals(simulate(tiny, 50, seed=4))
    assert len(simulate(tiny, 0)) == 0


@pytest.mark.parametrize(("seed", "error"), [(-1, crampnet.InvalidValueError), (1.5, crampnet.EvidenceTypeError), (True, crampnet.EvidenceTypeError)])
def test_bad_seed_names_simulate(tiny, seed, error):
    """Check a bad seed's error names simulate (it said only "The 'seed' argument")."""
    with pytest.raises(error, match="The 'seed' argument of simulate must be an int >= 0"):
        simulate(tiny, 3, seed=seed)


def test_simulated_frequencies_match_the_model(tiny):
    """Check marginal and conditional frequencies of a large cohort against exact probabilities."""
    n = 40000
    cohort = simulate(tiny, n, seed=0)
    for nid, state in (("cramps", "present"), ("pulses", "diminished"), ("location", "diffuse"), ("urge", "yes")):
        p = tiny.probability({nid: state})
        assert (cohort[nid] == state).mean() == pytest.approx(p, abs=4.5 * math.sqrt(p * (1 - p) / n))
    given = cohort[cohort["rls"] == "present"]
    p = tiny.probability({"urge": "yes"}, given={"rls": "present"})
    assert (given["urge"] == "yes").mean() == pytest.approx(p, abs=4.5 * math.sqrt(p * (1 - p) / len(given)))


def test_complete_data_fit_is_the_dirichlet_posterior_mean(tiny):
    """Check a root node's fitted prior by hand: (s * prior + counts) / (s + n); a child's column likewise."""
    cohort = simulate(tiny, 300, seed=5)
    s = 7.0
    fitted = fit(tiny, cohort, prior_strength=s)
    assert fitted.method == "complete"
    counts = cohort["age_group"].value_counts().reindex(tiny.states("age_group")).to_numpy()
    prior = np.array([0.4, 0.35, 0.25])
    np.testing.assert_allclose(fitted.compiled.tables["age_group"], (s * prior + counts) / (s + len(cohort)), atol=1e-12)
    # rls (parent drug): alpha = s * P(rls, drug) under the prior model.
    rows = cohort[cohort["drug"] == "yes"]
    p_drug = 0.1
    p_rls = 1 - (1 - 0.05) * (1 - 0.2)
    present = (rows["rls"] == "present").sum()
    expected = (s * p_drug * p_rls + present) / (s * p_drug + len(rows))
    assert fitted.compiled.tables["rls"][0, 0] == pytest.approx(expected, abs=1e-12)


def test_fit_recovers_the_parameters_of_the_perturbed_model(tiny, truth):
    """Check that a large complete cohort from a perturbed model moves every well-populated table entry to the truth."""
    cohort = simulate(truth, 30000, seed=1)
    fitted = fit(tiny, cohort, prior_strength=2)
    checked = 0
    for nid in tiny.compiled.ids:
        node = tiny.spec.nodes[nid]
        family = [nid, *node.parents]
        counts = cohort.groupby(list(node.parents), observed=False).size() if node.parents else None
        for config in np.ndindex(*truth.compiled.tables[nid].shape[1:]):
            n_config = len(cohort) if counts is None else int(counts.loc[tuple(tiny.states(p)[i] for p, i in zip(node.parents, config, strict=True)) if len(config) > 1 else tiny.states(node.parents[0])[config[0]]])
            if n_config < 500:
                continue
            for k in range(len(node.states)):
                p = truth.compiled.tables[nid][(k, *config)]
                got = fitted.compiled.tables[nid][(k, *config)]
                assert got == pytest.approx(p, abs=4.5 * math.sqrt(max(p * (1 - p), 1e-4) / n_config) + 2 * 2 / n_config), (family, config, k)
                checked += 1
    assert checked > 30


def test_em_with_missing_cells_recovers_the_parameters(tiny, truth):
    """Check EM: hide 25% of the cells and drop plm entirely; the fitted tables still approach the truth."""
    cohort = simulate(truth, 6000, seed=2).drop(columns=["plm"])
    rng = np.random.default_rng(0)
    holed = cohort.mask(rng.random(cohort.shape) < 0.25)
    fitted = fit(tiny, holed, prior_strength=2)
    assert fitted.method == "em" and fitted.converged and fitted.iterations > 1
    for nid in ("age_group", "drug", "rls", "cramps", "urge", "ferritin"):
        np.testing.assert_allclose(fitted.compiled.tables[nid], truth.compiled.tables[nid], atol=0.08, err_msg=nid)
    # plm never appears in the data, so its table keeps the prior.
    np.testing.assert_array_equal(fitted.compiled.tables["plm"], tiny.compiled.tables["plm"])


def test_fitted_parameters_say_so(tiny):
    """Check that updated numbers say source 'fitted' with prior_strength and n, and the others keep their sources."""
    cohort = simulate(tiny, 200, seed=4)[["age_group", "drug", "cramps"]]
    fitted = fit(tiny, cohort, prior_strength=12.5)
    table = fitted.parameters()
    mine = table[table["node"].isin(["age_group", "drug", "cramps"])]
    assert set(mine["source"]) == {"fitted"}
    assert mine["note"].str.contains("12.5 cases").all() and mine["note"].str.contains("200 cases").all()
    others = table[~table["node"].isin(["age_group", "drug", "cramps"])]
    before = tiny.parameters()
    assert set(others["source"]) == set(before[~before["node"].isin(["age_group", "drug", "cramps"])]["source"])
    assert isinstance(fitted, FittedModel) and isinstance(fitted, crampnet.Model)
    assert "fitted to 200 cases" in repr(fitted)
    ranges = parameter_distributions(fitted)
    assert set(ranges[ranges["node"] == "cramps"]["range"]) == {"fitted"}


def test_fitted_parameter_rows_name_their_table_entries(tiny):
    """Check each fitted row against the entry its parent_state and state name in the fitted and the prior tables."""
    cohort = simulate(tiny, 150, seed=8)
    holed = cohort.mask(np.random.default_rng(8).random(cohort.shape) < 0.3)
    fitted = fit(tiny, holed, prior_strength=4)
    table = fitted.parameters()
    spec = tiny.spec
    checked = 0
    for nid in fitted.posterior_counts:
        rows = table[table["node"] == nid]
        node = spec.nodes[nid]
        assert len(rows) == fitted.compiled.tables[nid].size and rows[["parent_state", "state"]].drop_duplicates().shape[0] == len(rows)
        for row in rows.itertuples():
            named = dict(part.split("=") for part in row.parent_state.split(", ")) if node.parents else {}
            assert node.parents or (pd.isna(row.parent) and pd.isna(row.parent_state))
            at = (node.states.index(row.state), *(spec.nodes[p].states.index(named[p]) for p in node.parents))
            assert row.value == fitted.compiled.tables[nid][at] and row.low <= row.value <= row.high
            kept = tiny.compiled.tables[nid][at] in (0, 1) and "not fitted" in row.note  # a structural 0 (or the 1 it leaves) keeps the file's note
            assert (kept or row.note.endswith(f"was {float(tiny.compiled.tables[nid][at]):.4g}")) and (row.parent if node.parents else "") == ",".join(node.parents)
            checked += 1
    assert checked > 20


def test_fitted_model_posteriors_equal_enumeration_of_its_tables(tiny, brute_force):
    """Check the fitted model's engine against brute-force enumeration of its own (pgmpy) tables."""
    cohort = simulate(tiny, 500, seed=6)
    fitted = fit(tiny, cohort, prior_strength=3)
    brute = brute_force(fitted.network)
    for evidence in ({}, {"urge": "yes"}, {"ferritin": "low", "location": "calf", "age_group": "65_plus"}):
        post = fitted.posteriors(evidence)
        for cond in tiny.conditions:
            assert post[cond] == pytest.approx(brute.probability({cond: "present"}, evidence), abs=1e-10)
    assert not np.allclose(fitted.posteriors({"urge": "yes"}).sort_index(), tiny.posteriors({"urge": "yes"}).sort_index())


def test_fitted_noisy_nodes_with_many_parents_stay_exact(random_networks, brute_force):
    """Check a fitted noisy-OR/MAX node with 3+ parents (which the engine may factor) against enumeration."""
    for seed in range(60):
        model, _, _ = random_networks.make(seed)
        wide = [n for n in model.spec.order if model.spec.nodes[n].cpd is not None and model.spec.nodes[n].cpd.model in ("noisy_or", "noisy_max") and len(model.spec.nodes[n].parents) >= 3]
        if wide:
            break
    else:
        pytest.skip("no random network with a noisy node of 3+ parents")
    fitted = fit(model, simulate(model, 400, seed=0), prior_strength=1)
    brute = brute_force(fitted.network)
    evidence = {wide[0]: model.states(wide[0])[0]}
    post = fitted.posteriors(evidence)
    for cond in model.conditions:
        assert post[cond] == pytest.approx(brute.probability({cond: "present"}, evidence), abs=1e-9)


def test_fit_errors(tiny):
    """Check bad data, bad prior_strength, no observed cell, and an impossible row under EM."""
    with pytest.raises(crampnet.EvidenceTypeError, match="must be a pandas DataFrame"):
        fit(tiny, [{"urge": "yes"}])
    with pytest.raises(crampnet.InvalidValueError, match="'prior_strength' argument of fit must be a positive number"):
        fit(tiny, simulate(tiny, 5), prior_strength=0)
    with pytest.raises(crampnet.InvalidValueError, match="no observed cell"):
        fit(tiny, pd.DataFrame({"urge": [None, None]}))
    with pytest.raises(crampnet.UnknownNodeError, match="Did you mean 'urge'"):
        fit(tiny, pd.DataFrame({"urg": ["yes"]}))
    bad = pd.DataFrame({"jerks": ["yes", "no"], "plm": ["absent", None]}, index=["a", "b"])
    with pytest.raises(crampnet.ImpossibleEvidenceError, match="row 'a'"):
        fit(tiny, bad)


def test_simulate_errors(tiny):
    """Check that a bad n or seed is refused with a message naming it."""
    with pytest.raises(crampnet.InvalidValueError, match="'n' argument of simulate"):
        simulate(tiny, -1)
    with pytest.raises(TypeError, match="'seed' argument"):
        simulate(tiny, 3, seed=1.5)


def test_shipped_network_round_trip(model):
    """Check simulate and a complete-data fit on the shipped network."""
    cohort = simulate(model, 2000, seed=0)
    assert list(cohort.columns) == list(model.spec.nodes)
    fitted = fit(model, cohort, prior_strength=50)
    params = fitted.parameters()
    possible = ~params["reason"].fillna("").str.startswith("impossible:")  # an impossible configuration's entries are not fitted (test_fitted_provenance_s47)
    assert set(params.loc[possible & (params["value"] != 0) & (params["value"] != 1), "source"]) == {"fitted"}  # a structural 0 keeps its source (test_fit_keeps_the_provenance_of_structural_zeros), and the 1 it may leave (test_a_structural_one_keeps_its_rows_provenance)
    post = fitted.posteriors({"urge_to_move": True})
    assert ((post >= 0) & (post <= 1)).all()


def test_compiled_network_takes_tables(tiny, brute_force):
    """Check CompiledNetwork(tables=...): a general table is not absorbed as noisy-OR, and posteriors stay exact."""
    from crampnet.inference.compiled import CompiledNetwork
    from crampnet.interop._pgmpy import to_pgmpy

    rng = np.random.default_rng(4)
    tables = dict(tiny.compiled.tables)
    general = rng.uniform(0.1, 0.9, size=tables["urge"].shape[1:])
    tables["urge"] = np.stack([general, 1.0 - general])
    compiled = CompiledNetwork(tiny.spec, tables=tables)
    assert "urge" in tiny.compiled._factored and "urge" not in compiled._factored
    assert "ferritin" in compiled._factored  # untouched noisy-OR tables still factor
    brute = brute_force(to_pgmpy(tiny.spec, tables))
    for evidence in ({"urge": "no"}, {"urge": "no", "ferritin": "normal", "location": "calf"}, {"urge": "yes", "jerks": "no"}):
        vectors = crampnet.network.evidence.normalise(tiny.spec, evidence)
        post = compiled.posterior_matrix(vectors)[0]
        for j, cond in enumerate(compiled.conditions):
            assert post[j] == pytest.approx(brute.probability({cond: "present"}, evidence), abs=1e-12), (evidence, cond)


def test_fitted_noisy_or_tables_are_general(tiny, brute_force):
    """Check that a fitted two-parent noisy-OR finding is neither factored in the model nor absorbed in its Monte Carlo draws."""
    from crampnet.interop._pgmpy import to_pgmpy
    from crampnet.trust._montecarlo import _absorbed, batch_posteriors
    from crampnet.trust._parameters import parameter_space
    from crampnet.trust.uncertainty import draw_parameters

    cohort = simulate(tiny, 500, seed=8)[["age_group", "drug", "rls", "cramps", "urge"]]
    fitted = fit(tiny, cohort, prior_strength=3)
    assert "urge" not in fitted.compiled._factored and "ferritin" in fitted.compiled._factored
    evidence = {"urge": "no", "ferritin": "normal", "jerks": "no"}
    brute = brute_force(fitted.network)
    post = fitted.posteriors(evidence)
    for cond in tiny.conditions:
        assert post[cond] == pytest.approx(brute.probability({cond: "present"}, evidence), abs=1e-12)
    vectors = crampnet.network.evidence.normalise(tiny.spec, evidence)
    assert set(_absorbed(fitted, vectors)) == {"ferritin", "jerks"}
    theta = draw_parameters(fitted, 3, np.random.default_rng(2))
    got = batch_posteriors(fitted, vectors, theta)
    tables = parameter_space(fitted).tables(theta)
    for i in range(3):
        network = to_pgmpy(tiny.spec, {n: t[i] for n, t in tables.items()})
        draw = brute_force(network)
        for j, cond in enumerate(fitted.compiled.conditions):
            assert got[i, j] == pytest.approx(draw.probability({cond: "present"}, evidence), abs=1e-12), (i, cond)


def test_fitted_parameter_table_is_made_when_first_read(tiny):
    """Check that fit leaves the provenance table to its first reader, which gets it whole, and every later reader a copy of the same."""
    cohort = simulate(tiny, 120, seed=5)
    fitted = fit(tiny, cohort.mask(np.random.default_rng(5).random(cohort.shape) < 0.3), prior_strength=6)
    assert "parameters" not in fitted._fit.__dict__  # not built by fit
    table = fitted.parameters()
    assert "parameters" in fitted._fit.__dict__
    mine = table[table["node"].isin(list(fitted.posterior_counts))]
    assert set(mine.loc[(mine["value"] != 0) & (mine["value"] != 1), "source"]) == {"fitted"}  # a structural 0 keeps its source, and the 1 it may leave
    assert len(mine) == sum(c.size for c in fitted.posterior_counts.values())  # a row per fitted entry
    table.loc[table.index[0], "value"] = -1.0  # a copy: the model's table stays
    pd.testing.assert_frame_equal(fitted.parameters(), fitted._fit.parameters)
    assert fitted.parameters()["value"].iloc[0] != -1.0


@pytest.mark.parametrize("drop", [[], ["restless_legs_syndrome"]])
def test_fit_refuses_an_impossible_row_of_complete_data_too(model, drop):
    """Check that a row of probability zero (a man in the first trimester) is refused, naming the row and the conflict, with complete data as under EM (complete data counted it and made male pregnancy possible)."""
    data = model.simulate(12, seed=3).drop(columns=drop)
    data.index = [f"p{i}" for i in range(len(data))]
    data.loc["p4", ["sex", "pregnancy"]] = ["male", "first_trimester"]
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"row 'p4'.*sex=male and pregnancy=first_trimester") as caught:
        model.fit(data)
    assert sorted(caught.value.conflicting) == ["pregnancy", "sex"] and caught.value.row == "p4"


def test_rows_with_no_observed_cell_are_left_out_and_said_so(tiny):
    """Check a complete cohort padded with all-missing rows fits as complete data on its 200 cases, with a warning naming the empty rows.

    The 150 empty rows carried nothing (the tables came out the same), yet
    the fit reported method 'em', 350 cases, and '43% of the fitted nodes'
    cells missing' in every fitted row's note.
    """
    cohort = simulate(tiny, 200, seed=4)[["age_group", "drug", "cramps"]]
    empty = pd.DataFrame(np.nan, index=range(1000, 1150), columns=cohort.columns)
    padded = pd.concat([cohort.iloc[:100], empty, cohort.iloc[100:]])
    with pytest.warns(UserWarning, match=r"150 of the 350 rows of data have no observed cell.*1000, 1001, 1002.*fitted to the other 200"):
        fitted = fit(tiny, padded, prior_strength=12.5)
    alone = fit(tiny, cohort, prior_strength=12.5)
    assert (fitted.method, fitted.cases, fitted.iterations) == ("complete", 200, 0)
    for nid in ("age_group", "drug", "cramps"):
        np.testing.assert_allclose(fitted.compiled.tables[nid], alone.compiled.tables[nid], rtol=0, atol=1e-12)
    with pytest.warns(UserWarning, match=r"1 of the 201 rows of data has no observed cell \(row 1000\) and carries nothing; it is left out"):
        fit(tiny, pd.concat([cohort, empty.iloc[:1]]), prior_strength=12.5)
    notes = fitted.parameters().query("source == 'fitted'")["note"]
    assert notes.str.contains("updated with 200 cases").all() and notes.str.contains("150 rows with no observed cell left out").all()
    assert "fitted to 200 cases" in repr(fitted)


def test_fit_refuses_a_repeated_column_by_name(tiny):
    """Check two columns of the same name are an InvalidValueError naming it, as posteriors says (fit raised AttributeError: 'DataFrame' object has no attribute 'dtype')."""
    cohort = simulate(tiny, 20, seed=4)
    with pytest.raises(crampnet.InvalidValueError, match="The DataFrame has 2 columns named 'drug'; each column must be named once"):
        fit(tiny, pd.concat([cohort[["drug", "age_group"]], cohort[["drug"]]], axis=1))


def test_fit_keeps_the_provenance_of_structural_zeros(model):
    """Check that an entry 0 before and after a fit (no pregnancy among men, a part without its condition, a noisy-MAX state a present cause rules out) keeps its unfitted source, and every other fitted entry says 'fitted'.

    A 0 has no pseudo-count and no case can hold it, so the fit cannot move
    it: it is not learned from data. A table's or prior's 0 keeps its own
    row's provenance; symptom_duration's over_3_months is 0 whenever acute
    limb ischaemia is present (noisy-MAX: that state needs every present
    cause to allow it, and the acute_limb_ischemia link gives it 0), so it
    keeps that link's.
    """
    fitted = fit(model, simulate(model, 300, seed=2), prior_strength=10)
    before, after = model.parameters(), fitted.parameters()

    def entries(table: np.ndarray) -> np.ndarray:
        return np.moveaxis(table, 0, -1).reshape(-1)  # the parameter rows' order: configurations, then states

    ali = before[(before["node"] == "symptom_duration") & (before["parent"] == "acute_limb_ischemia") & (before["state"] == "over_3_months")].iloc[0]
    assert ali["value"] == 0
    kept = 0
    for nid in fitted.posterior_counts:
        rows = after[after["node"] == nid]
        zero = (entries(model.compiled.tables[nid]) == 0) & (entries(fitted.compiled.tables[nid]) == 0)
        assert len(rows) == zero.size and (rows["value"].to_numpy() == entries(fitted.compiled.tables[nid])).all(), nid
        states = len(model.spec.nodes[nid].states)
        empty = np.repeat(entries(fitted.posterior_counts[nid]).reshape(-1, states).sum(axis=1) == 0, states)  # impossible configurations (test_fitted_provenance_s47)
        one = (entries(model.compiled.tables[nid]) == 1) & (entries(fitted.compiled.tables[nid]) == 1)  # the 1 a structural 0 leaves (test_a_structural_one_keeps_its_rows_provenance)
        assert set(rows.loc[~zero & ~empty & ~one, "source"]) <= {"fitted"}, nid  # care_setting in the presenting population is all 0s and a 1
        for impossible, (_, row) in zip(empty[zero], rows[zero].iterrows(), strict=True):
            if nid == "symptom_duration":
                assert "acute_limb_ischemia=present" in row["parent_state"] and row["state"] == "over_3_months"
                was = ali
            else:
                was = before[(before["node"] == nid) & (before["parent_state"].fillna("") == ("" if pd.isna(row["parent_state"]) else row["parent_state"])) & (before["state"] == row["state"])].iloc[0]
                assert was["value"] == 0
            assert (row["source"], row["citation"]) == (was["source"], was["citation"]), (nid, row["parent_state"], row["state"])
            if impossible:  # its parent configuration cannot occur: the reason says so, and "not fitted"
                assert row["reason"].startswith("impossible:") and "not fitted" in row["reason"] and row["low"] == row["high"] == 0
                kept += 1
                continue
            assert pd.isna(row["reason"]) if pd.isna(was["reason"]) else row["reason"] == was["reason"]
            assert "not fitted" in row["note"] and row["low"] == row["high"] == 0
            kept += 1
    assert kept >= 512 + 8  # symptom_duration's 2^9 configurations with acute limb ischaemia present, the 8 pregnancy 0s
    pregnancy = after[(after["node"] == "pregnancy") & after["parent_state"].str.startswith("sex=male")]
    assert set(pregnancy.loc[pregnancy["value"] == 0, "source"]) == set(before.loc[(before["node"] == "pregnancy") & (before["value"] == 0), "source"]) != {"fitted"}


def test_fitted_entries_of_impossible_configurations_have_a_range_not_nan(model):
    """Check that a fitted table's entries in a parent configuration the model makes impossible (care_setting = general in the presenting population, a pregnancy at 65) have the range [value, value] and say so, not NaN.

    Such a configuration has no prior pseudo-count and no case can have it,
    so the fit keeps the model's column there; its Beta interval, a / a0
    with a0 = 0, was NaN in low and high (24,235 entries of a 300-case fit).
    """
    fitted = fit(model, simulate(model, 300, seed=2), prior_strength=10)
    after = fitted.parameters()
    mine = after[after["node"].isin(list(fitted.posterior_counts))]
    assert mine[["value", "low", "high"]].notna().all().all()
    seen = 0
    for nid, alpha in fitted.posterior_counts.items():
        rows = mine[mine["node"] == nid]
        states = len(model.spec.nodes[nid].states)
        empty = np.repeat(np.moveaxis(alpha, 0, -1).reshape(-1, states).sum(axis=1) == 0, states)
        kept = np.moveaxis(model.compiled.tables[nid], 0, -1).reshape(-1)
        np.testing.assert_array_equal(rows["value"].to_numpy()[empty], kept[empty], err_msg=nid)  # the model's column, as fit's docstring says
        assert (rows["low"].to_numpy()[empty] == rows["value"].to_numpy()[empty]).all() and (rows["high"].to_numpy()[empty] == rows["value"].to_numpy()[empty]).all(), nid
        assert rows["reason"][empty].str.startswith("impossible:").all() and (rows["source"][empty] != "fitted").all(), nid
        seen += int(empty.sum())
    assert seen > 1000


def test_a_noisy_or_zero_a_certain_link_makes_keeps_that_links_source(tmp_path):
    """Check that P(g = no | c present) = 0, which g's link of 1 from c makes (its leak 0 makes P(g = yes | c absent) = 0), keeps the link's source after a fit, and the leak's 0 the leak's.

    Neither entry is a row of the unfitted table (a noisy-OR lists its leak
    and links), and neither can move: no case has g = no with c present, or
    g = yes with c absent.
    """
    text = """schema = "crampnet-network/1"
name = "certain"
version = "1"
[sources.link_src]
kind = "literature"
citation = "the link"
[sources.leak_src]
kind = "literature"
citation = "the leak"
[sources.prior_src]
kind = "literature"
citation = "the prior"
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.3, source = "prior_src" } }
[nodes.g]
role = "finding"
states = ["yes", "no"]
cpd = { model = "noisy_or", leak = { value = 0.0, source = "leak_src" }, links = [{ parent = "c", state = "present", value = 1.0, source = "link_src" }] }
"""
    path = tmp_path / "certain.toml"
    path.write_text(text, encoding="utf-8")
    model = crampnet.load(path)
    fitted = model.fit(pd.DataFrame({"c": ["present", "absent", "absent"], "g": ["yes", "no", "no"]}), prior_strength=2)
    table = fitted.parameters().set_index(["node", "parent_state", "state"])
    assert table.loc[("g", "c=present", "no"), ["value", "source"]].tolist() == [0.0, "link_src"]
    assert table.loc[("g", "c=absent", "yes"), ["value", "source"]].tolist() == [0.0, "leak_src"]
    # the 1s those 0s leave cannot move either (test_a_structural_one_keeps_its_rows_provenance)
    assert table.loc[("g", "c=present", "yes"), ["value", "source"]].tolist() == [1.0, "link_src"]
    assert table.loc[("g", "c=absent", "no"), ["value", "source"]].tolist() == [1.0, "leak_src"]
