"""The report's work, done once and only where needed: answer rows built once, part probabilities asked once per diagnosis, markdown passes skipped where idle (session 51, h3).

The work is counted, not timed: the old code built each answer of a
question the rules read twice, once for the batch and once for the rules,
asked the engine for a diagnosis's part probabilities again for each report,
and ran every markdown substitution on every text. The flags the rules give
per answer are compared with the straightforward computation, answer by
answer, on the benchmark's clinical cases and on random cases of the shipped
network; the markdown escaping with the four passes on random texts.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crampnet
from crampnet.reasoning import _collect, _render, report
from crampnet.reasoning._differential import present_given
from crampnet.reasoning._question_costs import cost_of
from crampnet.reasoning._question_table import collect_answers
from crampnet.reasoning._rules import RULE_NODES, rule_outs, stated, typed_numbers
from crampnet.reasoning._scoring import observe
from crampnet.reasoning.redflags import rule_flags

#: The date stamped on the reports compared.
DAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def model() -> crampnet.Model:
    """The shipped network."""
    return crampnet.load()


def counted_answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Replace ``_collect._answer`` by a wrapper that records ``(question, state index)`` of each row it builds."""
    calls: list[tuple[str, int]] = []
    real = _collect._answer

    def counted(spec: Any, vectors: Any, q: str, vec: np.ndarray) -> dict[str, np.ndarray]:
        calls.append((q, int(np.argmax(vec))))
        return real(spec, vectors, q, vec)

    monkeypatch.setattr(_collect, "_answer", counted)
    return calls


def test_the_report_builds_each_answer_row_once(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch, clinical_cases: list[dict[str, object]]) -> None:
    """Check that a report builds each answer of each question one time, for the batch and the finding rules alike."""
    dx = model.diagnose(clinical_cases[0])
    calls = counted_answers(monkeypatch)
    text = dx.report()
    assert "## What to ask or test next" in text
    assert calls, "the report scored no answer row"
    repeated = sorted({call for call in calls if calls.count(call) > 1})
    assert not repeated, f"built more than once: {repeated[:5]}"
    # The case exercises both users of a row: questions the rules read whose answers the batch scores too.
    read = model.compiled.answers(observe(model, clinical_cases[0]), dx._answers.candidates)
    assert any(q in RULE_NODES and q not in read for q, _ in calls)


def test_collect_builds_at_most_one_row_per_answer(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch, clinical_cases: list[dict[str, object]]) -> None:
    """Check that scoring every answer builds at most one row per (question, state) on each clinical case."""
    calls = counted_answers(monkeypatch)
    for case in clinical_cases:
        calls.clear()
        answers = collect_answers(model, case)
        states = sum(len(model.spec.nodes[q].states) for q in {q for q, _ in calls})
        assert len(calls) <= states, case
        assert len(set(calls)) == len(calls), case
        assert answers.flag_change is not None, case


def reference_changes(model: crampnet.Model, case: dict[str, object], candidates: tuple[str, ...]) -> np.ndarray:
    """Per answer row of ``candidates`` (row 0 the case): the conditions whose rule flag or rule-out the answer changes, each row worked out on its own."""
    vectors = observe(model, case)
    typed = typed_numbers(model, case)
    conds = list(model.conditions)

    def state(row: dict[str, np.ndarray]) -> dict[str, str]:
        row = dict(stated(model, row))
        return {c: "rule-out met" for c in rule_outs(model, row)} | {f.condition: f.urgency for f in rule_flags(model, row, typed)}

    base = state(dict(vectors))
    out = [np.zeros(len(conds), dtype=bool)]
    for q in candidates:
        card = len(model.spec.nodes[q].states)
        for k in range(card):
            row = np.zeros(len(conds), dtype=bool)
            if q in RULE_NODES or any(nid in RULE_NODES for nid, _ in model.spec.nodes[q].entails):
                now = state(_collect._answer(model.spec, vectors, q, np.eye(card)[k]))
                for c in set(base) | set(now):
                    if c in conds:
                        row[conds.index(c)] = base.get(c) != now.get(c)
            out.append(row)
    return np.array(out)


