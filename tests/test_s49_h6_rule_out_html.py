"""The notebook's must-not-miss table says what a rule-out met counted, as the report and the command line do (session 49, h6)."""

from __future__ import annotations

import html

from crampnet.reasoning.html import diagnosis_html

DVT = "deep_vein_thrombosis"
#: Wells 1 (calf tenderness), every Wells item the network asks answered, a normal D-dimer: NICE NG158's rule-out.
RULED_OUT = {
    "age": 70, "presenting_complaint": "pain", "symptom_duration": 3, "malignancy": False, "recent_immobilisation": False,
    "calf_tenderness": True, "unilateral_calf_swelling": False, "edema": False, "prior_vte": False, "d_dimer": "normal",
}  # fmt: skip


def _dvt_row(page: str) -> str:
    table = page[page.index('<table class="crampnet-must-not-miss">') :]
    start = table.index("<td>Deep vein thrombosis</td>")
    return table[start : table.index("</tr>", start)]


def test_the_notebook_table_says_what_the_rule_out_counted(model):
    """Check the DVT row of the notebook table names the Wells items counted, the three it cannot ask, and NG158.

    The report and ``crampnet diagnose`` said "Met here: Wells score 1 (localized tenderness along the deep
    veins; ...). Not asked: paralysis, paresis or recent plaster immobilisation; ...: check them, as each
    present adds 1"; the notebook display (``_repr_html_``, the explorer) said only "not flagged (rule-out
    met)" beside the generic rule-out, so a student could trust a rule-out that an unasked item would undo.
    """
    dx = model.diagnose(RULED_OUT)
    assert bool(dx.must_not_miss.loc[DVT, "ruled_out"]) and not [f for f in dx.red_flags if f.condition == DVT]
    row = html.unescape(_dvt_row(dx._repr_html_()))
    assert "not flagged (rule-out met)" in row
    assert "Met here: Wells score 1 (localized tenderness along the deep veins; every item the network asks answered)" in row
    assert "Not asked: paralysis, paresis or recent plaster immobilisation" in row
    assert "rule-out met: NICE NG158 (2020)" in row  # the rule-out's own source, as the report cites it


def test_the_notebook_table_and_the_report_show_the_same_rule_out_and_source(model):
    """Check the notebook table's rule-out and source cells hold the words of the report's must-not-miss row."""
    dx = model.diagnose(RULED_OUT)
    row = html.unescape(_dvt_row(diagnosis_html(dx, top=1)))
    cells = row.split("<td>")[-1].removesuffix("</td>")
    rule_out, source = cells.removesuffix("</small>").split("<br><small>")
    report_row = next(line for line in dx.report(format="html").split("<tr>") if line.startswith("<td>Deep vein thrombosis</td>"))
    assert f"<td>{html.escape(rule_out)}</td><td>{html.escape(source)}</td></tr>" in report_row


def test_a_row_without_a_rule_out_met_is_as_before(model):
    """Check a case that meets no rule-out keeps the row's own rule-out and source, with nothing added."""
    dx = model.diagnose({"urge_to_move": True})
    row = html.unescape(_dvt_row(dx._repr_html_()))
    assert "Met here" not in row and "rule-out met" not in row
    assert html.unescape(f"<td>{html.escape(dx.must_not_miss.loc[DVT, 'rule_out'])}<br><small>{html.escape(dx.must_not_miss.loc[DVT, 'source'])}</small></td>") in row


def test_the_record_says_what_the_rule_out_counted(model):
    """Check ``to_dict`` (and its JSON) gives the DVT row what the rule-out counted and its source, as the report's row shows them.

    The record had ``ruled_out: true`` and the generic rule-out only: the Wells items the network cannot ask, and NG158, were
    in the report and the notebook table but not in the record a notebook or a service keeps.
    """
    import json

    dx = model.diagnose(RULED_OUT)
    entry = next(e for e in json.loads(json.dumps(dx.to_dict()))["must_not_miss"] if e["condition"] == DVT)
    assert entry["ruled_out"] is True
    met = entry["rule_out_met"]
    assert met["found"].startswith("Wells score 1 (localized tenderness along the deep veins; every item the network asks answered)")
    assert "Not asked: paralysis, paresis or recent plaster immobilisation" in met["found"]
    assert met["source"].startswith("NICE NG158 (2020)")
    report = dx.report()
    assert f"{entry['rule_out']} Met here: {met['found']}".replace("<", "\\<") in report
    others = [e for e in dx.to_dict()["must_not_miss"] if e["condition"] != DVT]
    assert others and all(e["rule_out_met"] is None for e in others)
