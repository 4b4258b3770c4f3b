"""What the command line does with text that is not a value, a case file's conflicts, a report's suffix and a closed pipe.

Found by a fuzzing pass of session 40: a cohort CSV's ``NA``, ``null`` or
``nan`` cells were read as unobserved (pandas' default missing-value words)
though the help says only an empty cell is; ``age=1e400`` was reported as
"Got inf"; an impossible case file or a saved case's unknown population did
not name the file; ``report -o out.pdf`` wrote markdown into a .pdf; and
``crampnet ... | head`` ended with "crampnet: error: Broken pipe".
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from crampnet.cli import main


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """main(argv) exits 2 with one clean error line and no output; its stderr."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("crampnet: error: ") and "Traceback" not in captured.err, captured.err
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize("word", ["NA", "null", "N/A", "#N/A", "None", "<NA>", "n/a"])
def test_score_reads_missing_value_words_as_text_not_as_unobserved(tmp_path, capsys, word):
    """Check that a word pandas would read as missing is an error, not an unobserved cell (since session 47 with the CSV's advice)."""
    path = tmp_path / "c.csv"
    path.write_text(f"urge_to_move,worse_at_rest\n{word},yes\n")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert f"c.csv, row 0, column 'urge_to_move': {word!r} is not a value; leave the cell empty" in err


@pytest.mark.parametrize("text", ["nan", "NaN", "-nan", "inf", "-Infinity"])
def test_score_refuses_nan_and_infinity_in_a_numeric_column(tmp_path, capsys, text):
    """Check that ``nan`` or ``inf`` in the age column is refused with the file, row and column, not scored as unobserved."""
    path = tmp_path / "c.csv"
    path.write_text(f"urge_to_move,age\nyes,50\nno,{text}\n")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert f"c.csv, row 1, column 'age': {text!r} is not a value; leave the cell empty" in err


def test_score_says_a_number_beyond_float_range_is_one(tmp_path, capsys):
    """Check that 1e400 in a CSV gets the case files' "beyond the range" error, not "Got inf"."""
    path = tmp_path / "c.csv"
    path.write_text("urge_to_move,age\nyes,1e400\n")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert "c.csv, row 0, column 'age': the number 1e400 is beyond the range of a floating-point number" in err


