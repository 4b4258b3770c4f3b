"""Evaluation of the differential: metrics equal hand-computed values."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.trust.evaluate import auroc, calibration_table, evaluate, plot_calibration
from crampnet.trust.simulate import simulate

# Six labelled cases on tiny.toml: evidence columns and truth columns (mixed formats, one unknown).
CASES = pd.DataFrame(
    {
        "urge": ["yes", "no", "yes", None, "no", "yes"],
        "ferritin": [20, 80, None, 30, None, 60],
        "location": ["diffuse", "calf", "calf", None, "foot", "calf"],
        "rls": ["present", "absent", True, False, 0, 1],
        "cramps": [False, True, "present", None, "absent", True],
        "plm": [0, 0, 1, 0, 0, 0],
    },
    index=list("abcdef"),
)


def by_hand_auroc(scores: list[float], labels: list[int]) -> float:
    """AUROC by comparing every positive with every negative (ties count 1/2)."""
    pairs = [(p, n) for p, lp in zip(scores, labels, strict=True) if lp == 1 for n, ln in zip(scores, labels, strict=True) if ln == 0]
    return sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in pairs) / len(pairs)


def test_auroc_literal_values():
    """Check AUROC on numbers worked out on paper: ties count one half; perfect and reversed rankings."""
    assert auroc(np.array([0.9, 0.4, 0.4, 0.1]), np.array([1, 1, 0, 0])) == 0.875  # (1 + 1 + 0.5 + 1) / 4
    assert auroc(np.array([0.1, 0.2, 0.3]), np.array([0, 0, 1])) == 1.0
    assert auroc(np.array([0.1, 0.2, 0.3]), np.array([1, 0, 0])) == 0.0
    assert np.isnan(auroc(np.array([0.1, 0.2]), np.array([1, 1])))


def test_calibration_table_literal_values():
    """Check the reliability table on hand-placed predictions (the last bin includes 1.0)."""
    table = calibration_table(np.array([0.05, 0.15, 0.12, 0.95, 1.0]), np.array([0, 1, 0, 1, 1]), bins=2)
    assert table["n"].tolist() == [3, 2]
    assert table["mean_predicted"].tolist() == pytest.approx([(0.05 + 0.15 + 0.12) / 3, (0.95 + 1.0) / 2])
    assert table["observed"].tolist() == pytest.approx([1 / 3, 1.0])


def test_auroc_ranks_only_the_labelled_cases():
    """Check labels other than 1 and 0 count as neither, as documented: AUROC equals the pairwise count over the others.

    They were ranked with the rest, which gave 2.0 for scores (0.9, 0.5, 0.1)
    labelled (1, NaN, 0).
    """
    scores = [0.9, 0.5, 0.1, 0.7, 0.3, 0.6, 0.2]
    labels = [1, np.nan, 0, 2, 1, 0, -1]
    kept = [(sc, int(lab)) for sc, lab in zip(scores, labels, strict=True) if lab in (0, 1)]
    value = auroc(np.array(scores), np.array(labels))
    assert value == pytest.approx(by_hand_auroc([sc for sc, _ in kept], [lab for _, lab in kept]))
    assert 0.0 <= value <= 1.0
    assert auroc(np.array([0.9, np.nan, 0.1]), np.array([1, np.nan, 0])) == 1.0  # a NaN score of an unlabelled case is not ranked


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: auroc(np.array([0.9, np.nan, 0.1]), np.array([1, 1, 0])), "'scores' of auroc must be finite"),
        (lambda: auroc(np.array([0.9, 0.1]), np.array([1, 0, 0])), r"same length .* shapes \(2,\) and \(3,\)"),
        (lambda: calibration_table(np.array([0.05, np.nan]), np.array([0, 1])), "probabilities in \\[0, 1\\]. Got np.float64\\(nan\\)"),
        (lambda: calibration_table(np.array([0.05, 1.5]), np.array([0, 1])), "probabilities in \\[0, 1\\]. Got np.float64\\(1.5\\)"),
        (lambda: calibration_table(np.array([0.05, 0.5]), np.array([0, 0.5])), "outcomes 1 or 0"),
        (lambda: calibration_table(np.array([0.05, 0.5]), np.array([0, 1, 1])), "same length"),
        (lambda: calibration_table(np.array([0.05, 0.5]), np.array([0, 1]), bins=0), "'bins' argument of calibration_table"),
    ],
)
def test_metrics_refuse_inputs_they_would_misread(call, match):
    """Check NaN scores, predictions outside [0, 1], outcomes not 1 or 0, unequal lengths and no bins are errors, not NaN, clipped bins or IndexError."""
    with pytest.raises(crampnet.InvalidValueError, match=match):
        call()


def test_metrics_equal_hand_computation_on_labelled_cases(tiny):
    """Check top-1/top-3 by posterior, AUROC, Brier and calibration against loops written out in the test."""
    result = evaluate(tiny, CASES, ranking="posterior", bins=4)
    post = tiny.posteriors(CASES[["urge", "ferritin", "location"]])
    truth = {
        "rls": [1, 0, 1, 0, 0, 1],
        "cramps": [0, 1, 1, None, 0, 1],
        "plm": [0, 0, 1, 0, 0, 0],
    }
    # top-k: rank the three conditions per case; a hit if a present condition is within the top k.
    hits1 = hits3 = ranked = 0
    for i, case in enumerate(CASES.index):
        present = [c for c in truth if truth[c][i] == 1]
        if not present:
            continue
        ranked += 1
        order = sorted(tiny.conditions, key=lambda c: -post.loc[case, c])
        hits1 += order[0] in present
        hits3 += any(c in present for c in order[:3])
    assert result.ranked == ranked == 4  # cases d and e have no condition present
    assert result.top1 == pytest.approx(hits1 / ranked)
    assert result.top3 == pytest.approx(hits3 / ranked)
    # AUROC and Brier over known cells.
    cells = []
    for cond, labels in truth.items():
        known = [(post.loc[case, cond], y) for case, y in zip(CASES.index, labels, strict=True) if y is not None]
        cells += known
        assert result.auroc[cond] == pytest.approx(by_hand_auroc([p for p, _ in known], [y for _, y in known]))
        assert result.brier_by_condition[cond] == pytest.approx(sum((p - y) ** 2 for p, y in known) / len(known))
    assert result.brier == pytest.approx(sum((p - y) ** 2 for p, y in cells) / len(cells))
    assert result.calibration["n"].sum() == len(cells) == 17
    for _, row in result.calibration.iterrows():
        inside = [(p, y) for p, y in cells if row["bin_low"] <= p < row["bin_high"] or (row["bin_high"] == 1.0 and p == 1.0)]
        assert row["n"] == len(inside)
        if inside:
            assert row["observed"] == pytest.approx(sum(y for _, y in inside) / len(inside))


def test_top1_counts_ties_in_network_order(tiny):
    """Check the documented tie-break: equal posteriors rank in network order."""
    cases = pd.DataFrame({"rls": ["absent"], "cramps": ["present"], "plm": ["absent"]})
    result = evaluate(tiny, cases, ranking="posterior")  # no evidence: the priors rank the differential
    prior = tiny.posteriors({})
    top = sorted(tiny.conditions, key=lambda c: (-prior[c], tiny.conditions.index(c)))[0]
    assert result.top1 == (1.0 if top == "cramps" else 0.0)


def test_hiding_evidence_is_seeded(tiny):
    """Check that hide=0 scores the given evidence and that hidden cells follow the seed."""
    cohort = simulate(tiny, 200, seed=1)
    full = evaluate(tiny, cohort)
    evidence = cohort[[c for c in cohort.columns if c not in tiny.conditions]]
    pd.testing.assert_frame_equal(full.posteriors, tiny.posteriors(evidence))
    a = evaluate(tiny, cohort, hide=0.4, seed=3)
    b = evaluate(tiny, cohort, hide=0.4, seed=3)
    pd.testing.assert_frame_equal(a.posteriors, b.posteriors)
    assert not a.posteriors.equals(full.posteriors)


def test_simulated_cohort_scores_better_than_chance(tiny):
    """Check that on its own simulated cohort the model ranks rls far better than chance (urge is informative)."""
    result = evaluate(tiny, simulate(tiny, 1500, seed=2), hide=0.2)
    assert result.auroc["rls"] > 0.8
    assert 0.0 <= result.top1 <= result.top3 <= 1.0
    summary = result.summary()
    assert list(summary.index) == tiny.conditions
    assert summary["n"].tolist() == [1500] * 3


def test_plot_calibration(tiny):
    """Check that the reliability diagram draws the diagonal and the binned points."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_calibration(evaluate(tiny, simulate(tiny, 300, seed=0)))
    assert ax.get_xlabel() == "Predicted probability"
    assert len(ax.get_lines()) == 2
    plt.close(ax.figure)


