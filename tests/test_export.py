"""Exports: BIF and XMLBIF round-trip through pgmpy, BIF in pyAgrum, XDSL in GeNIe's layout, UAI in the UAI layout."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import crampnet
from crampnet.interop.export import FORMATS, export, format_for, xdsl_state_ids

REPO = Path(__file__).resolve().parents[1]
CHECKED_IN = {"bif": REPO / "networks" / "leg_cramps.bif", "xdsl": REPO / "networks" / "leg_cramps.xdsl"}
EVIDENCE_SETS = [
    {},
    {"urge_to_move": "yes", "worse_evening": "yes", "worse_at_rest": "yes", "ferritin": "low"},
    {"exertional_pain_relieved_by_rest": "yes", "smoker": "yes", "age_group": "65_plus", "pedal_pulses": "diminished"},
    {"visible_hard_contraction": "yes", "nocturnal": "yes", "relief_by_stretching": "yes", "pregnancy": "later_trimester"},
    {"unilateral_calf_swelling": "yes", "calf_tenderness": "yes", "malignancy": "yes", "edema": "no"},
    {"fasciculations": "yes", "weakness": "yes", "hyperreflexia": "yes", "muscle_cramps": "yes", "sex": "male"},
    {"pain_location": "buttock_or_hip", "relief_by_lumbar_flexion": "yes", "back_pain": "yes", "tsh": "high", "ankle_brachial_index": "low"},
]
_SMILE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TOKEN = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|\S")


@pytest.fixture(scope="module")
def texts(model) -> dict[str, str]:
    """Each format's export of the shipped network, written once."""
    return {fmt: export(model, fmt) for fmt in FORMATS}


def _drift(expected: str, actual: str) -> str | None:
    """Where two exports differ beyond 1e-12 in a number, or in any other token; None if they agree."""
    if expected == actual:
        return None
    a, b = _TOKEN.findall(expected), _TOKEN.findall(actual)
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        try:
            if abs(float(x) - float(y)) <= 1e-12:
                continue
        except ValueError:
            if x == y:
                continue
        return f"token {i}: {x!r} in the checked-in file, {y!r} now (context: {' '.join(b[max(0, i - 12) : i + 3])})"
    return None if len(a) == len(b) else f"{len(a)} tokens in the checked-in file, {len(b)} now"


@pytest.mark.parametrize("fmt", sorted(CHECKED_IN))
def test_checked_in_export_matches_the_network_file(texts, fmt):
    """Check that networks/leg_cramps.{bif,xdsl} are what the network file exports today."""
    path = CHECKED_IN[fmt]
    assert path.is_file(), f"{path.relative_to(REPO)} is missing: run `crampnet export -o networks/{path.name}`"
    problem = _drift(path.read_text(encoding="utf-8"), texts[fmt])
    assert problem is None, f"{path.relative_to(REPO)} has drifted from networks/leg_cramps.toml ({problem}). Regenerate it: `crampnet export -o networks/{path.name}`"


def test_drift_check_sees_a_changed_number():
    """Check that the drift comparison ignores nothing but last-digit noise."""
    assert _drift("table 0.1, 0.9 ;", "table 0.1, 0.9 ;") is None
    assert _drift("table 0.1, 0.9 ;", "table 0.1000000000000001, 0.9 ;") is None
    assert "0.91" in _drift("table 0.1, 0.9 ;", "table 0.1, 0.91 ;")
    assert _drift("a { x, y }", "a { x, z }") is not None


@pytest.fixture(scope="module")
def agrum(texts, tmp_path_factory):
    """The BIF and XMLBIF exports loaded by pyAgrum (which reads XMLBIF from a .bifxml file)."""
    gum = pytest.importorskip("pyagrum")
    folder = tmp_path_factory.mktemp("agrum")
    networks = {}
    for fmt, suffix in (("bif", ".bif"), ("xmlbif", ".bifxml")):
        path = folder / f"leg_cramps{suffix}"
        path.write_text(texts[fmt], encoding="utf-8")
        networks[fmt] = gum.loadBN(str(path))
    return networks


