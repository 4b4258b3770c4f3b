"""Where a noisy-OR finding's numbers sit in the parameter vector, and the factors built from them per draw.

For :mod:`crampnet.trust._montecarlo`: a finding observed at its negative
state enters as a likelihood vector per parent (:meth:`_NoisyOrSlots.likelihoods`),
one observed at its positive state with one parent as one likelihood vector
(:meth:`_NoisyOrSlots.positive`), and one with several parents as a signed
binary variable (:func:`_signed_factors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from crampnet.network.spec import NoisyOr
from crampnet.trust._parameters import fitted_counts, parameter_space

if TYPE_CHECKING:
    from crampnet.base import BaseModel


@dataclass(frozen=True)
class _NoisyOrSlots:
    """Where a noisy-OR finding's numbers sit in the parameter vector."""

    negative: int
    leak: int
    #: Per parent: (parent id, its number of states, linked state positions, their slots).
    parents: tuple[tuple[str, int, np.ndarray, np.ndarray], ...]

    def likelihoods(self, theta: np.ndarray) -> list[np.ndarray]:
        """Per parent, ``q_i(x_i)`` for each row of ``theta``; the first also carries ``1 - leak``.

        Their product is ``P(negative | parents)``, as :mod:`crampnet.trust._builders` forms it.
        """
        out = []
        for i, (_, card, states, slots) in enumerate(self.parents):
            inhib = np.ones((theta.shape[0], card))
            inhib[:, states] = 1.0 - theta[:, slots]
            out.append(inhib * (1.0 - theta[:, self.leak])[:, None] if i == 0 else inhib)
        return out

    def positive(self, theta: np.ndarray) -> np.ndarray:
        """``P(positive | x)`` of a one-parent finding for each row of ``theta``, shape ``(batch, card)``.

        ``-expm1(log1p(-leak) + log1p(-link))`` rather than ``1 - q``, which
        cancels to 0 when the leak and link are below ~1e-16 (a draw of a
        leak whose range touches 0 can be 1e-200).
        """
        ((_, card, states, slots),) = self.parents
        log = np.zeros((theta.shape[0], card))
        with np.errstate(divide="ignore"):  # a link or leak of 1: log 0 = -inf, P = 1
            log[:, states] = np.log1p(-theta[:, slots])
            log += np.log1p(-theta[:, self.leak])[:, None]
        out: np.ndarray = -np.expm1(log)
        return out


@lru_cache(maxsize=32)
def _noisy_or_slots(model: BaseModel) -> dict[str, _NoisyOrSlots]:
    """Findings whose tables are built as noisy-OR in every draw, with their slots.

    Fitted tables are general (a Dirichlet per parent configuration), so
    fitted nodes are left out, as are nodes with children or no parents.
    """
    spec = model.spec
    space = parameter_space(model)
    index = space.index()
    fitted = set(fitted_counts(model))
    has_children = {p for node in spec.nodes.values() for p in node.parents}
    out = {}
    for nid in model.compiled.findings:
        node = spec.nodes[nid]
        cpd = node.cpd
        if not isinstance(cpd, NoisyOr) or not node.parents or nid in fitted or nid in has_children:
            continue
        parents = []
        for parent in node.parents:
            pstates = spec.nodes[parent].states
            mine = [(pstates.index(link.state), index[(nid, "link", parent, link.state, cpd.positive)]) for link in cpd.links if link.parent == parent]
            parents.append((parent, len(pstates), np.array([s for s, _ in mine], dtype=np.intp), np.array([j for _, j in mine], dtype=np.intp)))
        leak = index[(nid, "leak", None, None, cpd.positive)]
        out[nid] = _NoisyOrSlots(1 - node.states.index(cpd.positive), leak, tuple(parents))
    return out


def _signed_factors(slots: _NoisyOrSlots, theta: np.ndarray) -> list[np.ndarray]:
    """Per parent, the ``(batch, 2, card)`` table of ``g_i(t, x_i)`` (see :class:`~crampnet.trust._pruned.Pruned`)."""
    out = []
    for i, q in enumerate(slots.likelihoods(theta)):
        g = np.ones((theta.shape[0], 2, q.shape[1]))
        g[:, 1] = -q if i == 0 else q
        out.append(g)
    return out
