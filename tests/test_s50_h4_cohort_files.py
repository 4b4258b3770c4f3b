"""Cohort CSVs as researchers save them: Excel's semicolon CSV, yes/no coded as 1/0 (session 50, h4)."""

from __future__ import annotations

import io
import shlex
import subprocess
import sys

import pandas as pd
import pytest

import crampnet
from crampnet._cohort_csv import read_cohort
from crampnet.cli import main
from crampnet.exceptions import InvalidValueError

MODEL = crampnet.load()


def _frame(text: str, **kwargs: object) -> pd.DataFrame:
    return pd.concat(list(read_cohort(io.StringIO(text), "c.csv", chunksize=100, spec=MODEL.spec, **kwargs)))  # type: ignore[arg-type]


def _score(tmp_path, capsys, name: str, content: bytes, *argv: str) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["score", str(path), "--no-progress", *argv]) == 0
    return capsys.readouterr().out


# Excel's "CSV (comma delimited)" where the decimal separator is a comma: semicolons, decimal commas, often a BOM and CRLF.
SEMICOLON = b"\xef\xbb\xbfid;urge_to_move;ferritin;age;ankle_brachial_index\r\nA;yes;30,5;70;0,85\r\nB;;1,5E+01;;\r\nC;no;;45;-0,0\r\n"
COMMA = b"id,urge_to_move,ferritin,age,ankle_brachial_index\nA,yes,30.5,70,0.85\nB,,15,,\nC,no,,45,-0.0\n"


def test_a_semicolon_file_scores_as_its_comma_twin(tmp_path, capsys):
    assert _score(tmp_path, capsys, "semi.csv", SEMICOLON, "--index-col", "id") == _score(tmp_path, capsys, "comma.csv", COMMA, "--index-col", "id")


def test_a_semicolon_file_reads_decimal_commas_as_numbers():
    frame = _frame("urge_to_move;ferritin;ankle_brachial_index\nyes;30,5;,9\n;1,5E+01;1\n")
    assert frame["ferritin"].tolist() == [30.5, 15.0]
    assert frame["ankle_brachial_index"].tolist() == [0.9, 1.0]
    assert frame["urge_to_move"].iloc[0] == "yes" and pd.isna(frame["urge_to_move"].iloc[1])


def test_a_semicolon_file_keeps_its_row_checks():
    with pytest.raises(InvalidValueError, match=r"^c\.csv, line 3: 1 field, fewer than the 2 columns the header names; .* as in 'yes;'"):
        _frame("urge_to_move;ferritin\nyes;30\nno\n")
    with pytest.raises(InvalidValueError, match=r"^c\.csv, row 0: a value after the last column of the header \('ferritin'\): 'x'"):
        _frame("urge_to_move;ferritin\nyes;30;x\n")
    with pytest.raises(ValueError, match=r"1\.200 may be 1\.2 or 1200"):  # a point grouping thousands in those locales: 1.2 or 1200, not guessed
        list(MODEL.posteriors(_frame("ferritin;urge_to_move\n1.200;yes\n")).index)


@pytest.mark.parametrize("cell", ["1.234,5", "1 234,5", "x30,5", "30,5,1"])
def test_a_semicolon_file_reads_only_a_whole_decimal_comma_number(cell):
    frame = _frame(f"ferritin;urge_to_move\n{cell};yes\n")
    assert frame["ferritin"].tolist() == [cell]  # not 1.234.5: left as written, which the evidence refuses


def test_a_comma_file_does_not_read_decimal_commas():
    frame = _frame('ferritin,urge_to_move\n"30,5",yes\n')
    assert frame["ferritin"].tolist() == ["30,5"]  # 30.5, or 305 grouped: left as text, which the evidence refuses


def test_a_semicolon_header_with_a_comma_is_not_split():
    with pytest.raises(ValueError, match="Unknown node 'urge_to_move;worse_at_rest'"):
        _frame("urge_to_move;worse_at_rest,x\nyes\n")


ONES = "urge_to_move,worse_at_rest,ferritin,straight_leg_raise\n1,0,30,\n0,1,,\n,1,1,\n"


def test_ones_and_zeros_on_yes_no_nodes_name_every_column_and_the_fix(tmp_path):
    with pytest.raises(InvalidValueError) as info:
        _frame(ONES)
    text = str(info.value)
    assert text.startswith("c.csv: columns 'urge_to_move', 'worse_at_rest' hold only '0' and '1', and their nodes' states are yes and no;")
    assert "ferritin" not in text.split("python -c")[0] and "straight_leg_raise" not in text  # a number node, and one whose states are not yes/no


def test_the_recoding_the_message_gives_works(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cohort.csv"
    path.write_text(ONES.replace(",straight_leg_raise", "").replace(",\n", "\n"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["score", "cohort.csv", "--no-progress"]) == 2
    err = capsys.readouterr().err
    command = err.split("for instance with: ", 1)[1].strip()
    argv = shlex.split(command)
    assert argv[0] == "python"
    subprocess.run([sys.executable, *argv[1:]], check=True, cwd=tmp_path)
    recoded = pd.read_csv(tmp_path / "cohort_yes_no.csv", dtype=str)
    assert recoded["urge_to_move"].tolist()[:2] == ["yes", "no"] and recoded["worse_at_rest"].tolist() == ["no", "yes", "yes"]
    assert main(["score", "cohort_yes_no.csv", "--no-progress"]) == 0


def test_ones_on_a_node_whose_states_are_not_yes_no_are_left_to_the_evidence():
    frame = _frame("straight_leg_raise,ferritin\n1,1\n0,0\n")
    assert frame["straight_leg_raise"].tolist() == [1, 0]
    with pytest.raises(ValueError, match="straight_leg_raise does not accept a number"):
        MODEL.posteriors(frame)


def test_true_false_on_yes_no_nodes_are_still_read():
    frame = _frame("urge_to_move,worse_at_rest\nTrue,false\nFALSE,\n")
    assert MODEL.posteriors(frame).shape[0] == 2
