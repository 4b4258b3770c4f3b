"""Why a condition is where it is: each evidence entry's share of the log-odds.

For a condition C and observed entries ``e_1 .. e_n``, let ``v(S) = logit
P(C | e_S) - logit P(C)`` for every coalition ``S`` of the entries (``logit
p = ln p - ln(1 - p)``, natural log). The contribution of entry ``i`` is its
Shapley value

    ``phi_i = sum_{S not containing i} |S|! (n - |S| - 1)! / n! * (v(S + i) - v(S))``,

the average, over every order in which the entries could have been learnt,
of how much learning ``e_i`` moved the log-odds. By construction the
contributions add up exactly: ``sum_i phi_i = logit P(C | e) - logit P(C)``
(Shapley's efficiency). An entry that changes nothing in any coalition gets
0; two entries that play the same role get the same share. ``exp(phi_i)`` is
reported as the entry's likelihood ratio (a factor on the odds).

Cost: the ``2**n`` coalitions are scored in one batch, each distinct
Quickscore pseudo-case run once (:meth:`CompiledNetwork.coalitions
<crampnet.inference.compiled.CompiledNetwork.coalitions>`), and the batch
answers for every condition at once. That is exact and fast up
to ``MAX_SHAPLEY = 12`` entries (4096 rows). Above that, crampnet uses a
stated sequence instead, also exact and additive: the entries are added one
at a time in the order they were given, and each gets
``v(e_1 .. e_i) - v(e_1 .. e_{i-1})`` (``n + 1`` rows).

Certain posteriors: where a coalition makes the condition certain (a
posterior of exactly 0 or 1, through a deterministic link), its log-odds
are infinite and have no additive decomposition. They are counted as
``+-CERTAIN_LOG_ODDS`` (``ln 1e300``, about 690.8: odds of 1e300 to 1), so
every contribution is a finite number (never NaN or infinity, so a table
can be written as JSON), the contributions still add up, and the entries
that make the condition certain get the large shares. The sentences say
that the condition is certain (or ruled out) under part of the evidence.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.explain import explain
>>> model = crampnet.load()
>>> table = explain(model, {"urge_to_move": True, "ferritin": 32}, "restless_legs_syndrome")
>>> list(table.columns)
['state', 'log_odds', 'likelihood_ratio', 'sentence']
>>> bool((table["log_odds"] > 0).all())
True

The table is an :class:`Explanation`, a DataFrame that shows its sentences
whole (pandas cuts text columns at 50 characters in a notebook or console):

>>> table.iloc[0]["sentence"] in repr(table) and table.iloc[0]["sentence"] in table._repr_html_()
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.exceptions import (
    EvidenceTypeError,
    ImpossibleEvidenceError,
    InvalidValueError,
)
from crampnet.network.entailment import entail, implied
from crampnet.network.evidence import describe, entered, normalise, resolve_id, show
from crampnet.reasoning._id_lists import condition_ids, resolve_condition
from crampnet.reasoning._scoring import score, score_coalitions, stack
from crampnet.reasoning.html import NO_MATH

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

# Explanation comes from the module __getattr__ below (made on first use, with pandas).
__all__ = ["CERTAIN_LOG_ODDS", "MAX_SHAPLEY", "Explanation", "explain", "explain_rows", "log_odds_contributions", "resolve_condition"]  # noqa: F822

#: Up to this many observed entries, contributions are exact Shapley values.
MAX_SHAPLEY = 12
#: The log-odds that a certain posterior (exactly 0 or 1) counts as: ``ln 1e300``.
CERTAIN_LOG_ODDS = math.log(1e300)
#: The largest log whose exp is a finite float (likelihood ratios are capped there).
_MAX_EXP = 709.0


def __getattr__(name: str) -> Any:
    """``Explanation`` is made on first use, so that importing this module does not import pandas."""
    if name == "Explanation":
        return _explanation_class()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


_TABLE = '<table border="1" class="dataframe">'
_LEFT_LAST = "<style>table.crampnet-explanation td:last-child { text-align: left; }</style>"


@functools.cache
def _explanation_class() -> type[pd.DataFrame]:
    import pandas as pd

    class Explanation(pd.DataFrame):
        """The table :func:`explain` returns: a DataFrame that shows its text columns whole.

        It is a :class:`pandas.DataFrame` in every other way (slices of it are
        Explanations too). Only its display differs: the ``sentence`` column
        is not cut at ``display.max_colwidth`` (50 characters by default) in
        a notebook (``_repr_html_``) or a console (``repr``), and its
        ``attrs["caption"]`` is shown over it.
        """

        @property
        def _constructor(self) -> type[pd.DataFrame]:
            return Explanation

        def __repr__(self) -> str:
            with pd.option_context("display.max_colwidth", None, "display.max_columns", None):
                text = super().__repr__()
            return f"{self.attrs['caption']}\n{text}" if self.attrs.get("caption") else text

        def _repr_html_(self) -> str | None:
            with pd.option_context("display.max_colwidth", None, "display.max_columns", None):
                html: str | None = super()._repr_html_()  # type: ignore[misc]  # not in pandas-stubs
            if html is None or _TABLE not in html:
                return html
            caption = f'<p class="crampnet-legend {NO_MATH}">{escape(self.attrs["caption"])}</p>' if self.attrs.get("caption") else ""
            # Sentences read left to right: left-align the last column of this table only; MathJax leaves it alone ("$" in a label).
            return _LEFT_LAST + caption + html.replace(_TABLE, _TABLE.replace('class="dataframe"', f'class="dataframe crampnet-explanation {NO_MATH}"'), 1)

    Explanation.__module__ = __name__
    Explanation.__qualname__ = "Explanation"
    return Explanation


def _sequence_rows(ids: Sequence[str], vectors: Mapping[str, np.ndarray]) -> list[dict[str, np.ndarray]]:
    """The stated sequence's rows: the first ``k`` entries, for ``k = 0 .. n``."""
    return [{nid: vectors[nid] for nid in ids[:k]} for k in range(len(ids) + 1)]


