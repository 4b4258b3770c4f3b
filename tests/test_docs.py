"""The documentation builds with warnings as errors, and its generated pages say what they should.

One build (``sphinx-build -W --keep-going -b html docs <tmp>``, in a
subprocess) executes the notebooks and the example pages, generates the
vocabulary from the shipped network file and the CLI page from the parser,
and renders the API reference from the docstrings; a broken example, a
malformed docstring or a cross-reference to nothing fails it. The pages are
then checked against the files they come from, read here independently.
"""

from __future__ import annotations

import html
import inspect
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import crampnet

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
NETWORK = REPO / "networks" / "leg_cramps.toml"
# A cold build takes one to three minutes on two busy cores (the notebooks dominate).
TIMEOUT = 1800


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the documentation once for this module; return the HTML folder."""
    out = tmp_path_factory.mktemp("docs") / "html"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", str(DOCS), str(out)]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    problems = [line for line in run.stderr.splitlines() if "WARNING" in line or "ERROR" in line or "Error" in line]
    assert run.returncode == 0, "sphinx-build failed:\n" + "\n".join(problems[-40:] or run.stderr.splitlines()[-40:])
    return out


def page(built: Path, name: str) -> str:
    """The HTML of a built page."""
    path = built / name
    assert path.is_file(), f"{name} was not built"
    return path.read_text(encoding="utf-8")


def text(markup: str) -> str:
    """The visible text of some HTML, whitespace collapsed."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def section(markup: str, anchor: str) -> str:
    """The HTML of the ``<section id=anchor>`` element (up to the next section of any level)."""
    start = markup.find(f'<section id="{anchor}"')
    assert start >= 0, f"no section {anchor!r}"
    end = markup.find("<section", start + 1)
    return markup[start : end if end > 0 else None]


def test_the_pages_exist(built: Path) -> None:
    """Check that every page of the site was written."""
    for name in ("index.html", "getting-started.html", "reading-the-numbers.html", "workflow.html", "trust.html",
                 "vocabulary.html", "format.html", "cli.html", "changelog.html", "api/index.html", "api/crampnet.html",
                 "api/reasoning.html", "api/trust.html", "api/interop.html", "api/testing.html"):
        page(built, name)


