r"""The rows of a cohort CSV as pandas reads them, each checked to have a field for every column, and not too many.

pandas reads a row with fewer fields than the header as if the missing ones
were empty (not known), so a truncated row would be scored with its last
values unobserved; and when the first row has more fields than the names it
is given, pandas drops the fields beyond them (a ``ParserWarning`` only), so
a value there would be lost. :class:`FullRows` passes the CSV text to pandas
unchanged, row by row, and refuses a row that is short (a line of ``""``
alone too, which pandas would read as a row of empty fields) or longer than
``most`` fields. Blank lines (or lines of blanks) are left for pandas, which
skips them.

Examples
--------
>>> import io
>>> rows = FullRows(io.StringIO("yes,no\n\nno,\n"), "c.csv", width=2, lines=1)
>>> rows.read()
'yes,no\n\nno,\n'
>>> FullRows(io.StringIO("yes,no\nno\n"), "c.csv", width=2, lines=1).read()
Traceback (most recent call last):
...
crampnet.exceptions.InvalidValueError: c.csv, line 3: 1 field, fewer than the 2 columns the header names; give each column a field: a value not known is an empty field, as in 'yes,' (a value, then one not known).
>>> FullRows(io.StringIO("yes,no,,,x\n"), "c.csv", width=2, lines=1, most=4).read()
Traceback (most recent call last):
...
crampnet.exceptions.InvalidValueError: c.csv, line 2: 5 fields, more than the 2 columns the header names; remove the extra fields, or name their columns in the header.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import islice
from typing import IO

from crampnet.exceptions import InvalidValueError

__all__ = ["FullRows", "not_utf8"]

_BATCH = 4096  # rows per read
_UTF16 = " (it starts with a UTF-16 byte-order mark, as a spreadsheet's 'Unicode text' export does); save the file as UTF-8."
_WORKBOOK = ": a cohort is a CSV file; save the sheet as 'CSV UTF-8 (comma delimited)' and give that file."
#: What a file that does not decode is, by its first bytes (a UTF-16 byte-order mark only when the error is at the first byte).
_KINDS = {b"\xff\xfe": _UTF16, b"\xfe\xff": _UTF16, b"PK\x03\x04": f" (it is a ZIP file, as an Excel .xlsx or OpenDocument .ods workbook is){_WORKBOOK}", b"\xd0\xcf\x11\xe0": f" (it is an Excel 97-2003 .xls workbook){_WORKBOOK}"}


def not_utf8(name: str, err: UnicodeDecodeError) -> InvalidValueError:
    r"""The error for a cohort CSV that is not UTF-8, saying what it is if its first bytes tell (UTF-16, an Excel or OpenDocument workbook).

    Parameters
    ----------
    name : str
        The file's name, for the message.
    err : UnicodeDecodeError
        The decoding error; its ``object`` is the text read so far from the
        start of the file (a workbook is told by its first bytes there).

    Returns
    -------
    InvalidValueError
        The error to raise, naming the file, the first byte that is not
        UTF-8, and what to save the file as.

    Examples
    --------
    >>> err = UnicodeDecodeError("utf-8", b"PK\x03\x04\x14\x00\x06\x00\xd3", 8, 9, "invalid continuation byte")
    >>> print(not_utf8("cohort.xlsx", err))
    cohort.xlsx: not UTF-8 text (invalid continuation byte: byte b'\xd3') (it is a ZIP file, as an Excel .xlsx or OpenDocument .ods workbook is): a cohort is a CSV file; save the sheet as 'CSV UTF-8 (comma delimited)' and give that file.
    """
    data = bytes(err.object)
    kind = next((what for magic, what in _KINDS.items() if data.startswith(magic) and (err.start == 0 or len(magic) == 4)), "; save the file as UTF-8.")
    return InvalidValueError(f"{name}: not UTF-8 text ({err.reason}: byte {data[err.start : err.start + 1]!r}){kind}")


def _blank(row: list[str]) -> bool:
    """Whether ``row`` is a blank line, or a line of blanks (pandas skips both); ``""`` alone is one empty field, which pandas reads as a row."""
    return not row or (len(row) == 1 and row[0] != "" and not row[0].strip())


class FullRows:
    """The CSV text of ``stream`` after its header, for ``pandas.read_csv``; a row with fewer fields than ``width`` is an error.

    Parameters
    ----------
    stream : typing.IO of str
        The CSV text, read from where it stands (after the header).
    name : str
        The file's name, starting the messages.
    width : int
        The number of columns the header names.
    lines : int
        The number of lines before ``stream``'s position (the header's).
    most : int or None, optional
        The most fields a row may have (the columns and the empty fields
        allowed after them); None (the default) for no limit.
    sep : str, default=","
        The character between the fields (``;``, a tab or ``|`` in a file read with one).
    """

    def __init__(self, stream: IO[str], name: str, *, width: int, lines: int, most: int | None = None, sep: str = ",") -> None:
        self._stream, self._name, self._width, self._line = stream, name, width, lines
        self._most, self._sep = most, sep
        self._raw: list[str] = []
        self._rows = csv.reader(self._lines(), delimiter=sep)

    def _lines(self) -> Iterator[str]:
        """The stream's lines, each kept until :meth:`read` passes it on."""
        for line in self._stream:
            self._raw.append(line)
            yield line

    def read(self, size: int = -1) -> str:
        """The text of the next rows (whole rows, whatever ``size``), or '' at the end.

        Parameters
        ----------
        size : int, optional
            The number of characters asked for; ignored.

        Returns
        -------
        str
            The rows' text, as in the file.

        Raises
        ------
        InvalidValueError
            If a row has fewer fields than the header's columns or more
            than ``most``, or cannot be read; the message names the file
            and the line.
        """
        del size
        try:
            rows = list(islice(self._rows, _BATCH))
        except csv.Error as err:
            msg = f"{self._name}, line {self._line + len(self._raw)}: cannot read the row ({err})."
            raise InvalidValueError(msg) from err
        if any(not _blank(row) for row in rows if len(row) < self._width) or (self._most is not None and any(len(row) > self._most for row in rows)):
            self._refuse(self._raw)
        text = "".join(self._raw)
        self._line += len(self._raw)
        self._raw.clear()
        return text

    def __iter__(self) -> Iterator[str]:
        """The text in pieces of rows, as :meth:`read` gives them (pandas asks for it).

        Yields
        ------
        str
            The text of the next rows.
        """
        while text := self.read():
            yield text

    def _refuse(self, raw: list[str]) -> None:
        """Raise the error for the first short or long row of the lines ``raw``."""
        reader = csv.reader(raw, delimiter=self._sep)
        start = 0
        for row in reader:
            if self._most is not None and len(row) > self._most:  # pandas would drop the fields beyond its names, from a first row
                msg = f"{self._name}, line {self._line + start + 1}: {len(row)} fields, more than the {self._width} columns the header names; remove the extra fields, or name their columns in the header."
                raise InvalidValueError(msg)
            if len(row) < self._width and not _blank(row):
                where = f"{self._name}, line {self._line + start + 1}"
                if row == [""]:  # pandas would score it as a case with nothing known
                    msg = f"{where}: \"\" (one empty field), fewer than the {self._width} columns the header names; remove the line: a row with no value in any column is not a case (and one of only separators is refused too)."
                    raise InvalidValueError(msg)
                count = f"{len(row)} field{'s' if len(row) != 1 else ''}"
                msg = f"{where}: {count}, fewer than the {self._width} columns the header names; give each column a field: a value not known is an empty field, as in {f'yes{self._sep}'!r} (a value, then one not known)."
                raise InvalidValueError(msg)
            start = reader.line_num