def _shapley(values: np.ndarray, n: int) -> np.ndarray:
    """Shapley values from ``values[mask, j]`` (a game per column j): ``(n, n_columns)``."""
    masks = np.arange(2**n)
    sizes = np.array([bin(m).count("1") for m in masks])
    weight = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) if s < n else 0.0 for s in sizes])
    out = np.zeros((n, values.shape[1]))
    for i in range(n):
        without = masks[(masks >> i & 1) == 0]
        out[i] = (weight[without, None] * (values[without | (1 << i)] - values[without])).sum(axis=0)
    return out


def log_odds_contributions(model: BaseModel, evidence: Mapping[str, object] | None, conditions: Sequence[str] | None = None, *, method: str = "auto") -> pd.DataFrame:
    """Every observed entry's contribution to every condition's log-odds.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.
    conditions : str or sequence of str, optional
        Condition ids (default: all), each once; one string is one condition.
    method : {'auto', 'shapley', 'sequence'}, default='auto'
        ``auto`` uses Shapley values up to :data:`MAX_SHAPLEY` entries and the
        stated sequence above.

    Returns
    -------
    pandas.DataFrame
        Indexed by the observed node ids (in the order given), one column per
        condition: contributions in natural-log odds, always finite. Each
        column sums to ``logit P(c | evidence) - logit P(c)``, with the
        log-odds of a certain posterior counted as ``+-CERTAIN_LOG_ODDS``
        (see the module docstring); ``attrs["method"]`` is the method used
        (``shapley`` or ``sequence``), ``attrs["certain"]`` lists the
        conditions certain (present or ruled out) under some coalition,
        ``attrs["ruled_out"]`` those of them ruled out, ``attrs["ends"]``
        each condition's probability with no entry and with every entry.

    Raises
    ------
    ImpossibleEvidenceError
        If the evidence has probability zero (naming the conflict).
    UnknownNodeError, EvidenceTypeError
        If ``conditions`` names no condition ("Did you mean ...?"), or is
        not a string or an iterable of them.
    """
    import pandas as pd

    entered = normalise(model.spec, evidence, entailed=False)
    vectors = dict(entail(model.spec, dict(entered)))  # as the engine counts them
    conds = model.conditions if conditions is None else condition_ids(model, conditions)
    ids = list(vectors)
    n = len(ids)
    if method not in ("auto", "shapley", "sequence"):
        msg = f"The 'method' argument must be 'auto', 'shapley' or 'sequence'. Got {show(method)} instead."
        raise InvalidValueError(msg)
    if method == "auto":
        method = "shapley" if n <= MAX_SHAPLEY else "sequence"
    if method == "shapley":
        marg, log_ev = score_coalitions(model, [(nid, vectors[nid]) for nid in ids], conds)
    else:
        rows = _sequence_rows(ids, vectors)
        marg, log_ev = score(model, stack(model, rows), conds, n_rows=len(rows))
    if n and not np.isfinite(log_ev[-1]):  # the last row holds every entry
        model.posteriors(evidence)  # raises ImpossibleEvidenceError naming the conflict
        msg = "The evidence is impossible under the network (probability zero)."  # pragma: no cover - raised above
        raise ImpossibleEvidenceError(msg, ids)  # pragma: no cover
    with np.errstate(divide="ignore", invalid="ignore"):
        logit = np.column_stack([np.log(marg[c][:, model.spec.nodes[c].states.index("present")]) - np.log(marg[c][:, model.spec.nodes[c].states.index("absent")]) for c in conds]) if conds else np.zeros((log_ev.shape[0], 0))
    capped = np.clip(logit, -CERTAIN_LOG_ODDS, CERTAIN_LOG_ODDS)
    values = capped - capped[0]
    contrib = _shapley(values, n) if method == "shapley" else np.diff(values, axis=0)
    frame = pd.DataFrame(contrib, index=pd.Index(ids, name="evidence"), columns=conds)
    if len(entered) > n:  # an entry implied by another is counted in that one's row: it shows 0 (crampnet.network.entailment)
        frame = frame.reindex(pd.Index(list(entered), name="evidence"), fill_value=0.0)
    frame.attrs["method"] = method
    frame.attrs["certain"] = [c for c, hit in zip(conds, np.any(np.abs(logit) >= CERTAIN_LOG_ODDS, axis=0), strict=True) if hit]
    # Of those, the ones made impossible (never both: the whole evidence is possible).
    frame.attrs["ruled_out"] = [c for c, hit in zip(conds, np.any(logit <= -CERTAIN_LOG_ODDS, axis=0), strict=True) if hit]
    # The first coalition is no entry, the last every entry: P(present) of each, for the caption.
    frame.attrs["ends"] = {c: (float(marg[c][0, model.spec.nodes[c].states.index("present")]), float(marg[c][-1, model.spec.nodes[c].states.index("present")])) for c in conds}
    return frame


