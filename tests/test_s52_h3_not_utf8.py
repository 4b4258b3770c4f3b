"""A case or network file that is not UTF-8 says to save it as UTF-8 (session 52, h3's CLI fuzzing).

A case file saved by a Windows editor in its 'ANSI' encoding (``"30 µg/L"``
written in Latin-1) got ``not UTF-8 text (line 1: 'utf-8' codec can't decode
byte 0xb5 ...)``: the place, not what to do; a cohort CSV and a UTF-16 file
were already told to save the file as UTF-8.
"""

from __future__ import annotations

import pytest

import crampnet


def test_a_latin1_case_file_is_told_to_be_saved_as_utf8(cli_run, tmp_path):
    """Check that the error names the file and line, and says to save the file as UTF-8; no traceback, exit 2."""
    path = tmp_path / "case.json"
    path.write_bytes('{"urge_to_move": "yes",\n "ferritin": "30 µg/L"}'.encode("latin-1"))
    code, out, err = cli_run(["diagnose", "--case", str(path)])
    assert code == 2 and out == ""
    assert err.startswith(f"crampnet: error: {path}: not UTF-8 text (line 2: "), err
    assert "save it as UTF-8" in err, err


def test_a_latin1_network_file_is_told_to_be_saved_as_utf8(tmp_path):
    """Check that crampnet.load of a network file in Latin-1 says the same."""
    path = tmp_path / "net.toml"
    path.write_bytes("# réseau\n".encode("latin-1"))
    with pytest.raises(crampnet.NetworkFileError) as caught:
        crampnet.load(path)
    assert "not UTF-8 text (line 1: " in str(caught.value) and "save it as UTF-8" in str(caught.value)


def test_a_utf16_case_file_is_told_once(cli_run, tmp_path):
    """Check that a UTF-16 file keeps its own sentence, and the advice is given once."""
    path = tmp_path / "case.json"
    path.write_bytes('{"urge_to_move": "yes"}'.encode("utf-16"))
    _, _, err = cli_run(["diagnose", "--case", str(path)])
    assert "UTF-16 byte-order mark" in err and err.count("save it as UTF-8") == 1, err
