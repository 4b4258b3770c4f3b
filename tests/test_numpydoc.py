"""The public API's docstrings are complete numpydoc: every parameter, the return value, an example.

``numpydoc.validate`` (the validator numpydoc's own ``numpydoc lint`` runs) is
applied to every function and method a user reaches from ``import crampnet``:
the functions of ``crampnet.__all__`` and the methods of its classes, those
inherited from crampnet's own base classes included (``Model.diagnose`` is
defined on ``crampnet._clinical.ClinicalMethods``). Properties and the classes
themselves are left out: a property has no parameters, and each class is made
by a function (``load``, ``diagnose``, ``evaluate``) and documents its fields
under "Attributes" instead of its constructor's parameters.

The helpers the API pages document (``docs/api/*.rst``: the functions and
classes in the ``__all__`` of each module shown with ``.. automodule::``, such
as ``crampnet.reasoning.html.percent`` or ``crampnet.testing.check_all``) are
held to the same codes but for the example (EX01): every parameter and the
return value documented, an example welcome but not required.

The examples themselves run in ``tests/test_docstrings.py``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import textwrap
from pathlib import Path

import pytest
from numpydoc.validate import validate

import crampnet

#: What every public callable's docstring must not lack (numpydoc's codes):
#: a parameter undocumented or documented but absent, one without a type, a
#: missing or empty Returns or Yields, a See Also entry not capitalised, no
#: docstring at all, no Examples section.
CODES = {"PR01", "PR02", "PR07", "RT01", "RT03", "YD01", "SA03", "GL08", "EX01"}
#: What the docstring of a helper the API pages document must not lack: the same but the example.
DOCUMENTED_CODES = CODES - {"EX01"}

API_PAGES = Path(__file__).resolve().parents[1] / "docs" / "api"


def _methods(cls: type) -> list[str]:
    """The import paths of the public methods of ``cls``, inherited ones from crampnet classes too."""
    names = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith("crampnet"):
            continue
        for name, member in vars(klass).items():
            if name.startswith("_") or isinstance(member, (property, type)) or not (inspect.isfunction(member) or isinstance(member, (classmethod, staticmethod))):
                continue
            names.append(f"{klass.__module__}.{klass.__qualname__}.{name}")
    return names


def _callables(module: object) -> list[str]:
    """The functions in ``module.__all__`` and the methods of its classes, by import path (where they are defined)."""
    names = []
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        if inspect.isfunction(obj):
            names.append(f"{obj.__module__}.{obj.__qualname__}")
        elif inspect.isclass(obj):
            names.extend(_methods(obj))
    return names


def public_callables() -> list[str]:
    """Every function and method a user reaches from ``import crampnet``, by import path."""
    return sorted(set(_callables(crampnet)))


def documented_modules() -> list[str]:
    """The modules the API pages show with ``.. automodule::``, in page order."""
    found = [m for page in sorted(API_PAGES.glob("*.rst")) for m in re.findall(r"automodule:: (\S+)", page.read_text(encoding="utf-8"))]
    return list(dict.fromkeys(found))


def documented_callables() -> list[str]:
    """Every function and method in the ``__all__`` of a module the API pages show, by import path."""
    return sorted({name for module in documented_modules() for name in _callables(importlib.import_module(module))})


def problems(name: str, codes: set[str] = CODES) -> list[str]:
    """numpydoc's complaints about ``name`` among ``codes``, as ``CODE: message``."""
    return [f"{code}: {message}" for code, message in validate(name)["errors"] if code in codes]


def test_the_surface_is_found():
    """Check that the walk reaches the methods users call most, inherited ones included (so the test is not empty)."""
    found = public_callables()
    for name in ("crampnet._load.load", "crampnet.reasoning.diagnosis.diagnose", "crampnet._clinical.ClinicalMethods.diagnose", "crampnet.base.BaseModel.posterior_array", "crampnet.model.Model.fit", "crampnet.reasoning._diagnosis_parts.DiagnosisParts.next_questions", "crampnet.reasoning.diagnosis.Diagnosis.from_dict", "crampnet.trust.evaluate.Evaluation.summary"):
        assert name in found, name
    assert len(found) >= 25, found


@pytest.mark.parametrize("name", public_callables())
def test_public_docstring_is_complete(name):
    """Check one public function or method: every parameter and the return value documented, with an example."""
    assert problems(name) == []


def test_the_documented_helpers_are_found():
    """Check that the pages are read and their modules' helpers reached, private homes included (so the test is not empty)."""
    modules = documented_modules()
    for module in ("crampnet", "crampnet.display", "crampnet.interop.export", "crampnet.reasoning.html", "crampnet.reasoning.questions", "crampnet.testing", "crampnet.trust.uncertainty", "crampnet.trust.evaluate"):
        assert module in modules, module
    found = documented_callables()
    # crampnet.reasoning.html.percent lives in reasoning/_differential.py, crampnet.trust.evaluate.auroc in trust/_metrics.py
    for name in ("crampnet.display.layout", "crampnet.exceptions.did_you_mean", "crampnet.reasoning._differential.percent", "crampnet.reasoning.questions.rank_questions", "crampnet._properties.check_total_probability", "crampnet.testing.check_all", "crampnet.trust._metrics.auroc", "crampnet.trust.evaluate.plot_calibration"):
        assert name in found, name
    assert set(public_callables()) <= set(found)
    assert len(found) >= 100, len(found)


@pytest.mark.parametrize("name", documented_callables())
def test_documented_docstring_is_complete(name):
    """Check one function or method an API page documents: every parameter and the return value documented."""
    assert problems(name, DOCUMENTED_CODES) == []


def test_the_check_fails_on_an_incomplete_docstring(tmp_path, monkeypatch):
    """Check that the validator catches what the tests are for: an undocumented parameter, no Returns, no Examples (the last only for the public API)."""
    (tmp_path / "planted_docstrings.py").write_text(
        textwrap.dedent('''
        def complete(x: int) -> int:
            """Double a number.

            Parameters
            ----------
            x : int
                The number.

            Returns
            -------
            int
                Twice ``x``.

            Examples
            --------
            >>> complete(2)
            4
            """
            return 2 * x


        def incomplete(x: int, y: int) -> int:
            """Add two numbers; see :func:`complete`.

            Parameters
            ----------
            x : int
                The first.
            """
            return x + y
        ''')
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert problems("planted_docstrings.complete") == []
    found = {p.split(":")[0] for p in problems("planted_docstrings.incomplete")}
    assert found == {"PR01", "RT01", "EX01"}, found
    found = {p.split(":")[0] for p in problems("planted_docstrings.incomplete", DOCUMENTED_CODES)}
    assert found == {"PR01", "RT01"}, found
