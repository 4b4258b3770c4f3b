"""The report's "Sources of the numbers" lists the parameters of every observed finding that a leading condition links to.

A finding whose distribution is a table (the TSH row by thyroid disease and its
overt part) and every finding of a fitted model (a fitted table's rows name
all its parents, joined by commas) were left out: the section matched a row's
parent column against one condition id. The expected findings here are read
from the network's declared parents, not from the report code.
"""

from __future__ import annotations

import pytest

import crampnet


def _sources_section(report: str) -> str:
    start = report.index("Sources of the numbers")
    return report[start : report.index("The notes restate", start)]


def _linked_observed(model: crampnet.Model, dx: crampnet.Diagnosis) -> list[str]:
    """The observed findings with a parent among the report's leading conditions (or a part of one)."""
    nodes = model.spec.nodes
    leading = set(dx.differential[:3])
    return [nid for nid in dx.evidence if nodes[nid].role == "finding" and any((nodes[p].part_of or p) in leading for p in nodes[nid].parents)]


def test_a_table_finding_of_a_leading_condition_is_listed(model: crampnet.Model) -> None:
    """Check that a TSH entered with thyroid disease leading names the TSH row and the overt part among the sources."""
    dx = model.diagnose({"tsh": "high", "muscle_cramps": "yes", "proximal_weakness": "yes"})
    assert "thyroid_disease" in dx.differential[:3]
    section = _sources_section(dx.report())
    assert "tsh" in _linked_observed(model, dx)
    for nid in [*_linked_observed(model, dx), "overt_thyroid_dysfunction"]:
        assert model.spec.nodes[nid].label in section, nid


@pytest.fixture(scope="module")
def fitted(model: crampnet.Model) -> crampnet.Model:
    return model.fit(model.simulate(300, seed=2), prior_strength=10)  # type: ignore[return-value]


def test_a_fitted_models_findings_are_listed(fitted: crampnet.Model) -> None:
    """Check that a fitted model's report lists the fitted findings its leading conditions link to, as the unfitted one does."""
    dx = crampnet.diagnose(fitted, {"age": 66, "muscle_cramps": "yes", "exertional_pain_relieved_by_rest": "yes"})
    linked = _linked_observed(fitted, dx)
    assert "exertional_pain_relieved_by_rest" in linked
    section = _sources_section(dx.report())
    for nid in linked:
        assert fitted.spec.nodes[nid].label in section, nid


def test_describe_says_a_fitted_node_is_a_table(model: crampnet.Model, fitted: crampnet.Model) -> None:
    """Check that describe gives a fitted node's distribution as the fitted table it is, and the unfitted one as in the file."""
    nid = "exertional_pain_relieved_by_rest"
    assert model.spec.nodes[nid].cpd.model == "noisy_or"  # type: ignore[union-attr]
    assert model.describe(nid).model == "noisy_or"
    fitted_text = str(fitted.describe(nid))
    assert "Distribution: table (fitted; the network file's noisy_or)" in " ".join(fitted_text.split())
    assert fitted.describe("age_group").model == "prior (fitted)"


def test_a_fitted_models_xdsl_export_says_its_tables_are_fitted(model: crampnet.Model, fitted: crampnet.Model) -> None:
    """Check that the XDSL comment of a fitted model's export names the fit instead of calling the numbers the network file's."""
    from crampnet.interop.export import export

    fitted_comment = export(fitted, "xdsl").splitlines()[1]
    assert "tables fitted to 300 cases (method complete, prior_strength 10)" in fitted_comment
    assert "The sources of the numbers are in the network file" not in fitted_comment
    assert "The sources of the numbers are in the network file" in export(model, "xdsl").splitlines()[1]
