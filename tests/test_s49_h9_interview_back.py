"""``back`` (and ``undo``) in ``crampnet interview`` (session 49): a wrong answer or skip is taken back, out of the case, the
saved file and the count of questions asked, the differential from before it is shown and its question asked again; never past
the evidence given before the interview started."""

from __future__ import annotations

import io
import json
import re

import pytest

import crampnet
from crampnet._interview import Interview

#: A case whose first question is a yes/no one (checked by _first).
GIVEN = ["urge_to_move=yes", "age_group=65_plus"]


def _prompts(out: str) -> list[tuple[int, str]]:
    """The questions asked, in order: (number, node id) of each prompt line."""
    return [(int(m.group(1)), m.group(2)) for m in re.finditer(r"^Q(\d+)\. .*?\((\w+): [^\n]*> ", out, flags=re.MULTILINE)]


def _evidence(out: str) -> str:
    """The final Evidence line."""
    return [line for line in out.splitlines() if line.startswith("Evidence: ")][-1]


def _rows(block: str) -> list[str]:
    """The differential's rows (rank, condition, probability) in ``block``."""
    return [line for line in block.splitlines() if re.match(r"^ +\d+  \w+ +\d\.\d{4}  \[", line)]


def _first(cli_run) -> str:
    """The first question of the case GIVEN (a yes/no one)."""
    code, out, _ = cli_run(["interview", *GIVEN], "quit\n")
    assert code == 0
    nid = _prompts(out)[0][1]
    assert crampnet.load().spec.nodes[nid].states == ("yes", "no"), nid
    return nid


@pytest.mark.parametrize("word", ["back", "undo", " BACK "])
def test_back_takes_back_the_last_answer_shows_the_differential_before_it_and_asks_again(cli_run, word):
    """Check 'yes, back, no': the yes leaves the case, the differential shown is the one from before it, the same question is asked again as Q1, and the final evidence holds the no."""
    nid = _first(cli_run)
    code, out, err = cli_run(["interview", *GIVEN], f"yes\n{word}\nno\nquit\n")
    assert (code, err) == (0, "")
    assert f"Took back {nid}=yes." in out
    assert _prompts(out)[:3] == [(1, nid), (2, _prompts(out)[1][1]), (1, nid)]
    before = out.split("Q1. ", 1)[0]
    shown = out.split(f"Took back {nid}=yes.", 1)[1].split("Q1. ", 1)[0]
    assert _rows(shown) and _rows(shown) == _rows(before)
    assert _evidence(out) == f"Evidence: urge_to_move=yes, age_group=65_plus, {nid}=no"


def test_back_walks_further_back_over_skips_and_answers_but_not_past_the_command_line(cli_run):
    """Check 'yes, skip, back, back, back': the skip, then the yes are taken back; the third back says the command line's answers stay and asks Q1 again."""
    nid = _first(cli_run)
    code, out, err = cli_run(["interview", *GIVEN, "--max-questions", "5"], "yes\nskip\nback\nback\nback\nquit\n")
    assert (code, err) == (0, "")
    second = _prompts(out)[1][1]
    assert f"Took back the skip of {second}." in out and f"Took back {nid}=yes." in out
    assert out.index(f"Took back the skip of {second}.") < out.index(f"Took back {nid}=yes.")
    assert "Nothing to take back: the answers given before the interview started stay; edit the case file or the command line" in out
    assert [n for n, _ in _prompts(out)] == [1, 2, 3, 2, 1, 1]
    assert _evidence(out) == "Evidence: urge_to_move=yes, age_group=65_plus"


def test_back_with_save_leaves_the_answer_out_of_the_saved_case(tmp_path, cli_run):
    """Check --save: after 'yes, back' the saved file holds neither the answer nor the question asked; after 'skip, back' not the skip; after 'yes, back, no' the no, as one question asked."""
    nid = _first(cli_run)
    saved = tmp_path / "case.json"
    for answers, evidence, skipped, asked in (("yes\nback\nquit\n", {}, [], 0), ("skip\nback\nquit\n", {}, [], 0), ("yes\nback\nno\nquit\n", {nid: "no"}, [], 1)):
        code, _, err = cli_run(["interview", *GIVEN, "--save", str(saved)], answers)
        assert (code, err) == (0, "")
        case = json.loads(saved.read_text(encoding="utf-8"))
        assert case["evidence"] == {"urge_to_move": "yes", "age_group": "65_plus", **evidence}, answers
        assert case["skipped"] == skipped and case["questions_asked"] == asked, answers
        saved.unlink()


