"""Fuzz: soft evidence across the whole float range on the shipped network (issue 16).

Random subsets of the network's nodes get state names, booleans, numbers,
and likelihoods from 0 and the subnormals (5e-324) up to 1.8e308, drawn
independently (so their ratios may be beyond what a float holds) or as
ratios times a common scale. For every case:

- crampnet answers, or raises one of its own errors, and only when due
  (the one pair of states the network rules out together is drawn often):
  ``InvalidValueError`` exactly when a likelihood vector is all zero or has
  a ratio no float holds, ``ImpossibleEvidenceError`` exactly when the
  evidence has probability zero;
- posteriors are finite and within [0, 1];
- they equal an exact reference: pgmpy's VariableElimination gives the
  joint of the observed nodes and a few conditions (``model.network``, its
  nested findings written out as conftest.nested_network does),
  and the likelihoods are applied to it in log space, so no product of
  likelihoods underflows in the reference either;
- multiplying one node's likelihood vector by a positive constant changes
  no posterior beyond 1e-9;
- a DataFrame of cases gives each row the posteriors of the case alone.

CI runs a few dozen cases (derandomized under ``CI=true``); set
``CRAMPNET_FUZZ_EXAMPLES`` for a long run, and ``CRAMPNET_FUZZ_STATS`` to a
file path to get the run's counts (cases, answers, errors, largest
difference from the reference) written there as JSON.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.network.evidence import normalise, truth_states

EXAMPLES = int(os.environ.get("CRAMPNET_FUZZ_EXAMPLES", "30"))
TOL = 1e-9
MODEL = crampnet.load()  # the strategies are built when the tests are defined
NODES = sorted(MODEL.spec.nodes)
MAX = float(np.finfo(float).max)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
STATS: dict[str, Any] = {"cases": 0, "answered": 0, "invalid": 0, "impossible": 0, "nan": 0, "foreign": 0, "wrong": 0, "max_diff": 0.0, "scaled_checks": 0, "batch_rows": 0}


@pytest.fixture(scope="module", autouse=True)
def _write_stats():
    yield
    path = os.environ.get("CRAMPNET_FUZZ_STATS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(STATS, out, indent=1)


# ---------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------

#: Any finite non-negative float: zero, subnormals, up to the largest.
ANY_WEIGHT = st.one_of(st.just(0.0), st.floats(0.0, MAX, allow_nan=False, allow_infinity=False, allow_subnormal=True))
#: A ratio to the largest likelihood, subnormals included.
RATIO = st.one_of(st.just(0.0), st.just(1.0), st.floats(5e-324, 1.0, allow_subnormal=True))
#: A positive constant: a power of two (exact scaling) or any positive float.
CONSTANT = st.one_of(st.integers(-1074, 1023).map(lambda k: math.ldexp(1.0, k)), st.floats(5e-324, MAX, allow_subnormal=True, allow_infinity=False))


def _value(nid: str) -> st.SearchStrategy[object]:
    node = MODEL.spec.nodes[nid]
    k = len(node.states)
    forms: list[st.SearchStrategy[object]] = [st.sampled_from(node.states)]
    if truth_states(node) is not None:
        forms.append(st.booleans())
    if node.bands and node.valid is not None:
        forms.append(st.floats(node.valid[0], node.valid[1], allow_nan=False))
    independent = st.lists(ANY_WEIGHT, min_size=k, max_size=k)
    ratios = st.tuples(st.lists(RATIO, min_size=k, max_size=k), CONSTANT).map(lambda rc: [r * rc[1] for r in rc[0]])
    forms.append(st.one_of(independent, ratios).map(lambda ws: dict(zip(node.states, ws, strict=True))))
    forms.append(st.dictionaries(st.sampled_from(node.states), ANY_WEIGHT, min_size=1))  # states left out: 0
    return st.one_of(forms)


#: The states the shipped network rules out together (critical limb ischaemia
#: needs peripheral arterial disease): drawn together often, so that cases
#: carried by a tiny likelihood, and impossible ones, come up.
CONFLICT = ["peripheral_arterial_disease", "critical_limb_ischemia"]
#: A finding, the two that imply it and the one that implies one of those (a chain; networks/FORMAT.md,
#: "Nested findings"): drawn together often, so that the signed rows of crampnet.inference._nesting
#: meet extreme likelihoods.
NESTED = ["exercise_triggered", "exertional_pain_relieved_by_rest", "relief_by_standing_still", "exercise_contracture"]


@st.composite
def cases(draw: st.DrawFn, max_size: int = 8) -> dict[str, object]:
    chosen = draw(st.lists(st.sampled_from(NODES), unique=True, min_size=1, max_size=max_size))
    together = draw(st.integers(0, 3))
    if together < 2:
        chosen = list(dict.fromkeys((CONFLICT if together == 0 else NESTED) + chosen))[:max_size]
    return {nid: draw(_value(nid)) for nid in chosen}


# ---------------------------------------------------------------------------
# What the answer must be
# ---------------------------------------------------------------------------


def _vectors(evidence: Mapping[str, object]) -> dict[str, np.ndarray] | None:
    """The likelihood vectors crampnet must use (soft: divided by their largest), or None when it must refuse them."""
    out = {}
    for nid, value in evidence.items():
        if not isinstance(value, Mapping):
            out[nid] = normalise(MODEL.spec, {nid: value})[nid]  # a state name, boolean or number: an indicator
            continue
        states = MODEL.spec.nodes[nid].states
        w = np.array([float(value.get(s, 0.0)) for s in states])
        top = w.max()
        if top <= 0 or np.any((w > 0) & (w / top == 0)):
            return None  # all zero, or a ratio no float holds
        out[nid] = w / top
    return _nested(out)


def _nested(vectors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The vectors with the network's nested findings counted once (networks/FORMAT.md, "Nested findings").

    A positive implying finding drops the implied one, or zeroes it when it
    rules the implied state out (the reference then gives probability zero);
    an implied finding without that state drops the implying one.
    """
    spec = MODEL.spec
    for a, pos, b, t in MODEL.network.graph["crampnet_entails"]:
        if a not in vectors or b not in vectors:
            continue
        va, vb = vectors[a], vectors[b]
        ia, it = spec.nodes[a].states.index(pos), spec.nodes[b].states.index(t)
        if va[ia] > 0 and va[1 - ia] == 0:
            if vb[it] == 0:
                vectors[b] = np.zeros_like(vb)
            else:
                del vectors[b]
        elif vb[it] == 0 and vb.any():
            del vectors[a]
    return vectors


