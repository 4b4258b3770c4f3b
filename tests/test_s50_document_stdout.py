"""A report or an export written to a file through stdout is UTF-8, as with -o, whatever the output's encoding.

Before session 50, under PYTHONIOENCODING=ascii, `crampnet report urge_to_move=yes > rep.txt` wrote '\\u2014' (six
times), '\\u03bc', '\\u2264' and '\\xf6' as text into the file, and the HTML report, which declares charset="utf-8",
showed them so (h4's report); `-o rep.txt` wrote the characters.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parent.parent / "src")


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "crampnet", *argv], capture_output=True, env=env, cwd=cwd, timeout=300)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_a_report_piped_under_an_ascii_locale_is_the_utf8_that_o_writes(tmp_path, fmt):
    """Check that the bytes on a non-terminal stdout are those -o writes: UTF-8 with no backslash escapes."""
    piped = _run(["report", "urge_to_move=yes", "--format", fmt], tmp_path)
    assert piped.returncode == 0, piped.stderr.decode("utf-8", "replace")
    suffix = ".html" if fmt == "html" else ".md"
    written = _run(["report", "urge_to_move=yes", "--format", fmt, "-o", f"r{suffix}"], tmp_path)
    assert written.returncode == 0, written.stderr.decode("utf-8", "replace")
    text = piped.stdout.decode("utf-8")  # strict: fails on anything but UTF-8
    assert "\\u2014" not in text and "\\xf6" not in text
    assert "Björck" in text
    assert piped.stdout == (tmp_path / f"r{suffix}").read_bytes()


def test_an_export_piped_under_an_ascii_locale_is_utf8(tmp_path):
    """Check that an export to stdout carries no backslash escape of a character its file would hold."""
    piped = _run(["export", "--format", "bif"], tmp_path)
    assert piped.returncode == 0, piped.stderr.decode("utf-8", "replace")
    written = _run(["export", "-o", "net.bif"], tmp_path)
    assert written.returncode == 0, written.stderr.decode("utf-8", "replace")
    assert piped.stdout == (tmp_path / "net.bif").read_bytes()
