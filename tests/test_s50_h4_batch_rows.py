"""A DataFrame's bad cells are reported at the first row that has one (session 50, h4).

The batch reader reads each distinct text of a column once; it went through
them in sorted order, so ``['yes', '1', '0']`` was reported at row 2 (``'0'``
sorts first) while row 1 was bad too: a user fixing row 2 then met row 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crampnet

MODEL = crampnet.load()


@pytest.mark.parametrize(
    ("cells", "row", "value"),
    [
        (["yes", "1", "0"], "1", "got 1"),
        (["no", "zzz", "aaa", "zzz"], "1", "'zzz'"),
        (["yes", None, "maybe", "Maybe", "absent?"], "2", "'maybe'"),
    ],
)
def test_the_first_bad_row_is_named(cells, row, value):
    with pytest.raises(ValueError, match=rf"^Row {row}, column 'urge_to_move': .*{value}"):
        MODEL.posteriors(pd.DataFrame({"urge_to_move": pd.Series(cells, dtype=object)}))


def test_the_first_bad_row_is_named_by_its_label():
    frame = pd.DataFrame({"ferritin": pd.Series(["30", "low", "abc", "1.200"], dtype=object, index=["p1", "p2", "p3", "p4"])})
    with pytest.raises(ValueError, match=r"^Row 'p3', column 'ferritin': 'abc'"):
        MODEL.posteriors(frame)


def test_good_text_columns_still_read_each_value():
    frame = pd.DataFrame({"ferritin": pd.Series(["120", "30", "low", "30", None], dtype=object)})
    got = MODEL.posteriors(frame)
    for i, value in enumerate(["120", "30", "low", "30"]):
        assert np.allclose(got.iloc[i].to_numpy(), MODEL.posteriors({"ferritin": value}).reindex(got.columns).to_numpy(), rtol=0, atol=1e-12)
    assert np.allclose(got.iloc[4].to_numpy(), MODEL.posteriors({}).reindex(got.columns).to_numpy(), rtol=0, atol=1e-12)
