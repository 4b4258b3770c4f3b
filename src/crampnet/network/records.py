"""The typed records a network file is read into (see :mod:`crampnet.network.spec`).

Plain frozen dataclasses: a :class:`NetworkSpec` holds its :class:`Source`
entries, :class:`Node` objects and :class:`Population` presets; a node holds
a prior (:class:`Dist`) or one of five conditional models (:class:`NoisyOr`,
:class:`NoisyMax`, :class:`Logistic`, :class:`Table`, :class:`Mixture`),
whose numbers are :class:`Param` objects carrying their :class:`Provenance`.

Examples
--------
>>> from crampnet.network.records import Param, Provenance
>>> Param(0.16, Provenance("hening_2009")).provenance.source
'hening_2009'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

# The limits live with the rest of the budget; they are re-exported here, where they used to be.
from crampnet.network._budget import MAX_BYTES, MAX_NODES, MAX_STATES, MAX_TABLE

__all__ = [
    "FILE_POPULATION",
    "MAX_BYTES",
    "MAX_NODES",
    "MAX_STATES",
    "MAX_TABLE",
    "SCHEMA",
    "Band",
    "Cpd",
    "Dist",
    "DistLink",
    "Link",
    "Logistic",
    "Mixture",
    "NetworkSpec",
    "Node",
    "NoisyMax",
    "NoisyOr",
    "Param",
    "Population",
    "Provenance",
    "Role",
    "Row",
    "Source",
    "Table",
    "cpd_parents",
]

SCHEMA = "crampnet-network/1"
#: The name of the population whose context priors are the file's own.
FILE_POPULATION = "adults"
Role = Literal["context", "condition", "finding"]


@dataclass(frozen=True)
class Source:
    """A reference that parameters cite by ``key``."""

    key: str
    kind: str
    citation: str
    evidence_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """Where a number comes from: a source key, or ``"judgment"`` and why."""

    source: str
    reason: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Param:
    """One number with its plausible range and provenance."""

    value: float
    provenance: Provenance
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Dist:
    """A distribution over a node's states with one provenance.

    ``entry_sources`` names, per state, a source that gives that entry when
    the distribution as a whole has another (usually ``judgment``: a study
    that reports one share of a split). ``ranges`` gives, per state, a
    plausible ``(low, high)`` interval for that entry.
    """

    probabilities: dict[str, float]
    provenance: Provenance
    weight: Param | None = None
    entry_sources: dict[str, str] = field(default_factory=dict)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    """A per-parent-state quantity: a probability or an odds ratio."""

    parent: str
    state: str
    param: Param


@dataclass(frozen=True)
class DistLink:
    """A per-parent-state distribution (noisy-MAX and mixture links)."""

    parent: str
    state: str
    dist: Dist


@dataclass(frozen=True)
class NoisyOr:
    """Leaky noisy-OR over a binary child."""

    positive: str
    leak: Param
    links: tuple[Link, ...]
    model: str = "noisy_or"


@dataclass(frozen=True)
class NoisyMax:
    """Leaky noisy-MAX over an ordered child."""

    order: tuple[str, ...]
    leak: Dist
    links: tuple[DistLink, ...]
    model: str = "noisy_max"


@dataclass(frozen=True)
class Logistic:
    """Logistic (odds-ratio) model of a binary child."""

    positive: str
    intercept_kind: Literal["baseline", "prevalence"]
    intercept: Param
    odds_ratios: tuple[Link, ...]
    model: str = "logistic"


@dataclass(frozen=True)
class Row:
    """One row of an explicit table: a parent configuration and a distribution."""

    when: dict[str, str]
    dist: Dist


@dataclass(frozen=True)
class Table:
    """An explicit conditional probability table."""

    parents: tuple[str, ...]
    rows: tuple[Row, ...]
    model: str = "table"


@dataclass(frozen=True)
class Mixture:
    """Weighted mixture of the active causes' distributions and the leak."""

    leak: Dist
    links: tuple[DistLink, ...]
    model: str = "mixture"


Cpd = NoisyOr | NoisyMax | Logistic | Table | Mixture


def cpd_parents(cpd: Cpd) -> tuple[str, ...]:
    """The parents a cpd mentions, in first-mention order.

    Parameters
    ----------
    cpd : NoisyOr, NoisyMax, Logistic, Mixture or Table
        A node's conditional distribution.

    Returns
    -------
    tuple of str
        A table's declared ``parents``; otherwise the parents of its links
        (a logistic's odds ratios), each once, in the order first named.
    """
    if isinstance(cpd, Table):
        return cpd.parents
    links: tuple[Link, ...] | tuple[DistLink, ...]
    links = cpd.odds_ratios if isinstance(cpd, Logistic) else cpd.links
    return tuple(dict.fromkeys(link.parent for link in links))


@dataclass(frozen=True)
class Band:
    """A numeric band: ``value < below`` or ``value <= up_to`` (last: no bound)."""

    state: str
    below: float | None = None
    up_to: float | None = None


