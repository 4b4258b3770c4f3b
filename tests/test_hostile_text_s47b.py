"""Network files with invisible or misleading characters, tomllib messages and file names, made harmless (session 47, helper h6b).

Each test starts from ``tests/data/tiny.toml`` (or a tiny TOML text),
changes one thing, and checks the loader's answer: an error naming the
place and the character, a message of bounded size, or a file name printed
escaped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import crampnet
from crampnet.network.spec import parse_network

DATA = Path(__file__).parent / "data"
TINY_TEXT = (DATA / "tiny.toml").read_text(encoding="utf-8")


def _replace(old: str, new: str, text: str = TINY_TEXT) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# Bidirectional marks and invisible format characters: printed, they reorder
# the text around them or are not seen at all, so two labels or keys that
# differ look the same ("Trojan Source"). TOML escapes (\uXXXX) put them in.
INVISIBLE = ["200E", "200F", "061C", "200B", "FEFF", "2060", "2063", "E0041"]
PLACES = {
    "title": ('title = "Tiny test network"', 'title = "Tiny {} test network"', "title"),
    "description": ('description = "Everyone 65 or older."', 'description = "Everyone {}65 or older."', r"populations\.older_adults\.description"),
    "citation": ('citation = "Test fixture:', 'citation = "Test{} fixture:', r"sources\.made_up\.citation"),
    "source_key": ("[sources.made_up]", '[sources."made{}_up"]', "sources"),
    "alias": ('aliases = ["age"]', 'aliases = ["a{}ge"]', r"nodes\.age_group\.aliases\[0\]"),
}


@pytest.mark.parametrize("code", INVISIBLE)
@pytest.mark.parametrize("place", sorted(PLACES))
def test_an_invisible_format_character_is_refused(tmp_path, place, code):
    """Check that a bidirectional mark or zero-width character is refused wherever it is, naming the place and the code point."""
    old, new, where = PLACES[place]
    escape = f"\\U{int(code, 16):08X}"
    path = tmp_path / "tiny.toml"
    path.write_text(_replace(old, new.format(escape)), encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match=rf"^{re.escape(str(path))}: {where}: a control character \(U\+{code}\)") as info:
        crampnet.load(path)
    assert chr(int(code, 16)) not in str(info.value)  # quoted escaped, never printed


@pytest.mark.parametrize("key", ["drug\\u200d", "drug\\u00ad", "dr\\u200cug"])
def test_a_key_holds_no_format_character_at_all(tmp_path, key):
    """Check that a joiner or soft hyphen, which free text may hold, is refused in a key, where it would only make two ids look alike."""
    path = tmp_path / "tiny.toml"
    path.write_text(_replace("[nodes.drug]", f'[nodes."{key}"]'), encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match=r": nodes: a control character \(U\+(200D|00AD|200C)\) in the key") as info:
        crampnet.load(path)
    assert not any(c in str(info.value) for c in "\u200d\u00ad\u200c")


def test_right_to_left_script_and_joiners_load_in_free_text(tmp_path):
    """Check that Arabic and Hebrew letters, a Persian zero-width non-joiner and an emoji joiner still load in a title and a description."""
    title = "Tiny \u0645\u0631\u0636 \u05d1\u05d3\u05d9\u05e7\u05d4 \u0645\u06cc\u200c\u0634\u0648\u062f \U0001f469\u200d\U0001f52c"
    path = tmp_path / "tiny.toml"
    text = _replace('title = "Tiny test network"', f'title = "{title}"')
    path.write_text(_replace('description = "Everyone 65 or older."', 'description = "Every\u00adone 65 or older."', text), encoding="utf-8")
    spec = crampnet.load(path).spec
    assert spec.title == title


KEY = "k" * 100_000
LONG_KEYS = {
    "inline_table": ('x = {"' + KEY + '" = 1, "' + KEY + '" = 2}', r"Duplicate inline table key 'kkkk", "line 1, column"),
    "table_twice": ("[" + KEY + "]\n[" + KEY + "]\n", r"Cannot declare \('kkkk", "line 2, column 1"),
}


@pytest.mark.parametrize("case", sorted(LONG_KEYS))
def test_a_toml_error_quotes_a_long_key_shortened(case):
    """Check that tomllib's message about a key of 100,000 characters is cut, keeping the problem and the line."""
    text, start, end = LONG_KEYS[case]
    with pytest.raises(crampnet.NetworkFileError) as info:
        parse_network(text, "t.toml")
    message = str(info.value)
    assert len(message) < 400, len(message)
    assert re.match(rf"t\.toml: not valid TOML \({start}", message)
    assert end in message


