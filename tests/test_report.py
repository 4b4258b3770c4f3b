"""The report: red flags first, reasons, next questions, notes with sources, sources of the numbers."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from crampnet.model import Model
from crampnet.network.spec import parse_network
from crampnet.reasoning.diagnosis import diagnose
from crampnet.reasoning.notes import NOTES
from crampnet.reasoning.ranking import counterfactual_scores
from crampnet.reasoning.report import render

NETWORK = """
schema = "crampnet-network/1"
name = "report"
version = "1"

[sources.vasc_2020]
kind = "literature"
citation = "Vascular <i>Journal</i> 2020;1:1-2 & more"

[sources.seed_x]
kind = "seed"
citation = "A seed | with a pipe"

[nodes.smoker]
role = "context"
states = ["yes", "no"]
prior = { probabilities = { yes = 0.3, no = 0.7 }, source = "vasc_2020" }

[nodes.critical_limb_ischemia]
role = "condition"
states = ["present", "absent"]
label = "Critical <limb> ischemia"
must_not_miss = true
[nodes.critical_limb_ischemia.cpd]
model = "noisy_or"
leak = { value = 0.01, source = "vasc_2020" }
links = [{ parent = "smoker", state = "yes", value = 0.05, source = "vasc_2020" }]

[nodes.nocturnal_leg_cramps]
role = "condition"
states = ["present", "absent"]
label = "Nocturnal | leg cramps"
[nodes.nocturnal_leg_cramps.cpd]
model = "noisy_or"
leak = { value = 0.4, source = "seed_x" }
links = [{ parent = "smoker", state = "yes", value = 0.01, source = "judgment", reason = "none known" }]

[nodes.rest_pain]
role = "finding"
states = ["yes", "no"]
label = "Rest pain"
[nodes.rest_pain.cpd]
model = "noisy_or"
leak = { value = 0.02, source = "judgment", reason = "test" }
links = [{ parent = "critical_limb_ischemia", state = "present", value = 0.9, source = "vasc_2020" }]

[nodes.muscle_cramps]
role = "finding"
states = ["yes", "no"]
label = "Muscle cramps"
[nodes.muscle_cramps.cpd]
model = "noisy_or"
leak = { value = 0.1, source = "judgment", reason = "test" }
links = [{ parent = "nocturnal_leg_cramps", state = "present", value = 0.95, source = "seed_x" }]

[nodes.ferritin]
role = "finding"
states = ["low", "normal"]
unit = "ng/mL"
valid = [0, 5000]
bands = [{ state = "low", below = 50 }, { state = "normal" }]
[nodes.ferritin.cpd]
model = "noisy_or"
positive = "low"
leak = { value = 0.1, source = "judgment", reason = "test" }
links = [{ parent = "nocturnal_leg_cramps", state = "present", value = 0.05, source = "seed_x" }]
"""


@pytest.fixture(scope="module")
def report_model() -> Model:
    return Model(parse_network(NETWORK, "report.toml"))


def _sections(text: str) -> list[str]:
    return re.findall(r"^## (.+)$", text, flags=re.MULTILINE)


def test_sections_in_order_red_flags_first(report_model):
    """Check the report's sections and that red flags come before the differential."""
    text = diagnose(report_model, {"rest_pain": True, "muscle_cramps": True}).report()
    assert _sections(text) == [
        "Red flags", "Must-not-miss conditions", "Differential", "Findings for and against the leading conditions",
        "What to ask or test next", "Management notes and pitfalls", "Sources of the numbers",
    ]  # fmt: skip
    flags = text.split("## Red flags")[1].split("## Must-not-miss conditions")[0]
    assert "URGENT" in flags and "vascular specialist" in flags and "Global Vascular Guidelines" in flags


def test_report_names_the_sources_of_its_numbers(report_model):
    """Check the report cites the parameters' sources and the seed documents."""
    text = diagnose(
        report_model, {"rest_pain": True, "muscle_cramps": True, "smoker": True}
    ).report()
    sources = text.split("## Sources of the numbers")[1]
    # markdown escapes the HTML a citation holds, so it shows as written
    assert "vasc_2020: Vascular \\<i\\>Journal\\</i\\> 2020;1:1-2 & more" in sources
    assert "seed_x: A seed | with a pipe" in sources.split("the red flags name")[1]
    assert "Judgment:" in sources and "shared/seeds" not in sources


def test_report_notes_and_pitfalls_from_the_seeds(report_model):
    """Check the management notes of the leading conditions appear with their sources."""
    text = diagnose(report_model, {"muscle_cramps": True}).report()
    notes = text.split("## Management notes and pitfalls")[1].split("## Sources")[0]
    assert "quinine" in notes and "FDA" in notes
    assert "Dopamine agonists do not help leg cramps" in notes
    assert "Do not confuse claudication with nocturnal cramps" in notes
    for note in NOTES["nocturnal_leg_cramps"]:
        assert note.source in notes


