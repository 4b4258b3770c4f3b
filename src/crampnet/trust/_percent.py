"""What a probability argument given as a percentage should have been: ``95`` for 0.95.

A notebook user writes ``coverage=95`` or ``interval=90`` meaning 95% and
90%; the argument errors of :mod:`crampnet.trust.uncertainty` then ask
"Did you mean 0.95?" rather than explain why a probability must lie below 1.

Examples
--------
>>> from crampnet.trust._percent import percent_hint
>>> percent_hint(95)
' A probability, not a percentage: did you mean 0.95?'
>>> percent_hint(0.3), percent_hint(1), percent_hint(250)
('', '', '')
"""

from __future__ import annotations

import math
import numbers

__all__ = ["percent_hint"]


def percent_hint(value: object) -> str:
    """``" A probability, not a percentage: did you mean 0.95?"`` for a real number above 1 and at most 100, else ``""``.

    Parameters
    ----------
    value : object
        The argument as given.

    Returns
    -------
    str
        The sentence to append to the argument's error (with a leading
        space), or ``""`` when ``value`` does not read as a percentage.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return ""
    number = float(value) if math.isfinite(float(value)) else 0.0
    return f" A probability, not a percentage: did you mean {number / 100:g}?" if 1 < number <= 100 else ""
