"""The column of red flags that ``crampnet score`` writes: :func:`flag_column`, worked out once per distinct case.

A row's cell names its flags, ``condition (urgency)`` most urgent first, as
:func:`crampnet.reasoning.redflags.red_flags` raises them; the flags' words
are not written. What decides them is read off the row in two parts:

- the finding rules and the published rule-outs read the entries of the
  nodes in ``reasoning._rules.RULE_NODES`` (their groups and exclusions, the
  Wells items, the D-dimer), and of the findings that entail such a node or
  are entailed by one (``NetworkSpec.implications``: relief on hanging the leg
  down is rest pain). Every other entry is read alone, by the evidence
  reader, and changes no rule's flag;
- the must-not-miss conditions are flagged from the posteriors by where each
  stands against its thresholds (:func:`~crampnet.reasoning._thresholds.reaches`
  its flagging threshold, and its test-treatment threshold) and, among those
  flagged, by their order of decreasing posterior.

:func:`flag_column` gives each row a key of those two parts (the cells of
the rule columns, told apart by type and value; the thresholds each
condition reaches, in order) and calls ``red_flags`` once per distinct key,
on the first row holding it: 50,000 rows resampled from the 55 dev
vignettes, a fifth of their cells blanked, ask it 2,805 times in one frame
(15,788 distinct rows). Before that, each distinct value of each column (each
distinct set of values of findings that entail one another) is read by the
evidence reader, as ``red_flags`` reads each row; a cell it refuses, a
threshold or posteriors it would refuse, sends the whole frame to
:func:`flags_per_row`, the row-by-row loop, which raises the error of the
row it comes from as before.

Examples
--------
>>> import pandas as pd
>>> import crampnet
>>> model = crampnet.load()
>>> cases = pd.DataFrame({"back_pain": ["yes", None] * 50, "bladder_bowel_dysfunction": ["yes", None] * 50})
>>> cells = flag_column(model, cases, model.posteriors(cases))
>>> cells[:2] == flags_per_row(model, cases.iloc[:2], model.posteriors(cases.iloc[:2]))
True
"""

from __future__ import annotations

import decimal
import fractions
from collections.abc import Hashable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["flag_column", "flags_per_row"]

_PLAIN = frozenset({str, int, float, bool, type(None)})  # equal values of one of these types are read alike (-0.0 as 0.0: against a cut or a rule's edge)
_SAFE = frozenset({"string", "boolean", "empty"})  # pandas' inferred kinds whose equal values are of one kind (no True == 1 == 1.0)


def flags_per_row(model: BaseModel, cases: pd.DataFrame, posteriors: pd.DataFrame, threshold: float | None = None) -> list[str]:
    """:func:`flag_column`'s cells, one :func:`~crampnet.reasoning.redflags.red_flags` call per row.

    Parameters
    ----------
    model : BaseModel
        The model that scored the rows.
    cases : pandas.DataFrame
        The rows as scored.
    posteriors : pandas.DataFrame
        Their posteriors, one row per case, one column per condition.
    threshold : float or None, optional
        One threshold for every must-not-miss condition; None for each one's own.

    Returns
    -------
    list of str
        One cell per row, in row order.

    Examples
    --------
    >>> import pandas as pd
    >>> import crampnet
    >>> model = crampnet.load()
    >>> cases = pd.DataFrame({"pe_symptoms": ["yes"]})
    >>> flags_per_row(model, cases, model.posteriors(cases))[0].split("; ")[0]
    'deep_vein_thrombosis (emergency)'
    """
    from crampnet.reasoning import redflags

    columns = [str(c) for c in cases.columns]
    missing = cases.isna().to_numpy()
    cells = []
    for values, absent, post in zip(cases.itertuples(index=False, name=None), missing, posteriors.to_dict("records"), strict=True):
        evidence = {c: v for c, v, gone in zip(columns, values, absent, strict=True) if not gone}
        flags = redflags.red_flags(model, evidence, {str(k): float(v) for k, v in post.items()}, threshold=threshold, baseline=False)
        cells.append("; ".join(f"{flag.condition} ({flag.urgency})" for flag in flags))
    return cells


