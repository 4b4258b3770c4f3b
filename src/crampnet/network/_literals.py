"""Floats as a network file writes them: a number no float holds is marked, not read as 0 or an infinity.

TOML reads ``1e-400`` as 0.0 and ``1e400`` as ``inf``, so an odds ratio
written ``1e-400`` was refused as "got 0.0", and a probability written so
would have been read as impossible. :func:`read_float` is the parser's
``parse_float`` (:func:`crampnet.network._budget.read_toml`): it marks such
a number with its text, and :meth:`crampnet.network._walker.Walker.number`
refuses it at its place, saying that it underflowed or overflowed.

Examples
--------
>>> from crampnet.network._literals import read_float, unfit
>>> read_float("0.25"), unfit(read_float("0.25"))
(0.25, None)
>>> unfit(read_float("1e-400"))
'1e-400 underflows: no float is that small (a float is 0 below about 4.9e-324, and keeps full precision from 2.23e-308 up)'
"""

from __future__ import annotations

__all__ = ["read_float", "unfit"]


class _Unfit(float):
    """A float read from text whose digits it does not hold: 0.0 or an infinity, and the text."""

    literal: str


def read_float(text: str) -> float:
    """A TOML float, marked with its text where the float is 0 or infinite and the digits say otherwise.

    Parameters
    ----------
    text : str
        A float as TOML writes it (``1e-400``, ``1_000.5``, ``inf``, ``nan``).

    Returns
    -------
    float
        ``float(text)``; where that is 0.0 from nonzero digits (an
        underflow) or an infinity from digits (an overflow), a float of the
        same value that :func:`unfit` recognises.
    """
    value = float(text)
    mantissa = text.lower().lstrip("+-").partition("e")[0]
    if (value == 0.0 or value in (float("inf"), float("-inf"))) and any(c in "123456789" for c in mantissa) and mantissa[:1].isdigit():
        marked = _Unfit(value)
        marked.literal = text
        return marked
    return value


def unfit(value: object) -> str | None:
    """Why ``value`` is not the number its text wrote, or None.

    Parameters
    ----------
    value : object
        A value read from a network file.

    Returns
    -------
    str or None
        For a float :func:`read_float` marked, a sentence naming its text
        and whether it underflowed or overflowed; None for any other value.
    """
    if not isinstance(value, _Unfit):
        return None
    if value == 0.0:
        return f"{value.literal} underflows: no float is that small (a float is 0 below about 4.9e-324, and keeps full precision from 2.23e-308 up)"
    return f"{value.literal} overflows: no float is that large (the largest is about 1.8e308)"
