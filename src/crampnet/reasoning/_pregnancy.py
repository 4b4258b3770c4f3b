"""What the red flags and the report say of deep vein thrombosis in pregnancy or the 6 weeks after delivery.

Outside pregnancy a DVT flag at its testing threshold asks for the Wells
score and a D-dimer first (NICE NG158; :data:`crampnet.reasoning.notes.NOTES`).
In pregnancy or the puerperium that advice is wrong: the Wells score was not
validated there, the D-dimer rises in normal pregnancy and does not exclude
DVT, and any woman with symptoms or signs suggestive of DVT is tested at
once by compression duplex ultrasound, with low-molecular-weight heparin
until it is excluded (RCOG Green-top Guideline 37b, 2015). The finding
rules say so already (:mod:`crampnet.reasoning._rules`); the threshold
flag and the report's notes read :func:`dvt_advice` to say it too.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._scoring import observe
>>> model = crampnet.load()
>>> dvt_advice(model, observe(model, {"pregnancy": "later_trimester"}))[0] == DVT_TEST
True
>>> dvt_advice(model, observe(model, {"pregnancy": "none"})) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from crampnet.reasoning._entries import _possible, stated
from crampnet.reasoning._wells import _PREGNANT_OR_POSTPARTUM
from crampnet.reasoning.notes import RCOG_37B, Note

if TYPE_CHECKING:
    import numpy as np

    from crampnet.base import BaseModel

__all__ = ["DVT_NOTES", "DVT_TEST", "dvt_advice"]

#: The first-line test for DVT in pregnancy or the 6 weeks after delivery (RCOG Green-top 37b).
DVT_TEST = "compression duplex ultrasound (in pregnancy or the 6 weeks after delivery neither the Wells score nor a D-dimer decides, RCOG Green-top 37b)"
#: The notes on DVT in pregnancy or the 6 weeks after delivery, in place of the Wells and D-dimer ones.
DVT_NOTES = (
    Note(
        "In pregnancy or the 6 weeks after delivery, test any symptom or sign suggestive of DVT at once by compression duplex ultrasound, with low-molecular-weight heparin until DVT is excluded unless contraindicated; the Wells score is not validated there and a D-dimer does not exclude DVT (D-dimer testing should not be performed in the investigation of acute VTE in pregnancy).",
        RCOG_37B,
    ),
)


def dvt_advice(model: BaseModel, vectors: Mapping[str, np.ndarray]) -> tuple[str, tuple[Note, ...]] | None:
    """The DVT test and notes for pregnancy or the 6 weeks after delivery, when the evidence makes either possible; else None.

    Read as the DVT rule-out reads its exceptions (:func:`~crampnet.reasoning._wells.rule_outs`): entered with
    a likelihood above 0 (soft evidence of any weight), or fixed by the population (a pregnancy preset). A
    possible pregnancy is the safe side: the general advice would rest on a D-dimer that does not exclude DVT there.

    Parameters
    ----------
    model : BaseModel
        The model.
    vectors : Mapping of str to numpy.ndarray
        The evidence (:func:`~crampnet.reasoning._scoring.observe`).

    Returns
    -------
    tuple of (str, tuple of Note) or None
        ``(DVT_TEST, DVT_NOTES)``, or None when neither pregnancy nor a delivery in the last 6 weeks is possible
        on the evidence.
    """
    read = stated(model, vectors)
    return (DVT_TEST, DVT_NOTES) if any(_possible(model, read, entry) for entry in _PREGNANT_OR_POSTPARTUM) else None
