"""Jupyter display: the diagnosis as HTML (red flags first, bars, escaped), the network drawing."""

from __future__ import annotations

import html as html_module
import json
import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import pandas as pd
import pytest

import crampnet
from crampnet.display import case_nodes, diagnosis_html, draw, layout
from crampnet.reasoning.ranking import counterfactual_scores
from crampnet.reasoning.redflags import RedFlag

matplotlib.use("Agg")


def test_html_lists_red_flags_before_the_differential(model):
    """Check that red flags come first, with their urgency, message and source."""
    dx = model.diagnose(
        {"unilateral_calf_swelling": True, "rest_pain": True, "ulcer_or_gangrene": True}
    )
    html = diagnosis_html(dx)
    assert len(dx.red_flags) >= 2
    for flag in dx.red_flags:
        assert html.index(flag.condition) < html.index("<table")
    assert html.count('class="crampnet-red-flag ') == len(dx.red_flags)
    assert "No red flags" not in html


def test_html_bars_are_the_posteriors(model):
    """Check that each listed condition's bar width is its posterior, in the differential's order (must-not-miss ones by rank)."""
    dx = model.diagnose({"urge_to_move": True, "uncomfortable_sensations": True, "ferritin": 30, "presenting_complaint": "restlessness"})
    html = diagnosis_html(dx, top=4)
    widths = [float(w) for w in re.findall(r'class="crampnet-bar"><div style="width:([0-9.]+)%"></div>', html)]
    shown = dx.differential[:4] + sorted(
        (c for c in model.must_not_miss if c not in dx.differential[:4]), key=dx.differential.index
    )
    assert widths == pytest.approx([100 * float(dx.posteriors[c]) for c in shown], abs=0.05)
    codes = re.findall(r"<code[^>]*>([a-z_]+)</code>", html)
    assert codes == shown
    assert "No red flags raised by this evidence." in html  # with the complaint stated; without it DVT stays at its prior, above its testing threshold


#: A classic restless-legs history with cramps, shared by the display, report and diagnosis tests.
RLS_CASE = json.loads((Path(__file__).parent / "data" / "rls_case.json").read_text(encoding="utf-8"))


def _percent(text: str) -> float:
    return 0.0 if text.startswith("<") else float(text.rstrip("%")) / 100