@pytest.mark.parametrize("given", [pd.DataFrame({"a": [1]}), pd.DataFrame(), [0.1, 0.2], None], ids=["other frame", "empty frame", "list", "None"])
def test_plot_calibration_names_what_it_draws(given):
    """Check that what is neither an Evaluation nor a calibration table is an InvalidValueError naming the columns (it was a KeyError 'n' or an AttributeError)."""
    pytest.importorskip("matplotlib").use("Agg")
    with pytest.raises(crampnet.InvalidValueError, match=r"plot_calibration draws an Evaluation or its calibration table .* has no n, mean_predicted, observed"):
        plot_calibration(given)


def test_plot_calibration_of_a_table_read_back_from_csv(tiny, tmp_path):
    """Check the calibration table saved to CSV and read back draws the same points."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = evaluate(tiny, simulate(tiny, 300, seed=0)).calibration
    table.to_csv(tmp_path / "calibration.csv")
    back = pd.read_csv(tmp_path / "calibration.csv", index_col=0)
    ax = plot_calibration(back)
    shown = table[table["n"] > 0]
    np.testing.assert_allclose(ax.get_lines()[1].get_xydata(), shown[["mean_predicted", "observed"]].to_numpy())
    plt.close(ax.figure)


@pytest.mark.parametrize(
    ("cases", "kwargs", "error", "match"),
    [
        ([{"rls": "present"}], {}, crampnet.EvidenceTypeError, "must be a pandas DataFrame"),
        (pd.DataFrame({"urge": ["yes"]}), {}, crampnet.InvalidValueError, "no condition column"),
        (pd.DataFrame({"rls": ["maybe"]}), {}, crampnet.InvalidStateError, "truth of rls must be 'present' or 'absent'"),
        (pd.DataFrame({"rls": ["present"]}), {"hide": 1.0}, crampnet.InvalidValueError, "'hide' argument of evaluate"),
        (pd.DataFrame({"rls": ["present"]}), {"bins": 0}, crampnet.InvalidValueError, "'bins' argument of evaluate"),
        (pd.DataFrame({"rls": ["present"]}), {"ranking": "probability"}, crampnet.InvalidValueError, "'ranking' argument of evaluate must be one of 'counterfactual'"),
        (pd.DataFrame({"rlss": ["present"]}), {}, crampnet.UnknownNodeError, "Did you mean 'rls'"),
        # two truth columns of one condition raised pandas' "truth value of an array is ambiguous"
        (pd.DataFrame([["present", "absent"]], columns=["rls", "rls"]), {}, crampnet.InvalidValueError, "2 columns named 'rls'"),
        # "no" is truthy: it drew the progress bars
        (pd.DataFrame({"rls": ["present"]}), {"progress": "no"}, crampnet.EvidenceTypeError, "'progress' argument of evaluate must be True or False"),
        (pd.DataFrame({"rls": ["present"]}), {"seed": -1}, crampnet.InvalidValueError, "'seed' argument of evaluate"),
    ],
)
def test_errors(tiny, cases, kwargs, error, match):
    """Check that bad cases and arguments raise errors that say what is wrong."""
    with pytest.raises(error, match=match):
        evaluate(tiny, cases, **kwargs)


def test_shipped_network_evaluation(model):
    """Check evaluation on a small simulated cohort of the shipped network (ranked by posterior: a simulated case observes
    about 70 nodes here, and its counterfactual differential takes about a second; the counterfactual orders are
    checked on sparser cases in test_top_k_agree_with_each_cases_diagnosis)."""
    result = evaluate(model, simulate(model, 60, seed=0), ranking="posterior", hide=0.3)
    assert result.ranked > 0
    assert 0.0 <= result.top1 <= result.top3 <= 1.0
    assert set(result.auroc.index) == set(model.conditions)
    assert list(itertools.islice(result.calibration.columns, 3)) == ["bin_low", "bin_high", "n"]


def test_repr_is_short_and_readable(tiny):
    """Check that an Evaluation's repr gives the headline scores in a few lines, not a dump of its tables (issue 15)."""
    result = evaluate(tiny, CASES, bins=4)
    text = repr(result)
    lines = text.splitlines()
    assert len(lines) <= 7 and max(map(len, lines)) <= 130 and len(text) < 800
    assert lines[0] == "<crampnet.Evaluation of 6 cases, 3 labelled conditions:"
    assert text.endswith(">")
    # The hand-checked numbers of test_metrics_equal_hand_computation_on_labelled_cases: 4 ranked cases, 17 known cells.
    assert f"top-1 accuracy {result.top1:.3f} (" in text and f"top-3 accuracy {result.top3:.3f} (" in text
    assert "over the 4 cases with one present" in text and "over 17 known (case, condition) cells" in text
    assert f"Brier score {result.brier:.4f}" in text
    assert f"AUROC, median {float(np.median(result.auroc)):.3f} (over the 3 of 3 conditions" in text
    assert "posteriors=" not in text and "DataFrame" not in text
    big = evaluate(tiny, simulate(tiny, 2000, seed=0))
    assert len(repr(big)) < 800  # the size of the cohort does not show


