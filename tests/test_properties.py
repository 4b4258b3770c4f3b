"""Properties of posteriors that hold for any evidence, on tiny.toml and the shipped network."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.network.evidence import normalise

CONDITION_IDS = 19  # conditions in shared/vocabulary.md
TRUE_STATES = ("yes", "present", "positive")
FALSE_STATES = ("no", "absent", "negative")

# The bands that shared/vocabulary.md states, as (state, low, high, low_open, high_open),
# drawn inside conservative limits that any sensible 'valid' range contains.
VOCABULARY_BANDS = {
    "ferritin": [("low", 1.0, 50.0, False, True), ("normal", 50.0, 1000.0, False, False)],
    "potassium": [("low", 2.0, 3.5, False, True), ("normal", 3.5, 6.5, False, False)],
    "magnesium": [("low", 0.3, 0.7, False, True), ("normal", 0.7, 1.5, False, False)],
    "calcium": [("low", 1.2, 2.1, False, True), ("normal", 2.1, 3.0, False, False)],
    "sodium": [("low", 115.0, 135.0, False, True), ("normal", 135.0, 160.0, False, False)],
    "tsh": [("low", 0.01, 0.4, False, True), ("normal", 0.4, 4.5, False, False), ("high", 4.5, 50.0, True, False)],
    "ankle_brachial_index": [
        ("very_low", 0.1, 0.4, False, True),
        ("low", 0.4, 0.9, False, True),
        ("normal", 0.9, 1.4, True, False),
        ("non_compressible", 1.4, 2.5, True, False),
    ],
    "age": [("under_40", 18.0, 40.0, False, True), ("40_to_64", 40.0, 65.0, False, True), ("65_plus", 65.0, 100.0, False, False)],
}


def _budget(which: str, tiny_examples: int, shipped_examples: int) -> settings:
    """Hypothesis settings: the shipped network costs ~0.05-0.1 s per query, tiny.toml almost nothing."""
    return settings(max_examples=tiny_examples if which == "tiny" else shipped_examples, suppress_health_check=[HealthCheck.too_slow])


def _assert_valid(post: pd.Series, model: crampnet.Model) -> None:
    assert sorted(post.index) == sorted(model.conditions)
    values = post.to_numpy(dtype=float)
    assert not np.isnan(values).any()
    assert ((values >= 0) & (values <= 1)).all()
    assert (np.diff(values) <= 0).all(), "posteriors are not sorted descending"


def _bool_spelling(model: crampnet.Model, evidence: dict[str, object]) -> dict[str, object]:
    """Replace yes/present/positive by True and no/absent/negative by False where the node has the pair."""
    out: dict[str, object] = {}
    for nid, value in evidence.items():
        states = model.states(nid)
        pos = next((s for s in TRUE_STATES if s in states), None)
        neg = next((s for s in FALSE_STATES if s in states), None)
        if value == pos and neg is not None:
            out[nid] = True
        elif value == neg and pos is not None:
            out[nid] = False
        else:
            out[nid] = value
    return out


def _band_of(node, value: float) -> str:
    """The state of a number by the rules of FORMAT.md ('below' is <, 'up_to' is <=, last band open)."""
    for band in node.bands[:-1]:
        if band.below is not None and value < band.below:
            return band.state
        if band.up_to is not None and value <= band.up_to:
            return band.state
    return node.bands[-1].state


# ---------------------------------------------------------------------------
# Valid probabilities
# ---------------------------------------------------------------------------


@given(data=st.data())
@settings(max_examples=60)
def test_tiny_posteriors_valid_and_equal_brute_force(tiny, tiny_oracle, evidence_st, data):
    """Check tiny posteriors are in [0, 1], not NaN, sorted, and equal brute force (hard and soft)."""
    evidence = data.draw(evidence_st(tiny, max_size=6, soft=True), label="evidence")
    total = tiny_oracle.weights(evidence).sum()
    if total == 0:
        with pytest.raises(crampnet.ImpossibleEvidenceError):
            tiny.posteriors(evidence)
        return
    post = tiny.posteriors(evidence)
    _assert_valid(post, tiny)
    for cond in tiny.conditions:
        assert post[cond] == pytest.approx(tiny_oracle.posterior(cond, evidence), abs=1e-9), cond


@given(data=st.data())
@settings(max_examples=20)
def test_shipped_posteriors_valid(model, evidence_st, data):
    """Check shipped posteriors are in [0, 1], not NaN and sorted, for up to 12 observed nodes."""
    evidence = data.draw(evidence_st(model, max_size=12, soft=True), label="evidence")
    try:
        post = model.posteriors(evidence)
    except crampnet.ImpossibleEvidenceError:
        assume(False)
    _assert_valid(post, model)


# ---------------------------------------------------------------------------
# No evidence gives the prior
# ---------------------------------------------------------------------------


def test_tiny_no_evidence_is_the_prior(tiny, tiny_oracle):
    """Check that no evidence gives the prior marginals computed by brute force."""
    expected = tiny_oracle.posteriors(tiny.conditions)
    for evidence in (None, {}):
        post = tiny.posteriors(evidence)
        for cond in tiny.conditions:
            assert post[cond] == pytest.approx(expected[cond], abs=1e-12), cond


def test_shipped_no_evidence_is_the_prior(model, pgmpy_ve):
    """Check that no evidence gives the prior marginals computed by pgmpy VE."""
    expected = pgmpy_ve(model.network, model.conditions, {})
    post = model.posteriors()
    for cond in model.conditions:
        assert post[cond] == pytest.approx(expected[cond], abs=1e-9), cond
    pd.testing.assert_series_equal(post, model.posteriors({}), check_exact=True)


@pytest.mark.parametrize("which", ["tiny", "model"])
def test_uninformative_soft_evidence_changes_nothing(request, which):
    """Check that soft evidence with equal likelihoods on every state leaves the prior unchanged."""
    m = request.getfixturevalue(which)
    finding = m.findings[0]
    flat = {s: 0.3 for s in m.states(finding)}
    pd.testing.assert_series_equal(m.posteriors({finding: flat}).sort_index(), m.posteriors({}).sort_index(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("which", ["tiny", "model"])
def test_observed_condition_is_certain(request, which):
    """Check that observing a condition present (absent) gives it posterior 1 (0)."""
    m = request.getfixturevalue(which)
    cases = [(cond, state) for cond in m.conditions for state in ("present", "absent")]
    frame = pd.DataFrame([{cond: state} for cond, state in cases], dtype=object)
    frame = frame.where(frame.notna(), None)
    batch = m.posteriors(frame)
    for i, (cond, state) in enumerate(cases):
        assert batch.iloc[i][cond] == pytest.approx(1.0 if state == "present" else 0.0, abs=1e-12), (cond, state)


# ---------------------------------------------------------------------------
# Spelling and order do not matter
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["tiny", "model"])
def test_evidence_order_does_not_matter(request, evidence_st, which):
    """Check that shuffling the evidence dict leaves the posteriors unchanged."""
    m = request.getfixturevalue(which)

    @_budget(which, 40, 10)
    @given(data=st.data())
    def check(data):
        evidence = data.draw(evidence_st(m, max_size=8, soft=True), label="evidence")
        order = data.draw(st.permutations(list(evidence)), label="order")
        shuffled = {k: evidence[k] for k in order}
        try:
            first = m.posteriors(evidence)
        except crampnet.ImpossibleEvidenceError:
            with pytest.raises(crampnet.ImpossibleEvidenceError):
                m.posteriors(shuffled)
            return
        pd.testing.assert_series_equal(m.posteriors(shuffled).sort_index(), first.sort_index(), rtol=0, atol=1e-12)

    check()


@pytest.mark.parametrize("which", ["tiny", "model"])
def test_true_false_spelling_is_identical(request, evidence_st, which):
    """Check that True/False give exactly the posteriors of yes/no, present/absent, positive/negative."""
    m = request.getfixturevalue(which)

    @_budget(which, 40, 10)
    @given(data=st.data())
    def check(data):
        evidence = data.draw(evidence_st(m, max_size=8), label="evidence")
        spelled = _bool_spelling(m, evidence)
        try:
            by_name = m.posteriors(evidence)
        except crampnet.ImpossibleEvidenceError:
            with pytest.raises(crampnet.ImpossibleEvidenceError):
                m.posteriors(spelled)
            return
        pd.testing.assert_series_equal(m.posteriors(spelled), by_name, check_exact=True)

    check()


def _binary_pairs(m: crampnet.Model) -> list[tuple[str, bool, str]]:
    """(node, True/False, the state it stands for) for every node with a yes/no-like pair."""
    out = []
    for nid in m.spec.nodes:
        states = m.states(nid)
        pos = next((s for s in TRUE_STATES if s in states), None)
        neg = next((s for s in FALSE_STATES if s in states), None)
        if pos is not None and neg is not None:
            out += [(nid, True, pos), (nid, False, neg)]
    return out


def test_true_false_on_every_binary_node(model):
    """Check True and False on every node with a yes/no, present/absent or positive/negative pair."""
    pairs = _binary_pairs(model)
    assert len(pairs) >= 2 * (CONDITION_IDS + 20)
    for nid, flag, state in pairs:
        by_flag = normalise(model.spec, {nid: flag})[nid]
        by_name = normalise(model.spec, {nid: state})[nid]
        assert by_flag.tolist() == by_name.tolist(), (nid, flag, state)
    # and through inference, for the nodes the seed scenarios use
    for nid in ["visible_hard_contraction", "urge_to_move", "straight_leg_raise", "restless_legs_syndrome", "smoker"]:
        state = "positive" if nid == "straight_leg_raise" else "present" if nid in model.conditions else "yes"
        pd.testing.assert_series_equal(model.posteriors({nid: True}), model.posteriors({nid: state}), check_exact=True)


# ---------------------------------------------------------------------------
# Numbers and their bands
# ---------------------------------------------------------------------------


def _numeric_nodes(m: crampnet.Model) -> list[str]:
    return [nid for nid, node in m.spec.nodes.items() if node.bands]


@pytest.mark.parametrize("which", ["tiny", "model"])
def test_number_equals_its_band(request, which):
    """Check that a number inside the network's valid range gives exactly the posteriors of its band."""
    m = request.getfixturevalue(which)
    nodes = _numeric_nodes(m)
    assert nodes, "the network has no numeric node"

    @_budget(which, 60, 15)
    @given(data=st.data())
    def check(data):
        nid = data.draw(st.sampled_from(nodes), label="node")
        node = m.spec.nodes[nid]
        low, high = node.valid
        value = data.draw(st.floats(low, high, allow_nan=False), label="value")
        state = _band_of(node, value)
        pd.testing.assert_series_equal(m.posteriors({nid: value}), m.posteriors({nid: state}), check_exact=True)

    check()


