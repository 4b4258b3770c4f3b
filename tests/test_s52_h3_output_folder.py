"""An output file in a folder that does not exist says so, with the command that makes it (session 52, h3's CLI fuzzing).

``crampnet score cohort.csv -o results/scores.csv`` before ``results/``
existed, and ``report -o``, ``export -o`` and ``interview --save`` alike, got
``cannot write the posteriors CSV: No such file or directory``, which does not
say that the folder, not the file, is missing, nor what to do.
"""

from __future__ import annotations

import os

import pytest


@pytest.mark.parametrize(
    ("argv", "name", "what"),
    [
        (["report", "urge_to_move=yes", "-o"], "report.md", "markdown report"),
        (["export", "-o"], "net.bif", "bif export"),
        (["score", "COHORT", "--no-progress", "-o"], "scores.csv", "posteriors CSV"),
        (["interview", "--max-questions", "1", "--save"], "case.json", "saved case"),
    ],
)
def test_an_output_in_a_missing_folder_names_the_folder_and_how_to_make_it(cli_run, tmp_path, argv, name, what):
    """Check that the message names the missing folder and mkdir -p it, exits 2, and no folder or file is made."""
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("urge_to_move\nyes\n", encoding="utf-8")
    folder = tmp_path / "results"
    target = folder / name
    argv = [str(cohort) if a == "COHORT" else a for a in argv] + [str(target)]
    code, _, err = cli_run(argv, stdin="skip\n")
    assert code == 2
    assert f"{target}: cannot write the {what}: No such file or directory: the folder {folder} does not exist; create it first (mkdir -p {folder})" in err, err
    assert not folder.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into a read-only folder")
def test_an_output_in_a_read_only_folder_says_to_give_another_folder(cli_run, tmp_path):
    """Check that a folder without write permission is named, with what to do."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, _, err = cli_run(["report", "urge_to_move=yes", "-o", str(folder / "r.md")])
    finally:
        folder.chmod(0o700)
    assert code == 2 and f"in the folder {folder}; give a file in a folder you can write to" in err, err
