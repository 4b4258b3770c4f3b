"""How a diagnosis is shown: the differential's legend, and the HTML a notebook shows.

Nothing here computes a probability: it lays out what a
:class:`~crampnet.reasoning.diagnosis.Diagnosis` already holds.

Every display of the differential (this HTML, the report, the command line
and the repr) shows, per condition, its rank, its probability and the value
of the measure the order used (:func:`measure_value`, at the precision the
order compares it), with the same legend (:func:`legend`): one line per
number saying what it means and which one orders the list. :data:`POPULATION`
says whom the probabilities are about.

:func:`diagnosis_html` lays it out as HTML, red flags first, then the
differential with a bar per posterior (must-not-miss conditions always
listed), then the legend, then the must-not-miss table (probability, testing
threshold, flag, what would rule it out). Every text is escaped. :mod:`crampnet.display`
re-exports it beside the network drawing. It and the report
(:mod:`crampnet.reasoning.report`) share one stylesheet, :data:`STYLESHEET`
(a sans-serif font; each red flag in its :data:`URGENCY` colour, by
:func:`flag_html`).

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.html import diagnosis_html
>>> dx = crampnet.load().diagnose({"unilateral_calf_swelling": True})
>>> html = diagnosis_html(dx)
>>> html.index("deep_vein_thrombosis") < html.index("<table")   # red flags first
True
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from crampnet.reasoning._differential import (
    form_tags,
    part_probabilities,
    percent,
    ranked,
    rounded,
    rule_out_cells,
)
from crampnet.reasoning._thresholds import compared_percents
from crampnet.reasoning.mustnotmiss import flag_mark
from crampnet.reasoning.ranking import DECIMALS, MEASURE_DEFINITIONS, RANKINGS

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = [
    "COLOURS",
    "FORMS_NOTE",
    "MEASURES",
    "NO_MATH",
    "NO_MUST_NOT_MISS",
    "POPULATION",
    "STYLESHEET",
    "TITLES",
    "URGENCY",
    "diagnosis_html",
    "flag_html",
    "form_tags",
    "legend",
    "measure_value",
    "part_probabilities",
    "percent",
    "population_phrase",
    "ranked",
    "rounded",
    "rule_out_cells",
]

#: Fill colour of each role (colour-blind safe, Paul Tol's bright scheme).
COLOURS = {"context": "#66ccee", "condition": "#ee6677", "finding": "#ccbb44"}
#: Each red flag urgency: its colour (border and badge) and what it asks for.
URGENCY = {
    "emergency": ("#aa0000", "emergency referral now (a published criterion is met)"),
    "urgent": ("#c24e00", "urgent referral or treatment (a published criterion is met, or the probability is at or above the test-treatment threshold)"),
    "test": ("#806000", "the probability lies between the testing and the test-treatment thresholds: do the first-line test, its result decides"),
}
_TINT = {"emergency": "#fde8e8", "urgent": "#fff0e3", "test": "#fff8d9"}
#: The stylesheet of every crampnet HTML display (the notebook view and the report), scoped to ``.crampnet``.
STYLESHEET = (
    '.crampnet{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",'
    '"Liberation Sans",sans-serif;font-size:15px;line-height:1.45;color:#1b1b1b;max-width:54em}'
    ".crampnet h1{font-size:1.45em;margin:.2em 0 .3em}"
    ".crampnet h2{font-size:1.18em;margin:1.3em 0 .4em;padding-bottom:.15em;border-bottom:1px solid #ccc}"
    ".crampnet h3{font-size:1.03em;margin:.9em 0 .3em}.crampnet p,.crampnet ul{margin:.35em 0}"
    ".crampnet table{border-collapse:collapse;margin:.4em 0;font-size:.93em}"
    ".crampnet caption{text-align:left;font-weight:600;padding:.2em 0}"
    ".crampnet th,.crampnet td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}"
    ".crampnet th{background:#f2f2f2}.crampnet td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".crampnet code{font-size:.85em;color:#555}.crampnet small,.crampnet .crampnet-legend{color:#555}"
    ".crampnet .crampnet-legend{font-size:.9em}.crampnet .crampnet-disclaimer{font-style:italic;color:#444}"
    ".crampnet dl.crampnet-stamp{display:grid;grid-template-columns:max-content auto;gap:1px 14px;"
    "margin:.5em 0;padding:6px 10px;background:#f6f6f6;border:1px solid #ddd;font-size:.93em}"
    ".crampnet dl.crampnet-stamp dt{font-weight:600}.crampnet dl.crampnet-stamp dd{margin:0}"
    ".crampnet .crampnet-red-flag{border-left:7px solid;padding:6px 10px;margin:6px 0}"
    ".crampnet .crampnet-badge{display:inline-block;color:#fff;font-weight:700;letter-spacing:.04em;"
    "padding:0 7px;margin-right:6px;border-radius:3px;text-transform:uppercase}"
    + "".join(
        f".crampnet .crampnet-urgency-{u}{{border-color:{c};background:{_TINT[u]}}}.crampnet .crampnet-urgency-{u} .crampnet-badge{{background:{c}}}"
        for u, (c, _) in URGENCY.items()
    )
    + ".crampnet .crampnet-no-flags{border-left:7px solid #4a8a4a;background:#eef6ee;padding:6px 10px}"
    ".crampnet .crampnet-bar{background:#e6e6e6;width:10em;height:.9em;display:inline-block;vertical-align:middle}"
    ".crampnet .crampnet-bar>div{background:" + COLOURS["condition"] + ";height:100%}"
    ".crampnet .crampnet-must{color:#aa0000;font-size:.85em;font-weight:600}"
    "@media print{.crampnet{font-size:11pt;max-width:none}.crampnet .crampnet-red-flag{break-inside:avoid;"
    "-webkit-print-color-adjust:exact;print-color-adjust:exact}}"
)
#: Whom the probabilities are about: the population the network's priors describe.
POPULATION = "among adults presenting with a leg complaint"
#: Classes that keep MathJax (2 and 3), which notebooks run on HTML outputs, from reading "$...$" in a label as TeX.
NO_MATH = "tex2jax_ignore mathjax_ignore"
#: The column of :attr:`Diagnosis.scores` each ranking orders the differential by.
MEASURES = {r: "disablement" if r == "counterfactual" else r for r in RANKINGS}
#: The name each column has in the displays.
TITLES = {
    "posterior": "probability",
    **{c: f"expected {c}" for c in ("disablement", "sufficiency")},
}


def population_phrase(model: BaseModel) -> str:
    """Who the probabilities are about, for the legend: :data:`POPULATION` for the presenting population.

    Parameters
    ----------
    model : BaseModel
        The model; its ``population`` names the population its priors are
        for (a model without one counts as ``"presenting"``).

    Returns
    -------
    str
        A phrase starting "among": :data:`POPULATION`; for a population of
        the network file, its label and name; for another, the network's own
        priors among all adults.

    Examples
    --------
    >>> import crampnet
    >>> population_phrase(crampnet.load()) == POPULATION
    True
    >>> population_phrase(crampnet.load(population="adults"))
    "among all adults (the network's own priors, population 'adults')"
    """
    name = getattr(model, "population", "presenting")  # stand-ins without one read as the default
    if name == "presenting":
        return POPULATION
    if name in model.spec.populations:
        return f"among {model.spec.populations[name].label[:1].lower()}{model.spec.populations[name].label[1:]} (population {name!r})"
    return f"among all adults (the network's own priors, population {name!r})"


def legend(ranking: str, population: str = POPULATION) -> list[str]:
    """One line per number the displays show: what it means, and which one orders the differential.

    Parameters
    ----------
    ranking : {'counterfactual', 'disablement', 'sufficiency', 'posterior'}
        The order of the differential.
    population : str, default=POPULATION
        Who the probabilities are about (:func:`population_phrase`).

    Returns
    -------
    list of str
        The probability's line, then (unless the order is by probability) the
        line of the measure the order used.

    Examples
    --------
    >>> legend("posterior") == [f"Probability: how likely this condition is present in this person, given what is entered, {POPULATION}; the differential is ordered by this."]
    True
    >>> len(legend("sufficiency")), legend("sufficiency")[1].startswith("Expected sufficiency: ")
    (2, True)
    """
    column = MEASURES[ranking]
    ordered = "; the differential is ordered by this"
    given = f"given what is entered, {population}"
    if column == "posterior":
        return [
            f"Probability: how likely this condition is present in this person, {given}{ordered}."
        ]
    text = MEASURE_DEFINITIONS[column].strip().rstrip(".")  # "expected disablement: how many ..."
    return [
        f"Probability: how likely this condition is present in this person, {given}.",
        f"{text[0].upper()}{text[1:]}{ordered} (at {DECIMALS} decimals, ties by probability).",
    ]


def measure_value(dx: Diagnosis, condition: str) -> float | None:
    """The value of the measure that orders the differential, as the order compares it (None for posterior).

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis; its ``ranking`` says which measure (:data:`MEASURES`).
    condition : str
        A condition id.

    Returns
    -------
    float or None
        The condition's expected disablement or sufficiency from
        ``dx.scores``, rounded by :func:`rounded`; None when the
        differential is ordered by probability.

    Examples
    --------
    >>> import crampnet
    >>> dx = crampnet.load().diagnose({"urge_to_move": True})
    >>> measure_value(dx, dx.differential[0]) == rounded(dx.scores.loc[dx.differential[0], "disablement"])
    True
    """
    column = MEASURES[dx.ranking]
    return None if column == "posterior" else rounded(dx.scores[column].to_dict()[condition])


#: What the must-not-miss section of a display says for a network that marks no condition must-not-miss.
NO_MUST_NOT_MISS = "None: this network marks no condition as must-not-miss."
#: What a part's bracket on a differential line means (crampnet.network.parts).
FORMS_NOTE = "[form P]: the probability that the condition is present in that form (a part of it in the network file, already counted in its probability)"


def flag_html(urgency: str, condition: str, message: str, source: str, code: str = "") -> str:
    """One red flag as HTML: a box in its urgency's colour, the urgency as a badge, every text escaped.

    Parameters
    ----------
    urgency : str
        A key of :data:`URGENCY` (another value is shown in the emergency
        colour, under its own name).
    condition : str
        The condition's label.
    message : str
        What the flag says.
    source : str
        Where its rule or threshold comes from.
    code : str, default=""
        The condition's id, shown after its label (none if empty).

    Returns
    -------
    str
        A ``<div class="crampnet-red-flag crampnet-urgency-...">``, to be
        shown inside a ``.crampnet`` element under :data:`STYLESHEET`.

    Examples
    --------
    >>> box = flag_html("test", "Deep vein thrombosis", "P = 2.4% <b>", "Wells")
    >>> 'class="crampnet-red-flag crampnet-urgency-test"' in box and "&lt;b&gt;" in box
    True
    """
    esc = html.escape
    kind = urgency if urgency in URGENCY else "emergency"
    return (
        f'<div class="crampnet-red-flag crampnet-urgency-{kind}"><span class="crampnet-badge">{esc(urgency)}</span>'
        f"<strong>{esc(condition)}</strong>{f' <code>{esc(code)}</code>' if code else ''}<br>{esc(message)}<br><small>Source: {esc(source)}</small></div>"
    )


def _flag_cell(probability: float, threshold: float, urgency: str | None, ruled_out: bool = False) -> str:
    """:func:`crampnet.reasoning.mustnotmiss.flag_mark` for the notebook table, a flag in bold."""
    mark = flag_mark(probability, threshold, urgency, ruled_out)
    return mark if urgency is None else f"<strong>{html.escape(mark.lower())}</strong>"


def _urgency(value: object) -> str | None:
    """A must-not-miss row's ``urgency`` cell as a string, or None when the row is not flagged."""
    return value if isinstance(value, str) else None


