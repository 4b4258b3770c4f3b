"""The command line at its edges: evidence around options, and the values of options that name files.

Found by an adversarial pass of the command line (helper h1): evidence given
after an option was refused as "unrecognized arguments" with the top-level
usage.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from crampnet.cli import main


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """main(argv) exits 2 with a clean error and no output; its stderr."""
    code = None
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    assert code == 2
    captured = capsys.readouterr()
    assert "error: " in captured.err and "Traceback" not in captured.err, captured.err
    assert captured.out == ""
    return captured.err


def _evidence_line(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("Evidence: "))


@pytest.mark.parametrize(
    "argv",
    [
        ["diagnose", "urge_to_move=yes", "--top", "1", "ferritin=30", "--questions", "0"],
        ["diagnose", "--top", "1", "urge_to_move=yes", "--questions", "0", "ferritin=30"],
        ["interview", "urge_to_move=yes", "--max-questions", "0", "ferritin=30"],
    ],
)
def test_evidence_may_come_before_and_after_options(capsys, monkeypatch, argv):
    """Check that ``node=value`` pairs split by an option are all used (they were refused as unrecognized arguments)."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(argv) == 0
    line = _evidence_line(capsys.readouterr().out)
    assert "urge_to_move=" in line and "ferritin=30" in line


def test_report_reads_evidence_after_an_option(tmp_path, capsys):
    """Check ``report urge_to_move=yes -o FILE ferritin=30``: the report holds both entries."""
    out = tmp_path / "r.md"
    assert main(["report", "urge_to_move=yes", "-o", str(out), "ferritin=30"]) == 0
    text = out.read_text()
    assert "Evidence (2 entries)" in text and "30 ng/mL" in text


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["diagnose", "--top", "1", "--bogus"], "--bogus"),
        (["export", "--format", "bif", "extra"], "extra"),
        (["warm-up", "extra"], "extra"),
    ],
)
def test_an_unknown_argument_is_named_with_the_command(capsys, argv, word):
    """Check that an argument no command takes is still an error naming it, with the command's own usage."""
    err = _error(capsys, argv)
    if word.startswith("-"):  # an option: one line naming it, with the closest options (test_cli_inputs_s45b)
        assert f"unknown option '{word}' for crampnet {argv[0]}" in err
    else:
        assert f"crampnet: error: {argv[0]}: unrecognized arguments: {word} (crampnet {argv[0]} --help)" in err


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["report", "urge_to_move=yes", "-o", "-"], "# crampnet"),
        (["report", "urge_to_move=yes", "-o", "-", "--format", "html"], "<!DOCTYPE html>"),
        (["export", "--format", "uai", "-o", "-"], "BAYES"),
    ],
)
def test_output_dash_is_standard_output(tmp_path, monkeypatch, capsys, argv, start):
    """Check that ``-o -`` writes to standard output (it wrote a file named '-')."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith(start)
    assert not (tmp_path / "-").exists()


def test_score_output_dash_is_standard_output(tmp_path, monkeypatch, capsys):
    """Check ``score cohort.csv -o -``: the posteriors on standard output, no file named '-'."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.csv").write_text("urge_to_move\nyes\n")
    assert main(["score", "c.csv", "-o", "-", "--no-progress"]) == 0
    assert capsys.readouterr().out.startswith("row,")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["diagnose", "--case", "", "urge_to_move=yes"], "--case"),
        (["diagnose", "--network", ""], "--network"),
        (["report", "urge_to_move=yes", "-o", ""], "--output"),
        (["interview", "--save", "", "--max-questions", "0"], "--save"),
    ],
)
def test_an_empty_file_name_is_an_error(capsys, argv, option):
    """Check that an empty file name (an unset shell variable) is refused, not read as no case file, no save or stdout."""
    assert f"{option} is empty; give the name of a file" in _error(capsys, argv)


BEYOND = "the number 1e400 is beyond the range of a floating-point number"


