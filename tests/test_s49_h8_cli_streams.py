"""The command line on real standard streams: a terminal that is not UTF-8, a closed pipe (session 49, h8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(argv: list[str], **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m crampnet argv`` from the clone's ``src`` with ``env`` added; its exit code and raw output."""
    full = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    return subprocess.run([sys.executable, "-m", "crampnet", *argv], capture_output=True, env=full, timeout=300, check=False)


@pytest.mark.parametrize("argv", [["diagnose", "--example"], ["report"]])
def test_an_ascii_terminal_gets_the_output_with_escapes_not_an_encoding_error(argv: list[str]) -> None:
    # the example's differential and the report cite "Björck 2020": an ASCII stdout printed nothing but the codec's error
    done = _run(argv, PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr
    assert b"codec" not in done.stderr
    assert b"Bj\\xf6rck" in done.stdout
    assert done.stdout.isascii()
