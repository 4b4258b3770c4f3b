"""A cohort CSV cell written ``1.200`` is refused as the case files refuse it, not read as 1.2 (session 48, h1's report).

Since session 48 ``"1.200"`` (1.2, or 1200 where a point groups thousands)
is refused in Python, in case files and on the command line; ``crampnet
score`` read a column of such cells with ``pandas.to_numeric`` and scored
ferritin 1.200 as 1.2 ng/mL, low, without a word.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("rows", "where", "says"),
    [
        ("1.200,70\n32,70\n", "row 0, column 'ferritin'", "1.200 may be 1.2 or 1200"),
        ("32,70\n0.900,1.000\n", "row 1, column 'age'", "1.000 may be 1 or 1000"),
    ],
)
def test_a_grouped_number_in_a_csv_is_refused(tmp_path: Path, rows: str, where: str, says: str, cli_run: Callable[..., tuple[int, str, str]]) -> None:
    path = tmp_path / "cohort.csv"
    path.write_text("ferritin,age\n" + rows, encoding="utf-8")
    code, out, err = cli_run(["score", str(path)])
    assert code == 2 and out == ""
    assert where in err and says in err, err


def test_plain_decimals_in_a_csv_still_score(tmp_path: Path, cli_run: Callable[..., tuple[int, str, str]]) -> None:
    path = tmp_path / "cohort.csv"
    path.write_text("ferritin,age\n0.900,70\n1.2,70.5\n1200,70\n", encoding="utf-8")
    code, out, err = cli_run(["score", str(path)])
    assert code == 0, err
    assert len(out.strip().splitlines()) == 4  # the header and three rows
