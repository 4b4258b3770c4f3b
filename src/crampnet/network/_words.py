"""What a person types for a node, read as its state: state names in any case, yes/no words, numbers as text.

The one reading of typed text for Python, the command line, case files and
CSVs: :func:`typed_state` (a state name in any case, or a yes/no word on a
node that takes booleans, :func:`truth_states` and :func:`truth_word`) and
:func:`typed_number` (a number written as text, for a node with numeric
bands, its unit after it or not: :mod:`crampnet.network._units`). :mod:`crampnet.network._values` reads evidence with them, and the
command line's ``interpret`` (:mod:`crampnet.network.evidence`) too.

Examples
--------
>>> import crampnet
>>> from crampnet.network.evidence import typed_number, typed_state
>>> nodes = crampnet.load().spec.nodes
>>> typed_state(nodes["d_dimer"], "Yes"), typed_number(nodes["ferritin"], " 32.0")
('raised', 32.0)
"""

from __future__ import annotations

import re

from crampnet.network._units import converted_hint, number_before_unit
from crampnet.network.spec import Node

__all__ = ["grouped_number", "missing_word", "number_hint", "time_amount", "truth_states", "truth_word", "truth_words", "typed_number", "typed_state", "written_number"]

#: What a person types for yes and no, on a node that takes booleans (see :func:`truth_word`).
_YES = ("yes", "y", "true", "present", "positive")
_NO = ("no", "n", "false", "absent", "negative")
#: A number as :class:`float` reads one in ASCII (no underscore), for :func:`number_hint`'s patterns.
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
#: A point before three digits after one to three (``1.200``, ``12.500``): 1.2, or 1200 where a point groups thousands (see :func:`written_number`).
_GROUPED = re.compile(r"[+-]?\d{1,3}\.\d{3}")  # \d: any digits float() reads (full-width too); see grouped_number
#: A date as people write one, the day or month and the year around the same separator: ``12.03.2024``, ``1/2/24``, ``2024-01-05`` (see :func:`number_hint`).
_DATE = re.compile(r"[0-9]{1,2}([./-])[0-9]{1,2}\1(?:[0-9]{4}|[0-9]{2})|[0-9]{4}([./-])[0-9]{1,2}\2[0-9]{1,2}")
#: A number of days, weeks, months, years or hours written with its unit (``3 weeks``, ``6mo``, ``2 yrs.``), see :func:`time_amount`.
_TIME = re.compile(rf"{_NUMBER}\s*(?:d|days?|w|wks?|weeks?|mo|mos|mths?|months?|y|yrs?|years?|h|hrs?|hours?)\.?", re.IGNORECASE)
#: Units of time: a date typed for such a node may be the day the span began.
_SPANS = frozenset({"days", "weeks", "months", "years"})
#: The texts a missing cell is written as (pandas' ``read_csv`` defaults, ``str()`` of None, NaN, pd.NA and NaT), lower case (see :func:`missing_word`).
_MISSING_WORDS = frozenset(
    {"nan", "+nan", "-nan", "none", "null", "na", "n/a", "<na>", "nat", "<nat>", "#n/a", "#n/a n/a", "#na", "-1.#ind", "-1.#qnan", "1.#ind", "1.#qnan"}
)


def missing_word(text: str) -> bool:
    """Whether ``text`` is what a missing value is written as: ``nan``, ``None``, ``<NA>``, ``NaT``, ``NA``, ``null``, ``#N/A`` ...

    The texts ``str()`` makes of None, NaN, pandas' NA and NaT (a DataFrame
    turned into text, ``df.astype(str)``) and those ``pandas.read_csv``
    reads as missing, in any case, blanks around them ignored. Evidence
    refuses them on every node alike, saying to leave the node out; a node
    with a state of that name (``pregnancy``'s ``none``) reads the state,
    as :func:`typed_state` is asked first. Empty text is not among them:
    it has its own message.

    Parameters
    ----------
    text : str
        The text as typed.

    Returns
    -------
    bool
        True where ``text`` writes a missing value.

    Examples
    --------
    >>> from crampnet.network._words import missing_word
    >>> missing_word("NaN"), missing_word(" <NA> "), missing_word("None"), missing_word(""), missing_word("normal")
    (True, True, True, False, False)
    """
    return text.strip().lower() in _MISSING_WORDS


