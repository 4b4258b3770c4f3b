"""Which junction tree a compiled network runs a pattern of findings on: the whole network's, or one pruned of barren findings.

Findings are leaves, so one that nobody observes or asks for is barren
and can be left out (:func:`tree_for`); the trees so pruned are cached by
:class:`~crampnet.inference.compiled.CompiledNetwork` per set of findings
kept. Every tree, whichever heuristic triangulated it, is held to the
budget of a network file (:func:`within_budget`), whose limits the
caller passes: those of :mod:`crampnet.inference.compiled`
(``MAX_CLIQUE`` and ``MAX_TREE``, read from
:mod:`crampnet.network._budget` when it is imported), so that raising
them there raises them for the engine.

A batch whose every case observes and asks for the same variables may
run on a smaller tree still (:func:`reduced`). A pass runs over every
live entry of every clique, but a variable that appears in a single
clique, takes no evidence and is not queried is only ever summed out of
that clique's messages and beliefs. Summing it out of the product of the
factors that mention it (variable elimination; they all live in that
clique) once, before any pass, leaves the same joint over the other
variables, so the same marginals and ``P(evidence)`` (to rounding: the
sums run in another order). The reduced factors are triangulated again
(min-weight) into a smaller tree with the same variable numbers. On the
shipped network's tree for the README's RLS case, the unobserved
medications and risk factors that bear on one condition each go, and the
live entries (:attr:`~crampnet.inference._cliques.CliqueTree.live_entries`)
fall from 9,377 to 3,372. A build costs ~10-30 ms, so only a batch whose
passes save more than :data:`REDUCE_WORK` entries in all gets one (an
explanation's coalition grid, :mod:`crampnet.inference._coalitions`).

Examples
--------
>>> import crampnet
>>> from crampnet.inference._pruning import fits, tree_for
>>> from crampnet.network._budget import MAX_CLIQUE, MAX_TREE
>>> compiled = crampnet.load().compiled
>>> tree, index = tree_for(compiled, frozenset({"urge_to_move"}), False, (MAX_CLIQUE, MAX_TREE))
>>> fits(tree, (MAX_CLIQUE, MAX_TREE)), "urge_to_move" in index, "ferritin" in index
(True, True, False)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from crampnet._files import escaped
from crampnet.exceptions import NetworkFileError
from crampnet.inference._cliques import CliqueTree
from crampnet.inference.engine import Factor, JunctionTree

if TYPE_CHECKING:
    from crampnet.inference.compiled import CompiledNetwork

__all__ = ["MAX_REDUCED", "REDUCE_WORK", "fits", "reduced", "run_tree", "saved_entries", "tree_for", "whole_tree", "within_budget"]

#: The most entries of one clique and of all cliques of a tree.
Limits = tuple[int, int]
#: Live entries times cases a batch's passes must save before :func:`reduced`
#: builds a smaller tree for it. A build costs ~10-30 ms and a pass ~10 ns
#: per live entry and case in the kernel (more in numpy); the coalition grid
#: of the README's RLS case saves ~6,000 entries on each of 1,536 passes
#: (9e6), the next questions' batches of ~100 rows a tenth of that.
REDUCE_WORK = 5e6
#: Reduced trees kept on the tree they come from (the oldest go first): an
#: explanation and a report of the same case share one. Each has fewer
#: entries than its tree, and goes with it when the tree cache drops it.
MAX_REDUCED = 2

T = TypeVar("T", bound=CliqueTree)


def fits(tree: JunctionTree, limits: Limits) -> bool:
    """Whether ``tree``'s cliques fit the budget of a network file, ``limits`` = (largest clique, all cliques) in entries (:mod:`crampnet.network._budget`).

    Parameters
    ----------
    tree : JunctionTree
        The tree (its tables need not be allocated).
    limits : tuple of (int, int)
        The budget: the most entries of one clique and of all cliques.

    Returns
    -------
    bool
        True if its width and its entries are both within ``limits``.
    """
    return tree.width <= limits[0] and tree.entries <= limits[1]


def within_budget(net: CompiledNetwork, tree: JunctionTree, limits: Limits) -> JunctionTree:
    """``tree``, whose clique tables are not allocated yet, if they fit the budget of a network file.

    The loader refuses a network whose junction tree, estimated by a
    greedy elimination, exceeds :data:`~crampnet.network._budget.MAX_CLIQUE`
    or :data:`~crampnet.network._budget.MAX_TREE` entries; the engine's
    own triangulation is checked here too, so no heuristic's miss can
    allocate more.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    tree : JunctionTree
        The tree to check.
    limits : tuple of (int, int)
        The budget: the most entries of one clique and of all cliques.

    Returns
    -------
    JunctionTree
        ``tree`` itself.

    Raises
    ------
    NetworkFileError
        If the tree's cliques exceed ``limits``.
    """
    if not fits(tree, limits):
        path = net.spec.path
        msg = f"{escaped(path)}: nodes: the junction tree needs a clique of {tree.width} entries and {tree.entries} in all, more than the limits ({limits[0]} and {limits[1]})"
        raise NetworkFileError(msg, path)
    return tree


def _factors(net: CompiledNetwork, ids: list[str], index: dict[str, int]) -> list[Factor]:
    """The tables of the nodes ``ids`` as factors over their variable numbers in ``index``."""
    return [Factor((index[nid], *(index[p] for p in net.spec.nodes[nid].parents)), net.tables[nid]) for nid in ids]


def whole_tree(net: CompiledNetwork, limits: Limits) -> JunctionTree:
    """The junction tree of the whole network (every finding kept), triangulated by min-fill.

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    limits : tuple of (int, int)
        The budget: the most entries of one clique and of all cliques.

    Returns
    -------
    JunctionTree
        Over every node, numbered as ``net.index``.

    Raises
    ------
    NetworkFileError
        If the tree's cliques exceed ``limits``.
    """
    cards = [len(net.spec.nodes[nid].states) for nid in net.ids]
    return within_budget(net, JunctionTree(cards, _factors(net, net.ids, net.index)), limits)


def tree_for(net: CompiledNetwork, findings: frozenset[str], thorough: bool, limits: Limits) -> tuple[JunctionTree, dict[str, int]]:
    """A junction tree without the findings that are neither observed nor asked for (:meth:`CompiledNetwork.tree_for`).

    Findings are leaves, so one that nobody observes is barren: summing it
    out gives 1 and changes no posterior and no probability of the
    evidence. Dropping the barren findings removes the couplings they
    bring, and the tree gets much narrower (on the shipped network the
    largest clique falls from ~10^5 entries to ~10^2-10^4). Trees are
    cached by the set of findings kept (least recently used first out).
    A tree is triangulated by min-weight (cheap), or also by min-fill
    where that fits and min-weight's does not or, with ``thorough``,
    where min-fill's has fewer entries (~10 ms more, for a tree that
    many passes will use: on the shipped network it can halve one).

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    findings : frozenset of str
        The findings kept (observed or asked for).
    thorough : bool
        Also try min-fill where min-weight's tree fits.
    limits : tuple of (int, int)
        The budget: the most entries of one clique and of all cliques.

    Returns
    -------
    tree : JunctionTree
        The pruned tree (the whole network's when every finding is kept).
    index : dict of str to int
        Each node of the tree to its variable number.

    Raises
    ------
    NetworkFileError
        If the tree's cliques exceed ``limits``.
    """
    if len(findings) == len(net.findings):
        return net.tree, net.index
    cached = net._trees.lookup(findings)
    if cached is not None and (not thorough or net._thorough.get(findings) is cached[0]):
        return cached
    keep = net._always | findings
    ids = [nid for nid in net.ids if nid in keep]
    index = {nid: i for i, nid in enumerate(ids)}
    factors = _factors(net, ids, index)
    # Pruned trees are compiled per evidence pattern, so the cheaper
    # heuristic pays; where its tree is over the budget, min-fill (as for
    # the whole network, which bounds every pruned tree) may fit.
    cards = [len(net.spec.nodes[nid].states) for nid in ids]
    tree = cached[0] if cached is not None else JunctionTree(cards, factors, "min-weight")
    if not fits(tree, limits):
        tree = JunctionTree(cards, factors, "min-fill")
    elif thorough:
        other = JunctionTree(cards, factors, "min-fill-matrix")
        if fits(other, limits) and other.entries < tree.entries:
            tree = other
    if thorough:
        net._thorough[findings] = tree
    entry = (within_budget(net, tree, limits), index)
    for dropped in net._trees.put(findings, entry):
        net._thorough.pop(dropped, None)
    return entry


def run_tree(net: CompiledNetwork, evidence: Mapping[str, np.ndarray], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Marginals of ``query`` and ``log P(evidence)`` on the tree pruned for the findings observed or asked for.

    A vector of ones is no observation: such entries are dropped before the
    tree is chosen (:func:`tree_for`).

    Parameters
    ----------
    net : CompiledNetwork
        The compiled network.
    evidence : mapping of str to numpy.ndarray
        Node id to a likelihood vector or ``(n, card)`` array, "no" answers
        already absorbed (:meth:`CompiledNetwork._absorb`).
    query : sequence of str
        The nodes whose marginals are wanted.

    Returns
    -------
    marginals : dict of str to numpy.ndarray
        Each node of ``query`` to its ``(n, card)`` marginals.
    log_evidence : numpy.ndarray
        ``log P(evidence)`` per case.
    """
    evidence = {nid: v for nid, v in evidence.items() if not np.all(np.asarray(v) == 1.0)}
    kept = frozenset(nid for nid in (*evidence, *query) if net.spec.nodes[nid].role == "finding")
    tree, index = net.tree_for(kept)
    engine_evidence = {}
    for nid, vec in evidence.items():
        arr = np.asarray(vec, dtype=float)
        engine_evidence[index[nid]] = arr[None, :] if arr.ndim == 1 else arr
    result = tree.marginals(engine_evidence, [index[q] for q in query])
    return {q: result.marginals[index[q]] for q in query}, result.log_evidence


def _local(tree: CliqueTree, keep: frozenset[int]) -> list[list[int]]:
    """Per clique, the variables outside ``keep`` that no other clique holds."""
    count = Counter(v for cl in tree.cliques for v in cl)
    return [[v for v in cl if count[v] == 1 and v not in keep] for cl in tree.cliques]


def saved_entries(tree: CliqueTree, keep: frozenset[int]) -> float:
    """About how many live entries a pass saves on the tree :func:`reduced` would build for ``keep``.

    Parameters
    ----------
    tree : CliqueTree
        The tree.
    keep : frozenset of int
        The variables that take evidence or are queried.

    Returns
    -------
    float
        The sum over cliques of its live entries times ``1 - 1 / k``, ``k``
        the product of the cards of the clique's variables summed out (the
        triangulation of the reduced factors may differ a little).
    """
    sizes = tree.live_sizes
    return float(sum(sizes[c] * (1.0 - 1.0 / math.prod(tree.cards[v] for v in drop)) for c, drop in enumerate(_local(tree, keep)) if drop))


def _summed_factors(tree: CliqueTree, local: list[list[int]]) -> list[Factor]:
    """The tree's factors, those that mention a variable of ``local`` multiplied per clique with those variables summed out."""
    factors: list[Factor] = []
    scalar = 1.0
    touching: dict[int, list[int]] = {}
    for k, (scope, home) in enumerate(zip(tree.scopes, tree.factor_home, strict=True)):
        if set(scope) & set(local[home]):
            touching.setdefault(home, []).append(k)
        else:
            factors.append(Factor(scope, tree._tables[k]))
    for home, ks in touching.items():
        drop = set(local[home])
        union = sorted({v for k in ks for v in tree.scopes[k]})
        letter = {v: chr(97 + i) if i < 26 else chr(65 + i - 26) for i, v in enumerate(union)}
        out = tuple(v for v in union if v not in drop)
        spec = ",".join("".join(letter[v] for v in tree.scopes[k]) for k in ks) + "->" + "".join(letter[v] for v in out)
        table = np.einsum(spec, *(np.asarray(tree._tables[k], dtype=float) for k in ks))
        if out:
            factors.append(Factor(out, table))
        else:  # a clique of variables all summed out: a constant of P(evidence)
            scalar *= float(table)
    if scalar != 1.0:
        first = factors[0]
        factors[0] = Factor(first.scope, first.table * scalar)
    return factors


def reduced(tree: T, keep: frozenset[int], cases: int) -> T:
    """``tree``, or one with the variables outside ``keep`` that only one clique holds summed out, for a batch of ``cases``.

    Parameters
    ----------
    tree : CliqueTree
        The tree (a :class:`~crampnet.inference.engine.JunctionTree`; the
        reduced tree is of the same class, with the same variable numbers).
    keep : frozenset of int
        Every variable the batch gives evidence on or queries.
    cases : int
        Cases of the batch (each one pass).

    Returns
    -------
    CliqueTree
        The reduced tree when ``cases`` times :func:`saved_entries` is at
        least :data:`REDUCE_WORK` and it has fewer live entries (built
        once per ``keep`` and kept on ``tree``); ``tree`` itself otherwise.
        Marginals and ``P(evidence)`` on either are the same up to rounding.

    Examples
    --------
    >>> import numpy as np
    >>> from crampnet.inference.engine import Factor, JunctionTree
    >>> prior = Factor((0,), np.array([0.3, 0.7]))
    >>> child = Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))
    >>> side = Factor((2, 1), np.array([[0.5, 0.1], [0.5, 0.9]]))  # variable 2: neither observed nor asked for
    >>> tree = JunctionTree([2, 2, 2], [prior, child, side])
    >>> small = reduced(tree, frozenset({0, 1}), cases=10**9)
    >>> small.entries < tree.entries
    True
    >>> a = tree.marginals({1: np.array([[1.0, 0.0]])}, [0]).marginals[0]
    >>> b = small.marginals({1: np.array([[1.0, 0.0]])}, [0]).marginals[0]
    >>> bool(np.allclose(a, b, rtol=0, atol=1e-15))
    True
    """
    cache = tree._reduced
    found = cache.get(keep)
    if found is not None:
        return found  # type: ignore[return-value]  # built by type(tree)
    if not tree.cliques or cases * saved_entries(tree, keep) < REDUCE_WORK:
        return tree
    local = _local(tree, keep)
    factors = _summed_factors(tree, local)
    if not factors:
        return tree
    small = type(tree)(tree.cards, factors, "min-weight")
    result = small if sum(small.live_sizes) < sum(tree.live_sizes) else tree
    if len(cache) >= MAX_REDUCED:
        cache.pop(next(iter(cache)))
    cache[keep] = result
    return result
