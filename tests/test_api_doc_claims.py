"""What the public API's docstrings say about the pictures and tables they return, checked on what they return."""

from __future__ import annotations

import pytest

import crampnet


def test_model_draw_marks_the_case_as_its_docstring_says(model: crampnet.Model) -> None:
    """Check ``Model.draw``'s evidence parameter: the case's nodes are outlined in black, while every box is shaded (it said the case's nodes "are drawn shaded")."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    doc = " ".join((crampnet.Model.draw.__doc__ or "").split())
    assert "outlined in black" in doc and "drawn shaded" not in doc
    ax = model.draw({"urge_to_move": True})
    try:
        boxes = {p.get_gid()[len("box:") :]: p for p in ax.patches if (p.get_gid() or "").startswith("box:")}
        outlines = [p for p in ax.patches if p.get_gid() is None and p.get_facecolor()[3] == 0]

        def outline(nid: str) -> tuple[float, ...]:
            (found,) = [p for p in outlines if p.get_x() == boxes[nid].get_x() and p.get_y() == boxes[nid].get_y()]
            return tuple(found.get_edgecolor())

        assert all(box.get_facecolor()[3] > 0 for box in boxes.values())  # every box is shaded, entered or not
        assert outline("urge_to_move") == to_rgba("black")
        assert all(outline(nid) != to_rgba("black") for nid in boxes if nid != "urge_to_move")
    finally:
        plt.close(ax.figure)


def test_testing_evidence_draws_what_its_docstring_says(model: crampnet.Model) -> None:
    """Check ``crampnet.testing.evidence``'s docstring against what it draws: numbers for symptom duration and booleans for d_dimer (raised/normal), which it named as "ages and labs" and "yes/no nodes" only."""
    pytest.importorskip("hypothesis")
    from hypothesis import HealthCheck, find, settings

    from crampnet import testing

    doc = " ".join(((testing.__doc__ or "") + (testing.evidence.__doc__ or "")).split())
    assert doc.count("symptom duration") == 2 and "raised/normal" in doc
    quick = settings(max_examples=2000, database=None, suppress_health_check=list(HealthCheck))
    strategy = testing.evidence(model, nodes=["symptom_duration", "d_dimer"], min_size=2, possible=False)  # states drawn alone: quick
    number = find(strategy, lambda e: isinstance(e["symptom_duration"], float), settings=quick)
    boolean = find(strategy, lambda e: isinstance(e["d_dimer"], bool), settings=quick)
    model.posteriors(number)
    model.posteriors(boolean)


def test_the_boolean_error_says_which_nodes_take_booleans(model: crampnet.Model) -> None:
    """Check the message for True on a node that takes no booleans: it said only yes/no, present/absent or positive/negative pairs take them, while d_dimer (raised/normal) does."""
    with pytest.raises(crampnet.InvalidStateError, match="True and False are accepted only") as caught:
        model.posteriors({"pedal_pulses": True})
    message = str(caught.value)
    assert "a pair its file names, such as raised/normal" in message
    assert model.states("d_dimer") == ["normal", "raised"]
    assert model.posteriors({"d_dimer": True}).equals(model.posteriors({"d_dimer": "raised"}))


def test_read_text_cells_reads_booleans_as_its_docstring_says(model: crampnet.Model) -> None:
    """Check ``read_text_cells``: 'positive' and 'No' are booleans on any node that takes them, d_dimer's raised/normal pair included (it said yes/y/true and no/n/false on yes/no nodes)."""
    import pandas as pd

    from crampnet.interop.cohorts import read_text_cells

    doc = " ".join((read_text_cells.__doc__ or "").split())
    assert "yes/y/true/present/positive and no/n/false/absent/negative as booleans on a node that takes them" in doc
    frame = pd.DataFrame({"d_dimer": ["yes", "No"], "straight_leg_raise": ["positive", "n"], "urge_to_move": ["present", "false"]}, dtype=object)
    read = read_text_cells(model.spec, frame)
    assert read.to_dict("list") == {"d_dimer": [True, False], "straight_leg_raise": ["positive", False], "urge_to_move": [True, False]}  # a state name stays one
    assert float(model.posteriors(read).iloc[0]["deep_vein_thrombosis"]) == pytest.approx(float(model.posteriors({"d_dimer": "raised", "straight_leg_raise": "positive", "urge_to_move": "yes"})["deep_vein_thrombosis"]))


@pytest.mark.parametrize("page", ["getting-started.md", "workflow.md"])
def test_the_docs_text_reading_examples_work(model: crampnet.Model, page: str) -> None:
    """Check each page's sentence on how text is read: each ```{text}` is `{value}``` example gives the posteriors and red flags of its value, and each yes/no word it lists is read as the state it stands for (on d_dimer, raised/normal, and urge_to_move, yes/no)."""
    import ast
    import re
    from pathlib import Path

    text = " ".join((Path(__file__).parents[1] / "docs" / page).read_text(encoding="utf-8").split())
    start = text.index("Text is read as the command line reads it:")
    sentence = text[start : text.index(").", start) + 2]
    pairs = re.findall(r"`(\{[^`]*\})` is `(\{[^`]*\})`", sentence)
    assert len(pairs) == 3, sentence  # a state name in any case, a yes/no word, a number as text
    for typed, meant in pairs:
        written, value = ast.literal_eval(typed), ast.literal_eval(meant)
        assert all(isinstance(v, str) for v in written.values()) and written.keys() == value.keys(), (typed, meant)
        assert written != value
        assert model.posteriors(written).to_dict() == pytest.approx(model.posteriors(value).to_dict()), (typed, meant)
        assert [(f.condition, f.urgency) for f in model.diagnose(written).red_flags] == [(f.condition, f.urgency) for f in model.diagnose(value).red_flags]
    (yes, no) = re.search(r"\(([a-z/]+), ([a-z/]+)\) on a node that takes `True`/`False`", sentence).groups()  # type: ignore[union-attr]
    for words, truth in ((yes, True), (no, False)):
        for word in words.split("/"):
            for nid in ("d_dimer", "urge_to_move"):
                assert model.posteriors({nid: word}).to_dict() == pytest.approx(model.posteriors({nid: truth}).to_dict()), (word, nid)