def _table_rows(page: str) -> list[tuple[int, str, float, float | None]]:
    """(rank, condition id, shown probability, shown measure or None) per row of the differential."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body):
        code = re.search(r"<code[^>]*>([a-z_]+)</code>", row)
        assert code is not None
        numbers = re.findall(r'<td class="num">([^<]*)</td>', row)
        measure = float(numbers[2]) if len(numbers) == 3 else None
        rows.append(
            (int(numbers[0]), code.group(1), _percent(numbers[1].replace("&lt;", "<")), measure)
        )
    return rows


@pytest.mark.parametrize(
    "evidence", [RLS_CASE, {"unilateral_calf_swelling": True, "muscle_cramps": True}, {}]
)
def test_html_shows_the_measure_the_order_used(model, evidence):
    """Check the notebook table: the differential's order, its rank, the measure at 2 decimals (non-increasing,
    ties by probability), must-not-miss conditions at their own rank, and the legend under the table."""
    dx = model.diagnose(evidence)
    page = diagnosis_html(dx, top=6)
    rows = _table_rows(page)
    assert "<th>expected disablement</th>" in page and "ordered by expected disablement" in page
    assert [c for _, c, _, _ in rows[:6]] == dx.differential[:6]
    assert all(dx.differential[rank - 1] == cond for rank, cond, _, _ in rows)
    assert {c for _, c, _, _ in rows[6:]} == set(model.must_not_miss) - set(dx.differential[:6])
    raw = counterfactual_scores(model, evidence)
    for _, cond, p, value in rows:
        assert value == pytest.approx(round(float(raw.loc[cond, "disablement"]), 2), abs=1e-9)
        assert p == pytest.approx(float(dx.posteriors[cond]), abs=0.006)
    shown = [(value, p) for _, _, p, value in rows]
    # the measure never rises; ties go to the more probable
    assert shown == sorted(shown, reverse=True)
    tail = page.split("</table>")[1]
    for line in dx.legend:
        assert f">{html_module.escape(line)}</p>" in tail
    assert len(dx.legend) == 2


def test_html_ordered_by_probability_says_so(model):
    """Check ranking='posterior': no measure column, probabilities non-increasing, the legend says the order is by them."""
    dx = model.diagnose(RLS_CASE, ranking="posterior")
    page = diagnosis_html(dx, top=5)
    rows = _table_rows(page)
    assert [c for _, c, _, _ in rows[:5]] == dx.differential[:5]
    assert all(value is None for *_, value in rows)
    assert "disablement" not in page and "ordered by probability" in page
    shown = [p for _, _, p, _ in rows]
    assert shown == sorted(shown, reverse=True)
    (line,) = dx.legend
    assert line.startswith("Probability: ") and "the differential is ordered by this" in line
    assert html_module.escape(line) in page.split("</table>")[1]


def test_html_escapes_every_text(model):
    """Check that labels, flag messages and sources are escaped."""
    spec = SimpleNamespace(nodes={"c": SimpleNamespace(label="<b>C & co</b>", must_not_miss=True)}, parts_of=lambda condition: ())
    fake_model = SimpleNamespace(spec=spec, must_not_miss=["c"])
    flag = RedFlag(
        condition="c", urgency="urgent", message="<script>alert(1)</script>", source="A & B <i>"
    )
    dx = SimpleNamespace(
        model=fake_model,
        red_flags=[flag],
        differential=["c"],
        posteriors=pd.Series({"c": 0.5}),
        _probabilities=lambda: {"c": 0.5},  # what the display reads since the diagnosis owns its parts (h5, session 43)
        ranking="posterior",
        evidence={},
        must_not_miss=pd.DataFrame(
            {"probability": [0.5], "threshold": [0.1], "flagged": [True], "urgency": ["urgent"], "ruled_out": [False], "rule_out": ["<u>x</u> & y"], "source": ["<s>src</s>"]},
            index=pd.Index(["c"], name="condition"),
        ),
    )
    html = diagnosis_html(dx)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<u>x" not in html and "&lt;u&gt;x&lt;/u&gt; &amp; y" in html and "&lt;s&gt;src&lt;/s&gt;" in html
    assert "<b>C" not in html and "&lt;b&gt;C &amp; co&lt;/b&gt;" in html
    assert "A &amp; B &lt;i&gt;" in html


def test_layout_rows_by_role(model):
    """Check that every node is placed, on its role's row, spread within [0, 1]."""
    pos = layout(model)
    assert set(pos) == set(model.spec.nodes)
    rows = {"context": 2.0, "condition": 1.0, "finding": 0.0}
    for nid, (x, y) in pos.items():
        assert y == rows[model.spec.nodes[nid].role]
        assert 0.0 < x < 1.0
    for role in rows:
        xs = [pos[n][0] for n in model.spec.nodes if model.spec.nodes[n].role == role]
        assert len(set(xs)) == len(xs)


CASES = [
    {},
    {"urge_to_move": True, "worse_evening": True, "ferritin": "low"},
    {"age_group": "65_plus", "med_loop_diuretic": "yes", "muscle_cramps": True, "unilateral_calf_swelling": True},
    {"rest_pain": True, "pedal_pulses": "absent", "diabetes": "yes"},
]


def _expected_nodes(model, evidence) -> set[str]:
    """The rule, applied here from the network's parents: observed, their conditions, must-not-miss."""
    spec = model.spec
    keep = set(evidence) | {n for n in spec.nodes if spec.nodes[n].must_not_miss}
    for nid in evidence:
        if spec.nodes[nid].role == "finding":
            keep |= {p for p in spec.nodes[nid].parents if spec.nodes[p].role == "condition"}
        if spec.nodes[nid].role == "context":
            keep |= {c for c in spec.nodes if spec.nodes[c].role == "condition" and nid in spec.nodes[c].parents}
    return keep


def _gids(ax, prefix: str) -> dict[str, object]:
    return {p.get_gid()[len(prefix):]: p for p in ax.patches if (p.get_gid() or "").startswith(prefix)}


