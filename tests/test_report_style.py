"""The report as a clinical document: stamped, red flags first, well-formed HTML sharing the notebook's stylesheet."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from importlib.metadata import version

import pytest

import crampnet
from crampnet.reasoning.report import render

CASE = {"unilateral_calf_swelling": True, "rest_pain": True, "ulcer_or_gangrene": True, "age": 72, "ferritin": 30}
DAY = dt.date(2024, 2, 29)
VOID = {"br", "meta", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}


class _Balance(HTMLParser):
    """Collects the tag stack; any mismatch is recorded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _parse(page: str) -> _Balance:
    parser = _Balance()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def dx(model):
    return model.diagnose(CASE)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_stamp_has_date_versions_population_and_every_entry(dx, model, fmt):
    """Check the stamp: the given date, crampnet's installed version, the network's name and version, the population, each entry."""
    text = render(dx, fmt, now=DAY)
    if fmt == "html":
        text = html.unescape(text)
    else:
        text = re.sub(r"\\(.)", r"\1", text)
    head = text.split("Red flags")[0]
    assert "2024-02-29" in head
    assert version("crampnet") in head and crampnet.__version__ in head
    assert model.spec.version == "0.2.0" and "version 0.2.0" in head and model.spec.name in head
    assert "presenting" in head and "adults presenting with a leg complaint" in head
    for label, shown in [
        ("Unilateral calf swelling", "yes"), ("Leg or foot ulcer or gangrene", "yes"),
        ("Age group", "72 years"), ("Serum ferritin", "30 ng/mL (low)"),
    ]:  # fmt: skip
        assert f"{label}: {shown}" in head
    assert "Evidence (5 entries)" in head


