"""One value of one node made into its likelihood vector, and shown in messages.

:func:`state_vector` reads what one node is given (a state name,
``True``/``False``, a number banded by :func:`band`, or soft likelihoods;
text as :mod:`crampnet.network._words` reads it)
and :func:`scaled` scales every vector so that its largest entry is 1;
:func:`show` (:mod:`crampnet.network._show`) puts a user's value in a message, whatever its size.
Re-exported by :mod:`crampnet.network.evidence`, which reads whole cases
with them (and :mod:`crampnet.network.batch`, whole DataFrames).

Examples
--------
>>> import crampnet
>>> from crampnet.network.evidence import band, state_vector
>>> node = crampnet.load().spec.nodes["ferritin"]
>>> band(node, 32), state_vector(node, 32).tolist()
('low', [1.0, 0.0])
"""

from __future__ import annotations

import decimal
import math
import numbers
from collections.abc import Mapping

import numpy as np

from crampnet.exceptions import EvidenceTypeError, InvalidStateError, InvalidValueError
from crampnet.network._exact import cut_like, exact_number, sign
from crampnet.network._show import show
from crampnet.network._state_words import coding_hint, several_states, state_suggestion
from crampnet.network._units import number_alone
from crampnet.network._words import (
    missing_word,
    number_hint,
    time_amount,
    truth_states,
    truth_word,
    truth_words,
    typed_number,
    typed_state,
    written_number,
)
from crampnet.network.spec import Node

__all__ = ["as_float", "band", "scaled", "show", "state_vector", "truth_states", "truth_word", "typed_number", "typed_state"]

#: The types read as numbers: ``numbers.Real`` (int, float, numpy's, Fraction) and Decimal (a database's numeric columns).
_REAL = (numbers.Real, decimal.Decimal)
#: Said where a value is a missing-value marker (None, NaN, pandas' NA or NaT).
_MISSING = "Leave a node out of the evidence to mark it unobserved (a DataFrame row's missing cells: row.dropna().to_dict())"
#: Said where a value is empty text, which ``row.dropna()`` keeps: the ``replace`` that makes it missing (the dict form, which never fills forward).
_EMPTY = "Leave a node out of the evidence to mark it unobserved (empty text in a DataFrame or a row: df.replace({'': None}) makes it missing, which a DataFrame of cases leaves out and row.dropna() drops)"
#: As ``_EMPTY``, for text of blanks only.
_BLANK = _EMPTY.replace("empty text", "blank text").replace("df.replace({'': None})", "df.replace({r'^\\s*$': None}, regex=True)")


def scaled(likelihoods: np.ndarray) -> np.ndarray:
    """Likelihoods divided by their largest entry (per row of a 2-D array).

    The one normalisation of likelihood vectors before they reach the
    engine: the largest entry becomes exactly 1, the others keep their
    ratios to it (rounded to the nearest float). Rows of zeros stay zero.

    Parameters
    ----------
    likelihoods : numpy.ndarray
        Non-negative likelihoods, the states along the last axis (a vector,
        or one row per case).

    Returns
    -------
    numpy.ndarray
        A new float array of the same shape.

    Examples
    --------
    >>> import numpy as np
    >>> from crampnet.network.evidence import scaled
    >>> scaled(np.array([1e308, 1e308])).tolist(), scaled(np.array([[2e-320, 1e-320]])).tolist()
    ([1.0, 1.0], [[1.0, 0.5]])
    """
    arr = np.asarray(likelihoods, dtype=float)
    top = arr.max(axis=-1, keepdims=True) if arr.size else np.ones((*arr.shape[:-1], 1))
    out: np.ndarray = np.divide(arr, top, out=np.zeros_like(arr), where=top > 0)
    return out