# pyAgrum 3.3 parses BIF numbers in single precision (0.41 is read as
# 0.4099999964...), so BIF posteriors agree to ~1e-7; XMLBIF is read in double.
TOLERANCE = {"xmlbif": 1e-9, "bif": 1e-6}


@pytest.mark.parametrize("fmt", sorted(TOLERANCE))
@pytest.mark.parametrize("evidence", EVIDENCE_SETS, ids=[",".join(e) or "none" for e in EVIDENCE_SETS])
def test_pyagrum_gives_crampnet_posteriors(model, agrum, evidence, fmt):
    """Check that pyAgrum's exact inference on the exported network matches crampnet (XMLBIF to 1e-9, BIF to 1e-6)."""
    gum = pytest.importorskip("pyagrum")
    bn = agrum[fmt]
    engine = gum.LazyPropagation(bn)
    engine.setEvidence(dict(evidence))
    engine.makeInference()
    post = model.posteriors(evidence)
    for cond in model.conditions:
        present = bn.variable(cond).labels().index("present")
        assert engine.posterior(cond)[present] == pytest.approx(float(post[cond]), abs=TOLERANCE[fmt]), cond


def test_pyagrum_reads_the_bif_tables(model, agrum):
    """Check that pyAgrum reads every BIF table entry to single precision (the cause of BIF's looser tolerance)."""
    bn = agrum["bif"]
    for nid in model.spec.order:
        theirs, mine = bn.cpt(nid), model.network.get_cpds(nid)
        names = list(theirs.names)
        for combo in itertools.product(*(range(bn.variable(n).domainSize()) for n in names)):
            at = dict(zip(names, combo, strict=True))
            expected = mine.get_value(**{v: mine.state_names[v][at[v]] for v in mine.variables})
            assert theirs[at] == pytest.approx(expected, rel=1e-6, abs=1e-7), (nid, at)


def _assert_same_cpds(network, other, rename=lambda node, state: state):
    """Check two pgmpy networks have the same nodes, parents (in order), states and tables."""
    assert sorted(network.nodes()) == sorted(other.nodes())
    for cpd in network.get_cpds():
        theirs = other.get_cpds(cpd.variable)
        assert list(theirs.variables) == list(cpd.variables), cpd.variable
        for var in cpd.variables:
            assert list(theirs.state_names[var]) == [rename(var, s) for s in cpd.state_names[var]], (cpd.variable, var)
        np.testing.assert_allclose(theirs.get_values(), cpd.get_values(), rtol=0, atol=1e-15, err_msg=cpd.variable)


def test_bif_round_trips_through_pgmpy(model, texts):
    """Check that pgmpy's BIFReader reads back the same structure, state names and CPDs."""
    from pgmpy.readwrite import BIFReader

    _assert_same_cpds(model.network, BIFReader(string=texts["bif"]).get_model())


def test_xmlbif_round_trips_through_pgmpy(model, texts):
    """Check that pgmpy's XMLBIFReader reads back the same structure, state names and CPDs."""
    from pgmpy.readwrite import XMLBIFReader

    _assert_same_cpds(model.network, XMLBIFReader(string=texts["xmlbif"]).get_model())


def test_xdsl_round_trips_through_pgmpy(model, texts):
    """Check that pgmpy's XDSLReader (GeNIe's layout) reads back the CPDs, states renamed to SMILE ids."""
    from pgmpy.readwrite import XDSLReader

    renamed = {nid: dict(zip(node.states, xdsl_state_ids(node.states), strict=True)) for nid, node in model.spec.nodes.items()}
    _assert_same_cpds(model.network, XDSLReader(string=texts["xdsl"]).get_model(), lambda node, state: renamed[node][state])


