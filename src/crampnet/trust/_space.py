"""The slots of a network's parameter vector and the space that holds them.

A :class:`ParameterSpace` is the layout of every scalar parameter of a
network as one slot of a flat vector ``theta``, together with the batched
builders that turn rows of ``theta`` into node tables. It is filled by
:func:`crampnet.trust._parameters.parameter_space` (which walks the network)
through the per-model builders of :mod:`crampnet.trust._builders`; this
module holds only the records: :class:`Slot`, the slot :data:`Key` and the
:data:`Builder` signature.

Examples
--------
>>> import numpy as np
>>> from crampnet.network.spec import Dist, Provenance
>>> from crampnet.trust._space import ParameterSpace
>>> space = ParameterSpace()
>>> judged = Provenance("judgment", "example", None)
>>> space.add_dist(("a", "prior", None, None), Dist({"yes": 0.2, "no": 0.8}, judged), ("yes", "no"))
array([0, 1])
>>> space.point
array([0.2, 0.8])
>>> space.index()[("a", "prior", None, None, "no")]
1
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import numpy as np

from crampnet.network.spec import Dist, Param

__all__ = ["Builder", "Key", "ParameterSpace", "Slot"]

#: ``(node, kind, parent, parent_state, state)``, as in :meth:`crampnet.Model.parameters`.
Key = tuple[str, str, str | None, str | None, str | None]
#: Builds one node's tables from ``theta`` (shape ``(batch, n_slots)``) and the tables built so far.
Builder = Callable[[np.ndarray, Mapping[str, np.ndarray]], np.ndarray]


@dataclass(frozen=True)
class Slot:
    """One scalar parameter: its key, value, kind, file range and provenance."""

    key: Key
    value: float
    kind: str
    low: float | None = None
    high: float | None = None
    judgment: bool = False
    group: int | None = None


@dataclass
class ParameterSpace:
    """The slots of a network and the batched builders of its tables.

    Attributes
    ----------
    slots : list of Slot
        One per scalar parameter.
    point : numpy.ndarray
        The slots' values from the network (shape ``(n_slots,)``).
    groups : list of numpy.ndarray
        Slot indices of each distribution (they sum to one).
    alphas : dict of int to numpy.ndarray
        Dirichlet parameters fixed by a fit, per group (others get defaults).
    """

    slots: list[Slot] = field(default_factory=list)
    groups: list[np.ndarray] = field(default_factory=list)
    alphas: dict[int, np.ndarray] = field(default_factory=dict)
    builders: list[tuple[str, Builder]] = field(default_factory=list)
    overrides: list[tuple[str, np.ndarray]] = field(default_factory=list)
    #: (slot of an implied finding's link or leak, slots of the same link of the findings implying it)
    nested: list[tuple[int, np.ndarray]] = field(default_factory=list)

    @property
    def point(self) -> np.ndarray:
        """The network's own values of every slot."""
        return np.array([s.value for s in self.slots], dtype=float)

    def index(self) -> dict[Key, int]:
        """Slot position by key.

        Returns
        -------
        dict of Key to int
            The position in ``theta`` of every slot, by its :data:`Key`.
        """
        return {s.key: i for i, s in enumerate(self.slots)}

    def tables(self, theta: np.ndarray, only: Collection[str] | None = None) -> dict[str, np.ndarray]:
        """Every node's table for each row of ``theta`` (shape ``(batch, n_slots)``).

        With ``only`` (a set of nodes closed under taking parents), just those.
        Rows are first :meth:`nest`-ed.

        Parameters
        ----------
        theta : numpy.ndarray
            Float parameter vectors, shape ``(batch, n_slots)``, one per row.
        only : collection of str, optional
            The nodes to build; None (the default) builds every node.

        Returns
        -------
        dict of str to numpy.ndarray
            Per node id, its tables for the rows of ``theta``, float, shape
            ``(batch, card(node), *card(parents))``. A node's builder runs
            first, in network order; an override (a population prior or a
            fitted table) then replaces its table with slots read straight
            from ``theta``.
        """
        theta = self.nest(theta)
        tables: dict[str, np.ndarray] = {}
        for nid, build in self.builders:
            if only is None or nid in only:
                tables[nid] = build(theta, tables)
        for nid, slots in self.overrides:
            if only is None or nid in only:
                tables[nid] = theta[:, slots]
        return tables

    def nest(self, theta: np.ndarray) -> np.ndarray:
        """``theta`` with each implied finding's link (and leak) at least P(one of the findings implying it) on the same parent.

        A parameter draw can break a nesting (networks/FORMAT.md, "Nested
        findings"); the implied finding's link is then raised to the least
        value for which the joint model exists, innermost findings first so
        that a chain holds. ``theta`` itself is not changed.

        Parameters
        ----------
        theta : numpy.ndarray
            Parameter vectors, shape ``(batch, n_slots)``.

        Returns
        -------
        numpy.ndarray
            ``theta`` itself when every row keeps every nesting; otherwise a
            float copy, shape ``(batch, n_slots)``, with the broken links
            raised.
        """
        for b, implying in self.nested:
            with np.errstate(divide="ignore"):  # a link of 1: log 0 = -inf, union 1
                union = -np.expm1(np.log1p(-theta[:, implying]).sum(axis=1))  # 1 - prod(1 - p) is 0 for p below ~1e-16
            if np.any(union > theta[:, b]):
                theta = np.array(theta, dtype=float)
                theta[:, b] = np.maximum(theta[:, b], union)
        return theta

    # -- construction helpers -------------------------------------------------

    def add(self, key: Key, value: float, kind: str, param: Param | None = None, *, judgment: bool = False) -> int:
        """Append one slot and return its position.

        Parameters
        ----------
        key : Key
            The slot's key, ``(node, kind, parent, parent_state, state)``.
        value : float
            The slot's value in the network.
        kind : str
            What number it is: ``"probability"``, ``"positive"`` or ``"simplex"``.
        param : Param, optional
            The file's parameter, whose ``low`` and ``high`` the slot keeps;
            None (the default) for a slot without a range.
        judgment : bool, default=False
            Whether the value is a judgment rather than from a source.

        Returns
        -------
        int
            The new slot's position in ``theta`` (the last one).
        """
        low = param.low if param is not None else None
        high = param.high if param is not None else None
        self.slots.append(Slot(key, float(value), kind, low, high, judgment))
        return len(self.slots) - 1

    def add_param(self, key: Key, param: Param, kind: str) -> int:
        """Append the slot of a file parameter (value, range, whether a judgment) and return its position.

        Parameters
        ----------
        key : Key
            The slot's key, ``(node, kind, parent, parent_state, state)``.
        param : Param
            The parameter: its value, ``low``/``high`` and provenance.
        kind : str
            ``"probability"`` or ``"positive"`` (an odds ratio or mixture weight).

        Returns
        -------
        int
            The new slot's position in ``theta``.
        """
        return self.add(key, param.value, kind, param, judgment=param.provenance.source == "judgment")

    def add_dist(self, key: tuple[str, str, str | None, str | None], dist: Dist, states: tuple[str, ...], alpha: np.ndarray | None = None) -> np.ndarray:
        """Slots for a distribution over ``states`` (key gets the state appended).

        The slots, of kind ``"simplex"``, form a new group (appended to
        :attr:`groups`); each keeps its entry's range from ``dist.ranges``.

        Parameters
        ----------
        key : tuple
            ``(node, kind, parent, parent_state)``: a :data:`Key` without its state.
        dist : Dist
            The distribution: probabilities by state, provenance and ranges.
        states : tuple of str
            The node's states, the order of the slots.
        alpha : numpy.ndarray, optional
            Dirichlet parameters of the group, one per state, fixed by a fit
            (kept in :attr:`alphas`); None (the default) leaves the defaults.

        Returns
        -------
        numpy.ndarray
            The new slots' positions in ``theta``, one per state in the order
            of ``states``, dtype ``numpy.intp``.
        """
        group = len(self.groups)
        idx = []
        for s in states:
            judgment = dist.provenance.source == "judgment"
            low, high = dist.ranges.get(s, (None, None))
            self.slots.append(Slot((*key, s), float(dist.probabilities[s]), "simplex", low, high, judgment=judgment, group=group))
            idx.append(len(self.slots) - 1)
        arr = np.array(idx, dtype=np.intp)
        self.groups.append(arr)
        if alpha is not None:
            self.alphas[group] = np.asarray(alpha, dtype=float)
        return arr
