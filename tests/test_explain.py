"""Explanations: exact additive log-odds shares, checked against independent computations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.reasoning import explain as explain_module
from crampnet.reasoning.explain import explain, log_odds_contributions


def _logit(p: float) -> float:
    return math.log(p) - math.log1p(-p)


def _capped_logit(p: float) -> float:
    """The log-odds as explain counts them: a certain posterior is +-CERTAIN_LOG_ODDS."""
    cap = explain_module.CERTAIN_LOG_ODDS
    return cap if p >= 1.0 else -cap if p <= 0.0 else min(cap, max(-cap, _logit(p)))


def _possible(model, evidence) -> bool:
    try:
        model.posteriors(evidence)
    except crampnet.ImpossibleEvidenceError:
        return False
    return True


def _permutation_shapley(model, evidence, condition):
    """Shapley values by the permutation definition, each prefix scored by model.posteriors."""
    ids = list(evidence)
    totals = dict.fromkeys(ids, 0.0)
    perms = list(itertools.permutations(ids))
    for perm in perms:
        before = _logit(float(model.posteriors({})[condition]))
        for k, nid in enumerate(perm):
            after = _logit(float(model.posteriors({n: evidence[n] for n in perm[: k + 1]})[condition]))
            totals[nid] += after - before
            before = after
    return {nid: v / len(perms) for nid, v in totals.items()}


@given(data=st.data())
@settings(max_examples=40)
def test_contributions_sum_to_the_change_in_log_odds(tiny, evidence_st, data):
    """Check that contributions sum to logit(posterior) - logit(prior) for random (soft) evidence."""
    evidence = data.draw(evidence_st(tiny, soft=True, max_size=6))
    assume(_possible(tiny, evidence))
    table = log_odds_contributions(tiny, evidence)
    post, prior = tiny.posteriors(evidence), tiny.posteriors({})
    for cond in tiny.conditions:
        column = table[cond]
        p = float(post[cond])
        assert np.isfinite(column.to_numpy()).all()
        assert (cond in table.attrs["certain"]) == (p in (0.0, 1.0))
        assert float(column.sum()) == pytest.approx(_capped_logit(p) - _capped_logit(float(prior[cond])), abs=1e-9)


@given(seed=st.integers(0, 2**31 - 1))
@settings(max_examples=15)
def test_sums_on_random_networks(random_networks, seed):
    """Check exact sums on random networks with every CPD model, hard and soft evidence."""
    model, _, _ = random_networks.make(seed)
    evidence = random_networks.evidence(seed + 7, model, soft=True, max_size=6)
    assume(_possible(model, evidence))
    table = log_odds_contributions(model, evidence)
    post, prior = model.posteriors(evidence), model.posteriors({})
    for cond in model.conditions:
        assert np.isfinite(table[cond].to_numpy()).all()
        assert float(table[cond].sum()) == pytest.approx(_capped_logit(float(post[cond])) - _capped_logit(float(prior[cond])), abs=1e-9)


@pytest.mark.parametrize("evidence", [
    {"urge": "yes", "ferritin": "low", "age_group": "65_plus"},
    {"drug": "yes", "location": "calf", "pulses": "diminished", "urge": "no"},
    {"ferritin": {"low": 0.8, "normal": 0.3}, "urge": "yes"},
])  # fmt: skip
def test_equal_to_permutation_shapley(tiny, evidence):
    """Check the subset formula against Shapley values by the permutation definition."""
    table = log_odds_contributions(tiny, evidence)
    for cond in ("cramps", "rls"):
        expected = _permutation_shapley(tiny, evidence, cond)
        for nid, value in expected.items():
            assert table.loc[nid, cond] == pytest.approx(value, abs=1e-9)


def test_single_entry_gets_the_whole_change(tiny):
    """Check that one entry's contribution is the log of its likelihood-ratio factor on the odds."""
    table = explain(tiny, {"urge": True}, "rls")
    post, prior = float(tiny.posteriors({"urge": True})["rls"]), float(tiny.posteriors({})["rls"])
    odds_ratio = (post / (1 - post)) / (prior / (1 - prior))
    assert table.loc["urge", "likelihood_ratio"] == pytest.approx(odds_ratio, rel=1e-9)
    assert table.loc["urge", "log_odds"] == pytest.approx(math.log(odds_ratio), rel=1e-9)


def test_sequence_is_exact_and_follows_the_given_order(tiny):
    """Check the stated sequence: successive changes in the order given, summing exactly."""
    evidence = {"age_group": "65_plus", "urge": "yes", "ferritin": "low"}
    table = log_odds_contributions(tiny, evidence, ["rls"], method="sequence")
    steps = [{}, {"age_group": "65_plus"}, {"age_group": "65_plus", "urge": "yes"}, evidence]
    logits = [_logit(float(tiny.posteriors(e)["rls"])) for e in steps]
    assert table["rls"].tolist() == pytest.approx(list(np.diff(logits)), abs=1e-9)


def test_auto_switches_to_sequence_above_the_limit(tiny, monkeypatch):
    """Check that above MAX_SHAPLEY entries the stated sequence is used."""
    evidence = {"age_group": "65_plus", "urge": "yes", "ferritin": "low"}
    monkeypatch.setattr(explain_module, "MAX_SHAPLEY", 2)
    auto = log_odds_contributions(tiny, evidence, ["rls"])
    sequence = log_odds_contributions(tiny, evidence, ["rls"], method="sequence")
    pd.testing.assert_frame_equal(auto, sequence)


