"""The repr of a :class:`~crampnet.reasoning.diagnosis.Diagnosis`: what a notebook or a console shows on its own.

Short, but it names every red flag and every must-not-miss condition (with
its probability), whatever their rank: the project's rule that they are
never hidden holds for the repr as for the report, the HTML and the JSON.

Examples
--------
>>> import crampnet
>>> from crampnet.reasoning._repr import diagnosis_repr
>>> lines = diagnosis_repr(crampnet.load().diagnose({"back_pain": True, "bladder_bowel_dysfunction": True})).splitlines()
>>> lines[1]
'  RED FLAG (emergency) lumbar_radiculopathy'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crampnet.reasoning._differential import fraction
from crampnet.reasoning.html import TITLES
from crampnet.reasoning.ranking import DECIMALS

if TYPE_CHECKING:
    from crampnet.reasoning.diagnosis import Diagnosis

__all__ = ["diagnosis_repr"]


def diagnosis_repr(dx: Diagnosis) -> str:
    """The repr of a diagnosis: its red flags, the first three conditions, the must-not-miss conditions, the legend.

    Parameters
    ----------
    dx : Diagnosis
        The diagnosis.

    Returns
    -------
    str
        ``<crampnet.Diagnosis: ...>`` over several lines: the counts and the
        ranking; one line per red flag, most urgent first (urgency and
        condition id); one line per condition of the first three of the
        differential (rank, id, probability at three decimals and, unless
        ordered by probability, the measure); one line with every
        must-not-miss condition, its probability and whether it is flagged;
        then the lines of its legend.

    Examples
    --------
    >>> import crampnet
    >>> text = diagnosis_repr(crampnet.load().diagnose({"urge_to_move": True}))
    >>> text.splitlines()[0].startswith("<crampnet.Diagnosis: 1 evidence entry; ")
    True
    >>> "acute_limb_ischemia" in text  # a must-not-miss condition, far down the differential
    True
    """
    n, flags = len(dx.evidence), dx.red_flags
    lines = [f"<crampnet.Diagnosis: {n} evidence entr{'y' if n == 1 else 'ies'}; {len(flags)} red flag{'s' * (len(flags) != 1)}; differential ({dx.ranking}), first {min(3, len(dx.differential))} of {len(dx.differential)}:"]
    lines += [f"  RED FLAG ({flag.urgency}) {flag.condition}" for flag in flags]
    post = dx._probabilities()
    for rank, cond in enumerate(dx.differential[:3], start=1):
        v = dx._measure_value(cond)
        value = "" if v is None else f"; {TITLES[dx.measure]} = {v:.{DECIMALS}f}"
        lines.append(f"  {rank}. {cond} (probability = {fraction(post[cond], 3)}{value})")
    rows = dx._must_not_miss_rows()
    if rows:
        shown = [f"{row[0]} {fraction(row[1], 3)}{' flagged' if row[3] else ''}" for row in rows]
        lines.append(f"  must not miss (always listed): {', '.join(shown)}")
    return "\n".join(lines + [f"  {line}" for line in dx.legend]) + ">"
