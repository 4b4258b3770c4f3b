"""Parts of a condition (``part_of``): what the loader refuses, what is listed, and the numbers they give.

A part is a hidden condition present only with its condition (the overt
forms within thyroid disease). The counterfactual measures with parts are
checked against the enumerated twin network in
``tests/test_counterfactual_twin.py`` (kind ``parts``); here: the file rules,
the lists and displays that leave parts out, and their posteriors against a
hand enumeration and pgmpy.
"""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest

import crampnet
from crampnet.exceptions import NetworkFileError
from crampnet.reasoning.ranking import counterfactual_scores

JUDGED = 'source = "judgment", reason = "test"'


def _text(
    *,
    part_of: str = "d",
    part_parents: str = '["d"]',
    part_rows: str | None = None,
    extra: str = "",
    part_keys: str = "",
    f_part_of: str | None = None,
) -> str:
    rows = part_rows or (
        f'{{ when = {{ d = "present" }}, probabilities = {{ present = 0.3, absent = 0.7 }}, {JUDGED} }}, '
        f'{{ when = {{ d = "absent" }}, probabilities = {{ present = 0.0, absent = 1.0 }}, {JUDGED} }}'
    )
    f_line = f'part_of = "{f_part_of}"\n' if f_part_of else ""
    return f"""schema = "crampnet-network/1"
name = "parts"
version = "1"
[nodes.ctx]
role = "context"
states = ["yes", "no"]
prior = {{ probabilities = {{ yes = 0.4, no = 0.6 }}, {JUDGED} }}
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "table", parents = ["ctx"], rows = [{{ when = {{ ctx = "yes" }}, probabilities = {{ present = 0.2, absent = 0.8 }}, {JUDGED} }}, {{ when = {{ ctx = "no" }}, probabilities = {{ present = 0.05, absent = 0.95 }}, {JUDGED} }}] }}
[nodes.e]
role = "condition"
states = ["present", "absent"]
cpd = {{ model = "table", parents = [], rows = [{{ when = {{}}, probabilities = {{ present = 0.1, absent = 0.9 }}, {JUDGED} }}] }}
[nodes.overt]
role = "condition"
states = ["present", "absent"]
part_of = "{part_of}"
{part_keys}cpd = {{ model = "table", parents = {part_parents}, rows = [{rows}] }}
[nodes.f]
role = "finding"
states = ["yes", "no"]
{f_line}cpd = {{ model = "noisy_or", leak = {{ value = 0.05, {JUDGED} }}, links = [{{ parent = "d", state = "present", value = 0.2, {JUDGED} }}, {{ parent = "overt", state = "present", value = 0.7, {JUDGED} }}, {{ parent = "e", state = "present", value = 0.4, {JUDGED} }}] }}
[nodes.g]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 0.1, {JUDGED} }}, links = [{{ parent = "overt", state = "present", value = 0.6, {JUDGED} }}, {{ parent = "e", state = "present", value = 0.3, {JUDGED} }}] }}
{extra}"""


def _load(tmp_path, text: str) -> crampnet.Model:
    path = tmp_path / "parts.toml"
    path.write_text(text, encoding="utf-8")
    return crampnet.load(path)


@pytest.fixture
def small(tmp_path) -> crampnet.Model:
    return _load(tmp_path, _text())


