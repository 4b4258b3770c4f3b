"""Checks that the public functions share: their arguments, and their optional dependencies.

A function that takes a model or a table of cases (:func:`crampnet.diagnose`,
:meth:`crampnet.Diagnosis.from_dict`, :func:`crampnet.evaluate`, ``fit``) checks
them here first, so that a wrong argument gets an error naming the argument rather
than an ``AttributeError`` from deep inside. A plot asks :func:`pyplot` for
matplotlib and the explorer :func:`optional_module` for ipywidgets, so that a
machine without them is told which extra to install.

Examples
--------
>>> from crampnet._arguments import check_model
>>> check_model(None, "diagnose")
Traceback (most recent call last):
    ...
crampnet.exceptions.EvidenceTypeError: The 'model' argument of diagnose must be a crampnet model, as crampnet.load() returns. Got None (NoneType) instead.
"""

from __future__ import annotations

import importlib
import reprlib
from collections.abc import Mapping
from types import ModuleType

from crampnet.base import BaseModel
from crampnet.exceptions import EvidenceTypeError
from crampnet.network.evidence import show

__all__ = ["check_axes", "check_case", "check_frame", "check_model", "optional_module", "pyplot"]


def check_model(model: object, where: str) -> BaseModel:
    """``model`` if it is a crampnet model, else an error naming ``where``'s 'model' argument.

    Parameters
    ----------
    model : object
        The argument to check.
    where : str
        The function it was given to, for the message ("diagnose").

    Returns
    -------
    BaseModel
        ``model`` itself, typed as a crampnet model.

    Raises
    ------
    EvidenceTypeError
        If ``model`` is not a :class:`~crampnet.base.BaseModel`.
    """
    if not isinstance(model, BaseModel):
        msg = f"The 'model' argument of {where} must be a crampnet model, as crampnet.load() returns. Got {reprlib.repr(model)} ({type(model).__name__}) instead."
        raise EvidenceTypeError(msg)
    return model


def check_case(case: object, argument: str, where: str) -> None:
    """Refuse an ``argument`` of ``where`` that is neither None nor a mapping of node id to state (one case).

    Parameters
    ----------
    case : object
        The argument to check.
    argument : str
        The argument's name, for the message ("evidence").
    where : str
        The function it was given to, for the message.

    Raises
    ------
    EvidenceTypeError
        If ``case`` is neither None nor a :class:`~collections.abc.Mapping`.
    """
    if case is not None and not isinstance(case, Mapping):
        msg = f"The '{argument}' argument of {where} must be a mapping of node id to state, e.g. {{'urge_to_move': True}}. Got {reprlib.repr(case)} ({type(case).__name__}) instead."
        raise EvidenceTypeError(msg)


def check_frame(frame: object, argument: str, where: str) -> None:
    """Refuse an ``argument`` of ``where`` that is not a pandas DataFrame.

    Parameters
    ----------
    frame : object
        The argument to check.
    argument : str
        The argument's name, for the message ("cases").
    where : str
        The function it was given to, for the message.

    Raises
    ------
    EvidenceTypeError
        If ``frame`` is not a :class:`pandas.DataFrame`.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        msg = f"The '{argument}' argument of {where} must be a pandas DataFrame. Got {type(frame).__name__} instead."
        raise EvidenceTypeError(msg)


def optional_module(name: str, needed_by: str, extra: str) -> ModuleType:
    """The module ``name`` of an optional dependency, or a ``ModuleNotFoundError`` that names the extra to install.

    Parameters
    ----------
    name : str
        The module to import ("ipywidgets", "matplotlib.pyplot").
    needed_by : str
        What needs it, starting the message ("The explorer").
    extra : str
        The crampnet extra that installs it ("plot").

    Returns
    -------
    types.ModuleType
        The imported module.

    Raises
    ------
    ModuleNotFoundError
        If the module cannot be imported (any ``ImportError``); its ``name``
        is the top-level package, and the message names the extra.

    Examples
    --------
    >>> from crampnet._arguments import optional_module
    >>> optional_module("no_such_module", "The example", "plot")
    Traceback (most recent call last):
        ...
    ModuleNotFoundError: The example needs no_such_module, which is not installed: pip install "crampnet[plot]"
    """
    try:
        return importlib.import_module(name)
    except ImportError as err:
        top = name.split(".")[0]
        msg = f'{needed_by} needs {top}, which is not installed: pip install "crampnet[{extra}]"'
        raise ModuleNotFoundError(msg, name=top) from err


def check_axes(ax: object, where: str) -> None:
    """Refuse an 'ax' argument of the plot ``where`` that is neither None nor a matplotlib Axes (call after :func:`pyplot`).

    Parameters
    ----------
    ax : object
        The argument as given.
    where : str
        The plot's name, for the message (``"plot_tornado"``).

    Raises
    ------
    EvidenceTypeError
        If ``ax`` is not None and not a :class:`matplotlib.axes.Axes`.
    """
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        msg = f"The 'ax' argument of {where} must be a matplotlib Axes (e.g. plt.subplots()[1]) or None. Got {show(ax)} ({type(ax).__name__}) instead."
        raise EvidenceTypeError(msg)


def pyplot() -> ModuleType:
    """``matplotlib.pyplot``, or a ``ModuleNotFoundError`` that names the ``plot`` extra.

    Returns
    -------
    types.ModuleType
        The ``matplotlib.pyplot`` module.

    Raises
    ------
    ModuleNotFoundError
        If matplotlib is not installed ("Plotting needs matplotlib, which is
        not installed: pip install "crampnet[plot]"").
    """
    return optional_module("matplotlib.pyplot", "Plotting", "plot")
