"""The README's examples run, and its two set-up commands are the ones CI uses."""

from __future__ import annotations

import doctest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_examples_run() -> None:
    """Check that every >>> example in README.md gives the output it shows."""
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_ci_runs_the_readme_test_command() -> None:
    """Check that .ci/run runs exactly the test command the README gives."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = 'python -m pip install ".[test]" && python -m pytest'
    assert command in readme
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_main_command_is_documented() -> None:
    """Check that the README's main command is the example diagnosis."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m pip install . && crampnet diagnose --example" in readme
