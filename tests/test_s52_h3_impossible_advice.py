"""Impossible evidence says what to do about it (session 52, h3's CLI fuzzing).

``crampnet diagnose sex=male pregnancy=first_trimester`` (a mistyped sex, or
another patient's entry) got "... cannot hold together (probability zero).";
``crampnet score`` of such a row and a value that the population rules out
(``care_setting=general`` in ``presenting``) likewise ended on the conflict,
without what to type instead.
"""

from __future__ import annotations


def test_entries_that_cannot_hold_together_say_to_check_and_correct_one(cli_run):
    """Check the command line names both entries, then says to correct one or leave it out; exit 2."""
    code, out, err = cli_run(["diagnose", "sex=male", "pregnancy=first_trimester"])
    assert (code, out) == (2, "")
    assert "sex=male and pregnancy=first_trimester cannot hold together (probability zero). Check them: one may be mistyped or another patient's; correct it or leave it out." in err, err


def test_a_cohort_row_that_cannot_hold_names_the_row_and_the_advice(cli_run, tmp_path):
    """Check crampnet score names the row and gives the same advice."""
    path = tmp_path / "cohort.csv"
    path.write_text("sex,pregnancy\nfemale,\nmale,first_trimester\n", encoding="utf-8")
    code, _, err = cli_run(["score", str(path), "--no-progress"])
    assert code == 2
    assert "row 1" in err and "correct it or leave it out." in err, err


def test_an_entry_the_population_rules_out_says_to_leave_it_out_or_change_population(cli_run):
    """Check a value of probability zero on its own in the population says to leave it out or use another population."""
    code, _, err = cli_run(["diagnose", "care_setting=general"])
    assert code == 2
    assert "has probability zero on its own. Leave it out, or use a population where it can hold" in err and "--population" in err, err
