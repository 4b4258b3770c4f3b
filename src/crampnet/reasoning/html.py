"""A diagnosis as HTML: what a notebook shows for :class:`~crampnet.reasoning.diagnosis.Diagnosis`.

Nothing here computes a probability: it lays out what a diagnosis already
holds, red flags first, then the differential with a bar per posterior
(must-not-miss conditions always listed). Every text is escaped.
:mod:`crampnet.display` re-exports :func:`diagnosis_html` beside the
network drawing.

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

if TYPE_CHECKING:
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["COLOURS", "diagnosis_html"]

#: Fill colour of each role (colour-blind safe, Paul Tol's bright scheme).
COLOURS = {"context": "#66ccee", "condition": "#ee6677", "finding": "#ccbb44"}
_URGENCY = {"emergency": "#aa0000", "urgent": "#cc5500"}


def _percent(p: float) -> str:
    return "<0.1%" if p < 0.001 else f"{p:.1%}" if p < 0.1 else f"{p:.0%}"


def diagnosis_html(dx: Diagnosis, *, top: int = 8) -> str:
    """A diagnosis as an HTML fragment: red flags, then the differential with probability bars.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis to show.
    top : int, default=8
        How many conditions of the differential to list; must-not-miss
        conditions are listed whatever their rank.

    Returns
    -------
    str
        A ``<div class="crampnet-diagnosis">`` with inline styles only, so it
        renders the same in Jupyter, VS Code and exported HTML.

    Examples
    --------
    >>> import crampnet
    >>> dx = crampnet.load().diagnose({"urge_to_move": True, "ferritin": 30})
    >>> "<table" in diagnosis_html(dx) and "restless_legs_syndrome" in diagnosis_html(dx)
    True
    """
    esc = html.escape
    model = dx.model
    parts = ['<div class="crampnet-diagnosis" style="font-family:sans-serif;max-width:46em">']
    for flag in dx.red_flags:
        colour = _URGENCY.get(flag.urgency, "#aa0000")
        parts.append(
            f'<div class="crampnet-red-flag" style="border-left:5px solid {colour};background:#fff3f0;padding:4px 8px;margin:4px 0">'
            f"<strong>Red flag ({esc(flag.urgency)}): {esc(flag.condition)}</strong><br>{esc(flag.message)}"
            f'<br><small style="color:#555">Source: {esc(flag.source)}</small></div>'
        )
    shown = dx.differential[:top]
    shown += [c for c in model.must_not_miss if c not in shown]
    rows = []
    for rank, cond in enumerate(shown, start=1):
        node = model.spec.nodes[cond]
        p = float(dx.posteriors[cond])
        badge = ' <span style="color:#aa0000;font-size:smaller">must not miss</span>' if node.must_not_miss else ""
        rank_text = str(rank) if rank <= top else "&middot;"
        bar = (
            '<div style="background:#eee;width:10em;height:0.9em;display:inline-block;vertical-align:middle">'
            f'<div style="background:{COLOURS["condition"]};width:{max(0.0, min(1.0, p)) * 100:.1f}%;height:100%"></div></div>'
        )
        rows.append(
            f'<tr><td style="text-align:right">{rank_text}</td><td>{esc(node.label or cond)}<br><code style="font-size:smaller">{esc(cond)}</code>{badge}</td>'
            f'<td>{bar}</td><td style="text-align:right">{esc(_percent(p))}</td></tr>'
        )
    parts.append(
        "<table>"
        f'<caption style="text-align:left">Differential, ranked by {esc(dx.ranking)}; {len(dx.evidence)} evidence entries</caption>'
        "<thead><tr><th>#</th><th>condition</th><th>P(present | evidence)</th><th></th></tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table>"
    )
    if not dx.red_flags:
        parts.append('<p style="color:#555;margin:2px 0">No red flags raised by this evidence.</p>')
    parts.append('<p style="color:#555;font-size:smaller">dx.report() gives the full report; dx.explain(condition) and dx.next_questions() the details. crampnet supports clinical reasoning; it does not replace it.</p>')
    parts.append("</div>")
    return "\n".join(parts)