@pytest.mark.parametrize("evidence", CASES)
def test_draw_shows_the_case_subgraph(model, evidence):
    """Check the default drawing's nodes are the observed ones, the conditions they bear on and every must-not-miss one."""
    import matplotlib.pyplot as plt

    ax = draw(model, evidence)
    try:
        assert set(_gids(ax, "box:")) == _expected_nodes(model, evidence)
        assert set(case_nodes(model, evidence)) == _expected_nodes(model, evidence)
        assert f"{len(evidence)} observed" in ax.get_title()
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("evidence", CASES[1:])
def test_each_condition_bar_is_its_posterior(model, evidence):
    """Check every condition drawn has a bar whose length over its track is its posterior, and a readable label."""
    import matplotlib.pyplot as plt

    ax = draw(model, evidence)
    try:
        bars, tracks = _gids(ax, "bar:"), _gids(ax, "track:")
        conditions = {n for n in _expected_nodes(model, evidence) if model.spec.nodes[n].role == "condition"}
        assert set(bars) == set(tracks) == conditions
        posteriors = model.posteriors(evidence)
        for cond in conditions:
            assert bars[cond].get_width() / tracks[cond].get_width() == pytest.approx(float(posteriors[cond]), abs=1e-12)
            assert bars[cond].get_x() == tracks[cond].get_x()
        assert min(t.get_fontsize() for t in ax.texts) >= 9
        words = " ".join(t.get_text() for t in ax.texts)
        for nid in evidence:
            assert (model.spec.nodes[nid].label or nid)[:12] in words
    finally:
        plt.close(ax.figure)