def truth_states(node: Node) -> tuple[str, str] | None:
    """The states that ``True`` and ``False`` stand for on ``node``, or None.

    The one rule for booleans, wherever evidence is read (a case, a
    DataFrame, CSV, the command line, Dask): ``True``/``False`` are
    accepted only by a node whose two states are its ``positive`` and its
    ``negative`` state (by default yes/no, present/absent, positive/negative;
    a file may name others). Other nodes take state names only:
    ``pedal_pulses`` (normal, diminished, absent) has ``absent`` as its
    default ``negative`` state by name, yet absent pulses are the abnormal
    finding, so ``False`` is rejected there with the valid states listed.

    Parameters
    ----------
    node : Node
        A node of the network.

    Returns
    -------
    tuple of (str, str) or None
        ``(positive, negative)``: the states ``True`` and ``False`` stand
        for; None where the node takes no booleans.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.evidence import truth_states
    >>> spec = crampnet.load().spec
    >>> truth_states(spec.nodes["straight_leg_raise"]), truth_states(spec.nodes["pedal_pulses"])
    (('positive', 'negative'), None)
    """
    pair = (node.positive, node.negative)
    if pair[0] is None or pair[1] is None or len(node.states) != 2 or set(pair) != set(node.states):
        return None
    return pair[0], pair[1]


def truth_word(node: Node, text: str) -> bool | None:
    """``True``/``False`` for a yes or no word typed for ``node`` (``d_dimer``'s ``"yes"`` is raised), or None.

    The one list of such words, wherever evidence is read: yes/y/true/present/positive
    and no/n/false/absent/negative, in any case, on a node that takes booleans (:func:`truth_states`).

    Parameters
    ----------
    node : Node
        The node the word is for.
    text : str
        The word as typed; blanks around it are ignored.

    Returns
    -------
    bool or None
        ``True`` for a yes word, ``False`` for a no word, else None.
    """
    word = text.strip().lower()
    return word in _YES if truth_states(node) is not None and word in _YES + _NO else None


def truth_words(node: Node) -> str:
    """The yes/no words ``node`` reads, for a message: ``" Also read: yes/y/... as raised, no/n/... as normal."``, or ``""``.

    Parameters
    ----------
    node : Node
        The node a message lists the valid values of.

    Returns
    -------
    str
        The words of :func:`truth_word` with the states they stand for, a
        sentence (with a leading blank) to follow the list of states; ``""``
        on a node that takes no booleans (:func:`truth_states`).

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._words import truth_words
    >>> nodes = crampnet.load().spec.nodes
    >>> truth_words(nodes["d_dimer"]), truth_words(nodes["pedal_pulses"])
    (' Also read: yes/y/true/present/positive as raised, no/n/false/absent/negative as normal.', '')
    """
    pair = truth_states(node)
    return "" if pair is None else f" Also read: {'/'.join(_YES)} as {pair[0]}, {'/'.join(_NO)} as {pair[1]}."


def typed_state(node: Node, text: str) -> str | None:
    """The state of ``node`` that ``text`` names as a person types it: a state in any case, or a yes/no word (:func:`truth_word`).

    Parameters
    ----------
    node : Node
        The node the text is for.
    text : str
        The text as typed; blanks around it are ignored.

    Returns
    -------
    str or None
        The state's name; None where ``text`` names no state of ``node``.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.evidence import typed_state
    >>> d_dimer = crampnet.load().spec.nodes["d_dimer"]
    >>> typed_state(d_dimer, "yes"), typed_state(d_dimer, " Raised"), typed_state(d_dimer, "no"), typed_state(d_dimer, "high")
    ('raised', 'raised', 'normal', None)
    """
    word, pair, truth = text if text in node.states else text.strip().lower(), truth_states(node), truth_word(node, text)
    return word if word in node.states else None if pair is None or truth is None else pair[0] if truth else pair[1]


def typed_number(node: Node, text: str) -> float | None:
    """The number that ``text`` writes, for a node with numeric bands, or None.

    As the command line reads a value: blanks around it ignored, ``nan``
    and ``inf`` read (the evidence check then refuses them, saying why);
    the node's unit, or one that is the same quantity, after the number
    read too (``30 ng/mL``, ``30ng/ml``, ``30 µg/L`` on ferritin, ``140 mEq/L``
    on sodium: :mod:`crampnet.network._units`), never another; a
    number with an underscore (``30_0``, which :class:`float` reads as 300)
    is no number, nor is any text on a node without bands, nor a point
    that may group thousands (``1.200``: 1.2, or 1200 in much of Europe).

    Parameters
    ----------
    node : Node
        The node the text is for.
    text : str
        The text as typed.

    Returns
    -------
    float or None
        The number; None where ``text`` is not one or ``node`` takes none.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.evidence import typed_number
    >>> nodes = crampnet.load().spec.nodes
    >>> typed_number(nodes["ferritin"], "1e3"), typed_number(nodes["ferritin"], "30_0"), typed_number(nodes["urge_to_move"], "1")
    (1000.0, None, None)
    >>> typed_number(nodes["ferritin"], "30 ng/mL"), typed_number(nodes["tsh"], "20mU/L"), typed_number(nodes["calcium"], "9.2 mg/dL")
    (30.0, 20.0, None)
    """
    if not node.bands:
        return None
    alone = number_before_unit(node, text)
    return written_number(text if alone is None else alone)


