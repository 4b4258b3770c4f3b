"""One-at-a-time sensitivity of a posterior to every number of the network.

:func:`sensitivity` moves each parameter, alone, to the low and to the high
end of its range and reports the posterior of one condition at each end:
the tornado that tells a clinician which number a conclusion hangs on.
All perturbations run as one batch of parameter sets through the (pruned)
junction tree.

Ranges are the file's ``low``/``high`` where it gives them; otherwise the
central ``coverage`` interval of the default distribution of
:mod:`crampnet.trust.uncertainty` (uncertain by a factor of 2, or 3 for a
judgment). A probability inside a distribution (a prior, a table row, a
noisy-MAX or mixture distribution) is moved with the other entries of its
distribution rescaled in proportion, so it still sums to one; for a
distribution over two states only the first state's row is listed, since
moving it moves its complement. Structural numbers (exact 0 or 1) and
derived rows (a solved logistic baseline) are not listed.

Examples
--------
>>> import crampnet
>>> from crampnet.trust.sensitivity import sensitivity
>>> model = crampnet.load()
>>> table = sensitivity(model, "restless_legs_syndrome", {"urge_to_move": True})
>>> list(table.columns[-3:])
['low', 'high', 'swing']
>>> bool(table["swing"].is_monotonic_decreasing)
True
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet.exceptions import InvalidValueError, hint
from crampnet.network.evidence import normalise, resolve_id
from crampnet.network.parts import not_listed
from crampnet.trust._logdraws import lost
from crampnet.trust._montecarlo import batch_posteriors
from crampnet.trust.uncertainty import (
    COVERAGE,
    Distributions,
    _coverage,
    distributions,
    parameter_rows,
)

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["plot_tornado", "sensitivity"]


def sensitivity(model: BaseModel, condition: str, evidence: Mapping[str, object] | None = None, *, coverage: float = COVERAGE) -> pd.DataFrame:
    """The posterior of ``condition`` with each parameter at the ends of its range.

    Parameters
    ----------
    model : BaseModel
        A compiled model.
    condition : str
        A condition id (see ``model.conditions``).
    evidence : mapping, optional
        One case, as for :meth:`crampnet.Model.posteriors`.
    coverage : float, default=0.95
        The probability of the default ranges (see
        :mod:`crampnet.trust.uncertainty`), from 0.5 to below 1.

    Returns
    -------
    pandas.DataFrame
        Indexed by the row labels of ``model.parameters()``, sorted by
        ``swing`` (largest first), with columns ``node, kind, parent,
        parent_state, state, value`` (the parameter), ``param_low,
        param_high`` (its range), ``range`` (``"file"``, ``"default"`` or
        ``"fitted"``), ``condition`` and ``base`` (the condition and its
        posterior with the file's values, the same on every row, so that a
        table saved to CSV still plots), ``low`` and ``high`` (the posterior
        with the parameter at each end; at an end where the evidence is
        impossible, such as a link of 0 on the finding's only cause, its
        limit there) and ``swing = |high - low|``. ``attrs`` holds
        ``condition`` and ``base`` too.

    Raises
    ------
    InvalidValueError
        If ``condition`` is not a condition of the network, or ``coverage``
        is not a number from 0.5 to below 1.
    ImpossibleEvidenceError, UnknownNodeError, InvalidStateError
        As for :meth:`crampnet.Model.posteriors`.
    """
    import pandas as pd

    target = resolve_id(model.spec, condition, "the 'condition' argument of sensitivity", among=model.compiled.conditions)
    if target not in model.compiled.conditions:
        part = f" It is {not_listed(model.spec.nodes, target)}." if model.spec.nodes[target].part_of else hint(str(condition), model.compiled.conditions)
        msg = f"The 'condition' argument of sensitivity must be a condition. Got {condition!r}.{part} Conditions: {', '.join(model.compiled.conditions)}."
        raise InvalidValueError(msg)
    coverage = _coverage(coverage, "sensitivity")
    vectors = normalise(model.spec, evidence)
    dist = distributions(model, coverage)
    space = dist.space
    labels, slots = _rows(model, dist)
    point = space.point
    moving = [r for r, i in enumerate(slots) if dist.low[i] != dist.high[i]]
    # Row 0 is the point, rows 2k + 1 and 2k + 2 the k-th moving parameter at its low and high ends;
    # built and run in chunks, as a fitted model's tables have tens of thousands of numbers each.
    ends_of = [0.0] + [end for r in moving for end in (dist.low[slots[r]], dist.high[slots[r]])]
    values = np.empty(len(ends_of))
    chunk = max(1, CHUNK_BYTES // (8 * point.size))
    buffer = np.repeat(point[None, :], min(chunk, len(ends_of)), axis=0)  # the point in every row, reset after each chunk
    for start in range(0, len(ends_of), chunk):
        rows = np.arange(start, min(start + chunk, len(ends_of)))
        theta = _moved(point, dist, slots, moving, rows, ends_of, buffer[: rows.size])
        values[rows] = batch_posteriors(model, vectors, theta, [target])[:, 0]
        for out, moved in zip(theta, rows.tolist(), strict=True):
            if moved:  # the slots _set moved back to the point's values
                i = slots[moving[(moved - 1) // 2]]
                group = dist.space.slots[i].group
                touched = [i] if group is None else dist.space.groups[group]
                out[touched] = point[touched]
    base = values[0]
    if np.isnan(base):
        model.posteriors(evidence)  # raises ImpossibleEvidenceError naming the conflict
        lost("sensitivity")  # unreachable: draws below the float range run the log pass (_logdraws.below_safe)
    ends = 1 + np.flatnonzero(np.isnan(values[1:]))  # an end of a range at which the evidence is impossible
    if ends.size:
        # The posterior there is its limit: the parameter a hair inside its range (a posterior is a ratio
        # of two functions affine in a probability, both 0 at that end, so this is the limit to rounding).
        for row in ends:
            i = slots[moving[(row - 1) // 2]]
            step = 1e-9 * (dist.high[i] - dist.low[i])
            ends_of[row] = dist.low[i] + step if row % 2 else dist.high[i] - step
        values[ends] = batch_posteriors(model, vectors, _moved(point, dist, slots, moving, ends, ends_of), [target])[:, 0]
    low = np.full(len(slots), base)
    high = np.full(len(slots), base)
    low[moving], high[moving] = values[1::2], values[2::2]
    params = model.parameters().loc[labels]
    frame = pd.DataFrame(
        {
            "node": params["node"].to_numpy(),
            "kind": params["kind"].to_numpy(),
            "parent": params["parent"].to_numpy(),
            "parent_state": params["parent_state"].to_numpy(),
            "state": params["state"].to_numpy(),
            "value": point[slots],
            "param_low": dist.low[slots],
            "param_high": dist.high[slots],
            "range": [dist.range_source[i] for i in slots],
            "condition": target,
            "base": float(base),
            "low": low,
            "high": high,
            "swing": np.abs(high - low),
        },
        index=pd.Index(labels, name=model.parameters().index.name),
    )
    frame = frame.sort_values("swing", ascending=False, kind="stable")
    frame.attrs.update({"condition": target, "base": float(base)})
    return frame


def _rows(model: BaseModel, dist: Any) -> tuple[list[Any], list[int]]:
    """Row labels and slots to perturb: varying parameters, one per two-state distribution."""
    space = dist.space
    labels, slots = [], []
    seen: set[int] = set()
    for label, i in parameter_rows(model).items():
        if dist.family[i] == "fixed":
            continue
        group = space.slots[i].group
        if group is not None:
            varying = [j for j in space.groups[group] if dist.family[j] != "fixed"]
            if len(varying) == 2 and group in seen:
                continue
            seen.add(group)
        labels.append(label)
        slots.append(i)
    return labels, slots


#: The most memory (bytes) one chunk of parameter sets takes in :func:`sensitivity`.
CHUNK_BYTES = 64 * 2**20


def _moved(point: np.ndarray, dist: Distributions, slots: list[int], moving: list[int], rows: np.ndarray, ends_of: list[float], buffer: np.ndarray | None = None) -> np.ndarray:
    """The parameter sets of some rows of the sensitivity batch: the point, with one parameter moved to an end.

    Parameters
    ----------
    point : numpy.ndarray
        The file's values, one per slot.
    dist : Distributions
        The distributions (their space's groups say which slots share a distribution).
    slots : list of int
        The slot of each listed parameter.
    moving : list of int
        The positions in ``slots`` of the parameters that move.
    rows : numpy.ndarray
        Rows of the batch: 0 is the point, ``2k + 1`` and ``2k + 2`` the
        ``k``-th moving parameter at its low and high ends.
    ends_of : list of float
        The value each row gives its parameter (unused for row 0).
    buffer : numpy.ndarray, optional
        Shape ``(len(rows), len(point))``, every row equal to ``point``:
        filled in place and returned (a fitted model's point has ~81,000
        slots, and copying it for every chunk of a sensitivity run cost a
        fifth of the run). None (the default) makes a new array.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(rows), len(point))``.
    """
    theta = np.repeat(point[None, :], len(rows), axis=0) if buffer is None else buffer
    for out, row in zip(theta, rows, strict=True):
        if row:
            i = slots[moving[(row - 1) // 2]]
            _set(out, dist.space.groups, dist.space.slots[i].group, i, ends_of[row])
    return theta


def _set(row: np.ndarray, groups: list[np.ndarray], group: int | None, slot: int, value: float) -> None:
    """Set one slot; within a distribution rescale the others so it still sums to one."""
    if group is None:
        row[slot] = value
        return
    members = groups[group]
    others = members[members != slot]
    rest = float(row[others].sum())
    if rest > 0:
        row[others] = row[others] * (1.0 - value) / rest
    row[slot] = value


def plot_tornado(frame: pd.DataFrame, ax: Any = None, *, top: int = 15) -> Any:
    """Draw a sensitivity table as a tornado plot (needs matplotlib).

    Each bar is labelled with the whole parameter: the node and its state,
    after ``|`` the parent and the parent's state it belongs to (or the
    table row), then the kind of number and its value, for example
    ``urge_to_move=yes | nocturnal_leg_cramps=present: link 0.172``. The
    legend sits above the axes, so it never covers a bar.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`sensitivity`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure, sized and laid out so that the
        labels and the legend fit).
    top : int, default=15
        How many parameters (largest swings) to show.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    InvalidValueError
        If ``top`` is not a positive int, ``frame`` lacks a column of a
        sensitivity table (the message names those missing), or it has
        neither ``attrs["base"]`` nor one finite number in a ``base``
        column (the posterior the bars start from).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import crampnet
    >>> from crampnet.trust.sensitivity import plot_tornado, sensitivity
    >>> model = crampnet.load()
    >>> ax = plot_tornado(sensitivity(model, "restless_legs_syndrome", {"urge_to_move": True}), top=5)
    >>> len(ax.get_yticklabels())
    5
    >>> ax.get_yticklabels()[-1].get_text()
    'restless_legs_syndrome=present: intercept prevalence 0.07'
    """
    from crampnet._arguments import check_axes, pyplot

    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or int(top) < 1:  # head(-1) drew all but the last
        msg = f"The 'top' argument of plot_tornado must be a positive int (how many parameters to show). Got {top!r} instead."
        raise InvalidValueError(msg)
    plt = pyplot()  # first: without matplotlib, the extra to install is the news
    check_axes(ax, "plot_tornado")
    missing = [column for column in _TORNADO_COLUMNS if column not in getattr(frame, "columns", ())]
    if missing:
        msg = f"plot_tornado draws a sensitivity table (the output of sensitivity or Model.sensitivity), with columns {', '.join(_TORNADO_COLUMNS)}. The {type(frame).__name__} given has no {', '.join(missing)}."
        raise InvalidValueError(msg)
    rows = frame.head(int(top)).iloc[::-1]
    labels = [_label(r) for r in rows.itertuples()]
    if ax is None:
        lines = sum(label.count("\n") + 1 for label in labels)
        _, ax = plt.subplots(figsize=(10, 0.25 * lines + 0.2 * len(labels) + 1.6), layout="constrained")
    base = _base(frame)
    y = np.arange(len(rows))
    ax.barh(y, rows["low"].to_numpy() - base, left=base, color="#4477aa", label="parameter at its low end")
    ax.barh(y, rows["high"].to_numpy() - base, left=base, color="#ee6677", label="at its high end")
    ax.axvline(base, color="black", linewidth=1, label=f"file's values: {base:.3g}")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize="small")
    ax.set_xlabel(f"P({_condition(frame)} present | evidence)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, fontsize="small", frameon=False, borderaxespad=0.2)
    return ax


#: The columns of a sensitivity table that plot_tornado reads.
_TORNADO_COLUMNS = ("node", "kind", "parent", "parent_state", "state", "value", "low", "high")

def _base(frame: pd.DataFrame) -> float:
    """The posterior with the file's values: ``attrs["base"]``, or the ``base`` column (a table read back from CSV has no attrs)."""
    if "base" in frame.attrs:
        return float(frame.attrs["base"])
    values: Any = frame["base"].dropna().unique() if "base" in frame.columns else []
    if len(values) == 1 and isinstance(values[0], numbers.Real) and 0.0 <= float(values[0]) <= 1.0:
        return float(values[0])
    found = "" if "base" not in frame.columns else f" Its 'base' column holds {len(values)} distinct values ({_shown(values)}), where one probability is needed."
    msg = (
        "plot_tornado starts its bars at the posterior with the file's values, which sensitivity keeps in the table's 'base' column and attrs['base']."
        f" The {type(frame).__name__} given has neither (attrs are lost when a table is saved and read back, e.g. through CSV).{found}"
        " Add it with table['base'] = model.posteriors(evidence)[condition] (the same case), or plot the table sensitivity returns."
    )
    raise InvalidValueError(msg)