def test_repr_without_a_ranked_case_or_a_defined_auroc(tiny):
    """Check that scores with nothing to score read n/a, in text and HTML."""
    result = evaluate(tiny, pd.DataFrame({"rls": ["absent", "absent"], "urge": ["no", "yes"]}))
    assert result.ranked == 0 and np.isnan(result.top1) and np.isnan(result.auroc["rls"])
    text = repr(result)
    assert "top-1 accuracy n/a (" in text and "top-3 accuracy n/a (" in text
    assert "AUROC, median n/a (no condition has both present and absent cases)" in text
    assert "nan" not in text.lower()
    assert "n/a" in result._repr_html_() and "nan" not in result._repr_html_().lower()


def test_html_repr_shows_the_scores_and_the_tables(tiny):
    """Check the notebook display: the headline scores, then per-condition scores and the calibration table."""
    result = evaluate(tiny, CASES, bins=4)
    html = result._repr_html_()
    assert html.startswith("<div") and html.endswith("</div>")
    assert html.count("<table") == 3  # headline, per condition, calibration
    for name in ("top-1 accuracy", "top-3 accuracy", "Brier score", "AUROC, median"):
        assert name in html
    assert f"<td>{result.top1:.3f}</td>" in html and f"<td>{result.brier:.4f}</td>" in html
    for condition in tiny.conditions:
        assert f"<th>{condition}</th>" in html
    assert "Calibration (4 bins)" in html
    assert html.index("AUROC, median") < html.index("<th>rls</th>") < html.index("Calibration")


