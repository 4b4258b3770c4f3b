"""The must-not-miss table: every must-not-miss condition, whatever its rank, and the words the displays use for it.

:func:`must_not_miss_table` (``Diagnosis.must_not_miss``) lists each
condition the network marks must-not-miss with its probability, the
threshold applied, whether a red flag names it and how urgently, whether the
evidence meets its published rule-out, one sentence saying what would rule it
out, and the sources of that sentence and of the threshold.
:func:`must_not_miss_rows` gives the same rows without pandas (the CLI, the
report, ``to_dict``); :func:`flag_mark` and :func:`rule_out_cite` are the words
and the short citation every display prints. The flags themselves are
:func:`crampnet.reasoning.redflags.red_flags`.

Examples
--------
>>> import crampnet
>>> dx = crampnet.load().diagnose({"urge_to_move": True})
>>> table = must_not_miss_table(dx.model, dx.posteriors, dx.red_flags)
>>> list(table.index) == dx.model.must_not_miss
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from crampnet._files import escaped
from crampnet.reasoning._thresholds import DEFAULT_THRESHOLD, PAUKER_KASSIRER, THRESHOLDS, reaches
from crampnet.reasoning.redflags import URGENCIES, RedFlag, rule_outs_met, thresholds_for

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["flag_mark", "must_not_miss_rows", "must_not_miss_table", "rule_out_cite"]

#: What joins a must-not-miss row's ``source``: the rule-out's source, then the threshold's (:func:`rule_out_cite` splits it).
_THRESHOLD_PART = "; threshold: "

#: A row of :func:`must_not_miss_rows`: the condition id, then the columns of :func:`must_not_miss_table`.
MustNotMissRow = tuple[str, float, float, bool, str | None, bool, str, str]

#: The columns of :func:`must_not_miss_table`.
MUST_NOT_MISS_COLUMNS = ["probability", "threshold", "flagged", "urgency", "ruled_out", "rule_out", "source"]


def must_not_miss_table(model: BaseModel, posteriors: pd.Series | Mapping[str, float], flags: list[RedFlag], threshold: float | None = None, evidence: Mapping[str, object] | None = None, met: Mapping[str, tuple[str, str]] | None = None) -> pd.DataFrame:
    """Every must-not-miss condition with its probability, threshold, flag and what would rule it out.

    Parameters
    ----------
    model : BaseModel
        The compiled model.
    posteriors : pandas.Series or mapping of str to float
        The case's posteriors.
    flags : list of RedFlag
        The case's red flags.
    threshold : float or None, default=None
        As for :func:`~crampnet.reasoning.redflags.red_flags`.
    evidence : mapping, optional
        The case, to say whether a published rule-out is met (``ruled_out``).
    met : mapping, optional
        What :func:`~crampnet.reasoning.redflags.rule_outs_met` gives for this
        case, when the caller has it already (``Diagnosis`` does); computed
        from ``evidence`` otherwise.

    Returns
    -------
    pandas.DataFrame
        Indexed by condition id, in the network's order: ``probability``,
        ``threshold`` (the one applied), ``flagged`` (whether a red flag
        names it), ``urgency`` (the most urgent of those flags, one of
        :data:`URGENCIES`, or None when none names it), ``ruled_out``
        (whether ``evidence`` meets the condition's published rule-out,
        :func:`crampnet.reasoning._rules.rule_outs`: then no testing-threshold
        flag is raised under the test-treatment threshold; always False with a
        ``threshold`` given), ``rule_out`` (one sentence) and ``source`` (of
        the sentence and the threshold).

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> post = model.posteriors({"urge_to_move": True})
    >>> table = must_not_miss_table(model, post, [])
    >>> list(table.index) == list(model.must_not_miss), list(table.columns)
    (True, ['probability', 'threshold', 'flagged', 'urgency', 'ruled_out', 'rule_out', 'source'])
    """
    import pandas as pd

    rows = must_not_miss_rows(model, posteriors, flags, threshold, evidence, met)
    index = pd.Index(list(model.must_not_miss), name="condition")
    # each column built on its own, the text ones as objects: pandas' string inference would turn an unflagged urgency (None) into NaN
    text = {"urgency", "rule_out", "source"}
    columns = {name: pd.Series([row[i] for row in rows], index=index, dtype=object if name in text else None) for i, name in enumerate(MUST_NOT_MISS_COLUMNS, start=1)}
    return pd.DataFrame(columns, index=index)


def must_not_miss_rows(model: BaseModel, posteriors: pd.Series | Mapping[str, float], flags: list[RedFlag], threshold: float | None = None, evidence: Mapping[str, object] | None = None, met: Mapping[str, tuple[str, str]] | None = None) -> list[MustNotMissRow]:
    """The rows of :func:`must_not_miss_table` as tuples, without pandas: the condition id, then its columns.

    Parameters
    ----------
    model : BaseModel
        The model.
    posteriors : pandas.Series or mapping of str to float
        Each condition's posterior (the must-not-miss ones are read).
    flags : list of RedFlag
        The red flags raised for the case.
    threshold : float or None, default=None
        One threshold for every condition, or None for each one's own.
    evidence : mapping, optional
        The case, for the rule-outs.
    met : mapping, optional
        The rule-outs met, if already known.

    Returns
    -------
    list of tuple
        One ``(condition, probability, threshold, flagged, urgency,
        ruled_out, rule_out, source)`` per must-not-miss condition, in the
        network's order; each item as the column of that name in
        :func:`must_not_miss_table`.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> rows = must_not_miss_rows(model, dict.fromkeys(model.conditions, 0.5), [], threshold=0.4)
    >>> [row[0] for row in rows] == model.must_not_miss, rows[0][1:5]
    (True, (0.5, 0.4, False, None))
    """
    limits = thresholds_for(model, threshold)
    if met is None:
        met = rule_outs_met(model, evidence, threshold) if evidence is not None else {}
    urgency: dict[str, str] = {}
    for flag in sorted(flags, key=lambda f: URGENCIES.index(f.urgency)):
        urgency.setdefault(flag.condition, flag.urgency)
    rows = []
    for cond in model.must_not_miss:
        entry = THRESHOLDS.get(cond)
        rule_out = entry.rule_out if entry else "No published rule-out is recorded for it: evaluate it specifically."
        said = entry.rule_out_source if entry else f"network file {escaped(model.spec.path)} (must_not_miss)"
        limit_source = "given by the caller" if threshold is not None else PAUKER_KASSIRER if entry else f"judgment (default {DEFAULT_THRESHOLD:g})"
        source = f"{said}{_THRESHOLD_PART}{limit_source}"
        rows.append((cond, float(posteriors[cond]), limits[cond], cond in urgency, urgency.get(cond), cond in met, rule_out, source))
    return rows


def flag_mark(probability: float, threshold: float, urgency: str | None, ruled_out: bool = False) -> str:
    """A must-not-miss row's flag in words: ``FLAGGED (urgency)``, ``FLAGGED (urgency, finding rule)`` below the threshold, or ``not flagged``.

    ``urgency`` is the row's ``urgency`` (None when no flag names the
    condition). A finding rule flags whatever the probability, so a flag
    under the threshold says which kind it is and does not look like a
    contradiction; the urgency says how soon to act without a look at the
    red flags. An unflagged row whose published rule-out the evidence meets
    (``ruled_out``) reads ``not flagged (rule-out met)``, so a probability
    at or above the threshold without a flag says why.

    Parameters
    ----------
    probability : float
        The condition's probability.
    threshold : float
        The threshold applied to it.
    urgency : str or None
        The row's ``urgency``.
    ruled_out : bool, default=False
        Whether the evidence meets the condition's published rule-out.

    Returns
    -------
    str
        One of the four forms above.

    Examples
    --------
    >>> flag_mark(0.02, 0.013, "urgent"), flag_mark(0.01, 0.013, "test"), flag_mark(0.01, 0.013, None)
    ('FLAGGED (urgent)', 'FLAGGED (test, finding rule)', 'not flagged')
    >>> flag_mark(0.017, 0.013, None, ruled_out=True)
    'not flagged (rule-out met)'
    """
    if urgency is None:
        return "not flagged (rule-out met)" if ruled_out else "not flagged"
    return f"FLAGGED ({urgency})" if reaches(probability, threshold) else f"FLAGGED ({urgency}, finding rule)"


def rule_out_cite(condition: str, source: str) -> str:
    """The source of a must-not-miss row's rule-out, short enough for one line of text.

    The shipped threshold's short citation when ``source`` is its full one
    (the ``source`` column of :func:`must_not_miss_table`), else ``source``
    up to its threshold part.

    Parameters
    ----------
    condition : str
        The condition id of the row.
    source : str
        The row's ``source``.

    Returns
    -------
    str
        What a one-line display prints in brackets after the rule-out.

    Examples
    --------
    >>> import crampnet
    >>> dx = crampnet.load().diagnose({"urge_to_move": True})
    >>> rule_out_cite("deep_vein_thrombosis", dx.must_not_miss.loc["deep_vein_thrombosis", "source"])
    'Geersing 2014; Kraaijpoel 2020; NICE CG144; RCOG Green-top 37b'
    >>> rule_out_cite("x", "network file a.toml (must_not_miss); threshold: judgment (default 0.1)")
    'network file a.toml (must_not_miss)'
    """
    full = source.split(_THRESHOLD_PART)[0]
    entry = THRESHOLDS.get(condition)
    return entry.rule_out_cite if entry is not None and full == entry.rule_out_source else full
