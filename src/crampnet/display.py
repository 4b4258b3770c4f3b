"""Show crampnet objects in Jupyter: a diagnosis as HTML, the network as a drawing.

Display is kept apart from computation: nothing here computes a
probability, it only lays out what a :class:`~crampnet.Diagnosis` or a
:class:`~crampnet.Model` already holds. matplotlib is imported when
:func:`draw` is called.

- :func:`diagnosis_html` is the HTML a notebook shows for a diagnosis: red
  flags first, then a table of the differential: rank, condition, a bar and
  a percentage per posterior, and the measure the order used (must-not-miss
  conditions always listed), with a legend of one line per number; it lives
  with the clinical layer (:mod:`crampnet.reasoning.html`) and is
  re-exported here.
- :func:`draw` draws the network in three rows (context, conditions,
  findings), coloured by role, with the observed nodes outlined in black.

Examples
--------
>>> import crampnet
>>> from crampnet.display import diagnosis_html
>>> dx = crampnet.load().diagnose({"unilateral_calf_swelling": True})
>>> html = diagnosis_html(dx)
>>> html.index("deep_vein_thrombosis") < html.index("<table")   # red flags first
True
>>> html.index("</table>") < html.index(dx.legend[0]) and dx.legend[1] in html
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crampnet.network.evidence import normalise
from crampnet.reasoning.html import COLOURS, diagnosis_html

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["COLOURS", "diagnosis_html", "draw", "layout"]

_ROWS = {"context": 2.0, "condition": 1.0, "finding": 0.0}


def layout(model: BaseModel) -> dict[str, tuple[float, float]]:
    """Positions for :func:`draw`: one row per role, nodes ordered to shorten the edges.

    Conditions keep the network file's order; each context node and finding is
    placed at the mean position of the conditions it is linked to (a
    barycentre pass), then spread evenly along its row, so x runs from 0 to 1.

    Examples
    --------
    >>> import crampnet
    >>> pos = layout(crampnet.load())
    >>> pos["restless_legs_syndrome"][1], pos["ferritin"][1], pos["age_group"][1]
    (1.0, 0.0, 2.0)
    """
    spec = model.spec
    links: dict[str, list[str]] = {n: list(spec.nodes[n].parents) for n in spec.nodes}
    for nid in spec.order:
        for parent in spec.nodes[nid].parents:
            links[parent].append(nid)
    rows = {role: [n for n in spec.order if spec.nodes[n].role == role] for role in _ROWS}
    x = {c: (i + 0.5) / max(1, len(rows["condition"])) for i, c in enumerate(rows["condition"])}
    pos: dict[str, tuple[float, float]] = {}
    # Context and findings to the barycentre of their conditions, then the
    # conditions to the barycentre of those, then the outer rows once more.
    for roles in (("context", "finding"), ("condition",), ("context", "finding")):
        for role in roles:
            ids = rows[role]
            keys = {}
            for i, nid in enumerate(ids):
                near = [x[n] for n in links[nid] if n in x and spec.nodes[n].role != role]
                keys[nid] = (sum(near) / len(near) if near else 2.0, i)
            for i, nid in enumerate(sorted(ids, key=lambda n: keys[n])):
                x[nid] = (i + 0.5) / max(1, len(ids))
                pos[nid] = (x[nid], _ROWS[role])
    return pos


def draw(
    model: BaseModel,
    evidence: Mapping[str, object] | None = None,
    ax: Any = None,
    *,
    labels: bool = True,
) -> Any:
    """Draw the network with matplotlib: context on top, conditions in the middle, findings below.

    Parameters
    ----------
    model : BaseModel
        The model to draw.
    evidence : mapping, optional
        Evidence as for :meth:`crampnet.Model.posteriors`; its nodes are
        outlined in black and labelled in bold (the evidence is checked first).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    labels : bool, default=True
        Write the node ids (rotated on the context and finding rows).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Raises
    ------
    UnknownNodeError, InvalidStateError, InvalidValueError, EvidenceTypeError
        For bad evidence, as :meth:`crampnet.Model.posteriors`.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import crampnet
    >>> from crampnet.display import draw
    >>> ax = draw(crampnet.load(), {"urge_to_move": True})
    >>> len(ax.collections)   # the edges, then one set of nodes per role
    4
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    observed = set(normalise(model.spec, evidence))
    pos = layout(model)
    spec = model.spec
    if ax is None:
        _, ax = plt.subplots(figsize=(16, 7))
    segments = [[pos[parent], pos[nid]] for nid in spec.order for parent in spec.nodes[nid].parents]
    ax.add_collection(
        LineCollection(segments, colors="#999999", linewidths=0.5, alpha=0.5, zorder=1)
    )
    for role, colour in COLOURS.items():
        ids = [n for n in spec.order if spec.nodes[n].role == role]
        ax.scatter(
            [pos[n][0] for n in ids], [pos[n][1] for n in ids], s=[90 if n in observed else 45 for n in ids], c=colour,
            edgecolors=["black" if n in observed else colour for n in ids], linewidths=[2.0 if n in observed else 0.5 for n in ids],
            zorder=2, label=f"{role} ({len(ids)})",
        )  # fmt: skip
        if labels:
            for n in ids:
                x, y = pos[n]
                rotation, va = (
                    (0, "top")
                    if role == "condition"
                    else (90, "bottom" if role == "context" else "top")
                )
                dy = 0.06 if role == "context" else -0.06
                ax.text(x, y + dy, n, rotation=rotation if role != "condition" else 30, ha="center" if role != "condition" else "right",
                        va=va, fontsize=6, fontweight="bold" if n in observed else "normal", zorder=3)  # fmt: skip
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-1.1, 3.3)
    ax.set_yticks([0.0, 1.0, 2.0], ["findings", "conditions", "context"])
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    title = f"{spec.name} {spec.version}: {len(spec.nodes)} nodes, {len(segments)} links"
    ax.set_title(title + (f"; {len(observed)} observed (outlined)" if observed else ""))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    return ax
