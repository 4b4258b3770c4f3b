"""What the command line says about options a terminal user gives it (helper h3, session 45).

Found by the pass of session 44: ``export --format bif -o net.xdsl`` wrote
BIF into a file named for XDSL; a single-valued option given twice kept the
last value without a word; a line holding only ``""`` in a cohort of several
columns was scored as a case with nothing known.
"""

from __future__ import annotations

import pytest

from crampnet.cli import main


@pytest.mark.parametrize(
    ("argv", "fmt", "suffix", "means", "advice"),
    [
        (["export", "--format", "bif", "-o", "{dir}/net.xdsl"], "bif", ".xdsl", "xdsl", "net.bif"),
        (["export", "--format", "uai", "-o", "{dir}/net.BIF"], "uai", ".bif", "bif", "net.uai"),
        (["export", "--format", "bif", "-o", "{dir}/net.xml"], "bif", ".xml", "xmlbif or xdsl", "net.bif"),
        (["report", "--example", "--format", "markdown", "-o", "{dir}/r.html"], "markdown", ".html", "html", "r.md"),
        (["report", "--example", "--format", "html", "-o", "{dir}/r.md"], "html", ".md", "markdown", "r.html"),
    ],
)
def test_a_format_that_the_output_suffix_contradicts_is_refused(cli_error, tmp_path, argv, fmt, suffix, means, advice):
    """Check that ``--format`` against a known suffix of ``-o`` is an error naming both, and that nothing is written
    (``export --format bif -o net.xdsl`` wrote BIF into the .xdsl file)."""
    argv = [a.format(dir=tmp_path) for a in argv]
    out = argv[-1]
    err = cli_error(argv)
    assert err.startswith(f"crampnet: error: {out}: --format {fmt} contradicts the suffix {suffix}, which means {means};"), err
    assert advice in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["export", "--format", "bif", "-o", "{dir}/net.txt"], "network "),
        (["export", "--format", "xdsl", "-o", "{dir}/net.xml"], "<?xml"),
        (["export", "--format", "xmlbif", "-o", "{dir}/net.XML"], "<?xml"),
        (["export", "--format", "bif", "-o", "{dir}/net.bif"], "network "),
        (["report", "--example", "--format", "html", "-o", "{dir}/r.txt"], "<!DOCTYPE html>"),
        (["report", "--example", "--format", "html", "-o", "{dir}/r.htm"], "<!DOCTYPE html>"),
    ],
)
def test_a_format_with_an_unknown_or_agreeing_suffix_is_written(tmp_path, capsys, argv, start):
    """Check that ``--format`` with a suffix that means no format, or the same one, writes the file in that format."""
    argv = [a.format(dir=tmp_path) for a in argv]
    assert main(argv) == 0, capsys.readouterr().err
    from pathlib import Path

    assert Path(argv[-1]).read_text(encoding="utf-8").startswith(start)