def test_xdsl_is_shaped_for_genie(model, texts):
    """Check the XDSL: SMILE identifiers, parents before children, table sizes, one GeNIe extension node per node."""
    root = ET.fromstring(texts["xdsl"])
    assert root.tag == "smile" and root.get("id") == model.spec.name
    seen: dict[str, int] = {}
    for cpt in root.find("nodes"):
        nid = cpt.get("id")
        states = [s.get("id") for s in cpt.findall("state")]
        assert _SMILE_ID.match(nid) and all(_SMILE_ID.match(s) for s in states), nid
        parents = (cpt.findtext("parents") or "").split()
        assert parents == list(model.spec.nodes[nid].parents)
        assert all(p in seen for p in parents), f"{nid} comes before one of its parents"
        probabilities = [float(x) for x in cpt.findtext("probabilities").split()]
        assert len(probabilities) == len(states) * math.prod(seen[p] for p in parents)
        rows = np.reshape(probabilities, (-1, len(states)))
        np.testing.assert_allclose(rows.sum(axis=1), 1.0, atol=1e-12)
        seen[nid] = len(states)
    assert set(seen) == set(model.spec.nodes)
    labels = {n.get("id"): n.findtext("name") for n in root.find("extensions/genie")}
    assert labels == {nid: node.label or nid for nid, node in model.spec.nodes.items()}


def test_xdsl_state_ids():
    """Check that states not starting with a letter get an 's' and stay distinct."""
    assert xdsl_state_ids(["yes", "no"]) == ["yes", "no"]
    assert xdsl_state_ids(["1", "s1"]) == ["s1_", "s1"]
    assert xdsl_state_ids(["65_plus", "a-b"]) == ["s65_plus", "a_b"]


def _read_uai(text: str) -> tuple[list[int], list[tuple[list[int], np.ndarray]]]:
    """A UAI BAYES file as (cardinalities, [(scope, table with axes in scope order)]), last scope variable fastest."""
    tokens = text.split()
    assert tokens[0] == "BAYES"
    pos = 1
    n = int(tokens[pos])
    cards = [int(t) for t in tokens[pos + 1 : pos + 1 + n]]
    pos += 1 + n
    n_functions = int(tokens[pos])
    pos += 1
    scopes = []
    for _ in range(n_functions):
        size = int(tokens[pos])
        scopes.append([int(t) for t in tokens[pos + 1 : pos + 1 + size]])
        pos += 1 + size
    functions = []
    for scope in scopes:
        count = int(tokens[pos])
        values = np.array([float(t) for t in tokens[pos + 1 : pos + 1 + count]])
        pos += 1 + count
        table = np.empty([cards[v] for v in scope])
        for i, config in enumerate(itertools.product(*(range(cards[v]) for v in scope))):
            table[config] = values[i]
        functions.append((scope, table))
    assert pos == len(tokens)
    return cards, functions


def test_uai_reader_follows_the_format_documentation():
    """Check the test's UAI reader on the format's documented example: (0,0), (0,1), (1,0), (1,1) order."""
    example = "BAYES\n4\n2 2 2 2\n4\n1 0\n2 0 1\n2 0 2\n3 1 2 3\n\n2\n0.2 0.8\n4\n0.6 0.4 0.3 0.7\n4\n0.25 0.75 0.75 0.25\n8\n1.0 0.0 0.35 0.65 0.8 0.2 0.0 1.0\n"
    _, functions = _read_uai(example)
    scope, table = functions[3]
    assert scope == [1, 2, 3]
    assert table[0, 1].tolist() == [0.35, 0.65]  # P(D | B = 0, C = 1)
    assert table[1, 0].tolist() == [0.8, 0.2]


def test_uai_tables_equal_the_model_tables(model, texts):
    """Check that every UAI function is its node's table: scope = parents then child, values exact."""
    cards, functions = _read_uai(texts["uai"])
    order = list(model.spec.order)
    assert cards == [len(model.spec.nodes[nid].states) for nid in order]
    for nid, (scope, table) in zip(order, functions, strict=True):
        assert [order[v] for v in scope] == [*model.spec.nodes[nid].parents, nid]
        np.testing.assert_array_equal(np.moveaxis(table, -1, 0), model.compiled.tables[nid], err_msg=nid)


