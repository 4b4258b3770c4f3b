"""Every module of crampnet, private ones included, documents what its ``__all__`` lists in full numpydoc.

``tests/test_numpydoc.py`` checks what a user reaches from ``import crampnet``,
examples included. This file checks every function, and every public method
of every class, that a module of crampnet lists in ``__all__`` and defines
itself, public modules and private ones alike (the private ones are what the
next engineer reads to change the engine, the command line or the clinical
rules); a name a module re-exports is checked where it is defined. The codes
are numpydoc's: each parameter documented with a description, a described
Returns or Yields, a capitalised See Also, a docstring at all. Examples are not
required here; where there are some they run in ``tests/test_docstrings.py``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from numpydoc.validate import validate

import crampnet

#: What a docstring must not lack (numpydoc's codes).
CODES = {"PR01", "PR02", "PR07", "RT01", "RT03", "YD01", "SA03", "GL08"}


def _modules() -> list[str]:
    """Every module of crampnet by import path (``crampnet.__main__`` aside: importing it runs the command)."""
    found = [info.name for info in pkgutil.walk_packages(crampnet.__path__, prefix="crampnet.") if info.name != "crampnet.__main__"]
    return sorted(["crampnet", *found])


def listed_callables() -> list[str]:
    """The functions and public methods each module lists in ``__all__`` and defines, by import path."""
    names: set[str] = set()
    for module_name in _modules():
        module = importlib.import_module(module_name)
        for attribute in getattr(module, "__all__", ()):
            obj = getattr(module, attribute)
            if getattr(obj, "__module__", None) != module_name:
                continue  # a re-export: checked in the module that defines it
            if inspect.isfunction(obj):
                names.add(f"{module_name}.{obj.__qualname__}")
            elif inspect.isclass(obj):
                for name, member in vars(obj).items():
                    if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, classmethod | staticmethod)):
                        names.add(f"{module_name}.{obj.__qualname__}.{name}")
    return sorted(names)


def problems(name: str) -> list[str]:
    """numpydoc's complaints about ``name`` among :data:`CODES`, as ``CODE: message``."""
    return [f"{code}: {message}" for code, message in validate(name)["errors"] if code in CODES]


def test_the_walk_reaches_private_modules():
    """Check that the walk finds functions of private modules in every layer (so the parametrization covers them)."""
    found = listed_callables()
    for module in ("crampnet._cli_output.", "crampnet.reasoning._decision.", "crampnet.trust._learning.", "crampnet.network._reader.", "crampnet.inference._kerneltree."):
        assert any(name.startswith(module) for name in found), module
    # public ones, and helpers the API pages list from a private home (html.percent, trust.evaluate.auroc)
    for name in ("crampnet.display.layout", "crampnet.reasoning._differential.percent", "crampnet.testing.check_all", "crampnet.trust._metrics.auroc", "crampnet.inference.compiled.CompiledNetwork.evaluate", "crampnet.network.evidence.normalise"):
        assert name in found, name
    assert len(found) >= 350, len(found)


@pytest.mark.parametrize("name", listed_callables())
def test_docstring_is_complete(name):
    """Check one function or method: each parameter documented, the return value described."""
    assert problems(name) == []


PLANTED = '''
def counted(n: int):
    """Count up to ``n``.

    Parameters
    ----------
    n : int
        Where to stop (not included).

    Yields
    ------
    int
        0, 1, ..., ``n - 1``.
    """
    yield from range(n)


def uncounted(n: int):
    """Count up to ``n``, with no Yields section.

    Parameters
    ----------
    n : int
        Where to stop.
    """
    yield from range(n)


def added(x: int, y: int) -> int:
    """Add two numbers: ``y`` undocumented, ``x`` not described, no Returns.

    Parameters
    ----------
    x : int
    """
    return x + y
'''


def test_the_check_fails_on_an_incomplete_docstring(tmp_path, monkeypatch):
    """Check that the check catches an undocumented parameter, one without a description, no Returns, no Yields."""
    (tmp_path / "planted_module_docstrings.py").write_text(PLANTED)
    monkeypatch.syspath_prepend(str(tmp_path))
    expected = {"counted": set(), "uncounted": {"YD01"}, "added": {"PR01", "PR07", "RT01"}}
    found = {name: {p.split(":")[0] for p in problems(f"planted_module_docstrings.{name}")} for name in expected}
    assert found == expected
