"""A diagnosis as a plain dict (for JSON), and the arguments that make it again.

:func:`diagnosis_record` is :meth:`~crampnet.reasoning.diagnosis.Diagnosis.to_dict`:
only ``str``, ``float``, ``int``, ``bool``, ``None``, lists and dicts, so
``json.dumps`` takes it (no NaN: a posterior that is not finite is an error).
Posteriors and measures are written at full precision (JSON keeps a float's
every digit); ``crampnet_version`` is ``crampnet.__version__`` (so an
editable install reports the checkout's version, not the one it was
installed at). :func:`record_arguments` reads one back for
:meth:`~crampnet.reasoning.diagnosis.Diagnosis.from_dict`.

Examples
--------
>>> import json
>>> import crampnet
>>> from crampnet.reasoning._records import diagnosis_record
>>> record = diagnosis_record(crampnet.load().diagnose({"urge_to_move": True}))
>>> sorted(record)[:5]
['crampnet_version', 'differential', 'evidence', 'fitted', 'must_not_miss']
>>> [(e["condition"], e["urgency"]) for e in record["must_not_miss"]][:2]
[('critical_limb_ischemia', None), ('deep_vein_thrombosis', 'test')]
>>> json.loads(json.dumps(record))["evidence"]
{'urge_to_move': True}
"""

from __future__ import annotations

import dataclasses
import decimal
import math
import numbers
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from crampnet._version import __version__
from crampnet.exceptions import EvidenceTypeError, InvalidValueError
from crampnet.network.evidence import show
from crampnet.reasoning.html import measure_value, part_probabilities
from crampnet.reasoning.ranking import check_ranking
from crampnet.reasoning.redflags import check_threshold

if TYPE_CHECKING:
    from crampnet.base import BaseModel
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["diagnosis_record", "must_not_miss_entries", "plain", "record_arguments", "record_changes"]