def flag_column(model: BaseModel, cases: pd.DataFrame, posteriors: pd.DataFrame, threshold: float | None = None) -> list[str]:
    """The red flags of each scored row, as ``crampnet score`` writes them in its last column.

    Each row's flags are :func:`crampnet.reasoning.redflags.red_flags` of its entries (empty cells unobserved) and
    posteriors, most urgent first, as ``condition (urgency)`` joined by ``"; "``; a row without a flag has an empty
    cell. A finding rule (cauda equina, the Wells score...) raises a flag that no posterior column shows. The cells
    are those of :func:`flags_per_row`; ``red_flags`` is called once per distinct case of what decides them (see the
    module docstring).

    Parameters
    ----------
    model : BaseModel
        The model that scored the rows.
    cases : pandas.DataFrame
        The rows as scored (after :func:`crampnet.interop.cohorts.read_text_cells`).
    posteriors : pandas.DataFrame
        Their posteriors, one row per case, one column per condition.
    threshold : float or None, optional
        One threshold for every must-not-miss condition (``--threshold``); None for each one's own.

    Returns
    -------
    list of str
        One cell per row, in row order.

    Examples
    --------
    >>> import pandas as pd
    >>> import crampnet
    >>> model = crampnet.load()
    >>> cases = pd.DataFrame({"back_pain": ["yes", None], "bladder_bowel_dysfunction": ["yes", None]})
    >>> flag_column(model, cases, model.posteriors(cases))[0].split("; ")[0]
    'lumbar_radiculopathy (emergency)'
    """
    keys = _keys(model, cases, posteriors, threshold)
    if keys is None:  # a cell, the threshold or a posterior red_flags refuses: its error, from its row
        return flags_per_row(model, cases, posteriors, threshold)
    inverse, first = _distinct(keys)
    cells = np.asarray(flags_per_row(model, cases.iloc[first], posteriors.iloc[first], threshold), dtype=object)
    return list(cells[inverse])