def test_uai_numbers_have_no_exponent(texts):
    """Check that UAI numbers are plain decimals (some UAI readers accept nothing else)."""
    assert not re.search(r"\d[eE][-+]?\d", texts["uai"])


def test_export_writes_the_file(model, tmp_path):
    """Check that export(path=...) writes exactly the returned text."""
    path = tmp_path / "net.uai"
    text = export(model, "uai", path)
    assert path.read_text(encoding="utf-8") == text


def test_export_uses_the_population(model):
    """Check that a population preset's priors are what gets exported."""
    preset = crampnet.load(population="pregnancy")
    assert export(preset, "uai") != export(model, "uai")


@pytest.mark.parametrize(("name", "fmt"), [("a.bif", "bif"), ("a.XDSL", "xdsl"), ("a.xml", "xmlbif"), ("a.bifxml", "xmlbif"), ("dir/a.uai", "uai")])
def test_format_for(name, fmt):
    """Check that the suffix names the format."""
    assert format_for(name) == fmt


def test_unknown_format_and_suffix(model):
    """Check the errors for an unknown format (did you mean) and an unknown suffix (lists the suffixes)."""
    with pytest.raises(crampnet.InvalidValueError, match=r"must be one of bif, xmlbif, xdsl, uai\. Got 'xsdl' instead\. Did you mean 'xdsl'\?"):
        export(model, "xsdl")
    with pytest.raises(crampnet.InvalidValueError, match=r"Cannot tell the export format from the file name 'net\.txt'"):
        format_for("net.txt")


DATA_TINY = REPO / "tests" / "data" / "tiny.toml"
TINY_TEXT = DATA_TINY.read_text(encoding="utf-8")
# Python strings. The loader refuses control characters (tests/test_load_mutations.py),
# so the values holding one are put into a loaded network's spec directly: the
# exporters must not rely on the loader for well-formed output.
HOSTILE_TEXT = {
    "name_injecting_a_variable": ("name", "x {\n}\nvariable evil {\n  type discrete [ 2 ] { a, b };\n} -- <!--"),
    "name_with_spaces_and_braces": ("name", "a b { } ; <&>"),
    "name_with_a_control_character": ("name", "a\x01b"),
    "name_with_the_word_probability": ("name", "probability model"),
    "name_with_the_word_variable": ("name", "variable_study"),
    "version": ("version", "1 --> <evil/> -"),
    "version_with_escape_sequences": ("version", "1 \x01 \x1b[2J"),
    "title": ("title", "Tiny \x00 network"),
}


def _model_with(tmp_path: Path, key: str, value: str) -> object:
    """tiny.toml's model with ``key`` (name, version or title) set to ``value``: loaded from a file where the loader takes it."""
    if value.replace("\n", "").isprintable():
        path = tmp_path / "hostile.toml"
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        path.write_text(TINY_TEXT.replace(f'\n{key} = "', f'\n{key} = "{escaped}', 1), encoding="utf-8")
        return crampnet.load(path)
    tiny = crampnet.load(DATA_TINY)
    return SimpleNamespace(spec=dataclasses.replace(tiny.spec, **{key: value}), compiled=tiny.compiled)


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXT))
def test_free_text_cannot_break_or_inject_into_an_export(tmp_path, case):
    """Check that a name, version or title with braces, '--', '-->' or control characters gives exports that read back as the same network.

    The name was written as is after BIF's ``network``, so a name could close
    that block and add a variable; in XDSL a name or version with ``--``
    ended or broke the comment, and a control character made every XML
    export ill-formed.
    """
    from pgmpy.readwrite import BIFReader, XDSLReader, XMLBIFReader

    key, value = HOSTILE_TEXT[case]
    model: Any = _model_with(tmp_path, key, value)
    assert getattr(model.spec, key).startswith(value)
    nodes = set(model.spec.nodes)
    bif, plain = export(model, "bif").split("\n"), export(crampnet.load(DATA_TINY), "bif").split("\n")
    assert re.fullmatch(r"network [A-Za-z][A-Za-z0-9_]* \{", bif[0]) and bif[1:] == plain[1:]  # only the name line differs
    # pgmpy's BIFReader takes 'variable' or 'probability' anywhere, the network's name included, for a block
    _assert_same_cpds(crampnet.load(DATA_TINY).network, BIFReader(string="\n".join(bif)).get_model())  # the tables are tiny's
    assert set(XMLBIFReader(string=export(model, "xmlbif")).get_model().nodes()) == nodes
    xdsl = export(model, "xdsl")
    root = ET.fromstring(xdsl.encode("utf-8"))  # well-formed, the comment closed where crampnet closes it
    assert {cpt.get("id") for cpt in root.iter("cpt")} == nodes
    assert _SMILE_ID.match(root.get("id") or "")
    assert set(XDSLReader(string=xdsl).get_model().nodes()) == nodes


