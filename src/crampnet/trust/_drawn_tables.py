"""Drawn tables of every node, built in chunks of bounded memory: the work of :func:`crampnet.trust.uncertainty.draw_tables`.

Examples
--------
>>> import numpy as np
>>> import crampnet
>>> from crampnet.trust._drawn_tables import drawn_tables
>>> tables = drawn_tables(crampnet.load(), 3, np.random.default_rng(0), 0.95)
>>> tables["urge_to_move"].shape[0]
3
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from crampnet.exceptions import InvalidValueError
from crampnet.trust._distributions import draw_parameters
from crampnet.trust._montecarlo import DRAW_BYTES
from crampnet.trust._parameters import parameter_space

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["TABLE_BYTES", "drawn_tables"]

#: The most memory (bytes) the tables :func:`drawn_tables` returns take, held at once (6,576 draws of the shipped network).
TABLE_BYTES = 4 * 2**30


def drawn_tables(model: BaseModel, draws: int, rng: np.random.Generator, coverage: float) -> dict[str, np.ndarray]:
    """Every node's table in each of ``draws`` parameter draws, drawn and built in chunks (for :func:`crampnet.trust.uncertainty.draw_tables`).

    The tables returned are held at once, so their size is bounded by
    :data:`TABLE_BYTES`; the parameters are drawn and the tables built a
    chunk of at most :data:`DRAW_BYTES` of parameters at a time (a fitted
    model has tens of thousands), so the peak stays near the result's size.
    A call that fits in one chunk draws exactly as ``draw_parameters(model,
    draws, rng, coverage)`` does.

    Parameters
    ----------
    model : BaseModel
        A compiled model.
    draws : int
        How many parameter draws.
    rng : numpy.random.Generator
        The generator drawn from, chunk after chunk.
    coverage : float
        The probability a range of the file is read to hold.

    Returns
    -------
    dict of str to numpy.ndarray
        Every node id to its drawn tables, shape ``(draws, *table_shape)``.

    Raises
    ------
    InvalidValueError
        If the tables of ``draws`` draws would take more than
        :data:`TABLE_BYTES`: the message says how many fit, and how to draw
        in batches.
    """
    each = 8 * sum(int(table.size) for table in model.compiled.tables.values())
    if draws * each > TABLE_BYTES:
        msg = (
            f"The 'draws' argument of draw_tables is at most {TABLE_BYTES // each:,} for this network: its tables take {each / 1e3:,.0f} kB a draw and draw_tables "
            f"returns every draw at once (at most {TABLE_BYTES / 2**30:g} GiB). Got {draws:,}. Draw in batches from one generator instead: "
            "rng = numpy.random.default_rng(0), then draw_tables(model, 1000, seed=rng) repeatedly."
        )
        raise InvalidValueError(msg)
    space = parameter_space(model)
    size = max(1, DRAW_BYTES // (8 * space.point.size))
    out: dict[str, np.ndarray] = {}
    for start in range(0, draws, size):
        part = space.tables(draw_parameters(model, min(size, draws - start), rng, coverage))
        for nid, table in part.items():
            out.setdefault(nid, np.empty((draws, *table.shape[1:]), dtype=table.dtype))[start : start + len(table)] = table
    return out
