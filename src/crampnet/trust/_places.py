"""Each condition's place in each case's differential, for :func:`crampnet.trust.evaluate.evaluate`.

Top-1 and top-3 score the order the user sees: ``diagnose(model,
case).differential`` for the counterfactual rankings, the posteriors sorted
for ``posterior``. A counterfactual order costs one diagnosis per distinct
case (tens of milliseconds for a clinical case on the shipped network, about
a second for a simulated one that observes every node).

Examples
--------
>>> import crampnet, pandas as pd
>>> from crampnet.trust._places import places
>>> model = crampnet.load()
>>> cases = pd.DataFrame({"age": [66], "exertional_pain_relieved_by_rest": ["yes"], "muscle_cramps": ["yes"]})
>>> post = model.posteriors(cases)
>>> first = lambda ranking: post.columns[places(model, cases, post, ranking)[0].argmin()]
>>> first("counterfactual"), first("posterior")
('peripheral_arterial_disease', 'nocturnal_leg_cramps')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["RANKINGS_BY", "places"]

#: The orders :func:`places` knows (those of ``diagnose``), and how each orders the differential, for summary lines.
RANKINGS_BY = {
    "counterfactual": "by expected disablement",
    "disablement": "by expected disablement",
    "sufficiency": "by expected sufficiency",
    "posterior": "by probability",
}


def places(model: BaseModel, evidence: pd.DataFrame, posteriors: pd.DataFrame, ranking: str, *, progress: bool = False) -> np.ndarray:
    """Per case, each condition's place in the differential (0 first), in the columns of ``posteriors``.

    ``posterior`` sorts each row of the batch (stably: ties in network
    order); any other ranking takes :attr:`Diagnosis.differential` of the
    case's observed cells, the order ``diagnose`` shows.
    """
    import pandas as pd

    columns = list(posteriors.columns)
    if ranking == "posterior":
        order = np.argsort(-posteriors.to_numpy(), axis=1, kind="stable")
        place = np.empty_like(order)
        np.put_along_axis(place, order, np.arange(order.shape[1])[None, :].repeat(order.shape[0], axis=0), axis=1)
        return place
    from crampnet.network.batch import progress_bar
    from crampnet.reasoning.diagnosis import Diagnosis

    bar = progress_bar(len(evidence)) if progress else None
    place = np.empty(posteriors.shape, dtype=np.intp)
    names = list(evidence.columns)
    seen: dict[tuple[tuple[str, object], ...], list[int]] = {}  # cases with the same observed cells rank alike
    for i, row in enumerate(evidence.itertuples(index=False, name=None)):
        case = {name: value for name, value in zip(names, row, strict=True) if not (value is None or (not isinstance(value, str) and bool(pd.isna(value))))}
        key = tuple(case.items())
        try:
            known, shared = seen.get(key), True
        except TypeError:  # an unhashable cell: rank this case on its own
            known, shared = None, False
        if known is None:
            where = {c: k for k, c in enumerate(Diagnosis(model, case, ranking=ranking).differential)}
            known = [where[c] for c in columns]
            if shared:
                seen[key] = known
        place[i] = known
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return place
