"""The shapes and axes of one numpy pass of :class:`crampnet.inference.engine.JunctionTree`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crampnet.inference.engine import JunctionTree

__all__ = ["PassPlan"]


class PassPlan:
    """The shapes and axes of one pass, for one set of indexed-out variables.

    ``child_shape[d]`` lays clique ``d``'s separator (cases last) along its
    parent's axes (and along ``d``'s own, for the downward message, which
    has the same separator); ``up_axes[c]``/``down_axes[d]`` are the axes
    summed to make a message; ``evidence_shape[v]`` and ``query_axes[v]``
    place a variable in its home clique.
    """

    def __init__(self, tree: JunctionTree, fixed: frozenset[int], base: PassPlan | None = None) -> None:
        touched = {c for c, cl in enumerate(tree.cliques) if any(v in fixed for v in cl)}
        self.touched = sorted(touched)
        self.upward = list(reversed(tree.order[1:]))
        self.parent = tree.parent
        self.child_shape: dict[int, tuple[int, ...]] = {} if base is None else dict(base.child_shape)
        self.up_axes: dict[int, tuple[int, ...]] = {} if base is None else dict(base.up_axes)
        self.down_axes: dict[int, tuple[int, ...]] = {} if base is None else dict(base.down_axes)
        self.down_shape: dict[int, tuple[int, ...]] = {} if base is None else dict(base.down_shape)
        self.evidence_shape: dict[int, tuple[int, ...]] = {} if base is None else {v: s for v, s in base.evidence_shape.items() if v not in fixed}
        self.query_axes: dict[int, tuple[int, ...]] = {} if base is None else {v: a for v, a in base.query_axes.items() if v not in fixed}
        # Only the entries that involve a clique holding a fixed variable
        # differ from the plan with nothing fixed.
        redo = touched if base is not None else set(range(len(tree.cliques)))
        cliques = {c: tuple(v for v in tree.cliques[c] if v not in fixed) for c in redo | {tree.parent[c] for c in redo if c in tree.parent} | {d for c in redo for d in tree.children[c]}}
        for c, p in tree.parent.items():
            if c not in redo and p not in redo:
                continue
            sep = set(tree.separator[c]) - fixed
            self.child_shape[c] = (*(tree.cards[v] if v in sep else 1 for v in cliques[p]), -1)
            self.up_axes[c] = tuple(i for i, v in enumerate(cliques[c]) if v not in sep)
            self.down_axes[c] = tuple(i for i, v in enumerate(cliques[p]) if v not in sep)
            # The downward message into c is laid along c's own axes.
            self.down_shape[c] = (*(tree.cards[v] if v in sep else 1 for v in cliques[c]), -1)
        for v, h in tree._home.items():
            if h in redo and v not in fixed:
                self.evidence_shape[v] = (*(tree.cards[u] if u == v else 1 for u in cliques[h]), -1)
                self.query_axes[v] = tuple(i for i, u in enumerate(cliques[h]) if u != v)
        self._needed: dict[frozenset[int], set[int]] = {}

    def needed(self, wanted: set[int]) -> set[int]:
        """Cliques on the paths from the root to ``wanted`` (root excluded)."""
        key = frozenset(wanted)
        out = self._needed.get(key)
        if out is None:
            out = set()
            for c in wanted:
                while c in self.parent:
                    out.add(c)
                    c = self.parent[c]
            if len(self._needed) > 256:
                self._needed.clear()
            self._needed[key] = out
        return out
