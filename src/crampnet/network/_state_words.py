"""Which state a misspelt or reworded state name may mean, never its opposite.

A close spelling alone offered the opposite of what was typed: ``abnormal``
was told "Did you mean 'normal'?", ``present`` on ``pedal_pulses`` 'absent',
``increased`` on ``knee_reflex`` 'reduced', ``decreased`` on ``d_dimer``
'raised', and ``3 months`` on ``symptom_duration`` 'over_3_months' (90 days
is in ``2_weeks_to_3_months``; an amount of time is refused before this module
is asked, by ``network._words.time_amount``). :func:`state_suggestion` reads
the words of findings' states by their sense first, and spells close only
words of no known sense. :func:`coding_hint` tells a 1 or a 0 given to a
yes/no node what to write instead (a data set's coding, not a state), and
:func:`column_coding` a DataFrame's yes/no column that holds only 1 and 2.

Examples
--------
>>> state_suggestion("abnormal", ("normal", "raised")) is None
True
>>> state_suggestion("present", ("normal", "diminished", "absent")) is None
True
"""

from __future__ import annotations

import difflib
import json
import numbers
import re
from collections.abc import Iterable, Sequence

from crampnet.network._words import _NO, _YES, typed_state
from crampnet.network.spec import Node

__all__ = ["coding_hint", "column_coding", "several_states", "state_suggestion"]

# Words of one sense. A typed word of a sense is offered only a state of the same sense; if the node has none, nothing.
_SENSES: tuple[frozenset[str], ...] = (
    frozenset({"raised", "high", "increased", "elevated", "brisk", "hyperactive"}),
    frozenset({"low", "reduced", "decreased", "diminished", "weak", "depressed", "hypoactive"}),
    # The yes and no words are those the evidence reader takes for a yes/no node (network._words), and more.
    frozenset({*_NO, "none", "nil", "impalpable"}),
    frozenset({*_YES, "palpable"}),
    frozenset({"normal", "unremarkable"}),
)


def state_suggestion(value: str, states: Sequence[str]) -> str | None:
    """The state of ``states`` that ``value`` may mean, or None.

    Parameters
    ----------
    value : str
        The text typed for the node, which names none of its states.
    states : Sequence of str
        The node's states.

    Returns
    -------
    str or None
        For a word of a known sense (``increased``, ``weak``,
        ``present``, ``normal``), the one state of that sense, if the node
        has exactly one; else None, and None for ``abnormal`` (too high or
        too low: ferritin's ``normal`` band is "not low"). For a single
        letter, the one state it is the initial of (``F``: ``female``), or
        None. For other words, the state spelled closest (difflib's ratio of
        at least 0.6) that begins with the same letter, or None.

    Examples
    --------
    >>> state_suggestion("increased", ("normal", "reduced")) is None
    True
    >>> state_suggestion("weak", ("normal", "diminished", "absent"))
    'diminished'
    >>> state_suggestion("diminshed", ("normal", "diminished", "absent"))
    'diminished'
    >>> state_suggestion("over 3 months", ("under_2_weeks", "2_weeks_to_3_months", "over_3_months"))
    'over_3_months'
    >>> state_suggestion("F", ("female", "male")), state_suggestion("s", ("seconds_to_minutes", "sustained"))
    ('female', None)
    """
    word = value.strip().lower()
    if not word:
        return None
    if word in {"abnormal", "abn"}:  # low or high? ferritin's "normal" is "not low", knee_reflex's "reduced" not "brisk"
        return None
    for sense in _SENSES:
        if word in sense:
            same = [s for s in states if s.lower() in sense]
            return same[0] if len(same) == 1 else None
    if len(word) == 1 and word.isalpha():  # "F", "M": an initial, as notes write sex; words of a sense ("n", "y") were read above
        initial = [s for s in states if s[:1].lower() == word]
        return initial[0] if len(initial) == 1 else None
    close = [s for s in difflib.get_close_matches(word, [s.lower() for s in states], n=len(states), cutoff=0.6) if s[:1] == word[:1]]
    return next((s for s in states if s.lower() == close[0]), None) if close else None


