"""One patient's diagnosis: posteriors, ranked differential, reasons, next questions, red flags.

:func:`diagnose` checks the evidence once and returns a :class:`Diagnosis`,
whose parts are computed when first asked for and then kept:

- ``posteriors``: ``model.posteriors(evidence)``;
- ``differential``: every condition in the recommended order
  (:mod:`crampnet.reasoning.ranking`: counterfactual by default, or by posterior);
- ``scores``: posterior and both counterfactual measures, in that order and at
  the precision the order compares them; ``measure`` names the column the
  order used and ``legend`` says in one line per number what it means
  (:mod:`crampnet.reasoning.html` shows them);
- ``explain(condition)``: each evidence entry's share of the log-odds
  (:mod:`crampnet.reasoning.explain`);
- ``next_questions(n)``: what to ask or test next (:mod:`crampnet.reasoning.questions`);
- ``red_flags``: findings that call for action whatever the rank
  (:mod:`crampnet.reasoning.redflags`);
- ``report()``: all of it as markdown or HTML (:mod:`crampnet.reasoning.report`).

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning.diagnosis import diagnose
>>> model = crampnet.load()
>>> dx = diagnose(model, {"urge_to_move": True, "uncomfortable_sensations": True,
...                       "worse_at_rest": True, "relief_by_movement": True,
...                       "worse_evening": True, "ferritin": 32, "presenting_complaint": "restlessness"})
>>> dx.differential[0]
'restless_legs_syndrome'
>>> dx.red_flags
[]
>>> float(dx.explain("restless_legs_syndrome")["log_odds"].sum()) > 0
True
>>> dx.measure, list(dx.scores.index) == dx.differential
('disablement', True)
>>> dx.legend[1].startswith("Expected disablement: ") and dx.legend[1].endswith("ordered by this (at 2 decimals, ties by probability).")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from crampnet._arguments import check_model
from crampnet.exceptions import EvidenceTypeError, InvalidValueError
from crampnet.network.evidence import resolve_id
from crampnet.reasoning._counterfactual import measures
from crampnet.reasoning._scoring import observe
from crampnet.reasoning.explain import explain, log_odds_contributions, resolve_condition
from crampnet.reasoning.html import MEASURES, TITLES, legend, population_phrase, rounded
from crampnet.reasoning.mustnotmiss import MustNotMissRow, must_not_miss_rows, must_not_miss_table
from crampnet.reasoning.questions import rank_questions, ranked_rows
from crampnet.reasoning.ranking import DECIMALS, RANKINGS, order_positions
from crampnet.reasoning.redflags import RedFlag, check_threshold, red_flags, rule_outs_met

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from crampnet.base import BaseModel
    from crampnet.reasoning._decision import Answers

__all__ = ["Diagnosis", "diagnose"]


class Diagnosis:
    """The diagnosis of one case; make it with :func:`diagnose`.

    Attributes
    ----------
    model : BaseModel
        The model it was computed with.
    evidence : dict
        The evidence, keyed by node id (aliases resolved), values as given.
    ranking : str
        The order of :attr:`differential`.
    posteriors : pandas.Series
        ``model.posteriors(evidence)``: P(present | evidence) per condition, sorted.

    Every part is computed on numpy arrays and its pandas table built only
    when asked for, so the command line never imports pandas.
    """

    def __init__(
        self,
        model: BaseModel,
        evidence: Mapping[str, object] | None,
        *,
        ranking: str = "counterfactual",
        threshold: float | None = None,
    ) -> None:
        if ranking not in RANKINGS:
            msg = f"The 'ranking' argument of diagnose must be one of {', '.join(map(repr, RANKINGS))}. Got {ranking!r} instead."
            raise InvalidValueError(msg)
        if evidence is not None and not isinstance(evidence, Mapping):
            msg = f"The 'evidence' argument of diagnose must be a mapping of node id to state, e.g. {{'urge_to_move': True}}. Got {evidence!r} ({type(evidence).__name__}) instead."
            raise EvidenceTypeError(msg)
        self.model = model = check_model(model, "diagnose")
        self._values = model.posterior_array(evidence)  # network order; validates, raises on impossible evidence
        self.evidence: dict[str, object] = {resolve_id(model.spec, k): v for k, v in (evidence or {}).items()}
        self.ranking = ranking
        self._threshold = None if threshold is None else check_threshold(threshold)

    def __repr__(self) -> str:
        n, flags = len(self.evidence), len(self.red_flags)
        lines = [
            f"<crampnet.Diagnosis: {n} evidence entr{'y' if n == 1 else 'ies'}; {flags} red flag{'s' * (flags != 1)}; differential ({self.ranking}), first 3 of {len(self.differential)}:"
        ]
        post = self._probabilities()
        for rank, cond in enumerate(self.differential[:3], start=1):
            v = self._measure_value(cond)
            value = "" if v is None else f"; {TITLES[self.measure]} = {v:.{DECIMALS}f}"
            lines.append(f"  {rank}. {cond} (probability = {post[cond]:.3f}{value})")
        return "\n".join(lines + [f"  {line}" for line in self.legend]) + ">"

    @property
    def measure(self) -> str:
        """The column of :attr:`scores` the differential is ordered by: ``disablement``, ``sufficiency`` or ``posterior``."""
        return MEASURES[self.ranking]

    @property
    def legend(self) -> list[str]:
        """What the probability and the ordering measure mean, one line each.

        See :func:`crampnet.reasoning.html.legend`.
        """
        return legend(self.ranking, population_phrase(self.model))

    @cached_property
    def posteriors(self) -> pd.Series:
        """``model.posteriors(evidence)``: P(present | evidence) per condition, sorted descending."""
        return self.model._posterior_series(self._values)

    def _probabilities(self) -> dict[str, float]:
        """:attr:`posteriors` as a dict, most probable first, without building it (as it is, if built or set)."""
        if "posteriors" in self.__dict__:
            return {str(c): float(p) for c, p in self.posteriors.items()}
        values, conditions = self._values.tolist(), self.model.conditions
        return {conditions[i]: values[i] for i in order_positions(self._values).tolist()}

    @cached_property
    def _measures(self) -> dict[str, np.ndarray]:
        """Posterior (the one every display shows), disablement and sufficiency, in network order."""
        _, disable, suffice = measures(self.model, observe(self.model, self.evidence))
        return {"posterior": self._values, "disablement": disable, "sufficiency": suffice}

    def _measure_value(self, condition: str) -> float | None:
        """:func:`~crampnet.reasoning.html.measure_value` without pandas."""
        values = None if self.measure == "posterior" else self._measures[self.measure].tolist()
        return None if values is None else rounded(values[self.model.conditions.index(condition)])

    @cached_property
    def _counterfactual(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self._measures, index=pd.Index(self.model.conditions, name="condition"))

    @cached_property
    def scores(self) -> pd.DataFrame:
        """Posterior, expected disablement and expected sufficiency, in the order of :attr:`differential`.

        ``disablement`` and ``sufficiency`` are rounded to
        :data:`~crampnet.reasoning.ranking.DECIMALS` decimals, the precision the
        order compares them at, and ``posterior`` is exact: sorting by
        ``[measure, "posterior"]``, both descending (stably), gives
        :attr:`differential` back. Unrounded values:
        :func:`crampnet.reasoning.ranking.counterfactual_scores`.
        """
        frame = self._counterfactual.loc[self.differential].copy()
        for column in ("disablement", "sufficiency"):
            frame[column] = [rounded(v) for v in frame[column]]
        return frame

    @cached_property
    def differential(self) -> list[str]:
        """Every condition id, in the order ``ranking`` recommends (:mod:`crampnet.reasoning.ranking`)."""
        if self.ranking == "posterior":
            return list(self._probabilities())
        conditions, scores = self.model.conditions, self._measures
        return [conditions[i] for i in order_positions(scores["posterior"], scores[self.measure]).tolist()]

    @cached_property
    def red_flags(self) -> list[RedFlag]:
        """Red flags, most urgent first (see :mod:`crampnet.reasoning.redflags`)."""
        return red_flags(self.model, self.evidence, self._probabilities(), threshold=self._threshold)

    @cached_property
    def must_not_miss(self) -> pd.DataFrame:
        """Every must-not-miss condition, whatever its rank: probability, threshold, flagged, urgency, ruled_out, rule_out, source (:func:`~crampnet.reasoning.mustnotmiss.must_not_miss_table`)."""
        return must_not_miss_table(self.model, self._probabilities(), self.red_flags, self._threshold, self.evidence, self._rule_outs_met)

    def _must_not_miss_rows(self) -> list[MustNotMissRow]:
        """The rows of :attr:`must_not_miss` as tuples (condition id first), without pandas."""
        return must_not_miss_rows(self.model, self._probabilities(), self.red_flags, self._threshold, self.evidence, self._rule_outs_met)

    @cached_property
    def _rule_outs_met(self) -> dict[str, tuple[str, str]]:
        """The published rule-outs this case meets, with what each counted (:func:`~crampnet.reasoning.redflags.rule_outs_met`)."""
        return rule_outs_met(self.model, self.evidence, self._threshold)

    @cached_property
    def _contributions(self) -> pd.DataFrame:
        return log_odds_contributions(self.model, self.evidence)

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
        """
        cond = resolve_condition(self.model, condition)
        return explain(self.model, self.evidence, cond, contributions=self._contributions[[cond]])

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
            condition, a must-not-miss testing or test-treatment threshold, or a finding rule's flag), information gain
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

        return collect_answers(self.model, self.evidence)

    def _question_rows(self, n: int | None, by: str = "decision", staged: bool = False) -> list[tuple[str, dict[str, object]]]:
        """The rows of ``next_questions(n, by=by, staged=staged)`` as ``(question, row)`` pairs, without pandas."""
        return ranked_rows(self.model, self._answers, n, by=by, staged=staged)

    def report(self, format: str = "markdown", *, now: object = None) -> str:
        """The diagnosis as a clinical document for this patient, stamped and sourced.

        Parameters
        ----------
        format : {'markdown', 'html'}, default='markdown'
            Markdown text, or an HTML fragment (every text escaped).
        now : datetime.date or datetime.datetime, optional
            The date stamped on the report (default: today, UTC).

        Returns
        -------
        str
            Red flags first, then the ranked differential, findings for and
            against the leading conditions, what to ask next, management notes
            and pitfalls, and the sources of the numbers.
        """
        from crampnet.reasoning.report import render

        return render(self, format, now=now)

    def _repr_html_(self) -> str:
        """An HTML table with probability bars, red flags first (Jupyter)."""
        from crampnet.reasoning.html import diagnosis_html

        return diagnosis_html(self)

    def to_dict(self) -> dict[str, object]:
        """The diagnosis as plain data for JSON: str, float, int, bool, None, lists and dicts.

        Keys: ``evidence``, ``posteriors`` (most probable first), ``differential``
        (in order: ``rank``, ``condition``, ``posterior``, the ``ordered_by``
        measure, ``must_not_miss``, ``parts`` if it has parts), ``red_flags``
        (``condition``, ``urgency``, ``message``, ``source``), ``must_not_miss`` (the rows of
        :attr:`must_not_miss`, ``condition`` first), ``ranking``, ``threshold``, ``network``
        (``name``, ``version``), ``population``, ``crampnet_version``
        (:mod:`crampnet.reasoning._records`). :meth:`from_dict` reads it back.

        Examples
        --------
        >>> import json, crampnet
        >>> model = crampnet.load()
        >>> dx = model.diagnose({"urge_to_move": True, "ferritin": 30})
        >>> again = crampnet.Diagnosis.from_dict(model, json.loads(json.dumps(dx.to_dict())))
        >>> again.differential == dx.differential and again.posteriors.equals(dx.posteriors)
        True
        """
        from crampnet.reasoning._records import diagnosis_record

        return diagnosis_record(self)

    @classmethod
    def from_dict(cls, model: BaseModel, record: Mapping[str, object]) -> Diagnosis:
        """The diagnosis of a :meth:`to_dict` record, computed again with ``model`` from its evidence, ranking and threshold.

        Raises ``EvidenceTypeError`` for a record without an ``evidence``
        mapping, ``InvalidValueError`` if it names another network or
        population, bad evidence as :func:`diagnose`; warns (``UserWarning``)
        if it names another version of the network.
        """
        from crampnet.reasoning._records import record_arguments

        evidence, kwargs = record_arguments(check_model(model, "Diagnosis.from_dict"), record)
        return cls(model, evidence, **kwargs)  # type: ignore[arg-type]