def band(node: Node, value: float, *, name: str | None = None, typed: object = None) -> str:
    """The state of ``node`` that the number ``value`` falls in.

    Parameters
    ----------
    node : Node
        A node with numeric bands.
    value : float
        A number in the node's unit.
    name : str, optional
        How the user named the node (an alias such as ``age``): messages
        then say ``"age (age_group)"``.
    typed : object, optional
        The number as the user gave it (``-3``, not ``-3.0``), or the text
        it was typed as (``"1e3"``, shown unquoted), for messages; a
        Decimal, Fraction or text is compared with the cut points as it is
        written, not as the float ``value`` it rounds to
        (``Decimal("49.99999999999999999999")`` is below a cut at 50).

    Returns
    -------
    str
        The state of the first band that holds ``value`` (``value < below``
        or ``value <= up_to``), else the last band's.

    Raises
    ------
    InvalidValueError
        If ``value`` is NaN, infinite or outside the node's valid range.
    InvalidStateError
        If the node does not accept numbers.
    """
    label = _label(node, name)
    if not node.bands or node.valid is None:
        raise _no_numbers(node, value, label, typed)
    if math.isinf(value) and isinstance(typed, str) and typed.lower().lstrip("+-") not in ("inf", "infinity"):  # "1e400" written out
        msg = f"{label} = {_as_typed(value, typed)} is beyond the range of a float (about 1.8e308); {label} takes {node.valid[0]:g} to {node.valid[1]:g}{f' {node.unit}' if node.unit else ''}."
        raise InvalidValueError(msg)
    if not math.isfinite(value):
        msg = f"{label} must be a finite number. Got {_as_typed(value, typed) if isinstance(typed, str) else repr(value)} instead.{f' {_MISSING}.' if math.isnan(value) else ''}"
        raise InvalidValueError(msg)
    low, high = node.valid
    exact = exact_number(value, typed)  # 49.99999999999999999999 is below a cut at 50, though its float is 50.0
    if not cut_like(exact, low) <= exact <= cut_like(exact, high):
        unit = f" {node.unit}" if node.unit else ""
        msg = f"{label} = {_as_typed(value, typed)} is outside the plausible range {low:g} to {high:g}{unit}."
        raise InvalidValueError(msg)
    for b in node.bands:
        if (b.below is not None and exact < cut_like(exact, b.below)) or (b.up_to is not None and exact <= cut_like(exact, b.up_to)):
            return b.state
    return node.bands[-1].state


def _label(node: Node, name: str | None) -> str:
    """The node as messages name it: ``"age (age_group)"`` when the user typed the alias ``age``."""
    return node.id if name is None or name == node.id else f"{name} ({node.id})"


def _as_typed(value: object, typed: object) -> str:
    """``typed`` for a message: a text as it is (the command line's ``1e3``, cut to 40 characters), else :func:`show` of it or of ``value``."""
    return (typed if len(typed) <= 40 else typed[:37] + "...") if isinstance(typed, str) else show(value if typed is None else typed)


def _no_numbers(node: Node, value: object, label: str, typed: object = None) -> InvalidStateError:
    """The error for a number given to ``node``, which has no bands: one message for ``1``, ``"1"`` and the command line's ``d_dimer=1``."""
    nan = (isinstance(value, decimal.Decimal) and value.is_nan()) or (isinstance(value, float | np.floating) and math.isnan(value))
    msg = f"{label} does not accept a number (got {_as_typed(value, typed)}). Valid states: {', '.join(node.states)}.{truth_words(node)}{coding_hint(node, value)}{f' {_MISSING}.' if nan else ''}"
    return InvalidStateError(msg, node.id, value, list(node.states))


