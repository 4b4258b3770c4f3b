"""Evaluate a model on cases with known conditions.

:func:`evaluate` scores labelled cases (a DataFrame whose condition columns
are the truth and whose context and finding columns are the evidence;
missing cells are unobserved) and reports:

- **top-1 / top-3 accuracy** of the differential: a case is a hit at k when
  at least one condition present in it is among the first k of the
  differential that :func:`crampnet.diagnose` shows for its evidence, in the
  order of ``ranking`` (by default the counterfactual order, expected
  disablement, as ``diagnose``; ``ranking="posterior"`` ranks by the
  posterior alone, ties in network order). Cases in which no condition is
  present (or whose truth is all missing) have no right answer in the
  differential and are excluded from top-k; ``ranked`` counts the cases
  used.
- **must-not-miss recall**: over the (case, condition) pairs of a
  must-not-miss condition present, the share where the case's red flags name
  it (any urgency: a finding rule, or the condition at its testing
  threshold), as ``diagnose`` raises them; and the **urgent false alarm**
  rate: the share of cases with no must-not-miss condition present (among
  the labelled ones; a case whose truth is all missing is not counted) that
  raise an urgent or emergency flag.
- **AUROC** per condition, exact: the Mann-Whitney statistic with ties
  counted one half, over the cases whose truth for that condition is known
  (NaN when a condition has no positive or no negative case).
- **Brier score**: the mean squared difference between posterior and truth
  (1 present, 0 absent) over all known (case, condition) cells, and per
  condition.
- a **calibration** (reliability) table: cells binned by posterior into
  ``bins`` equal-width bins, with the mean posterior and the observed
  frequency in each.

It works on :func:`crampnet.trust.simulate.simulate` output (optionally hiding a
fraction of the evidence cells) and on users' labelled data, where truth
may be ``present``/``absent``, ``True``/``False`` or 1/0.

Examples
--------
>>> import crampnet
>>> from crampnet.trust.evaluate import evaluate
>>> from crampnet.trust.simulate import simulate
>>> model = crampnet.load()
>>> cohort = simulate(model, 40, seed=0)  # every node observed: ranked by posterior, one batch
>>> result = evaluate(model, cohort, ranking="posterior", hide=0.5)
>>> 0.0 <= result.top1 <= result.top3 <= 1.0
True
>>> list(result.calibration.columns)
['bin_low', 'bin_high', 'n', 'mean_predicted', 'observed']
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from crampnet._arguments import check_axes, check_frame, check_model, pyplot
from crampnet.exceptions import InvalidValueError, hint
from crampnet.network.batch import check_columns
from crampnet.network.evidence import check_bool, resolve_id, show
from crampnet.trust._metrics import auroc, calibration_table, truth_column
from crampnet.trust._shown import RANKINGS_BY, Shown, shown

if TYPE_CHECKING:
    import pandas as pd

    from crampnet.base import BaseModel

__all__ = ["Evaluation", "auroc", "calibration_table", "evaluate", "plot_calibration"]
MAX_BINS = 10_000  # most bins of the calibration table (a row each; a billion exhausted memory)


@dataclass(frozen=True, repr=False)
class Evaluation:
    """The scores of a model on labelled cases.

    Attributes
    ----------
    top1, top3 : float
        Top-1 and top-3 accuracy of the differential (NaN if no case is ranked).
    ranked : int
        Cases with at least one condition present (those used for top-k).
    auroc : pandas.Series
        Per condition (condition columns of the cases).
    brier : float
        Over all known (case, condition) cells.
    brier_by_condition : pandas.Series
        Per condition.
    calibration : pandas.DataFrame
        Columns ``bin_low, bin_high, n, mean_predicted, observed``.
    posteriors : pandas.DataFrame
        The model's posteriors for every case and condition.
    truth : pandas.DataFrame
        1.0 present, 0.0 absent, NaN unknown, per case and labelled condition.
    ranking : str
        The order of the differential that top-1 and top-3 score (the
        ``ranking`` argument of :func:`evaluate`).
    must_not_miss_recall : float
        Share of the present must-not-miss (case, condition) pairs that a red
        flag names (NaN if there are none).
    must_not_miss_present : int
        Those pairs.
    false_alarms : float
        Share of the cases with no must-not-miss condition present that raise
        an urgent or emergency flag (NaN if there are none).
    alarm_cases : int
        Those cases.

    Its repr is a short summary of the headline scores, and a notebook
    shows them as a table with the per-condition scores and the calibration
    table folded below.

    Examples
    --------
    >>> import crampnet
    >>> from crampnet.trust.simulate import simulate
    >>> model = crampnet.load()
    >>> result = crampnet.evaluate(model, simulate(model, 40, seed=0), ranking="posterior")
    >>> print(repr(result).splitlines()[0])
    <crampnet.Evaluation of 40 cases, 21 labelled conditions:
    """

    top1: float
    top3: float
    ranked: int
    auroc: pd.Series
    brier: float
    brier_by_condition: pd.Series
    calibration: pd.DataFrame
    posteriors: pd.DataFrame
    truth: pd.DataFrame
    ranking: str = "counterfactual"
    must_not_miss_recall: float = math.nan
    must_not_miss_present: int = 0
    false_alarms: float = math.nan
    alarm_cases: int = 0

    def summary(self) -> pd.DataFrame:
        """The per-condition scores, one row per labelled condition.

        Returns
        -------
        pandas.DataFrame
            Indexed by condition id: ``auroc``, ``brier``, ``prevalence``
            (the share of known cases in which it is present) and ``n`` (the
            cases whose truth for it is known).

        Examples
        --------
        >>> import crampnet
        >>> model = crampnet.load()
        >>> table = crampnet.evaluate(model, model.simulate(40, seed=0), ranking="posterior").summary()
        >>> list(table.columns), int(table["n"].max())
        (['auroc', 'brier', 'prevalence', 'n'], 40)
        """
        import pandas as pd

        return pd.DataFrame({"auroc": self.auroc, "brier": self.brier_by_condition, "prevalence": self.truth.mean(), "n": self.truth.notna().sum()})

    def _lines(self) -> list[tuple[str, str, str]]:
        """The headline scores as (name, value, what it is over)."""
        aucs = self.auroc.dropna()
        k, labelled = len(aucs), self.truth.shape[1]
        worst = f"; lowest {aucs.min():.3f}, {aucs.idxmin()}" if len(aucs) else ""
        # A count of 0 says what is missing and a count of 1 reads in the singular ("over the 0 of 1 conditions" did not).
        ranked = f", over the {_n(self.ranked, 'case')} with one present" if self.ranked else "; no case has one present"
        pairs = f", over {_n(self.must_not_miss_present, 'present pair')}" if self.must_not_miss_present else "; none is present"
        alarms = f" {_num(self.false_alarms)} of {_n(self.alarm_cases, 'case')} without one" if self.alarm_cases else " n/a: no case is known to be without one"
        over = {0: "no condition has both present and absent cases", 1: f"over the 1 {'condition, which has' if labelled == 1 else f'of {labelled} conditions that has'} present and absent cases"}
        return [
            ("top-1 accuracy", _num(self.top1), f"a present condition first, differential {RANKINGS_BY[self.ranking]}{ranked}"),
            ("top-3 accuracy", _num(self.top3), f"one in its first three, over the same {_n(self.ranked, 'case')}" if self.ranked else "one in its first three; no case has one present"),
            ("must-not-miss recall", _num(self.must_not_miss_recall), f"a flag names it{pairs}; urgent false alarms{alarms}"),
            ("Brier score", _num(self.brier, 4), f"over {_n(int(self.truth.notna().to_numpy().sum()), 'known (case, condition) cell')}; 0 is perfect"),
            ("AUROC, median", _num(float(aucs.median()) if k else math.nan), over.get(k, f"over the {k} of {labelled} conditions with present and absent cases") + worst),
        ]

    def __repr__(self) -> str:
        head = f"<crampnet.Evaluation of {_n(len(self.truth), 'case')}, {_n(self.truth.shape[1], 'labelled condition')}:"
        body = [f"  {name} {value} ({over})" for name, value, over in self._lines()]
        return "\n".join([head, *body, "  .summary() per condition; .calibration, .posteriors and .truth hold the tables>"])

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(f"<tr><th style='text-align:left'>{escape(n)}</th><td>{escape(v)}</td><td style='text-align:left'>{escape(o)}</td></tr>" for n, v, o in self._lines())
        detail = "".join(
            f"<details><summary>{escape(title)}</summary>{table.to_html(float_format=lambda x: f'{x:.3f}', na_rep='n/a', index=index)}</details>"
            for title, table, index in (("Per condition: AUROC, Brier score, prevalence, known cases", self.summary(), True), (f"Calibration ({_n(len(self.calibration), 'bin')})", self.calibration, False))
        )
        return f"<div class='crampnet-evaluation'><p><strong>crampnet evaluation</strong> of {_n(len(self.truth), 'case')}, {_n(self.truth.shape[1], 'labelled condition')}</p><table>{rows}</table>{detail}</div>"


def _n(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless the count is 1 ("1 case", "2 cases")."""
    return f"{count:,} {noun}{'s' * (count != 1)}"


