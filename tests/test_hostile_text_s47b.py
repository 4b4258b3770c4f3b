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
