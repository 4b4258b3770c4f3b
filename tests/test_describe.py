"""Every node described: the network file's descriptions, Model.describe and its printing."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest

import crampnet
from crampnet.network.describe import band_ranges, describe_node, print_description
from crampnet.network.records import Band

REPO = Path(__file__).parent.parent
SHIPPED = REPO / "networks" / "leg_cramps.toml"


def _shipped_nodes() -> dict[str, dict[str, object]]:
    """The [nodes] of the shipped file, read with tomllib (not crampnet's reader)."""
    with SHIPPED.open("rb") as f:
        nodes: dict[str, dict[str, object]] = tomllib.load(f)["nodes"]
    return nodes


NODES = _shipped_nodes()


@pytest.mark.parametrize("nid", sorted(NODES))
def test_every_shipped_node_has_a_description(nid):
    """Check that each node of networks/leg_cramps.toml says what it means, in words beyond its label."""
    description = NODES[nid].get("description", "")
    assert isinstance(description, str)
    assert len(description.split()) >= 5, f"{nid} has no real description: {description!r}"
    assert description.strip() != str(NODES[nid].get("label", "")).strip()


def test_the_file_has_all_its_nodes():
    """Check that the parametrized test above covers the whole network (123 nodes in 0.2)."""
    assert len(NODES) >= 123


def test_describe_a_lab(model):
    """Check a numeric finding: label, unit, range and bands as the vocabulary gives them (low under 50 ng/mL)."""
    info = model.describe("ferritin")
    assert (info.id, info.label, info.role) == ("ferritin", "Serum ferritin", "finding")
    assert info.states == ("low", "normal")
    assert info.unit == "ng/mL"
    assert info.valid == (0, 5000)
    assert info.band_ranges == (("low", "under 50"), ("normal", "50 or over"))
    assert "restless_legs_syndrome" in info.parents
    assert info.children == ()
    assert not info.must_not_miss
    assert "ferritin" in info.description.lower() and "50 ng/mL" in info.description


def test_describe_resolves_aliases(model):
    """Check that ``age`` names age_group, whose bands are under 40, 40 to under 65, 65 or over."""
    info = model.describe("age")
    assert info.id == "age_group"
    assert info.aliases == ("age",)
    assert info.band_ranges == (("under_40", "under 40"), ("40_to_64", "40 to under 65"), ("65_plus", "65 or over"))


def test_ankle_brachial_index_bands_match_the_vocabulary(model):
    """Check the ABI bands against shared/vocabulary.md: over 1.4, 0.9 up to 1.4, 0.4 up to 0.9, under 0.4."""
    ranges = dict(model.describe("ankle_brachial_index").band_ranges)
    assert ranges == {"very_low": "under 0.4", "low": "0.4 to under 0.9", "normal": "0.9 to 1.4", "non_compressible": "over 1.4"}


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ([Band("a")], (("a", "any value"),)),
        ([Band("a", up_to=1), Band("b", up_to=2), Band("c")], (("a", "up to 1"), ("b", "over 1 up to 2"), ("c", "over 2"))),
        ([Band("a", up_to=1), Band("b", below=2), Band("c")], (("a", "up to 1"), ("b", "over 1 to under 2"), ("c", "2 or over"))),
    ],
)
def test_band_ranges_in_words(bands, expected):
    """Check every combination of ``below`` (value excluded) and ``up_to`` (value included)."""
    assert band_ranges(bands) == expected


def test_must_not_miss_and_children(model):
    """Check a must-not-miss condition: DVT is flagged, and the D-dimer and calf swelling are among its children."""
    info = model.describe("deep_vein_thrombosis")
    assert info.role == "condition" and info.must_not_miss
    assert {"d_dimer", "unilateral_calf_swelling", "calf_tenderness"} <= set(info.children)
    assert info.unit is None and info.bands == ()


def test_parents_and_children_agree_with_pgmpy(model):
    """Check every node's parents and children against the pgmpy graph built from the same file."""
    network = model.network
    table = model.parameters()
    for nid in model.spec.nodes:
        info = describe_node(model.spec, nid, table)
        assert set(info.parents) == set(network.get_parents(nid)), nid
        assert set(info.children) == set(network.get_children(nid)), nid


def test_sources_come_from_the_file():
    """Check the sex prior's source key and its citation, read from [sources] with tomllib (the file's own priors)."""
    with SHIPPED.open("rb") as f:
        sources = tomllib.load(f)["sources"]
    info = crampnet.load(population="adults").describe("sex")
    assert [(s.key, s.numbers) for s in info.sources] == [("census_2020_sex", 2)]
    assert info.sources[0].citation == sources["census_2020_sex"]["citation"]


def test_sources_follow_the_population(model):
    """Check that in the presenting population (the default) the sex prior is that preset's (NAMCS leg-complaint visits, judgment until session 54), not the census."""
    assert model.population == "presenting"
    assert [(s.key, s.numbers) for s in model.describe("sex").sources] == [("namcs_1995_2010", 2)]
    assert [(s.key, s.numbers) for s in crampnet.load(population="adults").describe("sex").sources] == [("census_2020_sex", 2)]