def _sentence(model: BaseModel, nid: str, given: object, vec: np.ndarray, state: str, condition: str, ratio: float, certain: bool, ruled_out: bool = False) -> str:
    node = model.spec.nodes[nid]
    label = node.label if node.label else nid.replace("_", " ")
    if isinstance(given, Mapping):
        what = f"{label} (soft evidence {state})"
    else:  # a number as the report shows it: every digit (0.8999999 is not the next band's 0.9), "32" given as text too
        shown = entered(model.spec, nid, given, vec)
        what = f"{label} {shown}" if shown != state else f"{label} ({state})"
    cond = model.spec.nodes[condition].label or condition.replace("_", " ")
    factor = f"x{ratio:.2g}" if ratio < 1 else f"x{ratio:.3g}" if ratio < 10 or ratio >= 1e6 else f"x{ratio:.0f}"
    if ruled_out:
        return f"{what}: odds of {cond} {factor} (the condition is ruled out under part of the evidence; ruling out counts as odds of 1 to 1e300)"
    if certain:
        return f"{what}: odds of {cond} {factor} (the condition is certain under part of the evidence; certainty counts as odds of 1e300 to 1)"
    return f"{what}: odds of {cond} {factor}"


def explain(model: BaseModel, evidence: Mapping[str, object] | None, condition: str, *, method: str = "auto", contributions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each observed entry's contribution to ``condition``'s log-odds.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.
    condition : str
        A condition id.
    method : {'auto', 'shapley', 'sequence'}, default='auto'
        See :func:`log_odds_contributions`.
    contributions : pandas.DataFrame, optional
        A table :func:`log_odds_contributions` already computed for this
        evidence (so a diagnosis scores the coalitions once).

    Returns
    -------
    Explanation
        A :class:`pandas.DataFrame` that shows its sentences whole.
        Indexed by observed node id, columns ``state`` (the observed state,
        or the soft likelihoods), ``log_odds`` (natural log), ``likelihood_ratio``
        (``exp(log_odds)``, at most ``exp(709)``) and ``sentence`` (e.g. ``"Serum ferritin 32 ng/mL
        (low): odds of RLS x2.1"``), sorted by ``|log_odds|``, largest first.
        ``log_odds`` sums to ``logit P(condition | evidence) - logit
        P(condition)``; every number is finite (a certain posterior counts
        as log-odds ``+-CERTAIN_LOG_ODDS``, and the sentences say so).
        ``attrs["caption"]``, shown over the table, says the condition's
        probability with nothing entered and given the evidence, and what
        ``log_odds`` and ``likelihood_ratio`` are.

    Raises
    ------
    UnknownNodeError
        If ``condition`` is not a condition of the network ("Did you mean ...?").
    EvidenceTypeError, InvalidValueError
        If ``contributions`` is not a DataFrame, or not one of this
        evidence's entries with a column for ``condition``.
    """
    import pandas as pd

    cond = resolve_condition(model, condition)
    if contributions is not None:
        _check_contributions(model, evidence, cond, contributions)
    table = contributions if contributions is not None else log_odds_contributions(model, evidence, [cond], method=method)
    rows = explain_rows(model, evidence, cond, table)
    frame = _explanation_class()(pd.DataFrame([row[1:] for row in rows], index=pd.Index([row[0] for row in rows], name="evidence"), columns=["state", "log_odds", "likelihood_ratio", "sentence"]))
    ends = table.attrs.get("ends", {}).get(cond) or (float(model.posterior_array(None)[model.conditions.index(cond)]), float(model.posterior_array(evidence)[model.conditions.index(cond)]))
    frame.attrs["caption"] = _caption(model, evidence, cond, table.attrs.get("method") == "shapley", ends)
    return frame


def _caption(model: BaseModel, evidence: Mapping[str, object] | None, condition: str, shapley: bool, ends: tuple[float, float]) -> str:
    """The line over an explanation table: the probabilities it goes between and what its numbers are.

    Parameters
    ----------
    model : BaseModel
        The model.
    evidence : mapping or None
        The case explained.
    condition : str
        The condition id.
    shapley : bool
        Whether the rows are Shapley values (else the stated sequence).
    ends : tuple of float
        The condition's probability with nothing entered and given the evidence.

    Returns
    -------
    str
        For example "Deep vein thrombosis: 2.3% with nothing entered, 89% given
        the evidence. log_odds: ..."; with no evidence, that there is no entry.
    """
    from crampnet.reasoning._differential import percent

    label = model.spec.nodes[condition].label or condition.replace("_", " ")
    prior = percent(ends[0])
    if not evidence:
        return f"{label}: {prior} with nothing entered; no evidence is entered, so there is no entry to explain."
    share = "its share of the change in log-odds, averaged over every order the entries could be learnt in (Shapley value)" if shapley else "how much adding it moved the log-odds, the entries added one at a time in the order given"
    return (
        f"{label}: {prior} with nothing entered, {percent(ends[1])} given the evidence. "
        f"log_odds (natural log): per entry, {share}; the rows add up to the whole change. likelihood_ratio = exp(log_odds), the factor the entry puts on the odds."
    )


def _check_contributions(model: BaseModel, evidence: Mapping[str, object] | None, condition: str, table: object) -> None:
    """Raise unless ``table`` is a :func:`log_odds_contributions` table of ``evidence``'s entries with a ``condition`` column."""
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        msg = f"The 'contributions' argument of explain must be the DataFrame log_odds_contributions(model, evidence) gives, or None. Got {type(table).__name__} instead."
        raise EvidenceTypeError(msg)
    rows, entries = [str(i) for i in table.index], list(normalise(model.spec, evidence, entailed=False))
    if condition not in table.columns or sorted(rows) != sorted(entries):
        why = f"it has no column for {condition!r}" if condition not in table.columns else f"its rows ({', '.join(rows) or 'none'}) are not the evidence's entries ({', '.join(entries) or 'none'})"
        msg = f"The 'contributions' argument of explain must be log_odds_contributions(model, evidence) of the same evidence: {why}."
        raise InvalidValueError(msg)


def explain_rows(model: BaseModel, evidence: Mapping[str, object] | None, condition: str, contributions: pd.DataFrame) -> list[tuple[str, str, float, float, str]]:
    """The rows of :func:`explain`, in its order, as ``(node, state, log_odds, likelihood_ratio, sentence)``, without building its table.

    Parameters
    ----------
    model : BaseModel
        The model.
    evidence : mapping or None
        One case, as for :meth:`crampnet.Model.posteriors`.
    condition : str
        A condition id (not an alias).
    contributions : pandas.DataFrame
        A table of :func:`log_odds_contributions` for this evidence with a
        column for ``condition`` (a report reads the three leading
        conditions' from one table).

    Returns
    -------
    list of tuple
        One ``(node, state, log_odds, likelihood_ratio, sentence)`` per row
        of ``contributions``: the node id, its observed state as text, its
        contribution in natural-log odds, ``exp(log_odds)`` (at most
        ``exp(709)``) and the sentence :func:`explain` shows; sorted by
        ``|log_odds|``, largest first, ties in the table's order.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> case = {"urge_to_move": True, "ferritin": 30}
    >>> table = log_odds_contributions(model, case)
    >>> rows = explain_rows(model, case, "restless_legs_syndrome", table)
    >>> [row[0] for row in rows] == list(explain(model, case, "restless_legs_syndrome").index)
    True
    """
    vectors = normalise(model.spec, evidence, entailed=False)
    known = implied(model.spec, vectors)
    given: dict[str, object] = {resolve_id(model.spec, k): v for k, v in (evidence or {}).items()}
    certain = condition in contributions.attrs.get("certain", [])
    ruled_out = condition in contributions.attrs.get("ruled_out", [])
    rows = []
    for nid, lo in zip([str(i) for i in contributions.index], contributions[condition].tolist(), strict=True):
        state = describe(model.spec, nid, vectors[nid])
        ratio = math.exp(min(lo, _MAX_EXP))
        if nid in known:
            by = known[nid][1]  # named by its label, as the sentence of its row names it
            sentence = f"{model.spec.nodes[nid].label} ({state}): implied by {model.spec.nodes[by].label or by.replace('_', ' ')}, whose row counts it"
        else:
            sentence = _sentence(model, nid, given.get(nid), vectors[nid], state, condition, ratio, certain, ruled_out)
        rows.append((nid, state, float(lo), ratio, sentence))
    order = np.argsort(-np.abs(np.array([row[2] for row in rows], dtype=float)), kind="stable").tolist()
    return [rows[i] for i in order]