def test_the_flag_changes_equal_each_answer_read_on_its_own(model: crampnet.Model, clinical_cases: list[dict[str, object]], random_cases: Any) -> None:
    """Check every history and examination answer's flag changes against the rules read answer by answer, on 5 clinical and 20 random cases."""
    ruled = {nid for nid in model.spec.nodes if cost_of(nid)[0] in ("history", "examination")}  # what collect_answers checks
    for case in [*clinical_cases, *random_cases(model, 20, seed=11)]:
        answers = collect_answers(model, case)
        assert answers.flag_change is not None
        want = reference_changes(model, case, answers.candidates)
        keep = np.concatenate([[True], *([q in ruled] * len(model.spec.nodes[q].states) for q in answers.candidates)])
        assert np.array_equal(answers.flag_change[keep], want[keep]), case
        assert not answers.flag_change[~keep].any(), case


def four_passes(text: object) -> str:
    """The markdown escaping of one text as session 50 wrote it: all four substitutions on every text."""
    out = _render._SPECIAL.sub(r"\\\1", re.sub(r"\s*[\r\n]+\s*", " ", str(text)))
    return _render._ENTITY.sub(r"\\&", _render._UNDERSCORE.sub(r"\\_", out))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab_1 &;#<>[]*`~$\\|\n\r\t.-é")), max_size=40))
def test_the_markdown_escaping_equals_the_four_passes(text: str) -> None:
    """Check that a text's markdown escaping, which skips a pass whose character is absent, equals the four passes run on it."""
    assert _render._inline(text) == four_passes(text)


class CountedPattern:
    """A compiled pattern whose ``sub`` calls are counted."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.calls = pattern, 0

    def sub(self, repl: str, text: str) -> str:
        self.calls += 1
        return self.pattern.sub(repl, text)


def test_the_markdown_report_runs_a_pass_only_on_texts_that_need_it(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch, clinical_cases: list[dict[str, object]]) -> None:
    """Check that writing a report's markdown runs the underscore and entity passes only on the texts with an '_' or an '&'."""
    dx = model.diagnose(clinical_cases[0])
    parts = report.blocks(dx)
    texts: list[str] = []
    real = _render._inline

    def recorded(text: object) -> str:
        texts.append(str(text))
        return real(text)

    monkeypatch.setattr(_render, "_inline", recorded)
    want = _render.markdown(parts)
    monkeypatch.setattr(_render, "_inline", real)
    under, entity = CountedPattern(_render._UNDERSCORE), CountedPattern(_render._ENTITY)
    monkeypatch.setattr(_render, "_UNDERSCORE", under)
    monkeypatch.setattr(_render, "_ENTITY", entity)
    assert _render.markdown(parts) == want
    assert len(texts) > 100
    assert under.calls <= sum("_" in t for t in texts) < len(texts)
    assert entity.calls <= sum("&" in t for t in texts) < len(texts)


def test_the_part_probabilities_are_asked_once_per_diagnosis(model: crampnet.Model, monkeypatch: pytest.MonkeyPatch) -> None:
    """Check that a diagnosis's markdown and HTML reports read the parts' probabilities of one engine batch, and show the same numbers as a new diagnosis."""
    case = {"proximal_weakness": True, "tsh": 0.05}
    fresh = model.diagnose(case)
    want = (fresh.report(now=DAY), model.diagnose(case).report(format="html", now=DAY))
    dx = model.diagnose(case)
    dx._answers, dx._contributions, dx._measures, dx._red_flags, dx._rule_outs_met  # noqa: B018 - computed before counting
    assert "overt_thyroid_dysfunction" in "".join(want)
    calls = []
    real = model.compiled.evaluate

    def counted(evidence: Any, n_rows: int | None = None, *, nested: bool = True) -> tuple[np.ndarray, np.ndarray]:
        if nested:  # the engine's own inner call is nested=False
            calls.append(n_rows)
        return real(evidence, n_rows, nested=nested)

    monkeypatch.setattr(model.compiled, "evaluate", counted)
    got = (dx.report(now=DAY), dx.report(format="html", now=DAY), dx.report(now=DAY))
    assert len(calls) <= 1
    assert got == (*want, want[0])
    assert dx._present_given(("overt_thyroid_dysfunction",)) == present_given(model, ["overt_thyroid_dysfunction"], case)