_ABSENT_ROW = f'{{ when = {{ d = "absent" }}, probabilities = {{ present = 0.0, absent = 1.0 }}, {JUDGED} }}'
_PRESENT_ROW = f'{{ when = {{ d = "present" }}, probabilities = {{ present = 0.3, absent = 0.7 }}, {JUDGED} }}'


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        pytest.param({"part_of": "dd"}, r"'dd' is not a condition.*Did you mean 'd'", id="unknown-id"),
        pytest.param({"part_of": "f"}, r"'f' is not a condition", id="a-finding"),
        pytest.param({"part_of": "overt"}, r"'overt' is not a condition", id="itself"),
        pytest.param({"f_part_of": "d"}, r"only a condition can be 'part_of'", id="on-a-finding"),
        pytest.param(
            {"extra": '[nodes.tiny]\nrole = "condition"\nstates = ["present", "absent"]\npart_of = "overt"\n'
             f'cpd = {{ model = "table", parents = ["overt"], rows = [{{ when = {{ overt = "present" }}, probabilities = {{ present = 0.5, absent = 0.5 }}, {JUDGED} }}, '
             f'{{ when = {{ overt = "absent" }}, probabilities = {{ present = 0.0, absent = 1.0 }}, {JUDGED} }}] }}\n'},
            r"a part of a part is refused",
            id="part-of-a-part",
        ),
        pytest.param({"part_keys": "must_not_miss = true\n"}, r"cannot be must_not_miss; flag 'd'", id="must-not-miss"),
        pytest.param(
            {"part_parents": '["ctx"]', "part_rows": f'{{ when = {{ ctx = "yes" }}, probabilities = {{ present = 0.0, absent = 1.0 }}, {JUDGED} }}, '
             f'{{ when = {{ ctx = "no" }}, probabilities = {{ present = 0.0, absent = 1.0 }}, {JUDGED} }}'},
            r"model 'table' over its condition 'd'",
            id="not-over-its-condition",
        ),
        pytest.param(
            {"part_parents": '["d", "e"]', "part_rows": ", ".join(
                f'{{ when = {{ d = "{a}", e = "{b}" }}, probabilities = {{ present = {0.3 if a == "present" else 0.0}, absent = {0.7 if a == "present" else 1.0} }}, {JUDGED} }}'
                for a, b in itertools.product(("present", "absent"), repeat=2)
            )},
            r"over its condition and context nodes only, not e",
            id="another-condition-parent",
        ),
        pytest.param(
            {"part_rows": f'{_PRESENT_ROW}, {{ when = {{ d = "absent" }}, probabilities = {{ present = 0.1, absent = 0.9 }}, {JUDGED} }}'},
            r"rows\[1\].*with d = 'absent', 'present' must be 0, got 0.1",
            id="present-without-its-condition",
        ),
    ],
)
def test_what_the_loader_refuses(tmp_path, kwargs, pattern):
    """Check that each broken part is refused with a NetworkFileError (a ValueError) that names what is wrong."""
    with pytest.raises(NetworkFileError) as info:
        _load(tmp_path, _text(**kwargs))
    assert isinstance(info.value, ValueError)
    assert re.search(pattern, str(info.value)), str(info.value)


def test_the_base_file_loads_with_its_part_unlisted(small):
    """Check the refusals' base file: the part is a node, in model.parts, and in no list of conditions."""
    assert small.conditions == ["d", "e"]
    assert small.parts == ["overt"]
    assert small.spec.parts_of("d") == ("overt",)
    assert small.spec.listed_conditions == ("d", "e")
    assert sorted(small.posteriors({"g": "yes"}).index) == ["d", "e"]
    assert "overt" not in small.diagnose({"g": "yes"}).differential


def _enumerate(evidence: dict[str, str]) -> dict[str, float]:
    """P(d), P(e), P(overt) given hard evidence on f and g, by summing the joint of the base file by hand."""
    ctx = {"yes": 0.4, "no": 0.6}
    d_given = {"yes": 0.2, "no": 0.05}
    total = 0.0
    acc = {"d": 0.0, "e": 0.0, "overt": 0.0}
    for c, d, e, o in itertools.product(ctx, (True, False), (True, False), (True, False)):
        p = ctx[c] * (d_given[c] if d else 1 - d_given[c]) * (0.1 if e else 0.9)
        p *= (0.3 if o else 0.7) if d else (0.0 if o else 1.0)
        f_off = 0.95 * (0.8 if d else 1.0) * (0.3 if o else 1.0) * (0.6 if e else 1.0)
        g_off = 0.9 * (0.4 if o else 1.0) * (0.7 if e else 1.0)
        for node, off in (("f", f_off), ("g", g_off)):
            if node in evidence:
                p *= off if evidence[node] == "no" else 1.0 - off
        total += p
        for name, flag in (("d", d), ("e", e), ("overt", o)):
            acc[name] += p * flag
    return {k: v / total for k, v in acc.items()}


@pytest.mark.parametrize("evidence", [{}, {"f": "yes"}, {"g": "yes"}, {"f": "yes", "g": "yes"}, {"f": "no", "g": "yes"}])
def test_posteriors_and_the_parts_probability_match_a_hand_enumeration(small, evidence):
    """Check P(condition) and P(part) against the joint of the base file summed by hand."""
    truth = _enumerate(evidence)
    got = small.posteriors(evidence)
    np.testing.assert_allclose([got["d"], got["e"]], [truth["d"], truth["e"]], rtol=0, atol=1e-12)
    assert small.probability({"overt": "present"}, evidence) == pytest.approx(truth["overt"], abs=1e-12)