def _logsumexp(a: np.ndarray, axis: tuple[int, ...] | None = None) -> np.ndarray:
    top = np.max(a, axis=axis, keepdims=True)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - safe), axis=axis, keepdims=True)) + safe
    return np.squeeze(out, axis=axis) if axis is not None else out.reshape(())


_ENGINE: list[Any] = []


@pytest.fixture(scope="module", autouse=True)
def _reference_engine(pgmpy_nested: Any) -> None:
    """pgmpy's VariableElimination on ``model.network`` with its nested findings written out (conftest.nested_network), built once."""
    from pgmpy.inference import VariableElimination

    _ENGINE[:] = [VariableElimination(pgmpy_nested(MODEL.network))]


def _engine() -> Any:
    """The reference engine (queries without evidence leave it unchanged)."""
    return _ENGINE[0]


def reference(vectors: Mapping[str, np.ndarray], conditions: list[str]) -> tuple[float, dict[str, float]]:
    """``log P(evidence)`` and P(c = present | evidence), exactly: pgmpy's joint, likelihoods applied in log space."""
    observed = list(vectors)
    extra = [c for c in conditions if c not in vectors]
    factor = _engine().query(observed + extra, joint=True, show_progress=False)
    names = list(factor.variables)
    with np.errstate(divide="ignore"):
        logw = np.log(np.asarray(factor.values, dtype=float))
        for axis, var in enumerate(names):
            if var in vectors:
                order = [MODEL.spec.nodes[var].states.index(s) for s in factor.state_names[var]]
                shape = [1] * len(names)
                shape[axis] = len(order)
                logw = logw + np.log(vectors[var][order]).reshape(shape)
    total = float(_logsumexp(logw))
    post = {}
    for c in conditions:
        axis = names.index(c)
        present = list(factor.state_names[c]).index("present")
        part = np.take(logw, present, axis=axis)
        post[c] = float(np.exp(_logsumexp(part) - total)) if np.isfinite(total) else math.nan
    return total, post


def _weights(nid: str, value: object) -> dict[str, float]:
    """A value as ``{state: likelihood}``: soft evidence as given, a hard value as its indicator."""
    if isinstance(value, Mapping):
        return {str(s): float(w) for s, w in value.items()}
    vec = normalise(MODEL.spec, {nid: value})[nid]
    return dict(zip(MODEL.spec.nodes[nid].states, vec.tolist(), strict=True))


