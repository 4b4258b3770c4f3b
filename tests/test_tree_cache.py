"""The pruned-tree cache: bounded in number and in clique entries, and results never depend on it."""

from __future__ import annotations

import numpy as np
import pytest

from crampnet.inference import _treecache
from crampnet.inference._treecache import TreeCache
from crampnet.inference.engine import Factor, JunctionTree


def _tree(card: int) -> JunctionTree:
    """A two-variable tree of ``card * card`` entries."""
    return JunctionTree([card, card], [Factor((0,), np.full(card, 1 / card)), Factor((1, 0), np.full((card, card), 1 / card))], "min-weight")


def test_oldest_trees_go_first_by_count_and_by_entries(monkeypatch):
    """Check the LRU order, the count bound, the entries bound, and that the newest tree always stays."""
    monkeypatch.setattr(_treecache, "TREE_CACHE", 3)
    monkeypatch.setattr(_treecache, "TREE_CACHE_ENTRIES", 100)
    cache = TreeCache()
    small = _tree(4)  # 16 entries
    assert small.entries == 16
    keys = [frozenset({str(i)}) for i in range(6)]
    assert [cache.put(k, (small, {})) for k in keys[:3]] == [[], [], []]
    cache.move_to_end(keys[0])  # used again: now the newest
    assert cache.put(keys[3], (small, {})) == [keys[1]]  # over 3 trees: the least recently used goes
    big = _tree(9)  # 81 entries: with two of 16 over 100
    assert cache.put(keys[4], (big, {})) == [keys[2], keys[0]]
    assert list(cache) == [keys[3], keys[4]] and sum(t.entries for t, _ in cache.values()) == 97
    huge = _tree(11)  # 121 entries, over the bound alone: it stays, everything older goes
    assert cache.put(keys[5], (huge, {})) == [keys[3], keys[4]]
    assert list(cache) == [keys[5]]


def test_shipped_network_cache_stays_bounded_and_answers_do_not_change(model, monkeypatch):
    """Check on the shipped network: a small budget keeps few trees, and every posterior is the same as with none dropped."""
    cohort = model.simulate(16, seed=11)  # 16 cases: 8 made only 2 pruned trees once pe_symptoms joined the network (session 25)
    evidence = cohort[[c for c in cohort.columns if c not in model.conditions]]
    hidden = np.random.default_rng(3).random(evidence.shape) < 0.6
    cases = [{k: v for (k, v), h in zip(row.items(), hide, strict=True) if not h} for (_, row), hide in zip(evidence.iterrows(), hidden, strict=True)]
    net = model.compiled
    net._trees.clear()
    before = [model.posteriors(case) for case in cases]
    sizes = [t.entries for t, _ in net._trees.values()]
    assert len(sizes) >= 3  # several patterns, several trees
    budget = sorted(sizes)[-1] + sorted(sizes)[-2]  # room for about two of them
    monkeypatch.setattr(_treecache, "TREE_CACHE_ENTRIES", budget)
    net._trees.clear()
    for _ in range(2):
        for case, expected in zip(cases, before, strict=True):
            got = model.posteriors(case)
            assert np.allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)
            total = sum(t.entries for t, _ in net._trees.values())
            assert total <= budget or len(net._trees) == 1
    assert len(net._trees) < len(sizes)  # trees were dropped, and compiled again when needed
    net._trees.clear()


def test_default_bounds():
    """Check the documented bounds: 256 trees and 2**25 entries (about 270 MB of float64 tables)."""
    assert _treecache.TREE_CACHE == 256
    assert _treecache.TREE_CACHE_ENTRIES == 1 << 25
    assert pytest.approx(_treecache.TREE_CACHE_ENTRIES * 8 / 1e6, rel=0.01) == 268.4


def test_threads_may_share_the_cache(monkeypatch):
    """Check that threads putting and looking up trees together never break the cache (notebook 04 scores a cohort with dask's threads).

    Before the lock, one thread's sum over the cached trees could meet another's
    insertion: 'OrderedDict mutated during iteration' (a CI run of session 25).
    A switch interval of a microsecond makes the threads interleave inside those loops.
    """
    import sys
    import threading

    monkeypatch.setattr(_treecache, "TREE_CACHE", 300)
    monkeypatch.setattr(_treecache, "TREE_CACHE_ENTRIES", 16 * 200)
    cache = TreeCache()
    small = _tree(4)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(3000):
                key = frozenset({str((offset * 7919 + i) % 400)})
                if cache.lookup(key) is None:
                    cache.put(key, (small, {}))
        except BaseException as err:  # any error in a thread is the failure
            errors.append(err)

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(old)
    assert not errors, errors[:1]
    assert sum(t.entries for t, _ in cache.values()) <= 16 * 200 and len(cache) <= 300


def _freed_without_the_cycle_collector(make: object) -> bool:
    """Whether the tree ``make()`` returns, once it has run a pass, is freed by reference counting alone."""
    import gc
    import weakref

    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        ref = weakref.ref(make())  # type: ignore[operator]
        return ref() is None
    finally:
        if was:
            gc.enable()


def test_a_tree_that_has_run_is_freed_as_soon_as_nothing_holds_it(model):
    """Check that a tree with its pass plans and tables cached is freed when dropped, not at the next cyclic collection.

    Until session 37 each pass plan held its tree, which holds its plans: a
    reference cycle, so every tree the cache dropped kept its tables until the
    cyclic collector ran. Diagnosing a case with every binary finding positive
    compiles about sixty pruned trees of ~4.5 million entries: its peak RSS
    was 3.0 GB, 0.55 GB without the cycle (one run each, session 37).
    """

    def small() -> JunctionTree:
        tree = _tree(4)
        tree.marginals({1: np.array([[0.1, 0.2, 0.3, 0.4]])}, [0])
        assert tree._plans  # the pass left its plan cached
        return tree

    def shipped() -> JunctionTree:
        net = model.compiled
        kept = frozenset(["muscle_cramps", "calf_tenderness", "urge_to_move"])
        tree, index = net.tree_for(kept)
        tree.marginals({index["muscle_cramps"]: np.array([[1.0, 0.0]])}, [index[model.conditions[0]]])
        assert tree._plans
        net._trees.pop(kept)
        return tree

    assert _freed_without_the_cycle_collector(small)
    assert _freed_without_the_cycle_collector(shipped)
