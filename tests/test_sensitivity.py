"""One-at-a-time sensitivity: zero for d-separated parameters, exact at the ends of each range."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import crampnet
from crampnet.network.spec import Logistic
from crampnet.trust._parameters import parameter_space
from crampnet.trust.sensitivity import plot_tornado, sensitivity

DATA = Path(__file__).parent / "data"
TINY_TEXT = (DATA / "tiny.toml").read_text(encoding="utf-8")


def parameter_graph(model: crampnet.Model) -> nx.DiGraph:
    """The DAG with one parameter node theta_X per table, pointing at every node whose table it enters.

    theta_X -> X for every node; a logistic intercept given as a prevalence is
    solved against its context parents' priors, so theta_P -> X too for each
    such parent P (derived here from the spec, not from crampnet's code).
    """
    graph = nx.DiGraph()
    for nid, node in model.spec.nodes.items():
        graph.add_node(nid)
        graph.add_edge(f"theta_{nid}", nid)
        for parent in node.parents:
            graph.add_edge(parent, nid)
        if isinstance(node.cpd, Logistic) and node.cpd.intercept_kind == "prevalence":
            for parent in node.parents:
                graph.add_edge(f"theta_{parent}", nid)
    return graph


def observed_nodes(model: crampnet.Model, evidence: dict[str, object]) -> set[str]:
    return {crampnet.network.evidence.resolve_id(model.spec, key) for key in evidence}


CASES = [
    ("rls", {}),
    ("rls", {"urge": True}),
    ("cramps", {"ferritin": "low", "location": "calf"}),
    ("plm", {"urge": "yes"}),
    ("plm", {"jerks": "yes"}),
    ("cramps", {"pulses": "absent", "drug": "yes"}),
    ("rls", {"age": 70, "pulses": "normal"}),
]


@pytest.mark.parametrize(("condition", "evidence"), CASES)
def test_d_separated_parameters_have_zero_swing(tiny, condition, evidence):
    """Check swing == 0 for every parameter whose theta is d-separated from the condition given the evidence."""
    table = sensitivity(tiny, condition, evidence)
    graph = parameter_graph(tiny)
    given = observed_nodes(tiny, evidence)
    separated = {nid for nid in tiny.spec.nodes if nx.is_d_separator(graph, {f"theta_{nid}"}, {condition}, given)}
    assert separated, "the case should d-separate some parameters"
    for label, row in table.iterrows():
        if row["node"] in separated:
            assert row["swing"] < 1e-12, (label, row["node"], row["kind"])
    connected = table[~table["node"].isin(separated)]
    if 1e-9 < table.attrs["base"] < 1 - 1e-9:  # a posterior fixed at 0 or 1 by a logical rule cannot move
        assert (connected["swing"] > 1e-9).any()


@pytest.mark.parametrize("seed", [3, 8])
def test_d_separation_on_random_networks(random_networks, seed):
    """Check the zero-swing rule on random networks, for each condition, given a random finding."""
    model, _, _ = random_networks.make(seed)
    finding = model.findings[0]
    evidence = {finding: model.states(finding)[0]}
    graph = parameter_graph(model)
    for condition in model.conditions:
        table = sensitivity(model, condition, evidence)
        for _, row in table.iterrows():
            if nx.is_d_separator(graph, {f"theta_{row['node']}"}, {condition}, {finding}):
                assert row["swing"] < 1e-12, (condition, row["node"], row["kind"])


def load_text(tmp_path: Path, text: str, name: str) -> crampnet.Model:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return crampnet.load(path)


def test_ends_equal_the_posteriors_of_an_edited_file(tiny, tmp_path):
    """Check low/high against a copy of tiny.toml with the parameter written at each end of its range."""
    evidence = {"urge": True, "ferritin": "low"}
    table = sensitivity(tiny, "rls", evidence)
    row = table[(table["node"] == "rls") & (table["kind"] == "leak")].iloc[0]
    for end, column in (("param_low", "low"), ("param_high", "high")):
        text = TINY_TEXT.replace("leak = { value = 0.05, source = \"made_up\" }", f"leak = {{ value = {float(row[end])!r}, source = \"made_up\" }}")
        assert text != TINY_TEXT
        edited = load_text(tmp_path, text, f"leak_{column}.toml")
        assert row[column] == pytest.approx(edited.posteriors(evidence)["rls"], abs=1e-12)


KILLING_END = """
schema = "crampnet-network/1"
name = "end"
version = "1"
[sources.s]
kind = "literature"
citation = "test"
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.2, source = "s" } }
[nodes.d]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.3, source = "s" } }
[nodes.f]
role = "finding"
states = ["yes", "no"]
[nodes.f.cpd]
model = "noisy_or"
leak = { value = 0.0, source = "s" }
links = [{ parent = "c", state = "present", value = 0.7, low = 0.0, high = 0.9, source = "s" }]
[nodes.g]
role = "finding"
states = ["yes", "no"]
[nodes.g.cpd]
model = "noisy_or"
leak = { value = 0.1, source = "s" }
links = [
  { parent = "c", state = "present", value = 0.5, source = "s" },
  { parent = "d", state = "present", value = 0.6, source = "s" },
]
"""


def test_an_end_that_makes_the_evidence_impossible_gives_the_limit(tmp_path):
    """Check that a link of 0 on a finding's only cause gives the posterior's limit there, not NaN.

    With f's link at 0, f = yes is impossible; as the link falls to 0, f = yes
    still means c present, so P(d | f, g) tends to P(d | c present, g = yes).
    """
    model = load_text(tmp_path, KILLING_END, "end.toml")
    table = sensitivity(model, "d", {"f": "yes", "g": "yes"})
    assert not table[["low", "high", "swing"]].isna().any().any()
    row = table[(table["node"] == "f") & (table["kind"] == "link")].iloc[0]
    assert row["param_low"] == 0.0
    # P(g = yes | c present, d) = 1 - 0.9 * 0.5 * (0.4 if d present else 1)
    with_d, without_d = 0.3 * (1 - 0.9 * 0.5 * 0.4), 0.7 * (1 - 0.9 * 0.5)
    assert row["low"] == pytest.approx(with_d / (with_d + without_d), rel=1e-7)
    # Any link above 0 gives that posterior too (f = yes forces c whatever the link), so the high end as well.
    assert row["high"] == pytest.approx(with_d / (with_d + without_d), rel=1e-12)


def test_distribution_entries_move_with_the_rest_rescaled(tiny, tmp_path):
    """Check a table-row entry: at its low end the other entry takes the rest (plm given rls=absent)."""
    evidence = {"jerks": "yes"}
    table = sensitivity(tiny, "rls", evidence)
    row = table[(table["node"] == "plm") & (table["parent_state"] == "rls=absent") & (table["state"] == "present")].iloc[0]
    assert not ((table["node"] == "plm") & (table["parent_state"] == "rls=absent") & (table["state"] == "absent")).any()
    low = row["param_low"]
    text = TINY_TEXT.replace("probabilities = { present = 0.1, absent = 0.9 }", f"probabilities = {{ present = {float(low)!r}, absent = {1 - float(low)!r} }}")
    edited = load_text(tmp_path, text, "plm_low.toml")
    assert row["low"] == pytest.approx(edited.posteriors(evidence)["rls"], abs=1e-12)


def test_file_ranges_are_used(tiny):
    """Check that a parameter with a range in the file is moved to exactly that range."""
    table = sensitivity(tiny, "cramps", {"urge": True})
    row = table[(table["node"] == "cramps") & (table["parent_state"] == "65_plus")].iloc[0]
    assert (row["param_low"], row["param_high"], row["range"]) == (2.0, 4.0, "file")


def test_table_shape_and_order(tiny):
    """Check the index (parameters() labels), the sort by swing and swing = |high - low|."""
    table = sensitivity(tiny, "rls", {"urge": True})
    assert set(table.index) <= set(tiny.parameters().index)
    assert table["swing"].is_monotonic_decreasing
    np.testing.assert_allclose(table["swing"], (table["high"] - table["low"]).abs())
    assert table.attrs["condition"] == "rls"
    assert table.attrs["base"] == pytest.approx(tiny.posteriors({"urge": True})["rls"], abs=1e-12)
    assert "baseline (solved)" not in set(table["kind"])
    assert not (table["node"] == "jerks").any()  # structural 0 and 1 are not varied


def test_errors_name_the_problem(tiny):
    """Check unknown ids, non-conditions and impossible evidence."""
    with pytest.raises(crampnet.UnknownNodeError, match="Did you mean 'rls'"):
        sensitivity(tiny, "rlss", {})
    with pytest.raises(crampnet.InvalidValueError, match=r"must be a condition\. Got 'urge'"):
        sensitivity(tiny, "urge", {})
    with pytest.raises(crampnet.ImpossibleEvidenceError, match="jerks=yes and plm=absent"):
        sensitivity(tiny, "rls", {"jerks": "yes", "plm": "absent"})


def test_tornado_plot(tiny):
    """Check that the tornado draws the top rows with readable labels, the largest swing at the top."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = sensitivity(tiny, "rls", {"urge": True})
    ax = plot_tornado(table, top=4)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 4
    # rls's leak is 0.05 in tests/data/tiny.toml; it has no parent, so no "|".
    assert labels[-1] == "rls=present: leak 0.05"
    plt.close(ax.figure)


