r"""The cells of a cohort CSV read as values, for ``crampnet._cohort_csv.read_cohort``: :func:`typed_cells`.

A column of numbers is read as numbers, of True/False as booleans; only an
empty cell is missing. In a file whose columns are not separated by commas
(semicolons, as Excel's "CSV" writes where the decimal separator is a comma,
as in much of Europe; tabs, as its "Text (Tab delimited)" writes there; or
``|``) a number with one decimal comma, such as ``30,5``, is read as
``30.5``, and the comma of ``1,200`` is refused with both readings named (a
comma groups thousands in other locales). A column of 0 and 1 for a node
whose states are yes and no is refused, naming the columns and how to
recode them: crampnet does not guess that 1 means yes; so is one of 1 and 2
(a 2 in it), said to look coded 1/2 as SPSS and Stata data sets often code
yes and no.

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
#: A file name a one-line recoding can quote as it is.
_PLAIN = re.compile(r"[\w./\\:-]+\Z")


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
        The file's separator; with any other (``;``, a tab, ``|``), a number with a decimal comma is read as a number.

    Returns
    -------
    pandas.DataFrame
        The cells as values, the same index and columns.

    Raises
    ------
    InvalidValueError
        For a cell that is not a value, a number beyond the range of a float,
        or columns of 0 and 1 (or 1 and 2) for nodes whose states are yes and no (naming
        them all, the values found and a one-line recoding); the message
        names the file, and the row and column of a cell.
    """
    import pandas as pd

    out = {}
    for column in chunk.columns:
        text = chunk[column]
        if sep != "," and text.notna().any():  # the decimal comma of the locales whose lists Excel separates with ';' (and its tab exports)
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
    _refuse_ones(chunk, name, nodes, out, sep)
    return pd.DataFrame(out, index=chunk.index)


def _refuse_ones(chunk: pd.DataFrame, name: str, nodes: dict[str, Node], typed: dict[str, pd.Series], sep: str) -> None:
    """Refuse the columns of ``typed`` coded 0/1 or 1/2 where their node's states are yes and no, all named at once, with a one-line recoding.

    A column coded 0/1 holds only 0 and 1; one coded 1/2 (as SPSS and Stata
    data sets often code yes and no) holds only 1 and 2, and a 2.

    Parameters
    ----------
    chunk : pandas.DataFrame
        The cells as text, for the values the message shows.
    name : str
        The file's name.
    nodes : dict of str to Node
        The node each column names.
    typed : dict of str to pandas.Series
        The columns as read (numbers as numbers).
    sep : str
        The file's separator, for the recoding.

    Raises
    ------
    InvalidValueError
        If any such column; nothing otherwise.
    """
    numbers = {c: values.dropna() for c, values in typed.items() if c in nodes and sorted(nodes[c].states) == ["no", "yes"] and values.dtype.kind in "iuf" and values.notna().any()}
    ones = [c for c, values in numbers.items() if bool(values.isin([0, 1]).all())]
    twos = [c for c, values in numbers.items() if bool(values.isin([1, 2]).all()) and bool(values.eq(2).any())]
    if not ones and not twos:
        return
    parts, replaces = [], []
    for coded, yes in ((ones, 1), (twos, 1)):
        if not coded:
            continue
        cells = {str(text).strip(): float(number) for c in coded for text, number in zip(chunk[c][numbers[c].index], numbers[c], strict=True)}  # as written: 1, 1.0, 1,0 (a decimal comma)
        texts = sorted(cells, key=lambda t: (cells[t], t))
        columns = f"column {show(coded[0])} holds" if len(coded) == 1 else f"columns {', '.join(map(show, coded))} hold"
        parts.append(f"{columns} only {' and '.join(map(show, texts))}")
        recode = {t: "yes" if cells[t] == yes else "no" for t in texts}
        replaces.append(f"d[{coded!r}] = d[{coded!r}].replace({recode!r})")
    path = name if _PLAIN.match(name) else "cohort.csv"
    stem, dot, suffix = path.rpartition(".")
    recoded = f"{stem}_yes_no.{suffix}" if dot and suffix.lower() in ("csv", "tsv", "txt") else f"{path}_yes_no.csv"
    semi = f", sep={sep!r}" if sep != "," else ""
    one_line = f"python -c \"import pandas as pd; d = pd.read_csv({path!r}, dtype=str{semi}); {'; '.join(replaces)}; d.to_csv({recoded!r}, index=False{semi})\""
    many = len(ones) + len(twos) > 1
    nodes_are = "their nodes' states are" if many else "its node's states are"
    if twos:
        looks = ", ".join(map(show, twos)) + (" looks" if len(twos) == 1 else " look") if ones else "it looks" if len(twos) == 1 else "they look"
        why = f": {looks} coded 1/2, as SPSS and Stata data sets often code yes and no (usually 1 = yes, 2 = no; check the codebook), and crampnet does not guess which is yes."
    else:
        why = "; crampnet does not guess that 1 means yes."
    msg = f"{name}: {', and '.join(parts)}, and {nodes_are} yes and no{why} Write yes and no (or true and false) in {'them' if many else 'it'}, for instance{', if 1 means yes,' if twos else ''} with: {one_line}"
    raise InvalidValueError(msg)
