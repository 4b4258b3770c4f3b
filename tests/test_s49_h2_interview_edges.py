"""What a user meets at the terminal in ``crampnet interview`` (session 49): the case file saved over, help at a question,
Ctrl-C while the differential is computed, and the Interview class's arguments."""

from __future__ import annotations

import io
import json
import os
import re

import pytest

import crampnet


def test_save_over_the_plain_case_being_read_never_advises_removing_it(tmp_path, cli_run):
    """Check --case plain.json --save plain.json: the case is left as it is, and the error says to give --save a new name, not to remove the file (the user's case)."""
    plain = tmp_path / "plain.json"
    plain.write_text('{"urge_to_move": "yes"}\n', encoding="utf-8")
    os.symlink(plain, tmp_path / "link.json")
    for save in (plain, tmp_path / "link.json"):  # the same file by another name, too
        code, out, err = cli_run(["interview", "--case", str(tmp_path / "link.json"), "--save", str(save)], "yes\n")
        assert code == 2 and "Q1. " not in out
        assert "Final differential:" in out  # the case's red flags are shown all the same
        assert err.count("\n") == 1 and err.startswith("crampnet: error: ")
        assert "remove" not in err
        assert "--case" in err and "new file name" in err
        assert plain.read_text(encoding="utf-8") == '{"urge_to_move": "yes"}\n'


def test_save_over_the_saved_case_being_read_still_resumes(tmp_path, cli_run):
    """Check --case saved.json --save saved.json (the resume command printed) still saves there: a saved case is overwritten with the answers added."""
    saved = tmp_path / "saved.json"
    code, _, _ = cli_run(["interview", "urge_to_move=yes", "--save", str(saved), "--max-questions", "1"], "skip\n")
    assert code == 0 and saved.is_file()
    code, _, err = cli_run(["interview", "--case", str(saved), "--save", str(saved), "--max-questions", "2"], "skip\n")
    assert (code, err) == (0, "")
    assert json.loads(saved.read_text(encoding="utf-8"))["questions_asked"] == 2


def _asked(out: str, nid: str) -> list[str]:
    """The prompt lines of question ``nid``."""
    return [line for line in out.splitlines() if f"({nid}: " in line and " > " in line]


def test_a_question_mark_lists_the_answers_and_asks_again(model, cli_run):
    """Check '?' (and 'help') at a question: it was taken as skip without a word; now it lists the states, the numbers taken with their unit and range, skip and quit, and asks the same question again."""
    node = model.spec.nodes["symptom_duration"]  # the first question for this case in the shipped network (it was age_group)
    assert node.bands and node.valid and node.unit, "symptom_duration takes a number in the shipped network"
    for word in ("?", "help", " HELP "):
        code, out, err = cli_run(["interview", "urge_to_move=yes", "--max-questions", "1"], f"{word}\nunder_2_weeks\n")
        assert (code, err) == (0, "")
        assert out.split("\nQ1. ", 1)[1].startswith("How long the current problem has lasted (symptom_duration: "), out
        assert len(_asked(out, "symptom_duration")) == 2, out  # asked again, not skipped
        help_text = out.split(f"> {word.strip()}\n", 1)[1].split("Q1. ", 1)[0]
        assert all(state in help_text for state in node.states)
        assert f"a number in {node.unit} from {node.valid[0]:g} to {node.valid[1]:g}" in help_text
        assert "skip" in help_text and "quit" in help_text
        assert "Evidence: urge_to_move=yes, symptom_duration=under_2_weeks" in out
        assert "Stopping: 1 question asked" in out