def test_draw_whole_network_on_given_axes(model):
    """Check whole=True draws every node, with a bar per condition, on the axes given."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        assert draw(model, {"ferritin": 30}, ax=ax, whole=True) is ax
        assert set(_gids(ax, "box:")) == set(model.spec.nodes)
        assert set(_gids(ax, "bar:")) == set(model.conditions) | set(model.parts)  # a part is drawn with its probability
    finally:
        plt.close(fig)


def test_draw_checks_its_input(model):
    """Check that bad evidence or a non-bool option is the usual error, before anything is drawn."""
    with pytest.raises(crampnet.UnknownNodeError, match="Did you mean 'urge_to_move'"):
        draw(model, {"urge_to_mov": True})
    with pytest.raises(crampnet.InvalidStateError):
        draw(model, {"ferritin": "high-ish"})
    with pytest.raises(TypeError, match="'whole' argument of draw must be True or False"):
        draw(model, {}, whole="yes")


@pytest.mark.parametrize("ax", ["x", 3, [None]])
def test_draw_names_an_ax_that_is_no_axes(model, ax):
    """Check that draw refuses an 'ax' that is not a matplotlib Axes with a crampnet error naming the argument (it was an AttributeError: 'str' object has no attribute 'add_patch')."""
    with pytest.raises(crampnet.EvidenceTypeError, match="'ax' argument of draw must be a matplotlib Axes"):
        draw(model, {"urge_to_move": True}, ax=ax)


@pytest.mark.parametrize("top", [-1, -5, 2.5, True, "3"])
def test_html_top_that_is_no_count_is_an_error(model, top):
    """Check diagnosis_html(top=...) refuses what is not a count: -1 listed every condition but the last, True one condition, 2.5 raised a bare TypeError."""
    dx = model.diagnose({"urge_to_move": True})
    with pytest.raises(crampnet.InvalidValueError, match=r"'top' argument must be a non-negative int.*Got"):
        diagnosis_html(dx, top=top)


def test_html_top_none_lists_every_condition(model):
    """Check top=None lists the whole differential, each condition once, in its order."""
    dx = model.diagnose({"urge_to_move": True})
    codes = re.findall(r"<br><code>([a-z_]+)</code>", diagnosis_html(dx, top=None))
    assert codes == dx.differential


TINY_TEXT = (Path(__file__).parent / "data" / "tiny.toml").read_text(encoding="utf-8")


def test_draw_writes_labels_with_dollar_signs_as_given(tmp_path):
    """Check a label with dollar signs is drawn as written, not as mathtext.

    matplotlib reads text between two ``$`` as TeX math: "costing $5 and $10"
    was drawn "costing 5and10" in italics, and a label such as
    "$\\nosuch$" made the drawing fail when the figure was rendered.
    """
    text = TINY_TEXT.replace('[nodes.cramps]\nrole = "condition"\n', '[nodes.cramps]\nrole = "condition"\nlabel = "Cramps costing $5 and $10"\n')
    text = text.replace('[nodes.urge]\nrole = "finding"\n', '[nodes.urge]\nrole = "finding"\nlabel = "Urge $\\\\nosuch$"\n')
    path = tmp_path / "dollars.toml"
    path.write_text(text, encoding="utf-8")
    model = crampnet.load(path)
    assert model.spec.nodes["urge"].label == "Urge $\\nosuch$"
    ax = draw(model, {"urge": True}, whole=True)
    fig = ax.figure
    fig.canvas.draw()  # raised ValueError: Unknown symbol: \nosuch
    renderer = fig.canvas.get_renderer()
    texts = {t.get_text(): t for t in ax.texts}
    assert "Cramps costing $5 and $10" in texts and "Urge $\\nosuch$ = yes" in texts
    # drawn as plain text: as wide as the same characters with the dollars written as S
    plain = ax.text(0, 0, "Cramps costing S5 and S10", fontsize=9)
    width = texts["Cramps costing $5 and $10"].get_window_extent(renderer).width
    assert width == pytest.approx(plain.get_window_extent(renderer).width, rel=0.05)  # 149 against 177 pixels as mathtext
    matplotlib.pyplot.close(fig)


def test_a_condition_ruled_out_reads_zero_not_under_a_tenth_of_a_percent(tiny):
    """Check a condition at probability exactly 0 reads 0.0% in the report and the notebook table, as the repr reads 0.000.

    jerks has no leak and plm as its only cause (tests/data/tiny.toml), so
    jerks=no rules plm out; the displays read "<0.1%", which tells a reader
    the condition is still possible.
    """
    dx = tiny.diagnose({"jerks": "no"})
    assert float(dx.posteriors["plm"]) == 0.0
    report = dx.report()
    (row,) = [line for line in report.splitlines() if line.startswith("| ") and "| plm |" in line]
    assert "| 0.0% |" in row and "0.1%" not in row, row
    assert "### plm (P = 0.0%)" in report
    page = diagnosis_html(dx)
    cell = page[page.index(">plm</code>") :].split("</tr>")[0]
    assert ">0.0%<" in cell and "0.1%" not in cell, cell
    assert "0.1%" not in repr(dx) and "plm (probability = 0.000" in repr(dx)


def test_html_displays_are_not_typeset_as_math(tiny):
    """Check the notebook table and the HTML report ask MathJax to leave them alone.

    JupyterLab and the classic notebook typeset text/html outputs with
    MathJax, which reads text between two dollars as TeX: a label "Cramps
    costing $5 and $10" lost its dollars. MathJax 2 skips elements of class
    tex2jax_ignore, MathJax 3 those of class mathjax_ignore (the classes
    pandas sets for the same reason).
    """
    dx = tiny.diagnose({"urge": True})
    for page in (diagnosis_html(dx), dx._repr_html_(), dx.report("html")):
        root = re.match(r'<div class="([^"]*)"', page)
        assert root is not None, page[:80]
        assert {"tex2jax_ignore", "mathjax_ignore"} <= set(root.group(1).split()), root.group(0)


def test_draw_shows_an_entered_number_with_its_unit_and_band(model):
    """Check a number entered for a banded node is drawn as the report writes it: value, unit, band.

    draw labelled ``{"age": 70}`` "Age group = 65_plus", where the report's
    stamp reads "Age group: 70 years (65_plus)": the number entered was lost
    from the figure. An alias ("age") and a numpy number are drawn the same.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    ax = draw(model, {"age": np.int64(70), "ferritin": 32, "urge_to_move": True})
    try:
        words = [t.get_text() for t in ax.texts]
        assert "Age group = 70 years (65_plus)" in words, words
        assert "Serum ferritin = 32 ng/mL (low)" in words, words
        assert "Urge to move the legs = yes" in words, words
    finally:
        plt.close(ax.figure)


SOFT = {
    "pain_location": {"calf": 1, "foot": 0.5, "thigh": 0.25, "knee": 0.125, "buttock_or_hip": 0.1, "diffuse": 0.05},
    "presenting_complaint": {"cramps": 0.3, "restlessness": 0.2, "pain": 1, "numbness_or_tingling": 0.1, "weakness": 0.05, "swelling": 0.01},
    "deep_vein_thrombosis": {"present": 1, "absent": 0.25},
    "symptom_duration": 400,
}


