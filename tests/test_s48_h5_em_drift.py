"""EM's tables can drive a row that the starting model finds likely below the float range: that is said, not "probability zero".

The network: a context ``x`` (1/2, 1/2) and ``K`` findings, each a noisy-OR
of ``x`` (leak 0.01, link 0.5). Row 0 hides ``x`` and has every finding
"yes"; ``N`` rows with ``x = yes`` and ``N`` with ``x = no`` have every
finding "no". Under the starting tables row 0 has probability
``1/2 (0.505^K + 0.01^K)``, about 10^-21. With a tiny prior, EM's first
update sets ``P(f = yes | x = yes)`` to about ``1 / (N + 1)``, and row 0
then has probability about ``1/2 (N + 1)^-K``, 10^-280.3: its tree sums
below the E-step's float floor in the second iteration.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import crampnet
from crampnet.exceptions import ImpossibleEvidenceError, InvalidValueError

K = 70
N = 10_000

NETWORK = """schema = "crampnet-network/1"
name = "drift"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
[nodes.x]
role = "context"
states = ["yes", "no"]
prior = { probabilities = { yes = 0.5, no = 0.5 }, source = "s" }
""" + "".join(
    f"""
[nodes.f{i}]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.01, source = "s" }}, links = [{{ parent = "x", state = "yes", value = 0.5, source = "s" }}] }}
"""
    for i in range(K)
)


@pytest.fixture(scope="module")
def drift(tmp_path_factory: pytest.TempPathFactory) -> tuple[crampnet.Model, pd.DataFrame]:
    path: Path = tmp_path_factory.mktemp("drift") / "drift.toml"
    path.write_text(NETWORK, encoding="utf-8")
    odd = {"x": None, **{f"f{i}": "yes" for i in range(K)}}
    rows = [odd] + [{"x": x, **{f"f{i}": "no" for i in range(K)}} for x in ("yes", "no") for _ in range(N)]
    return crampnet.load(path), pd.DataFrame(rows)


def test_a_row_em_drives_below_the_float_range_is_not_called_impossible(drift):
    """Check that a row likely under the starting model, which EM's tables make too unlikely to count in floats, gets the floor's error, not "probability zero"."""
    model, data = drift
    start = math.log10(0.5 * (0.505**K + 0.01**K))  # about -21.1
    with pytest.raises(InvalidValueError) as caught:
        model.fit(data, prior_strength=1e-9)
    assert not isinstance(caught.value, ImpossibleEvidenceError)
    message = str(caught.value)
    assert "row 0" in message
    assert "probability zero" not in message
    assert f"10^{start:.1f}" in message  # its probability under the starting tables
    # Under the tables of EM's first update: P(x = yes) = 1/2, P(f = yes | x = yes) = 1 / (N + 1) to 1e-9.
    now = math.log10(0.5) - K * math.log10(N + 1)
    assert f"10^{now:.1f}" in message


def test_the_same_data_with_a_stronger_prior_fits(drift):
    """Check that the refusal is the tables' drift, not the row: a prior worth 10 cases keeps row 0 countable."""
    model, data = drift
    fitted = model.fit(data, prior_strength=10.0)
    assert fitted.converged
    # Row 0 is at x = yes almost surely; N + 1 rows there, 1 with f0 = yes, plus the prior's 10 * 0.5 * 0.505 pseudo-cases.
    alpha_yes, alpha_x = 10 * 0.5 * 0.505, 10 * 0.5
    assert fitted.compiled.tables["f0"][0, 0] == pytest.approx((alpha_yes + 1) / (alpha_x + N + 1), rel=1e-6)
