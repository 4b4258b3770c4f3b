"""What the command line prints: the differential as text, and as JSON.

The differential is a table of rank, condition, probability and the measure
the order used (at the precision it compares), followed by the legend of
:func:`crampnet.reasoning.html.legend`, one line per number.

Nothing non-finite is printed: a posterior or an information gain that is
not a finite number is an error naming it (it would be a bug), and the JSON
is written with ``allow_nan=False``, so it is always standard JSON. The JSON
and :func:`finite` live in :mod:`crampnet._cli_json`; both are re-exported here.

Nothing here imports pandas: the numbers come from the diagnosis's arrays
(the same numbers its tables hold), so a ``crampnet diagnose`` process never
loads pandas (or pyarrow), which would take most of its time.

Examples
--------
>>> import crampnet
>>> from crampnet._cli_output import differential_lines
>>> dx = crampnet.load().diagnose({"urge_to_move": True})
>>> lines = differential_lines(dx, 1)
>>> lines[0].split()
['rank', 'condition', 'probability', 'expected', 'disablement']
>>> lines[1].split()[:2] == ["1", dx.differential[0]] and lines[-2:] == dx.legend
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from crampnet._cli_json import diagnosis_json, finite, read_as
from crampnet.reasoning._differential import fraction
from crampnet.reasoning._thresholds import compared_percents
from crampnet.reasoning.html import (
    FORMS_NOTE,
    MEASURES,
    TITLES,
    form_tags,
    legend,
    part_probabilities,
    population_phrase,
    ranked,
)
from crampnet.reasoning.mustnotmiss import flag_mark, rule_out_cite
from crampnet.reasoning.ranking import DECIMALS

if TYPE_CHECKING:
    from crampnet.network.records import NetworkSpec
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = [
    "FULL_CITATIONS",
    "NOTE",
    "QUESTION_HEADERS",
    "RULE_OUTS_ELSEWHERE",
    "STAGED_HEADER",
    "diagnosis_json",
    "differential_lines",
    "evidence_line",
    "finite",
    "flag_lines",
    "must_not_miss_lines",
    "question_lines",
]

#: The closing line of the command's output and the head of its help (an interview's last line too).
NOTE = "crampnet supports clinical reasoning; it does not replace it. Sources of the numbers: crampnet describe NODE, and the report (crampnet report)."


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


def evidence_line(evidence: Mapping[str, object], spec: NetworkSpec | None = None, typed: Mapping[str, str] | None = None) -> str:
    """``Evidence: a=x, b=y`` (or ``none``); with ``spec``, each value as the network read it.

    Parameters
    ----------
    evidence : Mapping
        Node id (or alias) to value, in the order to show; without ``spec``
        each value as :func:`text` writes it, soft evidence (a mapping of
        state to likelihood) as ``soft evidence (state: weight, ...)``.
    spec : NetworkSpec or None, optional
        The network the evidence was read by: a value is then shown as the
        state it was read as (``d_dimer=raised`` for ``yes``), a number with
        that state (``70 (65_plus)``), and soft evidence as the report shows
        it (likelihoods scaled so that the largest is 1).
    typed : Mapping of str to str, optional
        With ``spec``: the text each number was typed as (node id to text),
        shown instead of the number (``ferritin=32.0 (low)``).

    Returns
    -------
    str
        One line, without a newline.

    Examples
    --------
    >>> evidence_line({"urge_to_move": True, "ferritin": 30.0})
    'Evidence: urge_to_move=true, ferritin=30'
    >>> import crampnet
    >>> evidence_line({"d_dimer": True, "age_group": 70, "ferritin": 30.0}, crampnet.load().spec)
    'Evidence: d_dimer=raised, age_group=70 (65_plus), ferritin=30 (low)'
    >>> evidence_line({"urge_to_move": {"yes": 4, "no": 1}}, crampnet.load().spec)
    'Evidence: urge_to_move=soft evidence (yes:1, no:0.25)'
    """
    if spec is None:
        return "Evidence: " + (", ".join(f"{k}={_value(v)}" for k, v in evidence.items()) or "none")
    return "Evidence: " + (", ".join(f"{k}={read_as(spec, k, v, (typed or {}).get(k))}" for k, v in evidence.items()) or "none")


def _value(value: object) -> str:
    """A value as :func:`text` writes it; soft evidence (a mapping of state to likelihood) as ``soft evidence (state: weight, ...)``."""
    if isinstance(value, Mapping):
        return "soft evidence (" + ", ".join(f"{text(state)}: {text(weight)}" for state, weight in value.items()) + ")"
    return text(value)


def _bar(p: float, width: int = 10) -> str:
    filled = round(p * width)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def flag_lines(dx: Diagnosis, *, rule_outs: bool = True) -> list[str]:
    """One line per red flag raised (or a line saying none was), then :func:`must_not_miss_lines`.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis to show.
    rule_outs : bool, optional
        Whether to give each condition's rule-out (default True).

    Returns
    -------
    list of str
        The lines, without newlines: ``RED FLAG (urgency) condition:
        message`` for each flag, then the must-not-miss block.
    """
    if not dx.red_flags:
        flags = ["Red flags: none raised by this evidence."]
    else:
        flags = [f"RED FLAG ({flag.urgency}) {flag.condition}: {flag.message}" for flag in dx.red_flags]
    return flags + must_not_miss_lines(dx, rule_outs=rule_outs)


#: The last line of the must-not-miss block: where the short citations are given in full.
FULL_CITATIONS = "  (rule-outs cited short; in full in `crampnet diagnose --json`, `Diagnosis.must_not_miss` and the report)"
#: The last line of the block without its rule-outs (the interview's steps between its first and last display).
RULE_OUTS_ELSEWHERE = "  (what would rule each out: at the start and at the end of the interview, and in the report)"


def must_not_miss_lines(dx: Diagnosis, *, rule_outs: bool = True) -> list[str]:
    """Every must-not-miss condition, however unlikely: probability, threshold, flag, what would rule it out.

    Each rule-out is cited short (:func:`crampnet.reasoning.mustnotmiss.rule_out_cite`),
    so that the block stays a few lines in a terminal or an interview step;
    its last line says where the full citations are. ``rule_outs=False``
    leaves the rule-outs out (every condition, probability and flag stays).

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis to show.
    rule_outs : bool, optional
        Whether to give each condition's rule-out (default True).

    Returns
    -------
    list of str
        The lines, without newlines: a header, then per condition its
        probability, threshold and mark, the rule-out met (if one is) and
        the rule-out, and last :data:`FULL_CITATIONS` (or
        :data:`RULE_OUTS_ELSEWHERE` without rule-outs); one line if the
        network marks no condition.

    Raises
    ------
    InvalidValueError
        If a probability is not finite (a bug).

    Examples
    --------
    >>> import crampnet
    >>> dx = crampnet.load().diagnose({"urge_to_move": True})
    >>> lines = must_not_miss_lines(dx)
    >>> lines[0]
    'Must-not-miss conditions (always listed; flagged at or above the threshold, or by a finding rule):'
    >>> all(any(line.lstrip().startswith(c) for line in lines) for c in dx.model.must_not_miss)
    True
    """
    rows = dx._must_not_miss_rows()  # the rows of dx.must_not_miss, without pandas
    if not rows:
        return ["Must-not-miss conditions: none marked in this network."]
    width = max(len(row[0]) for row in rows)
    lines = ["Must-not-miss conditions (always listed; flagged at or above the threshold, or by a finding rule):"]
    met = dx._rule_outs_met  # computed once per diagnosis, as its rows use it
    for cond, probability, threshold, _, urgency, ruled_out, rule_out, source in rows:
        p = finite(probability, f"P({cond} | evidence)")
        mark = flag_mark(p, threshold, urgency, ruled_out)
        shown, limit = compared_percents(p, threshold)
        lines.append(f"  {cond:<{width}}  P = {shown:>7}  threshold {limit:>6}  {mark}")
        if cond in met:  # what the rule counted
            lines.append(f"  {'':<{width}}  rule-out met: {met[cond][0]}")
        if rule_outs:
            lines.append(f"  {'':<{width}}  rules out: {rule_out} [{rule_out_cite(cond, source)}]")
    return [*lines, FULL_CITATIONS if rule_outs else RULE_OUTS_ELSEWHERE]


def differential_lines(dx: Diagnosis, top: int, *, explained: bool = True) -> list[str]:
    """The ``top`` conditions of the differential, and every must-not-miss one, then the legend (unless not ``explained``).

    Each row: the rank, the condition, its probability (with a bar) and,
    unless the order is by probability, the measure the order used, at the
    precision it compares. The legend says in one line each what they mean.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis to show.
    top : int
        The number of conditions at the top of the differential to list.
    explained : bool, optional
        Whether to end with the legend (default True).

    Returns
    -------
    list of str
        The lines, without newlines: the header, one row per condition
        listed (tagged ``[must not miss]``, and its forms), a note if
        a must-not-miss condition ranks below ``top``, the forms note if any
        condition has forms, then the legend.

    Raises
    ------
    InvalidValueError
        If a probability or measure is not finite (a bug).
    """
    column = MEASURES[dx.ranking]
    rows = ranked(dx, top)
    width = max([len("condition"), *(len(c) for _, c in rows)])
    title = TITLES[column] if column != "posterior" else ""
    lines = [f"{'rank':>4}  {'condition':<{width}}  {'probability':>11}  {'':12}  {title}".rstrip()]
    post = dx._probabilities()  # dx.posteriors as a dict, without pandas
    forms = part_probabilities(dx, [c for _, c in rows])
    for rank, cond in rows:
        tag = "  [must not miss]" if dx.model.spec.nodes[cond].must_not_miss else ""
        tag += "".join(f"  {form}" for form in form_tags(forms.get(cond, {})))
        p = finite(post[cond], f"P({cond} | evidence)")
        number = dx._measure_value(cond)  # measure_value(dx, cond), without pandas
        value = (
            ""
            if number is None
            else f"{finite(number, f'the {title} of {cond}'):>{len(title)}.{DECIMALS}f}"
        )
        lines.append(f"{rank:>4}  {cond:<{width}}  {fraction(p, 4):>11}  {_bar(p)}  {value}".rstrip() + tag)
    if any(rank > top for rank, _ in rows):
        lines.append("(must-not-miss conditions are always listed, at their own rank)")
    if forms:
        lines.append(FORMS_NOTE)
    return lines + legend(dx.ranking, population_phrase(dx.model)) if explained else lines


#: What the two numbers of a question line are, in the default order (``by="decision"``).
QUESTIONS_HEADER = (
    "Next questions (first, the order: the chance that the answer changes a decision, to the whole percent; a decision is "
    "the most probable condition, a must-not-miss condition's side of its testing or test-treatment threshold, or a "
    "finding rule's flag; second, for ties: what the answer tells, expected information gain in bits):"
)
#: The header of the question lines for each order of ``next_questions`` (``--questions-by``).
QUESTION_HEADERS = {
    "decision": QUESTIONS_HEADER,
    "information": (
        "Next questions (first, the order: what the answer tells, expected information gain in bits; second: the "
        "chance that the answer changes the most probable condition or moves a must-not-miss condition across its testing "
        "or test-treatment threshold):"
    ),
    "value": (
        "Next questions (first, the order: the expected value of the answer, the expected gain in the chance that "
        "the most probable condition is right plus the expected gain of the must-not-miss testing decisions (in units "
        "of the benefit of treating one case), to the 4 decimals the order compares it at; second: what the answer tells, expected "
        "information gain in bits; ties go to the chance of changing a decision):"
    ),
}

#: How the header of staged question lines begins (``--staged``); the order's own header follows.
STAGED_HEADER = "Next questions, history first, then examination, then tests; within a stage "


def question_lines(dx: Diagnosis, n: int, by: str = "decision", staged: bool = False) -> list[str]:
    """The ``n`` next best questions in the order ``by``, with the number they are ranked by first.

    With ``staged`` history comes first, then examination, then tests
    (``Diagnosis.next_questions(staged=True)``), each stage in the order
    ``by``; the header says so.

    By ``"decision"`` (the default) the first number is ``decision`` (the
    chance that the answer changes the most probable condition or moves a
    must-not-miss condition across its testing or test-treatment threshold), shown to the
    percent because the order compares it at two decimals, and the second
    the expected information gain in bits, which breaks its ties. By
    ``"information"`` the gain comes first and ``decision`` second; by
    ``"value"`` the expected value of the answer (to the 4 decimals the order
    compares it at), then the gain. All as :meth:`Diagnosis.next_questions`
    defines them; :data:`QUESTION_HEADERS` says it in the output.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis to show.
    n : int
        The number of questions (none if 0 or less).
    by : str, optional
        The order: "decision" (the default), "information" or "value".
    staged : bool, optional
        Whether to order by stage first (default False).

    Returns
    -------
    list of str
        The lines, without newlines: the header, then per question its id,
        the two numbers, its label, kind and what it is about; one line if
        no question is left, and none if ``n`` is 0 or less.

    Raises
    ------
    InvalidValueError
        If a measure is not finite (a bug).

    Examples
    --------
    >>> import crampnet
    >>> dx = crampnet.load().diagnose({"urge_to_move": True})
    >>> lines = question_lines(dx, 2, by="value")
    >>> lines[0] == QUESTION_HEADERS["value"] and len(lines) == 3
    True
    >>> question_lines(dx, 2, staged=True)[0].startswith(STAGED_HEADER)
    True
    """
    if n <= 0:
        return []
    rows = dx._question_rows(n, by, staged)  # the rows of dx.next_questions(n, by=by, staged=staged), without pandas
    skipped = [f"  ({nid} {why}.)" for nid, why in dx._answers.left_out.items()]  # a D-dimer in pregnancy (RCOG Green-top 37b), after the questions
    if not rows:
        return ["Next questions: none left.", *skipped]
    lines = [STAGED_HEADER + QUESTION_HEADERS[by].removeprefix("Next questions ") if staged else QUESTION_HEADERS[by]]
    for q, row in rows:
        change = finite(cast("float", row["decision"]), f"the decision measure of {q}")
        gain = finite(cast("float", row["information_gain"]), f"the information gain of {q}")
        if by == "information":
            numbers = f"{gain:6.3f}  {change:6.0%}"
        elif by == "value":
            numbers = f"{finite(cast('float', row['value']), f'the value of {q}'):6.4f}  {gain:6.3f}"
        else:
            numbers = f"{change:6.0%}  {gain:6.3f}"
        about = f"; about {row['about']}" if row["about"] else ""  # a question that bears on no condition's decision
        lines.append(f"  {q!s:<32} {numbers}  {row['label']} ({row['kind']}{about})")
    return lines + skipped