def test_a_question_mark_in_choose_explains_the_menu_too(model, cli_run):
    """Check '?' at the --choose prompt: the menu is explained (1-N picks, =N for a number) along with question 1's answers; nothing is skipped.

    Question 1 is symptom_duration in the shipped network (it was age_group).
    The menu lists the default --top of 5 questions (this case has more than
    5 to ask), so its range is 1-5.
    """
    code, out, err = cli_run(["interview", "urge_to_move=yes", "--choose", "--max-questions", "1"], "?\nunder_2_weeks\n")
    assert (code, err) == (0, "")
    menu = re.findall(r"^  (\d+)\. .*\((\w+): ", out.split("\nQ1. ", 1)[0], flags=re.MULTILINE)
    assert [number for number, _ in menu] == ["1", "2", "3", "4", "5"] and menu[0][1] == "symptom_duration", menu
    help_text = out.split("> ?\n", 1)[1].split("Q1. ", 1)[0]
    assert "1-5" in help_text and "=N" in help_text and "under_2_weeks" in help_text and "(symptom_duration)" in help_text
    assert "Evidence: urge_to_move=yes, symptom_duration=under_2_weeks" in out


def _interrupt_when(monkeypatch, nid: str) -> None:
    """Make Model.diagnose raise KeyboardInterrupt (Ctrl-C) once the evidence holds ``nid``, as a slow computation interrupted does."""
    real = crampnet.Model.diagnose

    def diagnose(self, evidence=None, *args, **kwargs):
        if evidence is not None and nid in evidence:
            raise KeyboardInterrupt
        return real(self, evidence, *args, **kwargs)

    monkeypatch.setattr(crampnet.Model, "diagnose", diagnose)


def test_ctrl_c_while_computing_keeps_and_saves_the_answer(monkeypatch, tmp_path, cli_run):
    """Check Ctrl-C while the differential is computed after an answer: the answer was lost (not saved, no final differential, exit 130 without a word); now it is saved, the user is told, and the last differential computed is shown with its own evidence."""
    saved = tmp_path / "case.json"
    _interrupt_when(monkeypatch, "symptom_duration")  # question 1 in the shipped network
    code, out, err = cli_run(["interview", "urge_to_move=yes", "--save", str(saved)], "under_2_weeks\n")
    assert (code, err) == (130, "")
    assert "\nQ1. How long the current problem has lasted (symptom_duration: " in out
    assert json.loads(saved.read_text(encoding="utf-8"))["evidence"] == {"urge_to_move": "yes", "symptom_duration": "under_2_weeks"}
    assert "Stopping: interrupted while the differential was computed with symptom_duration=under_2_weeks: the answer is kept in the saved case, but the differential below is from before it." in out
    assert "Final differential:" in out and "RED FLAG" in out
    assert "Evidence: urge_to_move=yes\n" in out  # the differential shown is of this evidence
    assert "resume it with: crampnet interview --case" in out


def test_ctrl_c_while_computing_without_save_says_what_the_differential_is(monkeypatch, cli_run):
    """Check the same without --save: the user is told the differential shown is from before the answer, and it is printed."""
    _interrupt_when(monkeypatch, "symptom_duration")  # question 1 in the shipped network
    code, out, err = cli_run(["interview", "urge_to_move=yes"], "under_2_weeks\n")
    assert (code, err) == (130, "")
    assert "with symptom_duration=under_2_weeks: the answer is kept, but the differential below is from before it." in out
    assert "Final differential:" in out and "Evidence: urge_to_move=yes\n" in out


def test_ctrl_c_while_choosing_the_next_question_shows_the_final_differential(monkeypatch, tmp_path, cli_run):
    """Check Ctrl-C while the next questions are ranked after an answer: the final differential (with the answer) is shown and the case saved, exit 130."""
    saved = tmp_path / "case.json"
    real = crampnet.Diagnosis.next_questions

    def next_questions(self, *args, **kwargs):
        if "symptom_duration" in self.evidence:  # answered to question 1 in the shipped network
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(crampnet.Diagnosis, "next_questions", next_questions)
    code, out, err = cli_run(["interview", "urge_to_move=yes", "--save", str(saved)], "under_2_weeks\n")
    assert (code, err) == (130, "")
    assert "\nQ1. How long the current problem has lasted (symptom_duration: " in out
    assert "Stopping: interrupted.\n" in out and "Final differential:" in out
    assert "Evidence: urge_to_move=yes, symptom_duration=under_2_weeks\n" in out
    assert json.loads(saved.read_text(encoding="utf-8"))["evidence"] == {"urge_to_move": "yes", "symptom_duration": "under_2_weeks"}


