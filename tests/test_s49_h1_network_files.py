"""Network files of another format under another name, and empty ones, are refused saying what they are.

Each test failed before its fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import crampnet
from crampnet.interop.export import export
from crampnet.network.twin import make_twin

DATA = Path(__file__).parent / "data"
TINY_TEXT = (DATA / "tiny.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("fmt", "kind"), [("bif", "BIF"), ("xmlbif", "XMLBIF"), ("xdsl", "XDSL (GeNIe)"), ("uai", "UAI")])
def test_an_export_saved_as_toml_says_which_format_it_is(tmp_path, fmt, kind):
    """Check that an export saved under a .toml name is refused as that format, not only as 'not valid TOML (Invalid statement ...)'."""
    path = tmp_path / "network.toml"
    path.write_text(export(crampnet.load(DATA / "tiny.toml"), fmt), encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError) as info:
        crampnet.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: not valid TOML")
    assert f"It begins like {kind}, but crampnet reads networks only in its own TOML format" in message


def test_the_json_twin_saved_as_text_says_it_is_json(tmp_path):
    """Check that the JSON twin saved under a .txt name is refused as JSON."""
    path = tmp_path / "network.txt"
    path.write_text(make_twin(TINY_TEXT), encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError, match=r"not valid TOML .*It begins like JSON, but crampnet reads networks only in its own TOML format"):
        crampnet.load(path)


@pytest.mark.parametrize(("data", "word"), [(b"", "empty"), (b"\xef\xbb\xbf", "empty"), (b"  \n\r\n\t", "blank")])
def test_an_empty_network_file_is_called_empty(tmp_path, data, word):
    """Check that an empty or blank network file is called so (it said "top level: missing required key 'schema'")."""
    path = tmp_path / "empty.toml"
    path.write_bytes(data)
    with pytest.raises(crampnet.NetworkFileError) as info:
        crampnet.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: The file is {word}: a network file is TOML that begins with schema = \"crampnet-network/1\"")
    assert "missing required key" not in message


def test_a_toml_mistake_gets_no_format_sentence(tmp_path):
    """Check that a TOML file with a mistake in it is refused as before, with no sentence about another format."""
    path = tmp_path / "broken.toml"
    path.write_text(TINY_TEXT.replace('title = "Tiny test network"', 'title = "Tiny test network'), encoding="utf-8")
    with pytest.raises(crampnet.NetworkFileError) as info:
        crampnet.load(path)
    assert "not valid TOML" in str(info.value)
    assert "begins like" not in str(info.value)
