"""A --case file with a JSON mistake says what to type instead (session 52, h3's CLI fuzzing).

A case file edited by hand with a trailing comma, single or typographic
quotes, a word without quotes, a second object or a missing brace got only
the parser's words and place (``not JSON: Extra data: line 1 column 25 (char
24)``), which says where but not what to write instead.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("content", "advice"),
    [
        ('{"urge_to_move": "yes",}', "remove the comma after the last entry"),
        ("{'urge_to_move': 'yes'}", 'double quotes ("urge_to_move"), not single ones'),
        ("{\u201curge_to_move\u201d: \u201cyes\u201d}", "plain double quotes"),
        ("{urge_to_move: true}", "put the node id in double quotes"),
        ('{"urge_to_move": yes}', 'put a state in double quotes ("yes")'),
        ('{"urge_to_move": "yes"} {"ferritin": 30}', "one object holds the whole case"),
        ('{"urge_to_move": "yes"', "end the object with }"),
        ('{"urge_to_move": "yes" "ferritin": 30}', "a comma between entries"),
        ('{"urge_to_move" = "yes"}', "a colon between a node id and its value"),
    ],
)
def test_a_json_mistake_says_what_to_write_instead(cli_run, tmp_path, content, advice):
    """Check that each common hand-editing mistake is named with its fix, after the parser's place, and exits 2."""
    path = tmp_path / "case.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = cli_run(["diagnose", "--case", str(path)])
    assert code == 2 and out == ""
    assert err.startswith(f"crampnet: error: {path}: not JSON: "), err
    assert "line 1 column" in err  # the place is kept
    assert advice in err, err
    assert "Traceback" not in err


def test_a_json_mistake_with_no_known_cause_still_says_what_a_case_file_is(cli_run, tmp_path):
    """Check that a mistake without a named cause (a number with a leading zero) still says what a case file holds."""
    path = tmp_path / "case.json"
    path.write_text('{"ferritin": 030}', encoding="utf-8")
    code, _, err = cli_run(["diagnose", "--case", str(path)])
    assert code == 2
    assert 'a case file is JSON: an object of node ids to values, e.g. {"urge_to_move": true' in err, err