def test_back_never_takes_back_the_case_read(tmp_path, cli_run):
    """Check --case: its evidence, skips and questions asked stay through back, in the final evidence and in the case saved."""
    nid = _first(cli_run)
    case = tmp_path / "case.json"
    code, _, err = cli_run(["interview", *GIVEN, "--save", str(case)], "no\nskip\nquit\n")  # a case with an answer and a skip, 2 questions asked
    assert (code, err) == (0, "")
    kept = json.loads(case.read_text(encoding="utf-8"))
    assert kept["evidence"] == {"urge_to_move": "yes", "age_group": "65_plus", nid: "no"} and kept["questions_asked"] == 2
    assert len(kept["skipped"]) == 1
    saved = tmp_path / "saved.json"
    code, out, err = cli_run(["interview", "--case", str(case), "--save", str(saved)], "back\nundo\nquit\n")
    assert (code, err) == (0, "")
    assert out.count("Nothing to take back: the answers given before the interview started stay") == 2
    assert [n for n, _ in _prompts(out)] == [3, 3, 3]
    assert _evidence(out) == f"Evidence: urge_to_move=yes, age_group=65_plus, {nid}=no"
    written = json.loads(saved.read_text(encoding="utf-8"))
    assert (written["evidence"], written["skipped"], written["questions_asked"]) == (kept["evidence"], kept["skipped"], 2)


def test_a_question_taken_back_does_not_count_towards_max_questions(cli_run):
    """Check --max-questions 2: 'yes, back, no, skip' is two questions asked, and the no is the answer kept (the yes did not use up a question)."""
    nid = _first(cli_run)
    code, out, err = cli_run(["interview", *GIVEN, "--max-questions", "2"], "yes\nback\nno\nskip\n")
    assert (code, err) == (0, "")
    assert "Stopping: 2 questions asked (--max-questions 2)." in out
    assert [n for n, _ in _prompts(out)] == [1, 2, 1, 2]
    assert _evidence(out) == f"Evidence: urge_to_move=yes, age_group=65_plus, {nid}=no"


def test_back_at_the_choose_menu_and_at_a_question_picked_from_it(cli_run):
    """Check --choose: back at the menu takes back the answer to question 1 and lists the menu again; back at a question picked from the menu takes back the answer before it."""
    nid = _first(cli_run)
    code, out, err = cli_run(["interview", *GIVEN, "--choose"], "yes\nback\nno\nquit\n")
    assert (code, err) == (0, "")
    assert f"Took back {nid}=yes." in out
    assert out.count("Next questions, best first:") == 4  # the first, after yes, after back, after no
    assert _evidence(out) == f"Evidence: urge_to_move=yes, age_group=65_plus, {nid}=no"
    code, out, err = cli_run(["interview", *GIVEN, "--choose"], "no\n1\nback\nquit\n")
    assert (code, err) == (0, "")
    assert f"Took back {nid}=no." in out
    assert _evidence(out) == "Evidence: urge_to_move=yes, age_group=65_plus"


def test_a_number_taken_back_is_named_as_typed_and_leaves_the_case(tmp_path, cli_run):
    """Check a number: 'Took back' names it as it was typed, and neither it nor its text stays in the saved case.

    Question 1 takes the number: symptom_duration in the shipped network (it
    was age_group), 7e1 days being 2_weeks_to_3_months.
    """
    saved = tmp_path / "case.json"
    code, out, err = cli_run(["interview", "urge_to_move=yes", "--save", str(saved)], "7e1\nback\nquit\n")
    assert (code, err) == (0, "")
    assert _prompts(out)[0][1] == "symptom_duration"
    assert re.search(r"^Took back symptom_duration=7e1\b", out, flags=re.MULTILINE), out
    assert json.loads(saved.read_text(encoding="utf-8"))["evidence"] == {"urge_to_move": "yes"}


def test_the_help_and_the_opening_line_mention_back(cli_run):
    """Check that the opening instruction and the '?' help at a question both say back takes back the last answer."""
    code, out, err = cli_run(["interview", *GIVEN], "?\nquit\n")
    assert (code, err) == (0, "")
    opening = out.splitlines()[0]
    assert opening.startswith("crampnet interview: ") and "back" in opening
    help_text = out.split("> ?\n", 1)[1].split("Q1. ", 1)[0]
    assert "back" in help_text and "undo" in help_text


def test_the_interview_class_takes_back_too(model):
    """Check the Python API: after 'yes, back, no' the attributes evidence, skipped and asked hold the no, as one question, and save saw the yes and then its removal."""
    saves: list[tuple[dict[str, object], list[str], int]] = []
    run = Interview(model, {"urge_to_move": True, "age_group": "65_plus"}, save=lambda e, s, a: saves.append((dict(e), list(s), a)))
    assert run.run(io.StringIO("yes\nback\nno\nquit\n")) == 0
    nid = next(k for k in run.evidence if k not in ("urge_to_move", "age_group"))
    assert run.evidence[nid] == "no" and run.skipped == [] and run.asked == 1
    assert [a for _, _, a in saves] == [0, 1, 0, 1]
    assert saves[1][0][nid] == "yes" and nid not in saves[2][0]