def test_source_counts_add_up_to_the_nodes_numbers(model):
    """Check that the numbers counted per source add up to the node's rows of parameters()."""
    table = model.parameters()
    for nid in ("nocturnal", "deep_vein_thrombosis", "pain_location", "age_group"):
        info = describe_node(model.spec, nid, table)
        assert sum(s.numbers for s in info.sources) == int((table["node"] == nid).sum())
        assert {s.key for s in info.sources} == set(table.loc[table["node"] == nid, "source"])


@pytest.mark.parametrize(("given", "suggestion"), [("feritin", "ferritin"), ("urge_to_mov", "urge_to_move")])
def test_unknown_node_says_did_you_mean(model, given, suggestion):
    """Check that an unknown id is a ValueError naming the closest id."""
    with pytest.raises(crampnet.UnknownNodeError, match=rf"Unknown node '{given}'.*Did you mean '{suggestion}'\?"):
        model.describe(given)


def test_a_node_that_is_not_a_string_is_a_type_error(model):
    """Check that describe(3) is a TypeError that says node ids are strings."""
    with pytest.raises(TypeError, match="must be strings"):
        model.describe(3)  # type: ignore[arg-type]


def test_text_shows_what_a_reader_needs(model):
    """Check that the printed description has the label, the states, the unit and a citation."""
    text = str(crampnet.load(population="adults").describe("sex"))
    assert text.startswith("sex: Sex")
    assert "female, male" in text
    assert "census_2020_sex" in text
    assert all(len(line) <= 88 for line in text.splitlines())


def test_html_escapes_the_file_text(tmp_path):
    """Check that _repr_html_ escapes labels and descriptions (a network file is untrusted text)."""
    text = (REPO / "tests" / "data" / "tiny.toml").read_text(encoding="utf-8")
    text = text.replace('[nodes.drug]\nrole = "context"\n', '[nodes.drug]\nrole = "context"\nlabel = "<b>Drug</b>"\ndescription = "A & B <script>"\n', 1)
    path = tmp_path / "tiny_labelled.toml"
    path.write_text(text, encoding="utf-8")
    page = crampnet.load(path).describe("drug")._repr_html_()
    assert "&lt;b&gt;Drug&lt;/b&gt;" in page and "A &amp; B &lt;script&gt;" in page
    assert "<script>" not in page and "<b>" not in page


def test_print_description_for_the_command_line(model):
    """Check what ``crampnet describe NODE`` prints, and that it returns exit code 0."""
    out = io.StringIO()
    assert print_description(model, "d_dimer", file=out) == 0
    text = out.getvalue()
    assert text.startswith("d_dimer: D-dimer\n")
    assert "normal, raised" in text and "deep_vein_thrombosis" in text


def test_print_description_lets_errors_through(model):
    """Check that an unknown node is raised for the command line to report (exit code 2 there)."""
    with pytest.raises(crampnet.UnknownNodeError, match="Did you mean 'd_dimer'"):
        print_description(model, "d_dimmer", file=io.StringIO())


@pytest.mark.skipif("describe" not in __import__("crampnet.cli").cli.COMMANDS, reason="crampnet describe is not wired into crampnet.cli yet")
def test_cli_describe(capsys):
    """Check ``crampnet describe NODE`` (exit 0, the description on stdout) and an unknown node (exit 2, a hint on stderr)."""
    from crampnet.cli import main

    assert main(["describe", "age"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("age_group: Age group\n") and "40_to_64: 40 to under 65" in out
    assert main(["describe", "feritin"]) == 2
    assert "Did you mean 'ferritin'?" in capsys.readouterr().err


def test_cli_describe_without_a_node_lists_every_id(capsys):
    """Check ``crampnet describe`` with no node: every node id once, under its role, must-not-miss marked, aliases named.

    The command required a node and the command line had no way to list the ids, while an unknown id's error sent
    the user to ``model.findings``, a Python attribute. The expected roles and marks are read from the network file
    with tomllib, not from crampnet.
    """
    from crampnet.cli import main

    assert main(["describe"]) == 0
    out = capsys.readouterr().out.splitlines()
    listed = {line.split(":")[0].strip(): line for line in out if line.startswith("  ")}
    assert set(listed) == set(NODES)
    assert len(listed) == len([line for line in out if line.startswith("  ")])  # each once
    headings = {"condition": "Conditions", "finding": "Findings", "context": "Context"}
    for role, heading in headings.items():
        ids = [nid for nid, node in NODES.items() if node["role"] == role]
        start = out.index(f"{heading} ({len(ids)}):")
        assert set(line.split(":")[0].strip() for line in out[start + 1 : start + 1 + len(ids)]) == set(ids)
    for nid, node in NODES.items():
        assert ("[must not miss]" in listed[nid]) == bool(node.get("must_not_miss", False)), nid
        for alias in node.get("aliases", []):  # type: ignore[attr-defined]
            assert alias in listed[nid].split("(also: ")[1], (nid, alias)
    assert main(["diagnose", "=yes"]) == 2
    assert "crampnet describe" in capsys.readouterr().err