@pytest.mark.parametrize("top", [0, -1, True, 1.5, "3"])
def test_tornado_top_must_be_a_positive_int(tiny, top):
    """Check a bad ``top`` is refused by name: -1 drew every bar but the last, 0 an empty plot, a float or bool a pandas TypeError."""
    pytest.importorskip("matplotlib").use("Agg")
    table = sensitivity(tiny, "rls", {"urge": True})
    with pytest.raises(crampnet.InvalidValueError, match="'top' argument of plot_tornado must be a positive int"):
        plot_tornado(table, top=top)


def test_tornado_needs_a_sensitivity_table(tiny):
    """Check a frame that is not a sensitivity table is an InvalidValueError naming its missing columns (it was an AttributeError)."""
    pytest.importorskip("matplotlib").use("Agg")
    with pytest.raises(crampnet.InvalidValueError, match="sensitivity table") as info:
        plot_tornado(pd.DataFrame({"a": [1]}))
    for column in ("node", "kind", "parent", "parent_state", "state", "value", "low", "high"):
        assert column in str(info.value).rsplit("has no", 1)[1]
    table = sensitivity(tiny, "rls", {"urge": True}).drop(columns=["high"])
    with pytest.raises(crampnet.InvalidValueError, match=r"DataFrame given has no high\.$"):
        plot_tornado(table)


