"""``crampnet score`` draws its progress bar only on a terminal (session 52).

On a stderr that is a file or a pipe (a log, ``nohup``, a notebook's ``!crampnet score``), the bar's
frames were written into it, and an error in the file's header followed them on the same line.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest


def _cohort(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("urge_to_move,worse_evening\nyes,yes\nno,yes\n", encoding="utf-8")
    return path


def test_no_bar_on_a_pipe(tmp_path):
    """Check that stderr piped gets no bar frames, only the line saying where the output went."""
    out = tmp_path / "o.csv"
    proc = subprocess.run([sys.executable, "-m", "crampnet", "score", str(_cohort(tmp_path)), "-o", str(out)], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "case/s" not in proc.stderr and "crampnet score:" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("crampnet: wrote the posteriors to")


def test_a_header_error_on_a_pipe_stands_alone(tmp_path):
    """Check that an error in the header is the whole of stderr on a pipe: no bar before it."""
    bad = tmp_path / "bad.csv"
    bad.write_text("urge_to_mov\nyes\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "crampnet", "score", str(bad)], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("crampnet: error: "), proc.stderr


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="no pseudo-terminal here")
def test_the_bar_is_drawn_on_a_terminal(tmp_path):
    """Check that a terminal still gets the bar (the option --no-progress turns it off)."""
    out = tmp_path / "o.csv"
    seen = {}
    for flag in ([], ["--no-progress"]):
        leader, follower = pty.openpty()
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # a terminal 80 wide (a new one is 0 x 0)
        try:
            proc = subprocess.run([sys.executable, "-m", "crampnet", "score", str(_cohort(tmp_path)), "-o", str(out), *flag], stdout=subprocess.DEVNULL, stderr=follower, timeout=300, check=False)
            os.close(follower)
            chunks = []
            while True:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # the terminal's other end is closed: all is read
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(leader)
        assert proc.returncode == 0
        seen[bool(flag)] = b"".join(chunks).decode("utf-8", "replace")
    assert "crampnet score" in seen[False] and "2/2" in seen[False], seen[False]
    assert "crampnet score:" not in seen[True], seen[True]
