"""Streaming pipeline: same numbers as in memory, memory flat in N."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import gaussian_kde
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.preprocessing import StandardScaler

from imbalkit import streaming as st
from imbalkit.diagnostics import make_bins
from imbalkit.featurize import magpie_features
from imbalkit.target_weights import TargetWeighter
from imbalkit.weights import class_weights

N = 3000
THRESH = -1.9  # about 5 % of OQMD below it


@pytest.fixture(scope="module")
def oqmd_head():
    return next(st.iter_dataset_chunks("oqmd_hf", N, limit=N))


@pytest.fixture(scope="module")
def parquet(tmp_path_factory, oqmd_head):
    path = tmp_path_factory.mktemp("stream") / "oqmd.parquet"
    info = st.featurize_to_parquet(st.chunks_of(oqmd_head, 700), path)  # 5 chunks, last one short
    return path, info


def test_dataset_chunks_match_load():
    from imbalkit import datasets

    full = datasets.load("glass")
    parts = list(st.iter_dataset_chunks("glass", 1000))
    assert [len(p) for p in parts[:-1]] == [1000] * (len(parts) - 1)
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), full)


def test_dataset_chunks_cross_split_files_and_limit():
    # oqmd_hf is three files (train/val/test); a limit beyond the first file continues in the next
    n_train = 239_190
    parts = list(st.iter_dataset_chunks("oqmd_hf", 120_000, limit=n_train + 5))
    assert sum(len(p) for p in parts) == n_train + 5
    assert parts[-1]["split"].tolist() == ["val"] * 5


def test_parquet_round_trip_equals_in_memory_features(parquet, oqmd_head):
    path, info = parquet
    assert info["rows"] == N and info["chunks"] == 5
    back = pd.concat(st.iter_batches(path, batch_rows=1000), ignore_index=True)
    expected = magpie_features(oqmd_head["formula"])
    pd.testing.assert_frame_equal(back[expected.columns.tolist()], expected)  # bit-identical
    assert info["feature_columns"] == expected.columns.tolist()
    assert back["target"].tolist() == oqmd_head["target"].tolist()
    assert st.parquet_rows(path) == N


def test_stream_stats_equal_in_memory(parquet, oqmd_head):
    path, _ = parquet
    y = oqmd_head["target"].to_numpy()
    s = st.stream_stats(path, n_bins=40, label=lambda v: v < THRESH, batch_rows=512, kde_grid=None)
    # first pass: range and moments
    assert (s.range.n, s.range.lo, s.range.hi) == (N, y.min(), y.max())
    assert s.range.mean == pytest.approx(y.mean(), rel=1e-12)
    assert s.range.var == pytest.approx(y.var(ddof=1), rel=1e-12)
    # class counts and class weights: identical
    lab = y < THRESH
    assert s.class_counts == {False: int((~lab).sum()), True: int(lab.sum())}
    for method in ("inverse", "sqrt_inverse", "effective"):
        assert s.class_weights(method) == class_weights(lab, method)
    # histogram with the same edges as make_bins: identical
    labels, edges = make_bins(y, n_bins=40, strategy="uniform")
    np.testing.assert_array_equal(s.edges, edges)
    np.testing.assert_array_equal(s.hist, np.bincount(labels, minlength=edges.size - 1))
    # binned target weights: equal to the in-memory TargetWeighter up to summation order
    for scheme, kw in [("lds", {}), ("lds", {"lds_sqrt": False, "sigma": 1.0}), ("inverse", {}), ("sqrt_inverse", {})]:
        ref = TargetWeighter(scheme, n_bins=40, strategy="uniform", **kw).fit(y)
        got = s.target_weighter(scheme, **kw)
        np.testing.assert_array_equal(got.edges_, ref.edges_)
        np.testing.assert_allclose(got.bin_weights_, ref.bin_weights_, rtol=1e-12, atol=0)
        np.testing.assert_allclose(got.transform(y), ref.transform(y), rtol=1e-12, atol=0)
        assert got.transform(y).mean() == pytest.approx(1.0, rel=1e-12)


def test_stream_stats_same_for_any_batch_size(parquet):
    path, _ = parquet
    a = st.stream_stats(path, n_bins=25, label=lambda v: v < THRESH, batch_rows=N, kde_grid=64)
    b = st.stream_stats(path, n_bins=25, label=lambda v: v < THRESH, batch_rows=97, kde_grid=64)
    np.testing.assert_array_equal(a.hist, b.hist)
    assert a.class_counts == b.class_counts
    np.testing.assert_allclose(a.kde.density, b.kde.density, rtol=1e-12)


def test_fixed_edges_skip_first_pass(oqmd_head):
    y = oqmd_head["target"].to_numpy()
    calls = []

    def source():
        calls.append(1)
        return st.chunks_of(oqmd_head[["target"]], 500)

    edges = np.linspace(-4, 2, 13)
    s = st.stream_stats(source, edges=edges, kde_grid=None)
    assert len(calls) == 1  # one pass only
    expected = np.bincount(np.clip(np.searchsorted(edges, y, side="right") - 1, 0, 11), minlength=12)
    np.testing.assert_array_equal(s.hist, expected)
    assert s.hist.sum() == N


def test_denseweight_grid_kde_matches_scipy(parquet, oqmd_head):
    path, _ = parquet
    y = oqmd_head["target"].to_numpy()
    y = y[np.abs(y) < 5]
    s = st.stream_stats(path, where=lambda b: b["target"].abs() < 5, kde_grid=2048, batch_rows=600)
    ref_kde = gaussian_kde(y)
    # the density at the grid points is the exact KDE
    np.testing.assert_allclose(s.kde.density, ref_kde(s.kde.grid), rtol=1e-9)
    ref = TargetWeighter("denseweight", alpha=1.0).fit(y)
    got = s.target_weighter("denseweight", alpha=1.0)
    w_ref, w_got = ref.transform(y), got.transform(y)
    assert w_got.mean() == pytest.approx(1.0, rel=1e-12)
    # per-row density is interpolated from the grid: close, not bit-identical
    assert np.max(np.abs(w_got - w_ref)) < 5e-3
    assert np.corrcoef(w_got, w_ref)[0, 1] > 0.9999


def test_incremental_training_matches_manual_partial_fit(parquet, oqmd_head):
    path, info = parquet
    feats = info["feature_columns"]
    model = st.fit_incremental(SGDRegressor(random_state=0), path, feats, batch_rows=700, epochs=2)
    X = magpie_features(oqmd_head["formula"]).to_numpy()
    y = oqmd_head["target"].to_numpy()
    sc = StandardScaler().fit(X)
    ref = SGDRegressor(random_state=0)
    for _ in range(2):
        for s in range(0, N, 700):
            ref.partial_fit(sc.transform(X[s:s + 700]), y[s:s + 700])
    np.testing.assert_allclose(model.predict(X), ref.predict(sc.transform(X)), rtol=1e-7, atol=1e-7)


def test_incremental_classifier_with_class_weights(parquet):
    path, info = parquet
    s = st.stream_stats(path, label=lambda v: v < THRESH, kde_grid=None)
    cw = s.class_weights()
    model = st.fit_incremental(SGDClassifier(loss="log_loss", random_state=0), path, info["feature_columns"],
                               label=lambda v: v < THRESH, classes=[False, True], epochs=3,
                               sample_weight=lambda lab: np.where(lab, cw[True], cw[False]))
    pred = st.predict_batches(model, path, info["feature_columns"], method="predict_proba", columns=["target"])
    from sklearn.metrics import average_precision_score

    ap = average_precision_score(pred["target"] < THRESH, pred["score"])
    prevalence = float((pred["target"] < THRESH).mean())
    assert len(pred) == N and ap > 3 * prevalence  # learns something about the rare class


def test_errors_name_the_argument(tmp_path):
    with pytest.raises(ValueError, match="chunk_rows must be a positive integer, got 0"):
        list(st.chunks_of(["NaCl"], 0))
    with pytest.raises(ValueError, match="no column 'formula'"):
        st.featurize_to_parquet([pd.DataFrame({"f": ["NaCl"]})], tmp_path / "x.parquet")
    with pytest.raises(ValueError, match="chunks was empty"):
        st.featurize_to_parquet([], tmp_path / "x.parquet")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        list(st.iter_batches(tmp_path / "missing.parquet"))
    pd.DataFrame({"y": [1.0, 2.0]}).to_parquet(tmp_path / "y.parquet")
    with pytest.raises(ValueError, match="no column 'target'"):
        st.stream_stats(tmp_path / "y.parquet")
    with pytest.raises(ValueError, match="no class counts"):
        st.stream_stats(tmp_path / "y.parquet", "y", n_bins=1, kde_grid=None).class_weights()
    with pytest.raises(ValueError, match="strategy= is fixed"):
        st.stream_stats(tmp_path / "y.parquet", "y", n_bins=1, kde_grid=None).target_weighter("inverse", strategy="quantile")
    with pytest.raises(TypeError, match="no partial_fit"):
        from sklearn.linear_model import LinearRegression

        st.fit_incremental(LinearRegression(), tmp_path / "y.parquet", ["y"])
    with pytest.raises(ValueError, match="NaN or infinite"):
        st.target_range([np.array([1.0, np.nan])])
    with pytest.raises(ValueError, match="'module:name'"):
        st.peak_rss("math.factorial")


def test_peak_rss_measures_a_real_allocation():
    small = st.peak_rss("numpy:ones", {"shape": 1000})["peak_rss_mb"]
    big = st.peak_rss("numpy:ones", {"shape": 50_000_000})["peak_rss_mb"]  # 400 MB of float64
    assert big - small == pytest.approx(400, rel=0.15)


def test_streaming_memory_is_flat_in_n_while_in_memory_grows():
    """Peak RSS of fresh child processes at N and 4N rows."""
    n = 8_000
    kw = {"chunk_rows": 2_000}
    s1 = st.peak_rss("imbalkit.streaming:featurize_dataset", {"n": n, **kw})
    s4 = st.peak_rss("imbalkit.streaming:featurize_dataset", {"n": 4 * n, **kw})
    m1 = st.peak_rss("imbalkit.streaming:featurize_dataset", {"n": n, "in_memory": True})
    m4 = st.peak_rss("imbalkit.streaming:featurize_dataset", {"n": 4 * n, "in_memory": True})
    assert s1["result"] == n and s4["result"] == 4 * n
    # streaming: within 15 MB (allocator noise), whatever N
    assert abs(s4["peak_rss_mb"] - s1["peak_rss_mb"]) < 15, (s1, s4)
    # in memory: grows by more than the 24,000 extra rows x 111 features x 8 bytes = 21 MB
    assert m4["peak_rss_mb"] - m1["peak_rss_mb"] > 30, (m1, m4)
