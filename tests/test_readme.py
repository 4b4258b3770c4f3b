"""The README's examples run, and its two set-up commands are the ones CI uses."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import crampnet

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


def test_readme_pre_test_probabilities_are_the_networks(model: crampnet.Model) -> None:
    """Check the pre-test probabilities quoted in "How to read the numbers" against the network.

    Session 30 moved DVT's share among presenters from 3.2% to 2.3% and the
    README kept the old figure until session 39: the sentence is read here and
    compared with the posterior of an empty case, to the README's one decimal.
    """
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"for example DVT about ([\d.]+)%, acute limb ischemia\s+about ([\d.]+)%", readme)
    assert found is not None, "the sentence giving DVT's and acute limb ischemia's pre-test probabilities moved"
    prior = model.diagnose({}).posteriors
    assert float(found.group(1)) == round(100 * float(prior["deep_vein_thrombosis"]), 1)
    assert float(found.group(2)) == round(100 * float(prior["acute_limb_ischemia"]), 1)