def test_draw_soft_evidence_text_fits_its_box(model):
    """Check soft evidence on a node of six states is written in full inside its box, and a condition's text above its bar.

    The text was one line, "Where the s... = calf:1, foot:0.5, thigh:0.25,
    knee:0.125, buttock_or_hip:0.1, diffuse:0.05", 276 pixels past the
    box's right edge and off the figure; an observed must-not-miss
    condition's value was cut to "Deep vein thrombo... = ... (must not miss)".
    """
    import matplotlib.pyplot as plt

    ax = draw(model, SOFT)
    fig = ax.figure
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        boxes = {k: p.get_window_extent(renderer) for k, p in _gids(ax, "box:").items()}
        tracks = {k: p.get_window_extent(renderer) for k, p in _gids(ax, "track:").items()}
        texts = {t.get_gid()[len("label:"):]: t for t in ax.texts if (t.get_gid() or "").startswith("label:")}
        assert set(texts) == set(boxes)
        for nid, text in texts.items():
            extent, box = text.get_window_extent(renderer), boxes[nid]
            assert box.x0 < extent.x0 and extent.x1 < box.x1 and box.y0 < extent.y0 and extent.y1 < box.y1, (nid, text.get_text(), extent, box)
            if nid in tracks:  # a condition's text above its bar (y grows upwards on the canvas)
                assert extent.y0 > tracks[nid].y1, (nid, text.get_text())
        for nid in ("pain_location", "presenting_complaint", "deep_vein_thrombosis"):
            written = " ".join(texts[nid].get_text().split())
            assert written.startswith(model.spec.nodes[nid].label), written
            for state, weight in SOFT[nid].items():
                assert f"{state}:{weight:g}" in written, (state, written)
        assert "(must not miss)" in texts["deep_vein_thrombosis"].get_text()
        assert " ".join(texts["symptom_duration"].get_text().split()) == "How long the current problem has lasted = 400 days (over_3_months)"
    finally:
        plt.close(fig)


def test_draw_counts_the_states_it_has_no_room_for():
    """Check soft evidence too long for three lines keeps the first states and counts the others, and no line passes 44 characters."""
    from crampnet.display import _text

    node = SimpleNamespace(id="mood", label="Mood", role="finding", must_not_miss=False)
    value = ", ".join(f"state_number_{i}:0.{i}" for i in range(1, 13))  # 12 states of 18 characters
    lines = _text(node, value)
    assert lines[0] == "Mood" and len(lines) == 4 and all(len(line) <= 44 for line in lines), lines
    shown = re.findall(r"state_number_(\d+)", " ".join(lines))
    left = re.search(r"\u2026 \+(\d+) more$", lines[-1])
    assert left is not None, lines
    assert shown == [str(i) for i in range(1, len(shown) + 1)] and len(shown) + int(left.group(1)) == 12