def several_states(node: Node, value: str) -> str:
    """For text that names two states or more of ``node`` (``calf,foot``, ``calf and foot``): that it takes one, and how to give both.

    Parameters
    ----------
    node : Node
        The node the text was given for.
    value : str
        The text as typed.

    Returns
    -------
    str
        The sentence, with a leading blank, or ``""`` if ``value`` is not two or more states.

    Examples
    --------
    >>> import crampnet
    >>> print(several_states(crampnet.load().spec.nodes["pain_location"], "calf, foot").strip())
    It names 2 states, and a node takes one: give the one that fits best (calf or foot), or each with its likelihood (soft evidence), as {"pain_location": {"calf": 1, "foot": 1}} in a case file.
    """
    parts = [p for p in re.split(r"\s*(?:[,/+&;|]|\band\b|\bor\b|\s)\s*", value.strip(), flags=re.IGNORECASE) if p]
    states = list(dict.fromkeys(typed_state(node, p) for p in parts))
    if len(parts) < 2 or None in states or len(states) < 2:
        return ""
    named = [s for s in states if s is not None]
    soft = json.dumps({node.id: dict.fromkeys(named, 1)})
    return f" It names {len(named)} states, and a node takes one: give the one that fits best ({', '.join(named[:-1])} or {named[-1]}), or each with its likelihood (soft evidence), as {soft} in a case file."


def coding_hint(node: Node, value: object) -> str:
    """For a 1 or a 0 given to a yes/no node, a sentence saying it is not read as yes or no; else ``""``.

    Data sets code yes/no as 1/0 (and SPSS as 1/2): which number is yes is
    the file's convention, not the value's, so a number is refused, and the
    message says what to write instead. A node with other states
    (``d_dimer``'s normal/raised) gets nothing: a 1 there is a lab value.

    Parameters
    ----------
    node : Node
        The node the number was given to.
    value : object
        The number as given (an int, a float, a Decimal or its text).

    Returns
    -------
    str
        The sentence, with a leading blank, or ``""``.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._state_words import coding_hint
    >>> nodes = crampnet.load().spec.nodes
    >>> coding_hint(nodes["urge_to_move"], 1)
    ' A 1 or a 0 is not read as yes or no (which is yes is a convention of the data, not of the number): write yes or no, or True or False.'
    >>> coding_hint(nodes["d_dimer"], 1)
    ''
    """
    if sorted(node.states) != ["no", "yes"] or isinstance(value, bool):
        return ""
    coded = value.strip() in ("0", "1", "0.0", "1.0") if isinstance(value, str) else isinstance(value, numbers.Real) and (value == 0 or value == 1)
    if not coded:  # compared, not printed: str() of an integer of 5,000 digits raises
        return ""
    return " A 1 or a 0 is not read as yes or no (which is yes is a convention of the data, not of the number): write yes or no, or True or False."


def _one_or_two(value: object) -> int:
    """1 or 2 for a number (or its text, ``"2"``, ``"2.0"``) equal to it, 0 for any other value; a bool is none."""
    if isinstance(value, str):
        return {"1": 1, "1.0": 1, "2": 2, "2.0": 2}.get(value.strip(), 0)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return 0
    return 1 if value == 1 else 2 if value == 2 else 0  # compared, not printed: str() of a huge integer raises


def column_coding(node: Node, column: object, values: Iterable[object]) -> str:
    """For a yes/no node's DataFrame column holding only 1 and 2 (a 2 among them), a sentence saying it looks coded 1/2; else ``""``.

    SPSS and Stata data sets often code yes and no as 1 and 2. A single
    cell's message speaks of 1 and 0 (:func:`coding_hint`); the column's
    values show the coding, so the message names it, and how to recode.

    Parameters
    ----------
    node : Node
        The node the column gives.
    column : object
        The column's name, as the recoding writes it.
    values : Iterable of object
        The column's values that are not missing.

    Returns
    -------
    str
        The sentence, with a leading blank, or ``""``.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._state_words import column_coding
    >>> nodes = crampnet.load().spec.nodes
    >>> column_coding(nodes["urge_to_move"], "urge", [1, 2, 2])[:60]
    " Column 'urge' holds only 1 and 2: it looks coded 1/2, as SP"
    >>> column_coding(nodes["urge_to_move"], "urge", [1, 1]), column_coding(nodes["urge_to_move"], "urge", [1, 2, 3]), column_coding(nodes["d_dimer"], "d", [1, 2])
    ('', '', '')
    """
    if sorted(node.states) != ["no", "yes"]:
        return ""
    seen, text = set(), False
    for value in values:
        code = _one_or_two(value)
        if not code:
            return ""
        seen.add(code)
        text = text or isinstance(value, str)
    if 2 not in seen:
        return ""
    recode = {"1": "yes", "2": "no"} if text else {1: "yes", 2: "no"}  # the keys as the column holds them: map() compares
    return (
        f" Column {column!r} holds only 1 and 2: it looks coded 1/2, as SPSS and Stata data sets often code yes and no"
        f" (usually 1 = yes, 2 = no; check the codebook), and crampnet does not guess which is yes. Recode it first, e.g."
        f" frame[{column!r}] = frame[{column!r}].map({recode!r})."
    )
