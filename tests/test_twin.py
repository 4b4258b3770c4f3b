"""The shipped network's JSON twin (crampnet.network.twin): fresh, equal to the TOML parse, ignored when stale.

The twin spares the TOML parse on every load of the shipped network (issue
14's cold start); it must never change what is loaded. Expected values come
from :func:`tomllib.loads` of the TOML file, the source of truth.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from pathlib import Path

import pytest

import crampnet
from crampnet import _load as load_module
from crampnet.exceptions import NetworkFileError
from crampnet.network import _budget
from crampnet.network import twin as twin_module
from crampnet.network.loading import shipped_text
from crampnet.network.spec import parse_network
from crampnet.network.twin import FORMAT, make_twin, read_twin, shipped_twin_text

REPO = Path(__file__).resolve().parents[1]
REGENERATE = "the shipped twin is stale or missing: run `python -m crampnet.network.twin` from the repository root and commit networks/leg_cramps.json"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_shipped_twin_is_fresh_and_equals_the_toml_parse():
    """Check that the committed twin was made from the committed TOML and holds exactly tomllib's data."""
    text = (REPO / "networks" / "leg_cramps.toml").read_text(encoding="utf-8")
    twin = (REPO / "networks" / "leg_cramps.json").read_text(encoding="utf-8")
    data = read_twin(_digest(text), twin)
    assert data is not None, REGENERATE
    assert data == tomllib.loads(text), REGENERATE
    # ints stay ints and floats floats (1 and 1.0 compare equal in Python)
    def kinds(obj: object) -> object:
        if isinstance(obj, dict):
            return {k: kinds(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [kinds(v) for v in obj]
        return type(obj).__name__

    assert kinds(data) == kinds(tomllib.loads(text))
    assert shipped_twin_text() == twin


def test_spec_from_the_twin_equals_the_spec_from_toml():
    """Check that parsing with the twin's data gives the same NetworkSpec as parsing the TOML text."""
    text = shipped_text()
    assert parse_network(text, "x", parsed=read_twin(_digest(text))) == parse_network(text, "x")


def test_load_uses_the_twin_for_the_shipped_text_only(monkeypatch, tmp_path):
    """Check that loading the shipped network skips tomllib, and that any other text is parsed with it."""
    calls: list[int] = []
    real = tomllib.loads

    def counting(text: str, **options: object) -> dict[str, object]:
        calls.append(len(text))
        return real(text, **options)

    monkeypatch.setattr(_budget.tomllib, "loads", counting)
    load_module._compile.cache_clear()
    try:
        model = crampnet.load()
        assert calls == []
        assert model.spec == parse_network(shipped_text(), model.spec.path)  # this parse counts one call
        assert len(calls) == 1
        edited = shipped_text().replace('title = "', 'title = "Edited: ', 1)
        assert edited != shipped_text()
        path = tmp_path / "edited.toml"
        path.write_text(edited, encoding="utf-8")
        other = crampnet.load(path)
        assert len(calls) == 2  # a text the twin was not made from goes through tomllib
        assert other.spec.title.startswith("Edited: ")
    finally:
        load_module._compile.cache_clear()


@pytest.mark.parametrize(
    "twin",
    [
        "not json {",
        "[]",
        json.dumps({"format": "something-else/1", "sha256": "{digest}", "data": {}}),
        json.dumps({"format": FORMAT, "sha256": "0" * 64, "data": {}}),
        json.dumps({"format": FORMAT, "sha256": "{digest}", "data": [1, 2]}),
        json.dumps({"format": FORMAT, "sha256": "{digest}"}),
        f'{{"format": "{FORMAT}", "sha256": "{{digest}}", "data": {{"schema": {"[" * 100_000 + "]" * 100_000}}}}}',
    ],
    ids=["malformed", "not-an-object", "other-format", "other-text", "data-not-a-table", "no-data", "nested-too-deeply"],
)
def test_a_stale_or_malformed_twin_is_ignored(twin):
    """Check that read_twin returns None, so that loading parses the TOML, for any twin it cannot trust."""
    text = 'schema = "x"\n'
    assert read_twin(_digest(text), twin.replace("{digest}", _digest(text))) is None


def test_load_parses_the_toml_when_the_shipped_twin_is_nested_too_deeply(monkeypatch):
    """Check that a twin of 100,000 nested lists (json raises RecursionError) is ignored: load parses the TOML and answers."""
    text = shipped_text()
    deep = f'{{"format": "{FORMAT}", "sha256": "{_digest(text)}", "data": {{"nodes": {"[" * 100_000 + "]" * 100_000}}}}}'
    monkeypatch.setattr("crampnet.network.twin.shipped_twin_text", lambda name="leg_cramps.json": deep)
    load_module._compile.cache_clear()
    try:
        model = crampnet.load()
        assert model.spec == parse_network(text, model.spec.path)
    finally:
        load_module._compile.cache_clear()


def test_twin_data_is_validated_like_parsed_toml():
    """Check that data from a twin goes through the format's rules: a broken table is refused with its place named."""
    text = shipped_text()
    data = read_twin(_digest(text))
    assert data is not None
    data["nodes"]["restless_legs_syndrome"]["role"] = "symptom"
    with pytest.raises(NetworkFileError, match="restless_legs_syndrome"):
        parse_network(text, "leg_cramps.toml", parsed=data)


def test_read_twin_returns_a_fresh_copy():
    """Check that consuming the returned data (parse_network pops keys) does not change the next read."""
    text = shipped_text()
    first = read_twin(_digest(text))
    assert first is not None
    first.clear()
    again = read_twin(_digest(text))
    assert again is not None and "nodes" in again


@pytest.mark.parametrize("text", ["when = 1979-05-27T07:32:00Z\n", "x = nan\n", "x = inf\n"], ids=["datetime", "nan", "inf"])
def test_make_twin_refuses_values_json_cannot_carry(text):
    """Check that a TOML value without an exact JSON form gets a clear ValueError, not a lossy twin."""
    with pytest.raises(ValueError, match="JSON cannot carry exactly"):
        make_twin(text)


def test_make_twin_round_trips_numbers_exactly():
    """Check that floats (shortest repr) and large integers come back bit for bit."""
    text = "a = 0.1\nb = 1e-300\nc = 123456789012345678901234567890\nd = -0.0\ne = 0.30000000000000004\n"
    data = read_twin(_digest(text), make_twin(text))
    assert data == tomllib.loads(text)
    assert math.copysign(1.0, data["d"]) == -1.0
    assert type(data["c"]) is int


def test_the_twin_of_a_text_with_a_byte_order_mark_holds_its_data(tmp_path, capsys):
    """Check that ``python -m crampnet.network.twin`` skips a UTF-8 byte-order mark, as loading does (tomllib took it for a statement and raised)."""
    text = "\ufeff" + (REPO / "networks" / "leg_cramps.toml").read_text(encoding="utf-8")
    path = tmp_path / "bom.toml"
    path.write_text(text, encoding="utf-8")
    assert twin_module._main([str(path)]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'bom.json'}\n"
    data = read_twin(_digest(text), (tmp_path / "bom.json").read_text(encoding="utf-8"))  # the digest of the text as loading reads it
    assert data == tomllib.loads(text[1:])
    assert parse_network(text, "bom.toml", parsed=data) == parse_network(text, "bom.toml")