def test_draw_shows_every_red_flag(model):
    """Check every red flag of the case is written in its condition's box, edged in its urgency's colour, and counted in the title.

    The drawing showed no red flag: low back pain with new bladder or
    bowel dysfunction (cauda equina, an emergency on lumbar radiculopathy,
    which is not a must-not-miss condition) drew that condition as a plain
    34% bar among the others.
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from crampnet.reasoning.html import URGENCY

    evidence = {"back_pain": True, "bladder_bowel_dysfunction": True, "age": 70}
    flags = model.diagnose(evidence).red_flags
    assert "emergency" in {f.urgency for f in flags}  # the case raises one
    ax = draw(model, evidence)
    try:
        texts = {t.get_gid()[len("label:"):]: t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("label:")}
        assert f"{len(flags)} red flags" in ax.get_title()
        outlines = [p for p in ax.patches if p.get_gid() is None and p.get_facecolor()[3] == 0]  # a box's outline: no gid, no fill
        for flag in flags:
            assert f"RED FLAG: {flag.urgency.upper()}" in texts[flag.condition], texts.get(flag.condition)
            box = _gids(ax, "box:")[flag.condition]
            (outline,) = [p for p in outlines if p.get_x() == box.get_x() and p.get_y() == box.get_y()]
            assert outline.get_edgecolor() == to_rgba(URGENCY[flag.urgency][0])
        unflagged = set(texts) - {f.condition for f in flags}
        assert not any("RED FLAG" in texts[n] for n in unflagged)
    finally:
        plt.close(ax.figure)


def test_every_html_display_asks_mathjax_to_leave_it_alone(tmp_path):
    """Check the explorer's panes, the explanation table and a node's description carry the classes MathJax skips.

    The notebook table and the report had them (test_html_displays_are_not_typeset_as_math);
    the explorer's title, status line and next-questions table (ipywidgets'
    HTML panes are typeset too), ``dx.explain``'s table and
    ``model.describe(node)`` had not, so a label "Urge $5 and $10" lost its
    dollars there.
    """
    pytest.importorskip("ipywidgets")
    from crampnet.explorer import explore

    text = TINY_TEXT.replace('[nodes.urge]\nrole = "finding"\n', '[nodes.urge]\nrole = "finding"\nlabel = "Urge $5 and $10"\n')
    path = tmp_path / "dollars.toml"
    path.write_text(text, encoding="utf-8")
    model = crampnet.load(path)
    explorer = explore(model, {"ferritin": "low"}, questions=3)
    title = explorer.widget.children[0].value
    pages = {"title": title, "status": explorer.status.value, "questions": explorer.next_questions.value, "describe": model.describe("urge")._repr_html_()}
    pages["explain"] = model.diagnose({"urge": True}).explain("rls")._repr_html_()
    assert "Urge $5 and $10" in pages["questions"] and "Urge $5 and $10" in pages["describe"] and "Urge $5 and $10" in pages["explain"]
    for name, page in pages.items():
        classes = re.findall(r"""class=["']([^"']*)["']""", page)
        outer = next(c for c in classes if "crampnet" in c)  # the element that holds the display
        assert {"tex2jax_ignore", "mathjax_ignore"} <= set(outer.split()), (name, outer)


def test_draw_says_soft_evidence_numbers_are_likelihoods(model):
    """Check the drawing writes soft evidence as likelihoods, not as bare "state:number" pairs that read as probabilities."""
    import matplotlib.pyplot as plt

    ax = draw(model, {"urge_to_move": {"yes": 4, "no": 1}})
    try:
        (text,) = [t.get_text() for t in ax.texts if t.get_gid() == "label:urge_to_move"]
        assert text == "Urge to move the legs\n= likelihoods yes:1, no:0.25", text
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("top", [8, 3, 0, None])
def test_html_caption_says_how_much_of_the_differential_is_listed(model, top):
    """Check the differential's caption says when conditions are left out: how many are listed first, of how many, and that the must-not-miss ones follow.

    The caption read "Differential, ordered by expected disablement; 1
    evidence entry" above ranks 1 to 8 and then 17 to 20: nothing said that
    13 of the 21 conditions were not shown (the command line says the
    must-not-miss ones are listed at their own rank, the report lists the rest).
    """
    dx = model.diagnose({"urge_to_move": True})
    page = diagnosis_html(dx, top=top)
    caption = re.search(r"<caption>(Differential[^<]*)</caption>", page).group(1)
    ranks = [int(r) for r in re.findall(r'<tr><td class="num">(\d+)</td>', page)]
    total = len(dx.differential)
    first = total if top is None else top
    assert ranks[:first] == list(range(1, first + 1))
    if len(ranks) == total:
        assert " of " not in caption, caption
    elif first == 0:
        assert f"only the must-not-miss conditions, of {total}" in caption, caption
    else:
        assert f"the first {first} of {total}, then every must-not-miss condition below them" in caption, caption


def test_draw_title_agrees_in_number_with_one_node(tiny):
    """Check a case whose drawing holds one node says "the 1 node that bears", not "the 1 nodes that bear".

    In tests/data/tiny.toml cramps is a condition with context parents only
    and no must-not-miss condition exists, so observing cramps draws cramps
    alone; two nodes (jerks and plm, its condition parent) stay plural.
    """
    one = draw(tiny, {"cramps": "present"})
    assert set(_gids(one, "box:")) == {"cramps"}
    assert "the 1 node that bears on this case (of 10)" in one.get_title()
    two = draw(tiny, {"jerks": "yes"})
    assert "the 2 nodes that bear on this case (of 10)" in two.get_title()
    matplotlib.pyplot.close("all")
