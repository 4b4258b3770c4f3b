r"""The cohort CSVs that ``crampnet score`` reads: :func:`open_cohort` and :func:`read_cohort`.

The column of red flags written beside the posteriors is :func:`crampnet._cohort_flags.flag_column`, imported here.
Files are read through :mod:`crampnet._files` (regular files only, errors naming the file); ``-`` is the standard input.
A cohort CSV is streamed in chunks. Its header is read first: empty trailing names (a trailing comma) are dropped,
and a row may end with empty fields (``yes,no,``) but has a field for each (an empty one for a value not known:
``yes,``); a value after the last named column, a missing field, an unnamed or repeated column (or two columns naming
one node, by its id and an alias), an empty file or text that is not UTF-8 is an error naming the file. So is a row
with no value in any column (``,,``, a spreadsheet's empty row), named by its number; a blank line is skipped. The
``--index-col`` column holds the cases' ids: one that names a node is refused (it is evidence), and so is one named
``red_flags`` (the output's column of flags), an empty id, one given twice, or one a spreadsheet opening the output
would run as a formula (``=``, ``+``, ``-``, ``@``, tab or CR first; not a number). A network with a condition named
as a column of the output (``red_flags``, or ``row`` without ``--index-col``) is refused too.

The separator is told by the header alone, by one exact rule (no guess from the rows, as :class:`csv.Sniffer` makes):
a header with no comma that holds exactly one of ``;``, a tab and ``|`` is read with that character between the
fields, in the header and in every row; any other file is read with commas. No node id holds any of them, so a
header of node ids tells its separator: Excel's CSV where the decimal separator is a comma (``;``), a ``.tsv`` or
"Text (Tab delimited)" export or R's ``write.table`` (tab), a database dump (``|``). A header of one column that
holds two of them, or one and a quoted comma, is refused. In a file not separated by commas a cell with one decimal
comma (``30,5``) is read as a number, with the guard against thousands separators of ``crampnet._cohort_cells``.

Examples
--------
>>> import io
>>> from crampnet._cohort_csv import read_cohort
>>> frames = read_cohort(io.StringIO("urge_to_move,worse_at_rest\nyes,no,\n"), "c.csv", chunksize=10)
>>> next(frames).to_dict("list")
{'urge_to_move': ['yes'], 'worse_at_rest': ['no']}
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

from crampnet._cli_input import show
from crampnet._cohort_cells import typed_cells
from crampnet._cohort_flags import flag_column
from crampnet._csv_rows import FullRows, not_utf8
from crampnet._files import open_regular, shown
from crampnet.exceptions import InvalidValueError, UnknownNodeError
from crampnet.network.evidence import resolve_id

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.network.records import NetworkSpec

__all__ = ["FLAGS_COLUMN", "cohort_error", "flag_column", "open_cohort", "read_cohort"]

#: The last column of ``crampnet score``'s output: each row's red flags.
FLAGS_COLUMN = "red_flags"

_EXTRA = 8  # fields a row may have after the header's last column, if they are empty
#: The separators read in place of the comma, from a header with no comma that holds exactly one of them.
_SEPARATORS = ";\t|"
_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_FORMULA, _NUMBER = frozenset("=+-@\t\r"), re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")  # an id a spreadsheet runs as a formula


@contextmanager
def open_cohort(path: str, *, count: bool) -> Iterator[tuple[IO[str], str, int | None]]:
    r"""The cohort CSV ``path`` ('-' for stdin) as UTF-8 text, its name, and its number of rows if ``count``.

    Parameters
    ----------
    path : str
        The CSV file, or ``-`` for the standard input (left open afterwards).
    count : bool
        Whether to count the file's rows first (not for the standard input).

    Yields
    ------
    tuple of (typing.IO of str, str, int or None)
        The text stream (UTF-8, a byte-order mark dropped, newlines as in
        the file), the name for messages (``<stdin>`` for ``-``), and the
        number of rows: the file's newlines less one for the header, at
        least 0 (None if not counted).

    Raises
    ------
    InvalidValueError
        If the file cannot be opened or read, or is not a regular file, or
        (for ``-``) the standard input is closed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = path.write_text("urge_to_move\nyes\nno\n")
    >>> with open_cohort(str(path), count=True) as (stream, name, rows):
    ...     rows
    2
    """
    if path == "-":
        if sys.stdin is None:  # closed (<&-): Python has no stream for it
            msg = "<stdin>: the standard input is closed; pipe the cohort CSV in, or give its file name."
            raise InvalidValueError(msg)
        buffer = getattr(sys.stdin, "buffer", None)
        if buffer is None:
            yield sys.stdin, "<stdin>", None
            return
        text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
        try:
            yield text, "<stdin>", None
        finally:
            text.detach()  # leaves sys.stdin open
        return
    with open_regular(path, what="cohort CSV") as raw:
        rows = None
        if count:
            try:
                rows = max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b"")) - 1)
                raw.seek(0)
            except OSError as err:
                msg = f"{shown(path)}: {err.strerror or err}"
                raise InvalidValueError(msg) from err
        yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), shown(path), rows


def _index_node(spec: NetworkSpec | None, index_col: str | None) -> str | None:
    """The node that ``index_col`` names (an id or an alias), if any."""
    if spec is None or index_col is None:
        return None
    try:
        return resolve_id(spec, index_col)
    except ValueError:  # not a node: a column of ids
        return None


def _check_ids(index: pd.Index, seen: dict[object, int], start: int, name: str, index_col: str) -> None:
    """Refuse an empty id of ``index`` (rows ``start``... of the file), one a spreadsheet would run as a formula, or one that an earlier row has (``seen``: id to row, updated)."""
    for row, label in enumerate(index.tolist(), start=start):
        if not isinstance(label, str):  # an empty cell (the ids are read as text)
            msg = f"{name}: row {row} (the rows after the header, counted from 0) has no id in column {show(index_col)} (--index-col); give each case an id of its own."
            raise InvalidValueError(msg)
        if label[:1] in _FORMULA and not _NUMBER.match(label):  # echoed in the output's first column
            msg = f"{name}: row {row} (the rows after the header, counted from 0) has the id {show(label)} in column {show(index_col)} (--index-col), which starts with {label[0]!r}: a spreadsheet opening the output could run it as a formula. Give ids that do not start with =, +, -, @, a tab or a carriage return (a number such as -1 is fine)."
            raise InvalidValueError(msg)
        first = seen.setdefault(label, row)
        if first != row:
            msg = f"{name}: the id {show(label)} in column {show(index_col)} (--index-col) is given twice, in rows {first} and {row} (the rows after the header, counted from 0); give each case an id of its own."
            raise InvalidValueError(msg)


def _header(stream: IO[str], name: str, index_col: str | None) -> tuple[list[str], int, str]:
    """The column names of the first non-blank row, the number of lines read to get them, and the separator (``;``, tab or ``|`` for a header with no ``,`` that holds exactly one of them: see the module docstring)."""
    read: list[str] = []

    def lines() -> Iterator[str]:
        while line := stream.readline():
            read.append(line)
            yield line

    try:
        header = next((row for row in csv.reader(lines()) if row), None)
    except csv.Error as err:
        msg = f"{name}: cannot read the header row ({err})."
        raise InvalidValueError(msg) from err
    except UnicodeDecodeError as err:
        raise not_utf8(name, err) from err
    if header is None:
        msg = f"{name}: the file is empty; a cohort CSV needs a header row naming its columns (node ids), then one row per case."
        raise InvalidValueError(msg)
    while header and not header[-1]:
        header.pop()  # a trailing comma
    marks = [mark for mark in _SEPARATORS if len(header) == 1 and mark in header[0]]
    sep = marks[0] if len(marks) == 1 and "," not in "".join(read) else ","
    if sep != ",":  # Excel's CSV where the decimal separator is a comma (;), a tab-separated export, a database dump (|)
        header = next(row for row in csv.reader(read, delimiter=sep) if row)
        while header and not header[-1]:
            header.pop()  # a trailing separator
    elif marks:  # two separators, or one and a quoted comma: no node id holds either
        held = " and ".join(map(repr, marks)) + ("" if len(marks) > 1 else " and a comma")
        msg = f"{name}: the header is one column, {show(header[0])}, which holds {held}; separate the names, and the fields of every row, with one of commas, semicolons, tabs or '|' (the header then names each column)."
        raise InvalidValueError(msg)
    problem = None
    if not header:
        problem = "the header row names no columns"
    elif "" in header:
        problem = f"column {header.index('') + 1} of the header has no name"
    elif len(set(header)) < len(header):
        problem = f"the header names {show(next(c for c in header if header.count(c) > 1))} twice"
    elif index_col is not None and index_col not in header:
        problem = f"no column {show(index_col)} for --index-col; the header names {', '.join(map(show, header[:20]))}"
    if problem:
        msg = f"{name}: {problem}. Name each column once: node ids (or aliases), and the column that --index-col names."
        raise InvalidValueError(msg)
    return header, len(read), sep


def read_cohort(stream: IO[str], name: str, *, chunksize: int, index_col: str | None = None, spec: NetworkSpec | None = None) -> Iterator[pd.DataFrame]:
    """The cases of a CSV stream, ``chunksize`` rows at a time (see the module docstring for the checks).

    Parameters
    ----------
    stream : typing.IO of str
        The CSV text, read from where it stands.
    name : str
        The file's name, starting the messages.
    chunksize : int
        The number of rows per frame.
    index_col : str or None, optional
        The column holding the cases' ids (the index), if any; each row has an id of its own.
    spec : NetworkSpec or None, optional
        The network: a column that is not one of its node ids or aliases (but ``index_col``) is refused, naming
        the file, and so is an ``index_col`` that is one, since that column is evidence.

    Yields
    ------
    pandas.DataFrame
        Up to ``chunksize`` cases, one column per header name (but
        ``index_col``): a column of numbers as floats or ints, of
        True/False as booleans (object dtype), else text; an empty cell is
        missing.

    Raises
    ------
    UnknownNodeError
        With ``spec``, for a column that is not a node ("Did you mean ...?").
    InvalidValueError
        For the problems the module docstring lists, ``inf`` or the text of a missing value (``NA``) in a cell, a number beyond the range of a
        float, an ``index_col`` that names a node, or an empty id or one given twice; the message names the file (and
        the line, row or column). For a ``spec`` with a condition named as a column of the output.
    """
    import pandas as pd

    clash = next((c for c in (FLAGS_COLUMN, index_col or "row") if spec is not None and c in spec.nodes and spec.nodes[c].role == "condition"), None)
    if spec is not None and clash is not None:  # the output's column of flags or row numbers, beside (or over) the condition's posteriors
        flags = clash == FLAGS_COLUMN
        msg = f"{name}: cannot be scored with the network {shown(spec.path)}: its condition {clash} has the name of the column of {'red flags' if flags else 'row numbers'} that crampnet score writes, so its posteriors would be {'overwritten' if flags else 'in a second column of that name'}; rename the condition in the network file{'' if flags else ', or give --index-col a column of case ids'}."
        raise InvalidValueError(msg)

    node = _index_node(spec, index_col)
    if node is not None:
        msg = f"{name}: --index-col {show(index_col)} names the node {node}, whose column is evidence; give --index-col a column of case ids that is not a node id or alias, or leave it out to number the rows."
        raise InvalidValueError(msg)
    if index_col == FLAGS_COLUMN:  # the output would have two columns of that name
        msg = f"{name}: --index-col {show(index_col)} is the name of the column of red flags that crampnet score writes; rename the column of case ids."
        raise InvalidValueError(msg)
    header, lines, sep = _header(stream, name, index_col)
    named: dict[str, str] = {}  # node id to the column naming it
    if spec is not None:
        for column in header:
            if column != index_col:
                try:
                    nid = resolve_id(spec, column, "the columns of the file")
                except UnknownNodeError as err:  # a column of case ids ("id") is the likeliest: say how to name it
                    hinted = index_col is None and column.isprintable() and len(column) <= 60 and not any(difflib.SequenceMatcher(None, column, close).ratio() >= 0.8 for close in err.suggestions)  # not for a typo (urge_to_mov); no raw escape or 100 kB printed
                    # --index-col=--id: a value that starts with '-' is read as an option after a space
                    ids = f" If the column holds the cases' ids, give --index-col{'=' if column.startswith('-') else ' '}{shlex.quote(column)}." if hinted else ""
                    msg = f"{name}: {err}{ids}"
                    raise UnknownNodeError(msg, err.node, err.suggestions) from None
                if named.setdefault(nid, column) != column:  # an id and an alias, or two aliases
                    msg = f"{name}: the header names the node {nid} twice, as {show(named[nid])} and {show(column)}; give each node one column."
                    raise InvalidValueError(msg)
    seen: dict[object, int] = {}
    start = 0  # the number of rows before the chunk
    extras = [f"\x00extra{i}" for i in range(_EXTRA)]
    try:
        with pd.read_csv(FullRows(stream, name, width=len(header), lines=lines, most=len(header) + _EXTRA, sep=sep), header=None, sep=sep, names=[*header, *extras], index_col=index_col if index_col is not None else False, chunksize=chunksize, dtype=str, keep_default_na=False, na_values=[""]) as reader:  # type: ignore[call-overload]  # FullRows has the read() the C parser uses, not a file's other methods
            for chunk in reader:
                _check_chunk(chunk, name, header, extras)
                _check_empty(chunk, name, start, index_col)
                if index_col is not None:
                    _check_ids(chunk.index, seen, start, name, index_col)
                start += len(chunk)
                yield typed_cells(chunk.drop(columns=extras), name, {column: spec.nodes[nid] for nid, column in named.items()} if spec is not None else {}, sep=sep)
    except UnicodeDecodeError as err:
        raise not_utf8(name, err) from err
    except pd.errors.ParserError as err:
        found = _EXPECTED.search(str(err))
        if found:
            msg = f"{name}, line {int(found[2]) + lines}: {found[3]} fields, more than the {len(header)} columns the header names; remove the extra fields, or name their columns in the header."
        else:
            msg = f"{name}: not a CSV file that can be read ({str(err).strip()})."
        raise InvalidValueError(msg) from err


def cohort_error(name: str, err: Exception) -> InvalidValueError:
    """The error ``err`` of the library about a cohort's rows, worded for the CSV ``name``.

    The library names a row of a DataFrame as ``Row <label>, column ...``;
    in a CSV it is ``<file>, row <label>, column ...``, as the file's own
    checks word it (the label is the one ``crampnet score`` writes: the row
    number from 0, or the ``--index-col`` id).

    Parameters
    ----------
    name : str
        The file's name, as messages show it.
    err : Exception
        The error raised while scoring its rows.

    Returns
    -------
    InvalidValueError
        The message, naming the file once.

    Examples
    --------
    >>> str(cohort_error("c.csv", ValueError("Row 2, column 'age': too old.")))
    "c.csv, row 2, column 'age': too old."
    """
    text = str(err)
    if text.startswith(name):
        return InvalidValueError(text)
    if text.startswith("Row "):
        return InvalidValueError(f"{name}, row {text.removeprefix('Row ')}")
    return InvalidValueError(f"{name}: {text}")


def _check_chunk(chunk: pd.DataFrame, name: str, header: list[str], extras: list[str]) -> None:
    """Refuse a value after the header's last column; for one field too many, say how R's row names make it."""
    import pandas as pd

    beyond = chunk[extras].notna().any(axis=1).to_numpy()
    if beyond.any():
        pos = int(beyond.argmax())
        value = next(v for v in chunk[extras].iloc[pos] if pd.notna(v))
        one_more = chunk[extras[1:]].iloc[pos].isna().all()
        names = " If each row starts with a row name that the header does not name (R's write.table writes them so), write the file with row.names = FALSE, or name that column in the header and give it to --index-col." if one_more else ""
        msg = f"{name}, row {show(chunk.index[pos])}: a value after the last column of the header ({show(header[-1])}): {show(value)}. Remove it, or name its column in the header.{names}"
        raise InvalidValueError(msg)


def _check_empty(chunk: pd.DataFrame, name: str, start: int, index_col: str | None) -> None:
    """Refuse the rows of ``chunk`` (rows ``start``... of the file) with no value in any column, naming them: a spreadsheet's empty rows, not cases."""
    empty = chunk.isna().all(axis=1).to_numpy() & (chunk.index.isna() if index_col is not None else True)
    rows = [start + i for i, gone in enumerate(empty.tolist()) if gone]
    if not rows:
        return
    one = len(rows) == 1
    listed = [str(row) for row in rows[:10]] + ([f"{len(rows) - 10} more"] if len(rows) > 10 else [])
    which = f"row {rows[0]} (the rows after the header, counted from 0) has" if one else f"rows {', '.join(listed[:-1])} and {listed[-1]} (the rows after the header, counted from 0) have"
    named = f"a case with nothing known is scored when it has an id in the --index-col column {show(index_col)}" if index_col is not None else "to score a case with nothing known, give the cases ids in a column and name it with --index-col"
    msg = f"{name}: {which} no value in any column (only separators, as a spreadsheet saves an empty row): {'it is not a case' if one else 'they are not cases'}, and scoring {'it' if one else 'them'} would put prior probabilities in the output as if for {'a patient' if one else 'patients'}. Delete the empty rows; {named}."
    raise InvalidValueError(msg)