def test_curing_the_condition_cures_the_part_in_the_ranking(small):
    """Check that a finding only the part causes (g) counts for its condition: d's disablement is P(g would go away | cure d)."""
    scores = counterfactual_scores(small, {"g": "yes"})  # unrounded
    # g = leak or (overt and U) or (e and V): curing d switches overt off, so g goes away unless the leak or e's link keeps it
    truth = _enumerate({"g": "yes"})
    p_overt = truth["overt"]
    # P(g stays | overt on, g on) needs the joint of e and overt given g; by hand: sum over e
    joint = {}
    for e_on in (True, False):
        for o_on in (True, False):
            joint[e_on, o_on] = 0.0
    ctx = {"yes": 0.4, "no": 0.6}
    d_given = {"yes": 0.2, "no": 0.05}
    for c, d, e_on, o_on in itertools.product(ctx, (True, False), (True, False), (True, False)):
        p = ctx[c] * (d_given[c] if d else 1 - d_given[c]) * (0.1 if e_on else 0.9)
        p *= (0.3 if o_on else 0.7) if d else (0.0 if o_on else 1.0)
        joint[e_on, o_on] += p
    # P(g on, g* off) with overt on: the overt link fired, the leak and e's link did not
    gone = sum(p * 0.6 * 0.9 * (0.7 if e_on else 1.0) for (e_on, o_on), p in joint.items() if o_on)
    g_on = sum(p * (1 - 0.9 * (0.4 if o_on else 1.0) * (0.7 if e_on else 1.0)) for (e_on, o_on), p in joint.items())
    assert p_overt > 0.0
    assert scores.loc["d", "disablement"] == pytest.approx(gone / g_on, abs=1e-12)


# ---------------------------------------------------------------------------
# The shipped network: overt thyroid dysfunction
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> crampnet.Model:
    return crampnet.load()


def test_the_shipped_part_is_overt_thyroid_dysfunction(shipped):
    """Check the shipped network's one part: overt thyroid dysfunction, 0.4 of the 4.5% untreated dysfunction of NHANES III (hollowell_2002_diseasefree)."""
    assert shipped.parts == ["overt_thyroid_dysfunction"]
    assert "overt_thyroid_dysfunction" not in shipped.conditions
    p = shipped.probability({"overt_thyroid_dysfunction": "present"}, {"thyroid_disease": "present"})
    assert p == pytest.approx(0.4 / 4.5, abs=0.001)


def test_overt_findings_come_together(shipped):
    """Check the reason for the part: given thyroid disease, weakness and proximal weakness are correlated (they share the overt few), not independent as links on the whole node made them."""
    given = {"thyroid_disease": "present", "age": 45, "sex": "male"}
    both = shipped.probability({"weakness": "yes", "proximal_weakness": "yes"}, given)
    weak = shipped.probability({"weakness": "yes"}, given)
    proximal = shipped.probability({"proximal_weakness": "yes"}, given)
    assert both > 3 * weak * proximal


@pytest.mark.parametrize(
    ("finding", "state", "link"),
    [
        # carle_2014: overt hypothyroid tiredness link 0.67, half the part (hyperthyroid fatigue taken as none)
        ("daytime_fatigue", "yes", 0.5 * 0.67),
        # ck_hypothyroid_2005: overt 0.5 x 0.57 = 0.285 on top of the non-overt forms' 0.867 x 0.10 / 0.911 = 0.095
        ("creatine_kinase", "raised", 1 - (1 - 0.5 * 0.57) / (1 - 0.867 * 0.10 / 0.911)),
        # duyff_2000: predominantly sensory signs in about 40% of hypothyroid and 20% of hyperthyroid patients
        ("sensory_loss", "yes", (0.40 + 0.20) / 2),
    ],
)
def test_tiredness_ck_and_sensory_loss_come_from_the_overt_part(shipped, pgmpy_probability, finding, state, link):
    """Check tiredness, a raised CK and sensory loss are linked to the overt part (session 36), with the links derived from their sources.

    Given thyroid disease the part is independent of every other parent of the finding (its only parent is
    thyroid disease), so P(finding absent | part present) / P(finding absent | part absent) is exactly 1 - link,
    whatever the context; a link left on the whole node would make the ratio 1. Checked against pgmpy too.
    """
    absent = next(s for s in shipped.states(finding) if s != state)
    for context in ({"age_group": "40_to_64", "sex": "female"}, {"age_group": "65_plus", "sex": "male"}):
        given = {"thyroid_disease": "present", **context}
        ratios = [
            probe({finding: absent}, {**given, "overt_thyroid_dysfunction": "present"}) / probe({finding: absent}, {**given, "overt_thyroid_dysfunction": "absent"})
            for probe in (shipped.probability, lambda event, ev: pgmpy_probability(shipped.network, event, ev))
        ]
        assert ratios[0] == pytest.approx(1 - link, abs=0.006)  # the file rounds the link to two decimals
        assert ratios[0] == pytest.approx(ratios[1], abs=1e-9)


