"""One collect and one distribute pass over numpy arrays (Shafer-Shenoy), cases on the last axis.

:func:`propagate` is the pass of :class:`crampnet.inference.engine.JunctionTree`,
shared by its marginals of single variables and its family marginals: it
takes clique tables with evidence already multiplied in and returns the
beliefs of the cliques asked for. :func:`normalised` turns queried
variables' tables into distributions per case.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference._cliques import CliqueTree, Factor
>>> from crampnet.inference._numpypass import propagate
>>> from crampnet.inference._passplan import PassPlan
>>> tree = CliqueTree([2, 2, 2], [Factor((0,), np.array([0.3, 0.7])), Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]])),
...                               Factor((2, 1), np.array([[0.5, 0.1], [0.5, 0.9]]))])
>>> psi = [p[..., None] for p in tree.potentials]  # one case
>>> beliefs, _ = propagate(tree, PassPlan(tree, frozenset()), psi, {0, 1}, rescale=False)
>>> [round(float(b.sum()), 4) for b in beliefs.values()]  # no evidence: every belief sums to 1
[1.0, 1.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from crampnet.inference._cliques import CliqueTree
    from crampnet.inference._passplan import PassPlan

__all__ = ["TINY", "normalised", "propagate"]

#: Floor of a message's rescaling constant (an all-zero message stays zero).
TINY = 1e-300


def propagate(
    tree: CliqueTree, plan: PassPlan, psi: list[np.ndarray], wanted: set[int], *, rescale: bool, log_scale: np.ndarray | None = None,
    divide: bool = False,
) -> tuple[dict[int, np.ndarray], np.ndarray | None]:  # fmt: skip
    """Collect, then distribute towards ``wanted``; the beliefs of ``wanted`` and of the root.

    Parameters
    ----------
    tree : CliqueTree
        The tree.
    plan : PassPlan
        The shapes and axes of the pass (the variables it fixes are already
        indexed out of ``psi``).
    psi : list of numpy.ndarray
        Per clique, its table times its evidence, cases last.
    wanted : set of int
        Cliques whose beliefs are returned.
    rescale : bool
        Divide every message by its largest entry per case (against underflow).
    log_scale : numpy.ndarray, optional
        Where given, the logs of the upward messages' scales are added to it
        and the sum returned (``log P(evidence)`` is then the log of the
        root's total plus that sum).
    divide : bool, default=False
        Distribute as Hugin does (:func:`_distribute_dividing`): only for
        tables and evidence with no negative entry.

    Returns
    -------
    beliefs : dict of int to numpy.ndarray
        Per clique of ``wanted`` and the root, its unnormalised belief.
    log_scale : numpy.ndarray or None
        ``log_scale`` plus the logs of the upward scales (None if not given).

    Notes
    -----
    Messages are stored laid out along the clique that receives them. The
    distribute pass uses prefix and suffix products, so a clique with k
    children costs O(k) products, not O(k^2), and only runs towards the
    cliques on the paths from the root to ``wanted``
    (:meth:`~crampnet.inference._passplan.PassPlan.schedule`); a clique's
    belief is its last prefix product. With ``divide`` the collect pass
    keeps each clique's product and the distribute pass divides instead
    (:func:`_distribute_dividing`): one product per clique, not ~3 per child.
    """
    up: dict[int, np.ndarray] = {}
    collected: dict[int, np.ndarray] = {}
    for c, kids, axes, shape in plan.collect:
        belief = psi[c]
        for k, d in enumerate(kids):
            belief = _times(belief, up[d], owned=k > 0)
        if divide and kids and axes:  # a product of its own, which the distribute pass may overwrite
            collected[c] = belief
        message = belief.sum(axis=axes) if axes else belief
        if rescale:
            # A message of all zeros stays zero (impossible evidence):
            # the floor only keeps the division finite.
            safe = np.maximum(message.reshape(-1, message.shape[-1]).max(axis=0), TINY)
            message = message / safe
            if log_scale is not None:
                log_scale = log_scale + np.log(safe)
        up[c] = message.reshape(shape)
    if divide:
        return _distribute_dividing(plan, psi, wanted, up, collected, rescale=rescale), log_scale
    down: dict[int, np.ndarray] = {}
    beliefs: dict[int, np.ndarray] = {}
    for c, keep, kids, sends in plan.schedule(wanted):
        prefix = [psi[c] * down[c] if c in down else psi[c]]
        for d in kids if keep else kids[:-1]:
            prefix.append(prefix[-1] * up[d])
        if keep:
            beliefs[c] = prefix[-1]
        # Suffix products, from the last child down to each child sent to.
        after: np.ndarray | None = None
        at = len(kids) - 1
        for i, d, axes, shape in sends:
            while at > i:
                after = up[kids[at]] if after is None else after * up[kids[at]]
                at -= 1
            belief = prefix[i] if after is None else prefix[i] * after
            message = belief.sum(axis=axes) if axes else belief
            if rescale:
                message = message / np.maximum(message.reshape(-1, message.shape[-1]).max(axis=0), TINY)
            down[d] = message.reshape(shape)
    return beliefs, log_scale


def _distribute_dividing(
    plan: PassPlan, psi: list[np.ndarray], wanted: set[int], up: dict[int, np.ndarray], collected: dict[int, np.ndarray], *, rescale: bool,
) -> dict[int, np.ndarray]:  # fmt: skip
    """The distribute pass of :func:`propagate` as Hugin's: the beliefs of ``wanted`` and of the root.

    A clique's belief is its collect-pass product (``collected``, arrays
    of the pass's own, overwritten here; the root's, and those of cliques
    that hold no product of their own, are made here) times its downward
    message, and the message to a
    child is that belief summed onto their separator, divided by the
    child's upward message ``up[d]``, which the product holds as a factor.
    Where ``up[d]`` is zero the message is set to zero: with no negative
    entry in any table or evidence vector, the child's own product is then
    zero on every entry of that separator state, so its belief is zero
    there whatever the message (the same beliefs as Shafer-Shenoy's
    products of the other children's messages, to rounding).
    """
    down: dict[int, np.ndarray] = {}
    beliefs: dict[int, np.ndarray] = {}
    for c, keep, kids, sends in plan.schedule(wanted):
        product = collected.get(c)
        owned = product is not None
        if product is None:  # the root, or a clique whose product is not its own: multiplied here
            product = psi[c]
            for d in kids:
                product = _times(product, up[d], owned=owned)
                owned = True
        belief = _times(product, down[c], owned=owned) if c in down else product
        if keep:
            beliefs[c] = belief
        for _, d, axes, shape in sends:
            total = belief.sum(axis=axes, keepdims=True) if axes else belief
            sep = up[d]
            with np.errstate(divide="ignore", invalid="ignore"):
                message = np.where(sep != 0.0, total / sep, 0.0)
            if rescale:
                message = message / np.maximum(message.reshape(-1, message.shape[-1]).max(axis=0), TINY)
            down[d] = message.reshape(shape)
    return beliefs


def _times(a: np.ndarray, b: np.ndarray, *, owned: bool) -> np.ndarray:
    """``a * b``, written into ``a`` when ``a`` is a temporary of the pass (``owned``) that already has the product's shape.

    Large cliques times a batch of cases are megabytes: a new array per
    product costs fresh pages as well as the arithmetic.
    """
    if owned and a.ndim == b.ndim and all(y in (1, x) for x, y in zip(a.shape, b.shape, strict=True)):
        out: np.ndarray = np.multiply(a, b, out=a)
        return out
    product: np.ndarray = a * b
    return product


def normalised(tables: list[np.ndarray], card: int, alive: np.ndarray) -> np.ndarray:
    """Queried tables of one cardinality ``(card, n)``, normalised together: ``(len(tables), n, card)``.

    Negative rounding is clipped to zero; a case with no mass, or not
    ``alive`` (impossible evidence), gets NaN.

    Parameters
    ----------
    tables : list of numpy.ndarray
        Unnormalised marginals, each ``(card, n)``.
    card : int
        Their number of states.
    alive : numpy.ndarray
        bool ``(n,)``: the cases whose evidence is possible.

    Returns
    -------
    numpy.ndarray
        float64 ``(len(tables), n, card)``: each table's distribution per case.
    """
    n = alive.shape[0]
    stacked = np.empty((len(tables), card, n))
    for k, t in enumerate(tables):
        stacked[k] = t
    np.clip(stacked, 0.0, None, out=stacked)
    sums = stacked.sum(axis=1, keepdims=True)
    ok = (sums > 0) & alive[None, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.where(ok, stacked / np.where(sums > 0, sums, 1.0), np.nan).transpose(0, 2, 1)
    return out