def as_float(value: numbers.Real | decimal.Decimal) -> float:
    """The float a real number given as evidence is read as: ``float(value)``, a float16 or float32 by the decimal it writes.

    A float32 holds the nearest float32 to the number typed, and
    ``float()`` widens that error into the float64 (``np.float32(2.1)`` is
    2.0999999046325684, below calcium's cut point of 2.1, so low); numpy's
    shortest text of it (``"2.1"``) is the number typed, and is read.

    Parameters
    ----------
    value : numbers.Real or decimal.Decimal
        A number (int, float, numpy's, Fraction, Decimal); not a bool.

    Returns
    -------
    float
        ``float(value)``, or for a numpy float of fewer than 64 bits the
        float of its shortest decimal text (NaN and infinities as they are).

    Examples
    --------
    >>> import numpy as np
    >>> from crampnet.network._values import as_float
    >>> as_float(np.float32(2.1)), float(np.float32(2.1)), as_float(np.float16(1.4))
    (2.1, 2.0999999046325684, 1.4)
    """
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:  # float16, float32: the decimal they write
        return float(str(value))
    return float(value)


def _float(node: Node, value: numbers.Real | decimal.Decimal, what: str, label: str) -> float:
    """``float(value)``, or InvalidValueError naming the node when it is beyond float range (a Decimal's too, which float() makes infinite), or a likelihood below it (which float() makes 0)."""
    try:
        if isinstance(value, decimal.Decimal):
            if value.is_nan():  # float() refuses a signalling NaN
                return math.nan
            if value.is_finite() and math.isinf(float(value)):
                raise OverflowError
        number = as_float(value)
    except OverflowError:
        valid = f" {label} takes {node.valid[0]:g} to {node.valid[1]:g}{f' {node.unit}' if node.unit else ''}." if node.valid is not None and what == "The number" else " Only ratios of likelihoods count: divide them all by one number."
        msg = f"{what} for {label} is {show(value)}, beyond the range of a float (about 1.8e308).{valid}"
        raise InvalidValueError(msg) from None
    if number == 0 and what != "The number" and sign(value) > 0:  # Decimal("1e-400"), Fraction(1, 10**400): a likelihood float() makes 0, ruling the state out
        msg = f"{what} for {label} is {show(value)}, below the smallest float (about 5e-324), which would make it 0 and rule the state out. Give 0 for a state that is ruled out, or likelihoods whose ratios a float can hold: only ratios of likelihoods count, so multiply them all by one number."
        raise InvalidValueError(msg)
    return number