def _flat(label: str) -> str:
    """A tornado label on one line (wrapped labels continue on indented lines)."""
    return re.sub(r"\s*\n\s*", " ", label)


def test_tornado_labels_name_the_parent_and_its_state(tiny):
    """Check that every label names the node, its state, the parent and the parent's state of its row (issue 15).

    urge has two links (rls=present 0.95, cramps=present 0.1 in tiny.toml),
    which the old labels ("urge link present yes") could not tell apart.
    """
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = sensitivity(tiny, "rls", {"urge": True})
    ax = plot_tornado(table, top=len(table))
    labels = [_flat(t.get_text()) for t in ax.get_yticklabels()][::-1]  # top row first, as in the table
    assert len(labels) == len(table) == len(set(labels)), "two parameters share a label"
    for label, row in zip(labels, table.itertuples(), strict=True):
        assert label.startswith(f"{row.node}=" if isinstance(row.state, str) else str(row.node)), label
        if isinstance(row.state, str):
            assert label.startswith(f"{row.node}={row.state}"), label
        if isinstance(row.parent_state, str):
            given = label.split(" | ", 1)[1]
            for parent in str(row.parent).split(","):
                assert f"{parent}=" in given, (label, parent)
            if "=" not in row.parent_state:
                assert given.startswith(f"{row.parent}={row.parent_state}:"), label
        assert str(row.kind).replace("_", " ") in label, label
    assert "urge=yes | rls=present: link 0.95" in labels
    assert "urge=yes | cramps=present: link 0.1" in labels
    assert any("plm=present | rls=present: row 0.85" == label for label in labels)
    plt.close(ax.figure)


def test_tornado_legend_covers_no_bar_and_labels_fit(tiny):
    """Check that the legend sits outside the axes (over no bar) and the labels and legend fit in the new figure."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = sensitivity(tiny, "rls", {"urge": True})
    ax = plot_tornado(table, top=12)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    axes_box = ax.get_window_extent(renderer)
    bars = [bar.get_window_extent(renderer) for bar in ax.patches if bar.get_width() != 0]
    assert bars, "no bar drawn"
    assert legend.y0 >= axes_box.y1 - 1, "the legend is inside the axes"
    assert not any(legend.overlaps(bar) for bar in bars)
    figure_box = fig.bbox
    for text in [*ax.get_yticklabels(), *ax.get_legend().get_texts()]:
        box = text.get_window_extent(renderer)
        assert figure_box.x0 - 1 <= box.x0 and box.x1 <= figure_box.x1 + 1, f"{text.get_text()!r} is cut off"
        assert figure_box.y0 - 1 <= box.y0 and box.y1 <= figure_box.y1 + 1, f"{text.get_text()!r} is cut off"
    plt.close(fig)


def test_shipped_network_sensitivity(model):
    """Check the shipped network: the posterior's own prevalence is among the parameters that matter."""
    table = sensitivity(model, "restless_legs_syndrome", {"urge_to_move": True})
    assert table["swing"].is_monotonic_decreasing
    top = table.head(10)
    assert (top["node"] == "restless_legs_syndrome").any() or (top["node"] == "urge_to_move").any()


