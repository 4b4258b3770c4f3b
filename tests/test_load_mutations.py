"""Mutations of a network file that the loader accepted silently or reported badly.

Each test starts from ``tests/data/tiny.toml``, changes one thing, and
checks that loading raises a :class:`~crampnet.exceptions.NetworkFileError`
naming the file, the place and the problem (or, where the file is fine,
that it loads).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import crampnet

DATA = Path(__file__).parent / "data"
TINY_TEXT = (DATA / "tiny.toml").read_text(encoding="utf-8")


def _replace(old: str, new: str, text: str = TINY_TEXT) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _refused(tmp_path: Path, text: str, pattern: str) -> str:
    path = tmp_path / "mutated.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match=pattern) as info:
        crampnet.load(path)
    assert str(info.value).startswith(f"{path}: ")
    return str(info.value)


# Each id or state below ends in a newline (TOML "\n"): "$" in a regular
# expression matches before a final newline, so they passed for lower snake case.
NEWLINE_NAMES = {
    "node_id": (
        _replace('parent = "drug", state = "yes", value = 2.0', 'parent = "drug\\n", state = "yes", value = 2.0', _replace('parent = "drug", state = "yes", value = 0.2', 'parent = "drug\\n", state = "yes", value = 0.2', _replace("[nodes.drug]", '[nodes."drug\\n"]'))),
        r"nodes\.drug\n: a node id must be lower snake case",
    ),
    "state": (_replace('states = ["low", "normal"]', 'states = ["low", "normal\\n"]'), r"nodes\.ferritin: a state must be lower snake case of at most 64 characters, got 'normal\\n'"),
    "source_key": (TINY_TEXT.replace("[sources.made_up]", '[sources."made_up\\n"]').replace('"made_up"', '"made_up\\n"'), r"sources\.made_up\n: a source key must be lower snake case"),
    "population": (_replace("[populations.older_adults]", '[populations."older_adults\\n"]'), r"populations\.older_adults\n: a population name must be lower snake case"),
    "alias": (_replace('aliases = ["age"]', 'aliases = ["age\\n"]'), r"nodes\.age_group: an alias must be lower snake case of at most 64 characters, got 'age\\n'"),
}


@pytest.mark.parametrize("case", sorted(NEWLINE_NAMES))
def test_a_name_ending_in_a_newline_is_refused(tmp_path, case):
    """Check that an id, state, source key, preset or alias ending in a newline is not taken for lower snake case.

    Such an id loaded, and its export broke: BIF put the newline inside
    ``variable drug\\n {``, which pgmpy's reader then failed on.
    """
    text, pattern = NEWLINE_NAMES[case]
    _refused(tmp_path, text, pattern)


@pytest.mark.parametrize("node", ["urge", "drug"])
def test_must_not_miss_on_a_finding_or_context_is_refused(tmp_path, node):
    """Check that must_not_miss on a node that is no condition is an error: it used to load and be ignored."""
    header = f"[nodes.{node}]\nrole = "
    text = _replace(header, f"[nodes.{node}]\nmust_not_miss = true\nrole = ")
    _refused(tmp_path, text, rf"nodes\.{node}: must_not_miss is for conditions only")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('[nodes.drug]\nrole = "context"', '[nodes.drug]\nrole = "context"\npositive = "yes"\nnegative = "yes"'),
        ('[nodes.drug]\nrole = "context"', '[nodes.drug]\nrole = "context"\npositive = "no"'),  # negative defaults to "no"
    ],
)
def test_positive_and_negative_naming_one_state_are_refused(tmp_path, old, new):
    """Check that true and false cannot mean the same state of a node (both loaded, making True evidence equal False)."""
    _refused(tmp_path, _replace(old, new), r"nodes\.drug: positive and negative are both '(yes|no)'")


@pytest.mark.parametrize(
    ("aliases", "pattern"),
    [
        ('["drug"]', r"nodes\.age_group\.aliases: 'drug' is the id of a node"),
        ('["age", "age"]', r"nodes\.age_group\.aliases: 'age' is given twice"),
    ],
)
def test_an_alias_must_name_one_node(tmp_path, aliases, pattern):
    """Check that an alias that is another node's id, or repeated, is refused: the id silently won."""
    _refused(tmp_path, _replace('aliases = ["age"]', f"aliases = {aliases}"), pattern)


def test_an_alias_of_two_nodes_is_refused(tmp_path):
    """Check that two nodes cannot share an alias (evidence on it went to whichever came first)."""
    text = _replace('[nodes.drug]\nrole = "context"', '[nodes.drug]\naliases = ["age"]\nrole = "context"')
    _refused(tmp_path, text, r"nodes\.drug\.aliases: 'age' is given also for age_group")


@pytest.mark.parametrize("fmt", ["bif", "xmlbif", "xdsl"])
def test_an_export_given_to_load_says_what_load_reads(tmp_path, fmt):
    """Check that loading a file crampnet exported says that only the TOML format is read (it said 'not valid TOML (Invalid statement ...)')."""
    from crampnet.interop.export import export

    path = tmp_path / f"tiny.{fmt}"
    export(crampnet.load(DATA / "tiny.toml"), fmt, path)
    with pytest.raises(crampnet.NetworkFileError) as info:
        crampnet.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert f"A .{fmt} file is" in message
    assert "reads networks only in its own TOML format" in message


def test_the_json_twin_given_to_load_says_what_load_reads(tmp_path):
    """Check that a JSON file (the shipped network's twin) is refused with the same pointer to the TOML format."""
    from crampnet.network.twin import make_twin

    path = tmp_path / "tiny.json"
    path.write_text(make_twin(TINY_TEXT), encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match=r"not valid TOML .*A \.json file is JSON, but crampnet reads networks only in its own TOML format"):
        crampnet.load(path)


def test_a_network_file_with_a_byte_order_mark_loads(tmp_path):
    """Check that a network saved as UTF-8 with a byte-order mark (Windows editors) loads as without it, as a case file does.

    It was refused as 'not valid TOML (Invalid statement (at line 1, column 1))'.
    """
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + TINY_TEXT.encode("utf-8"))
    assert crampnet.load(path).spec.nodes.keys() == crampnet.load(DATA / "tiny.toml").spec.nodes.keys()


