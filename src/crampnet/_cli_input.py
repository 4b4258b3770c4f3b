r"""What the command line reads: ``node=value`` pairs, ``--case`` files and cohort CSVs.

Files are read through :mod:`crampnet._files` (regular files only, bounded,
errors naming the file). A case file (:mod:`crampnet._case_file`) is JSON
of at most :data:`MAX_CASE_BYTES`: a plain case (node id to value) or a
case saved by ``crampnet interview --save``; a key given twice, a number
beyond the range of a float, ``NaN``, nesting too deep and a saved case's
malformed key are errors naming the file. A node given
twice within one source (the command line, or one case file, counting
aliases) is an error; a later source overrides an earlier one (the example
case, then the case file, then the command line).

A cohort CSV is streamed in chunks. Its header is read first: empty trailing
names (a trailing comma) are dropped, and a row may end with empty fields
(``yes,no,``); a value after the last named column, an unnamed or repeated
column, an empty file or text that is not UTF-8 is an error naming the file.

Examples
--------
>>> import io
>>> from crampnet._cli_input import read_cohort
>>> frames = read_cohort(io.StringIO("urge_to_move,worse_at_rest\nyes,no,\n"), "c.csv", chunksize=10)
>>> next(frames).to_dict("list")
{'urge_to_move': ['yes'], 'worse_at_rest': ['no']}
"""

from __future__ import annotations

import csv
import io
import math
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING

from crampnet._case_file import MAX_CASE_BYTES, CaseFile, read_case_file, too_big
from crampnet._files import open_regular, shown
from crampnet.exceptions import CrampnetError, EvidenceTypeError, InvalidValueError
from crampnet.network.evidence import interpret, resolve_id, state_vector

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.model import Model

__all__ = ["MAX_CASE_BYTES", "gather_evidence", "open_cohort", "parse_assignment", "read_case", "read_cohort", "show"]

_EXTRA = 8  # fields a row may have after the header's last column, if they are empty
_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def show(value: object, limit: int = 60) -> str:
    """A short ``repr`` for a message, whatever the value's size.

    Examples
    --------
    >>> show("urge_to_move"), show("x" * 500)[-18:], show(10**5000)
    ("'urge_to_move'", "...xxxxxxxxxxx' (502)", 'an integer of 16610 bits')
    """
    if isinstance(value, int) and value.bit_length() > 1000:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 20]}...{text[-12:]} ({len(text)})"


def parse_assignment(text: str) -> tuple[str, object]:
    """Parse ``node=value``: numbers become floats, true/false booleans, other text stays.

    Examples
    --------
    >>> parse_assignment("ferritin=30"), parse_assignment("urge_to_move=yes")
    (('ferritin', 30.0), ('urge_to_move', 'yes'))
    """
    if "=" not in text:
        msg = f"Expected node=value, got {show(text)}."
        raise EvidenceTypeError(msg)
    key, _, raw = text.partition("=")
    raw = raw.strip()
    value: object = raw
    try:
        value = float(raw)
    except ValueError:
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
    if isinstance(value, float) and math.isinf(value) and raw.lower().lstrip("+-") not in ("inf", "infinity"):
        where = f"{key.strip()}={raw}"
        raise too_big(where, raw)
    return key.strip(), value


def read_case(path: str) -> dict[str, object]:
    """The evidence in a case file: a plain case (node id or alias to value), or a saved interview's.

    See :mod:`crampnet._case_file` for the two kinds of file and the checks.

    Raises
    ------
    InvalidValueError
        If the file cannot be read, is not JSON, gives a key twice in one
        object, holds a number beyond float range or ``NaN``/``Infinity``,
        or is nested too deeply; the message starts with the file's name.
    EvidenceTypeError
        If the JSON is not an object.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "case.json"
    >>> _ = path.write_text('{"urge_to_move": true, "urge_to_move": false}')
    >>> try:
    ...     read_case(str(path))
    ... except ValueError as err:
    ...     print(str(err).split(": ", 1)[1])
    the key 'urge_to_move' appears twice in one JSON object; give each key once.
    """
    return read_case_file(path).evidence


def gather_evidence(model: Model, base: Mapping[str, object], case: str | CaseFile | None, assignments: Sequence[str]) -> dict[str, object]:
    """The evidence of ``base``, then the case file, then ``node=value`` pairs, keyed by node id.

    ``case`` is a case file's path, or the file already read
    (:func:`crampnet._case_file.read_case_file`; a saved interview gives its
    evidence).

    Each value is read as typed (:func:`~crampnet.network.evidence.interpret`)
    and checked against its node; an error about the case file names it.

    Raises
    ------
    InvalidValueError
        If a source gives one node twice (its id, or an id and an alias).
    CrampnetError
        For an unknown node or a value that does not fit its node.

    Examples
    --------
    >>> import crampnet
    >>> gather_evidence(crampnet.load(), {}, None, ["urge_to_move=yes", "ferritin=30"])
    {'urge_to_move': 'yes', 'ferritin': 30.0}
    """
    sources: list[tuple[str | None, list[tuple[str, object]]]] = [(None, list(base.items()))]
    if case:
        read = read_case_file(case) if isinstance(case, str) else case
        sources.append((read.name, list(read.evidence.items())))
    sources.append((None, [parse_assignment(item) for item in assignments]))
    evidence: dict[str, object] = {}
    for where, items in sources:
        given: dict[str, str] = {}
        for key, raw in items:
            try:
                nid = resolve_id(model.spec, key, "the case file" if where else "evidence")
                if nid in given:
                    twice = show(key) if given[nid] == key else f"{nid} (as {show(given[nid])} and {show(key)})"
                    msg = f"{where or 'the command line'}: {twice} is given twice; give each node once."
                    raise InvalidValueError(msg)
                given[nid] = key
                node = model.spec.nodes[nid]
                value = interpret(node, raw)
                state_vector(node, value)
            except (CrampnetError, ValueError, TypeError) as err:
                if where is None or str(err).startswith(where):
                    raise
                msg_0 = f"{where}: {err}"
                raise InvalidValueError(msg_0) from err
            evidence[nid] = value
    return evidence