#: Claudication with cramps at 66: the differential (expected disablement) puts PAD first, the posterior nocturnal cramps.
CLAUDICANT = {"age": 66, "exertional_pain_relieved_by_rest": "yes", "muscle_cramps": "yes"}


def test_default_top1_is_the_first_of_the_differential_not_of_the_posterior(model):
    """Check that evaluate scores the order diagnose shows by default, and the posterior order on request.

    The case has PAD present: first of the counterfactual differential, while
    nocturnal cramps have the highest posterior (read from the posteriors,
    not from evaluate), so the two orders score it 1 and 0.
    """
    posterior = model.posteriors(CLAUDICANT)
    assert posterior.idxmax() == "nocturnal_leg_cramps"
    assert crampnet.diagnose(model, CLAUDICANT).differential[0] == "peripheral_arterial_disease"
    cases = pd.DataFrame([{**CLAUDICANT, "peripheral_arterial_disease": "present", "nocturnal_leg_cramps": "absent"}])
    assert evaluate(model, cases).top1 == 1.0
    assert evaluate(model, cases, ranking="counterfactual").top1 == 1.0
    assert evaluate(model, cases, ranking="posterior").top1 == 0.0
    assert "by expected disablement" in repr(evaluate(model, cases))
    assert "by probability" in repr(evaluate(model, cases, ranking="posterior"))


