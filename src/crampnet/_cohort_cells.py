r"""The cells of a cohort CSV read as values, for ``crampnet._cohort_csv.read_cohort``: :func:`typed_cells`.

A column of numbers is read as numbers, of True/False as booleans; only an
empty cell is missing. In a file whose columns are separated by semicolons
(what Excel's "CSV" writes where the decimal separator is a comma, as in
much of Europe) a number with a decimal comma, such as ``30,5``, is read as
``30.5``.

Examples
--------
>>> import pandas as pd
>>> chunk = pd.DataFrame({"ferritin": ["30,5", None]})
>>> typed_cells(chunk, "c.csv", {}, sep=";")["ferritin"].tolist()
[30.5, nan]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crampnet._case_file import too_big
from crampnet._cli_input import show
from crampnet.exceptions import InvalidValueError
from crampnet.network._words import grouped_number, missing_word
from crampnet.network.evidence import typed_state

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.network.spec import Node

__all__ = ["typed_cells"]

#: Cell texts that read as numbers but are not values (infinite; ``nan`` is a ``missing_word``), and the texts of booleans.
_NOT_NUMBERS, _TRUE, _FALSE = frozenset({"inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}), frozenset({"True", "TRUE", "true"}), frozenset({"False", "FALSE", "false"})
#: A number with a decimal comma (``30,5``, ``-0,25``, ``1,5E-03``): its parts before and after the comma.
_DECIMAL_COMMA = re.compile(r"\A\s*([+-]?\d*),(\d+(?:[eE][+-]?\d+)?)\s*\Z")


def typed_cells(chunk: pd.DataFrame, name: str, nodes: dict[str, Node], *, sep: str = ",") -> pd.DataFrame:
    """The chunk's text cells as values: a column of numbers as numbers, of True/False as booleans; only an empty cell is missing.

    The text of a missing value (``NA``, ``null``, ``nan``, ``None``: ``missing_word``) is refused, saying to leave
    the cell empty, unless a state of the column's node in ``nodes`` (``none`` of ``pregnancy``); so are ``inf``
    and a cell of blanks, and a number beyond the range of a float gets the error the case files give.

    Parameters
    ----------
    chunk : pandas.DataFrame
        Rows of the file as text (None for an empty cell), one column per header name.
    name : str
        The file's name, starting the messages.
    nodes : dict of str to Node
        The node each column names, by column (empty without a network).
    sep : str, default=","
        The file's separator; with ``;``, a number with a decimal comma is read as a number.

    Returns
    -------
    pandas.DataFrame
        The cells as values, the same index and columns.

    Raises
    ------
    InvalidValueError
        For a cell that is not a value, or a number beyond the range of a
        float; the message names the file, the row and the column.
    """
    import pandas as pd

    out = {}
    for column in chunk.columns:
        text = chunk[column]
        if sep == ";" and text.notna().any():  # the decimal comma of the locales whose lists Excel separates with ';'
            text = text.where(text.isna(), text.str.replace(_DECIMAL_COMMA, lambda m: f"{m[1]}.{m[2]}", regex=True))
        given = text.notna()
        stripped = text.str.strip()
        words = {v for v in stripped[given].unique() if missing_word(v) and (column not in nodes or typed_state(nodes[column], v) is None)}
        bad = given & (stripped.str.lower().isin(_NOT_NUMBERS) | stripped.isin(words) | stripped.eq(""))  # blanks too: the cell looks empty but is not
        if bad.any():
            label = text.index[bad.to_numpy()][0]
            msg = f"{name}, row {show(label)}, column {show(column)}: {show(text[label])} is not a value; leave the cell empty when it is not known."
            raise InvalidValueError(msg)
        numbers = pd.to_numeric(text.mask(stripped.isin({v for v in stripped[given].unique() if grouped_number(v)})), errors="coerce")  # 1.200 (1.2, or 1200): left as text, which the evidence refuses
        huge = numbers.abs() == float("inf")  # in any column: the words for infinity were refused above
        if huge.any():
            label = text.index[huge.to_numpy()][0]
            where = f"{name}, row {show(label)}, column {show(column)}"
            raise too_big(where, str(text[label]).strip())
        if given.any() and bool((numbers.notna() == given).all()):
            out[column] = numbers
        elif given.any() and bool(text[given].isin(_TRUE | _FALSE).all()):
            out[column] = text.map(lambda v: None if pd.isna(v) else v in _TRUE).astype(object)
        else:
            out[column] = text
    return pd.DataFrame(out, index=chunk.index)

