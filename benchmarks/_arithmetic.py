"""The arithmetic an exact batch needs, and the share of the machine's peak that crampnet reaches (issue 14, item 3).

:func:`count_work` runs a batch with every junction-tree pass counted: each
pass over ``n`` cases adds the tree's entries times ``n`` (plain passes, in
either engine), each Quickscore call the entries of the tree it runs on
(:meth:`~crampnet.inference._kerneltree.KernelTree.searched`) times the
pseudo-cases the kernel expands (what its ``count`` loop counts). Only the
live entries count (:attr:`~crampnet.inference._cliques.CliqueTree.live_entries`):
an entry where some factor is zero needs no arithmetic, and the kernel
leaves it out (on the shipped network about half, ``care_setting``'s empty
state). A pass
visits every entry twice (collect, then Hugin's distribute), with at least
a multiply and an add each: :data:`FLOPS_PER_ENTRY` floating-point
operations per entry and pass, a lower bound of the arithmetic. The
machine's peak is measured as numpy's float64 matrix product
(:func:`matmul_flops`) in the same run, on all its cores as crampnet's
batch is.

Examples
--------
>>> import numpy as np, pandas as pd
>>> import crampnet
>>> from _arithmetic import count_work
>>> model = crampnet.load()
>>> work = count_work(model, pd.DataFrame([{"urge_to_move": "yes"}, {"ferritin": "low"}]))
>>> work.cases, work.entries > 0
(2, True)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from crampnet.inference._kerneltree import pseudo_cases
from crampnet.inference.engine import JunctionTree

__all__ = ["FLOPS_PER_ENTRY", "Work", "count_work", "counting", "matmul_flops", "summary"]

#: Floating-point operations per clique entry and pass: two visits (collect
#: and distribute), a multiply and an add at each.
FLOPS_PER_ENTRY = 4


@dataclass
class Work:
    """What a batch cost in junction-tree passes.

    Attributes
    ----------
    cases : int
        Cases of the batch.
    entries : int
        Clique entries over every pass (entries of the tree times its cases or pseudo-cases).
    passes : int
        Passes, one per case or pseudo-case.
    trees : dict of int to list of int
        Per tree size (entries), ``[passes, calls]``.
    """

    cases: int = 0
    entries: int = 0
    passes: int = 0
    trees: dict[int, list[int]] = field(default_factory=dict)

    def add(self, tree_entries: int, passes: int) -> None:
        """Count ``passes`` passes over a tree of ``tree_entries`` entries."""
        self.entries += tree_entries * passes
        self.passes += passes
        row = self.trees.setdefault(tree_entries, [0, 0])
        row[0] += passes
        row[1] += 1


def live_entries(tree: JunctionTree) -> int:
    """The entries of ``tree`` that can carry mass (all of them less the dead ones)."""
    return sum(tree.live_sizes)


@contextmanager
def counting() -> Iterator[Work]:
    """Count every junction-tree pass made inside the block (into the :class:`Work` it yields)."""
    work = Work()
    marginals, quickscore = JunctionTree.marginals, JunctionTree.quickscore
    own = {name: JunctionTree.__dict__[name] for name in ("marginals", "quickscore") if name in JunctionTree.__dict__}

    def counted_marginals(self: JunctionTree, *args: Any, **kwargs: Any) -> Any:
        result = marginals(self, *args, **kwargs)
        work.add(live_entries(self), int(np.shape(result.log_evidence)[0]))
        return result

    def counted_quickscore(self: JunctionTree, evidence: Any, observed: np.ndarray, flat: Any, query: Any, states: Any, cap: int, condition: float) -> Any:
        work.add(live_entries(self.searched()), int(pseudo_cases(observed, (flat.state_ptr, flat.finding_row, flat.finding_card), cap).sum()))  # the tree the kernel runs them on
        return quickscore(self, evidence, observed, flat, query, states, cap, condition)

    JunctionTree.marginals = counted_marginals  # type: ignore[method-assign]
    JunctionTree.quickscore = counted_quickscore  # type: ignore[method-assign]
    try:
        yield work
    finally:
        for name in ("marginals", "quickscore"):
            if name in own:
                setattr(JunctionTree, name, own[name])
            else:
                delattr(JunctionTree, name)


def count_work(model: Any, frame: Any) -> Work:
    """The passes of ``model.posteriors(frame)`` (a DataFrame of cases), run once more with counting on."""
    with counting() as work:
        model.posteriors(frame)
    work.cases = len(frame)
    return work


def matmul_flops(n: int = 1024, repeat: int = 5) -> float:
    """Float64 FLOP/s of numpy's ``n x n`` matrix product, best of ``repeat`` (``2 n^3`` operations each)."""
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n)), rng.random((n, n))
    a @ b  # warm the BLAS threads
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2.0 * n**3 / best


def summary(work: Work, seconds_per_case: float, peak: float) -> list[str]:
    """Lines for the benchmark: entries and FLOPs per case, trees used, achieved FLOP/s against ``peak``."""
    flops = FLOPS_PER_ENTRY * work.entries / work.cases
    achieved = flops / seconds_per_case
    trees = ", ".join(f"{size:,} entries x {passes / work.cases:.2f} passes/case" for size, (passes, _) in sorted(work.trees.items(), key=lambda kv: -kv[0] * kv[1][0]))
    return [
        f"arithmetic of the exact answer, per case of the batch: {work.entries / work.cases:,.0f} clique entries touched over its passes "
        f"({work.passes / work.cases:.2f} passes per case, pseudo-cases included) = {flops / 1e6:.2f} MFLOP at {FLOPS_PER_ENTRY} per entry",
        f"    trees used (largest share first): {trees}",
        f"    crampnet reaches {achieved / 1e9:.2f} GFLOP/s; numpy float64 matmul on this machine now {peak / 1e9:.1f} GFLOP/s: {achieved / peak:.1%} of that peak",
    ]
