"""Cohort files as researchers export them: tab- and bar-separated files, empty rows, yes/no coded 1/2 (session 51, h2)."""

from __future__ import annotations

import io
import shlex
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet._cohort_csv import read_cohort
from crampnet.exceptions import InvalidValueError

MODEL = crampnet.load()


def _frame(text: str, name: str = "c.csv", **kwargs: object) -> pd.DataFrame:
    return pd.concat(list(read_cohort(io.StringIO(text), name, chunksize=100, spec=MODEL.spec, **kwargs)))  # type: ignore[arg-type]


def _scored(cli_run, path, content: bytes, *argv: str) -> pd.DataFrame:
    path.write_bytes(content)
    code, out, err = cli_run(["score", str(path), "--no-progress", *argv])
    assert code == 0, err
    return pd.read_csv(io.StringIO(out), index_col=0, keep_default_na=False)


# ---------------------------------------------------------------------------
# 1. Tab- and bar-separated files
# ---------------------------------------------------------------------------

COMMA = b"id,urge_to_move,ferritin,age,ankle_brachial_index\nA,yes,30.5,70,0.85\nB,,15,,\nC,no,,45,-0.0\n"
TABS = b"id\turge_to_move\tferritin\tage\tankle_brachial_index\nA\tyes\t30.5\t70\t0.85\nB\t\t15\t\t\nC\tno\t\t45\t-0.0\n"
# A tab export from Excel or LibreOffice where the decimal separator is a comma: decimal commas, a BOM, CRLF, a trailing tab.
TABS_DECIMAL_COMMA = b"\xef\xbb\xbfid\turge_to_move\tferritin\tage\tankle_brachial_index\t\r\nA\tyes\t30,5\t70\t0,85\t\r\nB\t\t1,5E+01\t\t\t\r\nC\tno\t\t45\t-0,0\t\r\n"
# R's write.table(d, sep = "\t", row.names = FALSE): names and text quoted.
TABS_R = b'"id"\t"urge_to_move"\t"ferritin"\t"age"\t"ankle_brachial_index"\n"A"\t"yes"\t30.5\t70\t0.85\n"B"\t""\t15\t\t\n"C"\t"no"\t\t45\t0\n'
BARS = b"id|urge_to_move|ferritin|age|ankle_brachial_index\nA|yes|30.5|70|0.85\nB||15||\nC|no||45|-0.0\n"


@pytest.mark.parametrize(("name", "content"), [("c.tsv", TABS), ("c.txt", TABS_DECIMAL_COMMA), ("c.csv", TABS_R), ("c.txt", BARS)])
def test_a_tab_or_bar_file_scores_as_its_comma_twin(cli_run, tmp_path, name, content):
    comma = _scored(cli_run, tmp_path / "comma.csv", COMMA, "--index-col", "id")
    other = _scored(cli_run, tmp_path / name, content, "--index-col", "id")
    assert list(other.index) == ["A", "B", "C"] and list(other.columns) == [*MODEL.conditions, "red_flags"]
    pd.testing.assert_frame_equal(other, comma, rtol=0, atol=0)


def test_a_tab_file_reads_the_values_of_each_cell():
    frame = _frame("urge_to_move\tferritin\tage\nyes\t30,5\t70\n\t\t45\n", "c.tsv")
    expected = pd.DataFrame({"urge_to_move": ["yes", None], "ferritin": [30.5, None], "age": [70, 45]})
    assert frame["ferritin"].tolist()[0] == 30.5 and frame["age"].tolist() == [70, 45]
    assert frame["urge_to_move"].iloc[0] == "yes" and pd.isna(frame["urge_to_move"].iloc[1])
    pd.testing.assert_frame_equal(MODEL.posteriors(frame), MODEL.posteriors(expected), rtol=0, atol=1e-15)


