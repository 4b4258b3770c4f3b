"""Fitting data whose rows have probability below the float range: exact counts, or a clear refusal.

Each expected count is computed here by enumerating the joint in exact
rational arithmetic (:class:`fractions.Fraction`) from the raw TOML, never
from crampnet's tables.
"""

from __future__ import annotations

import itertools
import tomllib
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

import crampnet

HEAD = """schema = "crampnet-network/1"
name = "rare"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
"""

#: A context ``x`` of prior 1e-200 and ``K`` findings that only it makes likely (link 1e-100, leak 1e-300).
K = 4
RARE = """
[nodes.x]
role = "context"
states = ["yes", "no"]
prior = { probabilities = { yes = 1e-200, no = 1.0 }, source = "s" }
""" + "".join(
    f"""
[nodes.f{i}]
role = "finding"
states = ["yes", "no"]
cpd = {{ model = "noisy_or", leak = {{ value = 1e-300, source = "s" }}, links = [{{ parent = "x", state = "yes", value = 1e-100, source = "s" }}] }}
"""
    for i in range(K)
)


def _load(tmp_path: Path) -> tuple[crampnet.Model, dict]:
    path = tmp_path / "rare.toml"
    path.write_text(HEAD + RARE, encoding="utf-8")
    return crampnet.load(path), tomllib.loads(HEAD + RARE)["nodes"]


def _joint(nodes: dict, x: str, fs: tuple[str, ...]) -> Fraction:
    """P(x, f0..f{K-1}) exactly, from the raw TOML."""
    prior = nodes["x"]["prior"]["probabilities"]
    weight = Fraction(prior[x]) / (Fraction(prior["yes"]) + Fraction(prior["no"]))
    for i, f in enumerate(fs):
        cpd = nodes[f"f{i}"]["cpd"]
        none = (1 - Fraction(cpd["leak"]["value"])) * (1 - Fraction(cpd["links"][0]["value"]) if x == "yes" else 1)
        weight *= 1 - none if f == "yes" else none
    return weight


def test_the_rows_are_below_the_float_range(tmp_path):
    """Check the premise: with x missing, P(f0..f3 = yes) is about 1e-600, and P(x = yes | it) is 1 to 1e-500."""
    _, nodes = _load(tmp_path)
    yes = ("yes",) * K
    total = _joint(nodes, "yes", yes) + _joint(nodes, "no", yes)
    assert 0 < total < Fraction(1, 10**599)
    assert 1 - _joint(nodes, "yes", yes) / total < Fraction(1, 10**499)


def test_complete_rows_below_the_float_range_are_counted(tmp_path):
    """Check that complete rows of probability 1e-600 are counted, each once, like any other (exact counts are integers)."""
    model, nodes = _load(tmp_path)
    rows = [{"x": "yes", **{f"f{i}": "yes" for i in range(K)}}] * 3 + [{"x": "no", **{f"f{i}": "no" for i in range(K)}}] * 7
    assert _joint(nodes, "yes", ("yes",) * K) < Fraction(1, 10**599)
    fitted = model.fit(pd.DataFrame(rows))
    assert fitted.method == "complete"
    strength = Fraction(fitted.prior_strength)
    p_x = {x: sum(_joint(nodes, x, fs) for fs in itertools.product(["yes", "no"], repeat=K)) for x in ("yes", "no")}
    data = {"yes": 3, "no": 7}  # rows with x = yes (every f yes) and x = no (every f no)
    for k, x in enumerate(("yes", "no")):  # BDe pseudo-counts strength * P(x), plus the rows
        assert fitted.posterior_counts["x"][k] == pytest.approx(float(strength * p_x[x] + data[x]), rel=1e-12), x
    counts = fitted.posterior_counts["f0"]  # axes: f0, x; pseudo-counts strength * P(f0, x)
    for (a, f), (b, x) in itertools.product(enumerate(("yes", "no")), repeat=2):
        p_fx = sum(_joint(nodes, x, fs) for fs in itertools.product(["yes", "no"], repeat=K) if fs[0] == f)
        rows_fx = data[x] if f == x else 0
        assert counts[a, b] == pytest.approx(float(strength * p_fx + rows_fx), rel=1e-9, abs=1e-320), (f, x)

def test_em_rows_below_the_float_range_are_not_called_impossible(tmp_path):
    """Check that EM with x missing in rows of probability ~1e-600 gives exact expected counts or refuses the row by name.

    The E-step multiplies the tables into its cliques in floats:
    1e-200 * (1e-100)**4 is 0 there, and fit said the row "has probability
    zero under the model" when enumeration gives it ~1e-600. A row it
    cannot count exactly must be named as such, never called impossible
    and never counted wrong.
    """
    model, nodes = _load(tmp_path)
    rows = [{f"f{i}": "yes" for i in range(K)}] * 3 + [{"x": "no", **{f"f{i}": "no" for i in range(K)}}] * 7
    yes = ("yes",) * K
    posterior = _joint(nodes, "yes", yes) / (_joint(nodes, "yes", yes) + _joint(nodes, "no", yes))  # P(x = yes | row 0), exactly
    try:
        fitted = model.fit(pd.DataFrame(rows), max_iter=1)
    except crampnet.ImpossibleEvidenceError as err:
        pytest.fail(f"a possible row was called impossible: {err}")
    except ValueError as err:
        assert isinstance(err, crampnet.exceptions.CrampnetError)
        assert "row 0 of the data" in str(err)
        assert "has probability 10^-600.0 under the model, below 1e-200" in str(err)
        return
    expected = 3 * posterior  # one E-step: the expected count of x = yes from the three rows
    got = fitted.posterior_counts["x"][0] - fitted.prior_strength * 1e-200
    assert got == pytest.approx(float(expected), rel=1e-9)