CONTROL_TEXT = {
    "label_with_escape_sequences": (_replace('[nodes.rls]\nrole = "condition"', '[nodes.rls]\nlabel = "RLS \\u001b]0;title\\u0007 \\u001b[2J"\nrole = "condition"'), r"nodes\.rls\.label: a control character \(U\+001B\) in 'RLS \\x1b"),
    "title_with_nul": (_replace('title = "Tiny test network"', 'title = "Tiny \\u0000"'), r"title: a control character \(U\+0000\)"),
    "note_with_c1_csi": (_replace('reason = "test" }', 'reason = "test", note = "a\\u009b2J" }'), r"nodes\.drug\.prior\.note: a control character \(U\+009B\)"),
    "key_with_escape": (_replace("[nodes.drug]", '[nodes."drug\\u001b[2J"]'), r"nodes: a control character \(U\+001B\) in the key 'drug\\x1b\[2J'"),
    # Unicode's bidirectional overrides reorder what a terminal shows (a "Trojan Source" label), and its line and
    # paragraph separators end lines for str.splitlines and some terminals: text of these kinds holds none either.
    "label_with_right_to_left_override": (_replace('[nodes.rls]\nrole = "condition"', '[nodes.rls]\nlabel = "RLS \\u202eSDR"\nrole = "condition"'), r"nodes\.rls\.label: a control character \(U\+202E\)"),
    "title_with_isolate": (_replace('title = "Tiny test network"', 'title = "Tiny \\u2066x\\u2069"'), r"title: a control character \(U\+2066\)"),
    "note_with_line_separator": (_replace('reason = "test" }', 'reason = "test", note = "a\\u2028b" }'), r"nodes\.drug\.prior\.note: a control character \(U\+2028\)"),
}


@pytest.mark.parametrize("case", sorted(CONTROL_TEXT))
def test_control_characters_are_refused(tmp_path, case):
    """Check that a control character anywhere in the file is refused, quoted escaped in the message.

    A label with an escape sequence loaded, and ``crampnet describe``
    printed it raw: the network file drove the user's terminal.
    """
    text, pattern = CONTROL_TEXT[case]
    message = _refused(tmp_path, text, pattern)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in message)


