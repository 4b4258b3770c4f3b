"""What the command line says about values and files a terminal user gives it (helper h3, session 44).

Found by an adversarial pass of the command line: ``diagnose ferritin=nan``
(or ``null`` for a node in a case file) was refused with advice for Python
users (``row.dropna().to_dict()``) instead of telling the person at the
terminal how to mark a finding unknown.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import crampnet
from crampnet.cli import main


@pytest.mark.parametrize(
    ("pair", "shown", "valid"),
    [
        ("ferritin=nan", "ferritin=nan", "low, normal, or a number in ng/mL, 0 to 5000"),
        ("ferritin=NaN", "ferritin=NaN", "low, normal, or a number in ng/mL, 0 to 5000"),
        ("urge_to_move=nan", "urge_to_move=nan", "yes, no"),
        ("ferritin=", "ferritin=", "low, normal, or a number in ng/mL, 0 to 5000"),
        ("age= ", "age=", "0 to 120"),
    ],
)
def test_a_value_that_is_no_value_on_the_command_line_says_to_leave_the_node_out(cli_error, capsys, pair, shown, valid):
    """Check that ``node=nan`` or ``node=`` says how a terminal user marks the node unknown, not a pandas recipe."""
    err = cli_error(["diagnose", "worse_at_rest=yes", pair])
    assert "dropna" not in err and "DataFrame" not in err
    node = shown.split("=")[0]
    assert f"{shown} gives no value" in err
    assert f"To mark {node} unknown, leave it out of the command line" in err
    assert valid in err


@pytest.mark.parametrize(("value", "shown"), [(None, "null"), ("nan", "'nan'"), ("", "''"), ("  ", "'  '")])
def test_a_value_that_is_no_value_in_a_case_file_says_to_leave_the_node_out(cli_error, tmp_path, capsys, value, shown):
    """Check that ``"ferritin": null`` (or "nan", or "") in a case file names the file and says to leave the key out."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"urge_to_move": True, "ferritin": value}), encoding="utf-8")
    err = cli_error(["diagnose", "--case", str(path)])
    assert "dropna" not in err and "DataFrame" not in err
    assert err.startswith(f"crampnet: error: {path}: ferritin is {shown}, which gives no value.")
    assert "To mark ferritin unknown, leave it out of the case file; otherwise give low, normal, or a number in ng/mL, 0 to 5000." in err


@pytest.mark.parametrize("answer", ["nan", "NaN", " -nan "])
def test_an_interview_answer_of_nan_says_to_type_skip(capsys, answer):
    """Check that answering ``nan`` to a numeric question is explained as no value, with skip to leave it unknown, not a pandas recipe."""
    import crampnet
    from crampnet._interview import Interview

    run = Interview(crampnet.load(), {"urge_to_move": True})
    assert run._value("ferritin", answer.strip()) is None  # asked again
    out = capsys.readouterr().out
    assert "dropna" not in out and "DataFrame" not in out
    assert f"{answer.strip()} is not a value: to leave ferritin unknown, type skip." in out
    assert "Answer one of the states listed, or a number, or skip (? lists the answers)." in out


def test_the_interviews_resume_command_resumes(tmp_path, monkeypatch, capsys):
    """Check that the command the interview prints to resume a saved case works as printed: a file name with a space
    quoted, and the --network it ran on given (without it the resumed case is refused as saved with another network)."""
    import io
    import shlex
    from pathlib import Path

    tiny = str(Path(__file__).parent / "data" / "tiny.toml")
    save = str(tmp_path / "Mrs Smith.json")
    monkeypatch.setattr("sys.stdin", io.StringIO("skip\n"))
    assert main(["interview", "--network", tiny, "--max-questions", "1", "--save", save]) == 0
    last = capsys.readouterr().out.rstrip("\n").splitlines()[-1]
    prefix = "; resume it with: "
    assert prefix in last, last
    argv = shlex.split(last.split(prefix, 1)[1])
    assert argv[:2] == ["crampnet", "interview"]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(argv[1:]) == 0, capsys.readouterr().err  # it carries --max-questions 2: the saved question counts (session 45)
    out = capsys.readouterr().out
    assert out.startswith("Resuming ") and "1 skipped, 1 question asked" in out


