"""Every probability shown reads as what it is: never zero above 0, never 100% short of certainty, beside its threshold on the right side of it."""

from __future__ import annotations

import html
import re

import pytest

from crampnet._cli_output import must_not_miss_lines
from crampnet.reasoning._differential import percent
from crampnet.reasoning._thresholds import compared_percent

#: Probabilities at the edges of the displays' bands.
EDGES = [1e-12, 1e-9, 4.9e-5, 5e-5, 9.99e-4, 0.001, 0.0999, 0.09996, 0.099995, 0.1, 0.9949, 0.995, 0.9991, 0.99951, 0.99999, 1 - 1e-12]


def _number(text: str) -> float:
    """The percent a display shows, as a probability ('<x%' and '>x%' read as x)."""
    return float(text.lstrip("<>").rstrip("%")) / 100


@pytest.mark.parametrize("shown", [percent, compared_percent])
@pytest.mark.parametrize("p", EDGES)
def test_a_shown_probability_is_neither_zero_nor_certain_unless_it_is(shown, p):
    """Check percent and compared_percent at the band edges: above 0 never "0", below 1 never "100", and the decimals follow the number shown."""
    text = shown(p)
    if text[0].isdigit():
        value = _number(text)
        assert value > 0 and value < 1, f"{p!r} reads {text}"
        decimals = len(text.rstrip("%").partition(".")[2])
        small = 1 if shown is percent else 2  # the decimals under 10%: one more than above it
        assert decimals == (small if value < 0.1 else small - 1), f"{p!r} reads {text}"
    else:
        assert (text[0] == "<" and p < _number(text)) or (text[0] == ">" and p > _number(text)), f"{p!r} reads {text}"
    assert shown(1.0) in ("100%", "100.0%")


#: Pregnant, one-sided leg pain with a normal D-dimer: the RCOG rule flags DVT, whose probability is about 0.002%.
PREGNANT = {"age": 30, "sex": "female", "pregnancy": "first_trimester", "bilateral": False, "presenting_complaint": "pain", "calf_tenderness": False, "d_dimer": "normal"}


def test_a_flagged_must_not_miss_condition_never_reads_zero(model):
    """Check the report, the notebook table and the CLI: DVT flagged by a finding rule at P ~ 2e-5 is not shown as "0.00%" beside its flag."""
    dx = model.diagnose(PREGNANT)
    p = float(dx.posteriors["deep_vein_thrombosis"])
    assert 0 < p < 5e-5 and dx.must_not_miss.loc["deep_vein_thrombosis", "flagged"]
    label = dx.model.spec.nodes["deep_vein_thrombosis"].label
    row = next(line for line in dx.report().splitlines() if line.startswith(f"| {label} |"))
    cells = [html.unescape(c.strip()).replace("\\<", "<") for c in row.split("|")[1:-1]]
    page = dx._repr_html_().split('class="crampnet-must-not-miss"')[1]
    notebook = html.unescape(re.search(rf"<td>{label}</td><td class=\"num\">([^<]*)</td>", page).group(1))
    cli = next(line for line in must_not_miss_lines(dx) if line.lstrip().startswith("deep_vein_thrombosis"))
    shown = [cells[1], notebook, cli.split("P =")[1].split()[0]]
    assert all(not s[0].isdigit() or _number(s) > 0 for s in shown), shown
    assert "FLAGGED" in cells[3] and "FLAGGED" in cli


def test_a_probability_short_of_certainty_never_reads_100(model):
    """Check the report and the notebook table: RLS at 99.9% is not shown as 100%."""
    case = {"urge_to_move": True, "uncomfortable_sensations": True, "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True,
            "ferritin": 12, "family_history_rls": True, "improves_with_dopaminergic": True, "unperceived_leg_jerks": True, "presenting_complaint": "restlessness"}  # fmt: skip
    dx = model.diagnose(case)
    assert 0.995 < float(dx.posteriors["restless_legs_syndrome"]) < 1
    label = dx.model.spec.nodes["restless_legs_syndrome"].label
    text = dx.report()
    assert f"| {label} | 100% |" not in text and f"### {label} (P = 100%)" not in text
    assert not re.search(r"<code>restless_legs_syndrome</code>.*?<td class=\"num\">100%</td>", dx._repr_html_())


def _must_not_miss_shown(dx) -> dict[str, list[tuple[float, float, str]]]:
    """Per display, (shown probability, shown threshold, condition) of each must-not-miss row."""
    nodes = dx.model.spec.nodes
    out: dict[str, list[tuple[float, float, str]]] = {"markdown": [], "report html": [], "notebook": [], "cli": []}
    section = dx.report().split("## Must-not-miss conditions")[1].split("\n## ")[0]
    report_html = dx.report(format="html").split("<h2>Must-not-miss conditions</h2>")[1].split("<h2>")[0]
    notebook = dx._repr_html_().split('class="crampnet-must-not-miss"')[1]
    cli = must_not_miss_lines(dx)
    for cond in dx.model.must_not_miss:
        label = nodes[cond].label
        row = next(line for line in section.splitlines() if line.startswith(f"| {label} |"))
        cells = [c.strip().replace("\\<", "<") for c in row.split("|")[2:4]]
        out["markdown"].append((_number(cells[0]), _number(cells[1]), cond))
        for name, page in (("report html", report_html), ("notebook", notebook)):
            found = re.search(rf"<td>{re.escape(label)}</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>", page)
            out[name].append((_number(html.unescape(found.group(1))), _number(html.unescape(found.group(2))), cond))
        line = next(line for line in cli if line.lstrip().startswith(cond + " "))
        out["cli"].append((_number(line.split("P =")[1].split()[0]), _number(line.split("threshold")[1].split()[0]), cond))
    return out


