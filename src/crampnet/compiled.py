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

from collections.abc import Mapping, Sequence

import numpy as np

from crampnet.cpd import build_tables
from crampnet.engine import Factor, JunctionTree
from crampnet.exceptions import ImpossibleEvidenceError
from crampnet.spec import NetworkSpec

__all__ = ["CompiledNetwork"]

#: Upper bound on the entries of one clique array times the cases in a chunk.
CHUNK_ENTRIES = 2_000_000


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
        self._present = [spec.nodes[c].states.index("present") for c in self.conditions]
        self.chunk = max(1, CHUNK_ENTRIES // max(1, self.tree.width))

    def _engine_evidence(self, evidence: Mapping[str, np.ndarray]) -> dict[int, np.ndarray]:
        out = {}
        for nid, vec in evidence.items():
            arr = np.asarray(vec, dtype=float)
            out[self.index[nid]] = arr[None, :] if arr.ndim == 1 else arr
        return out

    def run(self, evidence: Mapping[str, np.ndarray], query: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Marginals of ``query`` and log P(evidence), for one chunk of cases."""
        result = self.tree.marginals(self._engine_evidence(evidence), [self.index[q] for q in query])
        return {q: result.marginals[self.index[q]] for q in query}, result.log_evidence

    def posterior_matrix(self, evidence: Mapping[str, np.ndarray]) -> np.ndarray:
        """P(present | evidence) for every condition: an ``(n_cases, n_conditions)`` array.

        ``evidence[node]`` is a likelihood vector (one case) or an
        ``(n_cases, card)`` array. Raises
        :class:`~crampnet.exceptions.ImpossibleEvidenceError` naming the first
        case (by position) whose evidence has probability zero.
        """
        n = max((np.asarray(v).shape[0] for v in evidence.values() if np.asarray(v).ndim == 2), default=1)
        out = np.empty((n, len(self.conditions)))
        for start in range(0, n, self.chunk):
            stop = min(n, start + self.chunk)
            part = {k: (v[start:stop] if np.asarray(v).ndim == 2 else v) for k, v in evidence.items()}
            marg, log_ev = self.run(part, self.conditions)
            bad = np.flatnonzero(~np.isfinite(log_ev))
            if bad.size:
                row = start + int(bad[0])
                msg = f"The evidence of case {row} has probability zero under the network."
                raise ImpossibleEvidenceError(msg, [], row)
            for j, (cond, pos) in enumerate(zip(self.conditions, self._present, strict=True)):
                out[start:stop, j] = marg[cond][:, pos]
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
