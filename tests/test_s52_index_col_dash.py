"""A cohort's id column whose name starts with '-' is hinted as ``--index-col=--id``, a command that works.

h3's fuzzing (session 52): the hint said "give --index-col --id", and typing it failed with argparse's
"argument --index-col: expected one argument", since a value after a space that starts with '-' is read
as an option.
"""

from __future__ import annotations

import re


def test_the_index_col_hint_for_a_dash_column_runs(tmp_path, cli_run):
    """Check the hint's command: it is --index-col=--id, and running it scores the file with those ids."""
    cohort = tmp_path / "dash.csv"
    cohort.write_text("--id,urge_to_move\na1,yes\na2,no\n", encoding="utf-8")
    code, _, err = cli_run(["score", str(cohort), "--no-progress"])
    assert code != 0
    hint = re.search(r"give (--index-col\S*?)\.?$", err.strip())
    assert hint is not None, err
    assert hint.group(1) == "--index-col=--id"
    out = tmp_path / "out.csv"
    code, _, err = cli_run(["score", str(cohort), "--no-progress", hint.group(1), "-o", str(out)])
    assert code == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("--id,") and [line.split(",")[0] for line in lines[1:]] == ["a1", "a2"]


def test_the_index_col_hint_for_a_plain_column_keeps_the_space(tmp_path, cli_run):
    """Check that a column of ids named 'id' is still hinted as '--index-col id'."""
    cohort = tmp_path / "plain.csv"
    cohort.write_text("id,urge_to_move\na1,yes\n", encoding="utf-8")
    code, _, err = cli_run(["score", str(cohort), "--no-progress"])
    assert code != 0 and "give --index-col id." in err
