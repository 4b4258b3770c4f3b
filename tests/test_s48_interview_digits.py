"""An interview answer typed in full-width or other Unicode digits is kept as the number read (session 48, h1's report).

``float()`` reads full-width "12" (U+FF11 U+FF12) and Arabic-Indic "70" as 12 and 70;
the command line's echo shows such a number as the number read since session
48 (h1), but the interview kept the text as typed: its evidence line read
"age_group=" (then the first question) and the full-width digits. ASCII numbers are still kept as typed (7e1).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.mark.parametrize(("typed", "shown", "band"), [("\uff11\uff12", "12", "under_2_weeks"), ("\u0667\u0660", "70", "2_weeks_to_3_months"), ("7e1", "7e1", "2_weeks_to_3_months")])
def test_the_evidence_line_shows_the_number_read(tmp_path: Path, typed: str, shown: str, band: str, cli_run: Callable[..., tuple[int, str, str]]) -> None:
    """The first question of the shipped network is symptom_duration (a number of days: 12 is under 14, 70 is 14 up to 90)."""
    saved = tmp_path / "case.json"
    code, out, _ = cli_run(["interview", "--max-questions", "1", "--save", str(saved)], f"{typed}\nquit\n")
    assert code == 0, out
    assert "Q1. How long the current problem has lasted (symptom_duration: " in out, out
    line = next(row for row in out.splitlines() if row.startswith("Evidence:"))
    assert line == f"Evidence: symptom_duration={shown} ({band})", line
    number = json.loads(saved.read_text(encoding="utf-8"))["evidence"]["symptom_duration"]
    assert float(number) == float(shown)
