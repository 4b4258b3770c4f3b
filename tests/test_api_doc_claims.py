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