@pytest.mark.parametrize("sep", ["\t", "|"])
def test_a_tab_or_bar_file_refuses_a_comma_that_may_group_thousands(sep):
    frame = _frame(f"ferritin{sep}urge_to_move\n1,200{sep}yes\n", "c.txt")
    with pytest.raises(ValueError, match=r"1\.200 may be 1\.2 or 1200"):  # Excel's tab text in the US writes 1,200 for 1200
        MODEL.posteriors(frame)
    assert _frame(f"ferritin{sep}urge_to_move\n1.234,5{sep}yes\n", "c.txt")["ferritin"].tolist() == ["1.234,5"]  # left as written


def test_a_tab_file_keeps_the_row_checks():
    with pytest.raises(InvalidValueError, match=r"^c\.tsv, line 3: 1 field, fewer than the 2 columns the header names; .* as in 'yes\\t'"):
        _frame("urge_to_move\tferritin\nyes\t30\nno\n", "c.tsv")
    with pytest.raises(InvalidValueError, match=r"^c\.tsv, row 0: a value after the last column of the header \('ferritin'\): 'x'"):
        _frame("urge_to_move\tferritin\nyes\t30\tx\n", "c.tsv")


def test_r_row_names_are_told_how_to_leave_out(cli_run, tmp_path):
    path = tmp_path / "r.tsv"  # R's write.table(d, sep = "\t"): row names first, no name for them in the header
    path.write_text('"age"\t"ferritin"\t"urge_to_move"\n"1"\t70\t30\t"yes"\n"2"\t50\t\t"no"\n', encoding="utf-8")
    err = cli_run(["score", str(path), "--no-progress"])[2]
    assert err.startswith(f"crampnet: error: {path}, row 0: a value after the last column of the header ('urge_to_move'): 'yes'."), err
    assert "R's write.table writes them so), write the file with row.names = FALSE" in err
    path.write_text("age\tferritin\n70\t30\tx\t\ty\n", encoding="utf-8")  # three fields too many: no row name
    assert "row.names" not in cli_run(["score", str(path), "--no-progress"])[2]


def test_a_header_with_a_comma_is_read_with_commas():
    frame = _frame("urge_to_move,ferritin\nyes,30\tx\n")  # the tab is in a cell of a comma file: no rule reads it as a separator
    assert frame["ferritin"].tolist() == ["30\tx"]


@pytest.mark.parametrize(("header", "held"), [("urge_to_move\tage;sex", "';' and '\\t'"), ("urge_to_move|age\tsex", "'\\t' and '|'"), ('"urge_to_move,x"|age', "'|' and a comma")])
def test_a_header_with_two_separators_is_refused(cli_run, tmp_path, header, held):
    path = tmp_path / "c.txt"
    path.write_text(f"{header}\nyes\n", encoding="utf-8")
    code, out, err = cli_run(["score", str(path), "--no-progress"])
    assert code == 2 and out == ""
    assert err.startswith(f"crampnet: error: {path}: the header is one column, "), err
    assert f"which holds {held}; separate the names" in err


