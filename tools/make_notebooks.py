"""Write the notebooks in notebooks/ from the cell lists below.

Notebooks are generated so that their source stays reviewable as Python;
run ``python tools/make_notebooks.py`` after editing, and commit both.
The test suite executes every notebook in notebooks/.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {
    "01-quickstart.ipynb": [
        ("md", "# crampnet quickstart\n\nLoad the shipped leg-cramp network, give the findings of a case, and read the exact posterior of every condition. crampnet supports clinical reasoning; it does not replace it."),
        ("code", "import crampnet\n\nmodel = crampnet.load()\nmodel"),
        ("md", "The node ids are fixed by the project vocabulary. Evidence maps ids to states; `True`/`False` mean yes/no, and labs can be given as numbers."),
        ("code", "model.states('ferritin'), model.findings[:8]"),
        ("code", "case = {\n    'age': 58,\n    'urge_to_move': True,\n    'uncomfortable_sensations': True,\n    'worse_at_rest': True,\n    'relief_by_movement': True,\n    'worse_evening': True,\n    'ferritin': 32,\n}\npost = model.posteriors(case)\npost.head(8)"),
        ("code", "assert post.index[0] == 'restless_legs_syndrome'\nassert ((post >= 0) & (post <= 1)).all()"),
        ("md", "A classic cramp instead: a visibly hard calf muscle at night, relieved by stretching."),
        ("code", "model.posteriors({'visible_hard_contraction': True, 'nocturnal': True, 'relief_by_stretching': True}).head(5)"),
        ("md", "Any joint probability: how often do people *without* RLS meet all four RLS criteria? (Hening et al. 2009 found 16%.)"),
        ("code", "criteria = {'urge_to_move': 'yes', 'worse_at_rest': 'yes', 'relief_by_movement': 'yes', 'worse_evening': 'yes'}\nround(model.probability(criteria, given={'restless_legs_syndrome': 'absent'}), 3)"),
        ("md", "Every number names its source."),
        ("code", "table = model.parameters()\ntable[['node', 'kind', 'parent', 'value', 'source']].head(10)"),
        ("code", "table['source'].eq('judgment').mean().round(3)  # share of judgment parameters"),
        ("md", "Bad input is a clear error, never a NaN:"),
        ("code", "try:\n    model.posteriors({'urge_to_mov': True})\nexcept ValueError as err:\n    print(err)"),
    ],
}


def build(folder: Path) -> None:
    """Write every notebook into ``folder``."""
    folder.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells]
        nbformat.write(nb, folder / name)


if __name__ == "__main__":
    build(Path(__file__).resolve().parents[1] / "notebooks")