def test_reasons_for_and_against(report_model):
    """Check the explanation sentences of the leading conditions are in the report."""
    dx = diagnose(report_model, {"rest_pain": True, "muscle_cramps": True, "ferritin": 32})
    text = dx.report()
    reasons = text.split("## Findings for and against the leading conditions")[1].split(
        "## What to ask"
    )[0]
    table = dx.explain("nocturnal_leg_cramps")
    for sentence, log_odds in zip(table["sentence"], table["log_odds"], strict=True):
        assert (sentence in reasons) == (abs(log_odds) > 0.01)
    assert "For: Muscle cramps (yes)" in reasons
    assert "ferritin 32 ng/mL (low)" in reasons


def test_no_evidence_report(report_model):
    """Check a report without evidence still renders every section."""
    text = diagnose(report_model, {}, threshold=0.10).report()  # the toy priors are not the shipped ones
    assert "- **Evidence (0 entries):** none entered" in text
    assert "None raised" in text


def test_markdown_table_cells_are_escaped(report_model):
    """Check a label with a pipe does not break the markdown differential table."""
    text = diagnose(report_model, {"muscle_cramps": True}).report()
    row = next(line for line in text.splitlines() if "Nocturnal" in line and line.startswith("|"))
    assert "Nocturnal \\| leg cramps" in row
    assert row.count(" | ") == 3


def test_html_is_escaped(report_model):
    """Check every text in the HTML report is escaped."""
    dx = diagnose(report_model, {"rest_pain": True, "muscle_cramps": True, "smoker": True})
    page = dx.report(format="html")
    assert "<limb>" not in page and "<i>" not in page
    assert html.escape("Critical <limb> ischemia") in page
    assert html.escape("Vascular <i>Journal</i> 2020;1:1-2 & more") in page
    assert re.match(r'<div class="crampnet crampnet-report[^"]*"><style>', page)
    short = dx._repr_html_()
    assert "<table>" in short and "<limb>" not in short


def test_unknown_format_is_an_error(report_model):
    """Check that an unknown format names the valid ones."""
    dx = diagnose(report_model, {})
    with pytest.raises(
        ValueError, match="'format' argument of report must be 'markdown' or 'html'"
    ):
        dx.report(format="pdf")
    with pytest.raises(ValueError, match="'format'"):
        render(dx, "txt")


def test_shipped_network_report(model):
    """Check a classic RLS report on the shipped network: sources, ferritin advice, no red flag."""
    dx = diagnose(
        model,
        {
            "urge_to_move": True,
            "worse_evening": True,
            "relief_by_movement": True,
            "worse_at_rest": True,
            "ferritin": 32,
            "presenting_complaint": "restlessness",
        },
    )
    text = dx.report()
    assert "None raised" in text
    # Iron at ferritin <= 75 ng/mL or TSAT < 20% (AAN 2016, AASM 2024), not the seed's outdated "under 50"
    assert "ferritin of 75 ng/mL or less or a transferrin saturation under 20%" in text
    assert "under 50 ng/mL" not in text and "Neurology 2016;87(24):2585" in text
    # markdown backslash-escapes punctuation; read it back as a markdown viewer shows it
    sources = re.sub(r"\\(.)", r"\1", text.split("## Sources of the numbers")[1])
    cited = set(model.parameters().query("node == 'restless_legs_syndrome'")["citation"]) - {
        "judgment"
    }
    assert cited and all(c in sources for c in cited)
    page = dx.report(format="html").split("<h2>Sources of the numbers</h2>")[1]
    assert all(html.escape(c) in page for c in cited)


# ---------------------------------------------------------------------------
# The differential table shows the measure of the order, and a legend
# ---------------------------------------------------------------------------

#: A classic restless-legs history with cramps, shared by the display, report and diagnosis tests.
RLS_CASE = json.loads((Path(__file__).parent / "data" / "rls_case.json").read_text(encoding="utf-8"))


def _expected_label(dx, cond: str) -> str:
    node = dx.model.spec.nodes[cond]
    return (node.label or cond.replace("_", " ")) + (
        " (must not miss)" if node.must_not_miss else ""
    )


def _percent(text: str) -> float:
    return 0.0 if text.startswith("<") else float(text.rstrip("%")) / 100


