"""Every docstring example of every crampnet module runs and shows the output it claims."""

from __future__ import annotations

import doctest
import functools
import importlib
import pkgutil

import pytest

import crampnet

# Running crampnet.__main__ would run the command line, so it is not imported.
MODULES = sorted(
    [crampnet.__name__]
    + [info.name for info in pkgutil.walk_packages(crampnet.__path__, prefix="crampnet.") if info.name != "crampnet.__main__"]
)
MUST_HAVE_EXAMPLES = {"crampnet.model", "crampnet.network.spec", "crampnet.network.evidence", "crampnet.inference.engine"}
# Modules whose examples do not load the shipped network.
SELF_CONTAINED = {"crampnet.inference.engine", "crampnet.network.spec"}


def test_public_modules_are_found():
    """Check that module discovery finds the public modules (so the parametrized test is not empty)."""
    assert MUST_HAVE_EXAMPLES <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(request, name):
    """Check that the module's doctests pass (ELLIPSIS, NORMALIZE_WHITESPACE)."""
    if name not in SELF_CONTAINED:
        request.getfixturevalue("model")  # skips while the shipped network does not exist
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name} (see the captured stdout)"
    if name in MUST_HAVE_EXAMPLES:
        assert result.attempted > 0, f"{name} has no examples"
    failed = _cached_property_examples(module)
    assert not failed, f"examples failed in the cached properties {', '.join(failed)} (see the captured stdout)"


def _cached_property_examples(module: object) -> list[str]:
    """Run the examples of the module's cached properties, which doctest's finder skips; the names of those that fail."""
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failed = []
    for cls in vars(module).values():
        if not isinstance(cls, type) or cls.__module__ != getattr(module, "__name__", None):
            continue
        for attr, value in vars(cls).items():
            if isinstance(value, functools.cached_property) and value.__doc__:
                name = f"{cls.__module__}.{cls.__qualname__}.{attr}"
                for test in finder.find(value.__doc__, name, module=False, globs={}):
                    if runner.run(test).failed:
                        failed.append(name)
    return failed