def _twice(capsys, argv: list[str]) -> str:
    """Run ``main(argv)``, check that argparse's exit is 2 with one error line and no output, and return stderr."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "usage:" not in captured.err, captured.err
    return captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diagnose", "--network", "a.toml", "urge_to_move=yes", "--network", "b.toml"], "--network is given twice (a.toml and b.toml); give it once."),
        (["diagnose", "--population", "adults", "--population", "pregnancy"], "--population is given twice (adults and pregnancy); give it once."),
        (["score", "c.csv", "-o", "a.csv", "-o", "b.csv"], "-o is given twice (a.csv and b.csv); give it once."),
        (["export", "--output", "a.uai", "-o", "b.uai"], "--output (as --output and -o) is given twice (a.uai and b.uai); give it once."),
        (["diagnose", "--top", "3", "--top", "5"], "--top is given twice (3 and 5); give it once."),
        (["interview", "--confidence", "0.9", "--conf", "0.99"], "--confidence is given twice (0.9 and 0.99); give it once."),
        (["report", "--format", "html", "--format", "markdown"], "--format is given twice (html and markdown); give it once."),
    ],
)
def test_a_single_valued_option_given_twice_is_refused(capsys, tmp_path, monkeypatch, argv, message):
    """Check that an option that takes one value, given twice, is an error naming it and both values (argparse kept
    the last one: ``--network a.toml ... --network b.toml`` ran on b.toml without a word)."""
    monkeypatch.chdir(tmp_path)  # without the check, -o b.uai was written
    assert _twice(capsys, argv) == f"crampnet: error: {message}\n"


def _single_valued() -> list[tuple[str, str, list[str]]]:
    """Every option of every command that takes one value: the command, the option and two values it accepts."""
    import argparse

    from crampnet._cli_parser import parsers

    found = []
    for command, parser in parsers()[1].items():
        for action in parser._actions:
            if not action.option_strings or action.nargs is not None or isinstance(action, argparse._StoreConstAction | argparse._HelpAction | argparse._VersionAction):
                continue
            values = [str(c) for c in action.choices][:2] if action.choices else {int: ["3", "4"], float: ["0.5", "0.6"]}.get(action.type, ["a", "b"])  # type: ignore[arg-type]
            found.append((command, action.option_strings[-1], values))
    return found


def test_every_single_valued_option_is_walked():
    """Check that the walk below finds the options it must (so that an empty walk cannot pass)."""
    found = {(command, option) for command, option, _ in _single_valued()}
    assert {("diagnose", "--network"), ("score", "--output"), ("interview", "--save"), ("score", "--index-col"), ("export", "--format"), ("describe", "--population")} <= found
    assert len(found) >= 30


@pytest.mark.parametrize(("command", "option", "values"), _single_valued())
def test_every_single_valued_option_given_twice_is_refused(capsys, tmp_path, monkeypatch, command, option, values):
    """Check that each option of each command that takes one value is refused when given twice, naming both values."""
    monkeypatch.chdir(tmp_path)  # without the check, -o b was written
    first, second = values
    argv = [command, *(["c.csv"] if command == "score" else []), option, first, option, second]
    err = _twice(capsys, argv)
    assert err.startswith(f"crampnet: error: {option} is given twice ({first} and {second});"), err


@pytest.mark.parametrize(
    ("content", "argv", "line"),
    [
        ('urge_to_move,worse_at_rest\nyes,no\n""\nno,yes\n', [], 3),
        ('urge_to_move,worse_at_rest\r\nyes,no\r\n\r\n""\r\n', [], 4),
        ('id,urge_to_move,worse_at_rest\na,yes,no\n""\n', ["--index-col", "id"], 3),
        ('urge_to_move,worse_at_rest\n' + "yes,no\n" * 5000 + '""\n', [], 5002),  # after the first batch of rows read
    ],
)
def test_score_refuses_a_line_of_only_empty_quotes(cli_error, tmp_path, content, argv, line):
    """Check that a line holding only ``""`` in a cohort of several columns is refused by its line (it was scored as
    a case with nothing known, a row of the output that no row of the file meant)."""
    path = tmp_path / "c.csv"
    path.write_bytes(content.encode("utf-8"))
    err = cli_error(["score", str(path), "--no-progress", *argv])
    columns = 3 if "--index-col" in argv else 2
    assert err.startswith(f'crampnet: error: {path}, line {line}: "" (one empty field), fewer than the {columns} columns the header names;'), err


def test_score_keeps_blank_lines_and_empty_quotes_of_a_one_column_cohort(tmp_path, capsys, cli_error):
    """Check that in a one-column cohort a blank line is still skipped, and ``""`` is a row whose one cell is empty:
    since session 51 (tests/test_s51_h2_cohort_files.py) such a row, with no value in any column, is refused by its number."""
    path = tmp_path / "c.csv"
    path.write_text('urge_to_move\nyes\n\nno\n', encoding="utf-8")
    assert main(["score", str(path), "--no-progress"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert [r.split(",")[0] for r in rows] == ["row", "0", "1"]
    path.write_text('urge_to_move\nyes\n\n""\nno\n', encoding="utf-8")
    assert cli_error(["score", str(path), "--no-progress"]).startswith(f"crampnet: error: {path}: row 1 (the rows after the header, counted from 0) has no value in any column")


@pytest.mark.parametrize(
    ("argv", "option", "stream"),
    [
        (["interview", "--save", "-"], "--save", "the standard output"),
        (["diagnose", "--case", "-"], "--case", "the standard input"),
        (["report", "--case", "-", "-o", "-"], "--case", "the standard input"),
        (["describe", "--network", "-"], "--network", "the standard input"),
    ],
)
def test_a_dash_for_a_case_or_network_file_is_not_taken_as_a_file_name(cli_error, tmp_path, monkeypatch, argv, option, stream):
    """Check that ``-`` as a case, save or network file is refused, since ``-`` means a standard stream elsewhere
    (``interview --save -`` wrote a file named ``-`` in the folder; ``--case -`` said "-: No such file or directory")."""
    import io

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO('{"urge_to_move": true}\n'))
    err = cli_error(argv)
    assert err.startswith(f"crampnet: error: {option} -: "), err
    assert f"not {stream}" in err and "./-" in err
    assert list(tmp_path.iterdir()) == []


def test_a_file_named_dash_is_read_as_dot_slash_dash(tmp_path, monkeypatch, capsys):
    """Check that the way out the message gives, ``./-``, reads a case file named ``-``."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-").write_text('{"visible_hard_contraction": true}', encoding="utf-8")
    assert main(["diagnose", "--case", "./-", "--questions", "0", "--top", "1"]) == 0
    assert "Evidence: visible_hard_contraction=yes" in capsys.readouterr().out.splitlines()


