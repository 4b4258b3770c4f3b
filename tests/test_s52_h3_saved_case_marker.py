"""A saved interview whose "crampnet_case" entry was deleted says to put it back (session 52, h3's CLI fuzzing).

Read as a plain case, it got "Unknown node 'crampnet_version' in the case
file. Run crampnet describe to list the node ids.", which points at node ids,
not at the one line that makes it a saved interview again.
"""

from __future__ import annotations

import json


def test_a_saved_case_without_its_marker_says_to_put_it_back(cli_run, tmp_path):
    """Check that --case on a saved interview with its marker deleted names the marker, and that putting it back resumes it."""
    saved = tmp_path / "saved.json"
    code, _, err = cli_run(["interview", "urge_to_move=yes", "--max-questions", "1", "--save", str(saved)], stdin="skip\n")
    assert code == 0, err
    case = json.loads(saved.read_text(encoding="utf-8"))
    marker = case.pop("crampnet_case")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(case), encoding="utf-8")
    code, out, err = cli_run(["interview", "--case", str(broken)], stdin="")
    assert (code, out) == (2, "")
    assert f'without its "crampnet_case": {marker} entry; put it back as the first key to resume the interview with --case.' in err, err
    broken.write_text(json.dumps({"crampnet_case": marker, **case}), encoding="utf-8")  # the advice followed
    code, _, err = cli_run(["interview", "--case", str(broken), "--max-questions", "2"], stdin="")
    assert code == 0, err
