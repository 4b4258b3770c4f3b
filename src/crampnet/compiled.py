"""The bridge between a network spec and the junction-tree engine.

:class:`CompiledNetwork` numbers the nodes, builds their tables, compiles the
junction tree once, and answers posterior and evidence-probability queries
for one case or a batch, in chunks of bounded memory.

Examples
--------
>>> import crampnet
>>> compiled = crampnet.load().compiled
>>> post = compiled.posterior_matrix({"urge_to_move": [0.0, 1.0]})
>>> post.shape == (1, len(crampnet.load().conditions))
True
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence

import numpy as np

from crampnet.cpd import build_tables
from crampnet.engine import Factor, JunctionTree
from crampnet.exceptions import ImpossibleEvidenceError
from crampnet.spec import NetworkSpec

__all__ = ["CompiledNetwork"]

#: Upper bound on the entries of one clique array times the cases in a chunk.
CHUNK_ENTRIES = 2_000_000
#: How many pruned junction trees a compiled network keeps.
TREE_CACHE = 256


class CompiledNetwork:
    """A network compiled for exact inference.

    Parameters
    ----------
    spec : NetworkSpec
        The validated network.
    population : str, optional
        A key of ``spec.populations`` whose context priors replace the defaults.
    """

    def __init__(self, spec: NetworkSpec, population: str | None = None) -> None:
        self.spec = spec
        self.population = population
        self.ids = list(spec.order)
        self.index = {nid: i for i, nid in enumerate(self.ids)}
        self.tables = build_tables(spec, population)
        cards = [len(spec.nodes[nid].states) for nid in self.ids]
        factors = [Factor((self.index[nid], *(self.index[p] for p in spec.nodes[nid].parents)), self.tables[nid]) for nid in self.ids]
        self.tree = JunctionTree(cards, factors)
        self.conditions = [nid for nid in spec.nodes if spec.nodes[nid].role == "condition"]
        self.findings = [nid for nid in spec.nodes if spec.nodes[nid].role == "finding"]
        self._present = [spec.nodes[c].states.index("present") for c in self.conditions]
        self.chunk = max(1, CHUNK_ENTRIES // max(1, self.tree.width))
        self._always = frozenset(nid for nid in self.ids if spec.nodes[nid].role != "finding")
        self._trees: OrderedDict[frozenset[str], tuple[JunctionTree, dict[str, int]]] = OrderedDict()

    def tree_for(self, findings: frozenset[str]) -> tuple[JunctionTree, dict[str, int]]:
        """A junction tree without the findings that are neither observed nor asked for.

        Findings are leaves, so one that nobody observes is barren: summing it
        out gives 1 and changes no posterior and no probability of the
        evidence. Dropping the barren findings removes the couplings they
        bring, and the tree gets much narrower (on the shipped network the
        largest clique falls from ~10^5 entries to ~10^2-10^4). Trees are
        cached by the set of findings kept (least recently used first out).

        Returns
        -------
        tree : JunctionTree
            The tree, over variables numbered ``0 .. len(index) - 1``.
        index : dict of str to int
            Node id to variable number in ``tree``.
        """
        if len(findings) == len(self.findings):
            return self.tree, self.index
        cached = self._trees.get(findings)
        if cached is not None:
            self._trees.move_to_end(findings)
            return cached
        keep = self._always | findings
        ids = [nid for nid in self.ids if nid in keep]
        index = {nid: i for i, nid in enumerate(ids)}
        factors = [Factor((index[nid], *(index[p] for p in self.spec.nodes[nid].parents)), self.tables[nid]) for nid in ids]
        entry = (JunctionTree([len(self.spec.nodes[nid].states) for nid in ids], factors), index)
        self._trees[findings] = entry
        if len(self._trees) > TREE_CACHE:
            self._trees.popitem(last=False)
        return entry

    def run(self, evidence: Mapping[str, np.ndarray], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Marginals of ``query`` and log P(evidence), for one chunk of cases.

        Runs on the tree of :meth:`tree_for` the findings that ``evidence``
        observes (a vector of ones is no observation) or ``query`` names.
        """
        evidence = {nid: v for nid, v in evidence.items() if not np.all(np.asarray(v) == 1.0)}
        kept = frozenset(nid for nid in (*evidence, *query) if self.spec.nodes[nid].role == "finding")
        tree, index = self.tree_for(kept)
        engine_evidence = {}
        for nid, vec in evidence.items():
            arr = np.asarray(vec, dtype=float)
            engine_evidence[index[nid]] = arr[None, :] if arr.ndim == 1 else arr
        result = tree.marginals(engine_evidence, [index[q] for q in query])
        return {q: result.marginals[index[q]] for q in query}, result.log_evidence

    def posterior_matrix(self, evidence: Mapping[str, np.ndarray], n_rows: int | None = None) -> np.ndarray:
        """P(present | evidence) for every condition: an ``(n_cases, n_conditions)`` array.

        ``evidence[node]`` is a likelihood vector (one case) or an
        ``(n_cases, card)`` array; ``n_rows`` gives the number of cases when no
        array does (a batch with no columns). Cases that observe the same findings run
        together on the tree pruned for them, in chunks of bounded memory.
        Raises :class:`~crampnet.exceptions.ImpossibleEvidenceError` naming the
        first case (by position) whose evidence has probability zero.
        """
        arrays = {k: np.asarray(v, dtype=float) for k, v in evidence.items()}
        n = max((a.shape[0] for a in arrays.values() if a.ndim == 2), default=1 if n_rows is None else n_rows)
        arrays = {k: np.broadcast_to(a, (n, a.shape[-1])) for k, a in arrays.items()}
        out = np.empty((n, len(self.conditions)))
        columns = [k for k in arrays if self.spec.nodes[k].role == "finding"]
        mask = np.stack([~np.all(arrays[k] == 1.0, axis=1) for k in columns], axis=1) if columns else np.zeros((n, 0), dtype=bool)
        patterns, groups = np.unique(mask, axis=0, return_inverse=True)
        bad: list[int] = []
        for g, pattern in enumerate(patterns):
            rows = np.flatnonzero(groups.reshape(-1) == g)
            kept = frozenset(c for c, on in zip(columns, pattern, strict=True) if on)
            tree, _ = self.tree_for(kept)
            step = max(1, CHUNK_ENTRIES // max(1, tree.width))
            for start in range(0, rows.size, step):
                part_rows = rows[start : start + step]
                part = {k: a[part_rows] for k, a in arrays.items() if k in kept or self.spec.nodes[k].role != "finding"}
                marg, log_ev = self.run(part, self.conditions)
                marg = {k: np.broadcast_to(v, (part_rows.size, v.shape[-1])) for k, v in marg.items()}
                log_ev = np.broadcast_to(log_ev, (part_rows.size,))
                bad += [int(r) for r in part_rows[~np.isfinite(log_ev)]]
                for j, (cond, pos) in enumerate(zip(self.conditions, self._present, strict=True)):
                    out[part_rows, j] = marg[cond][:, pos]
        if bad:
            row = min(bad)
            msg = f"The evidence of case {row} has probability zero under the network."
            raise ImpossibleEvidenceError(msg, [], row)
        return out

    def log_evidence(self, evidence: Mapping[str, np.ndarray]) -> float:
        """Log P(evidence) for one case (``-inf`` when impossible)."""
        _, log_ev = self.run(evidence, [])
        return float(log_ev[0])

    def conflict(self, evidence: Mapping[str, np.ndarray]) -> list[str]:
        """A minimal set of evidence entries whose joint probability is zero.

        Drops entries one at a time, keeping each whose removal makes the rest
        possible, so every entry returned is needed for the conflict.
        """
        keep = list(evidence)
        for nid in list(keep):
            trial = {k: evidence[k] for k in keep if k != nid}
            if not np.isfinite(self.log_evidence(trial)):
                keep.remove(nid)
        return keep
