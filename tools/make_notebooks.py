"""Write the notebooks in notebooks/ from the cell lists below.

Notebooks are generated so that their source stays reviewable as Python;
run ``python tools/make_notebooks.py`` after editing, and commit both.
The test suite executes every notebook in notebooks/ (tests/test_notebooks.py).
Keep each one short: a few seconds of computing.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

Cells = list[tuple[str, str]]

QUICKSTART: Cells = [
    ("md", "# crampnet quickstart\n\nLoad the shipped leg-cramp network, give the findings of a case, and read the exact posterior of every condition, the ranked differential, why, and what to ask next. crampnet supports clinical reasoning; it does not replace it."),
    ("code", "import crampnet\n\nmodel = crampnet.load()\nmodel"),
    ("md", "The node ids are fixed by the project vocabulary. Evidence maps ids to states; `True`/`False` mean yes/no, and labs can be given as numbers."),
    ("code", "model.states('ferritin'), model.findings[:8]"),
    ("code", "case = {\n    'age': 58,\n    'urge_to_move': True,\n    'uncomfortable_sensations': True,\n    'worse_at_rest': True,\n    'relief_by_movement': True,\n    'worse_evening': True,\n    'ferritin': 32,\n}\npost = model.posteriors(case)\npost.head(8)"),
    ("code", "assert post.index[0] == 'restless_legs_syndrome'\nassert ((post >= 0) & (post <= 1)).all()"),
    ("md", "## Diagnose\n\n`model.diagnose` gives the whole picture for one case: red flags first, then the differential with a bar per posterior (must-not-miss conditions are always listed)."),
    ("code", "dx = model.diagnose(case)\ndx"),
    ("md", "Why is restless legs syndrome on top? Each evidence entry's share of the log-odds, as a likelihood ratio and a sentence:"),
    ("code", "dx.explain('restless_legs_syndrome')[['state', 'likelihood_ratio', 'sentence']]"),
    ("md", "What to ask next: by default the questions whose answer is most likely to change a decision (the most probable condition, a must-not-miss condition's testing threshold, a finding rule's flag), expected information gain in bits breaking ties; `by='information'` ranks by the gain alone."),
    ("code", "questions = dx.next_questions(3)\nquestions[['label', 'kind', 'decision', 'information_gain', 'about']]"),
    ("code", "question = questions.index[0]\nanswer = model.states(question)[0]\nprint(f'Suppose {question} = {answer}:')\nmodel.diagnose({**case, question: answer}).posteriors.head(5)"),
    ("md", "A different patient: one swollen, tender calf. The deep vein thrombosis red flag comes first, whatever the rank."),
    ("code", "model.diagnose({'unilateral_calf_swelling': True, 'calf_tenderness': True, 'muscle_cramps': True})"),
    ("md", "A classic cramp: a visibly hard calf muscle at night, relieved by stretching."),
    ("code", "model.posteriors({'visible_hard_contraction': True, 'nocturnal': True, 'relief_by_stretching': True}).head(5)"),
    ("md", "Any joint probability: how often do people *without* RLS meet all four RLS criteria? Among presenters:"),
    ("code", "criteria = {'urge_to_move': 'yes', 'worse_at_rest': 'yes', 'relief_by_movement': 'yes', 'worse_evening': 'yes'}\nround(model.probability(criteria, given={'restless_legs_syndrome': 'absent'}), 3)"),
    ("md", "Hening et al. 2009 measured 16% in another population: relatives of people with RLS, judged by an expert not to have it. In that population the network gives about half as much, a known gap (the four criteria come together in a mimic, which independent links cannot carry; `tests/test_figures.py` keeps the figure as a strict expected failure)."),
    ("code", "relatives = crampnet.load(population='adults')\nround(relatives.probability(criteria, given={'restless_legs_syndrome': 'absent', 'family_history_rls': 'yes'}), 3)"),
    ("md", "Every number names its source."),
    ("code", "table = model.parameters()\ntable[['node', 'kind', 'parent', 'value', 'source']].head(10)"),
    ("code", "table['source'].eq('judgment').mean().round(3)  # share of judgment parameters"),
    ("md", "Bad input is a clear error, never a NaN:"),
    ("code", "try:\n    model.posteriors({'urge_to_mov': True})\nexcept ValueError as err:\n    print(err)"),
]

EXPLORING: Cells = [
    ("md", "# Exploring the network\n\nWhat is in the shipped network, where its numbers come from, how the population changes the picture, and which numbers a conclusion hangs on."),
    ("code", "import crampnet\nfrom crampnet.display import draw\n\nmodel = crampnet.load()\ncase = {'urge_to_move': True, 'worse_evening': True, 'relief_by_movement': True, 'ferritin': 30, 'age': 45}"),
    ("md", "## The graph\n\nThe drawing shows the part of the network that matters for the case, in three columns: context and risk factors (left) feed conditions (middle, most probable on top, each with its posterior as a bar; must-not-miss ones edged in red), which are the parents of the findings (right). The case's observed nodes are outlined and show their value; `model.draw(evidence, whole=True)` draws every node. A red flag of the case (`dx.red_flags`: a published finding rule, or a must-not-miss condition at its testing threshold) is written in its condition's box, such as \"RED FLAG: URGENT\", the box edged in its urgency's colour and drawn whatever its rank, and the title counts the flags; this case raises none."),
    ("code", "ax = draw(model, case)\nassert not model.diagnose(case).red_flags  # as the text says"),
    ("code", "import pandas as pd\n\npd.Series({nid: len(node.parents) for nid, node in model.spec.nodes.items() if node.role == 'finding'}).sort_values(ascending=False).head(8).rename('causes of the finding')"),
    ("md", "## Provenance\n\nEvery number has a source: a seed document, a published study, or an explicit judgment with its reason."),
    ("code", "table = model.parameters()\nkinds = table['source'].map(lambda s: s if s not in model.spec.sources else model.spec.sources[s].kind)\nkinds.value_counts().rename('parameters')"),
    ("code", "cited = table.loc[table['source'] != 'judgment', 'source'].value_counts().head(5)\npd.DataFrame({'parameters': cited, 'citation': [model.spec.sources[s].citation for s in cited.index]})"),
    ("code", "table.loc[table['node'] == 'ferritin', ['kind', 'parent', 'parent_state', 'state', 'value', 'source', 'note']]"),
    ("md", "## Populations\n\nA population preset replaces some context priors; the conditions move through their risk factors."),
    ("code", "presets = crampnet.populations()\npresets[['label', 'priors']]"),
    ("md", "The same findings in each population (without the age, which some presets fix):"),
    ("code", "findings = {k: v for k, v in case.items() if k != 'age'}\nleading = ['restless_legs_syndrome', 'nocturnal_leg_cramps', 'periodic_limb_movements', 'peripheral_neuropathy']\npd.DataFrame({name: crampnet.load(population=name).posteriors(findings)[leading] for name in presets.index}).round(3)"),
    ("md", "## Sensitivity\n\nEach number moved alone to the ends of its plausible range: the tornado shows which numbers the posterior of restless legs syndrome hangs on for this case."),
    ("code", "from crampnet.trust.sensitivity import plot_tornado\n\ntornado = model.sensitivity('restless_legs_syndrome', case)\nax = plot_tornado(tornado, top=10)"),
    ("code", "tornado.head(5)[['node', 'kind', 'parent', 'value', 'low', 'high', 'swing']]"),
]

PROPERTIES: Cells = [
    ("md", "# Property-based testing with crampnet.testing\n\n`crampnet.testing` gives [hypothesis](https://hypothesis.readthedocs.io) strategies that draw valid evidence for a model, and ready-made properties that any model should satisfy. Use them to test your own networks, or your code around crampnet."),
    ("code", "from hypothesis import given, settings\n\nimport crampnet\nfrom crampnet import testing\n\nmodel = crampnet.load()\nquick = settings(max_examples=10, deadline=None, database=None)"),
    ("md", "## Drawn evidence\n\n`testing.evidence(model)` draws a subset of the observable nodes of one sampled case (so the evidence is possible), each written as a state name, `True`/`False`, a number inside the state's band, or (with `soft=True`) soft evidence."),
    ("code", "drawn = []\n\n\n@quick\n@given(testing.evidence(model, max_size=4, soft=True))\ndef collect(evidence):\n    drawn.append(evidence)\n\n\ncollect()\ndrawn[-5:]"),
    ("md", "## Ready-made properties\n\nEach `check_*` raises `AssertionError` saying what failed; `testing.PROPERTIES` lists them."),
    ("code", "[prop.__name__ for prop in testing.PROPERTIES]"),
    ("code", "@quick\n@given(testing.evidence(model, max_size=8))\ndef test_every_property(evidence):\n    testing.check_all(model, evidence)\n\n\ntest_every_property()\nprint('all properties hold on', quick.max_examples, 'drawn evidence sets')"),
    ("md", "## Your own property\n\nFor example: the next best questions never ask about something already observed."),
    ("code", "@settings(max_examples=5, deadline=None, database=None)\n@given(testing.evidence(model, max_size=6))\ndef test_questions_are_new(evidence):\n    asked = set(model.diagnose(evidence).next_questions(None).index)\n    assert not asked & set(evidence), asked & set(evidence)\n\n\ntest_questions_are_new()"),
    ("md", "## Whole cases\n\n`testing.cases(model)` draws every node, conditions included, by ancestral sampling: the conditions are the truth, the rest what a clinician could observe."),
    ("code", "import pandas as pd\n\ncases = []\n\n\n@quick\n@given(testing.cases(model))\ndef collect_cases(case):\n    cases.append(case)\n\n\ncollect_cases()\npd.DataFrame(cases)[model.conditions[:6]].tail()"),
    ("md", "## When a property fails\n\nhypothesis shrinks a failing example to a minimal one. A false claim, \"no evidence makes nocturnal leg cramps more likely than before\", fails on a small case:"),
    ("code", "prior = float(model.posteriors({})['nocturnal_leg_cramps'])\n\n\n@settings(max_examples=200, deadline=None, database=None, derandomize=True)\n@given(testing.evidence(model))\ndef claim(evidence):\n    assert model.posteriors(evidence)['nocturnal_leg_cramps'] <= prior, evidence\n\n\ntry:\n    claim()\nexcept AssertionError as err:\n    print('counterexample:', str(err).splitlines()[0])"),
]

COHORTS: Cells = [
    ("md", "# Cohorts\n\nSimulate a cohort from the network, score it, check calibration, and score a cohort stored as Parquet with Dask, lazily and partition by partition."),
    ("code", "import crampnet\nfrom crampnet.reasoning.questions import cost_of\n\nmodel = crampnet.load()\nintake = ['age_group', 'sex', *[f for f in model.findings if cost_of(f)[0] == 'history'][:10]]\ncohort = model.simulate(300, seed=1)\ncohort[model.conditions[:4] + intake[:4]].head()"),
    ("md", "Each simulated case has its true conditions. Score what an intake form would record: age, sex and ten history questions."),
    ("code", "posteriors = model.posteriors(cohort[intake])\nposteriors.iloc[:5, :5].round(3)"),
    ("md", "Batches are exact and vectorised over cases. A call big enough to pay for it (some 300 cases or more), or any call once the environment variable `CRAMPNET_JIT=always` is set, runs in a kernel compiled with numba: several times faster per case. numba compiles it once per installation (10-40 s, announced on stderr; `crampnet warm-up` does it ahead of time) and later processes load it from its cache in about half a second (2 to 3 s on a busy machine). `CRAMPNET_JIT=never` stays in numpy. The numbers agree either way; see *How it computes* in the README."),
    ("md", "## Calibration\n\nAmong the cases given a posterior near *p*, about a fraction *p* should have the condition. On data simulated from the network itself this checks the engine; on your own labelled data it checks the network."),
    ("code", "from crampnet.trust.evaluate import evaluate, plot_calibration\n\nresult = evaluate(model, cohort[model.conditions + intake])\nprint(f'top-1 {result.top1:.2f}, top-3 {result.top3:.2f}')\nax = plot_calibration(result)"),
    ("code", "result.summary().head(8).round(3)"),
    ("md", "## Dask: cohorts larger than memory\n\nWrite the cohort as Parquet in partitions, read it lazily with `dask.dataframe`, and score it with `crampnet.interop.cohorts.posteriors_dask`: a lazy Dask DataFrame, one partition at a time (on a cluster, connect a `distributed.Client` first)."),
    ("code", "import tempfile\nfrom pathlib import Path\n\nimport dask\nimport dask.dataframe as dd\n\nfrom crampnet.interop.cohorts import posteriors_dask\n\nfolder = Path(tempfile.mkdtemp()) / 'cohort'\ndd.from_pandas(cohort[intake], npartitions=4).to_parquet(folder)\nlazy = posteriors_dask(model, dd.read_parquet(folder))\nlazy"),
    ("md", "Aggregates stream: `lazy.mean()` holds one partition at a time. Here the whole result is also computed, in the same pass, to compare with pandas."),
    ("code", "with dask.config.set(scheduler='threads'):\n    prevalence, scored = dask.compute(lazy.mean(), lazy)\nprint('largest difference from pandas:', float((scored.loc[posteriors.index] - posteriors).abs().max().max()))\nprevalence.sort_values(ascending=False).head(5).round(3).rename('mean posterior')"),
]

NOTEBOOKS: dict[str, Cells] = {
    "01-quickstart.ipynb": QUICKSTART,
    "02-exploring-the-network.ipynb": EXPLORING,
    "03-property-based-testing.ipynb": PROPERTIES,
    "04-cohorts.ipynb": COHORTS,
}


def build(folder: Path) -> None:
    """Write every notebook into ``folder`` (cell ids are numbered, so the files are reproducible)."""
    folder.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells]
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"{name.split('-')[0]}-{i:02d}"
        nbformat.write(nb, folder / name)


if __name__ == "__main__":
    build(Path(__file__).resolve().parents[1] / "notebooks")
