"""The report's sources of the numbers cover each flagged condition, whatever its rank (session 49, h6).

A red flag gives a probability ("Deep vein thrombosis: P = 2.61% (2.33% before the findings entered)"),
but "Sources of the numbers" listed only the parameters of the three leading conditions: for DVT flagged
at rank 17, no source in the report said where its 2.61% came from.
"""

from __future__ import annotations

DVT = "deep_vein_thrombosis"


def _section(report: str) -> str:
    start = report.index("## Sources of the numbers")
    return report[start : report.index("The notes restate", start)]


def test_a_flagged_condition_below_the_leading_ones_has_its_sources_listed(model):
    """Check every source key of DVT's own parameters (read from ``parameters()``) is listed when DVT is flagged at a low rank."""
    dx = model.diagnose({"urge_to_move": True, "ferritin": 32})
    assert [f.condition for f in dx.red_flags] == [DVT] and DVT not in dx.differential[:3]
    table = model.parameters()
    keys = {str(k) for k in table.loc[table["node"] == DVT, "source"].dropna()}
    assert keys - {"judgment"}  # DVT has cited parameters
    section = _section(dx.report())
    assert "of the leading conditions and of each flagged condition" in section
    for key in keys - {"judgment"}:
        line = next((line for line in section.splitlines() if line.startswith(f"- {key}:")), None)
        assert line is not None and "Deep vein thrombosis" in line, key


def test_an_unflagged_low_ranked_condition_is_not_listed(model):
    """Check a condition neither leading nor flagged (acute limb ischemia here, unflagged) adds nothing to the sources."""
    dx = model.diagnose({"urge_to_move": True, "ferritin": 32})
    assert "acute_limb_ischemia" not in dx.differential[:3] + [f.condition for f in dx.red_flags]
    table = model.parameters()
    own = {str(k) for k in table.loc[table["node"] == "acute_limb_ischemia", "source"].dropna()} - {"judgment"}
    others = {str(k) for k in table.loc[table["node"].isin([*dx.differential[:3], DVT]), "source"].dropna()}
    assert own - others  # sources of its own, so the check below can fail
    section = _section(dx.report())
    for key in own - others:
        assert not any(line.startswith(f"- {key}:") for line in section.splitlines()), key
