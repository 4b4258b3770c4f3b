"""The provenance of a fitted model's entries in parent configurations the model makes impossible (session 47).

A parent configuration with probability 0 under the model (a part present
without its condition) has no prior pseudo-count and no case, so the fit
keeps the model's values there: those entries are not fitted and must not
be labelled or counted as fitted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crampnet

_TEXT = """schema = "crampnet-network/1"
name = "impossible"
version = "1"
[sources.d_src]
kind = "literature"
citation = "the prior of d"
[sources.row_src]
kind = "literature"
citation = "the rows of overt and t"
[sources.link_src]
kind = "literature"
citation = "the links of f"
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.3, source = "d_src" } }
[nodes.overt]
role = "condition"
states = ["present", "absent"]
part_of = "d"
cpd = { model = "table", parents = ["d"], rows = [{ when = { d = "present" }, probabilities = { present = 0.4, absent = 0.6 }, source = "row_src" }, { when = { d = "absent" }, probabilities = { present = 0.0, absent = 1.0 }, source = "row_src" }] }
[nodes.f]
role = "finding"
states = ["yes", "no"]
cpd = { model = "noisy_or", leak = { value = 0.1, source = "link_src" }, links = [{ parent = "d", state = "present", value = 0.5, source = "link_src" }, { parent = "overt", state = "present", value = 0.6, source = "link_src" }] }
[nodes.t]
role = "finding"
states = ["low", "high"]
cpd = { model = "table", parents = ["d", "overt"], rows = [{ when = { d = "present", overt = "present" }, probabilities = { low = 0.7, high = 0.3 }, source = "row_src" }, { when = { d = "present", overt = "absent" }, probabilities = { low = 0.4, high = 0.6 }, source = "row_src" }, { when = { d = "absent", overt = "present" }, probabilities = { low = 0.2, high = 0.8 }, source = "judgment", reason = "impossible: a part is present only with its condition, so this row never weighs", note = "kept so the table is complete" }, { when = { d = "absent", overt = "absent" }, probabilities = { low = 0.1, high = 0.9 }, source = "row_src" }] }
"""

#: Four consistent cases (overt only with d).
_DATA = {"d": ["present", "present", "absent", "absent"], "overt": ["present", "absent", "absent", "absent"], "f": ["yes", "no", "no", "yes"], "t": ["low", "high", "high", "high"]}

_IMPOSSIBLE = "d=absent, overt=present"


@pytest.fixture
def parted(tmp_path) -> crampnet.Model:
    path = tmp_path / "impossible.toml"
    path.write_text(_TEXT, encoding="utf-8")
    return crampnet.load(path)


def test_entries_of_an_impossible_configuration_are_labelled_not_fitted(parted):
    """Check f's and t's entries with overt present and d absent: not 'fitted', a reason starting 'impossible:', the range [value, value], the model's value.

    f is a noisy-OR: its two entries there come from the leak and both
    links, so they cite the structure, briefly; t is a table whose file row
    gives each entry, so they cite that row (judgment, with its note). The
    fit's "Dirichlet posterior mean ... updated with 4 cases; was x" note,
    which would claim an update no case made, is not theirs.
    """
    fitted = parted.fit(pd.DataFrame(_DATA), prior_strength=2)
    table = fitted.parameters()
    f = table[(table["node"] == "f") & (table["parent_state"] == _IMPOSSIBLE)].set_index("state")
    assert set(f["source"]) == {"structure"} and f["citation"].str.len().max() < 300
    # noisy-OR by hand: P(yes | d absent, overt present) = 1 - (1 - 0.1)(1 - 0.6) = 0.64
    assert f.loc["yes", "value"] == pytest.approx(0.64) and f.loc["no", "value"] == pytest.approx(0.36)
    t = table[(table["node"] == "t") & (table["parent_state"] == _IMPOSSIBLE)].set_index("state")
    assert t[["value", "source", "citation"]].to_dict("index") == {"low": {"value": 0.2, "source": "judgment", "citation": "judgment"}, "high": {"value": 0.8, "source": "judgment", "citation": "judgment"}}
    assert set(t["note"]) == {"kept so the table is complete"}
    for rows in (f, t):
        assert rows["reason"].str.startswith("impossible:").all() and rows["reason"].str.contains("not fitted").all()
        assert (rows["low"] == rows["value"]).all() and (rows["high"] == rows["value"]).all()
        assert not rows["note"].fillna("").str.contains("Dirichlet|was ").any()


def test_entries_of_possible_configurations_stay_fitted_and_the_count_drops_by_the_impossible_ones(parted):
    """Check the count of 'fitted' entries: every entry of f and t but the 2 + 2 of the impossible configuration, and of overt but its structural 0 and 1; d's two.

    By hand: d 2 entries, overt 4 (with d absent, a structural 0 and the 1
    it leaves), f 8 and t 8 (each 2 in the impossible configuration):
    2 + 2 + 6 + 6 = 16 fitted.
    """
    fitted = parted.fit(pd.DataFrame(_DATA), prior_strength=2)
    table = fitted.parameters()
    assert int((table["source"] == "fitted").sum()) == 16
    possible = table[table["node"].isin(["f", "t"]) & (table["parent_state"] != _IMPOSSIBLE)]
    assert len(possible) == 12 and set(possible["source"]) == {"fitted"} and possible["note"].str.contains("4 cases").all()
    assert int(table["reason"].fillna("").str.startswith("impossible:").sum()) == 4


def test_the_shipped_fit_labels_every_entry_of_an_impossible_configuration(model):
    """Check a 300-case fit of the shipped network: every entry of a configuration without pseudo-counts says 'impossible:' and none is 'fitted'; the others with a fitted value say 'fitted'.

    Before session 47 those entries (over 24,000) all said "fitted": 81,007
    fitted entries, of which over 24,000 no case can reach. tsh's row with
    overt thyroid dysfunction present and thyroid disease absent is a file
    row, so its entries cite that row's sources.
    """
    fitted = model.fit(model.simulate(300, seed=2), prior_strength=10)
    table = fitted.parameters()
    impossible = table["reason"].fillna("").str.startswith("impossible:")
    empty_total = 0
    for nid, alpha in fitted.posterior_counts.items():
        rows = table[table["node"] == nid]
        states = len(model.spec.nodes[nid].states)
        empty = np.repeat(np.moveaxis(alpha, 0, -1).reshape(-1, states).sum(axis=1) == 0, states)
        assert impossible[rows.index].to_numpy().tolist() == empty.tolist(), nid
        empty_total += int(empty.sum())
    assert empty_total > 20000
    assert "fitted" not in set(table.loc[impossible, "source"])
    single = {"judgment"} | {source.citation for source in model.spec.sources.values()}  # one number's citation, never several joined
    assert set(table.loc[impossible & (table["source"] != "structure"), "citation"]) <= single
    assert table.loc[impossible & (table["source"] == "structure"), "citation"].str.len().max() < 300
    assert int((table["source"] == "fitted").sum()) < 81007 - 20000
    tsh = table[(table["node"] == "tsh") & (table["parent_state"] == "thyroid_disease=absent, overt_thyroid_dysfunction=present")].set_index("state")
    file_rows = model.parameters()
    file_rows = file_rows[(file_rows["node"] == "tsh") & (file_rows["parent_state"] == "thyroid_disease=absent, overt_thyroid_dysfunction=present")].set_index("state")
    assert tsh["source"].to_dict() == file_rows["source"].to_dict() and tsh["reason"].str.startswith("impossible:").all()


def test_a_second_fit_keeps_the_labels_of_impossible_configurations(parted):
    """Check that fitting a fitted model again labels the impossible configuration's entries as the first fit did, and its other entries 'fitted'."""
    first = parted.fit(pd.DataFrame(_DATA), prior_strength=2)
    second = first.fit(pd.DataFrame(_DATA), prior_strength=2)
    one, two = first.parameters(), second.parameters()
    mask = one["parent_state"] == _IMPOSSIBLE
    columns = ["node", "state", "value", "source", "citation", "reason"]
    pd.testing.assert_frame_equal(one.loc[mask, columns].reset_index(drop=True), two.loc[two["parent_state"] == _IMPOSSIBLE, columns].reset_index(drop=True))
    assert int((two["source"] == "fitted").sum()) == 16


