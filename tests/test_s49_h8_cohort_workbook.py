"""``crampnet score`` given a spreadsheet workbook instead of a CSV says so (session 49, h8)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest


def _xlsx(path: Path) -> Path:
    """A minimal ZIP container with the parts an .xlsx has, deflated as Excel writes it."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' * 20)
        book.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c t='inlineStr'><is><t>age</t></is></c></row></sheetData></worksheet>" * 20)
    return path


def _xls(path: Path) -> Path:
    """The first bytes of an Excel 97-2003 (OLE2 compound document) workbook."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4)
    return path


@pytest.mark.parametrize(("make", "says"), [(_xlsx, "ZIP file, as an Excel .xlsx"), (_xls, "Excel 97-2003 .xls workbook")])
def test_a_workbook_given_as_the_cohort_is_named_as_a_workbook(cli_run: Callable[..., tuple[int, str, str]], tmp_path: Path, make: Callable[[Path], Path], says: str) -> None:
    # it said only "not UTF-8 text (invalid continuation byte: byte b'\xf4'); save the file as UTF-8"
    book = make(tmp_path / "cohort.xlsx")
    code, out, err = cli_run(["score", str(book), "--no-progress"])
    assert code == 2
    assert out == ""
    assert says in err
    assert "save the sheet as 'CSV UTF-8 (comma delimited)'" in err
    assert err.startswith(f"crampnet: error: {book}: not UTF-8 text")


def test_text_in_another_encoding_is_still_told_to_be_saved_as_utf8(cli_run: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_bytes("sex,age\nfemale,52\n".replace("female", "f\u00e9male").encode("latin-1"))
    code, _, err = cli_run(["score", str(cohort), "--no-progress"])
    assert code == 2
    assert err.rstrip().endswith("; save the file as UTF-8.")
    assert "workbook" not in err
