"""Sensitivity run in many chunks gives what one chunk gives.

``sensitivity`` fills one buffer of parameter sets per chunk and moves the
touched slots back to the point after each; a slot left moved would shift
every later row of the next chunk. Here the same fitted model's sensitivity
is run with a chunk of 7 rows and with all rows in one chunk.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crampnet
from crampnet.trust import sensitivity as module
from crampnet.trust._parameters import parameter_space
from crampnet.trust.simulate import simulate

COLUMNS = ["sex", "age_group", "pregnancy", "restless_legs_syndrome", "urge_to_move"]


@pytest.fixture(scope="module")
def fitted() -> crampnet.Model:
    model = crampnet.load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EM may stop at max_iter: not what is tested
        return model.fit(simulate(model, 100, seed=2)[COLUMNS], prior_strength=10.0)


def test_small_chunks_give_the_one_chunk_answer(fitted, monkeypatch):
    """Check every row's low and high posteriors with 7-row chunks against one chunk."""
    evidence = {"urge_to_move": "yes", "worse_evening": "no"}
    n = len(parameter_space(fitted).slots)
    monkeypatch.setattr(module, "CHUNK_BYTES", 8 * n * 10**6)
    whole = module.sensitivity(fitted, "restless_legs_syndrome", evidence)
    monkeypatch.setattr(module, "CHUNK_BYTES", 8 * n * 7)
    chunked = module.sensitivity(fitted, "restless_legs_syndrome", evidence)
    assert len(whole) > 100
    assert sorted(chunked.index) == sorted(whole.index)
    chunked = chunked.loc[whole.index]  # ties in swing may sort either way by rounding
    for column in ("base", "low", "high", "swing"):
        np.testing.assert_allclose(chunked[column].to_numpy(), whole[column].to_numpy(), rtol=1e-12, atol=1e-15)
