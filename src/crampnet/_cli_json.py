"""What ``crampnet diagnose --json`` prints: :func:`diagnosis_json`; and :func:`finite`, which the text output shares.

Nothing non-finite is printed: a posterior or an information gain that is
not a finite number is an error naming it (it would be a bug), and the JSON
is written with ``allow_nan=False``, so it is always standard JSON. Nothing
here imports pandas. :mod:`crampnet._cli_output` re-exports both functions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from crampnet._version import __version__
from crampnet.exceptions import InvalidValueError
from crampnet.network.evidence import describe, entered, normalise, resolve_id
from crampnet.reasoning.html import TITLES, part_probabilities

if TYPE_CHECKING:
    from crampnet.network.records import NetworkSpec
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["diagnosis_json", "finite", "read_as"]


def finite(value: float, what: str) -> float:
    """``value`` as a float, or an error naming ``what`` if it is not finite.

    Parameters
    ----------
    value : float
        The number to print (anything :class:`float` takes).
    what : str
        What it is, starting the message ("P(rls)").

    Returns
    -------
    float
        ``float(value)``.

    Raises
    ------
    InvalidValueError
        If it is NaN or infinite (a bug, the message says).

    Examples
    --------
    >>> finite(0.5, "P(rls)")
    0.5
    >>> try:
    ...     finite(float("nan"), "P(rls)")
    ... except ValueError as err:
    ...     print(str(err).split(";")[0])
    P(rls) came out as nan, not a finite number
    """
    number = float(value)
    if not math.isfinite(number):
        msg = f"{what} came out as {number}, not a finite number; crampnet prints no NaN or infinity. This is a bug: please report it with the evidence."
        raise InvalidValueError(msg)
    return number


def _six(p: float) -> float:
    """``p`` to six significant digits: a probability above 0 is never written as 0.0 (six decimals wrote a flagged 2e-7 so)."""
    return float(f"{p:.6g}")


def _entry(dx: Diagnosis, rank: int, condition: str, p: float) -> dict[str, object]:
    entry: dict[str, object] = {"rank": rank, "condition": condition, "posterior": _six(p)}
    if (value := dx._measure_value(condition)) is not None:
        entry[dx.measure] = finite(value, f"the {TITLES[dx.measure]} of {condition}")
    entry["must_not_miss"] = dx.model.spec.nodes[condition].must_not_miss
    if parts := part_probabilities(dx, [condition]):
        entry["parts"] = {part: _six(finite(q, f"P({part} | evidence)")) for part, q in parts[condition].items()}
    return entry


def read_as(spec: NetworkSpec, key: str, value: object, typed: str | None = None) -> str:
    """What the network read ``value`` as: the state, ``number (state)``, or soft evidence as the report writes it.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    key : str
        The node id or alias the value was given for.
    value : object
        The value as given (already checked: the diagnosis was made from it).
    typed : str, optional
        The text a number was typed as on the command line (``32.0``,
        ``1e3``), shown instead of the number.

    Returns
    -------
    str
        The state name (``raised`` for ``d_dimer=yes``); for a number, the
        number as typed (else ``30`` for 30.0) and the state (band) it fell
        in; for soft evidence, what :func:`crampnet.network.evidence.entered` writes.

    Examples
    --------
    >>> import crampnet
    >>> spec = crampnet.load().spec
    >>> read_as(spec, "d_dimer", True), read_as(spec, "ferritin", 30.0), read_as(spec, "ferritin", 30.0, "30.0")
    ('raised', '30 (low)', '30.0 (low)')
    """
    nid = resolve_id(spec, key)
    vec = normalise(spec, {nid: value}, entailed=False)[nid]
    shown = entered(spec, nid, value, vec)
    if shown.startswith("soft evidence") or isinstance(value, bool) or not isinstance(value, int | float):
        return shown
    number = typed if typed is not None else int(value) if isinstance(value, float) and value.is_integer() else value
    return f"{number} ({describe(spec, nid, vec)})"


def diagnosis_json(dx: Diagnosis, evidence: Mapping[str, object], questions: int, by: str = "decision", staged: bool = False, typed: Mapping[str, str] | None = None) -> str:
    """The diagnosis as standard JSON (no NaN): evidence, differential, posteriors, red flags, must-not-miss conditions, next questions.

    ``ordered_by`` names the measure the differential is ordered by, each
    entry of ``differential`` (every condition: ``--top`` limits only the text) gives its rank, posterior and (unless the order
    is by posterior) that measure as the order compares it, and ``legend``
    says what the numbers mean, one line each. ``next_questions`` are in the
    order ``by`` (``questions_by``), each with its information gain,
    ``decision`` and ``value`` (:func:`crampnet.reasoning.questions.next_questions`),
    history first when ``staged`` (``questions_staged``).
    ``must_not_miss`` lists every must-not-miss condition whatever its rank,
    as :attr:`Diagnosis.must_not_miss` does (probability, the threshold
    applied, whether flagged, the rule-out and its full source).

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis to show.
    evidence : Mapping
        The evidence as given (node id to value), copied into ``evidence``;
        ``read_as`` then gives, for each entry, what the network read it as
        (:func:`read_as`: the state, a number with its band, soft evidence
        scaled as the report shows it).
    questions : int
        The number of next questions to list (none if 0 or less).
    by : str, optional
        Their order: "decision" (the default), "information" or "value".
    staged : bool, optional
        Whether history comes first, then examination, then tests.
    typed : Mapping of str to str, optional
        The text each number was typed as (node id to text), which
        ``read_as`` shows (``"32.0 (low)"``); ``evidence`` keeps the numbers.

    Returns
    -------
    str
        A JSON object indented by 2, with the keys ``crampnet_version``,
        ``network`` (``name``, ``version`` and ``digest``, the SHA-256 of the
        network file's text), ``population``, ``evidence``, ``read_as``,
        ``ranking``, ``threshold`` (``--threshold``, null for each condition's own), ``ordered_by``, ``legend``, ``differential``,
        ``posteriors``, ``red_flags``, ``must_not_miss``,
        ``next_questions``, ``questions_by``, ``questions_staged`` and
        ``questions_left_out`` (node id to why a test is not suggested: a
        D-dimer in pregnancy, RCOG Green-top 37b); probabilities and question measures rounded to 6 decimals.

    Raises
    ------
    InvalidValueError
        If a number is not finite (a bug, the message says).
    """
    # Imported here: the text output needs no records.
    from crampnet.reasoning._records import must_not_miss_entries

    post = {c: finite(p, f"P({c} | evidence)") for c, p in dx._probabilities().items()}
    asked = [
        {
            "question": str(q),
            "label": str(r["label"]),
            "kind": str(r["kind"]),
            "information_gain": round(
                finite(cast("float", r["information_gain"]), f"the information gain of {q}"), 6
            ),
            "about": str(r["about"]),
            "decision": round(finite(cast("float", r["decision"]), f"the decision measure of {q}"), 6),
            "value": round(finite(cast("float", r["value"]), f"the value of {q}"), 6),
        }
        for q, r in (dx._question_rows(questions, by, staged) if questions > 0 else [])
    ]
    out = {
        "crampnet_version": __version__,
        "network": dx.model.spec.stamp(),
        "population": dx.model.population,
        "evidence": dict(evidence),
        "read_as": {k: read_as(dx.model.spec, k, v, (typed or {}).get(k)) for k, v in evidence.items()},
        "ranking": dx.ranking,
        "threshold": dx._threshold,
        "ordered_by": dx.measure,
        "legend": dx.legend,
        "differential": [
            _entry(dx, rank, c, post[c]) for rank, c in enumerate(dx.differential, start=1)
        ],
        "posteriors": {c: _six(p) for c, p in post.items()},
        "red_flags": [
            {
                "condition": f.condition,
                "urgency": f.urgency,
                "message": f.message,
                "source": f.source,
            }
            for f in dx.red_flags
        ],
        "must_not_miss": must_not_miss_entries(dx, digits=6),
        "next_questions": asked,
        "questions_by": by,
        "questions_staged": staged,
        "questions_left_out": dict(dx._answers.left_out) if questions > 0 else {},
    }
    try:
        return json.dumps(out, indent=2, allow_nan=False)
    except ValueError as err:
        msg = f"the diagnosis holds a value that is not a finite number ({err}); crampnet prints no NaN or infinity. This is a bug: please report it with the evidence."
        raise InvalidValueError(msg) from err
