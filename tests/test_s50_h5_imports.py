"""What a fresh ``crampnet diagnose --example`` imports: no module that the diagnosis never calls.

Timing tests would be flaky on a shared machine; these list the modules a
fresh process holds after the command (as ``python -m crampnet`` runs it),
so each fails when an eager import comes back, and check that the paths
which do need a lazily imported module still import and run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

#: Modules ``diagnose --example`` never calls: imported only on the paths that use them.
LAZY = ("numpy.ma",)

# Runs the command line as ``python -m crampnet`` does (its output thrown
# away), then prints which of the named modules the process imported.
RUNNER = (
    "import contextlib, io, json, runpy, sys\n"
    "names = json.loads(sys.argv[1])\n"
    "sys.argv = ['crampnet', *sys.argv[2:]]\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    try:\n"
    "        runpy.run_module('crampnet', run_name='__main__', alter_sys=True)\n"
    "    except SystemExit as stop:\n"
    "        assert not stop.code, stop.code\n"
    "print(json.dumps(sorted(m for m in names if m in sys.modules)))\n"
)


def _imported(*argv: str, names: tuple[str, ...] = LAZY) -> list[str]:
    """The modules of ``names`` a fresh ``crampnet`` process running ``argv`` has imported."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", RUNNER, json.dumps(list(names)), *argv], capture_output=True, text=True, env=env, timeout=300, check=True)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_diagnose_example_imports_none_of_the_lazy_modules():
    """Check that ``crampnet diagnose --example`` (text and JSON) leaves numpy.ma and the lazy modules unimported."""
    assert _imported("diagnose", "--example") == []
    assert _imported("diagnose", "--example", "--json") == []


def test_the_runner_sees_an_import():
    """Check the detector itself: a module the command does import is reported."""
    assert _imported("diagnose", "--example", names=("crampnet.inference.compiled", "numpy")) == ["crampnet.inference.compiled", "numpy"]