def test_default_date_is_today_utc_and_bad_now_is_an_error(dx):
    """Check the default stamp is today's UTC date and a non-date 'now' is a TypeError naming the argument."""
    before = dt.datetime.now(dt.UTC).date().isoformat()
    text = render(dx)
    after = dt.datetime.now(dt.UTC).date().isoformat()
    assert f"**Date:** {before} (UTC)" in text or f"**Date:** {after} (UTC)" in text
    late = dt.datetime(2024, 2, 29, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert "**Date:** 2024-03-01 (UTC)" in render(dx, now=late)
    with pytest.raises(TypeError, match=r"'now' argument of report must be a datetime\.date"):
        render(dx, now="2024-02-29")
    with pytest.raises(crampnet.EvidenceTypeError):
        render(dx, now=20240229)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_red_flags_come_first_with_their_urgency(dx, fmt):
    """Check red flags come before the must-not-miss table and the differential, each with its urgency and message."""
    text = render(dx, fmt, now=DAY)
    flags = text.index("Red flags")
    assert flags < text.index("Must-not-miss conditions") < text.index("Differential")
    assert dx.red_flags
    urgencies = {f.urgency for f in dx.red_flags}
    assert "test" in urgencies and "urgent" in urgencies
    for flag in dx.red_flags:
        if fmt == "markdown":
            assert f"**{flag.urgency.upper()}: " in text[flags : text.index("## Must-not-miss")]
        else:
            box = f'class="crampnet-red-flag crampnet-urgency-{flag.urgency}"'
            assert flags < text.index(box) < text.index("<h2>Differential</h2>")
    assert "first-line test" in text  # 'test' is defined: between the testing and test-treatment thresholds


def test_html_is_well_formed_and_shares_the_notebook_stylesheet(dx):
    """Check every tag of the HTML report closes in order, and the report and _repr_html_ carry the same stylesheet."""
    report, notebook = _parse(render(dx, "html", now=DAY)), _parse(dx._repr_html_())
    for parsed in (report, notebook):
        assert parsed.errors == [] and parsed.stack == []
    assert len(report.styles) == len(notebook.styles) == 1
    assert report.styles == notebook.styles
    css = report.styles[0]
    assert "sans-serif" in css and ".crampnet-urgency-test" in css and ".crampnet-urgency-emergency" in css


def test_no_pointer_to_code_and_full_citations(dx, model):
    """Check the report never sends a clinician to code, and cites each source by the network file's own text."""
    text = render(dx, now=DAY)
    assert "Diagnosis.differential" not in text and "model.parameters()" not in text
    assert "Further down the differential" in text
    sources = re.sub(r"\\(.)", r"\1", text.split("## Sources of the numbers")[1])
    keys = [line.split(":")[0][2:] for line in sources.splitlines() if line.startswith("- ") and not line.startswith("- Judgment")]
    assert keys
    for key in keys:
        assert model.spec.sources[key].citation in sources


HOSTILE = """
schema = "crampnet-network/1"
name = "hostile"
version = "1"

[sources.s1]
kind = "literature"
citation = "<i>Journal</i> & [link](http://e)"

[nodes.clot]
role = "condition"
states = ["present", "absent"]
label = "<b>Clot</b>"
must_not_miss = true
[nodes.clot.cpd]
model = "noisy_or"
leak = { value = 0.2, source = "s1" }
links = []

[nodes.swelling]
role = "finding"
states = ["yes", "no"]
label = "<script>x()</script> [a](http://e) *b*"
[nodes.swelling.cpd]
model = "noisy_or"
leak = { value = 0.05, source = "s1" }
links = [{ parent = "clot", state = "present", value = 0.9, source = "s1" }]
"""


def test_hostile_strings_are_escaped_everywhere():
    """Check hostile labels, citations, flag messages and sources stay text in markdown and HTML."""
    from crampnet.model import Model
    from crampnet.network.spec import parse_network
    from crampnet.reasoning.diagnosis import diagnose
    from crampnet.reasoning.redflags import RedFlag

    dx = diagnose(Model(parse_network(HOSTILE, "hostile.toml")), {"swelling": True}, threshold=0.1)
    dx.__dict__["_red_flags"] = (RedFlag("clot", "emergency", "<img src=x onerror=y> & [c](d)", "<b>src</b>"),)
    page = render(dx, "html", now=DAY)
    assert "<img" not in page and "<b>" not in page and "<script>" not in page and "<i>" not in page
    assert "&lt;img src=x onerror=y&gt;" in page and "&lt;script&gt;" in page
    assert _parse(page).errors == [] and _parse(page).stack == []
    text = render(dx, now=DAY)
    bare = re.sub(r"\\.", "", text)  # drop every backslash-escaped character: what is left is live markup
    for raw in ("<img", "<script>", "<b>", "<i>", "[a]", "[c]", "[link]"):
        assert raw not in bare
    assert "\\<script\\>" in text and "\\[c\\](d)" in text and "\\*b\\*" in text


#: Texts a network file or a caller could give, each to show as written.
MARKUP = ["a _b_ c", "(_e_) and __bold__", "~~struck~~ and ~one~", "snake_case_id stays", "1. first", "2) second", "12. at the start", "# title",
          "- item", "+ item", "> quote", "<b>x</b>", "[l](u)", "*s* `c` &amp; &#169;", "back\\slash \\_ \\*", "é_x_é", "a | b"]  # fmt: skip


def _renders_as_written(renderer: object, text: str) -> None:
    """Check ``text`` through ``md``, as a paragraph and as a table cell, renders as plain text that reads back as ``text``."""
    from crampnet.reasoning._render import markdown, md

    shown = renderer.render(md(text))  # type: ignore[attr-defined]
    assert shown.startswith("<p>") and shown.endswith("</p>\n") and "<" not in shown[3:-5], shown
    assert html.unescape(shown[3:-5]) == text
    table = renderer.render(markdown([("table", (["h"], [[text]]))]))  # type: ignore[attr-defined]
    cell = re.search(r"<td>(.*)</td>", table)
    assert cell is not None and "<" not in cell.group(1) and html.unescape(cell.group(1)) == text, table


@pytest.mark.parametrize("text", MARKUP)
def test_markdown_text_renders_as_written(text):
    """Check md() and a table cell through a CommonMark renderer with tables and strikethrough: the text shown is the text given, with no markup.

    ``_b_`` rendered as emphasis, ``~~struck~~`` as strikethrough, and a
    text starting "1. " showed a stray backslash ("\\1. first").
    """
    markdown_it = pytest.importorskip("markdown_it")

    renderer = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    _renders_as_written(renderer, text)


@pytest.mark.parametrize("population", ["primary_care_leg_symptoms", "older_adults_presenting"])
@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_stamp_names_the_population_once(population, fmt):
    """Check the stamp's population line gives the preset's id once, beside its label.

    It read "primary_care_leg_symptoms: adults consulting in primary care
    with leg symptoms (population 'primary_care_leg_symptoms')".
    """
    label = crampnet.populations().loc[population, "label"]
    dx = crampnet.load(population=population).diagnose({"urge_to_move": True})
    text = render(dx, fmt, now=DAY)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)) if fmt == "html" else re.sub(r"\\(.)", r"\1", text)
    line = re.search(r"Population:?\**\s+(.*?)\s*(?:\n|Evidence \()", text).group(1)  # HTML: <dt>Population</dt><dd>...</dd><dt>Evidence
    assert line.count(population) == 1, line
    assert line.lower().count(label.lower()) == 1, line


@pytest.mark.parametrize("text", ["Cramps costing $5 and $10", "$x$ and $$y$$", "a \\$ b $"])
def test_markdown_dollars_render_as_written_where_dollars_are_math(text):
    """Check md() and a table cell keep dollar signs as written through a renderer that reads $...$ as math.

    Jupyter, GitHub and MyST (markdown-it's dollarmath) read text between two
    dollars as TeX: a label "Cramps costing $5 and $10" showed "5 and" as
    math and lost both dollars.
    """
    markdown_it = pytest.importorskip("markdown_it")
    dollarmath = pytest.importorskip("mdit_py_plugins.dollarmath")

    renderer = markdown_it.MarkdownIt("commonmark").enable(["table"]).use(dollarmath.dollarmath_plugin)
    _renders_as_written(renderer, text)
