"""The architecture holds: layers by import-linter, file sizes, lazy heavy imports.

The layers contract lives in pyproject.toml (``[tool.importlinter]``); these
tests run it, check that it still names every layer (a contract emptied by
accident would pass vacuously), and check that it really breaks on an upward
import by running it on a copy of the package with one planted.
"""

from __future__ import annotations

import ast
import importlib
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


def _run_time_imports(root: Path) -> dict[str, set[str]]:
    """Each module's imports of crampnet modules that run (module level or inside functions; not under TYPE_CHECKING)."""
    modules = {".".join(p.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__"): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        stack: list[ast.AST] = [ast.parse(path.read_text())]
        while stack:
            node = stack.pop()
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                    stack.extend(child.orelse)
                    continue
                if isinstance(child, ast.ImportFrom) and child.module and child.module.split(".")[0] == "crampnet":
                    targets |= {f"{child.module}.{a.name}" if f"{child.module}.{a.name}" in modules else child.module for a in child.names}
                elif isinstance(child, ast.Import):
                    targets |= {a.name for a in child.names if a.name.split(".")[0] == "crampnet"}
                stack.append(child)
        graph[name] = targets - {name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (package facades ``crampnet`` and its ``__init__`` re-exports aside), or []."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(v: str) -> list[str]:
        state[v] = 1
        path.append(v)
        for w in sorted(graph.get(v, ())):
            if w == "crampnet":  # the facade: _case_file imports it lazily, by design, for crampnet.load
                continue
            if state.get(w) == 1:
                return [*path[path.index(w) :], w]
            if w not in state and (found := visit(w)):
                return found
        state[v] = 2
        path.pop()
        return []

    for v in sorted(graph):
        if v not in state and (found := visit(v)):
            return found
    return []


def test_no_import_cycle_at_run_time():
    """Check that no module imports, at run time, one that imports it back (a lazy import inside a function counts).

    import-linter's layers contract orders the layers; inside one layer this
    keeps modules acyclic too (session 40 moved ``unique_masks`` to
    ``inference._arrays``, ending ``_routing`` <-> ``_quickscore_path``).
    """
    assert _cycle(_run_time_imports(SRC)) == []


def test_the_cycle_check_finds_a_planted_cycle(tmp_path):
    """Check that the cycle check is live: a lazy import planted back into a copy is found."""
    copy = tmp_path / "crampnet"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "inference" / "_arrays.py"
    target.write_text(target.read_text() + "\n\ndef _planted() -> None:\n    from crampnet.inference import _routing  # noqa: F401\n")
    found = _cycle(_run_time_imports(copy))
    assert "crampnet.inference._arrays" in found and "crampnet.inference._routing" in found, found


def _crampnet_imports_outside(package: str) -> set[str]:
    """The crampnet modules (``crampnet.X``) that the files of ``crampnet.<package>`` import from outside it, lazy imports included."""
    found: set[str] = set()
    for path in (SRC / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found |= {".".join(n.split(".")[:2]) for n in names if n.startswith("crampnet.") and not n.startswith(f"crampnet.{package}")}
    return found


def test_network_docstring_names_every_crampnet_module_it_imports():
    """Check "it imports nothing of crampnet but ..." in crampnet.network's docstring against its imports (it named exceptions only; it reads files through crampnet._files)."""
    import crampnet.network

    doc = " ".join((crampnet.network.__doc__ or "").split())
    claim = doc.split("it imports nothing of crampnet but ", 1)[1].split(". ", 1)[0]
    imported = _crampnet_imports_outside("network")
    assert "crampnet.exceptions" in imported
    for module in imported:
        assert f":mod:`{module}`" in claim, module


@pytest.mark.parametrize(
    "package",
    [
        "reasoning",
        "interop",
        "trust",
    ],
)
def test_subpackage_docstring_names_no_layer_it_imports(package):
    """Check "it does not import the A or B layers" in a subpackage's docstring against the imports of its files."""
    module = importlib.import_module(f"crampnet.{package}")
    doc = " ".join((module.__doc__ or "").split())
    claim = doc.split("it does not import the ", 1)[1].split(" layers", 1)[0]
    denied = {f"crampnet.{name}" for name in claim.split(" or ")}
    assert len(denied) == 2, claim
    assert not denied & _crampnet_imports_outside(package)
