"""Answers left on a non-interactive standard input when the interview stops are named, not dropped without a word.

A file or pipe of answers longer than the interview (``--max-questions``,
``--confidence``, no question left) had the rest ignored silently. The end now
says which answer was the first not read; it never waits for input to say so.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from crampnet._interview import Interview

NOT_READ = "Not read: the answers that followed on the standard input"


@pytest.fixture
def stopping(model, capsys):
    """``stopping(answers, **kwargs)``: the interview's "Stopping:" line for ``answers`` read from memory."""

    def run(answers: str, **kwargs: object) -> str:
        Interview(model, {"age": 60}, **kwargs).run(io.StringIO(answers))
        (line,) = [x for x in capsys.readouterr().out.splitlines() if x.startswith("Stopping:")]
        return line

    return run


def test_answers_after_the_last_question_are_named(stopping):
    """Check two skips then 'yes' with --max-questions 2: the stop names 'yes' as the first answer not read."""
    assert stopping("skip\nskip\nyes\nno\n", max_questions=2) == f"Stopping: 2 questions asked (--max-questions 2). {NOT_READ}, from 'yes' on."


@pytest.mark.parametrize("answers", ["skip\nskip\n", "skip\nskip\n\n  \n", "skip\nskip"])
def test_nothing_left_or_only_blank_lines_says_nothing(stopping, answers):
    """Check no note when the input ends with the interview (blank lines and a missing final newline included)."""
    assert NOT_READ not in stopping(answers, max_questions=2)


def test_quit_and_the_end_of_input_say_nothing(stopping):
    """Check 'quit' with lines after it (the user chose to stop) and the end of input give no note."""
    assert stopping("skip\nquit\nyes\n", max_questions=5) == "Stopping: quit."
    assert stopping("skip\n", max_questions=5) == "Stopping: end of input."


def _cli(stdin, max_questions: int = 2) -> subprocess.CompletedProcess[str]:
    """``crampnet interview age=60 --max-questions N`` in a fresh process reading ``stdin``."""
    return subprocess.run([sys.executable, "-m", "crampnet", "interview", "age=60", "--max-questions", str(max_questions)], stdin=stdin, capture_output=True, text=True, timeout=300, check=False)


def test_a_file_of_answers_longer_than_the_interview(tmp_path):
    """Check ``crampnet interview < answers.txt`` names the first answer not read, exit 0."""
    path = tmp_path / "answers.txt"
    path.write_text("skip\nskip\nmore\n", encoding="utf-8")
    with path.open(encoding="utf-8") as answers:
        proc = _cli(answers)
    assert proc.returncode == 0, proc.stderr
    assert f"{NOT_READ}, from 'more' on." in proc.stdout


def test_a_pipe_still_open_but_idle_is_not_waited_for():
    """Check a pipe whose writer has sent two answers and then waits: the interview ends at once, saying nothing of input not yet written."""
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w") as writer, os.fdopen(read_end) as reader:
        writer.write("skip\nskip\n")
        writer.flush()
        proc = _cli(reader)  # the writer stays open until the command has ended: a read that waited would time out
    assert proc.returncode == 0, proc.stderr
    assert "Stopping: 2 questions asked" in proc.stdout and NOT_READ not in proc.stdout


def test_a_stream_of_two_interviews_keeps_the_second_ones_answers(model, capsys):
    """Check the look-ahead puts a seekable stream back: the second interview on the same stream reads its own answer."""
    answers = io.StringIO("skip\nskip\nskip\n")
    Interview(model, {"age": 60}, max_questions=2).run(answers)
    first = capsys.readouterr().out
    assert f"{NOT_READ}, from 'skip' on." in first
    Interview(model, {"age": 60}, max_questions=1).run(answers)
    second = capsys.readouterr().out
    assert "Stopping: 1 question asked (--max-questions 1)." in second and "end of input" not in second


def test_a_stream_that_only_reads_lines_is_not_read_past_the_stop(model, capsys):
    """Check an answering object with readline only (no seek, no fileno) is not asked for a line after the stop."""

    class Lines:
        def __init__(self) -> None:
            self.calls = 0

        def readline(self) -> str:
            self.calls += 1
            return "skip\n"

        def isatty(self) -> bool:
            return False

    stream = Lines()
    Interview(model, {"age": 60}, max_questions=2).run(stream)  # type: ignore[arg-type]
    assert stream.calls == 2 and NOT_READ not in capsys.readouterr().out
