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

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

from crampnet._arguments import check_model
from crampnet.reasoning._diagnosis_parts import DiagnosisParts
from crampnet.reasoning._repr import diagnosis_repr

if TYPE_CHECKING:
    from crampnet.base import BaseModel

__all__ = ["Diagnosis", "diagnose"]


class Diagnosis(DiagnosisParts):
    """The diagnosis of one case; make it with :func:`diagnose`.

    Attributes
    ----------
    model : BaseModel
        The model it was computed with.
    evidence : dict
        The evidence, keyed by node id (aliases resolved), values as given:
        a new copy each time (soft-evidence mappings too), so that building
        the next case on it, or reusing the caller's dict, changes nothing here.
    ranking : str
        The order of :attr:`differential`.
    posteriors : pandas.Series
        ``model.posteriors(evidence)``: P(present | evidence) per condition, sorted.

    Every part is computed on numpy arrays and its pandas table built only
    when asked for, so the command line never imports pandas.
    """

    def __repr__(self) -> str:
        return diagnosis_repr(self)

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

        Examples
        --------
        >>> import datetime, crampnet
        >>> dx = crampnet.load().diagnose({"unilateral_calf_swelling": True})
        >>> text = dx.report(now=datetime.date(2026, 12, 6))
        >>> "- **Date:** 2026-12-06 (UTC)" in text, text.index("## Red flags") < text.index("Deep vein thrombosis")
        (True, True)
        """
        from crampnet.reasoning.report import render

        return render(self, format, now=now)

    def _repr_html_(self) -> str:
        """An HTML table with probability bars, red flags first (Jupyter)."""
        from crampnet.reasoning.html import diagnosis_html

        return diagnosis_html(self)

    def to_dict(self) -> dict[str, object]:
        """The diagnosis as plain data for JSON: str, float, int, bool, None, lists and dicts.

        Returns
        -------
        dict
            Keys: ``evidence``, ``posteriors`` (most probable first), ``differential``
            (in order: ``rank``, ``condition``, ``posterior``, the ``ordered_by``
            measure, ``must_not_miss``, ``parts`` if it has parts), ``red_flags``
            (``condition``, ``urgency``, ``message``, ``source``), ``must_not_miss`` (the rows of
            :attr:`must_not_miss`, ``condition`` first), ``ranking``, ``threshold``, ``network``
            (``name``, ``version``, ``digest``: the SHA-256 of its file's text), ``fitted`` (None, or the fit's ``cases``, ``method`` and
            ``prior_strength``), ``population``, ``crampnet_version``
            (:mod:`crampnet.reasoning._records`). :meth:`from_dict` reads it back.

        Examples
        --------
        >>> import crampnet
        >>> record = crampnet.load().diagnose({"urge_to_move": True}).to_dict()
        >>> record["evidence"], record["differential"][0]["rank"]
        ({'urge_to_move': True}, 1)
        """
        from crampnet.reasoning._records import diagnosis_record

        return diagnosis_record(self)

    @classmethod
    def from_dict(cls, model: BaseModel, record: Mapping[str, object]) -> Diagnosis:
        """The diagnosis of a :meth:`to_dict` record, computed again with ``model`` from its evidence, ranking and threshold.

        Parameters
        ----------
        model : BaseModel
            The model to compute with, of the record's network and population.
        record : mapping
            What :meth:`to_dict` returned, or its JSON read back (example there).

        Returns
        -------
        Diagnosis
            Computed afresh; warns (``UserWarning``) if the record names another
            version of the network or another text of it (its ``digest``), or if its ``posteriors`` or ``red_flags``
            are not the ones computed now (a record made with a fitted model,
            which keeps the network's version, or edited).

        Raises
        ------
        EvidenceTypeError
            A record without an ``evidence`` mapping; bad evidence as :func:`diagnose`.
        InvalidValueError
            A record of another network or population.

        Examples
        --------
        >>> import json, crampnet
        >>> model = crampnet.load()
        >>> dx = model.diagnose({"urge_to_move": True, "ferritin": 30})
        >>> again = crampnet.Diagnosis.from_dict(model, json.loads(json.dumps(dx.to_dict())))
        >>> again.differential == dx.differential and again.posteriors.equals(dx.posteriors)
        True
        """
        from crampnet.reasoning._records import record_arguments, record_changes

        evidence, kwargs = record_arguments(check_model(model, "Diagnosis.from_dict"), record)
        dx = cls(model, evidence, **kwargs)  # type: ignore[arg-type]
        changes = record_changes(record, dx)
        if changes is not None:
            warnings.warn(changes, UserWarning, stacklevel=2)
        return dx


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
        after Pauker & Kassirer 1980); a number in (0, 1] overrides it for all,
        the red flags and the crossings of the next questions alike.

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
