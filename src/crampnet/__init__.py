"""crampnet: Bayesian differential diagnosis of leg cramps and their mimics.

crampnet supports clinical reasoning; it does not replace it.

Examples
--------
>>> import crampnet
>>> model = crampnet.load()
>>> post = model.posteriors({"urge_to_move": True, "uncomfortable_sensations": True,
...                          "relief_by_movement": True, "worse_evening": True, "ferritin": 30})
>>> post.index[0]
'restless_legs_syndrome'

``crampnet.evaluate`` is the function (``crampnet.evaluate(model, cases)``);
the module that holds it is :mod:`crampnet.trust.evaluate`, the only module
of that name (``import crampnet.evaluate`` is an error, not the function).

>>> import crampnet.trust.evaluate
>>> crampnet.evaluate is crampnet.trust.evaluate.evaluate
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from crampnet._load import load, populations
from crampnet._version import __version__
from crampnet.exceptions import (
    CrampnetError,
    EvidenceTypeError,
    ImpossibleEvidenceError,
    InvalidStateError,
    InvalidValueError,
    NetworkFileError,
    UnknownNodeError,
)
from crampnet.model import FittedModel, Model

if TYPE_CHECKING:
    from crampnet.reasoning.diagnosis import Diagnosis, diagnose
    from crampnet.reasoning.redflags import RedFlag
    from crampnet.trust.evaluate import Evaluation, evaluate

#: The names imported on first use (PEP 562), and the module of each: loading
#: a model and computing posteriors needs neither the reasoning layer nor
#: evaluation, which took ``import crampnet`` from about 0.43 to 0.56 s of
#: CPU on a busy machine; ``crampnet diagnose`` spent 14 ms of that on
#: evaluation, which it never uses.
_LAZY = {
    "Diagnosis": "crampnet.reasoning.diagnosis",
    "diagnose": "crampnet.reasoning.diagnosis",
    "RedFlag": "crampnet.reasoning.redflags",
    "Evaluation": "crampnet.trust.evaluate",
    "evaluate": "crampnet.trust.evaluate",
}

__all__ = [
    "CrampnetError",
    "Diagnosis",
    "Evaluation",
    "EvidenceTypeError",
    "FittedModel",
    "ImpossibleEvidenceError",
    "InvalidStateError",
    "InvalidValueError",
    "Model",
    "NetworkFileError",
    "RedFlag",
    "UnknownNodeError",
    "__version__",
    "diagnose",
    "evaluate",
    "load",
    "populations",
]


def __getattr__(name: str) -> object:
    """Import a name of ``_LAZY`` on first use and keep it (PEP 562).

    Parameters
    ----------
    name : str
        The attribute asked for.

    Returns
    -------
    object
        The function or class of that name.

    Raises
    ------
    AttributeError
        If ``name`` is not a name of the package.
    """
    if name not in _LAZY:
        msg = f"module 'crampnet' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The package's names, the lazy ones (``_LAZY``) included.

    Returns
    -------
    list of str
        The names of the module's namespace and of ``_LAZY``, sorted.
    """
    return sorted({*globals(), *_LAZY})
