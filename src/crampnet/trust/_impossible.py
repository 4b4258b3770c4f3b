"""The error fit raises for a row of the data that has probability zero under the model.

Both ways of counting (complete data and EM, :mod:`crampnet.trust._learning`)
refuse such a row in one sentence that starts with "Fit", naming it as
:func:`crampnet.network.batch.row_name` does and a minimal set of its
findings that cannot hold together.

Examples
--------
>>> import numpy as np
>>> import pandas as pd
>>> import crampnet
>>> from crampnet.trust._impossible import impossible_row
>>> model = crampnet.load()
>>> row = {"sex": np.array([[0.0, 1.0]]), "pregnancy": np.array([[0.0, 1.0, 0.0]])}
>>> sorted(impossible_row(model, row, pd.Index(["p4"]), 0).conflicting)
['pregnancy', 'sex']
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crampnet.base import BaseModel
from crampnet.exceptions import ImpossibleEvidenceError
from crampnet.network.batch import row_name
from crampnet.network.evidence import describe

__all__ = ["impossible_row"]


def impossible_row(model: BaseModel, evidence: Mapping[str, np.ndarray], rows: pd.Index, position: int) -> ImpossibleEvidenceError:
    """The error for the row at ``position`` of the data, of probability zero under the model, naming a minimal conflict.

    Parameters
    ----------
    model : BaseModel
        The model fitted.
    evidence : mapping of str to numpy.ndarray
        Per observed node, ``(n_rows, card)`` likelihoods of the data's rows.
    rows : pandas.Index
        The data's index, to name the row.
    position : int
        The row's position in the data (0-based).

    Returns
    -------
    ImpossibleEvidenceError
        The error to raise, with the conflicting nodes and the row's label.
    """
    row = {nid: vec[position] for nid, vec in evidence.items()}
    conflict = model.compiled.conflict(row)
    entries = " and ".join(f"{nid}={describe(model.spec, nid, row[nid])}" for nid in conflict)
    why = "cannot hold together" if len(conflict) > 1 else f"has probability zero on its own in the population {model.population!r}"
    msg = f"Fit cannot use {row_name(rows, position)} of the data: it has probability zero under the model ({entries} {why}); drop or correct it."
    return ImpossibleEvidenceError(msg, conflict, rows[position])