def _num(value: float, digits: int = 3) -> str:
    """A score at ``digits`` decimals, or ``n/a`` for NaN (nothing to score)."""
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


def evaluate(
    model: BaseModel,
    cases: pd.DataFrame,
    *,
    ranking: str = "counterfactual",
    hide: float = 0.0,
    seed: int | np.random.Generator | None = 0,
    bins: int = 10,
    progress: bool = False,
) -> Evaluation:
    """Score the model's differential on cases with known conditions.

    Parameters
    ----------
    model : BaseModel
        A compiled model.
    cases : pandas.DataFrame
        One case per row. Condition columns are the truth; context and
        finding columns are the evidence (missing cells unobserved). A
        column of a part of a condition (``model.parts``) is neither: it is
        left out.
    ranking : {'counterfactual', 'disablement', 'sufficiency', 'posterior'}, default='counterfactual'
        The order of the differential that top-1 and top-3 score, as the
        ``ranking`` argument of :func:`crampnet.diagnose`: the default is
        the order ``diagnose`` shows. The counterfactual orders cost one
        diagnosis per distinct case (tens of milliseconds for a clinical
        case on the shipped network, about a second for a simulated case
        that observes every node); ``posterior`` ranks the batch of
        posteriors alone. AUROC, Brier score and calibration use the
        posteriors whatever the order.
    hide : float, default=0.0
        Fraction of the observed evidence cells to hide at random (in
        [0, 1)), e.g. to mimic incomplete histories in a simulated cohort.
    seed : int, numpy.random.Generator or None, default=0
        Seed for ``hide``.
    bins : int, default=10
        Equal-width bins of the calibration table.
    progress : bool, default=False
        Show progress bars on stderr (tqdm if installed): the batch of
        posteriors, then the cases the counterfactual orders rank one by one.

    Returns
    -------
    Evaluation
        Top-1 and top-3 accuracy, must-not-miss recall and urgent false
        alarms, AUROC, Brier score and the calibration table.

    Raises
    ------
    EvidenceTypeError
        If ``cases`` is not a DataFrame, or ``progress`` not True or False.
    InvalidValueError
        If ``cases`` has no condition column, repeats a column or gives a
        condition's truth twice, ``ranking`` is not one of the four, or
        ``hide``/``bins`` are out of range.
    InvalidStateError
        If a truth cell is not present/absent, True/False or 1/0.

    Examples
    --------
    >>> import crampnet
    >>> model = crampnet.load()
    >>> result = crampnet.evaluate(model, model.simulate(40, seed=0), ranking="posterior")
    >>> 0.0 <= result.top1 <= result.top3 <= 1.0 and result.ranked <= 40
    True
    """
    import pandas as pd

    from crampnet.trust.uncertainty import _rng

    check_model(model, "evaluate")
    check_frame(cases, "cases", "evaluate")
    check_columns(cases.columns)
    rng = _rng(seed, "evaluate")  # checks the seed even when nothing is hidden
    check_bool(progress, "progress", "evaluate")  # "no" would show the bars
    if isinstance(hide, bool) or not isinstance(hide, numbers.Real) or not 0.0 <= float(hide) < 1.0:
        msg = f"The 'hide' argument of evaluate must be a fraction in [0, 1). Got {hide!r} instead."
        raise InvalidValueError(msg)
    if not isinstance(ranking, str) or ranking not in RANKINGS_BY:
        msg = f"The 'ranking' argument of evaluate must be one of {', '.join(map(repr, RANKINGS_BY))}. Got {show(ranking)} instead.{hint(ranking if isinstance(ranking, str) else '', RANKINGS_BY)}"
        raise InvalidValueError(msg)
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or not 1 <= int(bins) <= MAX_BINS:
        msg = f"The 'bins' argument of evaluate must be an int from 1 to {MAX_BINS:,} (the calibration table has a row a bin). Got {bins!r} instead."
        raise InvalidValueError(msg)
    ids = {column: resolve_id(model.spec, column, "the cases' columns") for column in cases.columns}
    conditions = set(model.conditions)
    truth_cols = [c for c in cases.columns if ids[c] in conditions]
    if not truth_cols:
        msg = f"The 'cases' argument of evaluate has no condition column to take the truth from. Conditions: {', '.join(model.conditions)}."
        raise InvalidValueError(msg)
    named = {ids[c]: [t for t in truth_cols if ids[t] == ids[c]] for c in truth_cols}
    for nid, columns in named.items():
        if len(columns) > 1:
            msg = f"The 'cases' argument of evaluate gives the truth of {nid} in {len(columns)} columns ({', '.join(map(repr, columns))}); give it once."
            raise InvalidValueError(msg)
    truth = pd.DataFrame({ids[c]: truth_column(cases[c], ids[c]) for c in truth_cols}, index=cases.index)
    if truth.isna().all(axis=None):
        msg = f"The 'cases' argument of evaluate has no truth: every cell of its condition columns ({', '.join(truth.columns)}) is missing."
        raise InvalidValueError(msg)
    hidden = conditions | set(model.parts)  # a part's column (model.simulate gives one) is truth, not evidence
    evidence = cases[[c for c in cases.columns if ids[c] not in hidden]]
    if hide > 0 and evidence.shape[1]:
        mask = rng.random(evidence.shape) < hide
        evidence = evidence.astype(object).mask(mask)
    if evidence.shape[1]:
        posteriors = model.posteriors(evidence, progress=bool(progress))
    else:
        prior = model.posteriors({}).reindex(model.conditions)
        posteriors = pd.DataFrame(np.repeat(prior.to_numpy()[None, :], len(cases), axis=0), index=cases.index, columns=model.conditions)
    assert isinstance(posteriors, pd.DataFrame)  # a DataFrame in, a DataFrame out
    seen = shown(model, evidence, posteriors, ranking, progress=bool(progress))
    return _scores(posteriors, truth, int(bins), seen, ranking, [c for c in truth.columns if c in model.must_not_miss])



