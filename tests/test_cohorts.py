"""Cohorts on Dask: lazy posteriors equal the pandas ones, on a local cluster over loopback and from Parquet."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import crampnet

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from crampnet.interop.cohorts import is_dask_dataframe, posteriors_dask  # noqa: E402


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    """120 cases: booleans, yes/no text, states, numbers (age and a lab) and missing cells."""
    rng = np.random.default_rng(7)
    n = 120
    frame = pd.DataFrame({
        "urge_to_move": rng.choice(["yes", "no", None], n),
        "worse_evening": rng.choice([True, False, None], n),
        "pain_location": rng.choice(["calf", "foot", "thigh", None], n),
        "ferritin": rng.choice([20.0, 80.0, np.nan], n),
        "age": rng.choice([30.0, 55.0, 75.0, np.nan], n),
    }, index=pd.Index([f"case{i:03d}" for i in range(n)], name="case"))  # fmt: skip
    return frame


def _assert_equal(lazy, expected: pd.DataFrame) -> None:
    got = lazy.compute()
    assert list(got.columns) == list(expected.columns)
    got = got.loc[expected.index]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "one-worker-process"])
def test_local_cluster_on_loopback_equals_pandas(model, cases, processes):
    """Check scoring on a distributed LocalCluster bound to 127.0.0.1 (tcp) against model.posteriors(DataFrame)."""
    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=processes, host="127.0.0.1", protocol="tcp", dashboard_address=":0") as cluster,
        distributed.Client(cluster),
    ):
        lazy = posteriors_dask(model, dd.from_pandas(cases, npartitions=4))
        _assert_equal(lazy, model.posteriors(cases))


# dask 2026.8's read_parquet calls a pandas 3.1 API that pandas deprecates.
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame:pandas.errors.Pandas4Warning")
def test_parquet_cohort_equals_pandas(model, cases, tmp_path):
    """Check a cohort written to Parquet and read lazily with dask.dataframe.read_parquet."""
    path = tmp_path / "cohort"
    dd.from_pandas(cases, npartitions=3).to_parquet(path)
    lazy = posteriors_dask(model, dd.read_parquet(path))
    assert lazy.npartitions == 3
    with dask.config.set(scheduler="synchronous"):
        _assert_equal(lazy, model.posteriors(cases))
        out = tmp_path / "scored"
        lazy.to_parquet(out)
        back = pd.read_parquet(out)
    np.testing.assert_allclose(back.loc[cases.index].to_numpy(), model.posteriors(cases).to_numpy(), atol=1e-12)


def test_result_is_lazy_with_meta(model, cases):
    """Check the result: lazy, float64 columns in network order, same divisions; a bad cell raises only when computed."""
    frame = cases.copy()
    frame.loc["case005", "urge_to_move"] = "maybe"
    lazy = posteriors_dask(model, dd.from_pandas(frame, npartitions=2))
    assert is_dask_dataframe(lazy)
    assert list(lazy.columns) == model.conditions
    assert set(lazy.dtypes) == {np.dtype("float64")}
    assert lazy.divisions == dd.from_pandas(frame, npartitions=2).divisions
    with dask.config.set(scheduler="synchronous"), pytest.raises(crampnet.InvalidStateError, match="Row 'case005', column 'urge_to_move'"):
        lazy.compute()


def test_unknown_column_fails_at_once(model, cases):
    """Check that a column that is not a node id fails when the graph is built, with a suggestion."""
    with pytest.raises(crampnet.UnknownNodeError, match="Did you mean 'urge_to_move'"):
        posteriors_dask(model, dd.from_pandas(cases.rename(columns={"urge_to_move": "urge_to_mov"}), npartitions=2))


def test_not_a_dask_dataframe(model, cases):
    """Check that a pandas DataFrame is refused with a pointer to model.posteriors."""
    with pytest.raises(crampnet.EvidenceTypeError, match=r"use model\.posteriors for a pandas DataFrame"):
        posteriors_dask(model, cases)
    assert not is_dask_dataframe(cases)


def test_handle_pickles_small_and_tokenizes_by_network(model):
    """Check the model handle: pickles as its spec (not the compiled trees), rebuilds once, tokenizes deterministically."""
    from crampnet.interop.cohorts import _Handle

    handle = _Handle(model)
    data = pickle.dumps(handle)
    assert len(data) < 1_000_000
    first, second = pickle.loads(data), pickle.loads(data)
    assert first.model is second.model
    evidence = {"urge_to_move": True}
    assert first.model.posteriors(evidence).equals(model.posteriors(evidence))
    assert dask.base.tokenize(handle) == dask.base.tokenize(_Handle(model))
    assert dask.base.tokenize(handle) != dask.base.tokenize(_Handle(crampnet.load(population="pregnancy")))
