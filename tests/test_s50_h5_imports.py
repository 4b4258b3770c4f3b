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

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: Modules ``diagnose --example`` never calls: imported only on the paths that use them.
LAZY = (
    "numpy.ma",
    "crampnet.inference._coalitions",
    "crampnet.inference._nestterms",
    "crampnet.inference._pool",
    "concurrent.futures",
    "logging",
    "random",
)

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



# Each path that needs a lazily imported module, run in a fresh process:
# the module is then imported (and the path gives a sane answer).
USES = {
    "crampnet.inference._coalitions": (
        "why = crampnet.load().diagnose({'urge_to_move': True, 'ferritin': 30}).explain('restless_legs_syndrome')\n"
        "assert 'Shapley' in str(why) and 'urge_to_move' in str(why)\n"
    ),
    "crampnet.inference._nestterms": (
        "post = crampnet.load().compiled.posterior_matrix({'exertional_pain_relieved_by_rest': np.array([1.0, 0.0]), 'relief_by_standing_still': np.array([1.0, 0.0])})\n"
        "assert post.shape[0] == 1 and ((post >= 0) & (post <= 1)).all()\n"
    ),
    "random": (
        "from crampnet.inference._cliques import CliqueTree, Factor\n"
        "tree = CliqueTree([2, 2], [Factor((0,), np.array([0.3, 0.7])), Factor((1, 0), np.array([[0.9, 0.2], [0.1, 0.8]]))], heuristic='search')\n"
        "assert sorted(map(sorted, tree.cliques)) == [[0, 1]], tree.cliques\n"
    ),
    "crampnet.inference._pool": (
        "from crampnet.inference import _kerneltree\n"
        "seen = []\n"
        "_kerneltree._split(6, lambda a, b: seen.append((a, b)), False)\n"
        "assert seen == [(0, 6)], seen\n"
    ),
}


@pytest.mark.parametrize("module", sorted(USES))
def test_the_paths_that_need_a_lazy_module_import_it(module):
    """Check that each path needing a lazily imported module imports it and runs, in a fresh process."""
    code = f"import sys\nimport numpy as np\nimport crampnet\nassert {module!r} not in sys.modules\n{USES[module]}print({module!r} in sys.modules)\n"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "True"
