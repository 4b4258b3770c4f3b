"""Numbers compared as given: a Decimal, Fraction or text not rounded to a float first.

``float()`` keeps about 17 significant digits, so
``Decimal("49.99999999999999999999")`` becomes 50.0, on a cut point at 50.
:func:`exact_number` keeps the number as given where it is the one a float
was read from, and :func:`cut_like` puts a cut point in its type so the two
compare exactly; :func:`sign` gives a number's sign as given
(``Decimal("1e-400")`` is positive, though its float is 0).
:mod:`crampnet.network._values` bands numbers and reads likelihoods with them.

Examples
--------
>>> from decimal import Decimal
>>> from crampnet.network._exact import cut_like, exact_number
>>> number = exact_number(50.0, Decimal("49.99999999999999999999"))
>>> number < cut_like(number, 50.0)
True
"""

from __future__ import annotations

import decimal
import fractions
import math
import numbers
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from crampnet.network.spec import Node

__all__ = ["cut_like", "exact_number", "on_its_side", "sign"]


def exact_number(value: float, typed: object) -> float | fractions.Fraction | decimal.Decimal:
    """The number a user gave, unrounded, for comparing with cut points: a Decimal or a text as written, a Fraction as it is.

    ``float()`` rounds to 17 significant digits, and a number just below a
    cut point (``Decimal("49.99999999999999999999")`` or the text
    ``"49.99999999999999999999"``, ferritin's cut at 50) rounds onto it.

    Parameters
    ----------
    value : float
        The number as read (``float()`` of ``typed``).
    typed : object
        What the user gave: a Decimal, a Fraction, an int, a numpy float
        wider than 64 bits, or the text the number was typed as.

    Returns
    -------
    float or fractions.Fraction or decimal.Decimal
        ``typed`` as an exact number where it is finite and rounds to
        ``value`` (so it is the same number); else ``value``.
    """
    exact: fractions.Fraction | decimal.Decimal | None = None
    if isinstance(typed, decimal.Decimal):
        exact = typed
    elif isinstance(typed, str):
        try:
            exact = decimal.Decimal(typed.strip())
        except (decimal.InvalidOperation, ValueError):
            exact = None
    elif isinstance(typed, numbers.Rational) and not isinstance(typed, bool | np.bool_):
        exact = fractions.Fraction(int(typed.numerator), int(typed.denominator))
    elif isinstance(typed, np.floating) and typed.dtype.itemsize > 8:  # a long double: more bits than a float
        exact = fractions.Fraction(*typed.as_integer_ratio())
    if exact is None or (isinstance(exact, decimal.Decimal) and not exact.is_finite()):
        return value
    try:
        same = float(exact) == value
    except OverflowError:
        same = False
    return exact if same else value


def cut_like(exact: float | fractions.Fraction | decimal.Decimal, cut: float) -> float | fractions.Fraction | decimal.Decimal:
    """``cut`` as the network file writes it, in the type of ``exact``, so the two compare exactly.

    The file writes a cut as a decimal (ABI 0.9); its float is a little off
    (0.90000000000000002...). A Decimal or Fraction is compared with the
    decimal written, the shortest text of the float, so ``"0.90"`` and
    ``Fraction(9, 10)`` fall where the float 0.9 falls, on the cut.

    Parameters
    ----------
    exact : float or fractions.Fraction or decimal.Decimal
        A number from :func:`exact_number`.
    cut : float
        A cut point or range end of the node.

    Returns
    -------
    float or fractions.Fraction or decimal.Decimal
        ``Decimal(repr(cut))`` where ``exact`` is a Decimal,
        ``Fraction(repr(cut))`` where it is a Fraction; else ``cut``.

    Examples
    --------
    >>> cut_like(decimal.Decimal("0.90"), 0.9) == decimal.Decimal("0.90")
    True
    >>> cut_like(fractions.Fraction(9, 10), 0.9) == fractions.Fraction(9, 10)
    True
    """
    if isinstance(exact, decimal.Decimal):
        return decimal.Decimal(repr(cut))
    return fractions.Fraction(repr(cut)) if isinstance(exact, fractions.Fraction) else cut


def sign(value: numbers.Real | decimal.Decimal) -> int:
    """The sign of ``value`` as given: of a Decimal or a Fraction exactly (``Decimal("1e-400")`` is positive, though its float is 0).

    Parameters
    ----------
    value : numbers.Real or decimal.Decimal
        A finite number, not NaN (a NaN Decimal gives 0).

    Returns
    -------
    int
        1, 0 or -1.
    """
    if isinstance(value, decimal.Decimal):
        return 0 if value.is_zero() or value.is_nan() else -1 if value.is_signed() else 1
    if isinstance(value, numbers.Rational):
        top = int(value.numerator)
        return (top > 0) - (top < 0)
    number = float(value)
    return (number > 0) - (number < 0)


def on_its_side(node: Node, number: float, text: str) -> float:
    """The float of ``text`` for ``node``, moved off a cut point or range end it was rounded onto.

    A number typed with more digits than a float holds
    (``49.99999999999999999999`` for ferritin, cut at 50) is read as the
    cut point itself, and a float is what the command line keeps as the
    evidence: it then fell in the wrong band. Where the float of ``text``
    is a cut point or an end of ``node.valid`` that the text is not, the
    next float towards the text is returned (49.999999999999993), on the
    text's side; the echo shows the text as typed.

    Parameters
    ----------
    node : Node
        The node the number is for.
    number : float
        ``float(text)``.
    text : str
        The number as typed.

    Returns
    -------
    float
        ``number``, or the float next to it on the side of the number
        ``text`` writes.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.network._exact import on_its_side
    >>> ferritin = crampnet.load().spec.nodes["ferritin"]
    >>> on_its_side(ferritin, 50.0, "49.99999999999999999999") < 50, on_its_side(ferritin, 50.0, "50.000")
    (True, 50.0)
    """
    cuts = {c for b in node.bands for c in (b.below, b.up_to) if c is not None} | set(node.valid or ())
    if number not in cuts:
        return number
    exact = exact_number(number, text)
    if not isinstance(exact, decimal.Decimal) or exact == cut_like(exact, number):
        return number
    return math.nextafter(number, -math.inf if exact < cut_like(exact, number) else math.inf)
