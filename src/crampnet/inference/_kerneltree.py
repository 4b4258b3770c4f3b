"""The calls of a junction tree into the compiled kernel (:mod:`crampnet.inference._kernel`).

:class:`KernelTree` is the part of :class:`crampnet.inference.engine.JunctionTree`
that drives the kernel: whether a batch is worth running compiled, the
tree's flat arrays and the programs cached on them
(:mod:`crampnet.inference._arrays`), marginals of a batch, and Quickscore.
The numpy passes, and the rerun of the cases the kernel flags, are the
engine's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from crampnet.inference import _kernel
from crampnet.inference._arrays import Program, Structure
from crampnet.inference._cliques import CliqueTree, Factor

__all__ = ["FlatTerms", "KernelTree"]


class FlatTerms(Protocol):
    """What :meth:`KernelTree.quickscore` reads of the flattened Quickscore terms (:class:`crampnet.inference.quickscore.Flat`)."""

    @property
    def state_ptr(self) -> np.ndarray: ...
    @property
    def finding_row(self) -> np.ndarray: ...
    @property
    def finding_card(self) -> np.ndarray: ...
    @property
    def term_ptr(self) -> np.ndarray: ...
    @property
    def factor_var(self) -> np.ndarray: ...
    @property
    def factor_card(self) -> np.ndarray: ...
    @property
    def factor_off(self) -> np.ndarray: ...
    @property
    def values(self) -> np.ndarray: ...
    @property
    def weights(self) -> np.ndarray: ...


class KernelTree(CliqueTree):
    """A :class:`~crampnet.inference._cliques.CliqueTree` that runs batches in the compiled kernel.

    Parameters
    ----------
    cards, factors, heuristic
        As :class:`~crampnet.inference._cliques.CliqueTree`.
    """

    def __init__(self, cards: Sequence[int], factors: Sequence[Factor], heuristic: str = "min-fill") -> None:
        super().__init__(cards, factors, heuristic)
        self._programs: dict[tuple[tuple[int, ...], tuple[int, ...]], Program] = {}
        self._structure: Structure | None = None

    def kernel_ready(self, cases: int) -> bool:
        """Whether a pass over ``cases`` cases runs in the compiled kernel (:func:`crampnet.inference._kernel.ready`)."""
        return _kernel.ready(cases * self.entries * _kernel.NUMPY_ENTRY)

    def _program(self, rows: tuple[int, ...], query: tuple[int, ...]) -> Program:
        key = (rows, query)
        program = self._programs.get(key)
        if program is None:
            if self._structure is None:
                self._structure = Structure(self)
            program = Program(self._structure, rows, query)
            if len(self._programs) > 256:
                self._programs.clear()
            self._programs[key] = program
        return program

    def quickscore(
        self, evidence: Mapping[int, np.ndarray], observed: np.ndarray, flat: FlatTerms, query: Sequence[int], states: Sequence[int],
        cap: int, condition: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
        """``P(query[j] = states[j] | evidence)`` per case by Quickscore, in the compiled kernel.

        Parameters
        ----------
        evidence : mapping of int to numpy.ndarray
            Likelihoods on the tree's variables, ``(n_cases, card)`` or ``(1, card)``.
        observed : numpy.ndarray
            ``(finding states, n_cases)`` likelihoods of ``flat.findings`` (rows
            as ``flat.finding_row``; all ones where a finding is unobserved).
        flat : FlatTerms
            The decomposed findings' terms, parents numbered as this tree's variables.
        query, states : sequence of int
            The variables and the state of each whose posterior is returned.
        cap, condition : int, float
            See :func:`crampnet.inference._kernel.quickscore`.

        Returns
        -------
        posteriors, log_evidence, status : numpy.ndarray
            As :func:`crampnet.inference._kernel.quickscore`: rows with ``status != 0``
            (too many terms, no mass, ill conditioned) are not answered.
        """
        n = observed.shape[1]
        # Every variable of the tree takes evidence (ones where unobserved,
        # which the kernel skips), so one program serves every case.
        targets = sorted(self.home)
        program = self._program(tuple(targets), tuple(query))
        position = np.zeros(len(self.cards), dtype=np.int64)
        position[targets] = np.arange(len(targets))
        direct = np.ones((int(program.rows[-1]), n))
        for v, e in evidence.items():
            j = int(position[v])
            direct[program.rows[j] : program.rows[j + 1]] = np.asarray(e, dtype=float).T
        factor_row = program.rows[position[flat.factor_var]]
        terms = (flat.state_ptr, flat.finding_row, flat.finding_card, flat.term_ptr, factor_row, flat.factor_card, flat.factor_off)
        first = np.concatenate([[0], np.cumsum(program.q_card)[:-1]]).astype(np.int64)
        pick = first + np.asarray(states, dtype=np.int64)
        return _kernel.quickscore(program, direct, observed, terms, flat.values, flat.weights, pick, cap, condition)

    def kernel_marginals(self, evidence: Mapping[int, np.ndarray], query: Sequence[int], n: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
        """Marginals of ``query`` over ``n`` cases by the compiled kernel, as :func:`crampnet.inference._kernel.run`.

        Evidence shared by every case is multiplied into the potentials;
        per-case evidence enters the kernel, whose program is cached per set
        of such variables and query. The cases flagged in the third array
        came near underflow: the caller must compute them another way.
        """
        rows = tuple(sorted(v for v, e in evidence.items() if e.shape[0] != 1 or n == 1))
        program = self._program(rows, tuple(query))
        structure = program.structure
        potential = structure.potential
        shared = [v for v in evidence if v not in rows]
        if shared:
            potential = potential.copy()
            for v in shared:
                start = int(structure.eoff[self.home[v]])
                states = structure.state_map(v)
                potential[start : start + states.size] *= np.asarray(evidence[v], dtype=float).reshape(-1)[states]
        return _kernel.run(program, [np.asarray(evidence[v], dtype=float) for v in rows], potential=potential)
