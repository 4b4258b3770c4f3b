"""The interview's own words typed as a clinician types them (session 50, h2): a typographic apostrophe, a doubled blank."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("typed", ["don\u2019t know", "Don\u2019t Know", "don't  know", "dont\u00a0know"])
def test_dont_know_with_a_curly_apostrophe_or_two_blanks_skips(cli_run, typed):
    """Check "don't know" with a typographic apostrophe (U+2019, as notes or a phone's keyboard write it) and "don't  know" skip the question, as "don't know" does: they were refused as "not a state of age_group"."""
    code, out, _ = cli_run(["interview", "urge_to_move=yes", "--max-questions", "1", "--confidence", "1"], f"{typed}\n")
    assert code == 0
    assert "That answer does not fit" not in out
    assert "Stopping: 1 question asked (--max-questions 1)." in out  # the skip counts as asked
    assert next(line for line in out.splitlines() if line.startswith("Evidence: ")) == "Evidence: urge_to_move=yes"