def test_table_shape_index_and_sentences(tiny):
    """Check columns, index by resolved node id, exp relation and readable sentences."""
    table = explain(tiny, {"age": 70, "ferritin": 32, "urge": True}, "rls")
    assert list(table.columns) == ["state", "log_odds", "likelihood_ratio", "sentence"]
    assert set(table.index) == {"age_group", "ferritin", "urge"}
    assert np.allclose(np.exp(table["log_odds"]), table["likelihood_ratio"])
    assert table.loc["ferritin", "state"] == "low"
    assert table.loc["ferritin", "sentence"].startswith("ferritin 32 ng/mL (low): odds of rls x")
    assert table.loc["age_group", "sentence"].startswith("age group 70 years (65_plus): odds of rls x")
    assert list(table["log_odds"].abs()) == sorted(table["log_odds"].abs(), reverse=True)


def test_no_evidence_gives_an_empty_table(tiny):
    """Check that without evidence there is nothing to explain."""
    assert len(explain(tiny, {}, "rls")) == 0


def test_certain_condition_counts_as_capped_log_odds(tiny):
    """Check that a condition made certain by a deterministic link gets finite shares of +-CERTAIN_LOG_ODDS, never NaN (issue 16)."""
    table = explain(tiny, {"jerks": "yes", "urge": "yes"}, "plm")
    assert np.isfinite(table[["log_odds", "likelihood_ratio"]].to_numpy()).all()
    prior = float(tiny.posteriors({})["plm"])
    assert float(table["log_odds"].sum()) == pytest.approx(explain_module.CERTAIN_LOG_ODDS - _logit(prior), abs=1e-9)
    assert table.index[0] == "jerks"  # the entry that makes plm certain gets the large share
    assert "certain under part of the evidence" in table.loc["jerks", "sentence"]


def test_unknown_condition_suggests_the_closest(tiny):
    """Check that a mistyped condition raises UnknownNodeError with a suggestion."""
    with pytest.raises(crampnet.UnknownNodeError, match="Did you mean 'rls'"):
        explain(tiny, {"urge": True}, "rlss")
    with pytest.raises(crampnet.UnknownNodeError, match="is a finding, not a condition"):
        explain(tiny, {"urge": True}, "ferritin")
    with pytest.raises(ValueError, match="'method' argument"):
        log_odds_contributions(tiny, {"urge": True}, method="lime")


def test_sentences_are_shown_whole_in_notebooks_and_consoles(model):
    """Check that the explain table's HTML and text displays hold every sentence whole (issue 15: cut at 50 characters)."""
    import html
    import pickle

    dx = model.diagnose({"urge_to_move": True, "relief_by_movement": True, "worse_evening": True, "ferritin": 32})
    table = dx.explain("restless_legs_syndrome")
    sentences = table["sentence"].tolist()
    assert max(map(len, sentences)) > pd.get_option("display.max_colwidth")  # long enough to have been cut
    shown_html, shown_text = table._repr_html_(), repr(table)
    assert "..." not in shown_html and "…" not in shown_html
    for sentence in sentences:
        assert html.escape(sentence) in shown_html, sentence
        assert sentence in shown_text, sentence
    assert all(column in shown_text for column in table.columns)  # no column hidden behind "..."
    assert 'class="dataframe crampnet-explanation ' in shown_html  # the left-aligned sentences apply to this table only (then the classes MathJax skips)
    # Only the display differs: it is a DataFrame, its slices keep the display, it pickles, the global options are untouched.
    assert isinstance(table, pd.DataFrame) and type(table).__name__ == "Explanation"
    assert type(table.head(2)) is type(table) and html.escape(sentences[0]) in table.head(2)._repr_html_()
    again = pickle.loads(pickle.dumps(table))
    pd.testing.assert_frame_equal(again, table)
    assert type(again) is type(table)
    assert pd.get_option("display.max_colwidth") == 50
    assert len(pd.DataFrame(table)._repr_html_()) < len(shown_html)  # a plain frame still cuts them


def test_a_condition_ruled_out_is_not_called_certain(tiny):
    """Check the sentence of an entry that rules a condition out says so, not that the condition is certain.

    jerks is a noisy-OR of plm alone with no leak (tests/data/tiny.toml), so
    jerks=no makes plm impossible; the sentence read "odds of plm x5.6e-300
    (the condition is certain under part of the evidence; certainty counts as
    odds of 1e300 to 1)" beside plm's probability of 0.
    """
    assert float(tiny.posteriors({"jerks": "no"})["plm"]) == 0.0
    sentence = explain(tiny, {"jerks": "no", "urge": "yes"}, "plm").loc["jerks", "sentence"]
    assert "ruled out under part of the evidence" in sentence and "odds of 1 to 1e300" in sentence, sentence
    assert "certain" not in sentence, sentence
    present = explain(tiny, {"jerks": "yes", "urge": "yes"}, "plm").loc["jerks", "sentence"]
    assert "certain under part of the evidence" in present and "ruled out" not in present, present
    report = tiny.diagnose({"jerks": "no", "urge": "yes"}).report()
    section = report.split("### plm")[1].split("###")[0]
    assert "ruled out under part of the evidence" in section and "certain" not in section, section


def test_sentences_show_numbers_of_every_real_type(tiny):
    """Check a number of numpy's or Decimal's type is written in the sentence with its unit, as an int is.

    The sentence checked for int and float alone: ``np.int64(70)`` (from a
    DataFrame of integers) read "age group (65_plus)", the number gone.
    """
    import decimal

    table = explain(tiny, {"age": np.int64(70), "ferritin": decimal.Decimal("32.5")}, "rls")
    assert table.loc["age_group", "sentence"].startswith("age group 70 years (65_plus): odds of rls x")
    assert table.loc["ferritin", "sentence"].startswith("ferritin 32.5 ng/mL (low): odds of rls x")
