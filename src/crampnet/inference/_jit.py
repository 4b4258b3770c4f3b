"""How :mod:`crampnet.inference._kernel` compiles the loops' modules and keeps numba's on-disk cache of them consistent.

:func:`_jit_modules` rebuilds every loop over globals in which the loops
it calls are compiled too; :func:`_refresh` names the stamp of a cache
built from these sources and drops the cache files of any other.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

__all__: list[str] = []


def _jit_modules(modules: Sequence[ModuleType], jit: Callable[[Any], Any]) -> dict[str, Any]:
    """Every function defined in ``modules``, compiled by ``jit``, calling the others' compiled versions.

    The loops call each other by name (globals of their module, or imported
    from an earlier one), so each is rebuilt from its code over a copy of
    its module's globals in which those names are the compiled loops. numba
    caches a function under its file, name, line and bytecode, which the
    rebuilt function keeps (a closure's cache key would also hold its
    cells, compiled loops that pickle differently in every process).
    """
    compiled: dict[FunctionType, Any] = {}
    by_name: dict[str, Any] = {}
    for module in modules:
        space = dict(vars(module))
        own = {name: f for name, f in space.items() if isinstance(f, FunctionType) and f.__module__ == module.__name__}
        for name, f in own.items():
            compiled[f] = by_name[name] = jit(FunctionType(f.__code__, space, name, f.__defaults__))
        space.update({name: compiled[f] for name, f in vars(module).items() if isinstance(f, FunctionType) and f in compiled})
    return by_name


def _refresh(cache: Path, modules: Sequence[ModuleType], version: str) -> Path:
    """The stamp saying the kernel is in ``cache``; first, drop what was compiled from other sources.

    numba checks a cached function against its own file only, but a driver
    has the loops it calls compiled in, some from the other module: so a
    stamp named after both files' contents (and numba's version and the
    CPU) is written beside the cache once the drivers are compiled, and
    where no stamp of these sources is found the loops' cache files are
    deleted, to be compiled afresh.
    """
    binding = importlib.import_module("llvmlite.binding")  # numba's; it has no type stubs
    sources = hashlib.sha256(b"".join(Path(str(m.__file__)).read_bytes() for m in modules)).hexdigest()[:16]
    machine = hashlib.sha256(f"{version} {binding.get_host_cpu_name()}".encode()).hexdigest()[:16]
    if not any(cache.glob(f"crampnet-kernel-{sources}-*.stamp")):
        stale = [cache.glob(f"{Path(str(m.__file__)).stem}.*.nb[ic]") for m in modules]
        for path in itertools.chain(cache.glob("crampnet-kernel-*.stamp"), *stale):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
    return cache / f"crampnet-kernel-{sources}-{machine}.stamp"
