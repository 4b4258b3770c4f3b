"""A user's value put in a message, whatever its size: :func:`show`.

Re-exported by :mod:`crampnet.network._values` and
:mod:`crampnet.network.evidence`, whose messages name what was given.

Examples
--------
>>> from crampnet.network._show import show
>>> show("yes"), show("x" * 100)[-5:]
("'yes'", 'xx...')
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np

__all__ = ["show"]

#: Integers with more bits than this are shown by their size, not their digits.
_SHOW_BITS = 256


def show(value: object, limit: int = 80) -> str:
    """A short ``repr`` of a user's value for a message, whatever its size.

    Python refuses to print integers of more than 4,300 digits, and a
    message should not carry a 400-digit number: big integers are shown by
    their size, other long texts cut to ``limit`` characters.

    Parameters
    ----------
    value : object
        Anything a user gave; a mapping shows its first 8 items, one level
        deep.
    limit : int, default=80
        The most characters returned.

    Returns
    -------
    str
        The ``repr`` of ``value`` (or ``"an integer of N digits"``), cut to
        ``limit`` characters with ``...`` at the end where it was longer.

    Examples
    --------
    >>> from crampnet.network.evidence import show
    >>> show(10**400), show("yes"), show({"yes": 10**400})
    ('an integer of 401 digits', "'yes'", "{'yes': an integer of 401 digits}")
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_) and int(value).bit_length() > _SHOW_BITS:
        big = abs(int(value))
        digits = math.floor(big.bit_length() * math.log10(2))
        digits += 1 if big >= 10**digits else 0
        return f"{'a negative' if int(value) < 0 else 'an'} integer of {digits} digits"
    if isinstance(value, Mapping):
        items = list(value.items())[:8]  # a long or self-containing mapping is cut, not walked
        text = "{" + ", ".join(f"{show(k, limit) if not isinstance(k, Mapping) else '{...}'}: {show(v, limit) if not isinstance(v, Mapping) else '{...}'}" for k, v in items) + ("}" if len(value) <= 8 else ", ...}")
    else:
        try:
            text = repr(value)
        except Exception:  # a hostile __repr__ must not hide the real error
            text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
