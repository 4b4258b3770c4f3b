"""Execute every notebook in notebooks/: a notebook that no longer runs fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    """Check that the notebooks folder is found (so the parametrized test is not empty)."""
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    """Check that the notebook executes top to bottom without an error."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors


def test_the_generator_writes_the_committed_notebooks(tmp_path: Path) -> None:
    """Check that tools/make_notebooks.py writes notebooks/ as committed (two had been edited by hand and regenerating reverted them)."""
    import importlib.util

    pytest.importorskip("nbformat")
    spec = importlib.util.spec_from_file_location("make_notebooks", Path(__file__).resolve().parents[1] / "tools" / "make_notebooks.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.build(tmp_path)
    written = sorted(p.name for p in tmp_path.glob("*.ipynb"))
    assert written == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        assert (tmp_path / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), f"{path.name}: run python tools/make_notebooks.py"


def test_the_exploring_notebook_says_how_the_drawing_marks_a_red_flag() -> None:
    """Check notebook 02's text on the graph says how draw marks a red flag, as draw writes it, and that its case raises none, as it says.

    draw writes each red flag in its condition's box ("RED FLAG: URGENT"),
    edges the box in the urgency's colour and counts the flags in its title;
    the notebook described the must-not-miss edging only.
    """
    import importlib.util

    import matplotlib

    import crampnet
    from crampnet.display import draw
    from crampnet.reasoning.html import URGENCY

    matplotlib.use("Agg")
    spec = importlib.util.spec_from_file_location("make_notebooks", Path(__file__).resolve().parents[1] / "tools" / "make_notebooks.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    (graph,) = [text for kind, text in tool.EXPLORING if kind == "md" and text.startswith("## The graph")]
    model = crampnet.load()
    ax = draw(model, {"unilateral_calf_swelling": True, "calf_tenderness": True})  # a case with a DVT flag: what the text must describe
    flagged = [t.get_text() for t in ax.texts if "RED FLAG" in t.get_text()]
    assert flagged and "1 red flag (each edged in its urgency's colour)" in ax.get_title()
    tag = flagged[0][flagged[0].index("RED FLAG") :].split("\n")[0]
    assert tag.startswith("RED FLAG: ") and tag[len("RED FLAG: ") :].lower() in URGENCY  # as the text quotes it
    assert '"RED FLAG: URGENT"' in graph
    assert "edged in its urgency's colour" in graph and "title counts the flags" in graph
    assert "this case raises none" in graph
    namespace: dict[str, object] = {}
    exec(next(text for kind, text in tool.EXPLORING if kind == "code"), namespace)  # the notebook's case
    assert not model.diagnose(namespace["case"]).red_flags
    matplotlib.pyplot.close("all")
