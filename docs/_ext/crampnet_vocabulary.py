"""Sphinx directive ``crampnet-vocabulary``: every node of a network file, generated at build time.

The page is built from the network file itself (by default the one that
ships with crampnet), so it cannot drift from it: for each node its id,
label, role, states, numeric bands, parents, description, whether it is a
must-not-miss condition, and the source keys its numbers cite; then the
sources with their citations. The nodes are built as docutils nodes, not as
reStructuredText, so no text from the file is parsed as markup.

Usage (MyST)::

    ```{crampnet-vocabulary}
    ```

or, for another file, ``{crampnet-vocabulary} path/to/network.toml``
(relative to the documentation source folder).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from crampnet.network.loading import shipped_text
from crampnet.network.records import Band, NetworkSpec, Node, Provenance
from crampnet.network.spec import parse_network

ROLES = (
    ("context", "Context", "Who the person is, comorbidities, medications, risk factors: roots, or tables over other context nodes."),
    ("condition", "Conditions", "What the differential ranks: present or absent (a part of a condition, whose description says so, is not ranked on its own)."),
    ("finding", "Findings", "What is asked, examined or measured: children of the conditions."),
)


def anchor(node_id: str) -> str:
    """The HTML id of a node's entry on the page."""
    return f"node-{node_id}".replace("_", "-")


def cited_sources(obj: Any) -> Iterator[str]:
    """Every source key cited by the provenances inside ``obj`` (a node or part of one)."""
    if isinstance(obj, Provenance):
        yield obj.source
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for field in dataclasses.fields(obj):
            yield from cited_sources(getattr(obj, field.name))
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from cited_sources(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from cited_sources(item)


def _number(value: float) -> str:
    return f"{value:g}"


def band_text(bands: Iterable[Band], unit: str | None) -> str:
    """Bands in reading order: ``a`` if below 40, ``b`` if at most 65, ``c`` otherwise."""
    suffix = f" {unit}" if unit else ""
    parts = []
    for band in bands:
        if band.below is not None:
            parts.append(f"{band.state} if below {_number(band.below)}{suffix}")
        elif band.up_to is not None:
            parts.append(f"{band.state} if at most {_number(band.up_to)}{suffix}")
        else:
            parts.append(f"{band.state} otherwise")
    return "; ".join(parts) + " (the first band that matches)"


def _literals(items: Iterable[str]) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for i, item in enumerate(items):
        if i:
            out.append(nodes.Text(", "))
        out.append(nodes.literal(item, item))
    return out


def _node_links(items: Iterable[str]) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for i, item in enumerate(items):
        if i:
            out.append(nodes.Text(", "))
        ref = nodes.reference("", "", internal=True, refid=anchor(item))
        ref += nodes.literal(item, item)
        out.append(ref)
    return out


def _field(name: str, body: list[nodes.Node] | str) -> nodes.field:
    field = nodes.field()
    field += nodes.field_name(name, name)
    paragraph = nodes.paragraph()
    if isinstance(body, str):
        paragraph += nodes.Text(body)
    else:
        paragraph.extend(body)
    field += nodes.field_body("", paragraph)
    return field


def node_section(node: Node, spec: NetworkSpec) -> nodes.section:
    """The section of one node: title ``id: label``, description and a field list."""
    section = nodes.section(ids=[anchor(node.id)], names=[node.id])
    title = nodes.title()
    title += nodes.literal(node.id, node.id)
    title += nodes.Text(f": {node.label}")
    section += title
    if node.description:
        section += nodes.paragraph(node.description, node.description)
    fields = nodes.field_list()
    fields += _field("Role", node.role)
    fields += _field("States", _literals(node.states))
    if node.bands:
        fields += _field("Bands", band_text(node.bands, node.unit))
    if node.valid is not None:
        low, high = node.valid
        unit = f" {node.unit}" if node.unit else ""
        fields += _field("Valid values", f"{_number(low)} to {_number(high)}{unit}")
    if node.aliases:
        fields += _field("Also accepted as", _literals(node.aliases))
    fields += _field("Parents", _node_links(node.parents) if node.parents else "none (a root)")
    children = [other.id for other in spec.nodes.values() if node.id in other.parents]
    if node.role != "finding":
        fields += _field("Children", _node_links(children) if children else "none")
    if node.role == "condition":
        fields += _field("Must-not-miss", "yes: always listed and flagged at its testing threshold" if node.must_not_miss else "no")
    keys = sorted(set(cited_sources(node)))
    if keys:
        fields += _field("Sources", _node_links_to_sources(keys))
    section += fields
    return section


def _node_links_to_sources(keys: list[str]) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for i, key in enumerate(keys):
        if i:
            out.append(nodes.Text(", "))
        if key in {"judgment", "fitted"}:
            out.append(nodes.emphasis(key, key))
            continue
        ref = nodes.reference("", "", internal=True, refid=f"source-{key}".replace("_", "-"))
        ref += nodes.literal(key, key)
        out.append(ref)
    return out


def summary_table(members: list[Node]) -> nodes.table:
    """One row per node: id (a link to its entry), label, states."""
    table = nodes.table(classes=["crampnet-vocabulary"])
    group = nodes.tgroup(cols=3)
    table += group
    for width in (30, 40, 30):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    row = nodes.row()
    for name in ("id", "label", "states"):
        row += nodes.entry("", nodes.paragraph(name, name))
    head += row
    group += head
    body = nodes.tbody()
    for node in members:
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph("", "", *_node_links([node.id])))
        row += nodes.entry("", nodes.paragraph(node.label, node.label))
        row += nodes.entry("", nodes.paragraph("", "", *_literals(node.states)))
        body += row
    group += body
    return table


