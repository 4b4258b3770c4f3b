"""The public API's docstrings are complete numpydoc: every parameter, the return value, an example.

``numpydoc.validate`` (the validator numpydoc's own ``numpydoc lint`` runs) is
applied to every function and method a user reaches from ``import crampnet``:
the functions of ``crampnet.__all__`` and the methods of its classes, those
inherited from crampnet's own base classes included (``Model.diagnose`` is
defined on ``crampnet._clinical.ClinicalMethods``). Properties and the classes
themselves are left out of that check: a property has no parameters, and each
class is made by a function (``load``, ``diagnose``, ``evaluate``) and documents
its fields under "Attributes" instead of its constructor's parameters. The
public properties (``Model.conditions``, ``Diagnosis.must_not_miss``...) are
held to a docstring with an example.

Every other function, in every module, is held to the same codes but the
example by ``tests/test_numpydoc_modules.py``. The examples themselves run in
``tests/test_docstrings.py``.
"""

from __future__ import annotations

import inspect
import textwrap
from functools import cached_property

import pytest
from numpydoc.validate import validate

import crampnet

#: What every public callable's docstring must not lack (numpydoc's codes):
#: a parameter undocumented or documented but absent, one without a type, a
#: missing or empty Returns or Yields, a See Also entry not capitalised, no
#: docstring at all, no Examples section.
CODES = {"PR01", "PR02", "PR07", "RT01", "RT03", "YD01", "SA03", "GL08", "EX01"}


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


def _properties(cls: type) -> list[str]:
    """The import paths of the public properties of ``cls`` (``cached_property`` too), inherited ones from crampnet classes too."""
    return [
        f"{klass.__module__}.{klass.__qualname__}.{name}"
        for klass in cls.__mro__
        if klass.__module__.startswith("crampnet")
        for name, member in vars(klass).items()
        if not name.startswith("_") and isinstance(member, (property, cached_property))
    ]


def public_properties() -> list[str]:
    """Every property of a class in ``crampnet.__all__``, by import path (where it is defined)."""
    return sorted({p for name in crampnet.__all__ if inspect.isclass(cls := getattr(crampnet, name)) for p in _properties(cls)})


def public_callables() -> list[str]:
    """Every function and method a user reaches from ``import crampnet``, by import path."""
    return sorted(set(_callables(crampnet)))


def problems(name: str) -> list[str]:
    """numpydoc's complaints about ``name`` among :data:`CODES`, as ``CODE: message``."""
    return [f"{code}: {message}" for code, message in validate(name)["errors"] if code in CODES]


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


def test_the_properties_are_found():
    """Check that the walk over properties reaches the ones users read most, plain and cached (so the test is not empty)."""
    found = public_properties()
    for name in ("crampnet._ids.NodeIds.conditions", "crampnet._ids.NodeIds.must_not_miss", "crampnet.model.Model.network", "crampnet.reasoning._diagnosis_parts.DiagnosisParts.must_not_miss", "crampnet.reasoning._diagnosis_parts.DiagnosisParts.differential"):
        assert name in found, name


@pytest.mark.parametrize("name", public_properties())
def test_public_property_has_an_example(name):
    """Check one public property: a docstring with an example (numpydoc's GL08 and EX01)."""
    assert [p for p in problems(name) if p.split(":")[0] in {"GL08", "EX01"}] == []


def test_the_check_fails_on_an_incomplete_docstring(tmp_path, monkeypatch):
    """Check that the validator catches what the test is for: an undocumented parameter, no Returns, no Examples."""
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
