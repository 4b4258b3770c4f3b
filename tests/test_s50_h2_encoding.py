"""An interview answer whose bytes the standard input's encoding cannot read (session 50, h2): refused and asked again, never a decode error ending the interview."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

TINY = str(Path(__file__).parent / "data" / "tiny.toml")
SRC = str(Path(__file__).resolve().parents[1] / "src")


def _evidence(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith("Evidence: "))


def _interview_process(answers: bytes, encoding: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC, "PYTHONIOENCODING": encoding}
    return subprocess.run([sys.executable, "-m", "crampnet", "interview", "--network", TINY, *args], input=answers, capture_output=True, env=env, timeout=600, check=False)


@pytest.mark.parametrize(("encoding", "answer"), [("ascii", "jä".encode()), ("ascii", "né".encode()), ("utf-8", b"n\xe9")])
def test_an_answer_not_in_the_inputs_encoding_is_refused_and_asked_again(encoding, answer):
    """Check an answer whose bytes the input's encoding cannot read (UTF-8 under PYTHONIOENCODING=ascii, Latin-1 under UTF-8): refused as an answer that does not fit, the question asked again and answered; it ended the interview with "'ascii' codec can't decode"."""
    proc = _interview_process(answer + b"\nno\nquit\n", encoding, "--max-questions", "3", "--confidence", "1", "drug=yes", "location=calf", "pulses=normal")
    out, err = proc.stdout.decode("ascii", "backslashreplace"), proc.stderr.decode("ascii", "backslashreplace")
    assert proc.returncode == 0, err
    assert "codec" not in err and "Traceback" not in err, err
    q1 = next(line for line in out.splitlines() if line.startswith("Q1. "))
    assert "yes/no" in q1, q1  # question 1 is one no answers
    assert "That answer does not fit" in out and "(? lists the answers)" in out
    assert out.count(q1.split(" > ")[0]) == 2  # asked again
    assert "Stopping: quit." in out and "=no" in _evidence(out)


class _Undecodable(io.StringIO):
    """A text stream (not a TextIOWrapper, so it cannot be told to replace) whose first line cannot be decoded."""

    def readline(self, size: int | None = -1, /) -> str:
        raise UnicodeDecodeError("ascii", b"j\xc3\xa4", 1, 2, "ordinal not in range(128)")


def test_a_stream_that_cannot_decode_an_answer_ends_the_interview_saying_why(capsys):
    """Check Interview.run on a stream whose readline raises UnicodeDecodeError: the interview stops with the reason and the final differential, not the decode error alone."""
    import crampnet
    from crampnet._interview import Interview

    code = Interview(crampnet.load(TINY), {"drug": "yes"}).run(_Undecodable())
    out = capsys.readouterr().out
    assert code == 0
    assert "could not be read" in out and "ordinal not in range(128)" in out
    assert "Stopping: end of input." in out and "\nFinal differential:\n" in out and "Evidence: drug=yes" in out


@pytest.mark.parametrize("binary", [io.BytesIO(b"yes\n"), io.BufferedReader(io.BytesIO(b"yes\n"))])
def test_a_binary_stream_of_answers_is_refused_before_any_question(binary, capsys):
    """Check Interview.run(open(path, "rb")) or a BytesIO: an EvidenceTypeError saying to open the answers as text, before any question; it asked Q1 and then failed on the bytes with "a bytes-like object is required, not 'str'"."""
    import crampnet
    from crampnet._interview import Interview

    with pytest.raises(crampnet.EvidenceTypeError, match=r"text.*encoding=") as caught:
        Interview(crampnet.load(TINY), {"drug": "yes"}).run(binary)
    assert type(binary).__name__ in str(caught.value)
    assert "Q1. " not in capsys.readouterr().out