def test_tabs_and_newlines_are_text(tmp_path):
    """Check that a tab, a newline and a carriage return in a description still load."""
    path = tmp_path / "text.toml"
    path.write_text(_replace('[nodes.rls]\nrole = "condition"', '[nodes.rls]\ndescription = "one\\ttwo\\r\\nthree"\nrole = "condition"'), encoding="utf-8")
    assert crampnet.load(path).spec.nodes["rls"].description == "one\ttwo\r\nthree"


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        ("valid = [0, 5000]", "valid = [100, 5000]", r"nodes\.ferritin\.bands\[0\]: bound 50 is not inside valid = \[100, 5000\]"),
        ("valid = [0, 120]", "valid = [0, 65]", r"nodes\.age_group\.bands\[1\]: bound 65 is not inside valid = \[0, 65\]"),
        ("valid = [0, 120]", "valid = [40, 120]", r"nodes\.age_group\.bands\[0\]: bound 40 is not inside valid = \[40, 120\]"),
    ],
)
def test_a_band_no_number_can_reach_is_refused(tmp_path, old, new, pattern):
    """Check that a band bound outside the plausible range is refused: a number could never select that band (or the next)."""
    _refused(tmp_path, _replace(old, new), pattern)


def test_valid_without_bands_is_refused(tmp_path):
    """Check that 'valid' on a node without bands, which no number ever used, is refused."""
    text = _replace('[nodes.drug]\nrole = "context"', '[nodes.drug]\nvalid = [0, 10]\nrole = "context"')
    _refused(tmp_path, text, r"nodes\.drug: 'valid' is the range of the numbers a node with bands takes; this node has no bands")


def test_a_preset_named_adults_is_refused(tmp_path):
    """Check that a preset cannot take the name of the file's own priors: it was listed by populations() but never used by load()."""
    text = _replace("[populations.older_adults]", "[populations.adults]")
    _refused(tmp_path, text, r"populations\.adults: 'adults' names the file's own priors; a preset needs another name")


def _chained_presets(count: int, *, closed: bool) -> str:
    """tiny.toml with presets p0 extends p1 ... extends p<count>, which extends p0 if ``closed``."""
    chain = "".join(f'\n[populations.p{i}]\nextends = "p{i + 1}"\n' for i in range(count))
    return TINY_TEXT + chain + f"\n[populations.p{count}]\n" + ('extends = "p0"\n' if closed else "")


def test_a_long_chain_of_presets_loads(tmp_path):
    """Check that 255 presets each extending the next load, with tiny.toml's own the limit of 256 (their resolution recursed, and raised RecursionError at 3,000)."""
    path = tmp_path / "chain.toml"
    path.write_text(_chained_presets(254, closed=False), encoding="utf-8")
    model = crampnet.load(path, population="p0")
    assert model.population == "p0" and len(model.spec.populations) == 256


def test_more_presets_than_the_limit_are_refused(tmp_path):
    """Check that a file with 257 presets is refused by count, before they are resolved.

    Each preset holds its own copy of the priors it inherits: a 1 MiB file of 20,000 chained presets over 1,000
    context nodes took 1.5 GiB to list (helper h2's measurement, session 43), over FORMAT.md's 1 GiB.
    """
    _refused(tmp_path, _chained_presets(255, closed=False), r"populations: 257 presets, more than the 256 a file may have")


def test_a_long_cycle_of_presets_is_named_briefly(tmp_path):
    """Check that a cycle of 251 presets is a NetworkFileError whose message shows the cycle cut short."""
    message = _refused(tmp_path, _chained_presets(250, closed=True), r"populations\.p250\.extends: the presets extend each other in a cycle: p0 -> p1 -> p2 -> \.\.\. -> p249 -> p250 -> p0")
    assert len(message) < 500


@pytest.mark.parametrize("closed", [False, True], ids=["chain", "cycle"])
def test_a_long_chain_of_presets_resolves(closed):
    """Check that _extend resolves 20,000 presets each extending the next, or names their cycle.

    Each step searched the chain met as a list, 15-25 s here (helper h2, session 43); a file can no longer hold so
    many (MAX_POPULATIONS), so this checks the resolution alone, untimed (speed is for benchmarks): it now takes
    about 0.05 s, and a quadratic one would show as a slow test.
    """
    from crampnet.network._reader import Reader
    from crampnet.network.spec import Population, _extend

    count = 20_000
    presets = {f"p{i}": Population(f"p{i}", f"p{i}", "", {}, f"p{i + 1}" if i < count or closed else None) for i in range(count + 1)}
    if closed:
        presets[f"p{count}"] = Population(f"p{count}", "last", "", {}, "p0")
    if closed:
        with pytest.raises(crampnet.NetworkFileError, match=r"a cycle: p0 -> p1 -> p2 -> \.\.\. -> p19999 -> p20000 -> p0"):
            _extend(presets, Reader("chain.toml"))
    else:
        assert _extend(presets, Reader("chain.toml"))["p0"].extends == "p1"


