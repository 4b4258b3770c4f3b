"""What a wrong probability was probably meant as: the hint appended to its error.

Every probability argument (``threshold=``, ``--threshold``, ``--confidence``,
the accuracies of a testing threshold) refuses a number outside (0, 1]; the
hint says what to pass instead: ``5`` reads as 5%, text ``"0.05"`` is to be
passed as the number. It sits below ``_thresholds`` and ``_flag_args`` so
that both can use it.
"""

from __future__ import annotations

import decimal
import numbers
from typing import cast

import numpy as np

from crampnet.network.evidence import show

__all__ = ["probability_hint"]


def probability_hint(value: object) -> str:
    """What a wrong probability was probably meant as, for its error: a percentage, or a number written as text.

    ``threshold=5`` reads as 5%, ``threshold="0.05"`` as the number 0.05;
    the error said only that a number in (0, 1] was wanted.

    Parameters
    ----------
    value : object
        The value refused as a probability.

    Returns
    -------
    str
        A sentence to append (with its leading space), or ``""`` when
        nothing better can be said: a number over 1 up to 100 reads as a
        percentage; text that writes a number (``"0.05"``, ``"5%"``) is to be
        passed as that number; a ``decimal.Decimal`` as a float.

    Examples
    --------
    >>> probability_hint(5)
    ' 5 reads as a percentage? 5% is 0.05: pass 0.05.'
    >>> probability_hint("0.05")
    " '0.05' is text: pass the number 0.05."
    >>> probability_hint(-1)
    ''
    """
    if isinstance(value, bool | np.bool_):
        return ""
    if isinstance(value, str):
        text = value.strip()
        percent = text.endswith("%")
        try:
            number = float(text.removesuffix("%").strip())
        except ValueError:
            return ""
        if not np.isfinite(number):
            return ""
        number = number / 100 if percent else number
        if 0.0 < number <= 1.0:
            return f" {show(value)} is text: pass the number {number:.15g}."
        if 1.0 < number <= 100.0:
            return f" {show(value)} is text: pass a number; {number:.15g} reads as a percentage? {number:.15g}% is {number / 100:.15g}: pass {number / 100:.15g}."
        return ""
    if isinstance(value, decimal.Decimal) and value.is_finite() and 0 < value <= 1:
        return f" A Decimal is not taken: pass the float {float(value):.15g}."
    if isinstance(value, numbers.Real) and 1.0 < cast("float", value) <= 100.0:
        number = float(value)
        return f" {number:.15g} reads as a percentage? {number:.15g}% is {number / 100:.15g}: pass {number / 100:.15g}."
    return ""