def test_describe_of_a_fitted_node_counts_its_impossible_entries_apart(parted):
    """Check describe on a fitted noisy-OR: 6 numbers 'fitted', 2 'structure' (its impossible configuration), each with its short citation."""
    fitted = parted.fit(pd.DataFrame(_DATA), prior_strength=2)
    sources = {s.key: s.numbers for s in fitted.describe("f").sources}
    assert sources == {"fitted": 6, "structure": 2}
    text = str(fitted.describe("f"))
    assert "fitted (6 numbers)" in text and "structure (2 numbers)" in text


def test_a_second_fit_says_a_structural_zero_is_not_fitted_once(parted):
    """Check overt's 0 with d absent after two fits: its note is the kept-zero note once, not repeated per fit.

    The second fit's unfitted row is the first fit's, whose note already
    ends with the kept-zero note; appending it again made the note say it
    twice (542 notes of the shipped network fitted twice).
    """
    from crampnet.trust._kept import KEPT_NOTE

    twice = parted.fit(pd.DataFrame(_DATA), prior_strength=2).fit(pd.DataFrame(_DATA), prior_strength=2)
    table = twice.parameters()
    zero = table[(table["node"] == "overt") & (table["parent_state"] == "d=absent") & (table["state"] == "present")].iloc[0]
    assert (zero["value"], zero["source"], zero["note"]) == (0.0, "row_src", KEPT_NOTE)
    assert int(table["note"].fillna("").str.count("not fitted").max()) == 1


def test_a_structural_one_keeps_its_rows_provenance(parted, model):
    """Check overt's 1 for absent with d absent (its present is a structural 0): not fitted, the file row's source, range [1, 1]; and a man's pregnancy = none in the shipped network.

    Neither can move: every other state of the configuration has no
    pseudo-count and no case, so the fit keeps the 1.
    """
    from crampnet.trust._kept import KEPT_ONE_NOTE

    table = parted.fit(pd.DataFrame(_DATA), prior_strength=2).parameters()
    one = table[(table["node"] == "overt") & (table["parent_state"] == "d=absent") & (table["state"] == "absent")].iloc[0]
    assert (one["value"], one["low"], one["high"], one["source"], one["citation"], one["note"]) == (1.0, 1.0, 1.0, "row_src", "the rows of overt and t", KEPT_ONE_NOTE)
    shipped = model.fit(model.simulate(300, seed=2), prior_strength=10).parameters()
    before = model.parameters()
    for age in ("under_40", "40_to_64", "65_plus"):
        when = f"sex=male, age_group={age}"
        row = shipped[(shipped["node"] == "pregnancy") & (shipped["parent_state"] == when) & (shipped["state"] == "none")].iloc[0]
        was = before[(before["node"] == "pregnancy") & (before["parent_state"] == when) & (before["state"] == "none")].iloc[0]
        assert row["value"] == 1 and (row["source"], row["citation"]) == (was["source"], was["citation"]) != ("fitted", None) and row["note"].endswith(KEPT_ONE_NOTE)
