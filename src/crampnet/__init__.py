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
from crampnet.reasoning.diagnosis import Diagnosis, diagnose
from crampnet.reasoning.redflags import RedFlag
from crampnet.trust.evaluate import Evaluation, evaluate

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
