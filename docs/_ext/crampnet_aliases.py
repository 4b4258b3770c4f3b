"""Resolve a Python cross-reference to the name the object is documented under.

The API reference documents each public object once, under the name users
import (``crampnet.Diagnosis``, ``crampnet.Model.diagnose``); docstrings also
name the same objects where they are defined
(``crampnet.reasoning.diagnosis.Diagnosis``, or ``diagnose`` inside that
module). When Sphinx finds no target for such a reference, this handler
imports what the reference names and, if it is the very object documented
under another name, links there. A reference to anything else stays
unresolved, so ``nitpicky`` still reports it.
"""

from __future__ import annotations

import importlib
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

# Plain values (numbers, strings, tuples) are never matched by identity:
# small ints and interned strings are shared by unrelated names.
_VALUE_TYPES = (int, float, complex, str, bytes, bool, tuple, frozenset, type(None))


def import_name(name: str) -> Any:
    """The object a dotted name refers to, or None: the longest importable module, then attributes."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attr in parts[split:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _unwrap(obj: Any) -> Any:
    """The function behind a property or cached_property, so both sides compare alike."""
    for attr in ("fget", "func"):
        inner = getattr(obj, attr, None)
        if inner is not None:
            return inner
    return obj


def _documented(env: BuildEnvironment) -> dict[int, str]:
    """id(object) -> the name it is documented under, for every documented Python object."""
    cache: dict[int, str] | None = getattr(env, "_crampnet_documented", None)
    objects = env.domains["py"].objects
    if cache is not None and getattr(env, "_crampnet_documented_size", -1) == len(objects):
        return cache
    cache = {}
    for name, entry in objects.items():
        if getattr(entry, "aliased", False):
            continue
        obj = import_name(name)
        if obj is None or isinstance(obj, _VALUE_TYPES):
            continue
        cache.setdefault(id(_unwrap(obj)), name)
    env._crampnet_documented = cache  # type: ignore[attr-defined]
    env._crampnet_documented_size = len(objects)  # type: ignore[attr-defined]
    return cache


def resolve_alias(app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element) -> nodes.Element | None:
    """Link a Python reference that found no target to the object's documented name."""
    if node.get("refdomain") != "py":
        return None
    target = str(node["reftarget"]).lstrip("~.")
    candidates = [target]
    module, cls = node.get("py:module"), node.get("py:class")
    if cls and module:
        candidates.append(f"{module}.{cls}.{target}")
    if module:
        candidates.append(f"{module}.{target}")
    documented = _documented(env)
    for candidate in candidates:
        obj = import_name(candidate) if candidate.startswith("crampnet") else None
        if obj is None or isinstance(obj, _VALUE_TYPES):
            continue
        name = documented.get(id(_unwrap(obj)))
        if name is None or name == candidate:
            continue
        domain = env.domains["py"]
        return domain.resolve_xref(env, node.get("refdoc", ""), app.builder, node["reftype"], name, node, contnode)
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the handler."""
    app.connect("missing-reference", resolve_alias)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