@contextmanager
def open_cohort(path: str, *, count: bool) -> Iterator[tuple[IO[str], str, int | None]]:
    r"""The cohort CSV ``path`` ('-' for stdin) as UTF-8 text, its name, and its number of rows if ``count``.

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


def _not_utf8(name: str, err: UnicodeDecodeError) -> InvalidValueError:
    return InvalidValueError(f"{name}: not UTF-8 text ({err.reason}: byte {err.object[err.start : err.start + 1]!r}); save the file as UTF-8.")


def _header(stream: IO[str], name: str, index_col: str | None) -> tuple[list[str], int]:
    """The column names of the first non-blank row, and the number of lines read to get them."""
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
        raise _not_utf8(name, err) from err
    if header is None:
        msg = f"{name}: the file is empty; a cohort CSV needs a header row naming its columns (node ids), then one row per case."
        raise InvalidValueError(msg)
    while header and not header[-1]:
        header.pop()  # a trailing comma
    other = next((sep for sep in ";\t|" if sep in header[0]), None) if len(header) == 1 else None
    if other is not None:  # a spreadsheet's export with another separator: no node id holds one
        msg = f"{name}: the header is one column, {show(header[0])}, with {other!r} between the names; a cohort CSV separates its columns with commas (save it as 'CSV, comma-separated')."
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
    return header, len(read)


def read_cohort(stream: IO[str], name: str, *, chunksize: int, index_col: str | None = None) -> Iterator[pd.DataFrame]:
    """The cases of a CSV stream, ``chunksize`` rows at a time (see the module docstring for the checks)."""
    import pandas as pd

    header, lines = _header(stream, name, index_col)
    extras = [f"\x00extra{i}" for i in range(_EXTRA)]
    try:
        with pd.read_csv(stream, header=None, names=[*header, *extras], index_col=index_col if index_col is not None else False, chunksize=chunksize, dtype=str, keep_default_na=False, na_values=[""]) as reader:
            for chunk in reader:
                _check_chunk(chunk, name, header, extras)
                yield _typed(chunk.drop(columns=extras), name)
    except UnicodeDecodeError as err:
        raise _not_utf8(name, err) from err
    except pd.errors.ParserError as err:
        found = _EXPECTED.search(str(err))
        if found:
            msg = f"{name}, line {int(found[2]) + lines}: {found[3]} fields, more than the {len(header)} columns the header names; remove the extra fields, or name their columns in the header."
        else:
            msg = f"{name}: not a CSV file that can be read ({str(err).strip()})."
        raise InvalidValueError(msg) from err


def _check_chunk(chunk: pd.DataFrame, name: str, header: list[str], extras: list[str]) -> None:
    """Refuse a value after the header's last column."""
    import pandas as pd

    beyond = chunk[extras].notna().any(axis=1).to_numpy()
    if beyond.any():
        pos = int(beyond.argmax())
        value = next(v for v in chunk[extras].iloc[pos] if pd.notna(v))
        msg = f"{name}, row {show(chunk.index[pos])}: a value after the last column of the header ({show(header[-1])}): {show(value)}. Remove it, or name its column in the header."
        raise InvalidValueError(msg)


#: Cell texts that read as numbers but are not values (pandas would read them as missing or infinite).
_NOT_NUMBERS = frozenset({"nan", "-nan", "+nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"})
_TRUE, _FALSE = frozenset({"True", "TRUE", "true"}), frozenset({"False", "FALSE", "false"})


def _typed(chunk: pd.DataFrame, name: str) -> pd.DataFrame:
    """The chunk's text cells as values: a column of numbers as numbers, of True/False as booleans; only an empty cell is missing.

    Text such as ``NA``, ``null`` or ``nan`` stays text (an error naming the
    state it is not), ``nan`` and ``inf`` in a numeric column are refused, and
    a number beyond the range of a float gets the error the case files give.
    """
    import pandas as pd

    out = {}
    for column in chunk.columns:
        text = chunk[column]
        given = text.notna()
        bad = given & text.str.strip().str.lower().isin(_NOT_NUMBERS)
        if bad.any():
            label = text.index[bad.to_numpy()][0]
            msg = f"{name}, row {show(label)}, column {show(column)}: {show(text[label])} is not a value; leave the cell empty when it is not known."
            raise InvalidValueError(msg)
        numbers = pd.to_numeric(text, errors="coerce")
        if given.any() and bool((numbers.notna() == given).all()):
            huge = numbers.abs() == float("inf")
            if huge.any():
                label = text.index[huge.to_numpy()][0]
                where = f"{name}, row {show(label)}, column {show(column)}"
                raise too_big(where, str(text[label]).strip())
            out[column] = numbers
        elif given.any() and bool(text[given].isin(_TRUE | _FALSE).all()):
            out[column] = text.map(lambda v: None if pd.isna(v) else v in _TRUE).astype(object)
        else:
            out[column] = text
    return pd.DataFrame(out, index=chunk.index)
