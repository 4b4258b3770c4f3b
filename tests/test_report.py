"""The report: red flags first, reasons, next questions, notes with sources, sources of the numbers."""

from __future__ import annotations

import html
import re

import pytest

from crampnet.model import Model
from crampnet.network.spec import parse_network
from crampnet.reasoning.diagnosis import diagnose
from crampnet.reasoning.notes import NOTES, SEED_FILES
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
        "Red flags", "Evidence", "Differential", "Findings for and against the leading conditions",
        "What to ask or test next", "Management notes and pitfalls", "Sources of the numbers",
    ]  # fmt: skip
    flags = text.split("## Red flags")[1].split("## Evidence")[0]
    assert "URGENT" in flags and "vascular evaluation" in flags and "seed 002" in flags


def test_report_names_the_sources_of_its_numbers(report_model):
    """Check the report cites the parameters' sources and the seed documents."""
    text = diagnose(report_model, {"rest_pain": True, "muscle_cramps": True, "smoker": True}).report()
    sources = text.split("## Sources of the numbers")[1]
    assert "vasc_2020: Vascular <i>Journal</i> 2020;1:1-2 & more" in sources
    assert "seed_x: A seed | with a pipe" in sources
    assert "judgment:" in sources
    for number, name in SEED_FILES.items():
        assert f"seed {number}: shared/seeds/{name}" in sources


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
    reasons = text.split("## Findings for and against the leading conditions")[1].split("## What to ask")[0]
    table = dx.explain("nocturnal_leg_cramps")
    for sentence, log_odds in zip(table["sentence"], table["log_odds"], strict=True):
        assert (sentence in reasons) == (abs(log_odds) > 0.01)
    assert "For: Muscle cramps (yes)" in reasons
    assert "ferritin 32 ng/mL (low)" in reasons


def test_no_evidence_report(report_model):
    """Check a report without evidence still renders every section."""
    text = diagnose(report_model, {}).report()
    assert "No evidence" in text
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
    assert page.startswith('<div class="crampnet-report">')
    short = dx._repr_html_()
    assert "<table>" in short and "<limb>" not in short


def test_unknown_format_is_an_error(report_model):
    """Check that an unknown format names the valid ones."""
    dx = diagnose(report_model, {})
    with pytest.raises(ValueError, match="'format' argument of report must be 'markdown' or 'html'"):
        dx.report(format="pdf")
    with pytest.raises(ValueError, match="'format'"):
        render(dx, "txt")


def test_shipped_network_report(model):
    """Check a classic RLS report on the shipped network: sources, ferritin advice, no red flag."""
    dx = diagnose(model, {"urge_to_move": True, "worse_evening": True, "relief_by_movement": True, "worse_at_rest": True, "ferritin": 32})
    text = dx.report()
    assert "None raised" in text
    assert "ferritin under 50 ng/mL warrants iron supplementation" in text
    sources = text.split("## Sources of the numbers")[1]
    cited = set(model.parameters().query("node == 'restless_legs_syndrome'")["citation"]) - {"judgment"}
    assert cited and all(c in sources for c in cited)
