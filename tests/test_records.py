"""A diagnosis as a record: the version it states is the package's own."""

from __future__ import annotations

import importlib.metadata

import crampnet


def test_the_record_states_crampnet_version_not_stale_metadata(model, monkeypatch):
    """Check to_dict and the report take crampnet.__version__, not the installed metadata (stale in an editable install)."""
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.0.1")  # what a stale editable install reports
    dx = model.diagnose({"urge_to_move": True})
    assert dx.to_dict()["crampnet_version"] == crampnet.__version__ != "0.0.1"
    assert f"version {crampnet.__version__}" in dx.report()
    assert crampnet.__version__ == crampnet._version.__version__  # the one place it is stated