def _tiny_with_drug_named(tmp_path: Path, nid: str) -> Any:
    """tiny.toml's model with its node ``drug`` renamed ``nid`` everywhere."""
    path = tmp_path / f"{nid}.toml"
    path.write_text(re.sub(r'(?<=[."])drug(?=[\]"])', nid, TINY_TEXT), encoding="utf-8")
    model = crampnet.load(path)
    assert nid in model.spec.nodes and "drug" not in model.spec.nodes
    return model


@pytest.mark.parametrize("nid", ["stable1", "unstable2e", "tablee", "default0", "defaulted"])
def test_bif_refuses_a_node_id_pgmpy_misreads_as_a_table_row(tmp_path, nid):
    """Check that a node id with 'table' or 'default' before a digit or 'e' is refused for BIF, naming pgmpy and xmlbif.

    pgmpy's BIFReader finds 'table' plus a number anywhere in a probability
    block, its header's node ids included, so the BIF of such a network
    (written by pgmpy's own BIFWriter) does not read back; XMLBIF does.
    """
    from pgmpy.readwrite import BIFReader, BIFWriter, XMLBIFReader

    model = _tiny_with_drug_named(tmp_path, nid)
    with pytest.raises(ValueError):  # pgmpy's own failure (a ragged or non-numeric row): crampnet refuses for it
        BIFReader(string=str(BIFWriter(model.network))).get_model()
    with pytest.raises(crampnet.InvalidValueError, match=rf"the node id '{nid}' cannot be exported to BIF: pgmpy's BIFReader takes '(table|default)[0-9e]' in it.*export to 'xmlbif'"):
        export(model, "bif")
    _assert_same_cpds(model.network, XMLBIFReader(string=export(model, "xmlbif")).get_model())


@pytest.mark.parametrize("nid", ["stable_1", "table", "default", "tablet", "notable"])
def test_bif_exports_a_node_id_with_table_not_before_a_number(tmp_path, nid):
    """Check that ids holding 'table' or 'default' otherwise export to BIF, and pgmpy reads every table back."""
    from pgmpy.readwrite import BIFReader

    model = _tiny_with_drug_named(tmp_path, nid)
    _assert_same_cpds(model.network, BIFReader(string=export(model, "bif")).get_model())


def test_a_control_character_in_a_label_leaves_the_xdsl_well_formed():
    """Check that a node label with control characters exports to XDSL that an XML parser reads."""
    tiny = crampnet.load(DATA_TINY)
    nodes = {**tiny.spec.nodes, "drug": dataclasses.replace(tiny.spec.nodes["drug"], label="Drug \x07 \x1f")}
    model: Any = SimpleNamespace(spec=dataclasses.replace(tiny.spec, nodes=nodes), compiled=tiny.compiled)
    root = ET.fromstring(export(model, "xdsl").encode("utf-8"))
    (name,) = [node.findtext("name") for node in root.iter("node") if node.get("id") == "drug"]
    assert name is not None and name.startswith("Drug ")