def state_vector(node: Node, value: object, *, sets: bool = False, name: str | None = None, typed: str | None = None) -> np.ndarray:
    """The likelihood vector over ``node.states`` that ``value`` stands for, scaled to max 1.

    ``value`` is a state name (text read by :func:`typed_state`: any
    case, and yes/no words where booleans are taken; a number written as
    text, :func:`typed_number`, on a node with bands); ``True``/``False``
    (only where :func:`truth_states` allows); a number (a Decimal too),
    banded (nodes with bands only);
    or ``{state: likelihood}``, finite, non-negative, not all zero (states
    left out get 0), scaled by :func:`scaled`. A ratio below the smallest
    float (about 5e-324) is an error, not a silent 0. With ``sets``, a
    mapping is a set of states (weights 0 or 1 only), as an event takes.

    Parameters
    ----------
    node : Node
        A node of the network.
    value : object
        What the node is given.
    sets : bool, default=False
        Read a mapping as a set of states (an event), not as likelihoods.
    name : str, optional
        How the user named the node (an alias such as ``age``): messages
        then say ``"age (age_group)"``.
    typed : str, optional
        The text a number was typed as (the command line's ``1e3``), which
        messages then show instead of the number (``1000.0``).

    Returns
    -------
    numpy.ndarray
        A new float vector of shape ``(len(node.states),)``, states in
        ``node.states`` order, largest entry 1: an indicator for a state,
        a boolean or a number.

    Raises
    ------
    InvalidStateError, InvalidValueError, EvidenceTypeError
        Naming the node, what was given and what is valid.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network.evidence import state_vector
    >>> nodes = crampnet.load().spec.nodes
    >>> state_vector(nodes["urge_to_move"], False).tolist()
    [0.0, 1.0]
    >>> state_vector(nodes["pedal_pulses"], {"diminished": 3, "absent": 6}).tolist()
    [0.0, 0.5, 1.0]
    """
    label = _label(node, name)
    if isinstance(value, bool | np.bool_):
        pair = truth_states(node)
        if pair is None:
            msg = f"{label} takes one of {', '.join(node.states)}, not {bool(value)!r}: True and False are accepted only for nodes with two states that the network takes as positive and negative (yes/no, present/absent, positive/negative, or a pair its file names, such as raised/normal). Give the state name instead{f', or the number itself in {node.unit}, {node.valid[0]:g} to {node.valid[1]:g} (a bool is not read as 1 or 0)' if node.bands and node.valid else ''}."
            raise InvalidStateError(msg, node.id, value, list(node.states))
        return _indicator(node, pair[0] if value else pair[1])
    if isinstance(value, str):
        if (state := typed_state(node, value)) is not None:
            return _indicator(node, state)
        number = f" Or a number{f' in {node.unit}' if node.unit else ''}, {node.valid[0]:g} to {node.valid[1]:g}." if node.bands and node.valid else ""
        if missing_word(value):  # "nan", "<NA>", "None": a missing cell made text (df.astype(str)), which row.dropna() keeps; every node alike
            msg = f"{show(value)} is not a state of {label} but the text of a missing value. {_written_missing(value)}. Valid states: {', '.join(node.states)}.{number}"
            raise InvalidValueError(msg) if node.bands else InvalidStateError(msg, node.id, value, list(node.states))
        if (written := typed_number(node, value)) is not None:  # "32" on ferritin, as the command line and case files read it
            return _indicator(node, band(node, written, name=name, typed=number_alone(node, value) if typed is None else typed))  # "30 ng/mL": 30 compared with the cuts
        if not node.bands and (written := written_number(value)) is not None and not math.isnan(written):  # "1" on d_dimer, as d_dimer=1 or 1 is refused
            raise _no_numbers(node, value, label, value.strip() if typed is None else typed)
        bare = typed_state(node, value.strip().rstrip(".!?,;:"))  # "y.", "true.": the word with a full stop
        close = [bare] if bare is not None else [] if time_amount(node, value) else [s for s in [state_suggestion(value, node.states)] if s is not None]  # "3 weeks" is not under_2_weeks; by sense, never the opposite
        hint = several_states(node, value) or (f" Did you mean {close[0]!r}?" if close else number_hint(node, value))  # calf,foot: both, not calf
        msg = f"{show(value)} is not a state of {label}. Valid states: {', '.join(node.states)}.{number}{hint}"
        if not value.strip():  # an empty form field or CSV cell: no value, not a misspelt state
            msg = f"{label} is {show(value)}, which gives no value. {_BLANK if value else _EMPTY}; otherwise give one of {', '.join(node.states)}.{number}"
        raise InvalidStateError(msg, node.id, value, list(node.states))
    if isinstance(value, _REAL):
        if not node.bands or node.valid is None:
            raise _no_numbers(node, value, label, typed)
        return _indicator(node, band(node, _float(node, value, "The number", label), name=name, typed=value if typed is None else typed))
    if isinstance(value, Mapping):
        return _soft(node, value, sets, label)
    if value is None or (type(value).__name__ in {"NAType", "NaTType"} and type(value).__module__.startswith("pandas")):
        msg = f"{label} is {value!r}. {_MISSING}; otherwise give one of {', '.join(node.states)}."
        raise EvidenceTypeError(msg)
    msg = f"Evidence for {label} must be a state name, True/False, a number or a mapping of state to likelihood. Got {show(value)} ({type(value).__name__}) instead."
    raise EvidenceTypeError(msg)


