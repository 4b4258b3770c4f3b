"""A bare number at the ``interview --choose`` menu (session 50, h2): 1 to 5 always chooses; one beyond a shorter list is refused with the range and =N, not recorded as the answer to a numeric question 1."""

from __future__ import annotations

from pathlib import Path

import pytest

TINY = str(Path(__file__).parent / "data" / "tiny.toml")
#: On the tiny network, with jerks skipped, --choose lists two questions: ferritin (numeric) first, then age_group.
TWO_LISTED = ["interview", "--network", TINY, "--choose", "--confidence", "1", "drug=yes", "urge=yes", "pulses=normal", "location=calf"]


def _menus(out: str) -> list[list[str]]:
    """The ids of the questions each --choose menu listed, in order."""
    menus: list[list[str]] = []
    for line in out.splitlines():
        if line == "Next questions, best first:":
            menus.append([])
        elif menus and line.startswith("  ") and line.strip()[:1].isdigit() and ". " in line:
            menus[-1].append(line.rsplit("(", 1)[1].split(":", 1)[0])
    return menus


def _evidence(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("Evidence: "))


@pytest.mark.parametrize("typed", ["3", "4", "5"])
def test_a_pick_beyond_a_short_list_is_refused_not_taken_as_a_number(cli_run, typed):
    """Check --choose with two questions listed (ferritin first, which takes a number): a bare 3 to 5 is a choice beyond the list, refused with the range and =N; it recorded ferritin=3 (low), though the prompt said "Type 1-2"."""
    code, out, err = cli_run(TWO_LISTED, f"skip\n{typed}\nquit\n")
    assert (code, err) == (0, "")
    assert _menus(out)[1] == ["ferritin", "age_group"]  # the setting holds: two listed, the numeric one first
    assert "ferritin" not in _evidence(out)
    refusal = out.split(f"> {typed}\n", 1)[1].splitlines()[0]
    assert "1-2" in refusal and f"={typed}" in refusal and "ferritin" in refusal, refusal
    assert out.count("Q2. Type 1-2 to choose") == 2  # asked again, the question not counted


def test_an_equals_number_still_answers_and_a_pick_on_the_list_still_chooses(cli_run):
    """Check the short list's =4 answers ferritin 4, and 2 asks the second question listed (age_group)."""
    code, out, _ = cli_run(TWO_LISTED, "skip\n=4\nquit\n")
    assert code == 0 and "ferritin=4 (low)" in _evidence(out)
    code, out, _ = cli_run(TWO_LISTED, "skip\n2\n70\nquit\n")
    assert code == 0 and "age_group=70 (65_plus)" in _evidence(out) and "ferritin" not in _evidence(out)


def test_a_pick_beyond_the_list_at_a_question_without_a_number_names_the_list(cli_run):
    """Check --choose with three listed and question 1 a yes/no one: 4 is refused as beyond the list (1-3), not as "jerks does not accept a number"."""
    code, out, _ = cli_run(TWO_LISTED, "4\nquit\n")
    assert code == 0 and _menus(out)[0][0] == "jerks" and len(_menus(out)[0]) == 3
    refusal = out.split("> 4\n", 1)[1].splitlines()[0]
    assert "1-3" in refusal and "does not accept a number" not in refusal, refusal
    assert "=4" not in refusal  # jerks takes no number


def test_a_full_width_digit_at_the_menu_chooses_as_its_ascii_digit_does(cli_run, model):
    """Check a full-width 3 (U+FF13, as an East Asian input method types it) at the menu asks question 3, as 3 does: it answered question 1, then age_group, 3 (under_40), a child's age, from a keystroke meant as a choice.

    Question 1 is symptom_duration now (3 would be 3 days, under_2_weeks); the
    menu lists the default --top of 5 questions.
    """
    code, out, _ = cli_run(["interview", "urge_to_move=yes", "--choose", "--max-questions", "1"], "\uff13\nquit\n")
    assert code == 0
    listed = _menus(out)[0]
    assert listed[0] == "symptom_duration" and len(listed) == 5  # question 1 takes a number
    assert f"({listed[2]}: " in out.split("> \uff13\n", 1)[1].splitlines()[0]  # question 3 is asked next
    assert "symptom_duration" not in _evidence(out)
