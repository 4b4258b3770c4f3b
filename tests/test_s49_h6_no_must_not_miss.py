"""A network that marks no condition must-not-miss gets a sentence, not a table of headers alone (session 49, h6)."""

from __future__ import annotations

import html


def test_the_report_and_the_notebook_say_no_condition_is_marked(tiny):
    """Check tiny.toml (no must-not-miss condition) reports a sentence where the report and notebook showed empty tables.

    The CLI said "Must-not-miss conditions: none marked in this network."; the report printed the section's
    legend and a table of six headers with no row, and the notebook a table with an empty body.
    """
    assert tiny.must_not_miss == []
    dx = tiny.diagnose({"urge": "yes"})
    report = dx.report()
    section = report[report.index("## Must-not-miss conditions") : report.index("## Differential")]
    assert "| condition | probability | threshold |" not in section
    assert "None: this network marks no condition as must-not-miss." in section
    page = html.unescape(dx._repr_html_())
    assert '<table class="crampnet-must-not-miss">' not in page
    assert "None: this network marks no condition as must-not-miss." in page


def test_the_shipped_network_keeps_its_table(model):
    """Check a network with must-not-miss conditions keeps the table in both displays."""
    dx = model.diagnose({"urge_to_move": True})
    assert "| condition | probability | threshold | flag |" in dx.report()
    assert '<table class="crampnet-must-not-miss">' in dx._repr_html_()
