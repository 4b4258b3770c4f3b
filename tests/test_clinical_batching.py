"""Check that the clinical batches answered on one shared tree (inference._routing.shared_tree) are exact."""

from __future__ import annotations

import numpy as np
import pytest

import crampnet
from crampnet.inference import _routing
from crampnet.reasoning._decision import collect
from crampnet.reasoning._scoring import observe, stack

CASE = {"presenting_complaint": "restlessness", "urge_to_move": True, "uncomfortable_sensations": True,
        "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True, "ferritin": 32}  # fmt: skip


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


def _answer_rows(model: crampnet.Model) -> tuple[dict[str, np.ndarray], int]:
    """The case, then each answer of a few questions: the batch next_questions scores."""
    base = observe(model, CASE)
    rows = [base]
    for q in ("fasciculations", "edema", "pregnancy", "pain_location", "sex"):
        card = len(model.spec.nodes[q].states)
        rows.extend({**base, q: np.eye(card)[k]} for k in range(card))
    return stack(model, rows), len(rows)


def test_shared_tree_answers_every_row_and_matches_the_per_row_paths(model: crampnet.Model) -> None:
    """Check that the shared-tree plan answers the answer rows and agrees with each row scored alone."""
    batch, n = _answer_rows(model)
    arrays = {k: np.asarray(a, dtype=float) for k, a in batch.items()}
    answered = _routing.shared_tree(model.compiled, arrays, n, jit=False)
    assert answered is not None
    rows, post, log_ev = answered
    assert rows.size > n // 2
    for r, p, lg in zip(rows, post, log_ev, strict=True):
        alone, alone_log = model.compiled.evaluate({k: a[r : r + 1] for k, a in arrays.items()})
        np.testing.assert_allclose(p, alone[0], atol=1e-9, rtol=0)
        assert lg == pytest.approx(float(alone_log[0]), abs=1e-9)


def test_collect_matches_pgmpy_variable_elimination(model: crampnet.Model) -> None:
    """Check P(C | e, Q = q) and P(Q = q | e) of next_questions' batch against pgmpy VE."""
    from pgmpy.inference import VariableElimination

    answers = collect(model, CASE, ["fasciculations", "pain_location"])
    ve = VariableElimination(model.network)
    base = {k: model.spec.nodes[k].states[int(np.argmax(v))] for k, v in observe(model, CASE).items()}
    for i, q in enumerate(answers.candidates):
        prior = ve.query([q], evidence=base, show_progress=False)
        for row, state in zip(answers.rows(i), model.spec.nodes[q].states, strict=True):
            assert answers.weight[row] == pytest.approx(float(prior.get_value(**{q: state})), abs=1e-9)
            if answers.weight[row] == 0:
                continue
            result = ve.query(model.conditions, evidence={**base, q: state}, joint=False, show_progress=False)
            expected = [float(result[c].get_value(**{c: "present"})) for c in model.conditions]
            np.testing.assert_allclose(answers.post[row], expected, atol=1e-9, rtol=0)


def test_repeated_pseudo_cases_run_once(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check that a batch of identical rows passes one pseudo-case per distinct term, not one per row."""
    from crampnet.inference import _quickscore_path

    one = observe(model, {"urge_to_move": True})
    arrays = {k: np.repeat(v[None, :], 40, axis=0) for k, v in one.items()}
    seen: list[int] = []
    tree, _ = model.compiled.tree_for(frozenset())
    original = type(tree).marginals

    def spy(self, evidence, query, potentials=None):  # type: ignore[no-untyped-def]
        seen.append(max((e.shape[0] for e in evidence.values()), default=1))
        return original(self, evidence, query, potentials)

    monkeypatch.setattr(type(tree), "marginals", spy)
    rows, post, _ = _quickscore_path.run_numpy(model.compiled, arrays, 40, 256)
    assert rows.size == 40 and max(seen) == 2  # "yes" = 1 - product: two distinct terms
    np.testing.assert_allclose(post, np.repeat(post[:1], 40, axis=0), atol=0, rtol=0)


#: A PAD-like case: keeping presenting_complaint in the tree with the other
#: findings every row observes widens it ~12-fold, so the shared plan expands it.
PAD = {"age": 72, "presenting_complaint": "pain", "symptom_duration": "over_3_months", "exertional_pain_relieved_by_rest": True,
       "pedal_pulses": "diminished", "ankle_brachial_index": 0.7}  # fmt: skip


def test_narrowest_expands_a_widening_finding_and_stays_exact(model: crampnet.Model) -> None:
    """Check the kept findings' tree is no wider than keeping them all, and the shared plan's rows against pgmpy VE."""
    from pgmpy.inference import VariableElimination

    base = observe(model, PAD)
    rows = [base]
    for q in ("edema", "sex", "pain_location"):
        card = len(model.spec.nodes[q].states)
        rows.extend({**base, q: np.eye(card)[k]} for k in range(card))
    arrays = {k: np.asarray(a, dtype=float) for k, a in stack(model, rows).items()}
    net = model.compiled
    observed = frozenset(k for k in base if k in net._terms and model.spec.nodes[k].role == "finding")
    spread = {k: int(_routing.term_counts({k: arrays[k][:1]}, net._terms, 1, _routing.TERM_CAP)[0]) for k in observed}
    kept = _routing._narrowest(net, frozenset(k for k, t in spread.items() if t > 1), spread)
    assert kept < frozenset(k for k, t in spread.items() if t > 1)  # at least one dropped
    assert net.tree_for(kept)[0].entries < net.tree_for(frozenset(k for k, t in spread.items() if t > 1))[0].entries
    answered = _routing.shared_tree(net, arrays, len(rows), jit=False)
    assert answered is not None
    done, post, _ = answered
    assert done.size == len(rows)
    ve = VariableElimination(model.network)
    states = {k: model.spec.nodes[k].states[int(np.argmax(v))] for k, v in base.items()}
    for r in done[:: max(1, done.size // 4)]:
        extra = {k: model.spec.nodes[k].states[int(np.argmax(a[r]))] for k, a in arrays.items() if k not in base}
        evidence = {**states, **{k: s for k, s in extra.items() if not np.all(arrays[k][r] == 1.0)}}
        result = ve.query(model.conditions, evidence=evidence, joint=False, show_progress=False)
        expected = [float(result[c].get_value(**{c: "present"})) for c in model.conditions]
        np.testing.assert_allclose(post[list(done).index(r)], expected, atol=1e-9, rtol=0)


def test_impossible_rows_are_answered_on_the_shared_tree(model: crampnet.Model) -> None:
    """Check that run_numpy answers a row of probability zero (NaN, -inf) and pgmpy gives that answer probability 0."""
    from pgmpy.inference import VariableElimination

    from crampnet.inference import _quickscore_path

    case = {"age": 52, "sex": "female", "presenting_complaint": "restlessness", "urge_to_move": True, "ferritin": 32}
    base = observe(model, case)
    states = model.spec.nodes["care_setting"].states
    rows = [base] + [{**base, "care_setting": np.eye(len(states))[k]} for k in range(len(states))]
    arrays = {k: np.asarray(a, dtype=float) for k, a in stack(model, rows).items()}
    done, post, log_ev = _quickscore_path.run_numpy(model.compiled, arrays, len(rows), _routing.TERM_CAP)
    ve = VariableElimination(model.network)
    evidence = {k: model.spec.nodes[k].states[int(np.argmax(v))] for k, v in base.items()}
    prior = ve.query(["care_setting"], evidence=evidence, show_progress=False)
    impossible = [1 + k for k, s in enumerate(states) if float(prior.get_value(care_setting=s)) == 0.0]
    assert impossible  # the case rules out a care setting
    assert set(impossible) <= set(done.tolist())
    for r in impossible:
        i = done.tolist().index(r)
        assert np.all(np.isnan(post[i])) and log_ev[i] == -np.inf
    for r in set(range(len(rows))) - set(impossible):
        assert r in done.tolist() and np.isfinite(log_ev[done.tolist().index(r)])


def test_findings_most_rows_observe_stay_in_one_tree_and_stay_exact(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check rows that each drop one of the case's findings (the counterfactual measures' batch): one tree keeps the findings, answers against pgmpy VE."""
    from pgmpy.inference import VariableElimination

    from crampnet.inference import _quickscore_path

    base = observe(model, CASE)
    findings = [k for k in base if k in model.compiled._terms]
    rows = [base] + [{k: v for k, v in base.items() if k != f} for f in findings]
    arrays = {k: np.asarray(a, dtype=float) for k, a in stack(model, rows).items()}
    assert not any(np.all(arrays[f] == arrays[f][:1]) for f in findings)  # none is constant
    kept_trees: list[frozenset[str]] = []
    reused: list[bool] = []
    original = _quickscore_path.run_numpy

    def spy(net, arrays, n, cap, in_tree=frozenset(), exp=None):  # type: ignore[no-untyped-def]
        kept_trees.append(in_tree)
        reused.append(exp is not None)
        return original(net, arrays, n, cap, in_tree, exp)

    monkeypatch.setattr(_quickscore_path, "run_numpy", spy)
    answered = _routing.shared_tree(model.compiled, arrays, len(rows), jit=False)
    assert answered is not None and kept_trees and kept_trees[-1]  # some findings kept for every row
    assert reused == [True]  # the chosen plan's expansion is run, not worked out again
    done, post, _ = answered
    assert done.size == len(rows)
    ve = VariableElimination(model.network)
    states = {k: model.spec.nodes[k].states[int(np.argmax(v))] for k, v in base.items()}
    for r in range(len(rows)):
        evidence = {k: s for k, s in states.items() if k in rows[r]}
        result = ve.query(model.conditions, evidence=evidence, joint=False, show_progress=False)
        expected = [float(result[c].get_value(**{c: "present"})) for c in model.conditions]
        np.testing.assert_allclose(post[list(done).index(r)], expected, atol=1e-9, rtol=0)


def test_thorough_tree_is_no_larger_and_gives_the_same_marginals(model: crampnet.Model) -> None:
    """Check tree_for(..., thorough=True): min-fill's tree where smaller (the restless-legs findings), same marginals, retried after the cache is cleared."""
    net = model.compiled
    kept = frozenset({"urge_to_move", "uncomfortable_sensations", "worse_at_rest", "relief_by_movement", "worse_evening", "ferritin"})
    net._trees.clear()
    quick, index = net.tree_for(kept)
    thorough, index2 = net.tree_for(kept, thorough=True)
    assert index2 == index and thorough.entries < quick.entries  # min-fill: ~27,000 entries against ~52,000
    assert net.tree_for(kept)[0] is thorough and net.tree_for(kept, thorough=True)[0] is thorough  # cached
    net._trees.clear()
    assert net.tree_for(kept)[0].entries == quick.entries
    assert net.tree_for(kept, thorough=True)[0].entries == thorough.entries  # tried again, not taken as done
    base = observe(model, CASE)
    rows = [base, {**base, "edema": np.array([1.0, 0.0])}, {**base, "urge_to_move": np.array([0.0, 1.0])}]
    arrays = stack(model, rows)
    evidence = {index[k]: np.asarray(a, dtype=float) for k, a in arrays.items() if k in index}
    query = [index[c] for c in model.conditions]
    a = quick.marginals(evidence, query)
    b = thorough.marginals(evidence, query)
    for q in query:
        np.testing.assert_allclose(a.marginals[q], b.marginals[q], atol=1e-12, rtol=0)
    np.testing.assert_allclose(a.log_evidence, b.log_evidence, atol=1e-12, rtol=0)


def test_expansion_from_worked_out_groups_is_the_fresh_one(model: crampnet.Model) -> None:
    """Check expand/term_counts given groups_of the batch: the same pseudo-cases as worked out afresh; groups of other rows are refused."""
    from crampnet.inference._expansion import expand, groups_of, term_counts

    base = observe(model, CASE)
    terms = model.compiled._terms
    findings = [k for k in base if k in terms]
    rows = [base] + [{k: v for k, v in base.items() if k != f} for f in findings] + [{**base, "edema": np.array([1.0, 0.0])}]
    arrays = {k: np.asarray(a, dtype=float) for k, a in stack(model, rows).items()}
    n = len(rows)
    groups = groups_of(arrays, terms)
    fresh = expand(arrays, terms, n, _routing.TERM_CAP)
    reused = expand(arrays, terms, n, _routing.TERM_CAP, groups)
    assert fresh.row_of.size > n  # terms expanded
    np.testing.assert_array_equal(reused.rows, fresh.rows)
    np.testing.assert_array_equal(reused.row_of, fresh.row_of)
    np.testing.assert_array_equal(reused.weights, fresh.weights)
    assert reused.evidence.keys() == fresh.evidence.keys()
    for k in fresh.evidence:
        np.testing.assert_array_equal(reused.evidence[k], fresh.evidence[k])
    np.testing.assert_array_equal(term_counts(arrays, terms, n, 256, groups), term_counts(arrays, terms, n, 256))
    # Groups worked out for other rows (here the first row only) would expand the wrong rows.
    with pytest.raises(ValueError, match="rows"):
        expand(arrays, terms, n, _routing.TERM_CAP, groups_of({k: a[:1] for k, a in arrays.items()}, terms))
