"""The report's repeated work, done once: its two question tables share one set of measures, its parts one batch (session 50, h3).

Every check compares the faster path with the straightforward one it
replaces, on the benchmark's five clinical cases and on random cases of the
shipped network, and counts the work, which the old code did twice.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import crampnet
import crampnet.exceptions
from crampnet.reasoning import _question_order, report
from crampnet.reasoning._differential import part_probabilities, present_given
from crampnet.reasoning._question_table import (
    COLUMNS,
    collect_answers,
    rank_questions,
    ranked_orders,
)


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    """The shipped network."""
    return crampnet.load()


def table_pairs(model: crampnet.Model, answers: Any, n: int, *, cost_aware: bool) -> list[tuple[str, dict[str, object]]]:
    """The reference: the first ``n`` rows of :func:`rank_questions`'s pandas table, each worked out on its own."""
    frame = rank_questions(model, answers, n, cost_aware=cost_aware)
    return [(str(q), {c: frame.loc[q, c] for c in COLUMNS}) for q in frame.index]


def test_the_report_tables_equal_the_tables_ranked_one_at_a_time(model: crampnet.Model, clinical_cases: list[dict[str, object]], random_cases: Any) -> None:
    """Check that both question tables of the report are next_questions' own, row for row, on 5 clinical and 25 random cases."""
    for case in [*clinical_cases, *random_cases(model, 25, seed=3)]:
        answers = collect_answers(model, case)
        best, cheap = ranked_orders(model, answers, [(5, False, False), (3, True, False)])
        assert best == table_pairs(model, answers, 5, cost_aware=False), case
        assert cheap == table_pairs(model, answers, 3, cost_aware=True), case
        everything, staged = ranked_orders(model, answers, [(None, False, False), (None, False, True)])
        assert [q for q, _ in everything] == list(rank_questions(model, answers, None).index)
        assert [q for q, _ in staged] == list(rank_questions(model, answers, None, staged=True).index)


def test_the_report_works_out_the_question_measures_once(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch, clinical_cases: list[dict[str, object]]) -> None:
    """Check that the report's two question tables (first five; best three for their cost) read one set of gains, not two."""
    dx = model.diagnose(clinical_cases[0])
    dx._answers  # noqa: B018 - scored before counting
    calls = []
    real = _question_order.gains

    def counted(answers: Any) -> np.ndarray:
        calls.append(answers)
        return real(answers)

    monkeypatch.setattr(_question_order, "gains", counted)
    blocks = report._questions(dx)
    assert len(calls) == 1
    tables = [content for kind, content in blocks if kind == "table"]
    assert len(tables) == 2 and len(tables[0][1]) == 5 and len(tables[1][1]) == 3


def test_ranked_orders_checks_every_order_first(model: crampnet.Model) -> None:
    """Check that a bad n or cost_aware in any order is refused with the message of next_questions."""
    answers = collect_answers(model, {"muscle_cramps": True}, ["ferritin", "urge_to_move"])
    with pytest.raises(crampnet.exceptions.InvalidValueError, match="'n' argument of next_questions must be a non-negative int"):
        ranked_orders(model, answers, [(3, False, False), (-1, False, False)])
    with pytest.raises(crampnet.exceptions.EvidenceTypeError, match="cost_aware"):
        ranked_orders(model, answers, [(3, "yes", False)])  # type: ignore[list-item]


def test_part_probabilities_equal_model_probability(model: crampnet.Model, clinical_cases: list[dict[str, object]], random_cases: Any) -> None:
    """Check that each shown part's probability is model.probability's, within 1e-12, on 5 clinical, 100 random and thyroid cases.

    Not bit for bit: the evidence and the part's event now run as two rows of
    one batch, whose plan sums in another order than two single cases.
    """
    thyroid = [{"proximal_weakness": True, "tsh": 0.05}, {"tsh": "low", "hyperreflexia": True}, {"tsh": "high", "hypothyroid_symptoms": {"yes": 0.7, "no": 0.3}}]
    for case in [*clinical_cases, *thyroid, *random_cases(model, 100, seed=5)]:
        (got,) = present_given(model, ["overt_thyroid_dysfunction"], case)
        want = model.probability({"overt_thyroid_dysfunction": "present"}, case)
        assert abs(got - want) <= 1e-12, (case, got, want)
        assert 0.0 <= got <= 1.0


def test_part_probabilities_run_one_batch(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch, clinical_cases: list[dict[str, object]]) -> None:
    """Check that the differential's part probabilities ask the engine once (the evidence and every part as rows), not twice per part."""
    dx = model.diagnose(clinical_cases[0])
    assert "thyroid_disease" in dx.differential[:8]
    calls = []
    real = model.compiled.evaluate

    def counted(evidence: Any, n_rows: int | None = None, *, nested: bool = True) -> tuple[np.ndarray, np.ndarray]:
        if nested:  # the engine's own inner call is nested=False
            calls.append(n_rows)
        return real(evidence, n_rows, nested=nested)

    monkeypatch.setattr(model.compiled, "evaluate", counted)
    forms = part_probabilities(dx, dx.differential[:8])
    assert len(calls) == 1
    assert list(forms) == ["thyroid_disease"] and list(forms["thyroid_disease"]) == ["overt_thyroid_dysfunction"]


def test_part_probabilities_of_a_part_ruled_out_or_entered(model: crampnet.Model) -> None:
    """Check that a part the evidence rules out reads 0.0 and one entered present 1.0, as model.probability says."""
    absent, present = present_given(model, ["overt_thyroid_dysfunction", "overt_thyroid_dysfunction"], {"overt_thyroid_dysfunction": "absent"})
    assert absent == present == 0.0 == model.probability({"overt_thyroid_dysfunction": "present"}, {"overt_thyroid_dysfunction": "absent"})
    (entered,) = present_given(model, ["overt_thyroid_dysfunction"], {"overt_thyroid_dysfunction": "present", "tsh": "low"})
    assert entered == 1.0
    assert present_given(model, [], {"tsh": "low"}) == []


def test_part_probabilities_of_impossible_evidence_raise_as_probability(model: crampnet.Model) -> None:
    """Check that evidence of probability zero raises model.probability's error, naming the conflict."""
    case = {"pregnancy": "later_trimester", "sex": "male"}
    with pytest.raises(crampnet.exceptions.ImpossibleEvidenceError) as want:
        model.probability({"overt_thyroid_dysfunction": "present"}, case)
    with pytest.raises(crampnet.exceptions.ImpossibleEvidenceError) as got:
        present_given(model, ["overt_thyroid_dysfunction"], case)
    assert str(got.value) == str(want.value)