def sources_section(spec: NetworkSpec) -> nodes.section:
    """Every source of the file: key, kind and citation."""
    section = nodes.section(ids=["network-sources"], names=["sources of the network"])
    section += nodes.title("Sources", "Sources")
    text = (
        "Each number of the network cites one of these keys, or judgment with its reason "
        "(model.parameters() lists every number with its source)."
    )
    section += nodes.paragraph(text, text)
    items = nodes.definition_list()
    for key, source in spec.sources.items():
        item = nodes.definition_list_item(ids=[f"source-{key}".replace("_", "-")])
        term = nodes.term()
        term += nodes.literal(key, key)
        term += nodes.Text(f" ({source.kind})")
        item += term
        item += nodes.definition("", nodes.paragraph(source.citation, source.citation))
        items += item
    section += items
    return section


def load_spec(path: Path | None) -> NetworkSpec:
    """Parse the network file at ``path``, or the shipped one."""
    if path is None:
        return parse_network(shipped_text(), "leg_cramps.toml")
    return parse_network(path.read_text(encoding="utf-8"), str(path))


class VocabularyDirective(SphinxDirective):
    """Generate the vocabulary of a network file."""

    optional_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        """The nodes of the page: an introduction, one section per role, the sources."""
        path = Path(self.env.srcdir, self.arguments[0]) if self.arguments else None
        checkout = Path(self.env.srcdir).parent / "networks" / "leg_cramps.toml"
        watched = path if path is not None else checkout
        if watched.is_file():  # rebuild the page when the file changes
            self.env.note_dependency(str(watched))
        spec = load_spec(path)
        intro = (
            f"{spec.title} ({spec.name} {spec.version}): {len(spec.nodes)} nodes, "
            f"{len(spec.sources)} sources, default population {spec.default_population!r}."
        )
        out: list[nodes.Node] = [nodes.paragraph(intro, intro)]
        for role, heading, blurb in ROLES:
            members = [node for node in spec.nodes.values() if node.role == role]
            if not members:
                continue
            section = nodes.section(ids=[f"role-{role}"], names=[heading.lower()])
            section += nodes.title(heading, f"{heading} ({len(members)})")
            section += nodes.paragraph(blurb, blurb)
            section += summary_table(members)
            for node in members:
                section += node_section(node, spec)
            out.append(section)
        out.append(sources_section(spec))
        return out


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive("crampnet-vocabulary", VocabularyDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
