"""A diagnosis as a document: markdown for reading, HTML for notebooks.

The report follows the seed documents (distinguishing features, diagnostic
approach, pitfalls, references) but for one patient: red flags first, then
every must-not-miss condition however unlikely (probability, testing
threshold, flag, what would rule it out), the ranked differential (rank, probability and the measure the order used, with
a legend of one line per number), the findings for and against the
leading conditions, what to ask or test next, management notes and pitfalls
from the seeds, and the sources of the numbers behind the leading
conditions (from :meth:`crampnet.Model.parameters`).

The document is built once as a list of blocks (headings, paragraphs, lists,
tables) and rendered to markdown or HTML; every text is escaped for the
format it goes into.

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
>>> all(dx.model.spec.nodes[c].label in text.split("## Evidence")[0] for c in dx.model.must_not_miss)
True
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, cast

from crampnet.exceptions import InvalidValueError
from crampnet.network.evidence import describe, normalise
from crampnet.reasoning.html import MEASURES, TITLES, legend, measure_value, population_phrase
from crampnet.reasoning.notes import NOTES, SEED_FILES, Note
from crampnet.reasoning.ranking import DECIMALS

if TYPE_CHECKING:
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["FORMATS", "LEADING", "render"]

#: The formats :func:`render` writes.
FORMATS = ("markdown", "html")
#: How many leading conditions get reasons, notes and sources.
LEADING = 3
_SHOWN = 8  # rows of the differential table

Block = tuple[str, Any]
Table = tuple[list[str], list[list[str]]]


def _label(dx: Diagnosis, nid: str) -> str:
    return dx.model.spec.nodes[nid].label or nid.replace("_", " ")


def _p(dx: Diagnosis, condition: str) -> float:
    return float(dx.posteriors.to_dict()[condition])


def _percent(p: float) -> str:
    return "<0.1%" if p < 0.001 else f"{p:.1%}" if p < 0.1 else f"{p:.0%}"


def _leading(dx: Diagnosis) -> list[str]:
    return dx.differential[:LEADING]


def _flags(dx: Diagnosis) -> list[Block]:
    blocks: list[Block] = [("h2", "Red flags")]
    if not dx.red_flags:
        return [*blocks, ("p", "None raised by this evidence.")]
    items = [
        f"{flag.urgency.upper()} ({_label(dx, flag.condition) if flag.condition in dx.model.spec.nodes else flag.condition}): {flag.message} Source: {flag.source}."
        for flag in dx.red_flags
    ]
    return [*blocks, ("ul", items)]


def _must_not_miss(dx: Diagnosis) -> list[Block]:
    headers = ["condition", "probability", "threshold", "flag", "what would rule it out", "source"]
    rows = [
        [_label(dx, str(cond)), _percent(float(row["probability"])), f"{float(row['threshold']):.1%}", "FLAGGED" if row["flagged"] else "not flagged", str(row["rule_out"]), str(row["source"])]
        for cond, row in dx.must_not_miss.iterrows()
    ]
    text = "Always listed, however unlikely. Threshold: the probability above which testing beats not testing (Pauker & Kassirer 1980), unless a threshold was given."
    return [("h2", "Must-not-miss conditions"), ("p", text), ("table", (headers, rows))]


def _evidence(dx: Diagnosis) -> list[Block]:
    if not dx.evidence:
        return [
            ("h2", "Evidence"),
            ("p", "No evidence: the differential below is the population prior."),
        ]
    items = []
    vectors = normalise(dx.model.spec, dx.evidence)
    for nid, value in dx.evidence.items():
        node = dx.model.spec.nodes[nid]
        state = describe(dx.model.spec, nid, vectors[nid])
        if isinstance(value, int | float) and not isinstance(value, bool):
            unit = f" {node.unit}" if node.unit else ""
            items.append(f"{_label(dx, nid)}: {value:g}{unit} ({state})")
        else:
            items.append(f"{_label(dx, nid)}: {state}")
    return [("h2", "Evidence"), ("ul", items)]


def _differential(dx: Diagnosis) -> list[Block]:
    column = MEASURES[dx.ranking]
    headers = ["#", "condition", "probability"] + (
        [TITLES[column]] if column != "posterior" else []
    )
    rows = []
    for rank, cond in enumerate(dx.differential[:_SHOWN], start=1):
        marker = " (must not miss)" if cond in dx.model.must_not_miss else ""
        row = [str(rank), _label(dx, cond) + marker, _percent(_p(dx, cond))]
        if (value := measure_value(dx, cond)) is not None:
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
        *(("p", line) for line in legend(dx.ranking, population_phrase(dx.model))),
    ]
    if rest > 0:
        blocks.append(("p", f"{rest} more conditions follow; see Diagnosis.differential."))
    return blocks


def _reasons(dx: Diagnosis) -> list[Block]:
    blocks: list[Block] = [("h2", "Findings for and against the leading conditions")]
    if not dx.evidence:
        return [*blocks, ("p", "No evidence yet.")]
    for cond in _leading(dx):
        table = dx.explain(cond)
        blocks.append(("h3", f"{_label(dx, cond)} (P = {_percent(_p(dx, cond))})"))
        odds = table["log_odds"]
        if odds.isna().any():
            blocks.append(
                (
                    "p",
                    "The condition is certain under part of this evidence (a deterministic link): its log-odds have no finite decomposition.",
                )
            )
            continue
        pro = [str(s) for s in table.loc[odds > 0.01, "sentence"]]
        con = [str(s) for s in table.loc[odds < -0.01, "sentence"]]
        blocks.append(
            (
                "ul",
                [f"For: {s}" for s in pro] + [f"Against: {s}" for s in con]
                or ["No entry moves it by more than 1% in odds."],
            )
        )
    blocks.append(
        (
            "p",
            "Factors multiply the odds; they are exact Shapley shares of the change in log-odds from the prior. Entries that move the odds by less than 1% are left out.",
        )
    )
    return blocks


def _questions(dx: Diagnosis) -> list[Block]:
    best = dx.next_questions(5)
    cheap = dx.next_questions(3, cost_aware=True)
    headers = ["question", "kind", "information gain (bits)", "cost", "informs most"]

    def rows(frame: object) -> list[list[str]]:
        import pandas as pd

        assert isinstance(frame, pd.DataFrame)
        return [
            [
                str(r.label),
                str(r.kind),
                f"{r.information_gain:.3f}",
                f"{r.cost:g}",
                _label(dx, str(r.about)) if r.about else "-",
            ]
            for r in frame.itertuples()
        ]

    return [
        ("h2", "What to ask or test next"),
        (
            "p",
            "By expected information gain: the sum over conditions of the mutual information between the condition and the answer, in bits.",
        ),
        ("table", (headers, rows(best))),
        (
            "p",
            "Best value for cost (history 1, examination 2, laboratory 3, ankle-brachial index 4):",
        ),
        ("table", (headers, rows(cheap))),
    ]


def _notes(dx: Diagnosis) -> list[Block]:
    conditions = list(dict.fromkeys([*(f.condition for f in dx.red_flags), *_leading(dx)]))
    seen: set[str] = set()
    items = []
    for cond in conditions:
        notes: tuple[Note, ...] = NOTES.get(cond, ())
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
    leading = set(_leading(dx))
    used = table[
        table["node"].isin(leading)
        | (table["parent"].isin(leading) & table["node"].isin(list(dx.evidence)))
    ]
    items = []
    for key, group in used.groupby("source", sort=True):
        nodes = ", ".join(sorted(set(group["node"])))
        if key == "judgment":
            items.append(
                f"judgment: {len(group)} parameter{'s' if len(group) != 1 else ''} ({nodes}); each gives its reason in model.parameters()."
            )
        else:
            count = f"{len(group)} parameter{'s' if len(group) != 1 else ''}"
            items.append(f"{key}: {group['citation'].iloc[0]} ({count}: {nodes})")
    seeds = [f"seed {n}: shared/seeds/{f}" for n, f in SEED_FILES.items()]
    return [
        ("h2", "Sources of the numbers"),
        (
            "p",
            "The parameters of the leading conditions and of their links to this patient's findings:",
        ),
        ("ul", items or ["No parameters."]),
        ("p", "The notes restate the seed documents; the red flags name the published criteria they come from:"),
        ("ul", seeds),
    ]


def blocks(dx: Diagnosis) -> list[Block]:
    """The report as blocks: ``(kind, content)`` with kinds h1, h2, h3, p, ul, table."""
    return [
        ("h1", "crampnet: differential diagnosis for this patient"),
        ("p", "crampnet supports clinical reasoning; it does not replace it."),
        *_flags(dx), *_must_not_miss(dx), *_evidence(dx), *_differential(dx), *_reasons(dx), *_questions(dx), *_notes(dx), *_sources(dx),
    ]  # fmt: skip


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _markdown(parts: list[Block]) -> str:
    out: list[str] = []
    for kind, content in parts:
        if kind in ("h1", "h2", "h3"):
            out.append(f"{'#' * int(kind[1])} {content}")
        elif kind == "p":
            out.append(str(content))
        elif kind == "ul":
            assert isinstance(content, list)
            out.append("\n".join(f"- {item}" for item in content))
        else:
            headers, rows = cast(Table, content)
            lines = [
                "| " + " | ".join(_md_cell(h) for h in headers) + " |",
                "|" + "---|" * len(headers),
            ]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _html(parts: list[Block]) -> str:
    esc = html.escape
    out: list[str] = []
    for kind, content in parts:
        if kind in ("h1", "h2", "h3", "p"):
            out.append(f"<{kind}>{esc(str(content))}</{kind}>")
        elif kind == "ul":
            assert isinstance(content, list)
            out.append("<ul>" + "".join(f"<li>{esc(str(item))}</li>" for item in content) + "</ul>")
        else:
            headers, rows = cast(Table, content)
            head = "".join(f"<th>{esc(h)}</th>" for h in headers)
            body = "".join(
                "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return '<div class="crampnet-report">' + "\n".join(out) + "</div>"


def render(dx: Diagnosis, format: str = "markdown") -> str:
    """The full report of ``dx`` as markdown or HTML.

    Raises
    ------
    InvalidValueError
        For a format other than 'markdown' or 'html'.
    """
    if format not in FORMATS:
        msg = (
            f"The 'format' argument of report must be 'markdown' or 'html'. Got {format!r} instead."
        )
        raise InvalidValueError(msg)
    parts = blocks(dx)
    return _markdown(parts) if format == "markdown" else _html(parts)
