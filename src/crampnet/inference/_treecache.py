"""The pruned junction trees a compiled network keeps: least recently used first out, bounded in number and in entries.

A pruned tree is compiled per evidence pattern (the set of findings it
keeps), and once a pass has run its clique tables hold 8 bytes per entry. A
count alone does not bound that: diagnosing 300 simulated cases with 30% of
their nodes observed filled the 256 trees with 112 million entries, and the
process reached 2,473 MB (702 MB after ``malloc_trim``); with the entries
bounded by :data:`TREE_CACHE_ENTRIES` it kept 80 trees of 33 million entries
and reached 1,460 MB (409 MB). A process with several models (a notebook, a
service, the test suite) pays that per model. So the cache also drops its
oldest trees while the entries of all it holds exceed the bound (the newest
tree always stays), the smaller trees kept on a tree counted with it (:func:`held`). A dropped tree is freed at once, not at the next cyclic
garbage collection (nothing it holds refers back to it; until session 37
its pass plans did, and a worst-case diagnosis, every binary finding
positive, peaked at 3.0 GB instead of 0.55 GB). Results never depend on the
cache: a dropped tree is compiled again when needed.

Examples
--------
>>> import numpy as np
>>> from crampnet.inference.engine import Factor, JunctionTree
>>> from crampnet.inference._treecache import TreeCache
>>> tree = JunctionTree([2, 2], [Factor((0,), np.full(2, 0.5)), Factor((1, 0), np.full((2, 2), 0.5))], "min-weight")
>>> cache = TreeCache()
>>> cache.put(frozenset({"a"}), (tree, {})), cache.put(frozenset({"b"}), (tree, {}))
([], [])
>>> list(cache) == [frozenset({"a"}), frozenset({"b"})], tree.entries
(True, 4)
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from crampnet.inference.engine import JunctionTree

__all__ = ["TREE_CACHE", "TREE_CACHE_ENTRIES", "TreeCache", "held"]

#: How many pruned junction trees a compiled network keeps.
TREE_CACHE = 256
#: How many clique entries they may hold in all (2**25, about 270 MB of tables once run).
TREE_CACHE_ENTRIES = 1 << 25


class TreeCache(OrderedDict[frozenset[str], tuple[JunctionTree, dict[str, int]]]):
    """Trees and their variable numbering by the findings they keep, least recently used first.

    :meth:`lookup` and :meth:`put` hold a lock, so threads may share a model
    (a cohort scored with dask's threaded scheduler, notebook 04): without it
    one thread's sum over the trees could meet another's insertion, or a tree
    found by one could be dropped by another before it was marked as used.
    """

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def lookup(self, key: frozenset[str]) -> tuple[JunctionTree, dict[str, int]] | None:
        """The entry kept for ``key``, marked as the most recently used, or None.

        Parameters
        ----------
        key : frozenset of str
            The findings the tree keeps.

        Returns
        -------
        tuple of (JunctionTree, dict of str to int) or None
            The tree and its variable numbering, or None if not kept.
        """
        with self._lock:
            entry = self.get(key)
            if entry is not None:
                self.move_to_end(key)
            return entry

    def put(self, key: frozenset[str], entry: tuple[JunctionTree, dict[str, int]]) -> list[frozenset[str]]:
        """Keep ``entry`` as the newest; drop the oldest while over :data:`TREE_CACHE` trees or :data:`TREE_CACHE_ENTRIES` entries.

        The newest entry is never dropped, however large.

        Parameters
        ----------
        key : frozenset of str
            The findings the tree keeps.
        entry : tuple of (JunctionTree, dict of str to int)
            The tree and its variable numbering.

        Returns
        -------
        list of frozenset of str
            The keys dropped, oldest first.
        """
        with self._lock:
            self[key] = entry
            self.move_to_end(key)
            total = sum(held(tree) for tree, _ in self.values())
            dropped: list[frozenset[str]] = []
            while len(self) > 1 and (len(self) > TREE_CACHE or total > TREE_CACHE_ENTRIES):
                old, (tree, _) = self.popitem(last=False)
                total -= held(tree)
                dropped.append(old)
            return dropped


def held(tree: JunctionTree) -> int:
    """The clique entries a cached tree holds: its own, and those of the smaller trees kept on it.

    A tree keeps the reduced trees of the batches that ran on it
    (:func:`crampnet.inference._pruning.reduced`, an explanation's coalition
    grid) and the smaller tree its Quickscore searched for
    (:meth:`~crampnet.inference._kerneltree.KernelTree.searched`); each has
    tables of its own once run, and goes when the tree goes, so the bound of
    :data:`TREE_CACHE_ENTRIES` counts them with it (they are counted when the
    next tree is put, the moment the cache is trimmed).

    Parameters
    ----------
    tree : JunctionTree
        A tree of the cache.

    Returns
    -------
    int
        ``tree.entries`` plus the entries of each distinct other tree kept on it.

    Examples
    --------
    >>> import numpy as np
    >>> from crampnet.inference.engine import Factor, JunctionTree
    >>> tree = JunctionTree([2, 2], [Factor((0,), np.full(2, 0.5)), Factor((1, 0), np.full((2, 2), 0.5))], "min-weight")
    >>> held(tree) == tree.entries
    True
    """
    kept = {id(t): t for t in (*tree._reduced.values(), getattr(tree, "_smaller", None)) if t is not None and t is not tree}
    return tree.entries + sum(t.entries for t in kept.values())
