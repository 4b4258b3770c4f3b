"""What ``crampnet describe`` prints: one node's description, or the index of every node.

:func:`print_description` prints what ``crampnet describe NODE`` prints (a
:class:`~crampnet.network.describe.NodeDescription` as text), and
:func:`print_index` what ``crampnet describe`` prints with no node: the text
of :func:`node_index`, every node id with its label and states, by role.
:mod:`crampnet.network.describe` gathers what a description holds, and
re-exports all three, which the command line imports from there.

Examples
--------
>>> import crampnet
>>> from crampnet.network._describe_print import node_index
>>> node_index(crampnet.load().spec).splitlines()[-1]
'Describe one node (meaning, states, bands, neighbours, sources): crampnet describe NODE.'
"""

from __future__ import annotations

import sys
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from crampnet.network.describe import NodeDescription
    from crampnet.network.records import NetworkSpec

__all__ = ["node_index", "print_description", "print_index"]


class _Describes(Protocol):
    def describe(self, node: str) -> NodeDescription: ...


def print_description(model: _Describes, node: str, file: IO[str] | None = None) -> int:
    """Print what ``crampnet describe NODE`` prints; return the exit code (0).

    Errors (an unknown node) propagate, for the command line to report.

    Parameters
    ----------
    model : Model
        Anything with a ``describe(node)`` method returning a
        :class:`~crampnet.network.describe.NodeDescription`, such as a loaded model.
    node : str
        A node id or alias.
    file : file-like, optional
        Where to print (a text stream); standard output by default.

    Returns
    -------
    int
        The exit code, always 0 (errors are raised, not returned).

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.describe import print_description
    >>> print_description(crampnet.load(), "age")  # doctest: +ELLIPSIS
    age_group: Age group
    ...
      Numeric:      in years, valid 0 to 120; under_40: under 40; 40_to_64: 40 to under 65;
                    65_plus: 65 or over
    ...
    0
    """
    print(model.describe(node), file=sys.stdout if file is None else file)
    return 0


#: The roles in the order the index lists them, with their headings.
_ROLE_HEADINGS = (("condition", "Conditions"), ("finding", "Findings"), ("context", "Context"))


def node_index(spec: NetworkSpec) -> str:
    """Every node id of ``spec`` with its label and states, by role: what ``crampnet describe`` prints with no node.

    Must-not-miss conditions are marked, and a numeric node says its unit
    (it takes a number as well as its states). A role the network does not
    use is left out.

    Parameters
    ----------
    spec : NetworkSpec
        The network.

    Returns
    -------
    str
        One heading per role ("Conditions (22):"), then one line per node
        (id, label, states, aliases); then how to describe one node.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.describe import node_index
    >>> text = node_index(crampnet.load().spec)
    >>> text.splitlines()[:2]
    ['Conditions (22):', '  nocturnal_leg_cramps: Idiopathic nocturnal leg cramps; present/absent']
    >>> "  deep_vein_thrombosis: Deep vein thrombosis [must not miss]; present/absent" in text.splitlines()
    True
    """
    lines: list[str] = []
    for role, heading in _ROLE_HEADINGS:
        nodes = [n for n in spec.nodes.values() if n.role == role]
        if not nodes:
            continue
        lines.append(f"{heading} ({len(nodes)}):")
        for n in nodes:
            marks = " [must not miss]" if n.must_not_miss else ""
            number = f", or a number{' in ' + n.unit if n.unit else ''}" if n.bands else ""
            aliases = f" (also: {', '.join(n.aliases)})" if n.aliases else ""
            lines.append(f"  {n.id}: {n.label or n.id}{marks}; {'/'.join(n.states)}{number}{aliases}")
    lines.append("Describe one node (meaning, states, bands, neighbours, sources): crampnet describe NODE.")
    return "\n".join(lines)


def print_index(spec: NetworkSpec, file: IO[str] | None = None) -> int:
    """Print :func:`node_index` (what ``crampnet describe`` prints with no node); return the exit code (0).

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    file : file-like, optional
        Where to print (a text stream); standard output by default.

    Returns
    -------
    int
        The exit code, always 0.

    Examples
    --------
    >>> import io, crampnet
    >>> from crampnet.network.describe import print_index
    >>> out = io.StringIO()
    >>> print_index(crampnet.load().spec, out), out.getvalue().splitlines()[0]  # doctest: +ELLIPSIS
    (0, 'Conditions (...):')
    """
    print(node_index(spec), file=sys.stdout if file is None else file)
    return 0
