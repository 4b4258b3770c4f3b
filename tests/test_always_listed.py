"""Must-not-miss conditions are listed in every display, however unlikely (the README's promise)."""

from __future__ import annotations

import pytest

from crampnet._cli_output import FULL_CITATIONS, flag_lines, must_not_miss_lines
from crampnet.cli import main
from crampnet.reasoning._thresholds import THRESHOLDS
from crampnet.reasoning.html import diagnosis_html
from crampnet.reasoning.mustnotmiss import must_not_miss_rows, rule_out_cite
from crampnet.reasoning.redflags import RedFlag

RLS = {"urge_to_move": True, "uncomfortable_sensations": True, "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True, "ferritin": 32, "presenting_complaint": "restlessness"}


@pytest.fixture(scope="module")
def dx(model):
    return model.diagnose(RLS)


def test_the_table(dx, model):
    """Check the table lists each must-not-miss condition with probability, threshold, flag, rule-out and source."""
    table = dx.must_not_miss
    assert list(table.index) == list(model.must_not_miss)
    assert list(table.columns) == ["probability", "threshold", "flagged", "urgency", "ruled_out", "rule_out", "source"]
    for cond, row in table.iterrows():
        assert row["probability"] == pytest.approx(float(dx.posteriors[cond]))
        assert bool(row["flagged"]) == any(f.condition == cond for f in dx.red_flags)
        assert row["rule_out"] and row["source"]
    assert "D-dimer" in table.loc["deep_vein_thrombosis", "rule_out"] and "Geersing" in table.loc["deep_vein_thrombosis", "source"]


def test_unlikely_ones_are_really_unlikely_here(dx, model):
    """Check the case makes the point: some must-not-miss condition is far below 1% and unflagged."""
    assert any(float(dx.posteriors[c]) < 0.01 and not dx.must_not_miss.loc[c, "flagged"] for c in model.must_not_miss)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_report_lists_every_must_not_miss_condition(dx, model, fmt):
    """Check the report's must-not-miss section names each condition, its rule-out sentence and its flag state."""
    text = dx.report(format=fmt)
    heading = "## Must-not-miss conditions" if fmt == "markdown" else "<h2>Must-not-miss conditions</h2>"
    section = text.split(heading)[1].split("## Evidence" if fmt == "markdown" else "<h2>Evidence</h2>")[0]
    for cond in model.must_not_miss:
        assert (model.spec.nodes[cond].label or cond) in section
        rule_out = dx.must_not_miss.loc[cond, "rule_out"]
        assert rule_out.split(" (")[0].replace("'", "&#x27;" if fmt == "html" else "'").split("<")[0] in section
    assert "not flagged" in section


def test_notebook_table_lists_every_must_not_miss_condition(dx, model):
    """Check the notebook HTML has the must-not-miss table with every condition."""
    html = diagnosis_html(dx)
    table = html.split('class="crampnet-must-not-miss"')[1].split("</table>")[0]
    for cond in model.must_not_miss:
        assert (model.spec.nodes[cond].label or cond) in table


def test_cli_lists_every_must_not_miss_condition(dx, model, capsys):
    """Check the CLI diagnose output lists each must-not-miss condition with its rule-out, before the differential."""
    lines = flag_lines(dx)
    for cond in model.must_not_miss:
        assert any(line.strip().startswith(cond) for line in lines)
    assert main(["diagnose", *(f"{k}={str(v).lower()}" for k, v in RLS.items()), "--top", "1"]) == 0
    out = capsys.readouterr().out
    block = out.split("Must-not-miss conditions")[1].split("rank  condition")[0]
    for cond in model.must_not_miss:
        assert cond in block
    assert block.count("rules out:") == len(model.must_not_miss)


def test_cli_cites_rule_outs_short_and_says_where_they_are_in_full(dx, model):
    """Check each printed rule-out ends with its short citation, no full reference, and the block ends by pointing to the full ones."""
    lines = must_not_miss_lines(dx)
    rule_lines = [line for line in lines if "rules out:" in line]
    assert len(rule_lines) == len(model.must_not_miss)
    for cond, line in zip(model.must_not_miss, rule_lines, strict=True):
        cite = THRESHOLDS[cond].rule_out_cite
        assert line.endswith(f"[{cite}]")
        assert THRESHOLDS[cond].rule_out_source not in line and "doi:" not in line
    assert lines[-1] == FULL_CITATIONS and "--json" in lines[-1] and "Diagnosis.must_not_miss" in lines[-1]


@pytest.mark.parametrize("cond", sorted(THRESHOLDS))
def test_each_short_citation_names_what_the_full_one_names(cond):
    """Check every part of a short rule-out citation (a name and a year, or a body and a document) appears in the full source."""
    entry = THRESHOLDS[cond]
    for part in entry.rule_out_cite.split("; "):
        for word in part.replace(",", "").split()[:2]:
            assert word in entry.rule_out_source, (cond, word)


def test_rule_out_cite_passes_other_sources_up_to_their_threshold_part():
    """Check a source that is not a shipped threshold's is printed as given, without its threshold part."""
    assert rule_out_cite("deep_vein_thrombosis", "network file x.toml (must_not_miss); threshold: judgment") == "network file x.toml (must_not_miss)"
    assert rule_out_cite("any", "a source") == "a source"


def test_a_rule_flag_under_the_threshold_says_it_is_a_rules(model, capsys):
    """Check a must-not-miss row flagged by a finding rule below its threshold says so in the CLI, the report and the notebook table.

    A tender calf at 27 is Wells 1 (NICE NG158: a D-dimer) while P(DVT) stays under its testing threshold; "FLAGGED" alone
    beside a probability under the threshold would look like a contradiction.
    """
    case = {"age": 27, "sex": "female", "calf_tenderness": "yes", "edema": "no"}
    dx = model.diagnose(case)
    row = dx.must_not_miss.loc["deep_vein_thrombosis"]
    assert row["flagged"] and row["probability"] < row["threshold"]
    (line,) = [x for x in must_not_miss_lines(dx) if x.lstrip().startswith("deep_vein_thrombosis")]
    assert line.endswith("FLAGGED (test, finding rule)")
    report = dx.report()
    assert "| FLAGGED (test, finding rule) |" in report.split("## Must-not-miss conditions")[1]
    assert "<strong>flagged (test, finding rule)</strong>" in diagnosis_html(dx)
    calm = model.diagnose({"age": 27, "sex": "female", "urge_to_move": "yes"})
    assert not any(", finding rule)" in x for x in must_not_miss_lines(calm))


@pytest.mark.parametrize(
    "case",
    [
        {"calf_tenderness": "yes", "malignancy": "yes"},  # Wells 2: urgent
        {"cold_pale_limb": "yes", "pedal_pulses": "absent", "atrial_fibrillation": "yes"},  # ESVS: emergency
        {"age": 27, "sex": "female", "calf_tenderness": "yes", "edema": "no"},  # Wells 1 under the threshold: test
        RLS,  # nothing flagged
    ],
)
def test_urgency_column_is_the_flags_urgency(model, case):
    """Check ``urgency`` is the urgency of the red flag naming the condition, None where none does, in every display."""
    dx = model.diagnose(case)
    named = {f.condition: f.urgency for f in dx.red_flags}
    for cond, row in dx.must_not_miss.iterrows():
        assert row["urgency"] == named.get(str(cond))
        assert bool(row["flagged"]) == (row["urgency"] is not None)
        (line,) = [x for x in must_not_miss_lines(dx) if x.lstrip().startswith(str(cond))]
        assert line.endswith("not flagged") if row["urgency"] is None else f"FLAGGED ({row['urgency']}" in line


def test_urgency_is_the_most_urgent_of_several_flags(model):
    """Check a condition named by two flags shows the more urgent one, whatever their order in the list."""
    test = RedFlag("deep_vein_thrombosis", "test", "threshold", "s")
    urgent = RedFlag("deep_vein_thrombosis", "urgent", "Wells 2", "s")
    posteriors = dict.fromkeys(model.conditions, 0.5)
    for flags in ([test, urgent], [urgent, test]):
        rows = {row[0]: row for row in must_not_miss_rows(model, posteriors, flags)}
        assert rows["deep_vein_thrombosis"][3:5] == (True, "urgent")
        assert all(row[3:5] == (False, None) for cond, row in rows.items() if cond != "deep_vein_thrombosis")