def _shown(values: Any) -> str:
    """At most three values, then how many more."""
    shown = ", ".join(repr(v) for v in list(values)[:3])
    return shown + (f", ... ({len(values) - 3} more)" if len(values) > 3 else "")


def _condition(frame: pd.DataFrame) -> str:
    """The condition plotted: ``attrs["condition"]``, or the ``condition`` column."""
    if "condition" in frame.attrs:
        return str(frame.attrs["condition"])
    values: Any = frame["condition"].dropna().unique() if "condition" in frame.columns else []
    return str(values[0]) if len(values) == 1 else "condition"


#: Tornado labels longer than this many characters wrap onto a second line.
_LABEL_WIDTH = 60


def _label(row: Any) -> str:
    """``node=state | parent=parent_state: kind value``, wrapped at :data:`_LABEL_WIDTH`."""
    import textwrap

    what = f"{row.node}={row.state}" if isinstance(row.state, str) else str(row.node)
    if isinstance(row.parent_state, str):
        # A table row's parent_state already reads "parent=state, ..."; a
        # link, odds ratio or mixture weight names one parent and its state.
        given = row.parent_state if "=" in row.parent_state else f"{row.parent}={row.parent_state}"
        what = f"{what} | {given}"
    text = f"{what}: {str(row.kind).replace('_', ' ')} {float(row.value):.3g}"
    return textwrap.fill(text, _LABEL_WIDTH, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)
