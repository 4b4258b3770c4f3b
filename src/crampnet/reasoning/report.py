"""A diagnosis as a document: markdown for reading, HTML for notebooks.

The report follows the seed documents (distinguishing features, diagnostic
approach, pitfalls, references) but for one patient. It is stamped with
the date, crampnet's and the network's versions, the population and the
evidence (:mod:`crampnet.reasoning._stamp`); then come the red flags, each
in its urgency's colour, then every must-not-miss condition however
unlikely (probability, testing threshold, flag, what would rule it out), the
ranked differential (rank, probability and the measure the order used, with
a legend of one line per number), the findings for and against the leading
conditions, what to ask or test next, management notes and pitfalls from
the seeds, and the full citations of the sources of the numbers behind the
leading and the flagged conditions.

The document is built once as a list of blocks and rendered to markdown or
HTML (:mod:`crampnet.reasoning._render`, with the notebook display's
stylesheet); every text is escaped for the format it goes into.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.diagnosis import diagnose
>>> dx = diagnose(crampnet.load(), {"urge_to_move": True, "ferritin": 32})
>>> text = dx.report()
>>> text.splitlines()[0]
'# crampnet: differential diagnosis for this patient'
>>> all(line in text for line in dx.legend)
True
>>> "## Sources of the numbers" in text and "<h2>" in dx.report(format="html")
True
>>> all(dx.model.spec.nodes[c].label in text.split("## Differential")[0] for c in dx.model.must_not_miss)
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from crampnet.exceptions import InvalidValueError, hint
from crampnet.network.evidence import show
from crampnet.network.parts import owner
from crampnet.reasoning._pregnancy import dvt_advice
from crampnet.reasoning._question_table import ranked_orders
from crampnet.reasoning._render import Block, html_fragment, markdown
from crampnet.reasoning._scoring import observe
from crampnet.reasoning._stamp import report_date, stamp
from crampnet.reasoning._thresholds import THRESHOLDS, compared_percents
from crampnet.reasoning.explain import MAX_SHAPLEY, explain_rows
from crampnet.reasoning.html import (
    FORMS_NOTE,
    MEASURES,
    NO_MUST_NOT_MISS,
    TITLES,
    URGENCY,
    form_tags,
    legend,
    part_probabilities,
    percent,
    population_phrase,
    rule_out_cells,
)
from crampnet.reasoning.mustnotmiss import flag_mark
from crampnet.reasoning.notes import NOTES, Note
from crampnet.reasoning.ranking import DECIMALS

if TYPE_CHECKING:
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["FORMATS", "LEADING", "blocks", "render", "report_date"]

#: The formats :func:`render` writes.
FORMATS = ("markdown", "html")
#: How many leading conditions get reasons, notes and sources.
LEADING = 3
_SHOWN = 8  # rows of the differential table


def _label(dx: Diagnosis, nid: str) -> str:
    return dx.model.spec.nodes[nid].label or nid.replace("_", " ")


def _p(dx: Diagnosis, condition: str) -> float:
    return dx._probabilities()[condition]


def _leading(dx: Diagnosis) -> list[str]:
    return dx.differential[:LEADING]


def _flags(dx: Diagnosis) -> list[Block]:
    flags = []
    for flag in dx.red_flags:
        label = _label(dx, flag.condition) if flag.condition in dx.model.spec.nodes else flag.condition
        flags.append((flag.urgency, label, flag.message.removeprefix(f"{label}: "), flag.source))
    blocks: list[Block] = [("h2", "Red flags"), ("flags", flags)]
    if flags:
        meaning = "; ".join(f"{u} = {_meaning(dx, u)}" for u in dict.fromkeys(f[0] for f in flags) if u in URGENCY)
        blocks.append(("p", f"Urgency, most urgent first: {meaning}."))
    return blocks


#: Why flags have their urgency, as the legend of the red flags says it (the keys ``_meaning`` finds).
_WHY = {
    "rule": "a published criterion is met",
    "test rule": "a published rule asks for a test or a question whatever the probability (the flag names it), and its answer decides",
    "between": URGENCY["test"][1],
    "treatment": "the probability is at or above the test-treatment threshold",
    "given": "the probability is at or above the threshold given",
    "default": "the probability is at or above its must-not-miss threshold (no test-treatment threshold is set for it)",
}


def _meaning(dx: Diagnosis, urgency: str) -> str:
    """What ``urgency`` asks for and why this diagnosis's flags of it have it, naming no reason none of them has.

    A flag that a must-not-miss condition's probability raised (its message
    starts with "label: P = ", as :func:`crampnet.reasoning.redflags.red_flags`
    writes it) is a ``test`` between the testing and test-treatment
    thresholds, and ``urgent`` at or above the second, or at or above a
    threshold given (or its must-not-miss threshold where no test-treatment
    threshold is set); any other flag is a finding rule's.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis.
    urgency : str
        A key of :data:`crampnet.reasoning.html.URGENCY`.

    Returns
    -------
    str
        For ``test``, the reasons its flags have, joined by "; or "; for the
        others, what the urgency asks for, with the reasons in brackets.
    """
    reasons = set()
    for flag in (f for f in dx.red_flags if f.urgency == urgency):
        node = dx.model.spec.nodes.get(flag.condition)
        if not flag.message.startswith(f"{node.label or flag.condition if node is not None else flag.condition}: P = "):
            reasons.add("test rule" if urgency == "test" else "rule")
        else:
            reasons.add("between" if urgency == "test" else "given" if dx._threshold is not None else "treatment" if flag.condition in THRESHOLDS else "default")
    shown = [text for key, text in _WHY.items() if key in reasons]
    return "; or ".join(shown) if urgency == "test" else f"{URGENCY[urgency][1].partition(' (')[0]} ({' or '.join(shown)})"


def _must_not_miss(dx: Diagnosis) -> list[Block]:
    headers = ["condition", "probability", "threshold", "flag", "what would rule it out", "source"]
    # The rows of dx.must_not_miss, without building its table; a rule-out met says what it counted, as the notebook table does.
    rows = [
        [_label(dx, cond), *compared_percents(float(p), float(limit)), flag_mark(float(p), float(limit), urgency, ruled_out), *rule_out_cells(dx, cond, rule_out, source)]
        for cond, p, limit, _, urgency, ruled_out, rule_out, source in dx._must_not_miss_rows()
    ]
    if not rows:  # a table of headers alone reads as a rendering fault (a loaded network may mark none)
        return [("h2", "Must-not-miss conditions"), ("p", NO_MUST_NOT_MISS)]
    text = "Always listed, however unlikely. Threshold: the probability above which testing beats not testing (Pauker & Kassirer 1980), unless a threshold was given; a finding rule flags whatever the probability."
    return [("h2", "Must-not-miss conditions"), ("p", text), ("table", (headers, rows))]


def _differential(dx: Diagnosis) -> list[Block]:
    column = MEASURES[dx.ranking]
    headers = ["#", "condition", "probability"] + (
        [TITLES[column]] if column != "posterior" else []
    )
    rows = []
    forms = part_probabilities(dx, dx.differential[:_SHOWN])
    for rank, cond in enumerate(dx.differential[:_SHOWN], start=1):
        marker = " (must not miss)" if cond in dx.model.must_not_miss else ""
        marker += "".join(f" {tag}" for tag in form_tags(forms.get(cond, {})))
        row = [str(rank), _label(dx, cond) + marker, percent(_p(dx, cond))]
        if (value := dx._measure_value(cond)) is not None:  # html.measure_value without pandas
            row.append(f"{value:.{DECIMALS}f}")
        rows.append(row)
    rest = len(dx.differential) - _SHOWN
    text = f"Ordered by {TITLES[column]}" + (
        " (Richens et al., Nat Commun 2020), then by probability." if column != "posterior" else "."
    )
    blocks: list[Block] = [
        ("h2", "Differential"),
        ("p", text),
        ("table", (headers, rows)),
        *(("p", line) for line in [*([FORMS_NOTE] if forms else []), *legend(dx.ranking, population_phrase(dx.model))]),
    ]
    if rest > 0:  # the measure beside the probability, or the order would read as contradicting the percents
        shown = [(c, dx._measure_value(c)) for c in dx.differential[_SHOWN:]]
        others = ", ".join(f"{_label(dx, c)} ({percent(_p(dx, c))}" + ("" if v is None else f", {v:.{DECIMALS}f}") + ")" for c, v in shown)
        what = "probability" if column == "posterior" else f"probability, {TITLES[column]}"
        blocks.append(("p", f"Further down the differential, in order ({rest}; {what}): {others}."))
    return blocks


def _reasons(dx: Diagnosis) -> list[Block]:
    blocks: list[Block] = [("h2", "Findings for and against the leading conditions")]
    if not dx.evidence:
        return [*blocks, ("p", "No evidence yet.")]
    for cond in _leading(dx):
        table = explain_rows(dx.model, dx.evidence, cond, dx._contributions)  # dx.explain(cond)'s rows
        blocks.append(("h3", f"{_label(dx, cond)} (P = {percent(_p(dx, cond))})"))
        if any(math.isnan(row[2]) for row in table):
            blocks.append(
                (
                    "p",
                    "The condition is certain under part of this evidence (a deterministic link): its log-odds have no finite decomposition.",
                )
            )
            continue
        pro = [row[4] for row in table if row[2] > 0.01]
        con = [row[4] for row in table if row[2] < -0.01]
        blocks.append(
            (
                "ul",
                [f"For: {s}" for s in pro] + [f"Against: {s}" for s in con]
                or ["No entry moves it by more than 1% in odds."],
            )
        )
    shares = (  # past MAX_SHAPLEY entries the rows are the stated sequence (crampnet.reasoning.explain)
        "exact Shapley shares of the change in log-odds from the prior"
        if dx._contributions.attrs.get("method") == "shapley"
        else f"each entry's step in the log-odds from the prior, the entries added one at a time in the order given (Shapley shares are computed up to {MAX_SHAPLEY} entries)"
    )
    blocks.append(("p", f"Factors multiply the odds; they are {shares}. Entries that move the odds by less than 1% are left out."))
    return blocks


def _questions(dx: Diagnosis) -> list[Block]:
    # The rows of dx.next_questions(5) and dx.next_questions(3, cost_aware=True), without building their tables.
    best, cheap = ranked_orders(dx.model, dx._answers, [(5, False, False), (3, True, False)])  # one set of measures, ranked twice
    headers = ["question", "kind", "changes a decision", "information gain (bits)", "cost", "informs most"]

    def rows(ranked: list[tuple[str, dict[str, object]]]) -> list[list[str]]:
        return [
            [
                str(r["label"]),
                str(r["kind"]),
                f"{r['decision']:.0%}",
                f"{r['information_gain']:.3f}",
                f"{r['cost']:g}",
                _label(dx, str(r["about"])) if r["about"] else "-",
            ]
            for _, r in ranked
        ]

    # A test left out as not indicated (a D-dimer in pregnancy, RCOG Green-top 37b) is named, so its absence is not read as an oversight.
    skipped: list[Block] = [("p", f"{_label(dx, nid)} {why}.") for nid, why in dx._answers.left_out.items()]
    if not best:  # two tables of headers alone read as a rendering fault
        return [("h2", "What to ask or test next"), ("p", "Nothing else is left to ask: every other question of the network is answered." if skipped else "Nothing is left to ask: every question of the network is answered."), *skipped]
    limits = "its testing or test-treatment threshold" if getattr(dx, "_threshold", None) is None else "the threshold given, as the red flags do"
    return [
        ("h2", "What to ask or test next"),
        *skipped,
        (
            "p",
            f"Ordered by the chance that the answer changes a decision (makes another condition the most probable or moves a must-not-miss condition across {limits}, or changes a finding rule's flag), compared to the percent as shown; ties go to the expected information gain: the sum over conditions of the mutual information between the condition and the answer, in bits.",
        ),
        ("table", (headers, rows(best))),
        (
            "p",
            "Best value for cost, the first three (costs: history 1, examination 2, laboratory 3, ankle-brachial index 4): ordered by the same two measures divided by the cost; the columns give them undivided, beside the cost.",
        ),
        ("table", (headers, rows(cheap))),
    ]


def _notes(dx: Diagnosis) -> list[Block]:
    conditions = list(dict.fromkeys([*(f.condition for f in dx.red_flags), *_leading(dx)]))
    seen: set[str] = set()
    items = []
    for cond in conditions:
        notes: tuple[Note, ...] = NOTES.get(cond, ())
        if cond == "deep_vein_thrombosis" and (pregnant := dvt_advice(dx.model, observe(dx.model, dx.evidence))) is not None:
            notes = pregnant[1]  # in pregnancy or after delivery the Wells and D-dimer notes do not apply (RCOG Green-top 37b)
        for note in notes:
            if note.text not in seen:
                seen.add(note.text)
                items.append(
                    f"{_label(dx, cond) if cond in dx.model.spec.nodes else cond}: {note.text} [source: {note.source}]"
                )
    return [
        ("h2", "Management notes and pitfalls"),
        ("ul", items or ["No notes for these conditions."]),
    ]


def _sources(dx: Diagnosis) -> list[Block]:
    table = dx.model.parameters()
    spec, observed = dx.model.spec, set(dx.evidence)
    # The leading conditions, and each flagged one whatever its rank: a red flag's probability is a number the report gives.
    leading = set(_leading(dx)) | {f.condition for f in dx.red_flags if f.condition in spec.nodes and spec.nodes[f.condition].role == "condition"}

    def owners(ids: object) -> set[str]:
        # The conditions a row's node or parent column names: a table's row lists its parents joined by
        # commas (a fitted table's every row does), and a part (overt_thyroid_dysfunction) belongs to its condition.
        return {owner(spec.nodes, nid) if nid in spec.nodes else nid for nid in ids.split(",")} if isinstance(ids, str) else set()

    # The parameters of those conditions and of their links to the
    # evidence, grouped by source in sorted order (a groupby, in plain Python).
    groups: dict[str, list[tuple[str, str]]] = {}
    for node, parent, key, citation in zip(table["node"].tolist(), table["parent"].tolist(), table["source"].tolist(), table["citation"].tolist(), strict=True):
        if isinstance(key, str) and (owners(node) & leading or (owners(parent) & leading and node in observed)):
            groups.setdefault(key, []).append((str(node), citation))
    items = []
    for key in sorted(groups):
        group = groups[key]
        labels = ", ".join(sorted({_label(dx, n) for n, _ in group}))
        count = f"{len(group)} parameter{'s' if len(group) != 1 else ''}"
        if key == "judgment":
            items.append(f"Judgment: {count} ({labels}), each recorded in the network file with the reason for the judgment.")
        else:
            source = spec.sources.get(key)
            items.append(f"{key}: {source.citation if source else group[0][1]} ({count}: {labels})")
    seeds = [f"{key}: {source.citation}" for key, source in spec.sources.items() if source.kind == "seed"]
    return [
        ("h2", "Sources of the numbers"),
        ("p", "The parameters of the leading conditions and of each flagged condition, and of their links to this patient's findings:"),
        ("ul", items or ["No parameters."]),
        ("p", "The notes restate the seed documents of the network; the red flags name the published criteria they come from:"),
        ("ul", seeds or ["No seed documents."]),
    ]


def blocks(dx: Diagnosis, now: object = None) -> list[Block]:
    """The report as blocks (:mod:`crampnet.reasoning._render`), stamped with ``now``'s date (:func:`report_date`).

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis to report.
    now : datetime.date or datetime.datetime, optional
        The report's date (default: today, UTC).

    Returns
    -------
    list of tuple
        ``(kind, content)`` blocks in reading order: the title and the
        disclaimer, the stamp, the red flags, the must-not-miss table, the
        differential, the reasons, the next questions, the notes and the
        sources; Markdown and HTML are written from them.

    Examples
    --------
    >>> import datetime as dt, crampnet
    >>> parts = blocks(crampnet.load().diagnose({"urge_to_move": True}), dt.date(2025, 3, 1))
    >>> parts[0]
    ('h1', 'crampnet: differential diagnosis for this patient')
    """
    return [
        ("h1", "crampnet: differential diagnosis for this patient"),
        ("p", "crampnet supports clinical reasoning; it does not replace it."),
        *stamp(dx, now), *_flags(dx), *_must_not_miss(dx), *_differential(dx), *_reasons(dx), *_questions(dx), *_notes(dx), *_sources(dx),
    ]  # fmt: skip


def render(dx: Diagnosis, format: str = "markdown", *, now: object = None) -> str:
    """The full report of ``dx`` as markdown or HTML.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis.
    format : {'markdown', 'html'}, default='markdown'
        Markdown text, or an HTML fragment (a ``<div>`` that starts with
        :data:`crampnet.reasoning.html.STYLESHEET`, every text escaped).
    now : datetime.date or datetime.datetime, optional
        The date to stamp (its UTC date); today's UTC date by default.

    Returns
    -------
    str
        A stamp (date, crampnet's and the network's versions, population,
        evidence), the red flags, every must-not-miss condition, the
        differential with its legend, reasons, next questions, notes and
        sources.

    Raises
    ------
    InvalidValueError
        For a format other than 'markdown' or 'html'.
    EvidenceTypeError
        For a ``now`` that is not a date.

    Examples
    --------
    >>> import datetime as dt, crampnet
    >>> dx = crampnet.load().diagnose({"urge_to_move": True})
    >>> "- **Date:** 2025-03-01 (UTC)" in render(dx, now=dt.date(2025, 3, 1))
    True
    """
    if format not in FORMATS:
        msg = (
            f"The 'format' argument of report must be 'markdown' or 'html'. Got {show(format)} instead."
            f"{hint(format if isinstance(format, str) else '', FORMATS)}"
        )
        raise InvalidValueError(msg)
    parts = blocks(dx, now)
    return markdown(parts) if format == "markdown" else html_fragment(parts)
