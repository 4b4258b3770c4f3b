"""The node ids and states of a model: which nodes are conditions, findings, context.

:class:`NodeIds` answers, from the validated network file alone, the
questions a user asks before any inference: which conditions the network
knows (and which must not be missed), which findings and context nodes a
case may enter, and the states of each. :class:`crampnet.base.BaseModel`
inherits it; users meet these properties on the model :func:`crampnet.load`
returns.

Examples
--------
>>> import crampnet
>>> from crampnet._ids import NodeIds
>>> model = crampnet.load()
>>> isinstance(model, NodeIds)
True
>>> model.states("pedal_pulses")
['normal', 'diminished', 'absent']
"""

from __future__ import annotations

from crampnet.network.evidence import resolve_id
from crampnet.network.spec import NetworkSpec

__all__ = ["NodeIds"]


class NodeIds:
    """The ids of a network's nodes by role, and the states of each.

    Attributes
    ----------
    spec : NetworkSpec
        The validated network file the ids come from.
    """

    spec: NetworkSpec

    @property
    def conditions(self) -> list[str]:
        """Ids of the condition nodes, whose posteriors :meth:`posteriors` returns (a part of a condition is not listed).

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> "restless_legs_syndrome" in model.conditions
        True
        >>> "overt_thyroid_dysfunction" in model.conditions  # a part of thyroid_disease
        False
        """
        return list(self.spec.listed_conditions)

    @property
    def parts(self) -> list[str]:
        """Ids of the conditions that are a part of another (``part_of``): never listed on their own (:mod:`crampnet.network.parts`).

        Examples
        --------
        >>> import crampnet
        >>> crampnet.load().parts
        ['overt_thyroid_dysfunction']
        """
        return [nid for nid, node in self.spec.nodes.items() if node.part_of is not None]

    @property
    def findings(self) -> list[str]:
        """Ids of the finding nodes (symptoms, signs, tests).

        Examples
        --------
        >>> import crampnet
        >>> findings = crampnet.load().findings
        >>> "urge_to_move" in findings, "ferritin" in findings, "age_group" in findings
        (True, True, False)
        """
        return [nid for nid, node in self.spec.nodes.items() if node.role == "finding"]

    @property
    def context(self) -> list[str]:
        """Ids of the context nodes (age, sex, medications, risk factors).

        Examples
        --------
        >>> import crampnet
        >>> context = crampnet.load().context
        >>> "age_group" in context, "urge_to_move" in context
        (True, False)
        """
        return [nid for nid, node in self.spec.nodes.items() if node.role == "context"]

    @property
    def must_not_miss(self) -> list[str]:
        """Conditions flagged must-not-miss in the network file.

        Examples
        --------
        >>> import crampnet
        >>> sorted(crampnet.load().must_not_miss)
        ['acute_limb_ischemia', 'critical_limb_ischemia', 'deep_vein_thrombosis', 'motor_neuron_disease']
        """
        return [c for c in self.conditions if self.spec.nodes[c].must_not_miss]

    def states(self, node: str) -> list[str]:
        """The states of ``node``, in network order.

        Parameters
        ----------
        node : str
            A node id or alias (``"age"`` is ``age_group``).

        Returns
        -------
        list of str
            Its state names, in the order of its table.

        Raises
        ------
        UnknownNodeError
            If the network has no such node ("Did you mean ...?").

        Examples
        --------
        >>> import crampnet
        >>> crampnet.load().states("ferritin")
        ['low', 'normal']
        """
        return list(self.spec.nodes[resolve_id(self.spec, node, "states")].states)
