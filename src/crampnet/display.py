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
- :func:`draw` draws the part of the network that bears on a case
  (:func:`case_nodes`: the observed nodes, the conditions they bear on,
  every must-not-miss condition; ``whole=True`` for every node) in three
  columns (context, conditions, findings), each condition with its
  posterior as a bar, the observed nodes outlined in black with their value,
  each red flag written in its condition's box, edged in its urgency's colour.
  :func:`layout` gives the older three-row placement of every node.

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

from crampnet.network.evidence import check_bool, entered, normalise, resolve_id
from crampnet.reasoning.html import COLOURS, URGENCY, diagnosis_html, percent
from crampnet.reasoning.redflags import red_flags

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.network.spec import Node

__all__ = ["COLOURS", "case_nodes", "diagnosis_html", "draw", "layout"]

_ROWS = {"context": 2.0, "condition": 1.0, "finding": 0.0}


def layout(model: BaseModel) -> dict[str, tuple[float, float]]:
    """Positions for :func:`draw`: one row per role, nodes ordered to shorten the edges.

    Conditions keep the network file's order; each context node and finding is
    placed at the mean position of the conditions it is linked to (a
    barycentre pass), then spread evenly along its row, so x runs from 0 to 1.

    Parameters
    ----------
    model : BaseModel
        The model whose network is drawn.

    Returns
    -------
    dict of str to tuple of float
        ``(x, y)`` for every node id: ``x`` in (0, 1) along the row, ``y``
        the row (2.0 context, 1.0 conditions, 0.0 findings).

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


def case_nodes(model: BaseModel, evidence: Mapping[str, object] | None = None) -> list[str]:
    """The nodes :func:`draw` shows by default, in network order (it adds any condition a red flag names).

    The observed nodes; the conditions they bear on (conditions among the
    parents of an observed finding or condition, and among the children of
    an observed context node); and every must-not-miss condition.

    Parameters
    ----------
    model : BaseModel
        The model whose network is drawn.
    evidence : mapping, optional
        One case, as for :meth:`crampnet.Model.posteriors` (default: none,
        which leaves the must-not-miss conditions).

    Returns
    -------
    list of str
        The node ids, in the network's order.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> set(case_nodes(model)) == set(model.must_not_miss)
    True
    >>> "restless_legs_syndrome" in case_nodes(model, {"urge_to_move": True})
    True
    """
    spec = model.spec
    observed = set(normalise(spec, evidence, entailed=False))
    keep = observed | set(model.must_not_miss)
    for nid in spec.order:
        node = spec.nodes[nid]
        if node.role != "condition":
            continue
        if nid in observed or any(p in observed and spec.nodes[p].role == "context" for p in node.parents):
            keep.add(nid)
    for nid in observed:
        if spec.nodes[nid].role != "context":
            keep |= {p for p in spec.nodes[nid].parents if spec.nodes[p].role == "condition"}
    return [n for n in spec.order if n in keep]


_COLUMNS = {"context": 0.0, "condition": 1.0, "finding": 2.0}
_BOX_W, _BOX_H = 0.82, 0.78  # in data units: columns 1 apart, rows 1 apart


def _columns(model: BaseModel, nodes: list[str], posteriors: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """Centre of each node: a column per role, conditions by falling probability, the others beside their conditions."""
    spec = model.spec
    conditions = sorted((n for n in nodes if spec.nodes[n].role == "condition"), key=lambda n: -posteriors[n])
    y = {c: float(i) for i, c in enumerate(conditions)}
    pos = {c: (1.0, y[c]) for c in conditions}
    for role in ("context", "finding"):
        ids = [n for n in nodes if spec.nodes[n].role == role]
        keys = {}
        for i, nid in enumerate(ids):
            near = [y[c] for c in conditions if c in spec.nodes[nid].parents or nid in spec.nodes[c].parents]
            keys[nid] = (sum(near) / len(near) if near else float(len(conditions)), i)
        below = -1.0
        for nid in sorted(ids, key=lambda n: keys[n]):  # beside its conditions, one row apart at least
            below = max(below + 1.0, min(keys[nid][0], float(len(conditions))))
            pos[nid] = (_COLUMNS[role], below)
    return pos


def draw(
    model: BaseModel,
    evidence: Mapping[str, object] | None = None,
    ax: Any = None,
    *,
    whole: bool = False,
    labels: bool = True,
) -> Any:
    """Draw the part of the network that bears on a case, each condition with its probability as a bar.

    Three columns, as the arrows run: the observed context on the left, the
    conditions in the middle (most probable on top), the observed findings on
    the right. The nodes are :func:`case_nodes` (the observed ones, the
    conditions they bear on, every must-not-miss condition), or every node
    with ``whole=True``. Each box names its node (observed ones with their
    value, a number with its unit and band as the report's stamp writes it,
    "Age group = 70 years (65_plus)", outlined in black; must-not-miss
    conditions edged in red); each
    condition's box holds a bar as long as its posterior given the
    evidence, as pyAgrum's ``showInference`` does. Each red flag of the case
    (``dx.red_flags``: finding rules and thresholds) is written in its
    condition's box, "RED FLAG: URGENT", the box edged in the urgency's
    colour (:data:`crampnet.reasoning.html.URGENCY`), and its condition is
    drawn whatever its rank; the title counts them.

    Parameters
    ----------
    model : BaseModel
        The model to draw.
    evidence : mapping, optional
        Evidence as for :meth:`crampnet.Model.posteriors` (checked first).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure sized to the nodes).
    whole : bool, default=False
        Draw every node of the network, not only the case's.
    labels : bool, default=True
        Write the node labels and probabilities.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on; each bar is a patch with ``gid`` ``"bar:<condition>"``
        inside its track, ``"track:<condition>"``, each box ``"box:<node>"``
        and its text ``"label:<node>"``: at most 44 characters a line, an
        observed node's value on lines of its own when it does not fit
        beside the label (soft evidence broken after its commas, the states
        past three lines counted, "... +3 more"); the default figure's rows
        are as tall as the most lines need.

    Raises
    ------
    UnknownNodeError, InvalidStateError, InvalidValueError, EvidenceTypeError
        For bad evidence, as :meth:`crampnet.Model.posteriors`.
    EvidenceTypeError
        If ``whole`` or ``labels`` is not a bool, or ``ax`` neither None
        nor a matplotlib Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import crampnet
    >>> from crampnet.display import draw
    >>> ax = draw(crampnet.load(), {"urge_to_move": True})
    >>> sorted(p.get_gid()[4:] for p in ax.patches if (p.get_gid() or "").startswith("bar:"))[:2]
    ['acute_limb_ischemia', 'akathisia']
    """
    for name, flag in (("whole", whole), ("labels", labels)):
        check_bool(flag, name, "draw")
    from crampnet._arguments import check_axes, pyplot

    plt = pyplot()
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    check_axes(ax, "draw")

    spec = model.spec
    vectors = normalise(spec, evidence, entailed=False)  # as entered: an implied finding is drawn as given
    given = {resolve_id(spec, key): value for key, value in (evidence or {}).items()}  # a number is drawn with its band
    posteriors = {str(k): float(v) for k, v in model.posteriors(evidence).to_dict().items()}
    flags = {f.condition: f.urgency for f in red_flags(model, evidence, posteriors, baseline=False)}  # as dx.red_flags: one per condition
    nodes = list(spec.order) if whole else [n for n in spec.order if n in set(case_nodes(model, evidence)) | set(flags)]
    for nid in nodes:  # a part of a condition (crampnet.network.parts) is drawn with its own probability
        if spec.nodes[nid].part_of is not None:
            posteriors[nid] = model.probability({nid: "present"}, evidence)
    pos = _columns(model, nodes, posteriors)
    rows = max(1.0, max(y for _, y in pos.values()) + 1)
    texts = {nid: _text(spec.nodes[nid], entered(spec, nid, given[nid], vectors[nid]) if nid in vectors else None) for nid in nodes}
    texts.update({nid: _with_flag(texts[nid], urgency) for nid, urgency in flags.items()})
    if ax is None:  # rows tall enough for the most lines a box holds: a condition's above its bar, 0.43 of a row; another's, 0.78
        per_row = max([0.55] + [(11 * len(lines) + 4) / 72 / (0.43 if spec.nodes[nid].role == "condition" else _BOX_H) for nid, lines in texts.items()])
        fig, ax = plt.subplots(figsize=(14, per_row * rows + 1.3))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=1 - 0.9 / (per_row * rows + 1.3))
    shown = set(nodes)
    for nid in nodes:
        for parent in spec.nodes[nid].parents:
            if parent in shown:
                (x0, y0), (x1, y1) = pos[parent], pos[nid]
                same = x0 == x1
                ax.add_patch(FancyArrowPatch(
                    (x0 - _BOX_W / 2 if same else x0 + _BOX_W / 2, y0), (x1 - _BOX_W / 2, y1), arrowstyle="-|>", mutation_scale=9,
                    color="#888888", lw=0.8, connectionstyle="arc3,rad=0.5" if same else "arc3,rad=0", zorder=1,
                ))  # fmt: skip
    for nid in nodes:
        node, (x, y) = spec.nodes[nid], pos[nid]
        left, observed = x - _BOX_W / 2, nid in vectors
        edge = URGENCY[flags[nid]][0] if nid in flags else "black" if observed else "#aa0000" if node.must_not_miss else "#777777"
        ax.add_patch(FancyBboxPatch(
            (left, y - _BOX_H / 2), _BOX_W, _BOX_H, boxstyle="round,pad=0,rounding_size=0.08", facecolor=COLOURS[node.role],
            alpha=0.35, edgecolor="none", zorder=2, gid=f"box:{nid}",
        ))  # fmt: skip
        ax.add_patch(FancyBboxPatch(
            (left, y - _BOX_H / 2), _BOX_W, _BOX_H, boxstyle="round,pad=0,rounding_size=0.08", facecolor="none",
            edgecolor=edge, linewidth=3.0 if nid in flags else 2.0 if observed or node.must_not_miss else 0.8, zorder=3,
        ))  # fmt: skip
        label = "\n".join(texts[nid])  # drawn with parse_math=False: a "$" in a label is no TeX
        if node.role == "condition":
            p = posteriors[nid]
            track = (left + 0.03, y + 0.04, _BOX_W * 0.7, _BOX_H * 0.3)
            ax.add_patch(Rectangle(track[:2], track[2], track[3], facecolor="white", edgecolor="#999999", lw=0.5, zorder=4, gid=f"track:{nid}"))
            ax.add_patch(Rectangle(track[:2], track[2] * p, track[3], facecolor=COLOURS["condition"], zorder=5, gid=f"bar:{nid}"))
            if labels:
                ax.text(track[0] + track[2] + 0.02, y + 0.02 + track[3] / 2, percent(p), fontsize=9, va="center", zorder=6)
                ax.text(left + 0.03, y - 0.17, label, fontsize=9, va="center", zorder=6, parse_math=False, gid=f"label:{nid}")
        elif labels:
            ax.text(left + 0.03, y, label, fontsize=9, va="center", zorder=6, fontweight="bold" if observed else "normal", parse_math=False, gid=f"label:{nid}")
    ax.set_xlim(-0.45, 2.45)
    ax.set_ylim(rows - 0.4, -0.6)
    ax.axis("off")
    for role, x in _COLUMNS.items():
        ax.text(x, -0.55, {"context": "context", "condition": "conditions (probability given the evidence)", "finding": "findings"}[role],
                ha="center", va="bottom", fontsize=10, fontweight="bold")  # fmt: skip
    what = "every node" if whole else f"the {len(nodes)} {'node that bears' if len(nodes) == 1 else 'nodes that bear'} on this case (of {len(spec.nodes)})"
    raised = f"; {len(flags)} red flag{'s' * (len(flags) != 1)} (each edged in its urgency's colour)" if flags else ""
    ax.set_title(f"{spec.name} {spec.version}: {what}; {len(vectors)} observed (outlined){raised}", fontsize=11, pad=20)
    return ax


#: Characters on a line of a box: 44 of the network's longest labels in 9-point bold take 315 to 345 of the 374 pixels inside a box at 100 dpi.
_WIDTH = 44
#: Lines a box's text takes at most: its label and three of its value.
_MOST = 4


def _text(node: Node, value: str | None) -> list[str]:
    """The lines of a box's text, none longer than :data:`_WIDTH` characters.

    The label (``" (must not miss)"`` after a must-not-miss condition's,
    never cut), then ``= value`` for an observed node: on the label's line
    when both fit, else on lines of their own, soft evidence broken after
    its commas after "= likelihoods"; past :data:`_MOST` lines, the states left out are counted
    ("... +3 more").

    Parameters
    ----------
    node : Node
        The node drawn.
    value : str or None
        What was entered for it (:func:`crampnet.network.evidence.entered`),
        None when it is not observed.

    Returns
    -------
    list of str
        One to :data:`_MOST` lines.
    """
    mark = " (must not miss)" if node.role == "condition" and node.must_not_miss else ""
    label = node.label or node.id.replace("_", " ")
    if value is None:
        return [_short(label, _WIDTH - len(mark)) + mark]
    if len(f"{label} = {value}{mark}") <= _WIDTH:
        return [f"{label} = {value}{mark}"]
    if node.role == "condition" and _WIDTH - len(f" = {value}{mark}") >= 16:  # one line above the bar, the label cut
        return [f"{_short(label, _WIDTH - len(f' = {value}{mark}'))} = {value}{mark}"]
    soft = value.startswith("soft evidence (") and value.endswith(")")
    first = "= likelihoods " if soft else "= "  # what soft evidence's numbers are
    parts = [_short(part, _WIDTH - 3) for part in (value[len("soft evidence (") : -1] if soft else value).split(", ")]  # room for "= " and ","
    parts[0] = _short(parts[0], _WIDTH - len(first) - 1)
    for k in range(len(parts), 0, -1):  # the most states that fit, the others counted
        shown = parts[:k] + ([f"\u2026 +{len(parts) - k} more"] if k < len(parts) else [])
        lines = [first + shown[0]]
        for part in shown[1:]:
            if len(f"{lines[-1]}, {part}") < _WIDTH:  # "<": room for the comma that ends a line
                lines[-1] += f", {part}"
            else:
                lines[-1] += ","
                lines.append(part)
        if len(lines) <= _MOST - 1:
            break
    return [_short(label, _WIDTH - len(mark)) + mark, *lines]


def _with_flag(lines: list[str], urgency: str) -> list[str]:
    """A condition's lines with its red flag: ``"RED FLAG: URGENT"`` after its one line when both fit, else on a line of its own.

    Parameters
    ----------
    lines : list of str
        The lines :func:`_text` gave.
    urgency : str
        The flag's urgency (:data:`crampnet.reasoning.html.URGENCY`).

    Returns
    -------
    list of str
        The lines with the flag, none longer than :data:`_WIDTH` characters.
    """
    tag = f"RED FLAG: {urgency.upper()}"
    if len(lines) == 1 and len(f"{lines[0]} \u00b7 {tag}") <= _WIDTH:
        return [f"{lines[0]} \u00b7 {tag}"]
    return [*lines, tag]


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"