def plain(value: object) -> object:
    """A value as JSON takes it: None, bool, int, float, str, or a list or dict of them.

    Parameters
    ----------
    value : object
        An evidence value: None, a bool, str or number (numpy's too), or a
        list, tuple or mapping of them, nested.

    Returns
    -------
    object
        The value with numpy scalars made Python ones, tuples made lists
        and mapping keys made str (a NaN or infinity is kept).

    Raises
    ------
    EvidenceTypeError
        For a value of any other type (a numpy array, a set, an object).

    Examples
    --------
    >>> import numpy as np
    >>> plain(np.float64(30.0)), plain(np.bool_(True)), plain({"low": np.int64(2)})
    (30.0, True, {'low': 2})
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real | decimal.Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    msg = f"The evidence value {show(value)} ({type(value).__name__}) cannot be written as JSON."
    raise EvidenceTypeError(msg)


def _finite(value: object, what: str) -> float:
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        msg = f"{what} came out as {number}, not a finite number. This is a bug: please report it with the evidence."
        raise InvalidValueError(msg)
    return number


def _version() -> str:
    """The version of crampnet (:mod:`crampnet._version`, the one place it is stated).

    Not the installed metadata, which an editable install keeps at the
    version it was installed at.

    Examples
    --------
    >>> import crampnet
    >>> _version() == crampnet.__version__
    True
    """
    return __version__


def diagnosis_record(dx: Diagnosis) -> dict[str, object]:
    """``dx`` as a plain dict; see :meth:`crampnet.reasoning.diagnosis.Diagnosis.to_dict`.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis.

    Returns
    -------
    dict of str to object
        The keys ``crampnet_version``, ``network`` (``name``, ``version``, ``digest``: the SHA-256 of its file's text),
        ``fitted`` (None, or for a model fitted to data ``cases``,
        ``method`` and ``prior_strength``: its numbers are not the network
        file's), ``population``, ``evidence``, ``ranking``, ``ordered_by``,
        ``threshold`` (None if not given), ``posteriors``, ``differential``
        (one dict per condition, by rank), ``red_flags`` and
        ``must_not_miss``; every value JSON can write.

    Raises
    ------
    InvalidValueError
        If a probability or measure is not finite (a bug).
    EvidenceTypeError
        If an evidence value cannot be written as JSON (:func:`plain`).
    """
    model = dx.model
    posteriors = {str(c): _finite(p, f"P({c} | evidence)") for c, p in dx._probabilities().items()}
    forms = part_probabilities(dx, dx.differential)
    differential: list[object] = []
    for rank, cond in enumerate(dx.differential, start=1):
        entry: dict[str, object] = {"rank": rank, "condition": cond, "posterior": posteriors[cond]}
        value = measure_value(dx, cond)
        if value is not None:
            entry[dx.measure] = _finite(value, f"the {dx.measure} of {cond}")
        entry["must_not_miss"] = bool(model.spec.nodes[cond].must_not_miss)
        if cond in forms:
            entry["parts"] = {part: _finite(q, f"P({part} | evidence)") for part, q in forms[cond].items()}
        differential.append(entry)
    flags = [{f.name: plain(getattr(flag, f.name)) for f in dataclasses.fields(flag)} for flag in dx.red_flags]
    threshold = getattr(dx, "_threshold", None)
    prior_strength = getattr(model, "prior_strength", None)  # a FittedModel (crampnet.model); this layer does not import it
    fitted = None if prior_strength is None else {"cases": int(model.cases), "method": str(model.method), "prior_strength": float(prior_strength)}  # type: ignore[attr-defined]
    return {
        "crampnet_version": _version(),
        "network": model.spec.stamp(),
        "fitted": fitted,
        "population": model.population,
        "evidence": {str(k): plain(v) for k, v in dx.evidence.items()},
        "ranking": dx.ranking,
        "ordered_by": dx.measure,
        "threshold": None if threshold is None else float(threshold),
        "posteriors": posteriors,
        "differential": differential,
        "red_flags": flags,
        "must_not_miss": must_not_miss_entries(dx),
    }


def must_not_miss_entries(dx: Diagnosis, digits: int | None = None) -> list[dict[str, object]]:
    """The rows of ``dx.must_not_miss`` as plain dicts, ``condition`` first; ``digits``: round the probability and threshold to significant digits (the CLI's JSON: 6).

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis.
    digits : int or None, optional
        The significant digits to round the probability and threshold to
        (so a probability above 0 stays above 0: a flagged condition at
        2e-7 is not written as 0.0); None (the default) does not round.

    Returns
    -------
    list of dict of str to object
        One dict per must-not-miss condition, in the order of
        ``dx.must_not_miss``, with the keys ``condition``, ``probability``,
        ``threshold``, ``flagged``, ``urgency``, ``ruled_out``, ``rule_out``,
        ``source`` and ``rule_out_met``: None, or where the case meets the
        condition's published rule-out, what the rule counted (``found``,
        with the items it could not ask) and its ``source``, the words the
        report and the notebook table add to the row.

    Raises
    ------
    InvalidValueError
        If a probability or threshold is not finite (a bug).
    """

    def number(value: float, what: str) -> float:
        checked = _finite(value, what)
        return checked if digits is None else float(f"{checked:.{digits}g}")

    met = dx._rule_outs_met  # what each rule-out met counted, as the report and the notebook table say it
    return [
        {
            "condition": cond,
            "probability": number(p, f"P({cond} | evidence)"),
            "threshold": number(limit, f"the threshold of {cond}"),
            "flagged": flagged,
            "urgency": urgency,
            "ruled_out": ruled_out,
            "rule_out": rule_out,
            "source": source,
            "rule_out_met": {"found": met[cond][0], "source": met[cond][1]} if cond in met else None,
        }
        for cond, p, limit, flagged, urgency, ruled_out, rule_out, source in dx._must_not_miss_rows()
    ]


def record_arguments(model: BaseModel, record: object) -> tuple[Mapping[str, object], dict[str, object]]:
    """The evidence and the keyword arguments of ``diagnose`` that a record of :func:`diagnosis_record` stands for.

    Parameters
    ----------
    model : BaseModel
        The model to make the diagnosis again with.
    record : object
        The record (as :func:`diagnosis_record` makes it, or read back from
        JSON).

    Returns
    -------
    evidence : Mapping of str to object
        The record's ``evidence``, as it is (not copied).
    kwargs : dict of str to object
        ``ranking`` (the record's, default ``"counterfactual"``) and
        ``threshold`` when the record gives one.

    Raises
    ------
    EvidenceTypeError
        If ``record`` is not a mapping with a mapping ``evidence``, or its
        ``network`` (when given) is not a mapping or ``population`` not a str.
    InvalidValueError
        If it was made with another network (by name) or population, or
        its ``ranking`` or ``threshold`` is not one ``diagnose`` takes.

    Warns
    -----
    UserWarning
        If it was made with another version of the network, or another text of it (``digest``).
    """
    if not isinstance(record, Mapping) or not isinstance(record.get("evidence"), Mapping):
        msg = f"Diagnosis.from_dict needs the dict of Diagnosis.to_dict (a mapping with an 'evidence' mapping). Got {show(record)} ({type(record).__name__})."
        raise EvidenceTypeError(msg)
    network, population = record.get("network"), record.get("population", model.population)
    if (network is not None and not isinstance(network, Mapping)) or not isinstance(population, str):
        msg = f"Diagnosis.from_dict: the record's 'network' must be the mapping to_dict writes and its 'population' a preset name. Got {show(network)} and {show(population)}."
        raise EvidenceTypeError(msg)
    if isinstance(network, Mapping):
        if network.get("name", model.spec.name) != model.spec.name:
            msg = f"The diagnosis was made with the network {show(network.get('name'))}, not {model.spec.name!r}; load that network (crampnet.load(path)) to make it again."
            raise InvalidValueError(msg)
        if network.get("version", model.spec.version) != model.spec.version:
            warnings.warn(f"The diagnosis was made with {model.spec.name} {show(network.get('version'))}; this is {model.spec.version}: its posteriors may differ.", UserWarning, stacklevel=3)
        elif network.get("digest", model.spec.digest) != model.spec.digest:  # the same version, another text: numbers edited since
            warnings.warn(f"The diagnosis was made with another file of {model.spec.name} {model.spec.version} (digest {show(network.get('digest'))}; this one's is {model.spec.digest[:12]}...): its posteriors may differ.", UserWarning, stacklevel=3)
    if population != model.population:
        msg = f"The diagnosis was made for the population {show(population)}, not {model.population!r}; use crampnet.load(population={show(population)}) to make it again."
        raise InvalidValueError(msg)
    kwargs: dict[str, object] = {"ranking": check_ranking(record.get("ranking", "counterfactual"), subject="Diagnosis.from_dict: the record's 'ranking'")}
    if record.get("threshold") is not None:
        kwargs["threshold"] = check_threshold(record["threshold"], subject="Diagnosis.from_dict: the record's 'threshold'")
    return record["evidence"], kwargs


#: How far a record's posterior may be from the one computed again and still be the same number:
#: 1e-9, or 5e-6 of it (the command line's ``--json`` writes six significant digits; to_dict's JSON
#: keeps every digit, and the inference engines agree to about 1e-15).
_SAME, _SAME_RELATIVE = 1e-9, 5e-6


def record_changes(record: Mapping[str, object], dx: Diagnosis) -> str | None:
    """What in a record's ``posteriors`` and ``red_flags`` differs from ``dx``, the diagnosis computed again from its evidence; None if nothing.

    ``from_dict`` returns the diagnosis computed now; without this a record
    made with other parameters (a fitted model keeps the network's name and
    version) or edited would come back with other numbers, or with red
    flags it did not list, and nothing said so. A record without the key
    ``posteriors`` or ``red_flags`` (one written by hand with its evidence
    only) is not compared on it.

    Parameters
    ----------
    record : Mapping of str to object
        The record of :func:`diagnosis_record` (or its JSON read back).
    dx : Diagnosis
        The diagnosis computed again from the record's evidence.

    Returns
    -------
    str or None
        One sentence naming the first differing posterior (recorded and
        now, and how many more differ) and the red flags recorded and now;
        None if every recorded posterior is within 1e-9 (or 5e-6 of it:
        the six significant digits of the command line's ``--json``) of its
        value now and the red flags (condition and urgency) are the same.

    Examples
    --------
    >>> import crampnet
    >>> dx = crampnet.load().diagnose({"urge_to_move": True})
    >>> record_changes(dx.to_dict(), dx) is None
    True
    >>> record = {**dx.to_dict(), "red_flags": []}
    >>> record_changes(record, dx)[:61]
    "The record's red flags (none) are not the ones computed again"
    """
    parts = []
    if "posteriors" in record:
        stated = record["posteriors"]
        now = {str(c): float(p) for c, p in dx._probabilities().items()}
        differ = [c for c in now if not isinstance(stated, Mapping) or not _same(stated.get(c), now[c])]
        if isinstance(stated, Mapping):
            differ += [str(c) for c in stated if str(c) not in now]
        if differ:
            first = differ[0]
            was = stated.get(first) if isinstance(stated, Mapping) else stated
            more = f" (and {len(differ) - 1} more)" if len(differ) > 1 else ""
            shown, again = _number(was), _number(now.get(first))
            if shown == again:  # apart by less than six digits show
                shown, again = repr(was), repr(now.get(first))
            parts.append(f"The record's P({first}) is {shown}, computed again {again}{more}")
    if "red_flags" in record:
        stated_flags = record["red_flags"]
        now_flags = sorted(f"{flag.condition} ({flag.urgency})" for flag in dx.red_flags)
        listed = sorted(f"{f.get('condition')} ({f.get('urgency')})" if isinstance(f, Mapping) else show(f) for f in stated_flags) if isinstance(stated_flags, list) else None
        if listed != now_flags:
            was_flags = show(stated_flags) if listed is None else ", ".join(listed) or "none"
            parts.append(f"The record's red flags ({was_flags}) are not the ones computed again ({', '.join(now_flags) or 'none'})")
    if not parts:
        return None
    fit = record.get("fitted")
    why = f"the record was made with a fitted model ({show(fit.get('cases'))} cases)" if isinstance(fit, Mapping) else "the record was made with other parameters (a fitted model?) or edited"
    return "; ".join(parts) + f". Diagnosis.from_dict returns the diagnosis computed again from the record's evidence with this model: {why}."


def _same(stated: object, now: float) -> bool:
    """Whether a record's posterior ``stated`` is the number ``now`` (within 1e-9, or 5e-6 of it); False for a non-number, bool, NaN or infinity.

    Parameters
    ----------
    stated : object
        The value the record gives.
    now : float
        The posterior computed again.

    Returns
    -------
    bool
        True if ``stated`` is a finite real number within 1e-9 of ``now``,
        or within 5e-6 of it relatively (six significant digits).

    Examples
    --------
    >>> _same(0.5, 0.5 + 1e-12), _same(0.890643, 0.8906431667), _same(0.51, 0.5), _same(float("nan"), 0.5), _same("0.5", 0.5)
    (True, True, False, False, False)
    """
    if isinstance(stated, bool) or not isinstance(stated, numbers.Real):
        return False
    return math.isfinite(float(stated)) and abs(float(stated) - now) <= max(_SAME, _SAME_RELATIVE * abs(now))


def _number(value: object) -> str:
    """A record's value as a message shows it: a real number to six significant digits, anything else as ``show`` does.

    Parameters
    ----------
    value : object
        The value.

    Returns
    -------
    str
        ``format(value, ".6g")`` for a real number (not a bool), else ``show(value)``.

    Examples
    --------
    >>> _number(0.8900317078089902), _number(None), _number("0.5")
    ('0.890032', 'None', "'0.5'")
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):.6g}"
    return show(value)