def written_number(text: str) -> float | None:
    """The number that ``text`` writes, whatever node it is for, or None.

    As :func:`typed_number` reads it, on any node: so a message can say that
    a node without bands takes no number (``"1"`` on ``d_dimer``) rather than
    that the text is no state.

    Parameters
    ----------
    text : str
        The text as typed; blanks around it are ignored.

    Returns
    -------
    float or None
        The number (``nan`` and ``inf`` too); None where ``text`` writes
        none, has an underscore (``30_0``), or has a point before three
        digits after one to three (``1.200``, ``12.500``): where a point
        groups thousands (German, Spanish, Italian ...) that is 1200, and
        the reader cannot tell which was meant, a factor of 1000 apart, nor
        can a node's range settle it (a ferritin typed as ``12.500`` may be
        12500, beyond the network's range, not 12.5); :func:`number_hint`
        says how to write it. A number in JSON (not text) has no locale.

    Examples
    --------
    >>> from crampnet.network._words import written_number
    >>> written_number(" 1 "), written_number("30_0"), written_number("yes"), written_number("1.200"), written_number("1.2000")
    (1.0, None, None, None, 1.2)
    """
    if "_" in text or grouped_number(text):
        return None
    try:
        return float(text.strip())
    except ValueError:
        return None


def grouped_number(text: str) -> bool:
    """Whether ``text`` (blanks around it ignored) is a point before three digits after one to three, the first not 0.

    ``1.200`` is 1.2, or 1200 where a point groups thousands; ``0.200``
    is no grouping. Digits of any script that :class:`float` reads count.

    Parameters
    ----------
    text : str
        The text as typed.

    Returns
    -------
    bool
        True for ``1.200``, ``-12.500``, ``999.000``; False for ``0.900``,
        ``1.2``, ``1.2000``, ``1200``.
    """
    written = text.strip()
    return _GROUPED.fullmatch(written) is not None and int(written.lstrip("+-")[0]) != 0


def time_amount(node: Node, text: str) -> bool:
    """Whether ``text`` is an amount of time with its unit (``3 weeks``), typed for a node with bands in a unit of time.

    Such a text names a duration, not a state, however like a state name it
    reads: ``3 weeks`` is close to ``under_2_weeks`` as text, but 21 days
    are 2 weeks to 3 months. Messages then say to give the number in the
    node's unit (:func:`number_hint`), not "Did you mean ...?".

    Parameters
    ----------
    node : Node
        The node the text is for.
    text : str
        The text as typed.

    Returns
    -------
    bool
        True for a number followed by a unit of time (days, weeks, months,
        years, hours, or their short forms) on a node with bands whose unit
        is one of days, weeks, months or years.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._words import time_amount
    >>> nodes = crampnet.load().spec.nodes
    >>> time_amount(nodes["symptom_duration"], "3 weeks"), time_amount(nodes["symptom_duration"], "over 3 months"), time_amount(nodes["ferritin"], "3 weeks")
    (True, False, False)
    """
    return bool(node.bands) and node.unit in _SPANS and _TIME.fullmatch(text.strip()) is not None


