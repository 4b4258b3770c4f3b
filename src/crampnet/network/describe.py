"""What a node of a network is: its meaning, states, bands, neighbours and sources.

:func:`describe_node` gathers, for one node, what a reader needs to use it:
the label and description of the network file, the role, the states, the
unit, valid range and bands of a numeric node, its parents and children,
whether it is must-not-miss, and the sources of its numbers (from a
provenance table, :meth:`crampnet.Model.parameters`). The result is a
:class:`NodeDescription`, readable as text (``str``) and in Jupyter
(``_repr_html_``). :meth:`crampnet.Model.describe` is the usual way in;
:func:`print_description` is what ``crampnet describe NODE`` prints, and
:func:`node_index` what ``crampnet describe`` prints with no node: every id
(both, with :func:`print_index`, in :mod:`crampnet.network._describe_print`,
re-exported here).

Examples
--------
>>> import crampnet
>>> info = crampnet.load().describe("ferritin")
>>> info.unit, info.band_ranges[0]
('ng/mL', ('low', 'under 50'))
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crampnet.network._describe_print import node_index, print_description, print_index
from crampnet.network.evidence import resolve_id
from crampnet.network.records import Band, NetworkSpec, Node

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NodeDescription", "NodeSource", "band_ranges", "describe_node", "node_index", "print_description", "print_index"]

_WIDTH = 88


@dataclass(frozen=True)
class NodeSource:
    """A source of some of a node's numbers.

    Attributes
    ----------
    key : str
        A key of the network's ``[sources]``, ``"judgment"``, ``"fitted"`` or,
        after a fit, ``"structure"`` (entries of parent configurations that
        cannot occur: :meth:`crampnet.FittedModel.parameters`).
    citation : str
        The full citation (``"judgment"`` for a judgment: each number's
        ``reason`` is in :meth:`crampnet.Model.parameters`).
    numbers : int
        How many of the node's numbers cite it.
    """

    key: str
    citation: str
    numbers: int


@dataclass(frozen=True)
class NodeDescription:
    """One node of a network, described (see :func:`describe_node`).

    Attributes
    ----------
    id : str
        The node id.
    label : str
        Its short label.
    role : str
        ``"context"``, ``"condition"`` or ``"finding"``.
    states : tuple of str
        Its states, in network order.
    description : str
        What it means and how it is elicited or measured ("" if the file says nothing).
    aliases : tuple of str
        Other names evidence may use for it (``age`` for ``age_group``).
    unit : str or None
        The unit of the numbers a numeric node accepts.
    valid : tuple of float or None
        The range of numbers a numeric node accepts.
    bands : tuple of Band
        How numbers are banded into states (empty for non-numeric nodes).
    parents : tuple of str
        The nodes its distribution depends on.
    children : tuple of str
        The nodes that depend on it, in network order.
    must_not_miss : bool
        Whether it is a must-not-miss condition.
    model : str
        How its distribution is given: ``prior``, ``noisy_or``, ``logistic``...;
        after a fit, ``"prior (fitted)"`` or ``"table (fitted; the network
        file's noisy_or)"``, since a fitted model holds full tables.
    sources : tuple of NodeSource
        The sources of its numbers, in order of first use.
    nesting : tuple of str
        What its ``entails`` says, both ways: ``"implies exercise_triggered = yes"``
        on the implying finding, ``"implied by ... = yes"`` on the implied one
        (:mod:`crampnet.network.entailment`).
    """

    id: str
    label: str
    role: str
    states: tuple[str, ...]
    description: str
    aliases: tuple[str, ...]
    unit: str | None
    valid: tuple[float, float] | None
    bands: tuple[Band, ...]
    parents: tuple[str, ...]
    children: tuple[str, ...]
    must_not_miss: bool
    model: str
    sources: tuple[NodeSource, ...]
    nesting: tuple[str, ...] = ()
    #: The condition this one is a part of, or its parts (:mod:`crampnet.network.parts`).
    part_of: str | None = None
    parts: tuple[str, ...] = ()

    @property
    def band_ranges(self) -> tuple[tuple[str, str], ...]:
        """Each band as ``(state, range in words)``, e.g. ``("low", "under 50")``."""
        return band_ranges(self.bands)

    def _facts(self) -> list[tuple[str, str]]:
        """The lines of the description as ``(heading, text)``, shared by ``str`` and HTML."""
        facts = [("Role", self.role + (", must not miss" if self.must_not_miss else "")), ("States", ", ".join(self.states))]
        if self.part_of:
            facts.append(("Part of", f"{self.part_of} (never listed on its own; curing {self.part_of} cures it)"))
        if self.parts:
            facts.append(("Parts", ", ".join(self.parts) + " (hidden forms of this condition, cured with it)"))
        if self.aliases:
            facts.append(("Also called", ", ".join(self.aliases)))
        if self.bands or self.unit or self.valid:
            numbers = [f"in {self.unit}" if self.unit else "", f"valid {_num(self.valid[0])} to {_num(self.valid[1])}" if self.valid else ""]
            ranges = "; ".join(f"{state}: {text}" for state, text in self.band_ranges)
            facts.append(("Numeric", ", ".join(n for n in numbers if n) + (f"; {ranges}" if ranges else "")))
        facts.append(("Parents", ", ".join(self.parents) or "none"))
        facts.append(("Children", ", ".join(self.children) or "none"))
        facts.append(("Distribution", f"{self.model}, {sum(s.numbers for s in self.sources)} numbers"))
        if self.nesting:
            facts.append(("Nesting", "; ".join(self.nesting) + " (counted once: networks/FORMAT.md, 'Nested findings')"))
        return facts

    def __str__(self) -> str:
        lines = [f"{self.id}: {self.label}"]
        if self.description:
            lines += textwrap.wrap(self.description, _WIDTH, initial_indent="  ", subsequent_indent="  ")
        for head, text in self._facts():
            lines += textwrap.wrap(text, _WIDTH, initial_indent=f"  {head + ':':<14}", subsequent_indent=" " * 16)
        lines.append("  Sources:")
        for src in self.sources:
            count = f"{src.numbers} number{'s' if src.numbers != 1 else ''}"
            text = f"{src.key} ({count})" + ("" if src.citation == src.key else f": {src.citation}")
            lines += textwrap.wrap(text, _WIDTH, initial_indent="    ", subsequent_indent="      ")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """The description as an HTML block (Jupyter)."""
        esc = html.escape
        rows = "".join(f"<tr><th style='text-align:left;padding-right:1em'>{esc(h)}</th><td style='text-align:left'>{esc(t)}</td></tr>" for h, t in self._facts())
        items = "".join(f"<li><code>{esc(s.key)}</code> ({s.numbers}){'' if s.citation == s.key else ': ' + esc(s.citation)}</li>" for s in self.sources)
        text = f"<p>{esc(self.description)}</p>" if self.description else ""
        # The classes MathJax 2 and 3 skip (crampnet.reasoning.html.NO_MATH): a "$" in a label or citation is no TeX.
        return f"<div class='crampnet-node tex2jax_ignore mathjax_ignore'><h4><code>{esc(self.id)}</code>: {esc(self.label)}</h4>{text}<table>{rows}</table><p>Sources of its numbers:</p><ul>{items}</ul></div>"


def _num(x: float) -> str:
    return f"{x:g}"


def band_ranges(bands: tuple[Band, ...] | list[Band]) -> tuple[tuple[str, str], ...]:
    """Each band of a numeric node as ``(state, range in words)``.

    A band holds ``value < below`` or ``value <= up_to`` above the band before it.

    Parameters
    ----------
    bands : tuple or list of Band
        A numeric node's bands, in increasing order.

    Returns
    -------
    tuple of (str, str)
        One ``(state, text)`` pair per band, in the order of ``bands``.

    Examples
    --------
    >>> from crampnet.network.records import Band
    >>> band_ranges([Band("low", below=0.4), Band("normal", up_to=4.5), Band("high")])
    (('low', 'under 0.4'), ('normal', '0.4 to 4.5'), ('high', 'over 4.5'))
    """
    out = []
    lower: tuple[float, bool] | None = None  # where the band before ended, and whether that value is in this band
    for b in bands:
        if lower is None:
            text = f"under {_num(b.below)}" if b.below is not None else f"up to {_num(b.up_to)}" if b.up_to is not None else "any value"
        elif lower[1]:
            start = _num(lower[0])
            text = f"{start} to under {_num(b.below)}" if b.below is not None else f"{start} to {_num(b.up_to)}" if b.up_to is not None else f"{start} or over"
        else:
            start = f"over {_num(lower[0])}"
            text = f"{start} to under {_num(b.below)}" if b.below is not None else f"{start} up to {_num(b.up_to)}" if b.up_to is not None else start
        if b.below is not None:
            lower = (b.below, True)
        elif b.up_to is not None:
            lower = (b.up_to, False)
        out.append((b.state, text))
    return tuple(out)


def _children(spec: NetworkSpec, nid: str) -> tuple[str, ...]:
    return tuple(other for other, node in spec.nodes.items() if nid in node.parents)


def _sources(spec: NetworkSpec, rows: pd.DataFrame) -> tuple[NodeSource, ...]:
    counts: dict[str, int] = {}
    citations: dict[str, str] = {}
    for key, citation in zip(rows["source"].astype(str), rows["citation"], strict=True):
        counts[key] = counts.get(key, 0) + 1
        citations.setdefault(key, citation if isinstance(citation, str) and citation else _citation(spec, key))
    return tuple(NodeSource(key, citations[key], n) for key, n in counts.items())


def _citation(spec: NetworkSpec, key: str) -> str:
    source = spec.sources.get(key)
    return source.citation if source is not None else key


def describe_node(spec: NetworkSpec, node: str, parameters: pd.DataFrame) -> NodeDescription:
    """Describe one node of ``spec``, with the sources found in ``parameters``.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    node : str
        A node id or alias.
    parameters : pandas.DataFrame
        The provenance table (:meth:`crampnet.Model.parameters`); its rows for
        the node give the sources. Compute it once to describe many nodes.

    Returns
    -------
    NodeDescription
        The node's id, label, role, states, numeric details, neighbours,
        nesting, parts and the sources of its numbers.

    Raises
    ------
    UnknownNodeError
        If ``node`` is no id or alias of the network ("Did you mean ...?").
    EvidenceTypeError
        If ``node`` is not a string.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.describe import describe_node
    >>> model = crampnet.load()
    >>> table = model.parameters()
    >>> [describe_node(model.spec, n, table).role for n in ("age", "urge_to_move")]
    ['context', 'finding']
    """
    nid = resolve_id(spec, node, "the 'node' argument of describe")
    n: Node = spec.nodes[nid]
    model = "prior" if n.cpd is None else n.cpd.model
    rows = parameters[parameters["node"] == nid]
    if set(rows["model"].tolist()) == {"table"} and model != "table":  # a fitted model's table replaces the file's distribution
        model = "prior (fitted)" if model == "prior" else f"table (fitted; the network file's {model})"
    return NodeDescription(
        id=nid, label=n.label, role=n.role, states=tuple(n.states), description=n.description, aliases=tuple(n.aliases),
        unit=n.unit, valid=n.valid, bands=tuple(n.bands), parents=tuple(n.parents), children=_children(spec, nid),
        must_not_miss=n.must_not_miss, model=model, sources=_sources(spec, rows), nesting=_nesting(spec, nid),
        part_of=n.part_of, parts=spec.parts_of(nid),
    )  # fmt: skip


def _nesting(spec: NetworkSpec, nid: str) -> tuple[str, ...]:
    """The node's ``entails`` lines, both ways (see :attr:`NodeDescription.nesting`)."""
    out = []
    direct = set(spec.entailments)
    for a, pos, b, state in spec.implications:
        through = "" if (a, pos, b, state) in direct else " (through a chain)"
        if a == nid:
            out.append(f"{pos} implies {b} = {state}{through}")
        elif b == nid:
            out.append(f"implied ({state}) by {a} = {pos}{through}")
    return tuple(out)
