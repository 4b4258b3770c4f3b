"""The numbers typed in a case, as the finding rules read them where their source draws its line off the network's band.

The evidence turned into likelihood vectors keeps only the band a number
falls in. A rule whose source puts its edge elsewhere than the vocabulary's
cut point (an ABI of 0.90 is abnormal by the 2016 AHA/ACC guideline, and
``normal`` by the vocabulary's band) names that edge in ``Rule.numbers``;
:func:`typed_numbers` collects the numbers typed (as numbers or as text the
evidence reader reads as numbers) and :func:`typed_reading` gives the
evidence as one rule reads it.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._typed_numbers import typed_numbers
>>> typed_numbers(crampnet.load(), {"ankle_brachial_index": "0.90", "rest_pain": True, "ferritin": 32})
{'ankle_brachial_index': 0.9, 'ferritin': 32.0}
"""

from __future__ import annotations

import decimal
import fractions
from collections.abc import Mapping
from numbers import Real
from typing import TYPE_CHECKING

import numpy as np

from crampnet.network._exact import cut_like, exact_number
from crampnet.network._units import number_alone
from crampnet.network.evidence import as_float, resolve_id, typed_number
from crampnet.reasoning._entries import _Stated, matches

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.reasoning._rules import Rule

__all__ = ["typed_numbers", "typed_reading"]


def typed_numbers(model: BaseModel, evidence: Mapping[str, object] | None) -> dict[str, float]:
    """The numbers typed in ``evidence`` for nodes with numeric bands, by node id: what a rule's ``numbers`` read.

    The evidence turned into likelihood vectors keeps only the band a number
    falls in; a rule whose source draws its line elsewhere than the
    vocabulary's cut point (an ABI of 0.90) reads the number itself.

    Parameters
    ----------
    model : BaseModel
        The model.
    evidence : Mapping or None
        The case as given (checked already, :func:`~crampnet.reasoning._scoring.observe`):
        node ids or aliases to values.

    Returns
    -------
    dict of str to float
        Node id to the number typed for it, as a number or as text the
        evidence reader reads as one (``"0.90"``, as
        :func:`crampnet.network.evidence.typed_number`); bools, states and
        soft evidence left out. A number with more digits than a float holds
        (``Decimal("0.90000000000000000001")``) keeps it, for
        :func:`typed_reading` to compare with a rule's edge as the evidence
        reader compares it with a cut.
    """
    spec, out = model.spec, {}
    for key, value in (evidence or {}).items():
        if isinstance(value, bool | np.bool_) or not isinstance(value, Real | decimal.Decimal | str):
            continue
        node = spec.nodes[resolve_id(spec, key)]
        number = typed_number(node, value) if isinstance(value, str) else as_float(value) if node.bands else None
        if number is not None:
            out[node.id] = _typed(number, number_alone(node, value) if isinstance(value, str) else value)  # "0.9 ratio": 0.9, exactly
    return out


class _Typed(float):
    """A float read from a number with more digits than it holds, keeping that number (``exact``) to compare with a rule's edge.

    Parameters
    ----------
    number : float
        The float read.
    exact : fractions.Fraction or decimal.Decimal
        The number given (``crampnet.network._exact.exact_number``).
    """

    exact: fractions.Fraction | decimal.Decimal

    def __new__(cls, number: float, exact: fractions.Fraction | decimal.Decimal) -> _Typed:
        """The float ``number``, with the number given as ``exact``.

        Parameters
        ----------
        number : float
            The float read.
        exact : fractions.Fraction or decimal.Decimal
            The number given.

        Returns
        -------
        _Typed
            The float, with ``exact``.
        """
        self = super().__new__(cls, number)
        self.exact = exact
        return self


def _typed(number: float, given: object) -> float:
    """``number``, the float ``given`` was read as, as a ``_Typed`` that keeps ``given`` where it is not that float's decimal.

    Parameters
    ----------
    number : float
        The float read.
    given : object
        The value as given (a Decimal, Fraction, int, float or text).

    Returns
    -------
    float
        ``number`` itself where ``given`` is the decimal the float writes
        (``"0.90"``, 0.9), else a ``_Typed`` keeping the exact number.
    """
    exact = exact_number(number, given)
    return number if isinstance(exact, float) or exact == cut_like(exact, number) else _Typed(number, exact)


def _beyond(number: float, edge: float) -> bool:
    """Whether ``number`` is beyond (above) ``edge``, compared as the evidence reader compares a number with a cut.

    A Decimal, Fraction or text with more digits than a float holds rounds
    onto the float of an edge (``Decimal("0.90000000000000000001")`` onto
    the ABI's 0.90); the evidence reader bands it by its exact value against
    the cut as the file writes it (``crampnet.network._exact``), and so is it
    compared here. A float off the edge is on the exact number's side of it,
    as rounding is monotone.

    Parameters
    ----------
    number : float
        A number of :func:`typed_numbers`.
    edge : float
        A rule's edge (``Rule.numbers``).

    Returns
    -------
    bool
        Whether the number given is above the edge.
    """
    if number == edge and isinstance(number, _Typed):
        return bool(number.exact > cut_like(number.exact, edge))
    return number > edge


def typed_reading(model: BaseModel, vectors: Mapping[str, np.ndarray], rule: Rule, typed: Mapping[str, float]) -> tuple[Mapping[str, np.ndarray], dict[str, str]]:
    """The evidence as ``rule`` reads it: a typed number within one of its ``numbers`` counted as that entry, and how to show it.

    A number typed for a node the rule reads by ``Rule.numbers`` counts as
    the entry named there when it is at or under the bound and its band
    matches none of the rule's states of that node: an ABI typed as 0.90 is
    banded ``normal`` by the vocabulary (0.9 up to 1.4), and the critical
    limb ischemia rule reads it as ``low``, since the 2016 AHA/ACC
    guideline calls 0.90 or less abnormal (``_rules.AHA_ACC_2016``). The
    network's posteriors still read the band.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence (:func:`~crampnet.reasoning._entries.stated`); not changed.
    rule : Rule
        The rule.
    typed : Mapping of str to float
        The numbers typed, by node id (:func:`typed_numbers`).

    Returns
    -------
    tuple of (Mapping of str to numpy.ndarray, dict of str to str)
        ``vectors`` itself when no number counts otherwise than its band,
        else a copy with the node's vector the entry's indicator; and node id
        to the words the message shows for it (the number, why it counts,
        and the network's band).
    """
    view: _Stated | None = None
    shown: dict[str, str] = {}
    for nid, at_most, state, why in rule.numbers:
        node = model.spec.nodes.get(nid)
        if node is None or nid not in typed or _beyond(typed[nid], at_most) or nid not in vectors or matches(model, vectors, (nid, state)) or any(matches(model, vectors, (n, s)) for group in rule.groups for n, s in group if n == nid):
            continue  # its band counts already (or the number is out of its reach)
        if view is None:
            view = _Stated(vectors)
            view.fixed = getattr(vectors, "fixed", frozenset())
        band = node.states[int(np.argmax(vectors[nid]))]
        view[nid] = np.eye(len(node.states))[node.states.index(state)]
        shown[nid] = f"{typed[nid]:g} ({why}; the network's band is {band})"
    return (vectors if view is None else view), shown
