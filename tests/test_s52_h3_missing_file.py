"""A --case, cohort or network file that does not exist offers the file of a close name, or says where it was looked for (session 52, h3).

``crampnet diagnose --case case`` beside ``case.json``, ``crampnet score
Cohort.csv`` beside ``cohort.csv`` and ``crampnet score ''`` got the operating
system's words only (``case: No such file or directory``, ``: No such file or
directory``), not the name to type instead.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def in_folder(tmp_path, monkeypatch):
    """A folder holding case.json and cohort.csv, made the current folder."""
    (tmp_path / "case.json").write_text('{"urge_to_move": "yes"}', encoding="utf-8")
    (tmp_path / "cohort.csv").write_text("urge_to_move\nyes\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "given", "offered"),
    [
        (["diagnose", "--case", "case"], "case", "case.json"),  # the suffix left out
        (["report", "--case", "Case.json"], "Case.json", "case.json"),  # another case
        (["score", "Cohort.csv", "--no-progress"], "Cohort.csv", "cohort.csv"),
        (["score", "cohrt.csv", "--no-progress"], "cohrt.csv", "cohort.csv"),  # a typing slip
    ],
)
def test_a_missing_file_offers_the_file_of_a_close_name(cli_run, in_folder, argv, given, offered):
    """Check that the error keeps the reason and offers the file beside it, exit 2."""
    code, out, err = cli_run(argv)
    assert (code, out) == (2, "")
    assert err == f"crampnet: error: {given}: No such file or directory. Did you mean {offered!r}?\n"


def test_a_missing_file_with_no_close_name_says_where_it_was_looked_for(cli_run, in_folder):
    """Check that a relative name is told the current folder it was looked for from."""
    code, _, err = cli_run(["diagnose", "--case", "patient_17.json"])
    assert code == 2
    assert f"patient_17.json: No such file or directory; check the case file's name: it is looked for from the current folder, {os.getcwd()}" in err, err


def test_an_empty_cohort_name_is_named(cli_run, in_folder):
    """Check that score '' (an unset shell variable) says the name is empty, not ': No such file or directory'."""
    code, _, err = cli_run(["score", "", "--no-progress"])
    assert code == 2
    assert err == "crampnet: error: the cohort CSV's name is empty; give the name of a file.\n"