@pytest.mark.parametrize("which", ["tiny", "model"])
def test_band_edges(request, which):
    """Check each band bound: 'below = x' puts x in the next band, 'up_to = x' keeps x in this one."""
    m = request.getfixturevalue(which)
    for nid in _numeric_nodes(m):
        node = m.spec.nodes[nid]
        for i, band in enumerate(node.bands[:-1]):
            nxt = node.bands[i + 1].state
            if band.below is not None:
                edge, inside, outside = band.below, math.nextafter(band.below, -math.inf), band.below
            else:
                edge, inside, outside = band.up_to, band.up_to, math.nextafter(band.up_to, math.inf)
            assert node.valid[0] <= edge <= node.valid[1]
            for number, state in ((inside, band.state), (outside, nxt)):
                by_number = normalise(m.spec, {nid: number})[nid].tolist()
                assert by_number == normalise(m.spec, {nid: state})[nid].tolist(), (nid, number, state)
                if which == "tiny":
                    pd.testing.assert_series_equal(m.posteriors({nid: number}), m.posteriors({nid: state}), check_exact=True)


@given(data=st.data())
@settings(max_examples=20)
def test_vocabulary_number_equals_its_band(model, data):
    """Check the vocabulary bands (ferritin, potassium, ..., tsh, ABI, age) with numbers drawn inside each band."""
    node = data.draw(st.sampled_from(sorted(VOCABULARY_BANDS)), label="node")
    state, low, high, low_open, high_open = data.draw(st.sampled_from(VOCABULARY_BANDS[node]), label="band")
    value = data.draw(st.floats(low, high, exclude_min=low_open, exclude_max=high_open), label="value")
    target = "age_group" if node == "age" else node
    pd.testing.assert_series_equal(model.posteriors({node: value}), model.posteriors({target: state}), check_exact=True)