def test_the_recoding_of_ones_and_zeros_in_a_tab_file_works(cli_run, tmp_path, monkeypatch):
    (tmp_path / "cohort.tsv").write_text("urge_to_move\tworse_at_rest\n1\t0\n0\t1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli_run(["score", "cohort.tsv", "--no-progress"])
    assert code == 2 and "holds only" not in err and "hold only '0' and '1'" in err
    argv = shlex.split(err.split("for instance with: ", 1)[1].strip())
    subprocess.run([sys.executable, *argv[1:]], check=True, cwd=tmp_path)
    assert (tmp_path / "cohort_yes_no.tsv").read_text(encoding="utf-8").splitlines() == ["urge_to_move\tworse_at_rest", "yes\tno", "no\tyes"]
    assert cli_run(["score", "cohort_yes_no.tsv", "--no-progress"])[0] == 0


# ---------------------------------------------------------------------------
# 2. A row with no value in any column
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("c.csv", "age,ferritin,urge_to_move\n70,30,yes\n,,\n50,,no\n"),
        ("c.csv", "age;ferritin;urge_to_move\r\n70;30,5;yes\r\n;;\r\n50;;no\r\n"),
        ("c.tsv", "age\tferritin\turge_to_move\n70\t30\tyes\n\t\t\n50\t\tno\n"),
        ("c.csv", 'age,ferritin,urge_to_move\n70,30,yes\n"","",""\n50,,no\n'),
    ],
)
def test_a_row_of_only_separators_is_refused_by_its_number(cli_run, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = cli_run(["score", str(path), "--no-progress", "-o", str(tmp_path / "out.csv")])
    assert code == 2 and out == ""
    assert err.startswith(f"crampnet: error: {path}: row 1 (the rows after the header, counted from 0) has no value in any column"), err
    assert "Delete the empty rows" in err and "--index-col" in err
    assert not (tmp_path / "out.csv").exists()


def test_every_empty_row_of_a_chunk_is_named_and_numbered_as_the_other_messages_number_rows(cli_run, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("age,urge_to_move\n70,yes\n\n,\n50,no\n,\n,\n", encoding="utf-8")  # a blank line is skipped, not a row
    err = cli_run(["score", str(path), "--no-progress"])[2]
    assert err.startswith(f"crampnet: error: {path}: rows 1, 3 and 4 (the rows after the header, counted from 0) have no value in any column"), err
    path.write_text("age,urge_to_move\n70,yes\n\nmaybe,\n", encoding="utf-8")  # the same row with a bad value: the same number
    assert f"{path}, row 1, column 'age'" in cli_run(["score", str(path), "--no-progress"])[2]


@pytest.mark.parametrize("chunksize", ["1", "2", "10000"])
def test_an_empty_row_after_the_first_chunk_has_its_number_in_the_file(cli_run, tmp_path, chunksize):
    path = tmp_path / "c.csv"
    path.write_text("age,urge_to_move\n70,yes\n60,no\n50,\n,\n40,yes\n", encoding="utf-8")
    err = cli_run(["score", str(path), "--no-progress", "--chunksize", chunksize])[2]
    assert err.startswith(f"crampnet: error: {path}: row 3 (the rows after the header, counted from 0) has no value in any column"), err


def test_a_case_with_an_id_and_nothing_known_is_scored_as_the_prior(cli_run, tmp_path):
    scored = _scored(cli_run, tmp_path / "c.csv", b"id,age,urge_to_move\nA,70,yes\nB,,\n", "--index-col", "id")
    prior = MODEL.posteriors(pd.DataFrame({"age": [None], "urge_to_move": [None]}))
    assert list(scored.index) == ["A", "B"]
    assert scored.loc["B", MODEL.conditions].astype(float).tolist() == pytest.approx(prior.iloc[0].tolist(), rel=1e-12)
    (tmp_path / "d.csv").write_text("id,age,urge_to_move\nA,70,yes\n,,\n", encoding="utf-8")
    err = cli_run(["score", str(tmp_path / "d.csv"), "--no-progress", "--index-col", "id"])[2]
    assert "row 1 (the rows after the header, counted from 0) has no value in any column" in err, err
    assert "a case with nothing known is scored when it has an id in the --index-col column 'id'" in err


def test_the_reader_refuses_an_empty_row():
    with pytest.raises(InvalidValueError, match=r"^c\.csv: row 0 \(the rows after the header, counted from 0\) has no value in any column"):
        _frame("urge_to_move,worse_at_rest\n,\nyes,no\n")
    assert _frame("urge_to_move,worse_at_rest\n\nyes,no\n")["urge_to_move"].tolist() == ["yes"]  # a blank line: skipped


# ---------------------------------------------------------------------------
# 3. Yes/no columns coded 1/2 (SPSS, Stata)
# ---------------------------------------------------------------------------


def _recode_and_score(cli_run, tmp_path, monkeypatch, name: str, content: str) -> tuple[str, pd.DataFrame]:
    """The error for ``content``, and the posteriors of the file its one-line recoding writes."""
    (tmp_path / name).write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = cli_run(["score", name, "--no-progress"])
    assert code == 2 and out == "", err
    argv = shlex.split(err.split(" with: ", 1)[1].strip())
    assert argv[:2] == ["python", "-c"]
    subprocess.run([sys.executable, *argv[1:]], check=True, cwd=tmp_path)
    stem, suffix = name.rsplit(".", 1)
    return err, _scored(cli_run, tmp_path / f"{stem}_yes_no.{suffix}", (tmp_path / f"{stem}_yes_no.{suffix}").read_bytes())


def test_a_yes_no_column_coded_one_two_is_named_as_such_with_its_recoding(cli_run, tmp_path, monkeypatch):
    err, scored = _recode_and_score(cli_run, tmp_path, monkeypatch, "spss.csv", "urge_to_move,worse_at_rest,age\n1,2,70\n2,1,50\n,2,\n")
    assert err.startswith("crampnet: error: spss.csv: columns 'urge_to_move', 'worse_at_rest' hold only '1' and '2', and their nodes' states are yes and no: they look coded 1/2, as SPSS and Stata"), err
    assert "1 or a 0" not in err and "does not accept a number" not in err
    expected = MODEL.posteriors(pd.DataFrame({"urge_to_move": ["yes", "no", None], "worse_at_rest": ["no", "yes", "no"], "age": [70, 50, None]}))
    np.testing.assert_allclose(scored[MODEL.conditions].to_numpy(dtype=float), expected.to_numpy(), rtol=1e-12)


def test_columns_coded_zero_one_and_one_two_are_named_in_one_message(cli_run, tmp_path, monkeypatch):
    err, scored = _recode_and_score(cli_run, tmp_path, monkeypatch, "mixed.tsv", "urge_to_move\tworse_at_rest\tstraight_leg_raise\n1\t2\t\n0\t1\t\n")
    assert err.startswith("crampnet: error: mixed.tsv: column 'urge_to_move' holds only '0' and '1', and column 'worse_at_rest' holds only '1' and '2', and their nodes' states are yes and no: 'worse_at_rest' looks coded 1/2"), err
    expected = MODEL.posteriors(pd.DataFrame({"urge_to_move": ["yes", "no"], "worse_at_rest": ["no", "yes"]}))
    np.testing.assert_allclose(scored[MODEL.conditions].to_numpy(dtype=float), expected.to_numpy(), rtol=1e-12)


def test_ones_and_zeros_written_with_a_decimal_comma_are_named_as_written(cli_run, tmp_path, monkeypatch):
    err, scored = _recode_and_score(cli_run, tmp_path, monkeypatch, "excel.csv", "urge_to_move;ferritin\n1,0;30,5\n0,0;\n")
    assert err.startswith("crampnet: error: excel.csv: column 'urge_to_move' holds only '0,0' and '1,0', and its node's states are yes and no; crampnet does not guess that 1 means yes."), err  # was "could not convert string to float: '1,0'"
    expected = MODEL.posteriors(pd.DataFrame({"urge_to_move": ["yes", "no"], "ferritin": [30.5, None]}))
    np.testing.assert_allclose(scored[MODEL.conditions].to_numpy(dtype=float), expected.to_numpy(), rtol=1e-12)


def test_a_column_of_zeros_ones_and_twos_is_left_to_the_evidence():
    frame = _frame("urge_to_move,straight_leg_raise\n0,1\n1,2\n2,\n")  # 0/1/2: no coding of yes and no; straight_leg_raise: not a yes/no node
    assert frame["urge_to_move"].tolist() == [0, 1, 2] and frame["straight_leg_raise"].tolist()[:2] == [1, 2]
    with pytest.raises(ValueError, match="urge_to_move does not accept a number"):
        MODEL.posteriors(frame)
