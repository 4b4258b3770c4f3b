"""Command-line inputs (session 45, helper 3b): what the CLI says it read, options it takes, and hints for typos."""

from __future__ import annotations

import json

import pytest

from crampnet.cli import main


def _evidence_line(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("Evidence: "))


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["d_dimer=yes"], "d_dimer=raised"),
        (["urge_to_move=y"], "urge_to_move=yes"),
        (["d_dimer=no", "age_group=70"], "d_dimer=normal, age_group=70 (65_plus)"),
    ],
)
def test_diagnose_echoes_the_state_each_value_was_read_as(capsys, args, shown):
    assert main(["diagnose", *args, "--top", "1", "--questions", "0"]) == 0
    assert _evidence_line(capsys.readouterr().out) == f"Evidence: {shown}"


def test_a_case_file_true_is_echoed_as_its_state(tmp_path, capsys):
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"d_dimer": True, "urge_to_move": {"yes": 4, "no": 1}}))
    assert main(["diagnose", "--case", str(case), "--top", "1", "--questions", "0"]) == 0
    line = _evidence_line(capsys.readouterr().out)
    assert line == "Evidence: d_dimer=raised, urge_to_move=soft evidence (yes:1, no:0.25)"


def test_json_says_what_each_entry_was_read_as(capsys):
    assert main(["diagnose", "d_dimer=yes", "ferritin=30", "--json", "--questions", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["evidence"] == {"d_dimer": True, "ferritin": 30}
    assert out["read_as"] == {"d_dimer": "raised", "ferritin": "30 (low)"}


def test_interview_final_line_names_the_state(capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("quit\n"))
    assert main(["interview", "d_dimer=yes", "--top", "1"]) == 0
    assert _evidence_line(capsys.readouterr().out) == "Evidence: d_dimer=raised"


def _parse_error(capsys, argv: list[str]) -> str:
    """Run ``main(argv)``, check the parser exits 2 (as argparse does) with one clean error line, and return stderr."""
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("crampnet: error: ") and captured.err.count("\n") == 1, captured.err
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize(
    ("argv", "meant"),
    [
        (["diagnose", "--jsno"], "--json"),
        (["diagnose", "urge_to_move=yes", "--jsno=1"], "--json"),
        (["interview", "--max-question=3", "--confidense", "0.9"], "--confidence"),
        (["score", "cohort.csv", "--chunk-size", "10"], "--chunksize"),
    ],
)
def test_an_unknown_option_suggests_the_closest_one(capsys, argv, meant):
    err = _parse_error(capsys, argv)
    assert "unknown option" in err and f"Did you mean '{meant}'" in err and "usage:" not in err


def test_an_unknown_option_with_nothing_close_says_where_the_options_are(capsys):
    err = _parse_error(capsys, ["describe", "--zzzzzz"])
    assert "'--zzzzzz'" in err and "Did you mean" not in err and "crampnet describe --help" in err


def test_the_docstring_says_which_commands_take_network_and_population():
    """Check the module docstring's claim against the parsers: a command without --population is named as the exception."""
    import crampnet.cli
    from crampnet._cli_parser import parsers

    doc = " ".join((crampnet.cli.__doc__ or "").split())
    for name, parser in parsers()[1].items():
        takes = {o for a in parser._actions for o in a.option_strings}
        if not {"--network", "--population"} <= takes:
            assert f"Every command but ``{name}``" in doc, name


@pytest.mark.parametrize("option", ["--population", "--network"])
def test_warm_up_says_why_it_takes_no_network_or_population(capsys, option):
    err = _parse_error(capsys, ["warm-up", option, "adults"])
    assert f"warm-up takes no {option}" in err and "same for every network" in err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["diagnose", "--top", "abc"], "argument --top: invalid int value: 'abc'"),
        (["diagnose", "--case"], "argument --case: expected one argument"),
        (["score"], "the following arguments are required: cohort"),
        (["export", "extra"], "unrecognized arguments: extra"),
    ],
)
def test_a_parse_error_is_one_line_as_every_other_error(capsys, argv, says):
    """Check argparse's errors read as the module docstring says errors do: one ``crampnet: error:`` line, not the usage block."""
    err = _parse_error(capsys, argv)
    assert says in err and "usage:" not in err and f"(crampnet {argv[0]} --help)" in err