@pytest.mark.parametrize(("node", "number", "state"), [
    ("ferritin", 32, "low"),
    ("ferritin", 80, "normal"),
    ("ferritin", np.float64(32.0), "low"),
    ("ferritin", np.int64(80), "normal"),
    ("age", 70, "65_plus"),
    ("age_group", 70, "65_plus"),
    ("age", 30, "under_40"),
    ("tsh", 8.0, "high"),
    ("tsh", 0.1, "low"),
    ("ankle_brachial_index", 0.6, "low"),
    ("ankle_brachial_index", 1.6, "non_compressible"),
    ("potassium", 3.1, "low"),
    ("sodium", 140, "normal"),
])
def test_shipped_examples_of_numbers(model, node, number, state):
    """Check the documented examples: ferritin 32 is low, 80 normal, age 70 is 65_plus, tsh, abi, potassium ..."""
    target = "age_group" if node in ("age", "age_group") else node
    pd.testing.assert_series_equal(model.posteriors({node: number}), model.posteriors({target: state}), check_exact=True)


# ---------------------------------------------------------------------------
# Monotonicity: Bayes' rule with the likelihood ratio from model.probability
# ---------------------------------------------------------------------------


def _positive(m: crampnet.Model, nid: str) -> str | None:
    states = m.states(nid)
    if len(states) != 2:
        return None
    return next((s for s in TRUE_STATES if s in states), states[0])


