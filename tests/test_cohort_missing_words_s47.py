"""A cohort CSV's text of a missing value gets the CSV's advice: leave the cell empty.

Found in session 47: ``NA``, ``null``, ``None``, ``<NA>`` or ``#N/A`` in a
cohort CSV cell was refused with advice for Python users
(``df.replace({'NA': None})``, ``row.dropna()``), while ``nan`` got the
advice a CSV needs. Every missing-value text now gets that advice, except
where it is a state of the column's node (``pregnancy``'s ``none``).
"""

from __future__ import annotations

import io

import pytest

from crampnet._cohort_csv import read_cohort
from crampnet.cli import main
from crampnet.exceptions import InvalidValueError

_WORDS = ["NA", "N/A", "null", "None", "<NA>", "#N/A", "NaT", " na "]


@pytest.mark.parametrize(("column", "word"), [(c, w) for c in ("ferritin", "urge_to_move", "pregnancy") for w in _WORDS if (c, w) != ("pregnancy", "None")])  # pregnancy's None is its state none (below)
def test_a_missing_value_text_in_a_cohort_csv_says_leave_the_cell_empty(tmp_path, capsys, word, column):
    """Check the CLI's error names the file, row, column and cell, and gives the CSV's advice, not pandas code."""
    path = tmp_path / "c.csv"
    path.write_text(f"worse_at_rest,{column}\nyes,\nno,{word}\n")
    assert main(["score", str(path), "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"crampnet: error: {path}, row 1, column {column!r}: {word!r} is not a value; leave the cell empty when it is not known.\n"
    assert "replace" not in captured.err and "dropna" not in captured.err


@pytest.mark.parametrize("cell", ["none", "None", " NONE "])
def test_a_missing_word_that_is_a_state_of_the_column_is_read_as_that_state(model, tmp_path, capsys, cell):
    """Check that ``none`` under pregnancy (and under its node, whatever the case) scores as the state none, as Python's evidence reads it."""
    path = tmp_path / "c.csv"
    path.write_text(f"urge_to_move,pregnancy\nyes,{cell}\n")
    assert main(["score", str(path), "--no-progress"]) == 0
    out = capsys.readouterr().out.splitlines()
    header, row = out[0].split(","), out[1].split(",")
    expected = model.posteriors({"urge_to_move": "yes", "pregnancy": "none"})
    for condition, value in expected.items():
        assert float(row[header.index(condition)]) == pytest.approx(value, abs=1e-9)


def test_read_cohort_without_a_network_refuses_every_missing_value_text():
    """Check the reader's rule with no network to ask: no column has a state of that name, so ``none`` is refused too."""
    with pytest.raises(InvalidValueError, match=r"^c\.csv, row 0, column 'pregnancy': 'none' is not a value; leave the cell empty"):
        next(read_cohort(io.StringIO("pregnancy\nnone\n"), "c.csv", chunksize=10))