def _scores(posteriors: pd.DataFrame, truth: pd.DataFrame, bins: int, shown: Shown, ranking: str, guarded: list[str]) -> Evaluation:
    import pandas as pd

    labelled = list(truth.columns)
    p = posteriors[labelled].to_numpy()
    y = truth.to_numpy()
    known = ~np.isnan(y)
    col = {c: j for j, c in enumerate(posteriors.columns)}
    present = np.nan_to_num(y, nan=0.0) == 1.0
    ranked = present.any(axis=1)
    best = np.where(present, shown.place[:, [col[c] for c in labelled]], np.iinfo(np.intp).max).min(axis=1) if labelled else np.zeros(0)
    mnm_present = present[:, [labelled.index(c) for c in guarded]]
    named = shown.flagged[:, [col[c] for c in guarded]][mnm_present]
    quiet = ~mnm_present.any(axis=1) & known.any(axis=1)  # none present among the labelled ones, in a case with some truth
    recall = float(named.mean()) if named.size else math.nan
    alarms = float(shown.alarm[quiet].mean()) if quiet.any() else math.nan
    n_ranked = int(ranked.sum())
    top1 = float((best[ranked] < 1).mean()) if n_ranked else math.nan
    top3 = float((best[ranked] < 3).mean()) if n_ranked else math.nan
    aucs = pd.Series({c: auroc(p[known[:, j], j], y[known[:, j], j]) for j, c in enumerate(labelled)}, name="auroc", dtype=float)
    sq = (p - np.nan_to_num(y)) ** 2
    brier_by = pd.Series([float(sq[known[:, j], j].mean()) if known[:, j].any() else math.nan for j in range(len(labelled))], index=labelled, name="brier", dtype=float)
    brier = float(sq[known].mean()) if known.any() else math.nan
    return Evaluation(top1, top3, n_ranked, aucs, brier, brier_by, calibration_table(p[known], y[known], bins), posteriors, truth, ranking, recall, int(named.size), alarms, int(quiet.sum()))