def parents_in_file(node: dict[str, object]) -> set[str]:
    """The parents a node's table names in the file: every "parent" and "parents" inside its cpd."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "parent" and isinstance(item, str):
                    found.add(item)
                elif key == "parents" and isinstance(item, list):
                    found.update(str(p) for p in item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(node.get("cpd", {}))
    return found


def test_vocabulary_lists_every_node_of_the_shipped_network(built: Path) -> None:
    """Check each node of networks/leg_cramps.toml in its own entry: id, label, description, states, parents, flag."""
    nodes = tomllib.loads(NETWORK.read_text(encoding="utf-8"))["nodes"]
    markup = page(built, "vocabulary.html")
    assert len(nodes) > 50
    for node_id, node in nodes.items():
        entry = section(markup, "node-" + node_id.replace("_", "-"))
        shown = text(entry)
        assert node_id in shown
        assert node["label"] in shown, node_id
        assert " ".join(node.get("description", "").split()) in shown, node_id
        assert re.search(rf"Role\s*:\s*{node['role']}", shown), node_id
        for state in node["states"]:
            assert f">{state}<" in entry, (node_id, state)
        parents = parents_in_file(node)
        for parent in parents:
            assert parent in shown, (node_id, parent)
        if not parents:
            assert re.search(r"Parents\s*:\s*none", shown), node_id
        if node["role"] == "condition":
            flag = "yes" if node.get("must_not_miss") else "no"
            assert re.search(rf"Must-not-miss\s*:\s*{flag}", shown), node_id


def test_vocabulary_role_blurbs_are_true_of_the_shipped_network() -> None:
    """Check the sentence the vocabulary page gives each role against networks/leg_cramps.toml, read here.

    The page called every context node a root while pregnancy, postpartum and
    the combined hormonal contraceptive are tables over other context nodes
    (FORMAT.md, "Context nodes"), and said every condition is ranked while a
    part (overt_thyroid_dysfunction) never is. Read from the extension, no
    build needed.
    """
    import importlib.util

    pytest.importorskip("sphinx")
    spec = importlib.util.spec_from_file_location("crampnet_vocabulary_for_test", DOCS / "_ext" / "crampnet_vocabulary.py")
    assert spec is not None and spec.loader is not None
    extension = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extension)
    blurbs = {role: blurb for role, _, blurb in extension.ROLES}
    nodes = tomllib.loads(NETWORK.read_text(encoding="utf-8"))["nodes"]
    tables = [nid for nid, node in nodes.items() if node["role"] == "context" and parents_in_file(node)]
    parts = [nid for nid, node in nodes.items() if "part_of" in node]
    assert "pregnancy" in tables and parts == ["overt_thyroid_dysfunction"]
    assert not blurbs["context"].startswith("Roots") and "tables over other context nodes" in blurbs["context"]
    assert "a part of a condition" in blurbs["condition"] and "not ranked" in blurbs["condition"]


def test_trust_page_says_where_the_presets_sources_are() -> None:
    """Check the trust page's sentence on ``crampnet.populations()``: it said the table lists the presets "with their sources", a column it has not.

    The sources of a preset's priors are rows of ``model.parameters()`` for
    a model loaded with it, which the page now names.
    """
    trust = " ".join((DOCS / "trust.md").read_text(encoding="utf-8").split())
    found = re.search(r"`crampnet\.populations\(\)` lists the presets(.*?);", trust)
    assert found is not None
    columns = list(crampnet.populations().columns)
    assert ("source" in found.group(1)) == any("source" in c for c in columns), (found.group(1), columns)
    for column in ("label", "description"):
        assert column in columns and column in found.group(1)
    assert "`model.parameters()` gives those priors with their sources" in trust
    table = crampnet.load(population="pregnancy").parameters()
    rows = table[table["kind"] == "prior (population pregnancy)"]
    assert len(rows) > 0 and rows["source"].notna().all()


def test_workflow_page_names_every_decision_the_default_question_order_counts() -> None:
    """Check the workflow page's "Next questions" against the CLI's header for the default order: the same three kinds of decision.

    The page named the most probable condition and a must-not-miss
    condition's testing threshold, leaving out the test-treatment threshold
    and the finding rules' flags that the default order also counts (the
    README and ``crampnet diagnose`` name all three).
    """
    from crampnet._cli_output import QUESTIONS_HEADER

    page = " ".join((DOCS / "workflow.md").read_text(encoding="utf-8").split())
    sentence = page.split('(`by="decision"`) a question ranks by', 1)[1].split('`by="information"`', 1)[0]
    for kind in ("the most probable condition", "testing or test-treatment threshold", "finding rule's"):
        assert kind in QUESTIONS_HEADER and kind in sentence, kind
    assert "to the whole percent" in QUESTIONS_HEADER and "whole percent" in sentence


def test_vocabulary_gives_the_bands(built: Path) -> None:
    """Check that every banded node shows each cut point of its bands."""
    nodes = tomllib.loads(NETWORK.read_text(encoding="utf-8"))["nodes"]
    markup = page(built, "vocabulary.html")
    banded = {nid: node["bands"] for nid, node in nodes.items() if node.get("bands")}
    assert "age_group" in banded and "ferritin" in banded
    for node_id, bands in banded.items():
        shown = text(section(markup, "node-" + node_id.replace("_", "-")))
        assert "Bands" in shown
        for band in bands:
            if "below" in band:
                assert f"{band['state']} if below {band['below']:g}" in shown, (node_id, band)
            elif "up_to" in band:
                assert f"{band['state']} if at most {band['up_to']:g}" in shown, (node_id, band)
            else:
                assert f"{band['state']} otherwise" in shown, (node_id, band)


def test_api_page_documents_model_diagnose(built: Path) -> None:
    """Check that Model.diagnose is documented (signature and docstring), and the other public names."""
    markup = page(built, "api/crampnet.html")
    assert 'id="crampnet.Model.diagnose"' in markup
    start = markup.find('id="crampnet.Model.diagnose"')
    entry = text(markup[start : markup.find('<dt class="sig', start + 1)])
    summary = (inspect.getdoc(crampnet.Model.diagnose) or "").splitlines()[0]
    assert summary
    assert "evidence" in entry and " ".join(summary.split()) in entry
    for name in ("crampnet.load", "crampnet.populations", "crampnet.Diagnosis", "crampnet.evaluate", "crampnet.Model.posteriors"):
        assert f'id="{name}"' in markup, name


def test_cli_page_lists_every_subcommand(built: Path) -> None:
    """Check that each subcommand of the crampnet parser has its section and options."""
    from crampnet.cli import _parser

    parser = _parser()
    shown = text(page(built, "cli.html"))
    commands = [action for action in parser._actions if action.choices and action.dest == "command"]
    assert commands
    for name, sub in commands[0].choices.items():
        assert name in shown
        for action in sub._actions:
            for flag in action.option_strings:
                assert flag in shown, (name, flag)


def test_notebooks_are_rendered_with_their_outputs(built: Path) -> None:
    """Check that every notebook of notebooks/ has a page with executed outputs."""
    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        markup = page(built, f"notebooks/{notebook.stem}.html")
        assert "cell_output" in markup, notebook.name
    assert "restless_legs_syndrome" in text(page(built, "notebooks/01-quickstart.html"))


def test_included_pages_follow_their_files(built: Path) -> None:
    """Check that the README parts, FORMAT.md and CHANGELOG.md are included, not copies."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    part = readme.split("## How to read the numbers", 1)[1].split("\n## ", 1)[0]
    first = " ".join(part.strip().split("\n\n")[0].split()).replace("**", "")
    assert first[:60] in text(page(built, "reading-the-numbers.html"))
    measured = text(page(built, "measured.html"))
    assert "held-out and still blind" in measured and "seed_checklists.toml" in measured
    assert "python -m pip install . && crampnet diagnose --example" in text(page(built, "getting-started.html"))
    format_title = (REPO / "networks" / "FORMAT.md").read_text(encoding="utf-8").splitlines()[0].lstrip("# ").replace("`", "")
    assert format_title in text(page(built, "format.html"))
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, flags=re.M)
    assert versions
    shown = text(page(built, "changelog.html"))
    for version in versions:
        assert version in shown


def test_example_pages_were_executed(built: Path) -> None:
    """Check that the workflow and trust pages carry outputs computed at build time."""
    workflow = page(built, "workflow.html")
    assert "cell_output" in workflow
    assert "peripheral_arterial_disease" in text(workflow)
    trust = page(built, "trust.html")
    assert "cell_output" in trust and "swing" in text(trust)
