"""The docstrings of the network and inference layers' public functions are complete numpydoc.

``tests/test_numpydoc.py`` checks what a user reaches from ``import crampnet``;
this file checks the layers below it, which the rest of crampnet (and anyone
building on the engine) calls: every function, and every public method of
every class, that the ``__all__`` of a public module of ``crampnet.network``
or ``crampnet.inference`` lists and that the module defines. A name a public
module re-exports from a private module of the same package (a module split
by concern, its public import path kept) is checked too, at the path where it
is defined, so that a split does not take it out of the check.

Examples are not required here (no EX01): where there are some, they run in
``tests/test_docstrings.py``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from numpydoc.validate import validate

#: The packages whose public modules are walked.
PACKAGES = ("crampnet.network", "crampnet.inference")

#: What a docstring must not lack (numpydoc's codes): a parameter
#: undocumented or documented but absent, one without a description, a missing or
#: empty Returns or Yields, a See Also entry not capitalised, no docstring.
CODES = {"PR01", "PR02", "PR07", "RT01", "RT03", "YD01", "SA03", "GL08"}


def _public_modules() -> list[str]:
    """The public modules (no leading underscore) of :data:`PACKAGES`, by import path."""
    names = []
    for package in PACKAGES:
        path = importlib.import_module(package).__path__
        names += [f"{package}.{info.name}" for info in pkgutil.iter_modules(path) if not info.name.startswith("_")]
    return sorted(names)


def _checked_here(obj: object, module: str) -> bool:
    """Whether ``obj``, listed in ``module.__all__``, is checked: defined there, or in a private module of its package."""
    home = getattr(obj, "__module__", None)
    if home == module:
        return True
    package = module.rsplit(".", 1)[0]
    return isinstance(home, str) and home.startswith(f"{package}._")


def _methods(cls: type) -> list[str]:
    """The import paths of the public methods ``cls`` defines (not inherited ones, not properties)."""
    names = []
    for name, member in vars(cls).items():
        if name.startswith("_") or isinstance(member, property | type):
            continue
        if inspect.isfunction(member) or isinstance(member, classmethod | staticmethod):
            names.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    return names


def core_callables() -> list[str]:
    """Every function and method of the public modules of :data:`PACKAGES` that their ``__all__`` lists, by import path."""
    names: set[str] = set()
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        listed = [getattr(module, name) for name in getattr(module, "__all__", ())]
        checked = [obj for obj in listed if _checked_here(obj, module_name)]
        names.update(f"{f.__module__}.{f.__qualname__}" for f in checked if inspect.isfunction(f))
        for cls in filter(inspect.isclass, checked):
            names.update(_methods(cls))
    return sorted(names)


def problems(name: str) -> list[str]:
    """numpydoc's complaints about ``name`` among :data:`CODES`, as ``CODE: message``."""
    return [f"{code}: {message}" for code, message in validate(name)["errors"] if code in CODES]


def test_the_layers_are_found():
    """Check that the walk reaches functions and methods of both packages (so the parametrized test is not empty)."""
    modules = _public_modules()
    for module in ("crampnet.network.batch", "crampnet.network.evidence", "crampnet.inference.compiled", "crampnet.inference.engine"):
        assert module in modules, module
    found = core_callables()
    for name in (
        "crampnet.network.evidence.normalise",
        "crampnet.network.cpd.build_tables",
        "crampnet.network.records.NetworkSpec.node",
        "crampnet.inference.compiled.CompiledNetwork.run",
        "crampnet.inference.engine.JunctionTree.marginals",
        "crampnet.inference.quickscore.decompose",
    ):
        assert name in found, name
    assert not any(name.rsplit(".", 1)[1].startswith("_") for name in found), found
    assert len(found) >= 50, found


@pytest.mark.parametrize("name", core_callables())
def test_core_docstring_is_complete(name):
    """Check one function or method: every parameter (with its description) and the return value or yields documented."""
    missing = problems(name)
    assert not missing, f"{name}: " + "; ".join(missing)


#: A module planted to show the check failing: one docstring complete, two not.
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
    """Check that the validator catches what the test is for: an undocumented parameter, one without a description, no Returns, no Yields."""
    (tmp_path / "planted_core_docstrings.py").write_text(PLANTED)
    monkeypatch.syspath_prepend(str(tmp_path))
    expected = {"counted": set(), "uncounted": {"YD01"}, "added": {"PR01", "PR07", "RT01"}}
    found = {name: {p.split(":")[0] for p in problems(f"planted_core_docstrings.{name}")} for name in expected}
    assert found == expected