def _check_bayes(m: crampnet.Model, condition: str, finding: str, evidence: dict[str, object]) -> None:
    pos = _positive(m, finding)
    try:
        prior = m.posteriors(evidence)[condition]
        p_yes_present = m.probability({finding: pos}, given={**evidence, condition: "present"})
        p_yes_absent = m.probability({finding: pos}, given={**evidence, condition: "absent"})
    except crampnet.ImpossibleEvidenceError:
        assume(False)
        return
    assume(p_yes_absent > 1e-12 and p_yes_present > 1e-12)
    lr = p_yes_present / p_yes_absent
    try:
        post = m.posteriors({**evidence, finding: pos})[condition]
    except crampnet.ImpossibleEvidenceError:
        pytest.fail(f"{finding}={pos} has positive probability but was called impossible")
    expected = prior * lr / (prior * lr + 1 - prior)
    assert post == pytest.approx(expected, abs=1e-9)
    # The direction, to the engine's accuracy (1e-9): where the finding says
    # nothing about the condition (LR 1 up to ~1e-11 of rounding, e.g.
    # ferritin and metabolic myopathy) a tighter bound would test the noise.
    if lr > 1:
        assert post >= prior - 1e-9, (condition, finding, lr, prior, post)
    elif lr < 1:
        assert post <= prior + 1e-9, (condition, finding, lr, prior, post)