@pytest.mark.parametrize(("index", "named"), [(["a", "b", "c"], "row 'b'"), ([7, 7, 7], "row 7 (position 1; 3 rows are labelled 7)")])
def test_a_row_below_the_float_range_is_named_in_a_plain_sentence(tmp_path, index, named):
    """Check that fit's refusal of a row below the float range names it as row_name does, inside one sentence that starts with "Fit".

    It capitalised the name by hand ("R" + "ow 'b'") to start the message
    with it: "Row 7 (position 1; 3 rows are labelled 7) of the data has
    probability ...".
    """
    model, _ = _load(tmp_path)
    rows = [{"x": "no", **{f"f{i}": "no" for i in range(K)}}, {f"f{i}": "yes" for i in range(K)}, {"x": "no", **{f"f{i}": "no" for i in range(K)}}]
    with pytest.raises(crampnet.InvalidValueError) as caught:
        model.fit(pd.DataFrame(rows, index=index), max_iter=1)
    assert str(caught.value).startswith(f"Fit cannot count {named} of the data exactly: it has probability 10^-600.0 under the model, below 1e-200"), str(caught.value)


@pytest.mark.parametrize(("index", "named"), [(["a", "b"], "row 'b'"), ([7, 7], "row 7 (position 1; 2 rows are labelled 7)")])
def test_an_impossible_row_is_named_in_a_plain_sentence(tiny, index, named):
    """Check that fit's refusal of a row of probability zero names it as row_name does, inside one sentence that starts with "Fit".

    It capitalised the name by hand ("R" + "ow 7 ...") to start the message
    with it: "Row 7 (position 1; 2 rows are labelled 7) of the data has
    probability zero under the model (...), so fit cannot use it: drop or
    correct it."
    """
    data = pd.DataFrame({"jerks": ["no", "yes"], "plm": [None, "absent"]}, index=index)
    with pytest.raises(crampnet.ImpossibleEvidenceError) as caught:
        tiny.fit(data)
    text = str(caught.value)
    assert text.startswith(f"Fit cannot use {named} of the data: it has probability zero under the model (plm=absent and jerks=yes cannot hold together); drop or correct it."), text
    assert text.count(". ") == 0 and "Row" not in text
    assert caught.value.row == index[1]


#: x of prior 1e-200 and four findings of link 1e-32 and leak 2.5e-81: with x missing, all four "yes" has probability
#: ~4e-323 (x = yes ~1e-328, x = no ~3.9e-323), inside the subnormal floats, where the E-step's products keep few digits.
PARTIAL = RARE.replace("value = 1e-300", "value = 2.5e-81").replace("value = 1e-100", "value = 1e-32")
#: The same with link 1e-30 and leak 8.4e-81: ~1.5e-320, x = yes two thirds of it.
PARTIAL_HIGHER = RARE.replace("value = 1e-300", "value = 8.4e-81").replace("value = 1e-100", "value = 1e-30")


@pytest.mark.parametrize("jit", ["never", "always"])
@pytest.mark.parametrize("body", [PARTIAL, PARTIAL_HIGHER])
def test_em_rows_partly_below_the_float_range_are_refused_or_exact(tmp_path, monkeypatch, jit, body):
    """Check that EM with x missing in rows of probability ~1e-320 gives exact expected counts or refuses the row by name.

    Some entries of the E-step's cliques underflowed and others did not, so
    the row was neither impossible nor counted right: the expected count of
    x = yes from three such rows came out 0.0 for 7.7e-6 (PARTIAL) and
    2.002639 for 2.002842 (PARTIAL_HIGHER), silently, with or without the
    compiled kernel.
    """
    monkeypatch.setenv("CRAMPNET_JIT", jit)
    path = tmp_path / "partial.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    model, nodes = crampnet.load(path), tomllib.loads(HEAD + body)["nodes"]
    yes = ("yes",) * K
    total = _joint(nodes, "yes", yes) + _joint(nodes, "no", yes)
    assert Fraction(1, 10**324) < total < Fraction(1, 10**319)
    rows = [{f"f{i}": "yes" for i in range(K)}] * 3 + [{"x": "no", **{f"f{i}": "no" for i in range(K)}}] * 7
    try:
        fitted = model.fit(pd.DataFrame(rows), max_iter=1)
    except crampnet.ImpossibleEvidenceError as err:
        pytest.fail(f"a possible row was called impossible: {err}")
    except ValueError as err:
        assert isinstance(err, crampnet.exceptions.CrampnetError)
        assert str(err).startswith("Fit cannot count row 0 of the data exactly: it has probability 10^-3"), str(err)
        return
    prior = nodes["x"]["prior"]["probabilities"]
    p_yes = Fraction(prior["yes"]) / (Fraction(prior["yes"]) + Fraction(prior["no"]))
    got = fitted.posterior_counts["x"][0] - fitted.prior_strength * float(p_yes)
    assert got == pytest.approx(float(3 * _joint(nodes, "yes", yes) / total), rel=1e-9)
