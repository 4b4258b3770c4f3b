"""The clinical methods of :class:`crampnet.Model`: diagnose, describe, draw and explore a case.

:class:`ClinicalMethods` binds the reasoning layer (:func:`crampnet.diagnose`),
the node descriptions (:mod:`crampnet.network.describe`), the drawing
(:mod:`crampnet.display`) and the Jupyter form (:mod:`crampnet.explorer`) on a
:class:`~crampnet.base.BaseModel`; :class:`crampnet.Model` (:mod:`crampnet.model`)
inherits them and adds the trust and interop methods. Users meet these methods
on the model :func:`crampnet.load` returns, never this class by name.

Examples
--------
>>> import crampnet
>>> from crampnet._clinical import ClinicalMethods
>>> model = crampnet.load()
>>> isinstance(model, ClinicalMethods)
True
>>> model.diagnose({"exertional_pain_relieved_by_rest": True, "age": 70}).differential[0]
'peripheral_arterial_disease'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crampnet.base import BaseModel

if TYPE_CHECKING:
    from crampnet.explorer import Explorer
    from crampnet.network.describe import NodeDescription
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["ClinicalMethods"]


class ClinicalMethods(BaseModel):
    """The methods of :class:`crampnet.Model` that answer the clinician's question about one case."""

    def diagnose(self, evidence: Mapping[str, object] | None = None, *, ranking: str = "counterfactual", threshold: float | None = None) -> Diagnosis:
        """Diagnose one case: differential, explanation, next questions, red flags, report.

        Parameters
        ----------
        evidence : mapping, optional
            One case, as for :meth:`posteriors`.
        ranking : {'counterfactual', 'disablement', 'sufficiency', 'posterior'}, default='counterfactual'
            The order of the differential (:mod:`crampnet.reasoning.ranking`).
        threshold : float, optional
            One red-flag threshold in (0, 1] for every must-not-miss
            condition, which the next questions' crossings read too; by
            default each has its own testing threshold.

        Returns
        -------
        Diagnosis
            As :func:`crampnet.diagnose` returns it (it raises as that does too).

        Examples
        --------
        >>> import crampnet
        >>> dx = crampnet.load().diagnose({"exertional_pain_relieved_by_rest": True, "age": 70})
        >>> dx.differential[0]
        'peripheral_arterial_disease'
        """
        from crampnet.reasoning.diagnosis import diagnose

        return diagnose(self, evidence, ranking=ranking, threshold=threshold)

    def draw(self, evidence: Mapping[str, object] | None = None, ax: Any = None, *, whole: bool = False) -> Any:
        """Draw the part of the network that matters for a case, each condition with its posterior as a bar.

        Parameters
        ----------
        evidence : mapping, optional
            One case, as for :meth:`posteriors`; its nodes are drawn with their
            values, outlined in black (every box is shaded in its role's colour).
        ax : matplotlib.axes.Axes, optional
            Where to draw; by default a new figure.
        whole : bool, default=False
            Draw every node, not only the case's conditions and findings.

        Returns
        -------
        matplotlib.axes.Axes
            The axes drawn on (:func:`crampnet.display.draw`; needs ``crampnet[plot]``).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import crampnet
        >>> ax = crampnet.load().draw({"urge_to_move": True})
        >>> any((p.get_gid() or "") == "bar:restless_legs_syndrome" for p in ax.patches)
        True
        """
        from crampnet.display import draw

        return draw(self, evidence, ax, whole=whole)

    def explore(self, case: Mapping[str, object] | None = None, *, questions: int = 5) -> Explorer:
        """A Jupyter form: one control per finding; the differential, red flags and next questions redrawn as you answer.

        Parameters
        ----------
        case : mapping, optional
            Answers to start from, as for :meth:`posteriors`.
        questions : int, default=5
            How many next questions the form lists.

        Returns
        -------
        Explorer
            The form (:func:`crampnet.explorer.explore`); Jupyter shows it.
            Needs ipywidgets (``pip install "crampnet[explorer]"``).

        Examples
        --------
        >>> import crampnet
        >>> form = crampnet.load().explore({"urge_to_move": True}, questions=0)
        >>> form.evidence
        {'urge_to_move': 'yes'}
        """
        from crampnet.explorer import explore

        return explore(self, case, questions=questions)

    def describe(self, node: str) -> NodeDescription:
        """What a node is: its meaning, states, bands, parents, children and sources.

        Parameters
        ----------
        node : str
            A node id or alias (``"age"`` is ``age_group``).

        Returns
        -------
        NodeDescription
            ``id``, ``label``, ``role``, ``states``, ``description`` (what
            it means and how it is elicited or measured), ``aliases``,
            ``unit``, ``valid`` and ``bands`` (``band_ranges`` in words) of
            a numeric node, ``parents``, ``children``, ``must_not_miss``,
            ``model`` and ``sources`` (each source of its numbers in
            :meth:`parameters`, in this model's population: key, citation,
            how many numbers). Prints as text; Jupyter shows it as HTML.

        Raises
        ------
        UnknownNodeError
            If the network has no such node ("Did you mean ...?").
        EvidenceTypeError
            If ``node`` is not a string.

        See Also
        --------
        crampnet.network.describe.describe_node : The same, from a provenance table computed once.

        Examples
        --------
        >>> import crampnet
        >>> info = crampnet.load().describe("tsh")
        >>> info.label, info.unit, info.band_ranges
        ('TSH', 'mIU/L', (('low', 'under 0.4'), ('normal', '0.4 to 4.5'), ('high', 'over 4.5')))
        >>> "restless_legs_syndrome" in crampnet.load().describe("urge_to_move").parents
        True
        """
        from crampnet.network.describe import describe_node

        return describe_node(self.spec, node, self.parameters())
