"""A case saved on the shipped network, read with ``--network`` naming another, says to leave ``--network`` out (session 48, h2's report).

Before, the error said "resume it with --network naming that network's
file", and the shipped network has no file a user would name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

TINY = Path(__file__).parent / "data" / "tiny.toml"


def test_a_case_of_the_shipped_network_says_to_leave_network_out(tmp_path: Path, cli_run: Callable[..., tuple[int, str, str]]) -> None:
    case = tmp_path / "case.json"
    assert cli_run(["interview", "--max-questions", "1", "--save", str(case)], "skip\n")[0] == 0
    code, _, err = cli_run(["diagnose", "--network", str(TINY), "--case", str(case)])
    assert code == 2
    assert "the case was saved with the network 'leg_cramps', not 'tiny'; leave --network out: it is the network shipped with crampnet." in err
    other = json.loads(case.read_text(encoding="utf-8"))
    other["network"]["digest"] = "0" * 64  # another file of a network named leg_cramps
    case.write_text(json.dumps(other), encoding="utf-8")
    code, _, err = cli_run(["diagnose", "--network", str(TINY), "--case", str(case)])
    assert code == 2
    assert "not 'tiny'; resume it with --network naming that network's file." in err
