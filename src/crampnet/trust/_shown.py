"""What each case's diagnosis shows, for :func:`crampnet.trust.evaluate.evaluate`: places in the differential, red flags.

Top-1 and top-3 score the order the user sees: ``diagnose(model,
case).differential`` for the counterfactual rankings, the posteriors sorted
for ``posterior``. A counterfactual order costs one diagnosis per distinct
case (tens of milliseconds for a clinical case on the shipped network, about
a second for a simulated one that observes every node). The red flags are
those ``diagnose`` raises (:func:`crampnet.reasoning.redflags.red_flags`:
finding rules, and each must-not-miss condition at its testing threshold),
from the batch's posteriors.

Examples
--------
>>> import crampnet, pandas as pd
>>> from crampnet.trust._shown import shown
>>> model = crampnet.load()
>>> cases = pd.DataFrame({"age": [66], "exertional_pain_relieved_by_rest": ["yes"], "muscle_cramps": ["yes"]})
>>> post = model.posteriors(cases)
>>> first = lambda ranking: post.columns[shown(model, cases, post, ranking).place[0].argmin()]
>>> first("counterfactual"), first("posterior")
('peripheral_arterial_disease', 'nocturnal_leg_cramps')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["ALARMS", "RANKINGS_BY", "Shown", "shown"]

#: The orders :func:`shown` knows (those of ``diagnose``), and how each orders the differential, for summary lines.
RANKINGS_BY = {
    "counterfactual": "by expected disablement",
    "disablement": "by expected disablement",
    "sufficiency": "by expected sufficiency",
    "posterior": "by probability",
}
#: The urgencies of a red flag that count as an alarm (``test`` flags do not).
ALARMS = ("emergency", "urgent")


@dataclass(frozen=True)
class Shown:
    """Per case (rows) and condition (the columns of the posteriors), what its diagnosis shows.

    Attributes
    ----------
    place : numpy.ndarray
        The condition's place in the differential, 0 first.
    flagged : numpy.ndarray
        Bool: a red flag names the condition (any urgency).
    alarm : numpy.ndarray
        Bool per case: an urgent or emergency flag.
    """

    place: np.ndarray
    flagged: np.ndarray
    alarm: np.ndarray


def shown(model: BaseModel, evidence: pd.DataFrame, posteriors: pd.DataFrame, ranking: str, *, progress: bool = False) -> Shown:
    """What each case's diagnosis shows: the places of its differential in the order ``ranking``, and its red flags.

    ``posterior`` sorts each row of the batch (stably: ties in network
    order); any other ranking takes :attr:`Diagnosis.differential` of the
    case's observed cells, the order ``diagnose`` shows. Cases with the same
    observed cells are diagnosed once.

    Parameters
    ----------
    model : BaseModel
        The model that diagnoses.
    evidence : pandas.DataFrame
        One row per case, one column per node; missing cells (None or NaN)
        are unobserved.
    posteriors : pandas.DataFrame
        The cases' posteriors, one row per case in the order of
        ``evidence``, one column per condition (as
        :meth:`~crampnet.Model.posteriors` gives).
    ranking : str
        One of :data:`RANKINGS_BY`: ``"posterior"``, or a ranking of
        ``diagnose``.
    progress : bool, default=False
        Show a progress bar over the cases.

    Returns
    -------
    Shown
        ``place``, integer, and ``flagged``, bool, of shape ``(n_cases,
        n_conditions)``, conditions in the order of ``posteriors``'
        columns; ``alarm``, bool, of shape ``(n_cases,)``.
    """
    import pandas as pd

    from crampnet.network.batch import progress_bar
    from crampnet.reasoning.diagnosis import Diagnosis
    from crampnet.reasoning.redflags import red_flags

    columns = list(posteriors.columns)
    values = posteriors.to_numpy()
    if ranking == "posterior":
        order = np.argsort(-values, axis=1, kind="stable")
        place = np.empty_like(order)
        np.put_along_axis(place, order, np.arange(order.shape[1])[None, :].repeat(order.shape[0], axis=0), axis=1)
    else:
        place = np.empty(posteriors.shape, dtype=np.intp)
    flagged = np.zeros(posteriors.shape, dtype=bool)
    alarm = np.zeros(len(posteriors), dtype=bool)
    bar = progress_bar(len(evidence)) if progress else None
    names = list(evidence.columns)
    seen: dict[tuple[tuple[str, object], ...], tuple[list[int] | None, list[bool], bool]] = {}  # cases with the same observed cells
    for i, row in enumerate(evidence.itertuples(index=False, name=None)):
        case = {name: value for name, value in zip(names, row, strict=True) if not (value is None or (not isinstance(value, str) and bool(pd.isna(value))))}
        key = tuple(case.items())
        try:
            known, shared = seen.get(key), True
        except TypeError:  # an unhashable cell: this case on its own
            known, shared = None, False
        if known is None:
            where = None
            if ranking != "posterior":
                order_ids = Diagnosis(model, case, ranking=ranking).differential
                where = [order_ids.index(c) for c in columns]
            flags = red_flags(model, case, dict(zip(columns, values[i].tolist(), strict=True)), baseline=False)  # conditions and urgencies only
            named = {f.condition for f in flags}
            known = (where, [c in named for c in columns], any(f.urgency in ALARMS for f in flags))
            if shared:
                seen[key] = known
        if known[0] is not None:
            place[i] = known[0]
        flagged[i], alarm[i] = known[1], known[2]
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return Shown(place, flagged, alarm)