@dataclass(frozen=True)
class Node:
    """A node of the network with its states, numeric bands and parameters."""

    id: str
    role: Role
    states: tuple[str, ...]
    label: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    must_not_miss: bool = False
    positive: str | None = None
    negative: str | None = None
    unit: str | None = None
    valid: tuple[float, float] | None = None
    bands: tuple[Band, ...] = ()
    prior: Dist | None = None
    cpd: Cpd | None = None
    #: Findings this one's positive state implies, as (finding id, state) pairs (``entails`` in the file).
    entails: tuple[tuple[str, str], ...] = ()
    #: For a condition that is a part (a form, such as overt disease) of another condition: that condition's id (``part_of`` in the file).
    part_of: str | None = None

    @property
    def parents(self) -> tuple[str, ...]:
        """The node's parents, in first-mention order."""
        return () if self.cpd is None else cpd_parents(self.cpd)


@dataclass(frozen=True)
class Population:
    """A named preset: context priors that replace the default ones.

    ``priors`` already holds those of the preset it ``extends``, if any.
    """

    name: str
    label: str
    description: str
    priors: dict[str, Dist]
    extends: str | None = None


@dataclass(frozen=True)
class NetworkSpec:
    """A validated network file.

    ``digest`` is the SHA-256 (64 lowercase hex digits) of the file's text as
    UTF-8: the version names a release of the network, the digest its exact
    numbers and words (two texts of one version differ in it).
    """

    name: str
    version: str
    title: str
    description: str
    sources: dict[str, Source]
    nodes: dict[str, Node]
    path: str
    order: tuple[str, ...] = field(default=())
    populations: dict[str, Population] = field(default_factory=dict)
    default_population: str = FILE_POPULATION
    digest: str = ""

    def stamp(self) -> dict[str, str]:
        """Which network this is, as records and saved cases write it.

        Returns
        -------
        dict of str to str
            ``name``, ``version`` and ``digest``.

        Examples
        --------
        >>> import crampnet
        >>> stamp = crampnet.load().spec.stamp()
        >>> stamp["name"], len(stamp["digest"])
        ('leg_cramps', 64)
        """
        return {"name": self.name, "version": self.version, "digest": self.digest}

    def node(self, node_id: str) -> Node:
        """Return the node ``node_id`` (``KeyError`` if absent).

        Parameters
        ----------
        node_id : str
            A node id (not an alias).

        Returns
        -------
        Node
            ``self.nodes[node_id]``.

        Raises
        ------
        KeyError
            If the network has no node ``node_id``.
        """
        return self.nodes[node_id]

    def parts_of(self, condition: str) -> tuple[str, ...]:
        """The parts of ``condition`` (conditions whose ``part_of`` names it), in file order.

        Parameters
        ----------
        condition : str
            A node id.

        Returns
        -------
        tuple of str
            The ids of its parts; empty if it has none.
        """
        return tuple(nid for nid, node in self.nodes.items() if node.part_of == condition)

    @cached_property
    def listed_conditions(self) -> tuple[str, ...]:
        """The conditions a differential lists: every condition that is not a part of another (computed once)."""
        return tuple(nid for nid, node in self.nodes.items() if node.role == "condition" and node.part_of is None)

    @cached_property
    def entailments(self) -> tuple[tuple[str, str, str, str], ...]:
        """Every ``entails`` as (finding, its positive state, implied finding, implied state), in network order (computed once)."""
        return tuple((nid, str(self.nodes[nid].positive), target, state) for nid in self.order for target, state in self.nodes[nid].entails)

    @cached_property
    def implications(self) -> tuple[tuple[str, str, str, str], ...]:
        """:attr:`entailments` and what they imply through chains: (finding, its positive state, a finding it implies, that state) (computed once).

        A finding entails at most one other and the loader refuses cycles
        (:func:`crampnet.network.entailment.check_entails`), so each finding
        implies the findings up its one chain.
        """
        up = {a: (b, t) for a, _, b, t in self.entailments}
        out: list[tuple[str, str, str, str]] = []
        for a, pos, b, t in self.entailments:
            seen = {a}
            while b not in seen:
                out.append((a, pos, b, t))
                seen.add(b)
                if b not in up:
                    break
                b, t = up[b]
        return tuple(out)

    @cached_property
    def implied_groups(self) -> tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...]:
        """Per implied finding: (its id, its implied state's index, ((implying finding, its positive state's index), ...)) (computed once).

        Innermost first: a finding implied by another comes before the one it
        implies (in a chain), as draws that keep the nesting need them.
        """
        out: dict[str, tuple[int, list[tuple[str, int]]]] = {}
        for a, pos, b, state in self.entailments:
            out.setdefault(b, (self.nodes[b].states.index(state), []))[1].append((a, self.nodes[a].states.index(pos)))
        above = {b: sum(1 for a, _, _, _ in self.implications if a == b) for b in out}
        return tuple((b, t, tuple(implying)) for b, (t, implying) in sorted(out.items(), key=lambda item: -above[item[0]]))
