"""The architecture holds: layers by import-linter, file sizes, lazy heavy imports.

The layers contract lives in pyproject.toml (``[tool.importlinter]``); these
tests run it, check that it still names every layer (a contract emptied by
accident would pass vacuously), and check that it really breaks on an upward
import by running it on a copy of the package with one planted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "crampnet"
LAYERS = ["_files", "network", "inference", "base", "reasoning", "trust", "interop", "display", "explorer", "testing", "model", "_cli_input", "_cli_output", "cli"]

pytest.importorskip("importlinter")


def _lint(config: Path, *, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    script = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True))"
    return subprocess.run([sys.executable, "-c", script, str(config)], capture_output=True, text=True, env=env, cwd=config.parent, timeout=300, check=False)


def _contracts() -> list[dict[str, object]]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        config = tomllib.load(fh)
    return list(config["tool"]["importlinter"]["contracts"])


def test_the_layers_contract_names_every_layer():
    """Check that the contract orders every subpackage and top-level module, top to bottom."""
    (contract,) = [c for c in _contracts() if str(c["name"]).startswith("Layers")]
    assert contract["type"] == "layers"
    flat = [part.strip().removeprefix("crampnet.") for line in contract["layers"] for part in str(line).split("|")]  # type: ignore[attr-defined]
    assert set(LAYERS) <= set(flat), set(LAYERS) - set(flat)
    assert flat.index("cli") < flat.index("model") < flat.index("reasoning") < flat.index("base") < flat.index("inference") < flat.index("network") < flat.index("exceptions")
    # every module and subpackage of crampnet has a place in the contract
    present = {p.stem for p in SRC.glob("*.py") if p.stem not in {"__init__", "__main__"}} | {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    assert present <= set(flat) | {"exceptions"}, present - set(flat)


def test_lint_imports_keeps_the_contracts():
    """Check that lint-imports passes on the package as it is."""
    result = _lint(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


@pytest.mark.parametrize(
    ("module", "planted"),
    [
        ("reasoning/ranking.py", "from crampnet.trust.uncertainty import COVERAGE"),  # upward: reasoning sits below trust
        ("inference/quickscore.py", "from crampnet.base import BaseModel"),  # upward
        ("base.py", "from crampnet.model import Model"),  # the core importing the facade
    ],
)
def test_lint_imports_breaks_on_a_planted_upward_import(tmp_path, module, planted):
    """Check that the contract is live: a lazy import against the layers, planted in a copy, breaks it."""
    copy = tmp_path / "src"
    shutil.copytree(SRC, copy / "crampnet", ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "crampnet" / module
    target.write_text(target.read_text() + f"\n\ndef _planted() -> None:\n    {planted}  # noqa: F401\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = _lint(tmp_path / "pyproject.toml", pythonpath=copy)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout


def test_no_source_file_over_400_lines():
    """Check the size rule: one concern per module, at most 400 lines each."""
    sizes = {str(p.relative_to(SRC)): len(p.read_text().splitlines()) for p in SRC.rglob("*.py")}
    assert sizes, "no source found"
    assert {k: v for k, v in sizes.items() if v > 400} == {}


def test_import_crampnet_stays_light():
    """Check that importing crampnet and computing a posterior imports neither pgmpy nor numba."""
    code = (
        "import sys, crampnet\n"
        "crampnet.load().posteriors({'urge_to_move': True})\n"
        "print(sorted(m for m in ('pgmpy', 'numba', 'crampnet.inference._loops', 'crampnet.interop._pgmpy') if m in sys.modules))\n"
    )
    env = {**os.environ, "CRAMPNET_JIT": "auto"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
