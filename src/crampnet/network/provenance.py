"""The provenance table: every number of a network with its source.

Examples
--------
>>> import crampnet
>>> table = crampnet.load().parameters()
>>> {"node", "kind", "value", "source", "citation"} <= set(table.columns)
True
>>> bool(table["source"].notna().all())
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crampnet.network.cpd import logistic_baseline, node_table
from crampnet.network.spec import (
    Dist,
    Link,
    Logistic,
    Mixture,
    NetworkSpec,
    NoisyMax,
    NoisyOr,
    Param,
    Provenance,
    Table,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["COLUMNS", "parameter_rows", "parameter_table"]

COLUMNS = ["node", "role", "model", "kind", "parent", "parent_state", "state", "value", "low", "high", "source", "citation", "reason", "note"]


def _row(spec: NetworkSpec, node: str, kind: str, value: float, prov: Provenance, *, parent: str | None = None, parent_state: str | None = None, state: str | None = None, low: float | None = None, high: float | None = None) -> dict[str, Any]:
    n = spec.nodes[node]
    model = "prior" if n.cpd is None else n.cpd.model
    citation = "judgment" if prov.source == "judgment" else spec.sources[prov.source].citation
    return {"node": node, "role": n.role, "model": model, "kind": kind, "parent": parent, "parent_state": parent_state, "state": state, "value": value, "low": low, "high": high, "source": prov.source, "citation": citation, "reason": prov.reason, "note": prov.note}


def _param(spec: NetworkSpec, node: str, kind: str, p: Param, link: Link | None = None, state: str | None = None) -> dict[str, Any]:
    return _row(spec, node, kind, p.value, p.provenance, parent=link.parent if link else None, parent_state=link.state if link else None, state=state, low=p.low, high=p.high)


def _dist(spec: NetworkSpec, node: str, kind: str, d: Dist, parent: str | None = None, parent_state: str | None = None) -> list[dict[str, Any]]:
    unranged: tuple[float | None, float | None] = (None, None)
    rows = [_row(spec, node, kind, v, _entry(d, s), parent=parent, parent_state=parent_state, state=s, low=d.ranges.get(s, unranged)[0], high=d.ranges.get(s, unranged)[1]) for s, v in d.probabilities.items()]
    if d.weight is not None:
        rows.append(_row(spec, node, "weight", d.weight.value, d.weight.provenance, parent=parent, parent_state=parent_state, low=d.weight.low, high=d.weight.high))
    return rows


def _entry(d: Dist, state: str) -> Provenance:
    """The provenance of one entry of ``d``: its own source where ``entry_sources`` names one."""
    key = d.entry_sources.get(state)
    return d.provenance if key is None else Provenance(key, None, d.provenance.note)


def parameter_rows(spec: NetworkSpec, tables: dict[str, np.ndarray] | None = None, population: str | None = None) -> list[dict[str, Any]]:
    """One dict per number of the network file, in file order.

    A logistic intercept given as a prevalence adds one derived row, kind
    ``baseline (solved)``, with the baseline the loader solved for. With a
    ``population``, its priors replace the default ones (kind
    ``prior (population NAME)``).

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    tables : dict of str to numpy.ndarray, optional
        The network's tables (:func:`crampnet.network.cpd.build_tables`,
        default priors); without them no ``baseline (solved)`` row is made.
    population : str, optional
        A key of ``spec.populations`` whose priors replace the default ones.

    Returns
    -------
    list of dict of str to object
        One row per number, keyed by the names of :data:`COLUMNS`
        (``None`` where a column does not apply).
    """
    rows: list[dict[str, Any]] = []
    replaced = spec.populations[population].priors if population else {}
    if tables is not None and replaced:
        # Baselines are solved against the file's default priors (build_tables), not the population's.
        tables = dict(tables)
        for nid in replaced:  # a prior, or a context node's table over other context nodes
            tables[nid] = node_table(spec, spec.nodes[nid], tables)
    for nid, node in spec.nodes.items():
        cpd = node.cpd
        if nid in replaced:
            rows += _dist(spec, nid, f"prior (population {population})", replaced[nid])
        elif node.prior is not None:
            rows += _dist(spec, nid, "prior", node.prior)
        elif isinstance(cpd, NoisyOr):
            rows.append(_param(spec, nid, "leak", cpd.leak, state=cpd.positive))
            rows += [_param(spec, nid, "link", link.param, link, cpd.positive) for link in cpd.links]
        elif isinstance(cpd, Logistic):
            rows.append(_param(spec, nid, f"intercept {cpd.intercept_kind}", cpd.intercept, state=cpd.positive))
            if cpd.intercept_kind == "prevalence" and tables is not None:
                base = logistic_baseline(spec, cpd, tables)
                prov = Provenance(cpd.intercept.provenance.source, cpd.intercept.provenance.reason, "derived: solved so that the marginal in the default context priors equals the prevalence")
                rows.append(_row(spec, nid, "baseline (solved)", base, prov, state=cpd.positive))
            rows += [_param(spec, nid, "odds_ratio", link.param, link, cpd.positive) for link in cpd.odds_ratios]
        elif isinstance(cpd, NoisyMax | Mixture):
            rows += _dist(spec, nid, "leak", cpd.leak)
            for dlink in cpd.links:
                rows += _dist(spec, nid, "link", dlink.dist, dlink.parent, dlink.state)
        elif isinstance(cpd, Table):
            for r in cpd.rows:
                when = ", ".join(f"{k}={v}" for k, v in r.when.items())
                rows += _dist(spec, nid, "row", r.dist, ",".join(r.when) or None, when or None)
    return rows


def parameter_table(spec: NetworkSpec, tables: dict[str, np.ndarray] | None = None, population: str | None = None) -> pd.DataFrame:
    """The provenance table as a pandas DataFrame (columns :data:`COLUMNS`).

    Parameters
    ----------
    spec : NetworkSpec
        A validated network.
    tables : dict of str to numpy.ndarray, optional
        As for :func:`parameter_rows`: with them, a solved baseline row.
    population : str, optional
        As for :func:`parameter_rows`: whose priors replace the defaults.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`parameter_rows`, one per number, in file order,
        with the columns :data:`COLUMNS` in that order.
    """
    import pandas as pd

    return pd.DataFrame(parameter_rows(spec, tables, population), columns=COLUMNS)