@pytest.mark.parametrize(
    ("kwargs", "error", "says"),
    [
        ({"top": -1}, crampnet.InvalidValueError, "The 'top' argument of Interview must be a non-negative int"),
        ({"top": "5"}, crampnet.InvalidValueError, "Got '5' (str) instead."),
        ({"top": True}, crampnet.InvalidValueError, "Got True (bool) instead."),
        ({"max_questions": "3"}, crampnet.InvalidValueError, "The 'max_questions' argument of Interview must be a non-negative int"),  # a TypeError from '>=' at the first question
        ({"max_questions": -1}, crampnet.InvalidValueError, "Got -1 (int) instead."),  # stopped at once, "0 questions asked (--max-questions -1)"
        ({"max_questions": 2.0}, crampnet.InvalidValueError, "Got 2.0 (float) instead."),
        ({"asked": -2}, crampnet.InvalidValueError, "The 'asked' argument of Interview must be a non-negative int"),  # asked "Q-1."
        ({"confidence": 95}, crampnet.InvalidValueError, "95 reads as a percentage? 95% is 0.95: pass 0.95."),  # never reached: no stop by confidence
        ({"confidence": float("nan")}, crampnet.InvalidValueError, "The 'confidence' argument of Interview must be a number in (0, 1]"),
        ({"confidence": 0}, crampnet.InvalidValueError, "Got 0 instead."),  # stopped before the first question
        ({"confidence": "0.9"}, crampnet.InvalidValueError, "'0.9' is text: pass the number 0.9."),  # a TypeError from '>='
        ({"by": "info"}, crampnet.InvalidValueError, "Did you mean 'information'?"),
        ({"staged": "false"}, crampnet.EvidenceTypeError, "'staged'"),
        ({"choose": "no"}, crampnet.EvidenceTypeError, "'choose'"),  # read as True: the menu shown
    ],
)
def test_the_interview_class_checks_its_arguments_before_asking(model, capsys, kwargs, error, says):
    """Check Interview(...) with a bad top, max_questions, asked, confidence, by, staged or choose: a clear error at construction naming the value and the valid range, never a TypeError from '>=' mid-run, a silent stop or a confidence never reached."""
    from crampnet._interview import Interview

    with pytest.raises(error) as caught:
        Interview(model, {"urge_to_move": True}, **kwargs)
    assert says in str(caught.value), str(caught.value)
    assert capsys.readouterr().out == ""  # nothing asked, nothing printed


def test_the_interview_class_takes_numpy_integers_and_the_edges_of_its_ranges(model, capsys):
    """Check the valid edges still run: top=0, max_questions=0, a numpy int, confidence=1 (stop only on certainty)."""
    import numpy as np

    from crampnet._interview import Interview

    assert Interview(model, {"urge_to_move": True}, top=0, max_questions=np.int64(0), confidence=1, asked=0).run(io.StringIO("")) == 0
    assert "Stopping: 0 questions asked (--max-questions 0)." in capsys.readouterr().out


def test_the_resume_command_keeps_confidence_top_and_choose(tmp_path, cli_run):
    """Check the resume command printed after interview --save carries --confidence (and --top, --choose): without it the resumed interview stopped at 0.95, not at the confidence set, so it asked on where the first run had stopped."""
    import shlex

    saved = tmp_path / "case.json"
    evidence = "visible_hard_contraction=yes"  # its leading condition is between 0.8 and 0.95 in the shipped network
    code, out, err = cli_run(["interview", evidence, "--confidence", "0.8", "--top", "3", "--choose", "--save", str(saved)], "")
    assert (code, err) == (0, "")
    assert "(--confidence 0.8)." in out  # stopped by it at once
    command = shlex.split(out.rsplit("resume it with: ", 1)[1])
    assert command[:2] == ["crampnet", "interview"]
    assert {"--top", "--choose", "--confidence"} <= set(command)
    code, resumed, err = cli_run(command[1:], "")
    assert (code, err) == (0, "")
    assert "Q1. " not in resumed and "(--confidence 0.8)." in resumed  # resumed, it stops where the first run did
    rows = [line for line in resumed.split("Final differential:")[1].splitlines() if line[:4].strip().isdigit()]
    assert len([row for row in rows if not row.endswith("[must not miss]")]) == 3, rows  # --top 3