@pytest.mark.parametrize("ranking", ["counterfactual", "disablement", "sufficiency", "posterior"])
def test_top_k_agree_with_each_cases_diagnosis(model, ranking):
    """Check top-1 and top-3 against a loop over the cases' own diagnoses (Diagnosis.differential), for each ranking.

    The cohort is simulated from the network with about half of its evidence
    cells blanked here, so rows differ in what is observed; cases with no
    condition present are left out of top-k, as documented.
    """
    cohort = simulate(model, 12, seed=5)
    findings = [c for c in cohort.columns if c not in model.conditions]
    cohort[findings] = cohort[findings].astype(object).mask(np.random.default_rng(7).random((len(cohort), len(findings))) < 0.5)
    result = evaluate(model, cohort, ranking=ranking)
    hits1 = hits3 = ranked = 0
    for _, row in cohort.iterrows():
        present = [c for c in model.conditions if row[c] == "present"]
        if not present:
            continue
        case = {col: row[col] for col in findings if not pd.isna(row[col])}
        differential = crampnet.diagnose(model, case, ranking=ranking).differential
        ranked += 1
        hits1 += differential[0] in present
        hits3 += any(c in present for c in differential[:3])
    assert result.ranked == ranked > 0
    assert result.top1 == pytest.approx(hits1 / ranked)
    assert result.top3 == pytest.approx(hits3 / ranked)
    assert result.ranking == ranking


def test_the_rankings_are_those_of_diagnose():
    """Check that evaluate knows exactly diagnose's rankings, so that every order diagnose shows can be scored."""
    from crampnet.reasoning.ranking import RANKINGS
    from crampnet.trust._shown import RANKINGS_BY

    assert set(RANKINGS_BY) == set(RANKINGS)


def test_progress_bar_and_repeated_cases_rank_once(tiny, capsys, monkeypatch):
    """Check that progress=True draws a bar on stderr and that identical cases are diagnosed once, with the same places."""
    import crampnet.reasoning.diagnosis as diagnosis

    made: list[object] = []

    class Counted(diagnosis.Diagnosis):
        def __init__(self, *args, **kwargs):
            made.append(args[1])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(diagnosis, "Diagnosis", Counted)
    cases = pd.concat([CASES] * 3, ignore_index=True)
    result = evaluate(tiny, cases, progress=True)
    assert len(made) == len(CASES)  # six distinct cases, each seen three times
    assert "18" in capsys.readouterr().err  # the bar counts the 18 cases
    single = evaluate(tiny, CASES)
    assert result.top1 == single.top1 and result.top3 == single.top3 and result.ranked == 3 * single.ranked


def test_must_not_miss_recall_and_false_alarms(model):
    """Check the safety scores on cases whose flags are known, and against each case's own diagnosis.

    Rest pain, gangrene and an ABI of 0.3 at 75 raise the critical limb ischemia
    flag; the README's restless legs case raises none (its CLI output says
    "Red flags: none"). A third case, a claudicant with no must-not-miss
    condition present, counts as a quiet case as well.
    """
    cases = pd.DataFrame(
        [
            {"age": 75, "rest_pain": "yes", "ulcer_or_gangrene": "yes", "ankle_brachial_index": 0.3, "critical_limb_ischemia": "present", "deep_vein_thrombosis": "absent"},
            {"age": 52, "sex": "female", "presenting_complaint": "restlessness", "urge_to_move": "yes", "uncomfortable_sensations": "yes", "worse_at_rest": "yes",
             "relief_by_movement": "yes", "worse_evening": "yes", "visible_hard_contraction": "no", "ferritin": 32,
             "restless_legs_syndrome": "present", "critical_limb_ischemia": "absent", "deep_vein_thrombosis": "absent"},
            {**CLAUDICANT, "peripheral_arterial_disease": "present"},
        ]
    )
    result = evaluate(model, cases, ranking="posterior")
    flags = [crampnet.diagnose(model, {k: v for k, v in row.items() if not pd.isna(v) and k not in model.conditions}).red_flags for _, row in cases.iterrows()]
    assert "critical_limb_ischemia" in {f.condition for f in flags[0]}
    assert flags[1] == []
    assert result.must_not_miss_present == 1 and result.must_not_miss_recall == 1.0
    alarms = [any(f.urgency in ("urgent", "emergency") for f in fl) for fl in flags[1:]]
    assert result.alarm_cases == 2 and result.false_alarms == pytest.approx(sum(alarms) / 2)
    assert "must-not-miss recall 1.000 (a flag names it, over 1 present pair; urgent false alarms" in repr(result)
    ordered = evaluate(model, cases)  # the flags do not depend on the order of the differential
    assert (ordered.must_not_miss_recall, ordered.false_alarms) == (result.must_not_miss_recall, result.false_alarms)
    quiet = evaluate(model, cases.iloc[[1]], ranking="posterior")
    assert quiet.false_alarms == 0.0 and np.isnan(quiet.must_not_miss_recall) and quiet.must_not_miss_present == 0


