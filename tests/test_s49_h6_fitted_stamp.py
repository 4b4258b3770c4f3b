"""A fitted model's report and record say its numbers come from the fit, not the network file (session 49, h6).

The report's stamp named the network file and its version only, and ``to_dict`` the network's name and
version only: a diagnosis of ``model.fit(data)`` read as one of the shipped network, with other numbers.
"""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest

import crampnet

CASE = {"urge_to_move": True, "ferritin": 32}
DATE = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def fitted(model: crampnet.Model) -> crampnet.Model:
    return model.fit(model.simulate(120, seed=4), prior_strength=10)  # type: ignore[return-value]


def _stamp(report: str) -> list[str]:
    return [line for line in report.split("\n\n")[2].splitlines() if line.startswith("- **")]


def test_the_stamp_of_a_fitted_models_report_names_the_fit(model, fitted):
    """Check the stamp says the tables were updated from 120 cases (method complete, prior_strength 10), in markdown and HTML."""
    dx = fitted.diagnose(CASE)
    assert not dx.posteriors.equals(model.diagnose(CASE).posteriors)  # other numbers than the file's
    (line,) = [line for line in _stamp(dx.report(now=DATE)) if line.startswith("- **Fitted:**")]
    assert "updated from 120 cases (method complete, prior_strength 10)" in line and "not the network file's" in line
    page = html.unescape(dx.report(format="html", now=DATE))
    assert "<dt>Fitted</dt><dd>the network's tables updated from 120 cases (method complete, prior_strength 10)" in page


def test_the_stamp_of_the_network_files_model_names_no_fit(model):
    """Check the stamp of the unfitted model has its five lines, no "Fitted"."""
    names = [line.split(":**")[0].removeprefix("- **") for line in _stamp(model.diagnose(CASE).report(now=DATE))]
    assert names == ["Date", "crampnet", "Network", "Population", "Evidence (2 entries)"]


def test_the_record_of_a_fitted_model_names_the_fit(model, fitted):
    """Check ``to_dict`` gives the fit (cases, method, prior strength) through JSON, and None for the network file's model."""
    record = json.loads(json.dumps(fitted.diagnose(CASE).to_dict()))
    assert record["fitted"] == {"cases": 120, "method": "complete", "prior_strength": 10.0}
    assert record["network"] == {"name": model.spec.name, "version": model.spec.version, "digest": model.spec.digest}  # the file's, digest included: "fitted" tells them apart
    assert model.diagnose(CASE).to_dict()["fitted"] is None


def test_from_dict_says_the_record_was_made_with_a_fitted_model(model, fitted):
    """Check reading a fitted model's record with the file's model warns that the record was made with a fitted model (120 cases)."""
    record = fitted.diagnose(CASE).to_dict()
    with pytest.warns(UserWarning, match=r"the record was made with a fitted model \(120 cases\)"):
        crampnet.Diagnosis.from_dict(model, record)