def plot_calibration(result: Evaluation | pd.DataFrame, ax: Any = None) -> Any:
    """Draw a reliability diagram (needs matplotlib).

    Parameters
    ----------
    result : Evaluation or pandas.DataFrame
        An evaluation, or its ``calibration`` table (else InvalidValueError).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: observed frequency against mean predicted
        probability per non-empty bin, each point labelled with its bin's
        ``n`` ("n=412", a text with ``gid`` ``"n"``), and the diagonal of
        perfect calibration.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import crampnet
    >>> from crampnet.trust.evaluate import evaluate, plot_calibration
    >>> from crampnet.trust.simulate import simulate
    >>> model = crampnet.load()
    >>> ax = plot_calibration(evaluate(model, simulate(model, 30, seed=0), ranking="posterior"))
    >>> ax.get_xlabel()
    'Predicted probability'
    """
    plt = pyplot()
    check_axes(ax, "plot_calibration")
    table = result.calibration if isinstance(result, Evaluation) else result
    if missing := [c for c in ("n", "mean_predicted", "observed") if c not in getattr(table, "columns", ())]:
        msg = f"plot_calibration draws an Evaluation or its calibration table (evaluate(...).calibration). The {type(result).__name__} given has no {', '.join(missing)}."
        raise InvalidValueError(msg)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfect calibration")
    shown = table[table["n"] > 0]
    ax.plot(shown["mean_predicted"], shown["observed"], marker="o", color="#4477aa", label="crampnet (n: cells in the bin)")
    for x, y, n in zip(shown["mean_predicted"], shown["observed"], shown["n"], strict=True):  # a point's weight, to read it by
        ax.annotate(f"n={int(n):,}", (x, y), textcoords="offset points", xytext=(4, -11), fontsize=7, color="#4477aa", gid="n")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="Predicted probability", ylabel="Observed frequency")
    ax.legend(loc="upper left", fontsize="small")
    return ax
