"""The stamp of a report: its date, crampnet's and the network's versions (and the fit, for a fitted model), the population, the evidence.

The date is ``now``'s UTC date, today's by default (pass one for a
reproducible document); the version of crampnet is ``crampnet.__version__``.

Examples
--------
>>> import datetime as dt, crampnet
>>> dx = crampnet.load().diagnose({"age": 72, "urge_to_move": True})
>>> dict(stamp(dx, dt.date(2025, 3, 1))[0][1])["Evidence (2 entries)"]
'Age group: 72 years (65_plus); Urge to move the legs: yes'
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from crampnet.exceptions import EvidenceTypeError
from crampnet.network.entailment import implied
from crampnet.network.evidence import entered, normalise, show
from crampnet.reasoning._records import _version
from crampnet.reasoning._render import Block
from crampnet.reasoning.html import population_phrase

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["entries", "report_date", "stamp"]


def report_date(now: object = None) -> dt.date:
    """The date a report is stamped with: ``now``'s UTC date, today's by default.

    Parameters
    ----------
    now : datetime.date or datetime.datetime, optional
        When the report is made (default: now). A datetime with a time zone
        is converted to UTC first; one without is taken as it is.

    Returns
    -------
    datetime.date
        The report's date.

    Raises
    ------
    EvidenceTypeError
        If ``now`` is neither a date nor None.

    Examples
    --------
    >>> import datetime as dt
    >>> report_date(dt.date(2025, 3, 1)), report_date(dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2))))
    (datetime.date(2025, 3, 1), datetime.date(2025, 3, 2))
    """
    if now is None:
        return dt.datetime.now(dt.UTC).date()
    if isinstance(now, dt.datetime):
        return now.astimezone(dt.UTC).date() if now.tzinfo is not None else now.date()
    if isinstance(now, dt.date):
        return now
    msg = f"The 'now' argument of report must be a datetime.date or datetime.datetime (or None for today). Got {show(now)} ({type(now).__name__}) instead."
    raise EvidenceTypeError(msg)


def entries(dx: Diagnosis) -> list[str]:
    """Each evidence entry as ``label: state`` (numbers with their unit and band).

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis whose evidence is listed.

    Returns
    -------
    list of str
        One line per entry, in the order of ``dx.evidence``: the node's
        label (its id with spaces if it has none) and the state entered; a
        number as ``value unit (state)``; an entry implied by another says
        so and that it is counted with it.
    """
    items = []
    spec = dx.model.spec
    vectors = normalise(spec, dx.evidence, entailed=False)
    known = implied(spec, vectors)
    for nid, value in dx.evidence.items():
        node = spec.nodes[nid]
        label = node.label or nid.replace("_", " ")
        state = entered(spec, nid, value, vectors[nid])  # a number of any real type with its unit and band
        if nid in known:  # left out of the calculation: the finding that implies it carries its information
            by = known[nid][1]  # named by its label, as the entries are
            state += f" (implied by {spec.nodes[by].label or by.replace('_', ' ')}; counted with it)"
        items.append(f"{label}: {state}")
    return items


def stamp(dx: Diagnosis, now: object = None) -> list[Block]:
    """The stamp block: date (:func:`report_date`), crampnet's and the network's versions, population, evidence.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis the report is about.
    now : datetime.date, datetime.datetime or None, optional
        When the report is made (:func:`report_date`); None for now.

    Returns
    -------
    list of Block
        One ``("stamp", pairs)`` block: ``(name, value)`` pairs for
        "Date", "crampnet", "Network" (with the SHA-256 of its file's text,
        which tells two texts of one version apart), "Fitted" (for a model fitted to
        data: how many cases, the method and the prior strength),
        "Population" and "Evidence (N entries)", the values as text.

    Raises
    ------
    EvidenceTypeError
        If ``now`` is neither a date nor None.
    """
    date = report_date(now)
    spec, shown = dx.model.spec, entries(dx)
    evidence = "; ".join(shown) if shown else "none entered: the differential is the population's prior"
    prior_strength = getattr(dx.model, "prior_strength", None)  # a FittedModel (crampnet.model); this layer does not import it
    fitted = [] if prior_strength is None else [(
        "Fitted", f"the network's tables updated from {getattr(dx.model, 'cases', '?')} cases (method {getattr(dx.model, 'method', '?')}, prior_strength {prior_strength:g}): "
        "the probabilities are the fitted model's, not the network file's; the sources below mark the fitted numbers 'fitted'",
    )]  # fmt: skip
    return [("stamp", [
        ("Date", f"{date.isoformat()} (UTC)"),
        ("crampnet", f"version {_version()}"),
        ("Network", f"{spec.title or spec.name} ({spec.name}, version {spec.version}; SHA-256 of the file {spec.digest})"),
        *fitted,
        ("Population", _population(dx.model)),
        (f"Evidence ({len(shown)} {'entry' if len(shown) == 1 else 'entries'})", evidence),
    ])]  # fmt: skip


def _population(model: BaseModel) -> str:
    """Who the numbers are about, naming the preset once: "adults consulting in ... (population 'primary_care_leg_symptoms')"."""
    name = getattr(model, "population", "presenting")
    phrase = population_phrase(model).removeprefix("among ")
    if f"population {name!r}" not in phrase:  # the default's phrase does not name it
        phrase = f"{phrase} (population {name!r})"
    return phrase