# A file name holding a terminal's "clear screen" and a newline: every
# message naming the network file must print it escaped, on one line.
HOSTILE_NAME = "bad\x1b[2J\nname.toml"
HOSTILE_SHOWN = "bad\\x1b[2J\\nname.toml"


def _hostile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / HOSTILE_NAME
    path.write_text(text, encoding="utf-8")
    return path


def _clean(message: str, path: Path) -> None:
    assert "\x1b" not in message and "\n" not in message, message
    assert f"{path.parent}/{HOSTILE_SHOWN}" in message, message


def test_a_table_entry_below_the_float_range_names_the_file_escaped(tmp_path):
    """Check that the refusal of a table entry below 2.23e-308 names the file, escaped, as every other error about the file does."""
    mixture = (
        '\n[nodes.under]\nrole = "finding"\nstates = ["a", "b"]\n[nodes.under.cpd]\nmodel = "mixture"\n'
        'leak = { weight = 1e200, probabilities = { a = 1.0, b = 0.0 }, source = "made_up" }\n'
        'links = [{ parent = "plm", state = "present", weight = 1e-200, probabilities = { a = 0.0, b = 1.0 }, source = "made_up" }]\n'
    )
    path = _hostile(tmp_path, TINY_TEXT + mixture)
    with pytest.raises(crampnet.NetworkFileError, match=r"nodes\.under\.cpd: the weights make P\(under = b") as info:
        crampnet.load(path)
    assert str(info.value).startswith(f"{path.parent}/{HOSTILE_SHOWN}: nodes.under.cpd: ")
    assert info.value.path == str(path)  # the name as given, for a program to reload


def test_pgmpy_rejecting_the_network_names_the_file_escaped(tmp_path):
    """Check that pgmpy's refusal of a table (a column not summing to 1) names the file escaped."""
    from crampnet.interop._pgmpy import to_pgmpy

    model = crampnet.load(_hostile(tmp_path, TINY_TEXT))
    tables = {nid: table.copy() for nid, table in model.compiled.tables.items()}
    tables["drug"] = tables["drug"] * 0.5
    with pytest.raises(crampnet.NetworkFileError, match="pgmpy rejected the network") as info:
        to_pgmpy(model.spec, tables)
    _clean(str(info.value), Path(info.value.path))


def test_a_bif_export_refused_for_a_node_id_names_the_file_escaped(tmp_path):
    """Check that the BIF export's refusal of an id pgmpy misreads ('stable1') names the file escaped."""
    from crampnet.interop.export import export

    model = crampnet.load(_hostile(tmp_path, TINY_TEXT.replace("drug", "stable1")))
    with pytest.raises(crampnet.InvalidValueError, match="the node id 'stable1' cannot be exported to BIF") as info:
        export(model, "bif")
    _clean(str(info.value), tmp_path / HOSTILE_NAME)


def test_a_must_not_miss_condition_without_a_rule_cites_the_file_escaped(tmp_path):
    """Check that the red flag and the must-not-miss row of a condition the library has no rule for cite the network file escaped."""
    from crampnet.reasoning.mustnotmiss import must_not_miss_rows
    from crampnet.reasoning.redflags import red_flags

    path = _hostile(tmp_path, _replace('[nodes.plm]\nrole = "condition"', '[nodes.plm]\nrole = "condition"\nmust_not_miss = true'))
    model = crampnet.load(path)
    posteriors = model.diagnose({}).posteriors
    flags = [f for f in red_flags(model, {}, posteriors, threshold=1e-9) if f.condition == "plm"]
    assert flags, "plm is flagged at a threshold of 1e-9"
    _clean(flags[0].source, path)
    (row,) = [r for r in must_not_miss_rows(model, posteriors, flags, threshold=1e-9) if r[0] == "plm"]
    _clean(row[-1], path)