def test_truth_given_twice_through_an_alias_is_an_error(tmp_path):
    """Check a condition's truth in its id's column and in its alias's is refused, not silently the last column's."""
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "tiny.toml").read_text(encoding="utf-8")
    path = tmp_path / "aliased.toml"
    path.write_text(text.replace('[nodes.rls]\nrole = "condition"\n', '[nodes.rls]\nrole = "condition"\naliases = ["restless"]\n', 1), encoding="utf-8")
    model = crampnet.load(path)
    with pytest.raises(crampnet.InvalidValueError, match="truth of rls in 2 columns \\('rls', 'restless'\\)"):
        evaluate(model, pd.DataFrame({"rls": ["present"], "restless": ["absent"]}), ranking="posterior")


def test_a_case_whose_truth_is_all_missing_counts_in_no_alarm_rate(model):
    """Check that a row with no truth at all is not a 'case without one' in the false-alarm rate.

    A row whose every condition cell is missing says nothing about whether a must-not-miss condition was present;
    it was counted as quiet, so an unlabelled DVT-like case's urgent flag counted as a false alarm. The README's
    restless legs case (no flag, all truth given) stays quiet; the swollen tender calf with no truth is left out.
    """
    rls = {"age": 52, "sex": "female", "urge_to_move": "yes", "worse_at_rest": "yes", "relief_by_movement": "yes", "worse_evening": "yes",
           "ferritin": 32, "restless_legs_syndrome": "present", "deep_vein_thrombosis": "absent"}
    calf = {"unilateral_calf_swelling": "yes", "calf_tenderness": "yes", "malignancy": "yes"}
    flags = crampnet.diagnose(model, {k: v for k, v in calf.items()}).red_flags
    assert any(f.urgency in ("urgent", "emergency") for f in flags)  # the unlabelled case would be a 'false alarm'
    result = evaluate(model, pd.DataFrame([rls, calf]), ranking="posterior")
    assert result.alarm_cases == 1 and result.false_alarms == 0.0


def test_truth_all_missing_is_refused(model):
    """Check that cases whose every truth cell is missing are refused by name, not scored as NaN and a false-alarm rate."""
    cases = pd.DataFrame([{"urge_to_move": "yes", "deep_vein_thrombosis": None}, {"urge_to_move": "no", "deep_vein_thrombosis": None}])
    with pytest.raises(crampnet.InvalidValueError, match=r"no truth: every cell of its condition columns \(deep_vein_thrombosis\) is missing"):
        evaluate(model, cases)


def test_plot_calibration_labels_each_point_with_its_bin_count(tiny):
    """Check each point of the reliability diagram is labelled with its bin's n, at the point, and empty bins get none.

    The diagram drew the points alone: a bin of 3 cells and one of 3,000
    looked alike, so a researcher could not tell noise from miscalibration.
    """
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = pd.DataFrame({
        "bin_low": [0.0, 0.25, 0.5, 0.75], "bin_high": [0.25, 0.5, 0.75, 1.0], "n": [1200, 0, 3, 45],
        "mean_predicted": [0.1, np.nan, 0.6, 0.9], "observed": [0.12, np.nan, 1.0, 0.8],
    })  # fmt: skip
    ax = plot_calibration(table)
    counts = [t for t in ax.texts if t.get_gid() == "n"]
    assert [t.get_text() for t in counts] == ["n=1,200", "n=3", "n=45"]
    assert [t.xy for t in counts] == [(0.1, 0.12), (0.6, 1.0), (0.9, 0.8)]
    plt.close(ax.figure)


