"""What was entered for a node, as messages, the report and the drawing show it.

:func:`describe` names the state a likelihood vector picks (or lists soft
likelihoods); :func:`entered` shows the value as given beside it: a number
with its unit and band. Re-exported by :mod:`crampnet.network.evidence`.

Examples
--------
>>> import crampnet
>>> from crampnet.network.evidence import entered, normalise
>>> spec = crampnet.load().spec
>>> entered(spec, "ferritin", 32, normalise(spec, {"ferritin": 32})["ferritin"])
'32 ng/mL (low)'
"""

from __future__ import annotations

import numpy as np

from crampnet.network._units import number_alone
from crampnet.network._values import _REAL, as_float, typed_number, typed_state
from crampnet.network.spec import NetworkSpec

__all__ = ["describe", "entered"]


def describe(spec: NetworkSpec, nid: str, vec: np.ndarray) -> str:
    """A short text for an observed value: the state, or the soft likelihoods.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    nid : str
        A node id.
    vec : numpy.ndarray
        Its likelihood vector, over its states in network order.

    Returns
    -------
    str
        The state's name when ``vec`` is an indicator, else
        ``"state:likelihood, ..."`` for every state (``%g`` numbers).

    Examples
    --------
    >>> import numpy as np
    >>> import crampnet
    >>> from crampnet.network.evidence import describe
    >>> spec = crampnet.load().spec
    >>> describe(spec, "urge_to_move", np.array([1.0, 0.0])), describe(spec, "urge_to_move", np.array([1.0, 0.25]))
    ('yes', 'yes:1, no:0.25')
    """
    node = spec.nodes[nid]
    if np.count_nonzero(vec) == 1 and float(vec.max()) == 1.0:
        return node.states[int(np.argmax(vec))]
    return ", ".join(f"{s}:{w:g}" for s, w in zip(node.states, vec, strict=True))


def entered(spec: NetworkSpec, nid: str, value: object, vec: np.ndarray) -> str:
    """What was entered for a node, as the report and the drawing show it: a number with its unit and band.

    Parameters
    ----------
    spec : NetworkSpec
        The network.
    nid : str
        A node id.
    value : object
        The value as given (a state, a bool, a number or a mapping).
    vec : numpy.ndarray
        Its likelihood vector, as :func:`crampnet.network.evidence.normalise` made it from ``value``.

    Returns
    -------
    str
        ``"value unit (state)"`` for a number of any real type (numpy's,
        Decimal, Fraction: the float read, ``_values.as_float``, every digit, so 0.8999999 is never shown as 0.9 of another band) or written as text (``"32"``, shown as written; in other digits than ASCII, such as full-width ones, as the number read),
        the unit left out where the node has none;
        ``"soft evidence (state:likelihood, ...)"`` for soft evidence (as
        the command line writes it: the numbers are likelihoods, not
        probabilities); else the state.

    Examples
    --------
    >>> import numpy as np
    >>> import crampnet
    >>> from crampnet.network.evidence import normalise
    >>> spec = crampnet.load().spec
    >>> entered(spec, "age_group", np.int64(70), normalise(spec, {"age": 70})["age_group"])
    '70 years (65_plus)'
    >>> entered(spec, "urge_to_move", True, np.array([1.0, 0.0]))
    'yes'
    >>> entered(spec, "urge_to_move", {"yes": 4, "no": 1}, np.array([1.0, 0.25]))
    'soft evidence (yes:1, no:0.25)'
    """
    state = describe(spec, nid, vec)
    if state not in spec.nodes[nid].states:
        return f"soft evidence ({state})"
    node = spec.nodes[nid]
    if isinstance(value, str) and typed_state(node, value) is None and (number := typed_number(node, value)) is not None:
        alone = number_alone(node, value)
        text = alone if alone.isascii() else repr(number).removesuffix(".0")  # "32" given in Python, shown as written ("32 ng/mL" as 32); full-width digits as the number read
    elif isinstance(value, _REAL) and not isinstance(value, bool | np.bool_):
        text = repr(as_float(value)).removesuffix(".0")  # not :g, whose 6 digits show 0.8999999 as 0.9, the next band's
    else:
        return state
    return f"{text}{f' {node.unit}' if node.unit else ''} ({state})"