def test_the_part_matches_pgmpy(shipped, pgmpy_probability):
    """Check P(overt thyroid dysfunction | findings) against pgmpy on the exported network."""
    given = {"weakness": "yes", "proximal_weakness": "yes", "tsh": "low", "age_group": "65_plus"}
    ours = shipped.probability({"overt_thyroid_dysfunction": "present"}, given)
    theirs = pgmpy_probability(shipped.network, {"overt_thyroid_dysfunction": "present"}, given)
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_thyroid_disease_is_credited_with_its_parts_findings(shipped):
    """Check that proximal weakness, which only the part causes among thyroid links, counts in thyroid disease's expected disablement."""
    assert "thyroid_disease" not in shipped.spec.nodes["proximal_weakness"].parents
    scores = counterfactual_scores(shipped, {"proximal_weakness": "yes", "tsh": "low"})
    assert scores.loc["thyroid_disease", "disablement"] > 0.05


def test_the_cli_shows_a_conditions_part_with_its_probability(shipped, pgmpy_probability):
    """Check the differential's bracket and the JSON entry for thyroid disease's overt form against pgmpy, and the note that says what it is."""
    from crampnet._cli_output import FORMS_NOTE, diagnosis_json, differential_lines

    case = {"weakness": "yes", "proximal_weakness": "yes", "tsh": "low", "age_group": "65_plus", "sex": "male"}
    theirs = pgmpy_probability(shipped.network, {"overt_thyroid_dysfunction": "present"}, case)
    dx = shipped.diagnose(case)
    lines = differential_lines(dx, 3)
    (row,) = [line for line in lines if " thyroid_disease " in line]
    assert row.endswith(f"[overt_thyroid_dysfunction {theirs:.2f}]")
    assert FORMS_NOTE in lines
    (entry,) = [e for e in json.loads(diagnosis_json(dx, case, 0))["differential"] if e["condition"] == "thyroid_disease"]
    assert entry["parts"] == {"overt_thyroid_dysfunction": pytest.approx(theirs, abs=1e-6)}
    calm = shipped.diagnose({"urge_to_move": "yes"})
    assert FORMS_NOTE not in differential_lines(calm, 3)  # thyroid disease not among the rows shown
    # the same bracket and note in the report and the notebook table
    from crampnet.reasoning.html import diagnosis_html

    report = dx.report()
    row = next(line for line in report.splitlines() if line.startswith("| 1 | Thyroid disease"))
    assert f"\\[overt_thyroid_dysfunction {theirs:.2f}\\]" in row
    assert FORMS_NOTE.replace("[", "\\[").replace("]", "\\]") in report
    table = diagnosis_html(dx)
    assert f"[overt_thyroid_dysfunction {theirs:.2f}]" in table and "[form P]" in table
    assert "[form P]" not in calm.report() and "[form P]" not in diagnosis_html(calm)


def test_to_dict_gives_a_conditions_part_as_the_cli_does(shipped, pgmpy_probability):
    """Check ``Diagnosis.to_dict()``: thyroid disease's entry carries its overt form's probability (against pgmpy), no other entry has ``parts``, and the record still reads back."""
    case = {"weakness": "yes", "proximal_weakness": "yes", "tsh": "low", "age_group": "65_plus", "sex": "male"}
    theirs = pgmpy_probability(shipped.network, {"overt_thyroid_dysfunction": "present"}, case)
    dx = shipped.diagnose(case)
    record = json.loads(json.dumps(dx.to_dict()))
    with_parts = [e for e in record["differential"] if "parts" in e]
    assert [e["condition"] for e in with_parts] == ["thyroid_disease"]
    assert with_parts[0]["parts"] == {"overt_thyroid_dysfunction": pytest.approx(theirs, abs=1e-9)}
    assert with_parts[0]["parts"]["overt_thyroid_dysfunction"] <= with_parts[0]["posterior"]
    assert crampnet.Diagnosis.from_dict(shipped, record).differential == dx.differential


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda m: m.diagnose({"proximal_weakness": "yes"}).explain("overt_thyroid_dysfunction"), id="explain"),
        pytest.param(lambda m: m.diagnose({"proximal_weakness": "yes"}).next_questions(3, about="overt_thyroid_dysfunction"), id="next_questions"),
        pytest.param(lambda m: m.sensitivity("overt_thyroid_dysfunction", {}), id="sensitivity"),
    ],
)
def test_asking_about_a_part_says_which_condition_to_ask_about(shipped, call):
    """Check that explain, next_questions(about=) and sensitivity refuse a part with a ValueError that names its condition."""
    with pytest.raises(ValueError, match=r"'overt_thyroid_dysfunction'.* is a part of 'thyroid_disease'.*ask about 'thyroid_disease'"):
        call(shipped)


