"""A DataFrame's float32 or float16 column is banded by the decimal each cell writes, as one case is.

Before session 48, ``batch_evidence`` widened a float32 cell through
``float()`` (``np.float32(2.1)`` is 2.0999999046..., below calcium's cut
point, so low) and pandas widened a float16 column the same way, while the
one-case reader already read the decimal the number writes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.network.batch import batch_evidence
from crampnet.network.evidence import state_vector

#: Cells at the cut points of their node's bands, each a decimal someone typed.
CELLS = {"calcium": [2.1, 2.6, 1.9], "ankle_brachial_index": [0.9, 1.4, 0.4, 1.0], "magnesium": [0.7, 1.05]}


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    return crampnet.load()


@pytest.mark.parametrize("dtype", [np.float32, np.float16, "Float32"])
@pytest.mark.parametrize("node", sorted(CELLS))
def test_narrow_float_column_reads_the_decimal(model: crampnet.Model, node: str, dtype: object) -> None:
    typed = CELLS[node]
    frame = pd.DataFrame({node: pd.Series([*typed, None], dtype=dtype)})  # "Float32": pandas' nullable float32
    rows = batch_evidence(model.spec, frame)[node]
    spec_node = model.spec.nodes[node]
    for i, decimal in enumerate(typed):
        expected = state_vector(spec_node, decimal)  # the Python float of the decimal typed
        assert rows[i].tolist() == expected.tolist(), (node, dtype, decimal, rows[i], spec_node.states)
    assert rows[-1].tolist() == [1.0] * len(spec_node.states)  # the missing cell stays unobserved


def test_float32_column_agrees_with_one_case(model: crampnet.Model) -> None:
    frame = pd.DataFrame({"calcium": np.array([2.1], dtype=np.float32)})
    one = state_vector(model.spec.nodes["calcium"], np.float32(2.1))
    assert batch_evidence(model.spec, frame)["calcium"][0].tolist() == one.tolist() == [0.0, 1.0]