def test_tornado_after_a_csv_round_trip(tiny, tmp_path):
    """Check a sensitivity table saved to CSV and read back draws the same bars (its attrs are lost on the way).

    The bars start at the posterior with the file's values, which the table
    kept only in ``attrs``: read back from CSV, every bar was NaN wide and
    the plot came out empty without a word.
    """
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = sensitivity(tiny, "rls", {"urge": True})
    path = tmp_path / "tornado.csv"
    table.to_csv(path)
    back = pd.read_csv(path, index_col=0)
    assert back.attrs == {}
    base = tiny.posteriors({"urge": True})["rls"]
    ax = plot_tornado(back, top=4)
    lefts = [bar.get_x() for bar in ax.patches]
    assert lefts and all(x == pytest.approx(base, abs=1e-12) for x in lefts)
    ends = sorted(bar.get_x() + bar.get_width() for bar in ax.patches)
    assert ends == pytest.approx(sorted([*table["low"].head(4), *table["high"].head(4)]), abs=1e-12)
    assert "P(rls present" in ax.get_xlabel()
    plt.close(ax.figure)


def test_tornado_without_its_base_says_what_is_missing(tiny):
    """Check a table that lost both the attrs and the base column is refused with what is missing and how to get it back."""
    pytest.importorskip("matplotlib").use("Agg")
    table = sensitivity(tiny, "rls", {"urge": True})
    bare = pd.DataFrame(table.drop(columns=["base", "condition"], errors="ignore").to_dict("list"))
    with pytest.raises(crampnet.InvalidValueError, match=r"posterior with the file's values.*'base'.*model\.posteriors"):
        plot_tornado(bare)


@pytest.mark.parametrize("ax", ["x", 3, [None]])
def test_plots_name_an_ax_that_is_no_axes(tiny, ax):
    """Check plot_tornado and plot_calibration refuse an 'ax' that is no matplotlib Axes by name, as draw does (AttributeError: 'str' object has no attribute 'barh')."""
    pytest.importorskip("matplotlib").use("Agg")
    from crampnet.trust.evaluate import evaluate, plot_calibration
    from crampnet.trust.simulate import simulate

    table = sensitivity(tiny, "rls", {"urge": True})
    with pytest.raises(crampnet.EvidenceTypeError, match=r"'ax' argument of plot_tornado must be a matplotlib Axes .* or None"):
        plot_tornado(table, ax=ax)
    calibration = evaluate(tiny, simulate(tiny, 50, seed=0)).calibration
    with pytest.raises(crampnet.EvidenceTypeError, match=r"'ax' argument of plot_calibration must be a matplotlib Axes .* or None"):
        plot_calibration(calibration, ax=ax)


def test_sensitivity_runs_its_parameter_sets_in_chunks_of_bounded_memory(tiny, monkeypatch):
    """Check sensitivity builds at most CHUNK_BYTES of parameter sets at a time, with the numbers of one batch.

    It built all 1 + 2 * (moving parameters) sets at once: on the shipped
    model fitted to a simulated cohort of 200 (81,782 numbers, ~50,000
    moving) that was a 60.9 GiB array, and numpy raised _ArrayMemoryError.
    """
    import crampnet.trust.sensitivity as module

    evidence = {"urge": "yes", "location": "calf", "jerks": "no"}
    whole = sensitivity(tiny, "rls", evidence)
    seen: list[int] = []
    original = module.batch_posteriors

    def recording(model, vectors, theta, *args, **kwargs):
        seen.append(theta.shape[0])
        return original(model, vectors, theta, *args, **kwargs)

    monkeypatch.setattr(module, "batch_posteriors", recording)
    monkeypatch.setattr(module, "CHUNK_BYTES", 8 * 5 * len(parameter_space(tiny).point))  # five sets a chunk
    chunked = sensitivity(tiny, "rls", evidence)
    assert max(seen) <= 5 and sum(seen) >= 1 + 2 * int((whole["param_low"] != whole["param_high"]).sum())
    pd.testing.assert_frame_equal(chunked, whole, rtol=0, atol=1e-12)