def _must_not_miss_html(dx: Diagnosis) -> str:
    esc = html.escape
    if not dx.model.must_not_miss:  # a table of headers alone reads as a rendering fault
        return f'<p class="crampnet-legend">{esc(NO_MUST_NOT_MISS)}</p>'
    rows = []
    for cond, row in dx.must_not_miss.iterrows():
        p, limit = float(row["probability"]), float(row["threshold"])
        rule_out, source = rule_out_cells(dx, str(cond), row["rule_out"], row["source"])  # with what a rule-out met counted
        rows.append(
            f"<tr><td>{esc(dx.model.spec.nodes[str(cond)].label or str(cond))}</td>"
            + "".join(f'<td class="num">{esc(shown)}</td>' for shown in compared_percents(p, limit))
            + f"<td>{_flag_cell(p, limit, _urgency(row['urgency']), bool(row['ruled_out']))}</td>"
            f"<td>{esc(rule_out)}<br><small>{esc(source)}</small></td></tr>"
        )
    return (
        '<table class="crampnet-must-not-miss"><caption>Must-not-miss conditions, always listed (threshold: testing threshold after Pauker &amp; Kassirer 1980, unless given)</caption>'
        "<thead><tr><th>condition</th><th>probability</th><th>threshold</th><th>flag</th><th>what would rule it out</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def diagnosis_html(dx: Diagnosis, *, top: int | None = 8) -> str:
    """A diagnosis as an HTML fragment: red flags, then the differential with probability bars and a legend.

    Each row has the rank, the condition, its probability (a bar and a
    percentage) and, unless the order is by probability, the measure the
    order used (at the precision it compares); the legend below says in one
    line each what the numbers mean. When ``top`` leaves conditions out,
    the caption says how many are listed, of how many, as the command line
    says that the must-not-miss ones follow at their own rank.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis to show.
    top : int or None, default=8
        How many conditions of the differential to list (None: all);
        must-not-miss conditions are listed whatever their rank.

    Returns
    -------
    str
        A ``<div class="crampnet crampnet-diagnosis ...">`` (with
        :data:`NO_MATH`) that starts with
        :data:`STYLESHEET` (the report's too), so it renders the same in
        Jupyter, VS Code and exported HTML.

    Raises
    ------
    InvalidValueError
        If ``top`` is neither None nor a non-negative int.

    Examples
    --------
    >>> import crampnet
    >>> dx = crampnet.load().diagnose({"urge_to_move": True, "ferritin": 30})
    >>> "<table" in diagnosis_html(dx) and "restless_legs_syndrome" in diagnosis_html(dx)
    True
    >>> "<th>expected disablement</th>" in diagnosis_html(dx) and all(line in diagnosis_html(dx) for line in dx.legend)
    True
    """
    esc = html.escape
    model = dx.model
    parts = [f'<div class="crampnet crampnet-diagnosis {NO_MATH}"><style>{STYLESHEET}</style>']
    for flag in dx.red_flags:
        node = model.spec.nodes.get(flag.condition)
        label = node.label if node is not None and node.label else flag.condition
        parts.append(flag_html(flag.urgency, label, flag.message, flag.source, flag.condition))
    column = MEASURES[dx.ranking]
    rows = []
    shown = ranked(dx, top)
    forms = part_probabilities(dx, [c for _, c in shown])
    post = dx._probabilities()
    for rank, cond in shown:
        node = model.spec.nodes[cond]
        p = post[cond]
        badge = ' <span class="crampnet-must">must not miss</span>' if node.must_not_miss else ""
        badge += "".join(f" <code>{esc(tag)}</code>" for tag in form_tags(forms.get(cond, {})))
        bar = f'<div class="crampnet-bar"><div style="width:{max(0.0, min(1.0, p)) * 100:.1f}%"></div></div>'
        value = measure_value(dx, cond)
        measure = "" if value is None else f'<td class="num">{value:.{DECIMALS}f}</td>'
        rows.append(
            f'<tr><td class="num">{rank}</td><td>{esc(node.label or cond)}<br><code>{esc(cond)}</code>{badge}</td>'
            f'<td>{bar}</td><td class="num">{esc(percent(p))}</td>{measure}</tr>'
        )
    head = '<th>#</th><th>condition</th><th colspan="2">probability</th>' + (
        f"<th>{esc(TITLES[column])}</th>" if column != "posterior" else ""
    )
    listed = len(dx.differential) if top is None else min(top, len(dx.differential))  # top checked by ranked
    part = f"; the first {listed} of {len(dx.differential)}" + (", then every must-not-miss condition below them, at its own rank" if len(shown) > listed else "")
    part = "" if len(shown) == len(dx.differential) else f"; only the must-not-miss conditions, of {len(dx.differential)}" if listed == 0 else part
    parts.append(
        "<table>"
        f"<caption>Differential, ordered by {esc(TITLES[column])}{part}; {len(dx.evidence)} evidence entr{'y' if len(dx.evidence) == 1 else 'ies'}</caption>"
        f"<thead><tr>{head}</tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )
    parts += [
        f'<p class="crampnet-legend">{esc(line)}</p>'
        for line in [*([FORMS_NOTE] if forms else []), *legend(dx.ranking, population_phrase(dx.model))]
    ]
    if not dx.red_flags:
        parts.append('<p class="crampnet-no-flags">No red flags raised by this evidence.</p>')
    parts.append(_must_not_miss_html(dx))
    parts.append(
        '<p class="crampnet-legend">dx.report() gives the full report; dx.explain(condition) and dx.next_questions() the details. crampnet supports clinical reasoning; it does not replace it.</p>'
    )
    parts.append("</div>")
    return "\n".join(parts)
