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
"""

from __future__ import annotations

from crampnet.exceptions import (
    CrampnetError,
    EvidenceTypeError,
    ImpossibleEvidenceError,
    InvalidStateError,
    InvalidValueError,
    NetworkFileError,
    UnknownNodeError,
)
from crampnet.model import FittedModel, Model, load, populations
from crampnet.reasoning.diagnosis import Diagnosis, diagnose
from crampnet.reasoning.redflags import RedFlag
from crampnet.trust.evaluate import Evaluation, evaluate

__version__ = "0.1.0"

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