@pytest.mark.parametrize("options", [[], ["--questions-by", "information", "--staged"]])
def test_the_resume_command_after_max_questions_asks_more(tmp_path, monkeypatch, capsys, options):
    """Check that the resume command an interview prints after stopping at --max-questions asks further questions in
    the same order (it resumed the case only to stop at once: the questions of the saved case count towards
    --max-questions, and the command gave neither a higher one nor the --questions-by order)."""
    import io
    import shlex

    save = str(tmp_path / "case.json")
    monkeypatch.setattr("sys.stdin", io.StringIO("skip\n"))
    assert main(["interview", "--max-questions", "1", "--save", save, *options]) == 0
    out = capsys.readouterr().out
    assert "Stopping: 1 question asked (--max-questions 1)." in out
    argv = shlex.split(out.rstrip("\n").splitlines()[-1].split("; resume it with: ", 1)[1])
    for option in options:
        assert option in argv
    monkeypatch.setattr("sys.stdin", io.StringIO("skip\n"))
    assert main(argv[1:]) == 0
    out = capsys.readouterr().out
    assert "Q2. " in out, out
    assert "Stopping: 2 questions asked (--max-questions 2)." in out


def test_a_question_about_no_condition_is_listed_without_an_empty_about(capsys):
    """Check that a question line whose question bears on no condition ends with its kind, not "(history; about )"."""
    assert main(["diagnose", "urge_to_move=yes", "--top", "0", "--questions", "500"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  ") and "%" in line and "(" in line]
    assert lines
    assert not [line for line in lines if line.endswith("about )")]
    assert [line for line in lines if line.endswith("(history)")]  # such questions are there (care_setting, sleep_apnea)


def test_the_resume_command_after_max_questions_0_asks_questions(tmp_path, monkeypatch, capsys):
    """Check that an interview run with --max-questions 0 (to save the case given) prints a resume command that asks
    questions: the limit it carries is not 0 again."""
    import io
    import shlex

    save = str(tmp_path / "case.json")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["interview", "urge_to_move=yes", "--max-questions", "0", "--save", save]) == 0
    argv = shlex.split(capsys.readouterr().out.rstrip("\n").splitlines()[-1].split("; resume it with: ", 1)[1])
    assert "0" not in argv
    monkeypatch.setattr("sys.stdin", io.StringIO("skip\n"))
    assert main(argv[1:]) == 0
    assert "Q1. " in capsys.readouterr().out


@pytest.mark.parametrize(("header", "column", "option"), [("id,urge_to_move", "id", "id"), ("urge_to_move,patient id", "patient id", "'patient id'")])
def test_an_unknown_cohort_column_says_how_to_give_it_as_the_ids(cli_error, tmp_path, header, column, option):
    """Check that a cohort column that is not a node, without --index-col, is refused with the way to give it as the
    column of case ids (``id`` got only "Did you mean 'med_thiazide_diuretic'...?", nodes that contain "id")."""
    path = tmp_path / "c.csv"
    path.write_text(f"{header}\n" + ("1,yes\n" if header.startswith("id") else "yes,1\n"), encoding="utf-8")
    err = cli_error(["score", str(path), "--no-progress"])
    assert err.startswith(f"crampnet: error: {path}: Unknown node {column!r} in the columns of the file."), err
    assert err.endswith(f" If the column holds the cases' ids, give --index-col {option}.\n"), err
    assert main(["score", str(path), "--no-progress", "--index-col", column]) == 0


def test_a_misspelt_cohort_column_is_not_offered_as_the_ids(cli_error, tmp_path):
    """Check that a column one letter off a node gets "Did you mean" alone, not the advice for a column of ids."""
    path = tmp_path / "c.csv"
    path.write_text("urge_to_mov\nyes\n", encoding="utf-8")
    err = cli_error(["score", str(path), "--no-progress"])
    assert err.endswith("Did you mean 'urge_to_move'?\n"), err