@pytest.mark.parametrize("which", ["tiny", "model"])
def test_likelihood_ratio_direction(request, evidence_st, which):
    """Check that adding F=yes raises C exactly when LR = P(F|C,e)/P(F|not C,e) > 1, by Bayes' rule."""
    m = request.getfixturevalue(which)
    binary = [f for f in m.findings if _positive(m, f)]

    @_budget(which, 50, 12)
    @given(data=st.data())
    def check(data):
        condition = data.draw(st.sampled_from(m.conditions), label="condition")
        finding = data.draw(st.sampled_from(binary), label="finding")
        others = [n for n in m.spec.nodes if n not in (condition, finding)]
        evidence = data.draw(evidence_st(m, others, max_size=5), label="evidence")
        _check_bayes(m, condition, finding, evidence)

    check()


SCENARIO_FINDINGS = [
    "visible_hard_contraction",
    "urge_to_move",
    "relief_by_movement",
    "worse_at_rest",
    "worse_evening",
    "exertional_pain_relieved_by_rest",
    "varicosities",
    "edema",
    "dermatomal_radiation",
    "straight_leg_raise",
]


def test_scenario_findings_move_their_parents_the_right_way(model):
    """Check, for each seed-scenario finding F and each parent condition C, that F=yes moves C the way its LR says."""
    prior = model.posteriors({})
    rows = [{f: _positive(model, f)} for f in SCENARIO_FINDINGS]
    frame = pd.DataFrame(rows, index=SCENARIO_FINDINGS, dtype=object)
    frame = frame.where(frame.notna(), None)
    after = model.posteriors(frame)
    checked = 0
    for finding in SCENARIO_FINDINGS:
        pos = _positive(model, finding)
        for condition in (str(c) for c in model.network.get_parents(finding)):
            if model.spec.nodes[condition].role != "condition":
                continue
            lr = model.probability({finding: pos}, given={condition: "present"}) / model.probability({finding: pos}, given={condition: "absent"})
            post = after.loc[finding, condition]
            p0 = prior[condition]
            assert post == pytest.approx(p0 * lr / (p0 * lr + 1 - p0), abs=1e-9), (condition, finding)
            if lr > 1:
                assert post > p0, (condition, finding, lr)
            elif lr < 1:
                assert post < p0, (condition, finding, lr)
            checked += 1
    assert checked >= len(SCENARIO_FINDINGS)


# ---------------------------------------------------------------------------
# Batches
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["tiny", "model"])
def test_batch_equals_row_by_row(request, evidence_st, which):
    """Check that a DataFrame of cases gives, row by row, the posteriors of single calls."""
    m = request.getfixturevalue(which)

    @_budget(which, 15, 4)
    @given(data=st.data())
    def check(data):
        # At least one observed cell, so the frame has a column (an all-empty frame has its own test).
        first = data.draw(evidence_st(m, min_size=1, max_size=6, soft=True), label="first case")
        cases = [first, *data.draw(st.lists(evidence_st(m, max_size=6, soft=True), max_size=4), label="more cases")]
        singles = []
        for case in cases:
            try:
                singles.append(m.posteriors(case))
            except crampnet.ImpossibleEvidenceError:
                assume(False)
        frame = pd.DataFrame(cases, index=[f"row{i}" for i in range(len(cases))], dtype=object)
        frame = frame.where(frame.notna(), None)
        batch = m.posteriors(frame)
        assert list(batch.index) == list(frame.index)
        assert list(batch.columns) == m.conditions
        # Batch and single calls may run a case on different paths (Quickscore's signed sums or a pruned
        # tree); the signed sums carry up to _quickscore_path.CONDITION (1e6) times double rounding (~1e-16),
        # 8e-12 measured there at 1e5, so 1e-12 was below the engine's own bound (one random soft case
        # reached 7.4e-13 on the shipped network, and 1.6e-12 with one more condition, session 15).
        for label, single in zip(frame.index, singles, strict=True):
            np.testing.assert_allclose(batch.loc[label, m.conditions].to_numpy(dtype=float), single[m.conditions].to_numpy(dtype=float), rtol=0, atol=1e-10)

    check()