@pytest.mark.parametrize(("command", "suffix"), [(["report", "--example"], ".md"), (["export"], ".bif"), (["score", "{cohort}", "--no-progress"], ".csv")])
def test_the_wrote_line_escapes_the_file_name(tmp_path, capsys, command, suffix):
    """Check that "crampnet: wrote ... to FILE" is one line with a newline or a terminal's escape in FILE written as escapes, as errors write it."""
    cohort = tmp_path / "c.csv"
    cohort.write_text("urge_to_move\nyes\n", encoding="utf-8")
    name = tmp_path / f"out\n\x1b[2Jx{suffix}"
    assert main([c.format(cohort=cohort) for c in command] + ["-o", str(name)]) == 0
    err = capsys.readouterr().err
    assert name.is_file()
    assert err.count("\n") == 1 and "\x1b" not in err, err
    stamp = ""
    if command[0] == "score":  # since session 53 score's line ends with the rows and the network that scored them
        digest = hashlib.sha256((Path(__file__).resolve().parent.parent / "networks" / "leg_cramps.toml").read_bytes()).hexdigest()
        stamp = f" (1 row; network leg_cramps {crampnet.load().spec.version}, SHA-256 {digest}; population presenting)"
    assert err.endswith(f" to {tmp_path}/out\\n\\x1b[2Jx{suffix}{stamp}\n"), err


@pytest.mark.parametrize(
    ("make", "argv", "what"),
    [
        ("c.csv", ["score", "{dir}/c.csv", "--no-progress", "-o", "{dir}/./c.csv"], "the cohort CSV"),
        ("c.csv", ["score", "{dir}/link.csv", "--no-progress", "-o", "{dir}/c.csv"], "the cohort CSV"),
        ("c.json", ["report", "--case", "{dir}/c.json", "--format", "markdown", "-o", "{dir}/c.json"], "the case file"),
        ("net.toml", ["export", "--network", "{dir}/net.toml", "--format", "bif", "-o", "{dir}/net.toml"], "the network file"),
    ],
)
def test_the_output_may_not_be_a_file_the_command_reads(cli_error, tmp_path, capsys, make, argv, what):
    """Check that -o naming the cohort, case or network file read (by another path too) is refused and leaves it whole
    (score c.csv -o c.csv replaced the cohort by its posteriors)."""
    from pathlib import Path

    contents = {"c.csv": "urge_to_move\nyes\n", "c.json": '{"urge_to_move": true}', "net.toml": (Path(__file__).parent / "data" / "tiny.toml").read_text(encoding="utf-8")}
    source = tmp_path / make
    source.write_text(contents[make], encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(source)
    err = cli_error([a.format(dir=tmp_path) for a in argv])
    assert source.read_text(encoding="utf-8") == contents[make]
    out = argv[-1].format(dir=tmp_path)
    assert err == f"crampnet: error: {out}: -o names {what} that crampnet {argv[0]} reads; writing it would replace it. Give another file name.\n"


@pytest.mark.parametrize("command", ["diagnose", "interview", "report"])
def test_a_second_case_file_is_refused_not_used_instead_of_the_first(tmp_path, capsys, command):
    """Check that ``--case a.json --case b.json`` is an error naming both (argparse kept the last one only: the first
    file's evidence, a history with its red flags, was dropped without a word)."""
    first, second = tmp_path / "history.json", tmp_path / "labs.json"
    first.write_text('{"urge_to_move": true}', encoding="utf-8")
    second.write_text('{"ferritin": 30}', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        main([command, "--case", str(first), "worse_at_rest=yes", "--case", str(second)])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"crampnet: error: --case is given twice ({first} and {second}); give one case file, and add to it or override it with node=value pairs.\n"


@pytest.mark.parametrize("cell", [" ", "   ", "\t"])
def test_score_says_a_blank_cell_is_not_empty(cli_error, tmp_path, capsys, cell):
    """Check that a cell of blanks is refused as what it is, with the file, row and column, and the advice to leave it
    empty (it was "'' is not a state of ferritin", naming a value the cell does not hold)."""
    path = tmp_path / "c.csv"
    path.write_text(f"urge_to_move,ferritin\nyes,30\nno,{cell}\n", encoding="utf-8")
    err = cli_error(["score", str(path), "--no-progress"])
    assert err == f"crampnet: error: {path}, row 1, column 'ferritin': {cell!r} is not a value; leave the cell empty when it is not known.\n"
