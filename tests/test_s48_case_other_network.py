"""A case saved on the shipped network, read with ``--network`` naming another, says to leave ``--network`` out (session 48, h2's report).

Before, the error said "resume it with --network naming that network's
file", and the shipped network has no file a user would name.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from crampnet.cli import main

TINY = Path(__file__).parent / "data" / "tiny.toml"


def _run(args: list[str], stdin: str = "") -> tuple[int, str]:
    err = io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), io.StringIO(), err
    try:
        code = main(args)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return code, err.getvalue()


def test_a_case_of_the_shipped_network_says_to_leave_network_out(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    assert _run(["interview", "--max-questions", "1", "--save", str(case)], "skip\n")[0] == 0
    code, err = _run(["diagnose", "--network", str(TINY), "--case", str(case)])
    assert code == 2
    assert "the case was saved with the network 'leg_cramps', not 'tiny'; leave --network out: it is the network shipped with crampnet." in err
    other = json.loads(case.read_text(encoding="utf-8"))
    other["network"]["digest"] = "0" * 64  # another file of a network named leg_cramps
    case.write_text(json.dumps(other), encoding="utf-8")
    code, err = _run(["diagnose", "--network", str(TINY), "--case", str(case)])
    assert code == 2
    assert "not 'tiny'; resume it with --network naming that network's file." in err