def _markdown_rows(text: str) -> tuple[list[str], list[list[str]], str]:
    """Header, rows and the text after the table, from the report's Differential section."""
    section = text.split("## Differential\n")[1].split("\n## ")[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    split = [
        [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        for line in lines
    ]
    return split[0], split[2:], section.split(lines[-1])[1]


def _html_rows(page: str) -> tuple[list[str], list[list[str]], str]:
    section = page.split("<h2>Differential</h2>")[1].split("<h2>")[0]
    table = section.split("<table>")[1].split("</table>")[0]
    header = re.findall(r"<th>(.*?)</th>", table)
    rows = [
        [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1])
    ]
    return header, rows, section.split("</table>")[1]


@pytest.mark.parametrize("ranking", ["counterfactual", "sufficiency"])
@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize(
    "evidence", [RLS_CASE, {"unilateral_calf_swelling": True, "muscle_cramps": True}]
)
def test_differential_table_shows_the_measure_of_the_order(model, ranking, fmt, evidence):
    """Check the report's table: the differential's order, the measure at 2 decimals (non-increasing, ties by
    probability), the probability, and the legend lines after it."""
    dx = diagnose(model, evidence, ranking=ranking)
    column = "sufficiency" if ranking == "sufficiency" else "disablement"
    text = dx.report(format=fmt)
    header, rows, after = _markdown_rows(text) if fmt == "markdown" else _html_rows(text)
    assert header == ["#", "condition", "probability", f"expected {column}"]
    n = min(8, len(dx.differential))
    assert [r[0] for r in rows] == [str(i) for i in range(1, n + 1)]
    assert [r[1] for r in rows] == [_expected_label(dx, c) for c in dx.differential[:n]]
    raw = counterfactual_scores(model, evidence)
    posteriors = model.posteriors(evidence)
    shown = []
    for row, cond in zip(rows, dx.differential, strict=False):
        value, p = float(row[3]), _percent(row[2])
        assert value == pytest.approx(round(float(raw.loc[cond, column]), 2), abs=1e-9)
        assert p == pytest.approx(float(posteriors[cond]), abs=0.006)
        shown.append((value, p))
    assert shown == sorted(shown, reverse=True)
    assert len(dx.legend) == 2
    for line in dx.legend:
        assert (line if fmt == "markdown" else f"<p>{html.escape(line)}</p>") in after


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_ordered_by_probability_says_so(model, fmt):
    """Check ranking='posterior': rank, condition and probability only, non-increasing, and the legend says so."""
    dx = diagnose(model, RLS_CASE, ranking="posterior")
    text = dx.report(format=fmt)
    header, rows, after = _markdown_rows(text) if fmt == "markdown" else _html_rows(text)
    assert header == ["#", "condition", "probability"]
    assert [r[1] for r in rows] == [_expected_label(dx, c) for c in dx.differential[:8]]
    shown = [_percent(r[2]) for r in rows]
    assert shown == sorted(shown, reverse=True)
    (line,) = dx.legend
    assert "the differential is ordered by this" in line
    assert (line if fmt == "markdown" else html.escape(line)) in after


def test_question_table_shows_the_measure_it_is_ordered_by():
    """Check the report's next-questions table shows the decision measure, to the percent, never increasing down the rows.

    The table once showed only the information gain while the rows followed
    next_questions' default order (decision first), so its numbers could look
    unsorted. The shown percentages are checked against next_questions itself.
    """
    import crampnet

    model = crampnet.load()
    dx = model.diagnose({"age": 70, "smoker": "yes", "muscle_cramps": "yes", "nocturnal": "yes", "exercise_triggered": "yes"})
    section = dx.report().split("## What to ask or test next")[1].split("\n## ")[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    column = header.index("changes a decision")
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    best = dx.next_questions(5)
    shown = [int(row[column].rstrip("%")) / 100 for row in rows[: len(best)]]
    assert shown == pytest.approx(list(best["decision"]), abs=0.005 + 1e-12)
    assert shown == sorted(shown, reverse=True)
    assert [row[0] for row in rows[: len(best)]] == [html.escape(str(label)) for label in best["label"]] or [
        row[0] for row in rows[: len(best)]
    ] == [str(label) for label in best["label"]]


@pytest.mark.parametrize("ranking", ["counterfactual", "posterior"])
def test_report_rows_are_the_tables_rows(ranking: str) -> None:
    """Check the rows the report reads without pandas (explain_rows, ranked_rows, must-not-miss rows, measure values) against the tables a user gets."""
    import crampnet
    from crampnet.reasoning.explain import explain_rows
    from crampnet.reasoning.html import measure_value
    from crampnet.reasoning.questions import ranked_rows

    model = crampnet.load()
    dx = diagnose(model, {"exertional_pain_relieved_by_rest": True, "pain_location": "calf", "pedal_pulses": "diminished", "smoker": True, "age": 68}, ranking=ranking)
    for cond in dx.differential[:3]:
        table = dx.explain(cond)
        rows = explain_rows(model, dx.evidence, cond, dx._contributions)
        assert [r[0] for r in rows] == list(table.index)
        assert [r[1:] for r in rows] == [tuple(v) for v in table[["state", "log_odds", "likelihood_ratio", "sentence"]].itertuples(index=False)]
    for n, cost_aware in ((5, False), (3, True)):
        frame = dx.next_questions(n, cost_aware=cost_aware)
        ranked = ranked_rows(model, dx._answers, n, cost_aware=cost_aware)
        assert [q for q, _ in ranked] == list(frame.index)
        assert [r for _, r in ranked] == frame.to_dict(orient="records")
    mnm = dx.must_not_miss
    assert [(r[0], *r[1:]) for r in dx._must_not_miss_rows()] == [(c, *v) for c, v in zip(mnm.index, mnm.itertuples(index=False), strict=True)]
    assert [dx._measure_value(c) for c in dx.differential] == [measure_value(dx, c) for c in dx.differential]


def test_value_for_cost_table_says_what_it_holds(model):
    """Check the report's value-for-cost table: the first three of next_questions(3, cost_aware=True), as its sentence says.

    A new user's check (session 40): the sentence said "the same two measures
    per unit of cost" above a table of three rows that shows them undivided.
    """
    dx = diagnose(model, {"exertional_pain_relieved_by_rest": True, "pain_location": "calf", "smoker": True, "age": 68})
    part = dx.report().split("Best value for cost, the first three", 1)[1]
    assert "ordered by the same two measures divided by the cost; the columns give them undivided, beside the cost." in part
    table = [line for line in part.split("\n\n", 2)[1].splitlines() if line.startswith("|")][2:]
    cheap = dx.next_questions(3, cost_aware=True)
    assert [row.split("|")[1].strip() for row in table] == list(cheap["label"])
    assert [row.split("|")[5].strip() for row in table] == [f"{c:g}" for c in cheap["cost"]]


#: Every node of tests/data/tiny.toml but its conditions answered: nothing is left to ask.
ALL_ANSWERED = {"age": 70, "drug": "no", "urge": "yes", "ferritin": 30, "pulses": "normal", "location": "calf", "jerks": "yes"}


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_nothing_left_to_ask_is_said_not_shown_as_empty_tables(tiny, fmt):
    """Check that with every question answered the report says so instead of two tables with a header and no row."""
    dx = tiny.diagnose(ALL_ANSWERED)
    assert len(dx.next_questions()) == 0
    text = render(dx, fmt)
    section = text.split("What to ask or test next")[1].split("Management notes")[0]
    assert "nothing is left to ask" in section.lower(), section
    assert "information gain (bits)" not in section and "Best value for cost" not in section, section
    assert "<table" not in section and "|---" not in section, section


def test_explorer_questions_say_nothing_is_left_to_ask(tiny):
    """Check the explorer's questions panel says nothing is left to ask rather than drawing an empty table."""
    from crampnet.explorer import questions_html

    page = questions_html(tiny, tiny.diagnose(ALL_ANSWERED).next_questions())
    assert "nothing is left to ask" in page.lower() and "<tbody></tbody>" not in page, page


def test_report_stamp_shows_numbers_of_every_real_type(model):
    """Check the stamp writes an entered number with its unit and band whatever its numeric type.

    A number read from a DataFrame of integers is a numpy int64, and a
    database's numeric column a Decimal; the stamp wrote the band alone for
    them ("Age group: 65_plus"), as if no number had been entered, because
    it looked for Python's int and float only.
    """
    import decimal
    import fractions

    import numpy as np

    dx = model.diagnose({"age": np.int64(72), "ferritin": decimal.Decimal("32.5"), "ankle_brachial_index": fractions.Fraction(7, 10), "potassium": np.float32(3.25)})
    for fmt in ("markdown", "html"):
        text = dx.report(fmt)
        for shown in ("Age group: 72 years (65_plus)", "Serum ferritin: 32.5 ng/mL (low)", "Ankle-brachial index: 0.7 ratio (low)", "Serum potassium: 3.25 mmol/L (low)"):
            assert shown in text, (fmt, shown)


def test_report_stamp_says_soft_evidence_is_soft(model):
    """Check soft evidence is stamped as soft evidence, its numbers likelihoods, as the command line writes it.

    The stamp read "Urge to move the legs: yes:1, no:0.25", which reads as
    probabilities (a certain yes); the command line's echo says "soft
    evidence (yes: 1, no: 0.25)".
    """
    dx = model.diagnose({"urge_to_move": {"yes": 4, "no": 1}, "worse_evening": True})
    for fmt in ("markdown", "html"):
        text = dx.report(fmt)
        assert "Urge to move the legs: soft evidence (yes:1, no:0.25); Worse in the evening" in text.replace("\\_", "_"), fmt
