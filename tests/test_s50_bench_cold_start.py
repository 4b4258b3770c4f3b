"""benchmarks/bench_inference.py's cold start times crampnet as an installed package runs: with its bytecode written.

pip byte-compiles what it installs (pgmpy, and crampnet on ``pip install .``), but the development machine sets
PYTHONDONTWRITEBYTECODE, so before session 50 every timed process compiled crampnet's source tree anew (about 0.25 s
of CPU, h1's measurement) and pgmpy's not at all: the ratio to ``import pgmpy.models`` compared unlike things.
"""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_inference.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_inference", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cold_start_writes_bytecode_first_and_times_runs_that_may_read_it(monkeypatch):
    """Check that every run's environment lets Python write and read bytecode, and that one untimed run comes first."""
    bench = _bench()
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("CRAMPNET_JIT", "0")
    runs: list[dict[str, str]] = []

    def fake_run(argv, **kwargs):
        runs.append(kwargs["env"])
        return subprocess.CompletedProcess(argv, 0, b"", b"")

    monkeypatch.setattr(bench.subprocess, "run", fake_run)
    assert bench.cold_start("pass", repeat=3) >= 0.0
    assert len(runs) == 4  # one untimed, three timed
    assert all("PYTHONDONTWRITEBYTECODE" not in env and "CRAMPNET_JIT" not in env for env in runs)