def _same_ratios(before: np.ndarray, after: np.ndarray) -> bool:
    """Whether two likelihood vectors have the same ratios up to rounding: finite, every non-zero entry a normal float."""
    normal = np.finfo(float).tiny
    return bool(np.all(np.isfinite(after)) and np.all((before == 0) | (before >= normal)) and np.all((after == 0) | (after >= normal)) and np.array_equal(before == 0, after == 0))


# ---------------------------------------------------------------------------
# The fuzz
# ---------------------------------------------------------------------------


def _check_case(evidence: dict[str, object], probe: list[str], scale_node: int, constant: float) -> None:
    STATS["cases"] += 1
    expected = _vectors(evidence)
    try:
        post = MODEL.posteriors(evidence)
    except crampnet.InvalidValueError:
        STATS["invalid"] += 1
        assert expected is None, f"InvalidValueError for acceptable evidence {evidence!r}"
        return
    except crampnet.ImpossibleEvidenceError:
        STATS["impossible"] += 1
        assert expected is not None
        total, _ = reference(expected, [])
        assert total == -math.inf, f"ImpossibleEvidenceError, but P(evidence) = exp({total}) for {evidence!r}"
        return
    except crampnet.CrampnetError:
        raise
    except Exception:
        STATS["foreign"] += 1
        raise
    STATS["answered"] += 1
    assert expected is not None, f"no error for evidence crampnet must refuse: {evidence!r}"
    values = post.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)):
        STATS["nan"] += 1
        raise AssertionError(f"non-finite posterior for {evidence!r}: {post[~np.isfinite(values)].to_dict()}")
    assert np.all((values >= 0.0) & (values <= 1.0)), evidence
    total, exact = reference(expected, probe)
    assert np.isfinite(total), f"posteriors for evidence of probability zero: {evidence!r}"
    diff = max(abs(float(post[c]) - exact[c]) for c in probe)
    STATS["max_diff"] = max(STATS["max_diff"], diff)
    if diff > TOL:
        STATS["wrong"] += 1
        raise AssertionError(f"posteriors differ from the exact reference by {diff:g} for {evidence!r}")
    # Scale invariance: one node's likelihood vector times a positive constant.
    nid = list(evidence)[scale_node % len(evidence)]
    weights = _weights(nid, evidence[nid])
    with np.errstate(over="ignore"):
        times = {st_: w * constant for st_, w in weights.items()}
    scaled = {**evidence, nid: times}
    if not all(math.isfinite(w) for w in times.values()):
        with pytest.raises(crampnet.InvalidValueError, match=f"{nid} must give finite non-negative likelihoods"):
            MODEL.posteriors(scaled)
    elif _same_ratios(np.array(list(weights.values())), np.array(list(times.values()))):
        STATS["scaled_checks"] += 1
        again = MODEL.posteriors(scaled).reindex(post.index)
        gap = float((again - post).abs().max())
        assert gap <= TOL, f"multiplying {nid}'s likelihoods by {constant!r} moved a posterior by {gap:g}: {evidence!r}"


@FUZZ
@given(evidence=cases(), probe=st.lists(st.sampled_from(MODEL.conditions), min_size=1, max_size=3, unique=True), scale_node=st.integers(0, 7), constant=CONSTANT)
def test_soft_evidence_across_the_float_range(evidence, probe, scale_node, constant):
    """Check posteriors against the exact reference, errors only when due, NaN never, scale invariance, across the float range."""
    _check_case(evidence, probe, scale_node, constant)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 8))
@given(rows=st.lists(cases(max_size=5), min_size=1, max_size=12))
def test_a_dataframe_scores_each_row_as_the_case_alone(rows):
    """Check that a DataFrame of the same cells (object columns, missing cells unobserved) gives every row its single-case posteriors."""
    singles = []
    kept = []
    for case in rows:
        try:
            singles.append(MODEL.posteriors(case))
        except (crampnet.InvalidValueError, crampnet.ImpossibleEvidenceError):
            continue
        kept.append(case)
    if not kept:
        return
    frame = pd.DataFrame([{k: v for k, v in case.items()} for case in kept], dtype=object)
    frame = frame.astype(object).where(frame.notna(), None)
    batch = MODEL.posteriors(frame)
    STATS["batch_rows"] += len(kept)
    for i, single in enumerate(singles):
        gap = float((batch.iloc[i][single.index] - single).abs().max())
        assert gap <= TOL, f"row {i} of the DataFrame differs from the case alone by {gap:g}: {kept[i]!r}"
