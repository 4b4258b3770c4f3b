"""Quickscore's flattened terms as the kernel reads them, and the pseudo-cases they make of each case.

:class:`FlatTerms` is what :meth:`crampnet.inference._kerneltree.KernelTree.quickscore`
reads of :class:`crampnet.inference.quickscore.Flat`; :func:`pseudo_cases`
counts, in numpy, the pseudo-cases the kernel's ``count`` loop
(:func:`crampnet.inference._quickloops.count`) will expand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

__all__ = ["FlatTerms", "pseudo_cases"]


class FlatTerms(Protocol):
    """What :meth:`~crampnet.inference._kerneltree.KernelTree.quickscore` reads of the flattened Quickscore terms (:class:`crampnet.inference.quickscore.Flat`)."""

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


def pseudo_cases(observed: np.ndarray, terms: Sequence[np.ndarray], cap: int) -> np.ndarray:
    """Per case, the pseudo-cases Quickscore expands (0 over ``cap``), as the kernel's ``count`` loop counts them.

    ``observed`` is ``(finding states, n_cases)``; ``terms`` starts with the
    flattened terms' ``state_ptr``, ``finding_row`` and ``finding_card``
    (:func:`~crampnet.inference._kerneltree.run_quickscore`). A finding
    multiplies a case's count by the terms of its states with nonzero
    likelihood, when it is observed.
    :func:`~crampnet.inference.quickscore.flatten` lays each finding's states
    out on consecutive rows, finding after finding, so one segmented sum
    per quantity covers them all.

    Parameters
    ----------
    observed : numpy.ndarray
        ``(finding states, n_cases)``: the decomposed findings' likelihoods
        (all ones where a finding is unobserved).
    terms : sequence of numpy.ndarray
        The flattened terms, starting with ``state_ptr`` (each state's first
        term) and ``finding_row`` (each finding's first row); the others are not read.
    cap : int
        The most pseudo-cases a case may have.

    Returns
    -------
    numpy.ndarray
        int64 ``(n_cases,)``: each case's number of pseudo-cases (1 without
        decomposed findings), 0 where it exceeds ``cap`` (or where an
        observed finding has no term).
    """
    state_ptr, finding_row = (np.asarray(t, dtype=np.int64) for t in terms[:2])
    per_state = np.diff(state_ptr)[: observed.shape[0]].astype(float)
    n = observed.shape[1]
    if finding_row.size == 0:
        return np.ones(n, dtype=np.int64) if cap >= 1 else np.zeros(n, dtype=np.int64)
    seen = np.add.reduceat((observed != 1.0).astype(float), finding_row, axis=0) > 0
    terms_left = np.add.reduceat((observed != 0.0) * per_state[:, None], finding_row, axis=0)
    # The kernel caps its running product at cap + 1; with factors >= 0 that
    # is min(cap + 1, the whole product), exact in floats below 2**53.
    product = np.prod(np.where(seen, terms_left, 1.0), axis=0)
    return np.where(product <= cap, product, 0.0).astype(np.int64)
