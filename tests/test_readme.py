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


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def _known_limits() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return " ".join(readme.split("## Known limits", 1)[1].split("\n## ", 1)[0].split())


def _command(case: dict[str, str | int]) -> str:
    """The case as the README quotes it: the ``crampnet diagnose`` command that gives it, in backticks and brackets."""
    return "(`crampnet diagnose " + " ".join(f"{k}={v}" for k, v in case.items()) + "`)"


def test_known_limits_claudication_example_is_the_networks(model: crampnet.Model) -> None:
    """Check the claudicant of "One complaint, several findings": the ranks and probability the README gives.

    The sentences are built from the network's answer and must stand in the
    README as written: the example went stale once already (PAD "second"
    behind nocturnal cramps while exercise-associated cramps had come to lead).
    """
    case = {"age": 58, "sex": "male", "smoker": "yes", "muscle_cramps": "yes", "pain_location": "calf", "exertional_pain_relieved_by_rest": "yes"}
    dx = model.diagnose(case)
    rank = dx.differential.index("peripheral_arterial_disease")
    ahead = " and ".join(c.replace("_", " ").replace("leg cramps", "cramps").replace(" associated", "-associated") for c in dx.differential[:rank])
    p = float(dx.posteriors["peripheral_arterial_disease"])
    text = _known_limits()
    assert f"gets PAD {ORDINALS[rank]} (P {p:.2f}), behind {ahead}." in text
    quieter = model.diagnose({**case, "nocturnal": "no"}).differential.index("peripheral_arterial_disease")
    assert f"with `nocturnal=no` PAD comes {ORDINALS[quieter]}." in text
    assert _command(case) in text


def test_known_limits_immobilisation_example_is_the_networks(model: crampnet.Model) -> None:
    """Check the man of 55 with calf pain after immobilisation: nocturnal cramps first, DVT's rank, probability and flag."""
    case = {"age": 55, "sex": "male", "recent_immobilisation": "yes", "pain_location": "calf"}
    dx = model.diagnose(case)
    assert dx.differential[0] == "nocturnal_leg_cramps"
    first = float(dx.posteriors["nocturnal_leg_cramps"])
    without = float(model.diagnose({**case, "muscle_cramps": "no"}).posteriors["nocturnal_leg_cramps"])
    dvt = dx.differential.index("deep_vein_thrombosis")
    assert any(f.condition == "deep_vein_thrombosis" and f.urgency == "test" for f in dx.red_flags)
    text = _known_limits()
    sentence = f"gets nocturnal cramps first (P {first:.2f}; {without:.2f} with `muscle_cramps=no`), DVT {ORDINALS[dvt]} at {float(dx.posteriors['deep_vein_thrombosis']):.2f} and flagged for testing"
    assert sentence in text
    assert _command(case) in text
