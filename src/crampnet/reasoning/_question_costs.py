"""What asking about a node costs: history, examination, laboratory tests, the ankle-brachial index.

The kinds and costs of :func:`crampnet.reasoning.questions.next_questions`
(the module docstring of :mod:`crampnet.reasoning.questions`, "Costs and
order"): 1 for history (symptoms, medications, context), 2 for examination,
3 for laboratory tests and 4 for the ankle-brachial index, by the id lists
below; a node in none of them (another network's) is history.
:func:`cost_of` gives a node's kind and cost; :mod:`crampnet.reasoning.questions`
re-exports it and the lists, where the explorer, the notebooks and the
benchmarks import them.

Examples
--------
>>> from crampnet.reasoning._question_costs import cost_of
>>> cost_of("ankle_brachial_index"), cost_of("edema")
(('abi', 4.0), ('examination', 2.0))
"""

from __future__ import annotations

__all__ = ["ABI", "COSTS", "EXAMINATION", "LABS", "cost_of"]

#: Physical examination findings (cost 2).
EXAMINATION = (
    "straight_leg_raise", "sensory_loss", "ankle_reflex", "weakness", "fasciculations",
    "pedal_pulses", "femoral_bruit", "varicosities", "edema", "ulcer_or_gangrene",
    "unilateral_calf_swelling", "joint_abnormality", "calf_tenderness", "proximal_weakness",
    "hyperreflexia", "cold_pale_limb", "leg_redness_warmth", "knee_reflex", "muscle_atrophy", "tetany",
)  # fmt: skip
#: Laboratory tests (cost 3).
LABS = ("ferritin", "potassium", "magnesium", "calcium", "sodium", "tsh", "creatine_kinase", "d_dimer")
#: The ankle-brachial index (cost 4): equipment and time.
ABI = ("ankle_brachial_index",)
#: Cost and kind by group; everything else is history (cost 1).
COSTS = {"history": 1.0, "examination": 2.0, "lab": 3.0, "abi": 4.0}


def cost_of(nid: str) -> tuple[str, float]:
    """The kind (history, examination, lab, abi) and cost of asking about ``nid``.

    Parameters
    ----------
    nid : str
        A node id (not an alias).

    Returns
    -------
    tuple of (str, float)
        ``("examination", 2.0)`` for a node of :data:`EXAMINATION`, ``("lab", 3.0)`` for one of :data:`LABS`,
        ``("abi", 4.0)`` for one of :data:`ABI`, and ``("history", 1.0)`` for any other (the costs of :data:`COSTS`).

    Examples
    --------
    >>> from crampnet.reasoning.questions import cost_of
    >>> cost_of("ferritin"), cost_of("urge_to_move")
    (('lab', 3.0), ('history', 1.0))
    """
    kind = "examination" if nid in EXAMINATION else "lab" if nid in LABS else "abi" if nid in ABI else "history"
    return kind, COSTS[kind]