@pytest.mark.parametrize(
    ("text", "number"),
    [('{"age": 1e400}', "1e400"), ('{"urge_to_move": {"yes": 1e400, "no": 1}}', "1e400"), ('{"age": -1.5e999}', "-1.5e999")],
)
def test_case_file_number_beyond_float_range(tmp_path, capsys, text, number):
    """Check that 1e400 in a case file gets the "beyond the range" error naming the file, not "Got inf" (its integers did already)."""
    case = tmp_path / "case.json"
    case.write_text(text)
    err = _error(capsys, ["diagnose", "--case", str(case)])
    assert f"case.json: {BEYOND.replace('1e400', number)}" in err and "Got inf" not in err


def test_cohort_number_beyond_float_range_in_a_text_column(tmp_path, capsys):
    """Check 1e400 in a column that also holds text: the "beyond the range" error with row and column, as in a numeric column."""
    path = tmp_path / "c.csv"
    path.write_text("age\n50\n1e400\nfifty\n")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert f"c.csv, row 1, column 'age': {BEYOND}" in err and "Got inf" not in err


def test_interview_answer_beyond_float_range(monkeypatch, capsys):
    """Check the interview's answer 1e400 to a numeric question: explained as beyond the range, not as "Got inf"."""
    monkeypatch.setattr("sys.stdin", io.StringIO("1e400\nquit\n"))
    assert main(["interview", "--max-questions", "1"]) == 0
    out = capsys.readouterr().out
    question = next(line for line in out.splitlines() if line.startswith("Q1. "))
    assert "(symptom_duration: " in question and "or a number" in question  # the shipped network asks a numeric question first (the duration, in days)
    assert f"That answer does not fit: symptom_duration: {BEYOND}" in out and "Got inf" not in out


