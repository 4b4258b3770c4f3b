"""Which state a misspelt or reworded state name may mean, never its opposite.

A close spelling alone offered the opposite of what was typed: ``abnormal``
was told "Did you mean 'normal'?", ``present`` on ``pedal_pulses`` 'absent',
``increased`` on ``knee_reflex`` 'reduced', ``decreased`` on ``d_dimer``
'raised', and ``3 months`` on ``symptom_duration`` 'over_3_months' (90 days
is in ``2_weeks_to_3_months``; an amount of time is refused before this module
is asked, by ``network._words.time_amount``). :func:`state_suggestion` reads
the words of findings' states by their sense first, and spells close only
words of no known sense. :func:`coding_hint` tells a 1 or a 0 given to a
yes/no node what to write instead (a data set's coding, not a state).

Examples
--------
>>> state_suggestion("abnormal", ("normal", "raised")) is None
True
>>> state_suggestion("present", ("normal", "diminished", "absent")) is None
True
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Sequence

from crampnet.network._words import _NO, _YES
from crampnet.network.spec import Node

__all__ = ["coding_hint", "state_suggestion"]

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
        too low: ferritin's ``normal`` band is "not low"). For other words, the
        state spelled closest (difflib's ratio of at least 0.6) that begins
        with the same letter, or None.

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
    close = [s for s in difflib.get_close_matches(word, [s.lower() for s in states], n=len(states), cutoff=0.6) if s[:1] == word[:1]]
    return next((s for s in states if s.lower() == close[0]), None) if close else None


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
