"""What the command line says about cohort rows and case files a terminal user gives it (helper h3b, session 44).

Found by the pass before: a cohort row with fewer fields than the header was
scored with the missing columns unobserved (a truncated row hid silently);
an empty, TOML or CSV ``--case`` file got ``not JSON: Expecting value``; an
unknown node's error on the command line pointed at ``model.findings``.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

import crampnet
from crampnet._cohort_csv import read_cohort
from crampnet.cli import main
from crampnet.exceptions import InvalidValueError


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    """The shipped network."""
    return crampnet.load()


@pytest.mark.parametrize(
    ("content", "argv", "line", "fields", "columns"),
    [
        ("urge_to_move,ferritin\nyes\n", [], 2, "1 field", 2),
        ("urge_to_move,worse_at_rest,ferritin\nyes,no,low\nno,yes\n", [], 3, "2 fields", 3),
        ("urge_to_move,worse_at_rest\nyes,no\n\n\"no\nyes\",no\nno\n", [], 6, "1 field", 2),  # a blank line, then a quoted field over two lines
        ("case,urge_to_move,worse_at_rest\na,yes,no,\nb,no\n", ["--index-col", "case"], 3, "2 fields", 3),
        ("urge_to_move,worse_at_rest,\nyes,no,\nyes\n", [], 3, "1 field", 2),  # the header's trailing comma names no column
    ],
)
def test_score_refuses_a_row_with_fewer_fields_than_the_header(cli_error, tmp_path, capsys, content, argv, line, fields, columns):
    """Check that a short row is an error naming the file, the line and both counts, and saying how to give an unknown value."""
    path = tmp_path / "short.csv"
    path.write_text(content, encoding="utf-8")
    err = cli_error(["score", str(path), "--no-progress", *argv])
    assert f"crampnet: error: {path}, line {line}: {fields}, fewer than the {columns} columns the header names;" in err
    assert "a value not known is an empty field, as in 'yes,'" in err


def test_a_short_row_after_many_rows_names_its_line():
    """Check the line of a short row far into the file (past the rows read at once), through the reader the CLI uses."""
    text = "urge_to_move,worse_at_rest\n" + "yes,no\n" * 9000 + "\n" * 3 + "no\n" + "yes,no\n" * 10
    with pytest.raises(InvalidValueError, match=r"^c\.csv, line 9005: 1 field, fewer than the 2 columns"):
        for _ in read_cohort(io.StringIO(text), "c.csv", chunksize=1000):
            pass


@pytest.mark.parametrize(
    "content",
    [
        "urge_to_move\nyes\n\nno\n\n",  # one column: a blank line (and one at the end) is skipped, not a short row
        "urge_to_move\nyes\n  \nno",  # a line of blanks; no newline at the end
        "urge_to_move,worse_at_rest\r\nyes,\r\n\r\nno,no\r\n",  # an empty field is a value not known
    ],
)
def test_blank_lines_and_empty_fields_are_not_short_rows(model, tmp_path, capsys, content):
    """Check that blank lines are still skipped and an empty field still reads as unknown: two cases scored."""
    path = tmp_path / "ok.csv"
    path.write_text(content, encoding="utf-8", newline="")
    assert main(["score", str(path), "--no-progress"]) == 0
    scored = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    assert len(scored) == 2
    first = {"urge_to_move": "yes"}
    assert scored.iloc[0]["restless_legs_syndrome"] == pytest.approx(model.posteriors(first)["restless_legs_syndrome"], abs=1e-12)


def test_a_dataframe_with_a_missing_cell_is_still_scored(model):
    """Check that the Python API on a DataFrame is not touched: a missing cell is unobserved there."""
    frame = pd.DataFrame({"urge_to_move": ["yes", "no"], "ferritin": [None, "low"]})
    scored = model.posteriors(frame)
    assert scored.iloc[0]["restless_legs_syndrome"] == pytest.approx(model.posteriors({"urge_to_move": "yes"})["restless_legs_syndrome"], abs=1e-12)


_SHAPE = "a case file is JSON: an object of node ids to values, e.g. {"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("", "the file is empty"),
        (" \n\n", "the file is blank"),
        ("urge_to_move = true\nferritin = 12\n", "not JSON (it begins 'urge_to_move = true')"),  # TOML
        ("[case]\nurge_to_move = true\n", "not JSON (it begins '[case]')"),  # TOML with a table
        ("urge_to_move,ferritin\nyes,12\n", "not JSON (it begins 'urge_to_move,ferritin')"),  # CSV
    ],
)
def test_an_empty_or_non_json_case_file_says_what_a_case_file_is(cli_error, tmp_path, capsys, content, said):
    """Check that an empty, TOML or CSV --case file is named and told apart, not 'Expecting value: line 1 column 1'."""
    path = tmp_path / "case.txt"
    path.write_text(content, encoding="utf-8")
    err = cli_error(["diagnose", "--case", str(path)])
    assert err.startswith(f"crampnet: error: {path}: {said}; {_SHAPE}"), err
    assert "Expecting value" not in err


def test_a_json_mistake_in_a_case_file_still_names_the_place(cli_error, tmp_path, capsys):
    """Check that JSON with a mistake inside keeps the parser's line and column."""
    path = tmp_path / "case.json"
    path.write_text('{"urge_to_move": true,}', encoding="utf-8")
    err = cli_error(["diagnose", "--case", str(path)])
    assert err.startswith(f"crampnet: error: {path}: not JSON: Expecting property name enclosed in double quotes: line 1 column 23")


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["describe", "qqqq"], "Unknown node 'qqqq' in the 'node' argument of describe."),
        (["diagnose", "qqqq=yes"], "Unknown node 'qqqq' in evidence."),
    ],
)
def test_an_unknown_node_on_the_command_line_points_to_describe_only(cli_error, capsys, argv, start):
    """Check that with no close id the command line points to crampnet describe, not to model.findings."""
    err = cli_error(argv)
    assert err == f"crampnet: error: {start} Run crampnet describe to list the node ids.\n"


def test_a_cohort_column_that_is_no_node_points_to_describe_only(cli_error, tmp_path, capsys):
    """Check the same for a cohort CSV's column, whose message names the file first."""
    path = tmp_path / "c.csv"
    path.write_text("qqqq\nyes\n", encoding="utf-8")
    err = cli_error(["score", str(path), "--no-progress"])
    assert err.startswith(f"crampnet: error: {path}: Unknown node 'qqqq'")
    assert err.endswith(" Run crampnet describe to list the node ids. If the column holds the cases' ids, give --index-col qqqq.\n") and "model." not in err  # the second sentence since session 45


def test_an_unknown_node_in_python_still_names_the_model_attributes(model):
    """Check that the Python API's message is unchanged: it points to model.findings, model.conditions and model.context."""
    with pytest.raises(crampnet.UnknownNodeError) as info:
        model.posteriors({"qqqq": "yes"})
    assert str(info.value) == "Unknown node 'qqqq' in evidence. See model.findings, model.conditions and model.context for the ids (on the command line: crampnet describe)."