def _written_missing(text: str) -> str:
    """What to do with ``text`` that writes a missing value (``"nan"``): :data:`_EMPTY`'s advice, its ``replace`` for that text.

    Parameters
    ----------
    text : str
        The value as given (:func:`crampnet.network._words.missing_word` is true of it).

    Returns
    -------
    str
        The sentence, without its full stop: leave the node out, and the
        ``df.replace({text: None})`` that makes such cells missing (the
        dict form, matching the whole cell as given).
    """
    return _EMPTY.replace("empty text", f"the text {text!r}").replace("df.replace({'': None})", f"df.replace({{{text!r}: None}})")


def _soft(node: Node, value: Mapping[object, object], sets: bool, label: str) -> np.ndarray:
    """The scaled likelihood vector of soft evidence ``{state: likelihood}`` (a 0/1 set with ``sets``)."""
    vec = np.zeros(len(node.states))
    kind = "The event" if sets else "Soft evidence"
    pair, seen = truth_states(node), dict[str, object]()
    for key, weight in value.items():
        state = (pair[0] if key else pair[1]) if pair is not None and isinstance(key, bool | np.bool_) else key
        state = typed_state(node, state) or state if isinstance(state, str) else state  # {"Yes": 2, "no": 1}: keys read as values are
        if isinstance(state, str) and state in seen:  # {"raised": 1, True: 2}: one state twice is an error, never a sum or a silent overwrite
            msg = f"{kind} for {label} names the state {state!r} twice (as {show(seen[state])} and {show(key)}); give each state once."
            raise InvalidValueError(msg)
        if sets and (isinstance(weight, bool | np.bool_) or not isinstance(weight, _REAL) or (isinstance(weight, decimal.Decimal) and weight.is_nan()) or weight not in (0, 1)):
            msg = f"The event gives {label} the weight {show(weight)} for {show(state)}. An event is a set of states: give a state name, True/False, or a mapping of state to 1 (in the set) or 0 (not), e.g. {{{node.states[0]!r}: 1}}; states: {', '.join(node.states)}. Soft evidence belongs in 'given'."
            raise InvalidValueError(msg)
        if state not in node.states:
            hint = [s for s in [state_suggestion(state, node.states)] if s is not None] if isinstance(state, str) else []
            msg = f"{kind} for {label} names {show(state)}, which is not a state. Valid states: {', '.join(node.states)}.{f' Did you mean {hint[0]!r}?' if hint else ''}"
            raise InvalidStateError(msg, node.id, value, list(node.states))
        number = _float(node, weight, f"The likelihood of {state!r}", label) if isinstance(weight, _REAL) and not isinstance(weight, bool | np.bool_) else math.nan
        if not math.isfinite(number) or number < 0 or (isinstance(weight, _REAL) and sign(weight) < 0):  # Decimal("-1e-400") is -0.0
            msg = f"Soft evidence for {label} must give finite non-negative likelihoods. Got {state!r}: {show(weight)}."
            raise InvalidValueError(msg)
        vec[node.states.index(state)] = number
        seen[state] = key
    if not vec.any():
        msg = f"{kind} for {label} gives every state likelihood 0. Got {show(value)}; give at least one state a positive {'weight (1: in the set)' if sets else 'likelihood'}."
        raise InvalidValueError(msg)
    out = scaled(vec)
    lost = (vec > 0) & (out == 0)
    if lost.any():
        i, top = int(np.flatnonzero(lost)[0]), int(np.argmax(vec))
        ratio = math.log10(vec[i]) - math.log10(vec[top])
        msg = f"Soft evidence for {label} gives {node.states[i]!r} the likelihood {vec[i]:g} and {node.states[top]!r} {vec[top]:g}: their ratio, about 1e{ratio:.0f}, is below the smallest float (about 5e-324). Give 0 for a state that is ruled out, or likelihoods whose ratios a float can hold."
        raise InvalidValueError(msg)
    return out


def _indicator(node: Node, state: str) -> np.ndarray:
    vec = np.zeros(len(node.states))
    vec[node.states.index(state)] = 1.0
    return vec