def test_score_keeps_empty_cells_numbers_and_booleans(model, tmp_path, capsys):
    """Check the values the typed reading keeps: empty is unobserved, numbers are numbers, True/False are yes/no (against model.posteriors)."""
    path = tmp_path / "c.csv"
    path.write_text("urge_to_move,age,ferritin\nTrue,,30\n,72.5,\nfalse,7,\n")
    assert main(["score", str(path), "--no-progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    got = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    cases = [{"urge_to_move": True, "ferritin": 30}, {"age": 72.5}, {"urge_to_move": False, "age": 7}]
    for row, case in zip(got, cases, strict=True):
        expected = model.posteriors(case)
        assert float(row["restless_legs_syndrome"]) == pytest.approx(float(expected["restless_legs_syndrome"]), abs=1e-12)


def test_command_line_number_beyond_float_range(capsys):
    """Check ``age=1e400`` on the command line: the number is named as beyond float range (``age=inf`` stays "must be finite")."""
    assert "age=1e400: the number 1e400 is beyond the range of a floating-point number" in _error(capsys, ["diagnose", "age=1e400"])
    assert "must be a finite number" in _error(capsys, ["diagnose", "age=inf"])


def test_impossible_case_file_names_the_file(tmp_path, capsys):
    """Check that a conflict read from a case file says where the evidence came from."""
    case = tmp_path / "imp.json"
    case.write_text(json.dumps({"sex": "male", "pregnancy": "first_trimester"}))
    err = _error(capsys, ["diagnose", "--case", str(case)])
    assert "cannot hold together" in err and err.rstrip().endswith(f"(evidence from {case})")
    err = _error(capsys, ["diagnose", "--case", str(case), "age=40"])
    assert err.rstrip().endswith(f"(evidence from {case} and the command line)")
    assert "(evidence from" not in _error(capsys, ["diagnose", "sex=male", "pregnancy=first_trimester"])


def test_saved_case_with_an_unknown_population_names_the_file(tmp_path, capsys):
    """Check that a saved interview whose population is not a preset is refused with the file's name."""
    saved = tmp_path / "case.json"
    assert main(["interview", "--save", str(saved), "--max-questions", "0", "urge_to_move=yes"]) == 0
    capsys.readouterr()
    document = json.loads(saved.read_text())
    document["population"] = "bogus"
    saved.write_text(json.dumps(document))
    err = _error(capsys, ["diagnose", "--case", str(saved)])
    assert "case.json: Unknown population 'bogus'" in err


def test_report_refuses_a_suffix_it_does_not_write(tmp_path, capsys):
    """Check that ``report -o out.pdf`` is an error (it wrote markdown into a .pdf) and that --format overrides the suffix."""
    err = _error(capsys, ["report", "urge_to_move=yes", "-o", str(tmp_path / "out.pdf")])
    assert "markdown (.md) or HTML (.html), not .pdf" in err
    assert not (tmp_path / "out.pdf").exists()
    assert main(["report", "urge_to_move=yes", "-o", str(tmp_path / "out.txt"), "--format", "html"]) == 0
    assert (tmp_path / "out.txt").read_text().startswith("<!DOCTYPE html>")


def test_a_closed_pipe_ends_quietly(tmp_path):
    """Check ``crampnet score big.csv | head -1``: exit 141 (as SIGPIPE would), nothing on stderr."""
    path = tmp_path / "big.csv"
    path.write_text("urge_to_move\n" + "yes\n" * 20_000)  # some 8 MB of output, far beyond a pipe's buffer
    proc = subprocess.Popen([sys.executable, "-m", "crampnet", "score", str(path), "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    with proc:
        assert proc.stdout.readline().startswith(b"row,")
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=300) == 141
    assert err == b""


def test_ranking_help_gives_the_default_and_what_each_order_means(capsys):
    """Check that ``diagnose --help`` says which ranking is the default and that counterfactual is expected disablement."""
    with pytest.raises(SystemExit):
        main(["diagnose", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: counterfactual, which is expected disablement, as is disablement:" in text
    assert "sufficiency: how many of them it alone would still produce" in text


def test_saved_case_skipping_a_condition_is_refused(tmp_path, capsys):
    """Check a saved case whose skipped list names a condition (never a question): an error naming the file.

    A question answered after it was skipped (resumed with the answer on the
    command line) stays accepted: tests/test_interview.py reads such a file.
    """
    saved = tmp_path / "case.json"
    assert main(["interview", "--save", str(saved), "--max-questions", "0", "urge_to_move=yes"]) == 0
    capsys.readouterr()
    document = json.loads(saved.read_text())
    document["skipped"] = ["restless_legs_syndrome"]
    saved.write_text(json.dumps(document))
    err = _error(capsys, ["diagnose", "--case", str(saved)])
    assert "case.json: the skipped questions list 'restless_legs_syndrome', a condition, which is never asked" in err


def test_a_saved_case_key_error_says_where_once(tmp_path, capsys):
    """Check the unknown-key error of a saved case's top level: "not a key of the saved case." (it said "... in a saved case" twice)."""
    saved = tmp_path / "case.json"
    assert main(["interview", "--save", str(saved), "--max-questions", "0", "urge_to_move=yes"]) == 0
    capsys.readouterr()
    document = json.loads(saved.read_text())
    document["foo"] = 1
    saved.write_text(json.dumps(document))
    err = _error(capsys, ["diagnose", "--case", str(saved)])
    assert "'foo' is not a key of the saved case." in err and "in a saved case in a saved case" not in err