def test_evaluate_does_not_read_a_parts_column_as_evidence(shipped, monkeypatch):
    """Check that a simulated cohort's overt_thyroid_dysfunction column (the hidden truth of a form) never reaches the evidence evaluate scores."""
    from crampnet.trust import evaluate as ev

    cohort = shipped.simulate(6, seed=3)
    assert "overt_thyroid_dysfunction" in cohort.columns
    seen: list[list[str]] = []
    real = type(shipped).posteriors

    def spy(self, evidence=None, **kwargs):
        if hasattr(evidence, "columns"):
            seen.append(list(evidence.columns))
        return real(self, evidence, **kwargs)

    monkeypatch.setattr(type(shipped), "posteriors", spy)
    ev.evaluate(shipped, cohort)
    assert seen and all("overt_thyroid_dysfunction" not in cols for cols in seen)
    assert all("thyroid_disease" not in cols for cols in seen)


def test_scoring_a_part_takes_the_general_path(shipped):
    """Check that the batch scorer gives a part's marginal (not the condition-only engine path, which has no column for it), equal to Model.probability."""
    from crampnet.reasoning._scoring import observe, score, stack

    evidence = {"proximal_weakness": "yes", "tsh": "high"}
    marg, _ = score(shipped, stack(shipped, [observe(shipped, evidence)]), ["overt_thyroid_dysfunction"], n_rows=1)
    expected = shipped.probability({"overt_thyroid_dysfunction": "present"}, evidence)
    assert marg["overt_thyroid_dysfunction"][0, 0] == pytest.approx(expected, abs=1e-12)


def test_fit_updates_a_part_from_its_column_and_keeps_its_zero(small):
    """Check a part's column is fitted as its docstring says: the Dirichlet posterior mean over its condition, the 0 where the condition is absent kept, a row against it refused.

    simulate writes a part's column and the docs fit such a cohort, so a
    part is fitted from data, not refused. By hand, prior strength 10:
    P(d present) = 0.4 * 0.2 + 0.6 * 0.05 = 0.11, so the pseudo-counts of
    overt present and absent with d present are 0.33 and 0.77, with d
    absent 0 and 0.89; four rows (d, overt) = (present, present), one
    (present, absent) and five (absent, absent) give (0.33 + 4) / (0.33 + 4 + 0.77 + 1).
    """
    import pandas as pd

    data = pd.DataFrame({"d": ["present"] * 5 + ["absent"] * 5, "overt": ["present"] * 4 + ["absent"] * 6})
    fitted = small.fit(data, prior_strength=10)
    table = fitted.compiled.tables["overt"]  # [overt state, d state]
    assert table[0, 0] == pytest.approx(4.33 / 6.1, rel=1e-9)
    assert table[0, 1] == 0.0 and table[1, 1] == 1.0
    params = fitted.parameters()
    overt = params[params["node"] == "overt"]
    assert set(overt.loc[~overt["value"].isin([0, 1]), "source"]) == {"fitted"} and set(overt.loc[overt["value"].isin([0, 1]), "source"]) == {"judgment"}  # the 0 no case can move keeps the file's source, and the 1 it leaves
    with pytest.raises(crampnet.ImpossibleEvidenceError, match=r"row 0 .*d=absent and overt=present cannot hold together"):
        small.fit(pd.DataFrame({"d": ["absent"], "overt": ["present"]}))
    without = small.fit(data[["d"]], prior_strength=10)
    np.testing.assert_array_equal(without.compiled.tables["overt"], small.compiled.tables["overt"])
