"""The parts of a diagnosis that are computed: what :class:`~crampnet.reasoning.diagnosis.Diagnosis` holds.

:class:`DiagnosisParts` checks a case once and computes, when first asked for,
its posteriors, the ranking measures and the differential, the red flags and
the must-not-miss table, the explanations and the next questions.
:class:`~crampnet.reasoning.diagnosis.Diagnosis` (made by
:func:`~crampnet.reasoning.diagnosis.diagnose`) inherits them and adds what
shows or keeps them: the repr, the report, the notebook HTML and the JSON
record. Users meet these on a ``Diagnosis``, never this class by name.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._diagnosis_parts import DiagnosisParts
>>> dx = crampnet.load().diagnose({"exertional_pain_relieved_by_rest": True, "age": 70})
>>> isinstance(dx, DiagnosisParts), dx.differential[0]
(True, 'peripheral_arterial_disease')
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from crampnet._arguments import check_case, check_model
from crampnet.network.evidence import resolve_id
from crampnet.reasoning._counterfactual import measures
from crampnet.reasoning._differential import present_given
from crampnet.reasoning._scoring import observe
from crampnet.reasoning.html import MEASURES, legend, population_phrase, rounded
from crampnet.reasoning.mustnotmiss import MustNotMissRow, must_not_miss_rows, must_not_miss_table
from crampnet.reasoning.questions import rank_questions, ranked_rows
from crampnet.reasoning.ranking import check_ranking, order_positions
from crampnet.reasoning.redflags import RedFlag, check_threshold, red_flags, rule_outs_met

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from crampnet.base import BaseModel
    from crampnet.reasoning._decision import Answers

__all__ = ["DiagnosisParts"]


class DiagnosisParts:
    """The computed parts of one case's diagnosis; see :class:`~crampnet.reasoning.diagnosis.Diagnosis`."""

    def __init__(self, model: BaseModel, evidence: Mapping[str, object] | None, *, ranking: str = "counterfactual", threshold: float | None = None) -> None:
        self.ranking = check_ranking(ranking, "diagnose")
        check_case(evidence, "evidence", "diagnose")
        self.model = model = check_model(model, "diagnose")
        self._values = model.posterior_array(evidence)  # network order; validates, raises on impossible evidence
        # A copy of each soft-evidence mapping: the parts are computed later, from this, and the caller may reuse theirs.
        self._evidence: dict[str, object] = {resolve_id(model.spec, k): dict(v) if isinstance(v, Mapping) else v for k, v in (evidence or {}).items()}
        self._threshold = None if threshold is None else check_threshold(threshold)

    @property
    def evidence(self) -> dict[str, object]:
        """The evidence, keyed by node id (aliases resolved), values as given: a new copy each time, to build the next case on.

        Examples
        --------
        >>> import crampnet
        >>> dx = crampnet.load().diagnose({"age": 70, "urge_to_move": True})
        >>> following = dx.evidence
        >>> following["worse_evening"] = True  # the next answer, for the next diagnosis
        >>> dx.evidence
        {'age_group': 70, 'urge_to_move': True}
        """
        return {k: dict(v) if isinstance(v, Mapping) else v for k, v in self._evidence.items()}

    @property
    def measure(self) -> str:
        """The column of :attr:`scores` the differential is ordered by: ``disablement``, ``sufficiency`` or ``posterior``.

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> model.diagnose({"urge_to_move": True}).measure
        'disablement'
        >>> model.diagnose({"urge_to_move": True}, ranking="posterior").measure
        'posterior'
        """
        return MEASURES[self.ranking]

    @property
    def legend(self) -> list[str]:
        """What the probability and the ordering measure mean, one line each.

        See :func:`crampnet.reasoning.html.legend`.

        Examples
        --------
        >>> import crampnet
        >>> legend = crampnet.load().diagnose({"urge_to_move": True}).legend
        >>> [line.split(":")[0] for line in legend]
        ['Probability', 'Expected disablement']
        """
        return legend(self.ranking, population_phrase(self.model))

    @cached_property
    def posteriors(self) -> pd.Series:
        """``model.posteriors(evidence)``: P(present | evidence) per condition, sorted descending.

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> case = {"urge_to_move": True, "uncomfortable_sensations": True, "worse_at_rest": True, "ferritin": 32}
        >>> dx = model.diagnose(case)
        >>> dx.posteriors.index[0], bool(dx.posteriors.is_monotonic_decreasing)
        ('restless_legs_syndrome', True)
        >>> bool((dx.posteriors == model.posteriors(case)).all())
        True
        """
        return self.model._posterior_series(self._values)

    def _probabilities(self) -> dict[str, float]:
        """:attr:`posteriors` as a dict, most probable first, without building it (from the diagnosis's own array: a caller's edit of the Series changes no other part)."""
        values, conditions = self._values.tolist(), self.model.conditions
        return {conditions[i]: values[i] for i in order_positions(self._values).tolist()}

    @cached_property
    def _measures(self) -> dict[str, np.ndarray]:
        """Posterior (the one every display shows), disablement and sufficiency, in network order."""
        _, disable, suffice = measures(self.model, observe(self.model, self._evidence))
        return {"posterior": self._values, "disablement": disable, "sufficiency": suffice}

    @cached_property
    def _parts_given(self) -> dict[tuple[str, ...], list[float]]:
        """What :meth:`_present_given` worked out, by the parts asked for."""
        return {}

    def _present_given(self, parts: tuple[str, ...]) -> list[float]:
        """P(part present | evidence) of each of ``parts`` (:func:`~crampnet.reasoning._differential.present_given`), kept.

        One batch per list of parts: the report's markdown and HTML, and a
        display that shows the same rows, read it again instead of asking
        the engine again (a new list, in a batch of its own, gives the same
        numbers as it did before this was kept).
        """
        if parts not in self._parts_given:
            self._parts_given[parts] = present_given(self.model, list(parts), self.evidence)
        return list(self._parts_given[parts])

    def _measure_value(self, condition: str) -> float | None:
        """:func:`~crampnet.reasoning.html.measure_value` without pandas (the repr and the command line)."""
        values = None if self.measure == "posterior" else self._measures[self.measure].tolist()
        return None if values is None else rounded(values[self.model.conditions.index(condition)])

    @cached_property
    def _counterfactual(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self._measures, index=pd.Index(self.model.conditions, name="condition"))

    @property
    def scores(self) -> pd.DataFrame:
        """Posterior, expected disablement and expected sufficiency, in the order of :attr:`differential` (a new copy each time).

        ``disablement`` and ``sufficiency`` are rounded to
        :data:`~crampnet.reasoning.ranking.DECIMALS` decimals, the precision the
        order compares them at, and ``posterior`` is exact: sorting by
        ``[measure, "posterior"]``, both descending (stably), gives
        :attr:`differential` back. Unrounded values:
        :func:`crampnet.reasoning.ranking.counterfactual_scores`.

        Examples
        --------
        >>> import crampnet
        >>> dx = crampnet.load().diagnose({"urge_to_move": True, "worse_at_rest": True})
        >>> list(dx.scores.columns)
        ['posterior', 'disablement', 'sufficiency']
        >>> list(dx.scores.index) == dx.differential
        True
        """
        return self._scores.copy()

    @cached_property
    def _scores(self) -> pd.DataFrame:
        frame = self._counterfactual.loc[list(self._differential)].copy()
        for column in ("disablement", "sufficiency"):
            frame[column] = [rounded(v) for v in frame[column]]
        return frame

    @property
    def differential(self) -> list[str]:
        """Every condition id, in the order ``ranking`` recommends (:mod:`crampnet.reasoning.ranking`); a new list each time.

        This and the other parts (:attr:`red_flags`, :attr:`must_not_miss`,
        :attr:`scores`) are computed once and handed out as copies, so that
        what a caller does to one (sorts it, pops a flag) changes nothing
        the diagnosis shows after: its repr, report, HTML and record.

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> dx = model.diagnose({"exertional_pain_relieved_by_rest": True, "age": 70})
        >>> dx.differential[0]
        'peripheral_arterial_disease'
        >>> sorted(dx.differential) == sorted(model.conditions)
        True
        """
        return list(self._differential)

    @cached_property
    def _differential(self) -> tuple[str, ...]:
        if self.ranking == "posterior":
            return tuple(self._probabilities())
        conditions, scores = self.model.conditions, self._measures
        return tuple(conditions[i] for i in order_positions(scores["posterior"], scores[self.measure]).tolist())

    @property
    def red_flags(self) -> list[RedFlag]:
        """Red flags, most urgent first (see :mod:`crampnet.reasoning.redflags`); a new list each time.

        Examples
        --------
        >>> import crampnet
        >>> case = {"age": 70, "cold_pale_limb": True, "pedal_pulses": "absent", "symptom_duration": 1}
        >>> flags = crampnet.load().diagnose(case).red_flags
        >>> flags[0].condition, flags[0].urgency  # cold and pulseless: the ESVS 2020 rule
        ('acute_limb_ischemia', 'emergency')
        """
        return list(self._red_flags)

    @cached_property
    def _red_flags(self) -> tuple[RedFlag, ...]:
        return tuple(red_flags(self.model, self._evidence, self._probabilities(), threshold=self._threshold))

    @property
    def must_not_miss(self) -> pd.DataFrame:
        """Every must-not-miss condition, whatever its rank: probability, threshold, flagged, urgency, ruled_out, rule_out, source (:func:`~crampnet.reasoning.mustnotmiss.must_not_miss_table`); a new copy each time.

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> table = model.diagnose({"urge_to_move": True, "worse_at_rest": True}).must_not_miss
        >>> sorted(table.index) == sorted(model.must_not_miss)  # listed even when improbable
        True
        """
        return self._must_not_miss.copy()

    @cached_property
    def _must_not_miss(self) -> pd.DataFrame:
        return must_not_miss_table(self.model, self._probabilities(), list(self._red_flags), self._threshold, self._evidence, self._rule_outs_met)

    def _must_not_miss_rows(self) -> list[MustNotMissRow]:
        """The rows of :attr:`must_not_miss` as tuples (condition id first), without pandas."""
        return must_not_miss_rows(self.model, self._probabilities(), list(self._red_flags), self._threshold, self._evidence, self._rule_outs_met)

    @cached_property
    def _rule_outs_met(self) -> dict[str, tuple[str, str]]:
        """The published rule-outs this case meets, with what each counted (:func:`~crampnet.reasoning.redflags.rule_outs_met`)."""
        return rule_outs_met(self.model, self._evidence, self._threshold)

    @cached_property
    def _contributions(self) -> pd.DataFrame:
        # Imported where used: the command line's diagnosis explains nothing.
        from crampnet.reasoning.explain import log_odds_contributions

        return log_odds_contributions(self.model, self._evidence)

    def explain(self, condition: str) -> pd.DataFrame:
        """Each evidence entry's contribution to ``condition``'s log-odds.

        Parameters
        ----------
        condition : str
            A condition id.

        Returns
        -------
        pandas.DataFrame
            Indexed by the observed node ids; columns ``state``, ``log_odds``,
            ``likelihood_ratio`` and ``sentence``. See
            :func:`crampnet.reasoning.explain.explain`.

        Raises
        ------
        UnknownNodeError
            If ``condition`` is not a condition of the network ("Did you mean ...?").

        Examples
        --------
        >>> import crampnet
        >>> dx = crampnet.load().diagnose({"urge_to_move": True, "ferritin": 30})
        >>> table = dx.explain("restless_legs_syndrome")
        >>> list(table.index), bool(table.loc["urge_to_move", "log_odds"] > 0)
        (['urge_to_move', 'ferritin'], True)
        """
        from crampnet.reasoning.explain import explain, resolve_condition

        cond = resolve_condition(self.model, condition)
        return explain(self.model, self._evidence, cond, contributions=self._contributions[[cond]])

    def next_questions(
        self,
        n: int | None = 10,
        *,
        by: str = "decision",
        about: str | list[str] | tuple[str, ...] | None = None,
        cost_aware: bool = False,
        staged: bool = False,
    ) -> pd.DataFrame:
        """What to ask or test next, best first.

        Every answer of every question is scored once per diagnosis; each call
        only ranks them.

        Parameters
        ----------
        n : int or None, default=10
            How many to return (None: all).
        by : {'decision', 'information', 'value'}, default='decision'
            By the probability that the answer changes a decision (the leading
            condition, a must-not-miss testing or test-treatment threshold, or the one
            :func:`~crampnet.reasoning.diagnosis.diagnose` was given, or a finding rule's flag), information gain
            breaking ties; by information gain alone; or by the expected
            value of the answer (``value``), then as ``'decision'``.
        about : str or list of str, optional
            Condition ids to focus on: every measure counts only them.
        cost_aware : bool, default=False
            Rank by the measure per unit cost.
        staged : bool, default=False
            History first, then examination, then tests.

        Returns
        -------
        pandas.DataFrame
            See :func:`crampnet.reasoning.questions.next_questions`.

        Examples
        --------
        >>> import crampnet
        >>> dx = crampnet.load().diagnose({"muscle_cramps": True, "fasciculations": True})
        >>> table = dx.next_questions(3, about=["motor_neuron_disease"])
        >>> list(table["about"]) == ["motor_neuron_disease"] * 3
        True
        """
        return rank_questions(self.model, self._answers, n, by=by, about=about, cost_aware=cost_aware, staged=staged)

    @cached_property
    def _answers(self) -> Answers:
        from crampnet.reasoning.questions import collect_answers

        return collect_answers(self.model, self._evidence, threshold=self._threshold)  # the red flags' thresholds

    def _question_rows(self, n: int | None, by: str = "decision", staged: bool = False) -> list[tuple[str, dict[str, object]]]:
        """The rows of ``next_questions(n, by=by, staged=staged)`` as ``(question, row)`` pairs, without pandas."""
        return ranked_rows(self.model, self._answers, n, by=by, staged=staged)