@pytest.mark.parametrize("case", [{"age": 70}, {"age": 70, "unilateral_calf_swelling": True, "calf_tenderness": True}])
@pytest.mark.parametrize("offset", [1e-6, 2e-5])
def test_a_probability_under_its_threshold_reads_under_it(model, case, offset):
    """Check every must-not-miss display: a probability a hair under the threshold (given just above DVT's) reads lower than the threshold, not equal to it.

    Shown at display precision, 5.0200% under 5.0201% read "5.02%" twice
    beside "not flagged", and 37.3% under 37.3% the same; the words say a
    probability at the threshold is flagged.
    """
    p = float(model.posteriors(case)["deep_vein_thrombosis"])
    dx = model.diagnose(case, threshold=p + offset)
    for display, rows in _must_not_miss_shown(dx).items():
        for shown, limit, cond in rows:
            truly_under = float(dx.must_not_miss.loc[cond, "probability"]) < float(dx.must_not_miss.loc[cond, "threshold"])
            assert (shown < limit) == truly_under, f"{display}: {cond} shows {shown} beside {limit}"


def test_compared_percents_keep_the_order():
    """Check compared_percents on pairs that round alike: under the threshold reads under it, at or above reads at or above it."""
    from crampnet.reasoning._thresholds import compared_percents

    pairs = [(0.1046, 0.1047526673132881), (0.013476, 0.013477684489615557), (0.0134777, 0.013477684489615557), (0.4507, 0.4507186858316225),
             (1e-9, 1e-6), (0.99999, 1.0), (0.5, 0.5), (0.0, 0.0069)]  # fmt: skip
    for p, limit in pairs:
        shown, threshold = compared_percents(p, limit)
        if p < limit:
            assert not shown[0].isdigit() or _number(shown) < _number(threshold), (p, limit, shown, threshold)
        else:
            assert _number(shown) >= _number(threshold), (p, limit, shown, threshold)


#: Restless legs beyond doubt: P(RLS) = 0.9998.
CERTAIN_RLS = {"urge_to_move": True, "uncomfortable_sensations": True, "worse_at_rest": True, "relief_by_movement": True, "worse_evening": True, "ferritin": 12,
               "family_history_rls": True, "improves_with_dopaminergic": True, "unperceived_leg_jerks": True, "presenting_complaint": "restlessness",
               "insomnia": True, "daytime_fatigue": True, "nocturnal": True}  # fmt: skip


def _decimal(text: str) -> float:
    return float(text.lstrip("<>"))


def test_decimal_probabilities_are_neither_zero_nor_one_unless_they_are(model):
    """Check the repr (3 decimals), the CLI differential (4) and the interview's stop (3): RLS at 0.9998 did read 1.000, a flagged DVT at 2e-5 0.0000."""
    import io
    from contextlib import redirect_stdout

    from crampnet._cli_output import differential_lines
    from crampnet._interview import Interview

    dx = model.diagnose(CERTAIN_RLS)
    assert 0.9995 < float(dx.posteriors["restless_legs_syndrome"]) < 1
    line = next(line for line in repr(dx).splitlines() if "restless_legs_syndrome" in line)
    assert _decimal(line.split("probability = ")[1].split(";")[0]) < 1, line
    row = next(line for line in differential_lines(dx, 3) if " restless_legs_syndrome " in line)
    assert _decimal(row.split()[2]) < 1, row
    flagged = model.diagnose(PREGNANT)
    row = next(line for line in differential_lines(flagged, 3) if " deep_vein_thrombosis " in line)
    assert _decimal(row.split()[2]) > 0, row
    out = io.StringIO()
    with redirect_stdout(out):
        Interview(model, CERTAIN_RLS, confidence=0.9995).run(io.StringIO(""))
    stop = next(line for line in out.getvalue().splitlines() if line.startswith("Stopping:"))
    assert _decimal(stop.split("P = ")[1].split()[0]) < 1, stop


#: A young adult's long-standing bilateral night cramps: critical limb ischemia and motor neuron disease at about 1e-7 and 1e-8.
TINY_CASE = {"age": 25, "sex": "female", "presenting_complaint": "cramps", "bilateral": "yes", "fasciculations": "no", "muscle_atrophy": "no",
             "weakness": "no", "hyperreflexia": "no", "pedal_pulses": "normal", "cold_pale_limb": "no", "nocturnal": "yes", "relief_by_stretching": "yes"}


def test_the_json_writes_a_small_probability_as_itself(model, capsys):
    """Check that ``diagnose --json`` writes probabilities to six significant digits: six decimals wrote 7.7e-08 as 0.0."""
    import json

    from crampnet.cli import main

    assert main(["diagnose", "--json", *(f"{k}={v}" for k, v in TINY_CASE.items())]) == 0
    out = json.loads(capsys.readouterr().out)
    dx = model.diagnose(TINY_CASE)
    for entry in out["must_not_miss"]:
        p = float(dx.must_not_miss.loc[entry["condition"], "probability"])
        assert entry["probability"] == pytest.approx(p, rel=1e-5, abs=0.0)
        assert (entry["probability"] > 0) == (p > 0)
    assert 0 < out["posteriors"]["motor_neuron_disease"] < 1e-6