def test_batch_accepts_numbers_booleans_and_missing_cells(model):
    """Check a batch mixing numbers, booleans, state names and missing cells (None and NaN)."""
    frame = pd.DataFrame(
        {
            "ferritin": [32, None, 80.0],
            "urge_to_move": [True, False, None],
            "age": [70, 30, float("nan")],
            "straight_leg_raise": ["positive", None, "negative"],
        },
        index=["a", "b", "c"],
    )
    batch = model.posteriors(frame)
    rows = {
        "a": {"ferritin": "low", "urge_to_move": "yes", "age_group": "65_plus", "straight_leg_raise": "positive"},
        "b": {"urge_to_move": "no", "age_group": "under_40"},
        "c": {"ferritin": "normal", "straight_leg_raise": "negative"},
    }
    for label, case in rows.items():
        single = model.posteriors(case)
        np.testing.assert_allclose(batch.loc[label, model.conditions].to_numpy(dtype=float), single[model.conditions].to_numpy(dtype=float), rtol=0, atol=1e-12)


def test_batch_without_columns_gives_the_prior(tiny):
    """Check that a DataFrame of rows with no columns (nothing observed) gives one prior row per case."""
    frame = pd.DataFrame(index=["a", "b", "c"])
    batch = tiny.posteriors(frame)
    assert list(batch.index) == ["a", "b", "c"]
    prior = tiny.posteriors({})
    for label in batch.index:
        for cond in tiny.conditions:
            assert batch.loc[label, cond] == pytest.approx(prior[cond], abs=1e-12)


def test_batch_with_zero_rows(tiny):
    """Check that an empty DataFrame gives an empty result with one column per condition."""
    batch = tiny.posteriors(pd.DataFrame({"urge": []}))
    assert batch.shape == (0, len(tiny.conditions))
    assert list(batch.columns) == tiny.conditions


def test_batch_in_small_slices_equals_row_by_row(tiny, monkeypatch):
    """Check that scoring a batch in slices of 2 rows (and engine chunks of 1) gives the same rows, in order, as single calls."""
    monkeypatch.setattr("crampnet.base.BATCH_ROWS", 2)
    monkeypatch.setattr("crampnet.inference.compiled.CHUNK_ENTRIES", 1)
    cases = [{}, {"urge": "yes"}, {"ferritin": 20}, {"pulses": "absent", "age": 70}, {"location": {"calf": 0.9, "foot": 0.1, "diffuse": 0.2}}, {"jerks": "no"}, {"cramps": "present"}]
    frame = pd.DataFrame(cases, index=[f"c{i}" for i in range(len(cases))], dtype=object)
    frame = frame.where(frame.notna(), None)
    batch = tiny.posteriors(frame)
    assert list(batch.index) == list(frame.index)
    for label, case in zip(frame.index, cases, strict=True):
        single = tiny.posteriors(case)
        for cond in tiny.conditions:
            assert batch.loc[label, cond] == pytest.approx(single[cond], abs=1e-12), (label, cond)


def test_iter_posteriors_equals_one_batch(tiny):
    """Check that iter_posteriors over chunks gives the rows of one batch, chunk by chunk."""
    frame = pd.DataFrame({"urge": ["yes", "no", None, "yes", "no"], "ferritin": [20, 80, 30, None, 10]}, index=list("abcde"))
    whole = tiny.posteriors(frame)
    parts = list(tiny.iter_posteriors([frame.iloc[:2], frame.iloc[2:]]))
    assert [list(p.index) for p in parts] == [["a", "b"], ["c", "d", "e"]]
    pd.testing.assert_frame_equal(pd.concat(parts), whole, rtol=0, atol=1e-12)
