"""Evidence below the float range in the Monte Carlo pass: answered, and a lost answer is a bug, not advice.

``posterior_intervals`` and ``sensitivity`` refused evidence that
``posteriors`` answers when the draws' float passes underflowed ("the
Monte Carlo pass underflows. Give those states 0 ... or likelihoods above
about 1e-250"). The draws below the float range now run the log-space
pass, so the refusal could no longer be reached; it became an internal
error. The expected posterior here is worked out by hand from the file's
numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import crampnet

#: Two rare conditions (1e-200, 3e-200) and a finding only they cause (links 1e-150, 2e-150): P(f = yes) is ~7e-350.
RARE_PAIR = """schema = "crampnet-network/1"
name = "rare_pair"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 1e-200, source = "s" } }
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 3e-200, source = "s" } }
[nodes.f]
role = "finding"
states = ["yes", "no"]
cpd = { model = "noisy_or", leak = { value = 0.0, source = "s" }, links = [{ parent = "c", state = "present", value = 1e-150, source = "s" }, { parent = "d", state = "present", value = 2e-150, source = "s" }] }
"""

#: P(c | f = yes) = 1e-350 / (1e-350 + 6e-350), the case with both present (~1e-400 times smaller) aside.
EXPECTED = 1.0 / 7.0


@pytest.fixture
def rare(tmp_path: Path) -> crampnet.Model:
    path = tmp_path / "rare_pair.toml"
    path.write_text(RARE_PAIR, encoding="utf-8")
    return crampnet.load(path)


def test_evidence_below_the_float_range_gets_intervals_and_sensitivity(rare):
    """Check that posterior_intervals and sensitivity answer f = yes (probability ~7e-350), with the file's values' posterior 1/7 for c."""
    from crampnet.trust.sensitivity import sensitivity
    from crampnet.trust.uncertainty import posterior_intervals

    table = posterior_intervals(rare, {"f": "yes"}, draws=20, seed=0)
    assert table.loc["c", "probability"] == pytest.approx(EXPECTED, rel=1e-9)
    assert np.isfinite(table.to_numpy()).all() and table.attrs["impossible_draws"] == 0
    sens = sensitivity(rare, "c", {"f": "yes"})
    assert sens["base"].iloc[0] == pytest.approx(EXPECTED, rel=1e-9)
    assert sens["swing"].notna().all()


def test_a_lost_answer_is_reported_as_a_bug_not_as_advice(rare, monkeypatch):
    """Check that if the Monte Carlo pass ever lost the file's values' answer (forced here), the error says it is crampnet's bug.

    The old refusal told the user to give likelihoods above 1e-250, advice
    that the log-space pass made wrong: such evidence is answered.
    """
    import crampnet.trust.sensitivity as sensitivity_module
    import crampnet.trust.uncertainty as uncertainty_module

    real_drawn, real_batch = uncertainty_module.drawn_posteriors, sensitivity_module.batch_posteriors
    monkeypatch.setattr(uncertainty_module, "drawn_posteriors", lambda *args, **kwargs: real_drawn(*args, **kwargs) * np.nan)
    monkeypatch.setattr(sensitivity_module, "batch_posteriors", lambda *args, **kwargs: real_batch(*args, **kwargs) * np.nan)
    with pytest.raises(AssertionError, match=r"posterior_intervals: .*this is a crampnet bug"):
        uncertainty_module.posterior_intervals(rare, {"f": "yes"}, draws=5, seed=0)
    with pytest.raises(AssertionError, match=r"sensitivity: .*this is a crampnet bug"):
        sensitivity_module.sensitivity(rare, "c", {"f": "yes"})
    with pytest.raises(crampnet.ImpossibleEvidenceError):  # an impossible case is still named as such first
        uncertainty_module.posterior_intervals(rare, {"f": "yes", "c": "absent", "d": "absent"}, draws=5, seed=0)
