"""A case file holding its evidence under "evidence" without the saved-case marker says how to give it.

Before session 50, `crampnet diagnose --case record.json` on the output of `diagnose --json` (or a saved interview
whose "crampnet_case" key was lost) said only "Unknown node 'evidence' in the case file" (h2's report).
"""

from __future__ import annotations

import json

import pytest

HINT = 'holds its evidence under "evidence"'


@pytest.mark.parametrize(
    "document",
    [
        {"evidence": {"urge_to_move": "yes"}},
        {"evidence": {"urge_to_move": "yes"}, "skipped": [], "questions_asked": 1},
    ],
)
def test_evidence_under_a_key_without_the_marker_gets_the_way_to_give_it(cli_run, tmp_path, document):
    """Check that the error explains the wrapped evidence and that the object alone, as advised, is read."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = cli_run(["diagnose", "--case", str(path)])
    assert code == 2
    assert "Unknown node 'evidence'" in err and HINT in err
    alone = tmp_path / "alone.json"
    alone.write_text(json.dumps(document["evidence"]), encoding="utf-8")
    code, out, _ = cli_run(["diagnose", "--case", str(alone)])
    assert code == 0 and "urge_to_move=yes" in out


def test_a_diagnose_json_record_gets_the_hint(cli_run, tmp_path):
    """Check the record `diagnose --json` writes, given back as a case."""
    code, out, _ = cli_run(["diagnose", "urge_to_move=yes", "--json"])
    assert code == 0
    path = tmp_path / "record.json"
    path.write_text(out, encoding="utf-8")
    code, _, err = cli_run(["diagnose", "--case", str(path)])
    assert code == 2 and HINT in err


def test_an_evidence_key_that_is_not_an_object_gets_no_such_hint(cli_run, tmp_path):
    """Check that a plain case with a stray non-object 'evidence' key is told only that the node is unknown."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"urge_to_move": "yes", "evidence": 3}), encoding="utf-8")
    code, _, err = cli_run(["diagnose", "--case", str(path)])
    assert code == 2 and "Unknown node 'evidence'" in err and HINT not in err
