"""Hostile cohort CSVs and network files, session 47: what the readers still let through.

Each test pins one finding: a first row wider than the header (whose extra
values pandas dropped with only a warning); a case id that a spreadsheet
opening ``crampnet score``'s output would run as a formula; a state named
like a number on a node with bands (``50``: a CSV cell read as the state
or as the number, by what else its column holds); a header column whose
name the --index-col hint printed raw (terminal escapes, 130 kB); a network
file's name printed raw in the errors about its content; a network whose
condition is named as a column of ``crampnet score``'s output (``red_flags``,
whose posteriors the flags overwrote, or ``row``); a file that is not UTF-8
named by a byte offset only.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import crampnet
from crampnet.cli import main

TINY = Path(__file__).parent / "data" / "tiny.toml"


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run main(argv) with warnings shown (not raised), check it exits 2 with one clean error line, and return stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as a user runs it: a ParserWarning is not an error
        assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("crampnet: error: "), captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize(
    ("content", "index", "fields"),
    [
        ("urge_to_move,worse_at_rest\nyes,no,,,,,,,,,x\n", [], 11),  # scored as yes,no: the x was dropped
        ("urge_to_move,worse_at_rest\nyes,no,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,x\n", [], 33),
        ("id,urge_to_move\na,yes,,,,,,,,,x\n", ["--index-col", "id"], 11),  # a KeyError traceback
        ("id,urge_to_move\na,yes,,,,,,,,,,x\n", ["--index-col", "id"], 12),  # "Could not construct index"
        ("urge_to_move,worse_at_rest\r\n\r\nyes,no,,,,,,,,,,\r\n", [], 12),
    ],
)
def test_a_first_row_wider_than_the_header_is_refused(tmp_path, capsys, content, index, fields):
    """Check that a first row with more fields than the header allows is an error naming the line, as a later one is."""
    path = tmp_path / "wide.csv"
    path.write_text(content, encoding="utf-8", newline="")
    err = _error(capsys, ["score", str(path), "--no-progress", *index])
    line = 3 if "\r\n\r\n" in content else 2
    columns = content.splitlines()[0].count(",") + 1
    assert f"{path}, line {line}: {fields} fields, more than the {columns} columns the header names" in err


def test_a_first_row_with_a_few_trailing_empty_fields_still_scores(tmp_path, capsys):
    """Check that the few empty fields a spreadsheet leaves after the last column stay accepted."""
    path = tmp_path / "trailing.csv"
    path.write_text("urge_to_move,worse_at_rest\nyes,no,,,,,,,,\n", encoding="utf-8")
    assert main(["score", str(path), "--no-progress"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("0,")


@pytest.mark.parametrize(
    ("case_id", "row", "first"),
    [
        ("=cmd|' /C calc'!A0", 0, "'='"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", 0, "'@'"),
        ("+1+cmd|' /C calc'!A0", 0, "'+'"),
        ("-2+3", 0, "'-'"),
        ("\t=1+1", 0, "'\\t'"),
    ],
)
def test_a_case_id_a_spreadsheet_runs_as_a_formula_is_refused(tmp_path, capsys, case_id, row, first):
    """Check that an --index-col id written back into the output CSV cannot inject a formula into a spreadsheet."""
    path = tmp_path / "ids.csv"
    quoted = '"' + case_id.replace('"', '""') + '"'
    path.write_text(f"case,urge_to_move\n{quoted},yes\nb,no\n", encoding="utf-8")
    err = _error(capsys, ["score", str(path), "--no-progress", "--index-col", "case"])
    assert f"{path}: row {row} (the rows after the header, counted from 0) has the id " in err
    assert f"starts with {first}: a spreadsheet opening the output could run it as a formula" in err


def test_case_ids_that_are_numbers_or_words_are_written_back(tmp_path, capsys):
    """Check that signed numbers and ordinary ids stay accepted and are written back as given."""
    path = tmp_path / "ids.csv"
    path.write_text("case,urge_to_move\n-1,yes\n+2.5e3,no\npatient-7,yes\n", encoding="utf-8")
    assert main(["score", str(path), "--no-progress", "--index-col", "case"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in rows] == ["case", "-1", "+2.5e3", "patient-7"]


def _age_state(tmp_path: Path, name: str) -> Path:
    """tiny.toml with a fourth age state ``name``, the band of 100 and over, of prior 0.05."""
    text = TINY.read_text(encoding="utf-8")
    for old, new in [
        ('states = ["under_40", "40_to_64", "65_plus"]', f'states = ["under_40", "40_to_64", "65_plus", "{name}"]'),
        ('{ state = "65_plus" }]', f'{{ state = "65_plus", below = 100 }}, {{ state = "{name}" }}]'),
        ('"65_plus" = 0.25 }', f'"65_plus" = 0.2, "{name}" = 0.05 }}'),
    ]:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "ages.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["50", "1e3", "007", "inf", "nan"])
def test_a_state_named_like_a_number_on_a_node_with_bands_is_refused(tmp_path, name):
    """Check that a banded node's state that reads as a number is refused at load, naming the node's states."""
    with pytest.raises(crampnet.NetworkFileError) as caught:
        crampnet.load(_age_state(tmp_path, name))
    assert f"nodes.age_group.states: the state {name!r} reads as a number, and this node has bands" in str(caught.value)


@pytest.mark.parametrize("name", ["over_100", "100_plus", "1_000"])
def test_a_state_starting_with_a_digit_on_a_node_with_bands_loads(tmp_path, name):
    """Check that states that are not numbers (40_to_64, 1_000, which no evidence reads as one) still load."""
    assert crampnet.load(_age_state(tmp_path, name)).spec.nodes["age_group"].states[-1] == name


@pytest.mark.parametrize("column", ["\x1b[2J\x1b[31mid", "id\u202egnp.exe", "x" * 130_000])
def test_an_unknown_column_is_not_printed_raw_in_the_index_col_hint(tmp_path, capsys, column):
    """Check that an unknown header name reaches the terminal only as the shortened, escaped repr (no raw escape, no 130 kB)."""
    path = tmp_path / "cohort.csv"
    path.write_text(f'"{column}"\nyes\n', encoding="utf-8")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert "Unknown node" in err
    assert err.isascii() and len(err) < 500
    assert "--index-col" not in err


def test_an_id_column_still_gets_the_index_col_hint(tmp_path, capsys):
    """Check that a short, printable unknown column (the likeliest: the cases' ids) is still told how to name it."""
    path = tmp_path / "cohort.csv"
    path.write_text("case id,urge_to_move\na,yes\n", encoding="utf-8")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert "If the column holds the cases' ids, give --index-col 'case id'." in err


def test_a_network_file_name_is_printed_escaped_in_errors_about_its_content(tmp_path, capsys):
    """Check that an error inside a network file whose name holds ESC[2J and a newline prints them escaped, as 'no such file' does."""
    path = tmp_path / "bad\x1b[2J\nname.toml"
    path.write_text('schema = "crampnet-network/1"\nname = 1\n', encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError) as caught:
        crampnet.load(path)
    assert caught.value.path == str(path)  # the name as given, for a program to use
    assert str(caught.value).startswith(f"{tmp_path}/bad\\x1b[2J\\nname.toml: top level: 'name' must be a string")
    err = _error(capsys, ["diagnose", "--network", str(path), "urge_to_move=yes"])
    assert "\x1b" not in err and err.count("\n") == 1
    assert "bad\\x1b[2J\\nname.toml: top level" in err


def _renamed_plm(tmp_path: Path, new: str) -> Path:
    """tiny.toml with its condition plm renamed ``new``."""
    text = TINY.read_text(encoding="utf-8").replace("nodes.plm", f"nodes.{new}").replace('parent = "plm"', f'parent = "{new}"')
    path = tmp_path / f"{new}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("condition", "index", "what"), [("red_flags", [], "red flags"), ("red_flags", ["--index-col", "case"], "red flags"), ("row", [], "row numbers")])
def test_a_condition_named_as_an_output_column_is_refused_by_score(tmp_path, capsys, condition, index, what):
    """Check that score refuses a network whose condition would share a name with its column of flags (which overwrote the posteriors) or of row numbers."""
    network = _renamed_plm(tmp_path, condition)
    assert condition in crampnet.load(network).conditions
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("case,urge\na,yes\n" if index else "urge\nyes\n", encoding="utf-8")
    err = _error(capsys, ["score", str(cohort), "--no-progress", "--network", str(network), *index])
    assert f"{cohort}: cannot be scored with the network {network}: its condition {condition} has the name of the column of {what} that crampnet score writes" in err


def test_a_condition_named_row_scores_with_an_index_column(tmp_path, capsys):
    """Check that with --index-col (no column of row numbers) a condition named row is scored, its posterior in its own column."""
    network = _renamed_plm(tmp_path, "row")
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("case,urge\na,yes\n", encoding="utf-8")
    assert main(["score", str(cohort), "--no-progress", "--network", str(network), "--index-col", "case"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    expected = crampnet.load(network).posteriors({"urge": "yes"})["row"]
    assert header.split(",").count("row") == 1
    assert float(row.split(",")[header.split(",").index("row")]) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (TINY.read_bytes().replace(b'title = "Tiny test network"', b'title = "Tiny \xe9 network"'), "(line 5: 'utf-8' codec can't decode byte 0xe9"),
        (TINY.read_text(encoding="utf-8").encode("utf-16"), "(line 1: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte); it starts with a UTF-16 byte-order mark: save it as UTF-8"),
    ],
    ids=["latin-1", "utf-16"],
)
def test_a_network_file_that_is_not_utf8_names_the_line(tmp_path, data, where):
    """Check that a byte that is not UTF-8 is placed by its line (not a byte offset only), and a UTF-16 file is named as such."""
    assert TINY.read_bytes().split(b"\n")[4].startswith(b"title = ")  # line 5 holds the title
    path = tmp_path / "net.toml"
    path.write_bytes(data)
    with pytest.raises(crampnet.NetworkFileError) as caught:
        crampnet.load(path)
    assert str(caught.value).startswith(f"{path}: not UTF-8 text {where}")


def test_a_utf16_cohort_is_named_as_such(tmp_path, capsys):
    """Check that a cohort saved as UTF-16 (a spreadsheet's 'Unicode text') is told apart from a stray byte."""
    path = tmp_path / "cohort.csv"
    path.write_bytes("urge_to_move\nyes\n".encode("utf-16"))
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert f"{path}: not UTF-8 text (invalid start byte: byte b'\\xff') (it starts with a UTF-16 byte-order mark" in err
    stray = tmp_path / "stray.csv"
    stray.write_bytes(b"urge_to_move\n\xff\xfeyes\n")  # the same two bytes, not at the start
    assert "UTF-16" not in _error(capsys, ["score", str(stray), "--no-progress"])
