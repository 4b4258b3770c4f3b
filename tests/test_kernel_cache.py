"""The compiled kernel's on-disk cache (crampnet.inference._kernel): compiled once, loaded after.

Two fresh processes share a temporary ``NUMBA_CACHE_DIR``: the first
compiles the kernel and writes numba's cache, the second loads it. numba's
own counters (each dispatcher's ``stats.cache_hits`` and
``stats.cache_misses``) say which happened, so nothing here depends on
timing. The two processes are run once for the whole module (about one
compile and one load: 15-60 s on a 2-core machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crampnet.inference import _kernel, _loops, _quickloops

pytest.importorskip("numba")

TOL = 1e-9

# Prints, as JSON: the posteriors of a fixed set of cases, compiled and in
# numpy (float64 bytes as hex), every loop's cache hits and misses, where the
# cache is, and what a small call did (it must neither load nor compile).
SCRIPT = """
import json, os, sys
import numpy as np
import crampnet
from crampnet.inference import _kernel

model = crampnet.load()
small = model.posteriors({"urge_to_move": "yes"})
small_loaded = _kernel._state["loops"] is not None or "numba" in sys.modules
rng = np.random.default_rng(3)
frame = model.simulate(40, seed=3)[[*model.context, *model.findings]].astype(object)
frame = frame.where(rng.random(frame.shape) < 0.5, None)
os.environ["CRAMPNET_JIT"] = "always"
kernel = model.posteriors(frame).to_numpy()
os.environ["CRAMPNET_JIT"] = "never"
numpy = model.posteriors(frame).to_numpy()
loops = _kernel._state["loops"]
print(json.dumps({
    "kernel": kernel.tobytes().hex(),
    "numpy": numpy.tobytes().hex(),
    "shape": list(kernel.shape),
    "hits": {name: sum(d.stats.cache_hits.values()) for name, d in loops.items()},
    "misses": {name: sum(d.stats.cache_misses.values()) for name, d in loops.items()},
    "signatures": {name: len(loops[name].signatures) for name in ("marginals", "quickscore")},
    "cache": str(_kernel._state["cache"]),
    "small_loaded": small_loaded,
}))
"""


def _run(cache: Path) -> tuple[dict, str]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "CRAMPNET_JIT": "auto"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=900, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1]), out.stderr


@pytest.fixture(scope="module")
def two_processes(tmp_path_factory):
    """The first and second process's reports, and their stderr, on one fresh cache directory."""
    cache = tmp_path_factory.mktemp("numba_cache")
    first = _run(cache)
    second = _run(cache)
    return cache, first, second


def _posteriors(report: dict, key: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(report[key]), dtype=np.float64).reshape(report["shape"])


def test_first_process_compiles_into_numba_cache_dir(two_processes):
    """Check that the first process compiles every driver, says so on stderr once, and writes the cache where NUMBA_CACHE_DIR says."""
    cache, (first, stderr), _ = two_processes
    assert first["misses"]["marginals"] == first["misses"]["quickscore"] == 1
    assert stderr.count("compiling the inference kernel") == 1, stderr
    assert Path(first["cache"]).parent == cache
    written = {p.name.split("-")[0] for p in Path(first["cache"]).glob("*.nbi")}
    assert {"_loops.marginals", "_loops.quickscore", "_loops.block_pass", "_quickloops.count"} <= written
    assert len(list(Path(first["cache"]).glob("crampnet-kernel-*.stamp"))) == 1


def test_second_process_loads_without_compiling(two_processes):
    """Check that the second process loads both drivers from the cache, compiles no loop, and prints nothing."""
    _, _, (second, stderr) = two_processes
    assert second["hits"]["marginals"] == second["hits"]["quickscore"] == 1
    assert sum(second["misses"].values()) == 0, second["misses"]
    # One signature per driver: the warm-up's arguments have the types of every real call.
    assert second["signatures"] == {"marginals": 1, "quickscore": 1}
    assert "compiling" not in stderr, stderr


def test_loaded_kernel_gives_bitwise_the_same_answers(two_processes):
    """Check that the loaded kernel's posteriors equal the compiling process's bit for bit, and numpy's to 1e-9."""
    _, (first, _), (second, _) = two_processes
    assert second["kernel"] == first["kernel"]
    kernel, numpy = _posteriors(second, "kernel"), _posteriors(second, "numpy")
    assert np.isfinite(kernel).all()
    assert np.abs(kernel - numpy).max() <= TOL


def test_a_small_call_neither_loads_nor_compiles(two_processes):
    """Check that one small query under auto stays in numpy, without importing numba, cache or not."""
    _, (first, _), (second, _) = two_processes
    assert not first["small_loaded"]
    assert not second["small_loaded"]


def test_loops_compiled_from_other_sources_are_dropped(tmp_path):
    """Check that a cache without the stamp of these sources loses the loops' files (a driver has the other module's loops compiled in)."""
    stale = [tmp_path / "_loops.quickscore-263.py311.nbi", tmp_path / "_quickloops.count-22.py311.1.nbc", tmp_path / "crampnet-kernel-0000-0000.stamp"]
    other = tmp_path / "engine.cpython-311.pyc"
    for path in [*stale, other]:
        path.write_bytes(b"")
    stamp = _kernel._refresh(tmp_path, (_quickloops, _loops), "0.0")
    assert not any(p.exists() for p in stale)
    assert other.exists()
    assert stamp.parent == tmp_path and stamp.name.startswith("crampnet-kernel-")
    # With the stamp of these sources in place, nothing is dropped.
    stamp.write_text("")
    stale[0].write_bytes(b"")
    assert _kernel._refresh(tmp_path, (_quickloops, _loops), "0.0") == stamp
    assert stale[0].exists()