def diagnose(
    model: BaseModel,
    evidence: Mapping[str, object] | None = None,
    *,
    ranking: str = "counterfactual",
    threshold: float | None = None,
) -> Diagnosis:
    """Diagnose one case.

    Parameters
    ----------
    model : BaseModel
        The compiled model (:func:`crampnet.load`).
    evidence : mapping, optional
        Node id (or alias) to value, as for :meth:`crampnet.Model.posteriors`.
    ranking : {'counterfactual', 'disablement', 'sufficiency', 'posterior'}, default='counterfactual'
        The order of the differential: by expected disablement (the default,
        also called ``counterfactual``), by expected sufficiency, or by
        posterior probability. See :mod:`crampnet.reasoning.ranking`.
    threshold : float or None, default=None
        None: each must-not-miss condition raises a red flag at its own
        testing threshold (:func:`crampnet.reasoning.redflags.testing_thresholds`,
        after Pauker & Kassirer 1980); a number in (0, 1] overrides it for all.

    Returns
    -------
    Diagnosis
        Posteriors, differential, explanations, next questions, red flags, report.

    Raises
    ------
    UnknownNodeError, InvalidStateError, InvalidValueError, EvidenceTypeError
        For bad evidence, as :meth:`crampnet.Model.posteriors`.
    ImpossibleEvidenceError
        If the evidence has probability zero (the message names the conflict).
    InvalidValueError
        For an unknown ``ranking`` or a ``threshold`` neither None nor in (0, 1].

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.reasoning.diagnosis import diagnose
    >>> claudication = {"exertional_pain_relieved_by_rest": True, "pain_location": "calf",
    ...                 "pedal_pulses": "diminished", "smoker": True, "age": 68}
    >>> dx = diagnose(crampnet.load(), claudication)
    >>> dx.differential[0]
    'peripheral_arterial_disease'
    """
    return Diagnosis(model, evidence, ranking=ranking, threshold=threshold)