def _distinct(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the rows of ``codes`` (integers from -1), each row's number among the distinct rows, and the position of each distinct row's first occurrence, in that order."""
    import pandas as pd

    label = np.zeros(len(codes), dtype=np.int64)
    for column in codes.T:  # mixed radix, renumbered at each column: under len(codes) ** 2
        label = pd.factorize(label * (int(column.max()) + 2) + (column + 1))[0]
    return label, np.flatnonzero(~pd.Series(label).duplicated().to_numpy())  # factorize numbers by first occurrence


def _keys(model: BaseModel, cases: pd.DataFrame, posteriors: pd.DataFrame, threshold: float | None) -> np.ndarray | None:
    """One row of integers per case, equal for two cases whose flags are equal by the module docstring; None to read row by row.

    None when there is no row, when the frames do not match, or when a cell,
    the threshold or a posterior is one that ``red_flags`` may refuse (checked
    here as it checks them), so that the row-by-row loop raises its error.
    """
    from crampnet.reasoning._flag_args import checked_posteriors, thresholds_for

    if len(cases) == 0 or len(cases) != len(posteriors):
        return None
    try:
        limits = thresholds_for(model, threshold)
        names = [str(c) for c in posteriors.columns]
        if len(set(names)) < len(names) or any(dtype != np.float64 for dtype in posteriors.dtypes):
            return None
        values = posteriors.to_numpy(dtype=np.float64)
        checked_posteriors(model, dict(zip(names, values[0].tolist(), strict=True)))  # the names: conditions, each must-not-miss one
        if not ((values >= -1e-9) & (values <= 1.0 + 1e-9)).all():  # NaN too, as checked_posteriors
            return None
        codes = _cells(model, cases)
    except Exception:  # whatever red_flags would raise, the row-by-row loop raises from its row
        return None
    if codes is None:
        return None
    post = np.clip(values[:, [names.index(c) for c in model.must_not_miss]], 0.0, 1.0)
    return np.column_stack([np.zeros(len(cases), dtype=np.int64), codes, _standing(model, post, limits, threshold)])


def _standing(model: BaseModel, post: np.ndarray, limits: dict[str, float], threshold: float | None) -> np.ndarray:
    """Per row, the must-not-miss conditions that reach their threshold, by decreasing posterior, each with where it stands against its test-treatment threshold.

    ``red_flags`` reads the posteriors only so (its words aside): it skips a
    condition below its flagging threshold, makes one at or above its
    test-treatment threshold ``urgent`` (else ``test``), drops a met
    rule-out's ``test`` flag under that threshold, and appends the flags in
    the order of ``sorted(must_not_miss, key=-posterior)``.
    """
    from crampnet.reasoning._thresholds import REACH_RTOL, THRESHOLDS

    conds = list(model.must_not_miss)
    reach = np.column_stack([post[:, j] >= limits[c] * (1.0 - REACH_RTOL) for j, c in enumerate(conds)]) if conds else np.zeros((len(post), 0), dtype=bool)
    code = np.zeros(post.shape, dtype=np.int64)
    for j, cond in enumerate(conds):
        code[:, j] = 4 * (j + 1)
        if cond in THRESHOLDS:
            act = THRESHOLDS[cond].treatment
            code[:, j] += 2 * (post[:, j] < act) + (post[:, j] >= act * (1.0 - REACH_RTOL))
    order = np.lexsort((-post, ~reach), axis=-1) if conds else np.zeros(post.shape, dtype=np.intp)  # reached first; then as sorted(key=-p), stable
    return np.where(np.take_along_axis(reach, order, axis=1), np.take_along_axis(code, order, axis=1), 0)


def _cells(model: BaseModel, cases: pd.DataFrame) -> np.ndarray | None:
    """The codes of the cells the finding rules read (one column per such column; -1 where empty), after every cell is read as ``red_flags`` reads it; None if one is refused."""
    from crampnet.network.evidence import resolve_id
    from crampnet.reasoning._rules import RULE_NODES, typed_numbers
    from crampnet.reasoning._scoring import observe

    spec = model.spec
    columns = [str(c) for c in cases.columns]
    nids = [resolve_id(spec, c) for c in columns]
    if len(set(nids)) < len(nids) or len(set(columns)) < len(columns):
        return None
    group = _groups(model)
    missing = cases.isna().to_numpy()
    codes = np.column_stack([_codes(cases.iloc[:, j], missing[:, j]) for j in range(len(columns))]) if columns else np.zeros((len(cases), 0), dtype=np.int64)
    together: dict[str, list[int]] = {}  # the columns read together: findings that entail one another
    for j, nid in enumerate(nids):
        together.setdefault(group.get(nid, nid), []).append(j)
    for js in together.values():
        rows = _distinct(codes[:, js])[1]
        for row, absent in zip(cases.iloc[rows, js].itertuples(index=False, name=None), missing[np.ix_(rows, np.asarray(js))], strict=True):
            evidence = {columns[j]: v for j, v, gone in zip(js, row, absent, strict=True) if not gone}
            observe(model, evidence)
            typed_numbers(model, evidence)
    ruled = {nid for nid in spec.nodes if nid in RULE_NODES or group.get(nid) in {group.get(r) for r in RULE_NODES} - {None}}
    return codes[:, [j for j, nid in enumerate(nids) if nid in ruled]]


def _groups(model: BaseModel) -> dict[str, str]:
    """Each finding of an entailment, to one finding of the entailments it is linked to (directly or through others)."""
    parent: dict[str, str] = {}

    def root(nid: str) -> str:
        while parent.setdefault(nid, nid) != nid:
            nid = parent[nid]
        return nid

    for a, _, b, _ in model.spec.implications:
        parent[root(a)] = root(b)
    return {nid: root(nid) for nid in parent}


def _codes(column: pd.Series, missing: np.ndarray) -> np.ndarray:
    """An integer per cell of ``column``, equal for cells of one type and value (-1 where ``missing``)."""
    import pandas as pd

    values = column.to_numpy()
    if values.dtype == np.float64:
        codes = pd.factorize(values.view(np.int64))[0]  # the bits: -0.0 is not 0.0
    elif values.dtype.kind in "biu" or (values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in _SAFE) or isinstance(column.dtype, pd.StringDtype):
        codes = pd.factorize(values)[0]
    else:  # told apart by type too (True == 1 == 1.0); a container by identity (its items might be so)
        seen: dict[object, int] = {}
        kinds = list(map(type, values))
        keys = zip(kinds, values, strict=True) if set(kinds) <= _PLAIN else map(_key, values)
        codes = np.array([seen.setdefault(key, len(seen)) for key in keys], dtype=np.int64)
    return np.where(missing, -1, codes).astype(np.int64)


def _key(value: object) -> Hashable:
    """``value``'s type and value for a number or text, else its type and identity."""
    kind = type(value)
    if isinstance(value, str | int | float | decimal.Decimal | fractions.Fraction | np.number | np.bool_):
        return kind, value
    return kind, id(value)