def _implication_tree(levels: int, fan: int = 2, chain: int = 0) -> str:
    """A network of findings implying findings: a tree of ``levels`` below its root, each finding implied by ``fan`` (or a chain of ``chain``).

    Links shrink by level, so every implying finding's link is within the one it implies and the file is valid but for its size.
    """
    head = '''schema = "crampnet-network/1"
name = "implications"
version = "1"
[nodes.ctx]
role = "context"
states = ["yes", "no"]
prior = { probabilities = { yes = 0.5, no = 0.5 }, source = "judgment", reason = "t" }
[nodes.c]
role = "condition"
states = ["present", "absent"]
cpd = { model = "noisy_or", leak = { value = 0.1, source = "judgment", reason = "t" }, links = [{ parent = "ctx", state = "yes", value = 0.5, source = "judgment", reason = "t" }] }
'''
    if chain:
        parent = {i: i + 1 for i in range(chain - 1)}
        level = {i: chain - 1 - i for i in range(chain)}
    else:
        count = (fan ** (levels + 1) - 1) // (fan - 1)
        parent = {i: (i - 1) // fan for i in range(1, count)}
        level = {0: 0}
        for i in range(1, count):
            level[i] = level[parent[i]] + 1
    body = []
    for i, lev in level.items():
        implies = f'entails = {{ f{parent[i]} = "yes" }}\n' if i in parent else ""
        value, leak = 0.9 * 0.9 ** lev if chain else 0.9 * 0.3 ** lev, 0.01 * 0.9 ** lev if chain else 0.01 * 0.3 ** lev
        body.append(f'[nodes.f{i}]\nrole = "finding"\nstates = ["yes", "no"]\n{implies}cpd = {{ model = "noisy_or", leak = {{ value = {leak!r}, source = "judgment", reason = "t" }}, links = [{{ parent = "c", state = "present", value = {value!r}, source = "judgment", reason = "t" }}] }}\n')
    return head + "".join(body)


def test_implications_that_would_expand_a_case_into_millions_of_rows_are_refused(tmp_path):
    """Check that a tree of entails is refused when one case would expand into more than MAX_ENTAILS_ROWS signed rows.

    A finding implied by others has one more term than the product of theirs, so a binary tree of five levels expands a
    case into 458,330 rows: it loaded, and one query ran for minutes. Four levels (677 rows) still load and answer.
    """
    from crampnet.network._entails_file import MAX_ENTAILS_ROWS

    assert MAX_ENTAILS_ROWS == 4096
    _refused(tmp_path, _implication_tree(5), r"nodes: the entails would expand one case into more than 4096 signed rows")
    path = tmp_path / "four.toml"
    path.write_text(_implication_tree(4), encoding="utf-8")
    model = crampnet.load(path)
    evidence = {"f0": "yes", **{f"f{i}": "no" for i in range(15, 31)}}
    assert 0.0 < model.posteriors(evidence)["c"] < 1.0


def test_a_chain_of_entails_longer_than_the_limit_is_refused(tmp_path):
    """Check that a chain of more than MAX_ENTAILS_DEPTH findings is refused at load; one at the limit answers a query.

    A chain of 995 findings loaded, and a query with its two ends observed raised RecursionError in the engine.
    """
    from crampnet.network._entails_file import MAX_ENTAILS_DEPTH

    _refused(tmp_path, _implication_tree(0, chain=MAX_ENTAILS_DEPTH + 1), rf"nodes\.f0\.entails: a chain of entails of more than {MAX_ENTAILS_DEPTH} findings starts here")
    path = tmp_path / "chain.toml"
    path.write_text(_implication_tree(0, chain=MAX_ENTAILS_DEPTH), encoding="utf-8")
    model = crampnet.load(path)
    post = model.posteriors({"f0": "no", f"f{MAX_ENTAILS_DEPTH - 1}": "yes"})["c"]
    assert 0.0 < post < 1.0


# Each text below is shown to readers; blank, it showed as an empty cell in the
# report and the HTML (``node.label or nid`` takes "  " for a label).
BLANK_TEXTS = {
    "node_label": (_replace('[nodes.drug]\nrole = "context"', '[nodes.drug]\nrole = "context"\nlabel = "  "'), r"nodes\.drug: 'label' must not be blank"),
    "node_description": (_replace('[nodes.drug]\nrole = "context"', '[nodes.drug]\nrole = "context"\ndescription = "\\t\\n"'), r"nodes\.drug: 'description' must not be blank"),
    "unit": (_replace('unit = "years"', 'unit = " "'), r"nodes\.age_group: 'unit' must not be blank"),
    "preset_label": (_replace('label = "Older adults"', 'label = " "'), r"populations\.older_adults: 'label' must not be blank"),
    "preset_description": (_replace('description = "Everyone 65 or older."', 'description = ""'), r"populations\.older_adults: 'description' must not be blank"),
    "citation": (_replace('citation = "Test fixture: numbers chosen to exercise the code, not from any study."', 'citation = "   "'), r"sources\.made_up: 'citation' must not be blank"),
    "title": (_replace('title = "Tiny test network"', 'title = " "'), r"top level: 'title' must not be blank"),
    "note": (_replace('reason = "deterministic on purpose: lets tests build impossible evidence" }', 'reason = "deterministic on purpose: lets tests build impossible evidence", note = " " }'), r"nodes\.jerks\.cpd\.leak: 'note' must not be blank"),
    "reason": (_replace('source = "made_up" }\n\n[nodes.drug]', 'source = "made_up", reason = " " }\n\n[nodes.drug]'), r"nodes\.age_group\.prior: 'reason' must not be blank"),
}


@pytest.mark.parametrize("case", sorted(BLANK_TEXTS))
def test_a_blank_display_text_is_refused(tmp_path, case):
    """Check that a label, description, unit, citation, title, note or reason that is empty or only whitespace is refused, naming the place.

    Blank, it loaded and showed as an empty cell; left out, the default
    (the id for a label, nothing for a description) is used instead.
    """
    text, pattern = BLANK_TEXTS[case]
    _refused(tmp_path, text, pattern)


# One name of each kind in tiny.toml (the lookarounds keep "age" from
# matching inside "age_group").
LONG_NAMES = {
    "node_id": ("drug", r"nodes\.d+\.\.\.d+: a node id"),
    "state": ("diminished", r"nodes\.pulses: a state"),
    "source_key": ("made_up", r"sources\.m+\.\.\.m+: a source key"),
    "population": ("older_adults", r"populations\.o+\.\.\.o+: a population name"),
    "alias": ("age", r"nodes\.age_group: an alias"),
}


def _renamed(old: str, new: str, count: int = 0) -> str:
    text = re.sub(rf"(?<![a-z0-9_]){old}(?![a-z0-9_])", new, TINY_TEXT, count=count)
    assert text != TINY_TEXT
    return text


@pytest.mark.parametrize("case", sorted(LONG_NAMES))
def test_a_name_longer_than_64_characters_is_refused_with_its_length(tmp_path, case):
    """Check that ids, states, source keys, presets and aliases are at most 64 characters (FORMAT.md's limits).

    A name of 500,000 characters loaded, and messages, exports and displays
    quoted it whole. The long name is given where it is defined (its first
    occurrence), which the loader reads before any reference to it.
    """
    old, place = LONG_NAMES[case]
    path = tmp_path / "named.toml"
    path.write_text(_renamed(old, old[0] * 64), encoding="utf-8")
    assert crampnet.load(path).spec.name == "tiny"  # 64 characters load
    message = _refused(tmp_path, _renamed(old, old[0] * 500_000, count=1), place)
    assert re.search(r" must be lower snake case of at most 64 characters, got '([a-z])\1+\.\.\.\1+' \(500,000 characters\)$", message), message
    assert len(message) < 600 + len(str(tmp_path))


def test_a_logistic_with_a_prevalence_and_no_odds_ratios_is_a_root_of_that_prevalence(tmp_path):
    """Check that a logistic condition with no odds ratios and a prevalence of 0.5 has P(present) = 0.5, in the model and its draws.

    With no parent the prevalence is the baseline; solving for the baseline
    over no context nodes raised numpy's "must provide at least an operand
    ... to einsum" from load and from posterior_intervals.
    """
    from crampnet.trust.uncertainty import posterior_intervals

    cramps = TINY_TEXT[TINY_TEXT.index("odds_ratios = [") : TINY_TEXT.index("[nodes.rls]")]
    path = tmp_path / "root.toml"
    path.write_text(_replace(cramps, "odds_ratios = []\n\n"), encoding="utf-8")
    model = crampnet.load(path)
    assert model.spec.nodes["cramps"].parents == ()
    assert float(model.posteriors({})["cramps"]) == pytest.approx(0.5, abs=1e-12)
    intervals = posterior_intervals(model, {}, draws=20)
    assert float(intervals.loc["cramps", "probability"]) == pytest.approx(0.5, abs=1e-12)