def _closed_stdin(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m crampnet ARGS`` with its standard input closed (``<&-``: Python's sys.stdin is None)."""
    return subprocess.run([sys.executable, "-m", "crampnet", *args], preexec_fn=lambda: os.close(0), capture_output=True, text=True, timeout=300, check=False)


def test_interview_with_stdin_closed_stops_at_the_end_of_input():
    """Check ``crampnet interview <&-``: the end of input (exit 0, red flags and final differential), not an AttributeError."""
    proc = _closed_stdin("interview", "--max-questions", "1")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Stopping: end of input." in proc.stdout and "Must-not-miss conditions" in proc.stdout.split("Final differential:")[1]


def test_score_stdin_closed_is_an_error():
    """Check ``crampnet score - <&-``: one error line saying the standard input is closed, not an AttributeError."""
    proc = _closed_stdin("score", "-", "--no-progress")
    assert proc.returncode == 2
    assert proc.stderr.startswith("crampnet: error: <stdin>: the standard input is closed") and "Traceback" not in proc.stderr


def test_evidence_impossible_in_the_population_names_it(capsys):
    """Check ``--population pregnancy sex=male``: the conflict is named as with the population (it read "sex=male cannot hold together")."""
    err = _error(capsys, ["diagnose", "--population", "pregnancy", "sex=male"])
    assert "in the population 'pregnancy'" in err and "sex=male has probability zero" in err and "cannot hold together" not in err
    err = _error(capsys, ["diagnose", "sex=male", "postpartum=yes"])  # two entries: their conflict, as before
    assert "sex=male and postpartum=yes cannot hold together" in err


@pytest.mark.parametrize(("text", "got"), [("[1, 2]", "Got an array."), ('"x"', "Got a string."), ("null", "Got null."), ("true", "Got true."), ("3", "Got 3.")])
def test_case_file_not_an_object_says_what_it_holds_in_json_terms(tmp_path, capsys, text, got):
    """Check the error for a case file of JSON that is not an object: what it holds in JSON's words (it said 'Got a NoneType', 'Got a list')."""
    case = tmp_path / "case.json"
    case.write_text(text)
    err = _error(capsys, ["diagnose", "--case", str(case)])
    assert "case.json: a case file must hold a JSON object of node id to value" in err and err.rstrip().endswith(got)


@pytest.mark.parametrize(
    "argv",
    [
        ["diagnose", "--case", "a\nb\x1b[31m.json"],
        ["score", "a\nb\x1b[31m.csv", "--no-progress"],
        ["report", "-o", "/nonexistent/a\nb\x1b[31m.md"],
        ["diagnose", "--network", "a\nb\x1b[31m.toml"],
    ],
)
def test_a_file_name_with_control_characters_stays_one_line(capsys, argv):
    """Check that a newline or a terminal escape in a file name is escaped in the error (it broke the line and reached the terminal raw)."""
    err = _error(capsys, argv)
    assert err.count("\n") == 1 and "\x1b" not in err
    assert "a\\nb\\x1b[31m." in err


def test_the_help_names_where_a_command_line_user_finds_the_sources(capsys):
    """Check that the top-level help (and the closing note) point to commands, not to the Python ``model.parameters()``."""
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps the description
    assert "model.parameters()" not in text
    assert "crampnet describe NODE" in text and "crampnet report" in text


def test_soft_evidence_is_echoed_as_state_weight_pairs(tmp_path, capsys):
    """Check ``diagnose --case`` with soft evidence: the evidence line shows ``state: weight`` pairs, not a Python dict."""
    case = tmp_path / "agesoft.json"
    case.write_text('{"age": {"under_40": 1, "40_to_64": 0.5}}')
    assert main(["diagnose", "--case", str(case), "--top", "1", "--questions", "0"]) == 0
    line = _evidence_line(capsys.readouterr().out)
    assert "{" not in line and "'" not in line, line
    assert "soft evidence" in line and "under_40:1" in line and "40_to_64:0.5" in line  # as the report writes it


def test_diagnose_top_says_what_it_does_to_the_json(capsys):
    """Check that --top's help says --json lists every condition, and that it does (the help said "how many conditions to list", and --json ignored it)."""
    import json

    with pytest.raises(SystemExit):
        main(["diagnose", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--json lists every condition" in help_text
    assert main(["diagnose", "urge_to_move=yes", "--json", "--top", "1", "--questions", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(entry["condition"] for entry in out["differential"]) == sorted(out["posteriors"])
    assert len(out["differential"]) > 1 and len(out["must_not_miss"]) >= 1


@pytest.mark.parametrize(
    ("argv", "named", "valid", "suggested"),
    [
        (["diagnose", "--ranking", "post"], "--ranking", "counterfactual, disablement, sufficiency, posterior", "Did you mean 'posterior'?"),
        (["diagnose", "urge_to_move=yes", "--questions", "0", "--ranking", "post"], "--ranking", "posterior", "Did you mean 'posterior'?"),
        (["export", "--format", "BIF"], "--format", "bif, xmlbif, xdsl, uai", "Did you mean 'bif'?"),
        (["diagnose", "--questions-by", "info"], "--questions-by", "decision, information, value", "Did you mean 'information'?"),
        (["-x"], "'-x'", "--help and --version", ""),
        (["-x", "diagnose"], "'-x'", "diagnose, interview", ""),
    ],
)
def test_an_invalid_choice_is_one_line_naming_the_choices(capsys, argv, named, valid, suggested):
    """Check that a value outside an option's choices, or an option crampnet does not take before the command, is one ``crampnet: error:`` line (argparse printed its usage block; ``-x`` was "COMMAND is required")."""
    err = _error(capsys, argv)
    assert err.count("\n") == 1 and err.startswith("crampnet: error: ") and "usage:" not in err, err
    assert named in err and valid in err and suggested in err


def test_the_options_before_the_command_still_work(capsys):
    """Check that --version (and argparse's abbreviation of it) is still read before the command."""
    for option in ("--version", "--vers"):
        with pytest.raises(SystemExit) as exit_:
            main([option])
        assert exit_.value.code == 0 and capsys.readouterr().out.startswith("crampnet ")


def _score_error(capsys: pytest.CaptureFixture[str], path: os.PathLike[str], text: str, *options: str) -> str:
    """The error of ``crampnet score`` on a cohort CSV ``path`` holding ``text``, with ``options``."""
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
    return _error(capsys, ["score", os.fspath(path), "--no-progress", *options])


@pytest.mark.parametrize("column", ["urge_to_move", "age"])
def test_score_index_col_that_is_a_node_is_refused(tmp_path, capsys, column):
    """Check ``score --index-col NODE`` (an id or an alias): refused, naming the node (its column became the case ids and was silently not used as evidence)."""
    err = _score_error(capsys, tmp_path / "c.csv", "urge_to_move,age\nyes,50\nno,30\n", "--index-col", column)
    assert err.count("\n") == 1 and f"--index-col {column!r}" in err and "evidence" in err and "not a node" in err


@pytest.mark.parametrize(
    ("rows", "chunksize", "expected"),
    [
        ("a,yes\na,no\n", "10", "the id 'a' in column 'id' (--index-col) is given twice, in rows 0 and 1"),
        ("a,yes\nb,no\nc,yes\na,no\n", "2", "the id 'a' in column 'id' (--index-col) is given twice, in rows 0 and 3"),
        ("a,yes\n,no\n", "10", "row 1 (the rows after the header, counted from 0) has no id in column 'id'"),
    ],
)
def test_score_index_col_ids_are_each_given_once(tmp_path, capsys, rows, chunksize, expected):
    """Check that an id given twice in the --index-col column (also in two chunks), or an empty one, is refused with its rows (it was scored silently)."""
    err = _score_error(capsys, tmp_path / "c.csv", "id,urge_to_move\n" + rows, "--index-col", "id", "--chunksize", chunksize, "-o", str(tmp_path / "out.csv"))
    assert f"c.csv: {expected}" in err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("urge_to_mov\nyes\n", "c.csv: Unknown node 'urge_to_mov' in the columns of the file. Did you mean 'urge_to_move'?"),
        ("urge_to_move\nyes\nmaybe\n", "c.csv, row 1, column 'urge_to_move': 'maybe' is not a state"),
        ("ferritin\n30\n-5\n", "c.csv, row 1, column 'ferritin': ferritin = -5 is outside"),
    ],
)
def test_score_errors_are_worded_for_a_csv(tmp_path, capsys, text, expected):
    """Check that score's errors name the columns of the file and spell rows one way, as the file's own checks do (they said "the DataFrame's columns" and "Row 0")."""
    err = _score_error(capsys, tmp_path / "c.csv", text)
    assert expected in err and "DataFrame" not in err and "Row " not in err, err


def test_the_python_api_keeps_its_dataframe_wording():
    """Check that the library's own messages for a DataFrame are as they were (the CLI rewords them for a CSV)."""
    import pandas as pd

    import crampnet

    model = crampnet.load()
    with pytest.raises(ValueError, match="in the DataFrame's columns"):
        model.posteriors(pd.DataFrame({"urge_to_mov": ["yes"]}))
    with pytest.raises(ValueError, match=r"^Row 1, column 'urge_to_move'"):
        model.posteriors(pd.DataFrame({"urge_to_move": ["yes", "maybe"]}))


@pytest.mark.parametrize("args", [("diagnose", "urge_to_move=yes"), ("report", "-o", "-"), ("describe", "ferritin")])
def test_stdout_closed_is_an_error(args):
    """Check ``crampnet diagnose >&-``: exit 2 with a message on stderr (it exited 0 and printed nothing, Python dropping every line)."""
    proc = subprocess.run([sys.executable, "-m", "crampnet", *args], preexec_fn=lambda: os.close(1), stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("crampnet: error: the standard output is closed") and "Traceback" not in proc.stderr


def test_stdout_closed_with_an_output_file_writes_it(tmp_path):
    """Check that ``report -o FILE >&-`` still writes the file: only a command writing to standard output needs it."""
    out = tmp_path / "r.md"
    proc = subprocess.run([sys.executable, "-m", "crampnet", "report", "urge_to_move=yes", "-o", str(out)], preexec_fn=lambda: os.close(1), stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("# crampnet")


def test_interview_save_failing_after_an_answer_still_shows_the_red_flags(tmp_path, monkeypatch, capsys):
    """Check an interview whose --save fails after an answer: the red flags and the final differential, then the error and exit 2 (it printed the error alone)."""
    import crampnet.cli

    calls = []

    def save_case(path, document):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", path)

    monkeypatch.setattr(crampnet.cli, "save_case", save_case)
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\nyes\nyes\n"))
    code = main(["interview", "back_pain=yes", "bladder_bowel_dysfunction=yes", "--save", str(tmp_path / "case.json"), "--max-questions", "3"])
    captured = capsys.readouterr()
    assert code == 2 and len(calls) == 2
    assert "No space left on device" in captured.err and captured.err.startswith("crampnet: error: ")
    final = captured.out.split("Final differential:")[1]
    assert "lumbar_radiculopathy" in final.split("Must-not-miss")[0]  # the cauda equina flag, before the differential
    assert "The case is saved in" not in captured.out


@pytest.mark.parametrize("text", ["urge_to_move,ferritin\nyes,30\n", '{"urge_to_move": true}\n', "not json", ""])
def test_interview_save_does_not_overwrite_another_file(tmp_path, monkeypatch, capsys, text):
    """Check ``interview --save cohort.csv``: a file that is not a saved case is refused and left as it was (it was overwritten)."""
    path = tmp_path / "cohort.csv"
    path.write_text(text)
    monkeypatch.setattr("sys.stdin", io.StringIO("skip\n"))
    assert main(["interview", "--save", str(path), "--max-questions", "1"]) == 2
    err = capsys.readouterr().err
    assert "cohort.csv exists and is not a case saved by crampnet interview" in err and err.count("\n") == 1
    assert path.read_text() == text


@pytest.mark.parametrize("where", ["missing/case.json", "."])
def test_interview_save_failing_before_the_first_question_still_shows_the_red_flags(tmp_path, monkeypatch, capsys, where):
    """Check ``interview back_pain=yes bladder_bowel_dysfunction=yes --save FILE`` where FILE cannot be written (its folder
    does not exist, or it is a folder): no question, the red flags and the differential of the evidence given, then one
    error line and exit 2 (it printed the error alone, and the cauda equina flag was lost)."""
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    code = main(["interview", "back_pain=yes", "bladder_bowel_dysfunction=yes", "--save", str(tmp_path / where)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.startswith("crampnet: error: ") and captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert "Q1." not in captured.out and "answer each question" not in captured.out  # no question is asked
    assert "Stopping: the case could not be saved" in captured.out
    final = captured.out.split("Final differential:")[1]
    assert "RED FLAG (emergency) lumbar_radiculopathy" in final.split("Must-not-miss")[0]
    assert "Evidence: back_pain=yes, bladder_bowel_dysfunction=yes" in final
    assert "The case is saved in" not in captured.out
    assert os.listdir(tmp_path) == []  # no file, nor a temporary one, left behind


def test_interview_save_overwrites_a_saved_case(tmp_path, monkeypatch, capsys):
    """Check that --save still writes a new file, and overwrites a case it saved (resuming with --case FILE --save FILE)."""
    path = tmp_path / "case.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("skip\n"))
    assert main(["interview", "urge_to_move=yes", "--save", str(path), "--max-questions", "1"]) == 0
    first = path.read_text()
    monkeypatch.setattr("sys.stdin", io.StringIO("skip\n"))
    assert main(["interview", "--case", str(path), "--save", str(path), "--max-questions", "2"]) == 0
    assert '"questions_asked": 2' in path.read_text() and '"questions_asked": 1' in first
    capsys.readouterr()


@pytest.mark.parametrize("chunksize", ["1", "10000"])
@pytest.mark.parametrize(
    "bad",
    ["maybe,20", "yes,nan", "yes,1e400", "yes,30,extra"],
)
def test_score_to_stdout_with_a_bad_row_late_writes_nothing(tmp_path, capsys, chunksize, bad):
    """Check ``crampnet score c.csv`` (to stdout) whose third row is bad: the error alone, no partial CSV before it
    (the rows before the bad one were streamed out, so a script read a truncated table)."""
    path = tmp_path / "c.csv"
    path.write_text(f"urge_to_move,ferritin\nyes,30\nno,20\n{bad}\nyes,40\n", encoding="utf-8")
    assert main(["score", str(path), "--no-progress", "--chunksize", chunksize]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("crampnet: error: ") and "c.csv" in captured.err


def test_score_to_stdout_still_writes_every_row(tmp_path, capsys):
    """Check that score to stdout, now held back until the end, still writes the header once and every row in order."""
    path = tmp_path / "c.csv"
    path.write_text("urge_to_move\n" + "yes\nno\n" * 5, encoding="utf-8")
    assert main(["score", str(path), "--no-progress", "--chunksize", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("row,") and [line.split(",")[0] for line in lines[1:]] == [str(i) for i in range(10)]


_HELP_ARGS = [("--help",), ("--version",), ("diagnose", "--help"), ("score", "-h")]


@pytest.mark.parametrize("args", _HELP_ARGS)
def test_help_and_version_with_stdout_closed_are_an_error(args):
    """Check ``crampnet --help >&-``: exit 2 with one error line on stderr, as the commands give (argparse wrote the help
    to stderr and exited 0)."""
    proc = subprocess.run([sys.executable, "-m", "crampnet", *args], preexec_fn=lambda: os.close(1), stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    assert proc.returncode == 2
    option = "--version" if "--version" in args else "--help"
    assert proc.stderr == f"crampnet: error: the standard output is closed, so crampnet{''.join(' ' + a for a in args[:-1])} {option} has nowhere to write; open it.\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("unbuffered", ["", "1"])
@pytest.mark.parametrize("args", _HELP_ARGS)
def test_help_and_version_to_a_full_device_are_an_error(args, unbuffered):
    """Check ``crampnet --help >/dev/full``: exit 2 naming the reason (argparse dropped the write error and exited 0,
    or Python's exit flush gave 120 and "Exception ignored")."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"} | ({"PYTHONUNBUFFERED": unbuffered} if unbuffered else {})
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "crampnet", *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300, check=False, env=env)
    assert proc.returncode == 2
    assert proc.stderr.startswith("crampnet: error: crampnet") and proc.stderr.endswith("cannot write to the standard output: No space left on device\n")
    assert proc.stderr.count("\n") == 1


def test_help_still_goes_to_stdout(capsys):
    """Check that ``crampnet --help`` and ``--version`` still write to stdout and exit 0."""
    for args in (["--help"], ["--version"]):
        with pytest.raises(SystemExit) as stop:
            main(args)
        assert stop.value.code == 0
        captured = capsys.readouterr()
        assert captured.err == "" and captured.out.startswith("usage: crampnet" if args == ["--help"] else "crampnet ")


def _buffered_env() -> dict[str, str]:
    """The environment without PYTHONUNBUFFERED: stdout block-buffered, as a user's shell runs crampnet."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("diagnose", "urge_to_move=yes"), ("describe", "ferritin")])
def test_short_output_to_a_full_device_is_an_error(args):
    """Check ``crampnet diagnose ... >/dev/full`` with a block-buffered stdout: one error line, exit 2 (the output fit the
    buffer, so the failed write came at Python's exit flush: "Exception ignored ... OSError" and exit 120)."""
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "crampnet", *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=300, check=False, env=_buffered_env())
    assert (proc.returncode, proc.stderr) == (2, "crampnet: error: No space left on device\n")


def test_short_output_to_a_closed_pipe_ends_quietly():
    """Check ``crampnet diagnose ... | true`` with a block-buffered stdout: exit 141, nothing on stderr (it was
    "Exception ignored ... BrokenPipeError" and exit 120)."""
    proc = subprocess.Popen([sys.executable, "-m", "crampnet", "diagnose", "urge_to_move=yes"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_buffered_env())
    assert proc.stdout is not None and proc.stderr is not None
    with proc:
        proc.stdout.close()  # long before the process has imported crampnet and diagnosed
        err = proc.stderr.read()
        assert proc.wait(timeout=300) == 141
    assert err == b""


@pytest.mark.parametrize("rows", ["", "50,\n"])
def test_score_refuses_a_node_given_by_its_id_and_an_alias(tmp_path, capsys, rows):
    """Check a cohort whose header has ``age`` (an alias) and ``age_group``: an error about the file's header, also
    with no row (it said "The DataFrame gives age_group twice", and a header-only file was scored, exit 0)."""
    path = tmp_path / "c.csv"
    path.write_text("age,age_group\n" + rows, encoding="utf-8")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert "c.csv: the header names the node age_group twice, as 'age' and 'age_group'" in err and "DataFrame" not in err


@pytest.mark.parametrize("text", ["30_0", "1_5", "_30"])
def test_a_number_with_an_underscore_is_refused(tmp_path, capsys, monkeypatch, text):
    """Check ``ferritin=30_0`` on the command line and in a cohort CSV: an error naming the text (Python's float() read
    it as 300, a tenfold ferritin from a slip of the finger)."""
    err = _error(capsys, ["diagnose", f"ferritin={text}"])
    assert f"{text!r} is not a state of ferritin" in err and "a number in ng/mL" in err
    path = tmp_path / "c.csv"
    path.write_text(f"ferritin\n{text}\n", encoding="utf-8")
    err = _error(capsys, ["score", str(path), "--no-progress"])
    assert f"c.csv, row 0, column 'ferritin': {text!r} is not a state of ferritin" in err


def test_interview_reads_answers_saved_with_a_byte_order_mark(monkeypatch, capsys):
    """Check piped answers from a file saved as UTF-8 with a byte-order mark and CRLF (Windows Notepad): the first answer
    is read as typed (it was refused as '\\ufeffskip', so every later answer went to the question before its own)."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("\ufeffskip\r\nskip\r\n".encode()), encoding="utf-8", newline=None))
    assert main(["interview", "urge_to_move=yes", "--max-questions", "2"]) == 0
    out = capsys.readouterr().out
    assert "does not fit" not in out and "Q3." not in out
    assert "Stopping: 2 questions asked (--max-questions 2)." in out


def test_score_refuses_an_index_column_named_red_flags(tmp_path, capsys):
    """Check ``score --index-col red_flags``: an error, not an output whose first and last columns are both named
    red_flags (a reader of it could not tell the ids from the flags)."""
    path = tmp_path / "c.csv"
    path.write_text("red_flags,urge_to_move\ncase1,yes\n", encoding="utf-8")
    err = _error(capsys, ["score", str(path), "--index-col", "red_flags", "--no-progress"])
    assert "c.csv: --index-col 'red_flags' is the name of the column of red flags" in err


def test_interview_echoes_piped_answers_without_terminal_escapes(monkeypatch, capsys):
    """Check that a piped answer holding a terminal's escape sequence is echoed escaped, not sent to the terminal.

    Answers read from a file or pipe are echoed after the prompt; an answer holding ESC [2J (clear the screen) or a
    carriage return went to the terminal as it was, so a file of answers could clear or overwrite what the interview
    had printed (file names were shown escaped since session 42, answers were not).
    """
    monkeypatch.setattr("sys.stdin", io.StringIO("\x1b[2Jyes\rno\nskip\n"))
    assert main(["interview", "urge_to_move=yes", "--max-questions", "1"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out
    assert "\\x1b[2Jyes\\rno" in out  # echoed, as Python escapes it
