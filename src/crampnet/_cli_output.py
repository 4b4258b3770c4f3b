"""What the command line prints: the differential as text, and as JSON.

Nothing non-finite is printed: a posterior or an information gain that is
not a finite number is an error naming it (it would be a bug), and the JSON
is written with ``allow_nan=False``, so it is always standard JSON.

Examples
--------
>>> import crampnet
>>> from crampnet._cli_output import differential_lines
>>> dx = crampnet.load().diagnose({"urge_to_move": True})
>>> differential_lines(dx, 1)[0]
'condition                      P(present | evidence)'
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from crampnet.exceptions import InvalidValueError

if TYPE_CHECKING:
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["diagnosis_json", "differential_lines", "evidence_line", "finite", "flag_lines", "question_lines"]


def text(value: object) -> str:
    """A value as a person would type it: ``30`` for 30.0, ``true`` for True.

    Examples
    --------
    >>> text(30.0), text(True), text("calf")
    ('30', 'true', 'calf')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).lower() if isinstance(value, bool) else str(value)


def evidence_line(evidence: Mapping[str, object]) -> str:
    """``Evidence: a=x, b=y`` (or ``none``).

    Examples
    --------
    >>> evidence_line({"urge_to_move": True, "ferritin": 30.0})
    'Evidence: urge_to_move=true, ferritin=30'
    """
    return "Evidence: " + (", ".join(f"{k}={text(v)}" for k, v in evidence.items()) or "none")


def finite(value: float, what: str) -> float:
    """``value`` as a float, or an error naming ``what`` if it is not finite.

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


def _bar(p: float, width: int = 20) -> str:
    filled = round(p * width)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def flag_lines(dx: Diagnosis) -> list[str]:
    """One line per red flag raised, or a line saying none was."""
    if not dx.red_flags:
        return ["Red flags: none raised by this evidence."]
    return [f"RED FLAG ({flag.urgency}) {flag.condition}: {flag.message}" for flag in dx.red_flags]


def differential_lines(dx: Diagnosis, top: int) -> list[str]:
    """The ``top`` conditions of the differential, and every must-not-miss one, with bars."""
    post = dx.posteriors
    shown = dx.differential[:top]
    shown += [c for c in dx.model.must_not_miss if c not in shown]
    lines = [f"{'condition':<30} P(present | evidence)"]
    for cond in shown:
        tag = "  [must not miss]" if dx.model.spec.nodes[cond].must_not_miss else ""
        p = finite(post[cond], f"P({cond} | evidence)")
        lines.append(f"{cond:<30} {p:8.4f}  {_bar(p)}{tag}")
    lines.append(f"(ranked by {dx.ranking}; must-not-miss conditions always listed)")
    return lines


def question_lines(dx: Diagnosis, n: int) -> list[str]:
    """The ``n`` next best questions with their expected information gain."""
    if n <= 0:
        return []
    table = dx.next_questions(n)
    if table.empty:
        return ["Next questions: none left."]
    lines = ["Next questions (expected information gain, bits):"]
    for q, row in table.iterrows():
        gain = finite(row["information_gain"], f"the information gain of {q}")
        lines.append(f"  {q!s:<32} {gain:6.3f}  {row['label']} ({row['kind']}; about {row['about']})")
    return lines


def diagnosis_json(dx: Diagnosis, evidence: Mapping[str, object], questions: int) -> str:
    """The diagnosis as standard JSON (no NaN): evidence, differential, posteriors, red flags, next questions."""
    post = {str(c): finite(p, f"P({c} | evidence)") for c, p in dx.posteriors.items()}
    table = dx.next_questions(questions) if questions > 0 else None
    asked = [] if table is None else [
        {"question": str(q), "label": str(r["label"]), "kind": str(r["kind"]), "information_gain": round(finite(r["information_gain"], f"the information gain of {q}"), 6), "about": str(r["about"])}
        for q, r in table.iterrows()
    ]
    out = {
        "evidence": dict(evidence),
        "ranking": dx.ranking,
        "differential": [{"condition": c, "posterior": round(post[c], 6), "must_not_miss": dx.model.spec.nodes[c].must_not_miss} for c in dx.differential],
        "posteriors": {c: round(p, 6) for c, p in post.items()},
        "red_flags": [{"condition": f.condition, "urgency": f.urgency, "message": f.message, "source": f.source} for f in dx.red_flags],
        "next_questions": asked,
    }
    try:
        return json.dumps(out, indent=2, allow_nan=False)
    except ValueError as err:
        msg = f"the diagnosis holds a value that is not a finite number ({err}); crampnet prints no NaN or infinity. This is a bug: please report it with the evidence."
        raise InvalidValueError(msg) from err