def test_the_menus_equals_sign_for_a_number_works_at_the_question_picked_too(model, cli_run):
    """Check =N, which the --choose prompt teaches for a number, at a question that takes one when asked on its own (after picking it, or without --choose): it was refused as "'=52' is not a state of age_group" (then question 1; symptom_duration, in days, is now)."""
    assert model.spec.nodes["symptom_duration"].bands
    code, out, err = cli_run(["interview", "urge_to_move=yes", "--max-questions", "1"], "=52\n")
    assert (code, err) == (0, "")
    assert "\nQ1. How long the current problem has lasted (symptom_duration: " in out
    assert "does not fit" not in out
    assert "Evidence: urge_to_move=yes, symptom_duration=52 (2_weeks_to_3_months)" in out
    code, out, err = cli_run(["interview", "urge_to_move=yes", "age=50", "--choose", "--max-questions", "1"], "=3\n")  # question 1 takes no number
    assert (code, err) == (0, "")
    assert "answer question 1 (pain_location; or skip) > =3" in out  # pain_location: states, no number
    assert "That answer does not fit: '=3' is not a state of pain_location" in out


def test_a_refused_yes_is_not_told_to_answer_yes_or_no(model, cli_run):
    """Check 'yes' to a question with no yes/no answer (symptom_duration, question 1; it was the age group): it was refused, then told "Answer yes or no, one of the states listed, ..."; the advice now names what that question takes."""
    assert "yes" not in model.spec.nodes["symptom_duration"].states
    code, out, err = cli_run(["interview", "urge_to_move=yes", "--max-questions", "1"], "yes\nskip\n")
    assert (code, err) == (0, "")
    assert "\nQ1. How long the current problem has lasted (symptom_duration: " in out
    advice = out.split("> yes\n", 1)[1].split("Q1. ", 1)[0]
    assert "does not fit" in advice
    assert "yes or no" not in advice
    assert "Answer one of the states listed, or a number, or skip (? lists the answers)." in advice
    code, out, _ = cli_run(["interview", "urge_to_move=yes", "age=50", "--max-questions", "1"], "nowhere\nskip\n")  # pain_location: states, no number
    assert "Answer one of the states listed, or skip (? lists the answers)." in out


@pytest.mark.parametrize(
    ("argv", "least"),
    [
        (["interview", "--top", "1.5"], 0),
        (["interview", "--max-questions", "1e2"], 0),
        (["interview", "--max-questions", "ten"], 0),
        (["diagnose", "--questions", "2.0"], 0),
        (["score", "x.csv", "--chunksize", "1k"], 1),
    ],
)
def test_a_count_that_is_no_whole_number_says_what_is_valid(argv, least, capsys):
    """Check --top 1.5 or --max-questions 1e2: argparse's "invalid int value: '1.5'" named the value but not what to give; the line now adds the whole numbers the option takes, as a negative count's error does."""
    from crampnet.cli import main

    with pytest.raises(SystemExit) as exited:  # argparse's errors exit, as main's docstring says
        main(argv)
    out, err = capsys.readouterr()
    assert (exited.value.code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("crampnet: error: ")
    assert f"invalid int value: '{argv[-1]}'; give a whole number, {least} or more (" in err, err


def test_the_interview_class_refuses_one_string_as_the_skipped_questions(model):
    """Check skipped="age_group": list() made it the letters a, g, e, ..., so age_group was asked although given as skipped; a string is refused, a list of one is taken."""
    from crampnet._interview import Interview

    with pytest.raises(crampnet.EvidenceTypeError, match=r"The 'skipped' argument of Interview .* Got 'age_group' \(str\)"):
        Interview(model, {"urge_to_move": True}, skipped="age_group")
    assert Interview(model, {"urge_to_move": True}, skipped=["age_group"]).skipped == ["age_group"]