def test_one_of_a_kind_reads_in_the_singular(tiny):
    """Check the evaluation's headline and the fit's note say "1 case", "1 labelled condition", "1 iteration", not "1 cases".

    One labelled case (its rls present) of tiny: the summary read "of 1
    cases, 1 labelled conditions", "over the 1 cases with one present",
    "over 1 known (case, condition) cells"; a fit to one row with one EM
    iteration noted "worth 1 cases ... updated with 1 cases (EM, 1
    iterations ...; 1 rows with no observed cell left out)".
    """
    import re
    import warnings

    from crampnet.trust.simulate import ConvergenceWarning

    result = evaluate(tiny, pd.DataFrame({"rls": ["present"], "urge": ["yes"]}), ranking="posterior")
    text = repr(result) + result._repr_html_()
    for phrase in ("of 1 case, 1 labelled condition", "over the 1 case with one present", "over the same 1 case)", "over 1 known (case, condition) cell;", "of 1 case without one"):
        assert phrase in text, phrase
    assert not re.search(r"\b1 (cases|labelled conditions|known \(case, condition\) cells)\b", text)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = tiny.fit(pd.DataFrame({"ferritin": ["low", None]}), prior_strength=1, max_iter=1)
    note = fitted.parameters().query("source == 'fitted'")["note"].iloc[0]
    assert "worth 1 case (BDe" in note and "updated with 1 case (EM, 1 iteration without converging (max_iter;" in note and "; 1 row with no observed cell left out" in note
    assert any(w.category is ConvergenceWarning and "EM stopped after 1 iteration before" in str(w.message) for w in caught)


def test_counts_of_0_and_1_read_well():
    """Check the evaluation's summary says what is missing for a count of 0 and reads in the singular for 1 ("over the 0 of 1 conditions", "over the 1 of 1 conditions", "over 0 present pairs" did not), and so does the warning of one impossible draw.

    Tiny cases on tiny (no must-not-miss condition) and the shipped network:
    rls absent twice (no condition with both, no case ranked); rls present
    and absent (one condition of one with both); rls and cramps labelled,
    only rls varying (one of two); one case with DVT present (one present
    pair, no case without one).
    """
    import re
    import warnings

    from crampnet.trust.uncertainty import _possible_draws

    tiny = crampnet.load(Path(__file__).parent / "data" / "tiny.toml")
    model = crampnet.load()

    def text(net: crampnet.Model, cases: dict[str, list[str]]) -> str:
        result = evaluate(net, pd.DataFrame(cases), ranking="posterior")
        return repr(result) + result._repr_html_()

    none = text(tiny, {"rls": ["absent", "absent"], "urge": ["no", "yes"]})
    assert "AUROC, median n/a (no condition has both present and absent cases)" in none
    assert "differential by probability; no case has one present)" in none and "one in its first three; no case has one present)" in none
    assert "a flag names it; none is present; urgent false alarms 0.000 of 2 cases without one" in none
    one = text(tiny, {"rls": ["present", "absent"], "urge": ["no", "yes"]})
    assert "(over the 1 condition, which has present and absent cases; lowest" in one
    one_of_two = text(tiny, {"rls": ["present", "absent"], "cramps": ["present", "present"], "urge": ["no", "yes"]})
    assert "(over the 1 of 2 conditions that has present and absent cases; lowest" in one_of_two
    dvt = text(model, {"deep_vein_thrombosis": ["present"]})
    assert "a flag names it, over 1 present pair; urgent false alarms n/a: no case is known to be without one)" in dvt
    for shown in (none, one, one_of_two, dvt):
        assert not re.search(r"\b(0 of|over the 0|over 0|1 of 1 conditions|1 (cases|pairs|conditions)\b)", shown), shown
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kept, dropped = _possible_draws(np.array([[0.1, 0.2], [np.nan, 0.3], [0.4, 0.5]]))
    assert dropped == 1 and kept.shape == (2, 2)
    assert "1 of 3 parameter draws makes this evidence impossible" in str(caught[0].message)