def number_hint(node: Node, text: str) -> str:
    """What to type instead of ``text``, which nearly writes a number for ``node``; else ``""``.

    A date (``12.03.2024``, ``2024-01-05``), a decimal comma or a thousands separator (``3,5``, ``1,200``,
    ``1 200``, ``1_200``, ``1'200``, ``1.200,5``, ``1.000.000``), a minus sign that is no hyphen (U+2212), a
    hexadecimal number (``0x10``), a bound
    (``<30``), a range (``32-40``), each with the node's unit after it or not (``<30 ng/mL``), a unit
    after the number that is not the node's (``32ng``, ``9.2 mg/dL``: where the factor is fixed, the
    converted number to type, :func:`crampnet.network._units.converted_hint`) or a label before it
    (``K 3.1``). No hint reads the text as a number: the person types it again.

    Parameters
    ----------
    node : Node
        The node the text is for; a node without bands gets no hint.
    text : str
        The text as typed, which :func:`typed_number` does not read.

    Returns
    -------
    str
        The hint, a sentence with a leading blank, or ``""``.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._words import number_hint
    >>> nodes = crampnet.load().spec.nodes
    >>> number_hint(nodes["ferritin"], "1 200"), number_hint(nodes["ferritin"], "32ng")
    (' Write a number with a decimal point and no thousands separator (3.5, 1000).', " Give the number alone, in ng/mL: 32, if the result is 32 ng/mL ('ng' alone is an amount, not ng/mL).")
    """
    written = text.strip()
    if not node.bands or not any(c.isdigit() for c in written):
        return ""
    if (alone := number_before_unit(node, written)) is not None:  # "1.200 ng/mL", "<30 ng/mL": the node's unit, a number it does not read
        return number_hint(node, alone)
    if grouped_number(written):  # "1.200"
        number, grouped = written.lstrip("+"), int(written.replace(".", ""))  # int(): ASCII digits of any digits
        return f" {number} may be {float(number):g} or {grouped} (a point groups thousands in many languages): write {float(number):g} for the decimal, or {grouped}."
    if _DATE.fullmatch(written):  # "12.03.2024", "2024-01-05": a date, not a grouped number
        number = f"the number of {node.unit} since that date" if node.unit in _SPANS else f"the number{f' in {node.unit}' if node.unit else ''}"
        return f" {written} is a date, not a number: give {number}, or one of the states."
    if any(c in written for c in ", _") and typed_number(node, re.sub("[ _]", "", written.replace(",", "."))) is not None:
        return " Write a number with a decimal point and no thousands separator (3.5, 1000)."
    if re.fullmatch("[+-]?[0-9]+(?:[.,'\u2019\u00a0\u202f][0-9]+)+", written):  # "1'200" (Swiss), "1.200,5", "1.000.000", "1,000.5"
        return " Write a number with a decimal point and no thousands separator (3.5, 1000)."
    if written[:1] in "\u2212\u2013" and typed_number(node, "-" + written[1:]) is not None:  # U+2212 minus, U+2013 en dash
        return f" Write the minus sign as '-' (the text begins with {written[0]!r}, U+{ord(written[0]):04X})."
    if re.fullmatch(f"[<>\u2264\u2265]=?\\s*{_NUMBER}", written):  # "<30": a lab's bound
        return f" {written} is a bound, not a number: give the state the result is in ({', '.join(node.states)}) if the bound settles it, or leave {node.id} out."
    if re.fullmatch(f"{_NUMBER}\\s*(?:-|\u2013|to)\\s*{_NUMBER}", written):  # "32-40"
        return " Give one number, not a range."
    if re.fullmatch("[+-]?0[xXoObB][0-9a-fA-F_]+", written):  # "0x10": never the hint for a unit 'x10'
        return " Write the number in decimal digits."
    if (after := re.fullmatch(f"({_NUMBER})\\s*([^0-9\\s].*)", written)) is not None and re.search("[^\\W\\d_]|%", after[2]):  # "32ng", "9.2 mg/dL"
        if grouped_number(after[1]):  # "1.200 mg/dL": 1.2 or 1200, before any conversion
            return number_hint(node, after[1])
        if converted := converted_hint(node, after[1], after[2]):  # "9.2 mg/dL" on calcium: the number in mmol/L to type
            return converted
        if node.unit and "/" in node.unit and after[2].strip().lower() == node.unit.split("/")[0].strip().lower():  # "2.2mmol", "32ng": the node's unit cut short
            return f" Give the number alone, in {node.unit}: {after[1]}, if the result is {after[1]} {node.unit} ({after[2].strip()!r} alone is an amount, not {node.unit})."
        return f" Give the number alone{f', in {node.unit} ({after[2].strip()!r} is not read: convert a value in another unit)' if node.unit else ''}."
    if (near := re.fullmatch(f"(?:~|\u2248|ca\\.?|approx\\.?|about)\\s*({_NUMBER})", written, re.IGNORECASE)) is not None:  # "~30", "approx. 30": never read as 30
        return f" {written} is an approximate number: give the result as measured, alone ({near[1]} if that is it), or one of the states."
    if (before := re.fullmatch(f"(.*[^\\W\\d_].*?)[\\s:=]+({_NUMBER})", written)) is not None:  # "K 3.1", "ferritin: 32"
        return f" Give the number alone: {before[2]}."
    return ""
