"""The evidence protocol: paired differences computed by hand, baselines against
themselves, resampling confined to the rows a model is fitted on, bad input, and the
committed evidence-matrix CSV reproduced cell by cell."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from imblearn import FunctionSampler
from sklearn.dummy import DummyRegressor

from imbalkit import protocol
from imbalkit.protocol import Technique, compare, paired_differences

ROOT = Path(__file__).resolve().parents[1]


def _binary_data(n=240, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 1.2).astype(int)
    return X, y


def test_paired_differences_match_hand_computation():
    # technique b beats a by d = [0.1, 0.3, 0.2, 0.2] on four folds of 4-fold CV (MCC, higher is better)
    a = [0.5, 0.4, 0.6, 0.5]
    b = [0.6, 0.7, 0.8, 0.7]
    s = pd.DataFrame({"technique": ["a"] * 4 + ["b"] * 4, "repeat": 0, "fold": [0, 1, 2, 3] * 2,
                      "metric": "MCC", "value": a + b})
    r = paired_differences(s, {"a": "a", "b": "a"}, kind="binary", n_splits=4).set_index("technique").loc["b"]
    d = np.array([0.1, 0.3, 0.2, 0.2])
    var = np.sum((d - 0.2) ** 2) / 3  # = 0.02 / 3
    se = np.sqrt((1 / 4 + 1 / 3) * var)  # Nadeau-Bengio: n_test / n_train = 1 / (k - 1)
    assert r["mean_diff"] == pytest.approx(0.2)
    assert r["se"] == pytest.approx(se)
    assert r["n"] == 4
    # t = 0.2 / se = 3.207 with 3 degrees of freedom: p = 0.049 < 0.05 -> better (scipy t table)
    assert 0.2 / se == pytest.approx(3.2071, abs=1e-3)
    assert r["p"] == pytest.approx(0.04906, abs=2e-4)
    assert r["verdict"] == "better"
    # the same numbers as an error metric (lower is better) give "worse"
    s["metric"] = "MAE"
    r = paired_differences(s, {"a": "a", "b": "a"}, kind="regression", n_splits=4).set_index("technique").loc["b"]
    assert r["verdict"] == "worse"


def test_regression_scores_match_a_hand_computation_on_the_folds():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(150, 2))
    y = 3 * X[:, 0] + 0.3 * rng.normal(size=150)
    mean_model = Technique("training mean", ("regression",), lambda ctx: DummyRegressor(), reference="plain")
    res = compare(X, y, kind="regression", techniques=[mean_model], n_splits=5, n_repeats=2, seed=4)
    got = res.scores[res.scores["technique"] == "training mean"].set_index(["repeat", "fold", "metric"])["value"]
    for r, k, tr, te in res.folds:
        pred = y[tr].mean()
        tail = y[te] > np.quantile(y[tr], 0.9)
        assert got[(r, k, "MAE")] == pytest.approx(np.mean(np.abs(y[te] - pred)))
        if tail.any():
            assert got[(r, k, "tail MAE")] == pytest.approx(np.mean(np.abs(y[te][tail] - pred)))
        else:  # a test fold without tail rows scores NaN, and is left out of the paired difference
            assert np.isnan(got[(r, k, "tail MAE")])
    # the paired difference is the mean over folds of (technique - plain)
    wide = res.scores.pivot_table(index=["repeat", "fold"], columns=["technique", "metric"], values="value")
    hand = (wide[("training mean", "MAE")] - wide[("plain", "MAE")]).mean()
    row = res.paired.set_index(["technique", "metric"]).loc[("training mean", "MAE")]
    assert row["mean_diff"] == pytest.approx(hand)
    assert row["verdict"] == "worse"  # a constant beats nothing that learns the trend


def test_baseline_against_itself_is_zero_and_indistinguishable():
    X, y = _binary_data()
    res = compare(X, y, kind="binary", techniques=["plain"], n_splits=3, n_repeats=2)
    assert (res.paired["mean_diff"] == 0).all()
    assert (res.paired["verdict"] == "indistinguishable").all()
    assert set(res.paired["metric"]) == {"PR-AUC", "F1", "MCC"}
    assert len(res.scores) == 3 * 2 * 3 and set(res.scores.columns) == {
        "technique", "repeat", "fold", "metric", "value", "fit_seconds"}


def test_resampling_never_sees_validation_or_test_rows():
    X, y = _binary_data(n=200, seed=1)
    X = np.column_stack([X, np.arange(len(y))])  # last column: the row id
    seen: list[set] = []

    def record(Xs, ys):
        seen.append(set(np.asarray(Xs)[:, -1].astype(int).tolist()))
        return Xs, ys

    def make(ctx):
        from imbalkit.resampling import resampled
        return resampled(protocol.base_classifier(ctx.seed), FunctionSampler(func=record, validate=False))

    spy = Technique("spy", ("binary",), make)
    res = compare(X, y, kind="binary", techniques=[spy], n_splits=4, n_repeats=1, seed=2)
    assert len(seen) == len(res.folds) == 4
    for ids, (_, _, tr, te) in zip(seen, res.folds):
        assert ids.isdisjoint(te.tolist())  # never a test row
        assert ids < set(tr.tolist())  # a strict subset of the training fold: the validation part is left out
        assert len(ids) == pytest.approx(0.75 * len(tr), abs=1)


def test_smote_guard_refuses_too_few_minority_rows():
    X, y = _binary_data(n=60, seed=0)
    y = np.zeros(60, int)
    y[:4] = 1  # 4 positives: with 2 folds a fit part holds 1 or 2 of them
    with pytest.raises(ValueError, match="k_neighbors"):
        compare(X, y, kind="binary", techniques=["SMOTE"], n_splits=2, n_repeats=1, seed=0)


def test_runs_are_deterministic():
    X, y = _binary_data()
    a = compare(X, y, kind="binary", techniques=["SMOTE", "random undersampling"], n_splits=3, n_repeats=1, seed=5)
    b = compare(X, y, kind="binary", techniques=["SMOTE", "random undersampling"], n_splits=3, n_repeats=1, seed=5)
    pd.testing.assert_frame_equal(a.scores.drop(columns="fit_seconds"), b.scores.drop(columns="fit_seconds"))


def test_inapplicable_techniques_are_skipped_with_a_reason():
    X, y = _binary_data()
    res = compare(X, y, kind="binary", techniques=["SMOTENC"], n_splits=3, n_repeats=1)
    assert "categorical" in res.skipped["SMOTENC"] and "SMOTENC" not in set(res.paired["technique"])
    rng = np.random.default_rng(0)
    Xr = rng.normal(size=(120, 2))
    yr = np.where(Xr[:, 0] > 0.3, np.exp(Xr[:, 1]), 0.0)  # ~38 % exact zeros: zero-inflated
    res = compare(Xr, yr + 0.0, kind="regression", techniques=["hurdle"], n_splits=3, n_repeats=1)
    assert "hurdle" not in res.skipped and "hurdle" in set(res.paired["technique"])
    res = compare(Xr, yr + 1.0, kind="regression", techniques=["hurdle"], n_splits=3, n_repeats=1)
    assert "no zero-inflation" in res.skipped["hurdle"]


def test_tally_counts_verdicts_per_technique():
    p = pd.DataFrame({"task": ["a", "b", "c", "a"], "technique": ["t", "t", "t", "plain"], "metric": "MCC",
                      "reference": "plain", "verdict": ["better", "worse", "indistinguishable", "indistinguishable"]})
    t = protocol.tally(p, "MCC")
    assert t.loc["t", ["better", "worse", "indistinguishable", "tasks"]].tolist() == [1, 1, 1, 3]
    assert "plain" not in t.index
    with pytest.raises(ValueError, match="metric 'F1'"):
        protocol.tally(p, "F1")


@pytest.mark.parametrize("kwargs, match", [
    ({"kind": "ordinal"}, "kind must be one of"),
    ({"kind": "binary", "techniques": ["magic"]}, "unknown technique 'magic'"),
    ({"kind": "binary", "techniques": ["hurdle"]}, "unknown technique 'hurdle'"),
    ({"kind": "binary", "categorical": ["no_such_column"]}, "categorical column 'no_such_column'"),
    ({"kind": "binary", "categorical": [7]}, "categorical position 7"),
    ({"kind": "binary", "techniques": []}, "techniques is empty"),
    ({"kind": "regression", "tail": "middle"}, "tail must be"),
    ({"kind": "regression", "tail_share": 1.5}, "tail_share"),
    ({"kind": "binary", "n_repeats": 0}, "n_repeats"),
])
def test_bad_arguments_are_named(kwargs, match):
    X, y = _binary_data(n=60)
    with pytest.raises(ValueError, match=match):
        compare(X, y, **kwargs)


def test_bad_targets_are_named():
    X, y = _binary_data(n=60)
    with pytest.raises(ValueError, match=r"kind='binary' needs y in \{0, 1\}"):
        compare(X, y + 1, kind="binary")
    with pytest.raises(ValueError, match="X has 59 rows but y has 60"):
        compare(X[:59], y, kind="binary")
    with pytest.raises(ValueError, match="single class"):
        compare(X, np.zeros(60, int), kind="binary")
    with pytest.raises(ValueError):
        compare(X, np.r_[np.nan, y[1:].astype(float)], kind="regression")


def test_register_refuses_duplicates_and_bad_kinds():
    with pytest.raises(ValueError, match="already registered"):
        protocol.register(protocol.TECHNIQUES["regression"]["plain"])
    with pytest.raises(ValueError, match="kinds"):
        protocol.register(Technique("x", ("ranking",), lambda ctx: None))
    with pytest.raises(TypeError, match="Technique"):
        protocol.register("plain")


@pytest.mark.parametrize("task, technique", [("steels_yield", "inverse-frequency weights"),
                                             ("liverpool_superionic", "random oversampling")])
def test_rerunning_one_cell_reproduces_the_committed_csv(task, technique):
    import importlib.util

    csv = ROOT / "benchmarks" / "evidence_matrix" / "paired.csv"
    spec = importlib.util.spec_from_file_location("evidence_matrix", ROOT / "benchmarks" / "evidence_matrix.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    committed = pd.read_csv(csv)
    committed = committed[(committed["task"] == task) & (committed["technique"] == technique)].set_index("metric")
    assert len(committed) >= 2
    fresh = bench.run_cell(task, technique).set_index("metric")
    for metric in fresh.index:
        assert fresh.loc[metric, "mean_diff"] == pytest.approx(committed.loc[metric, "mean_diff"], rel=1e-4, abs=1e-6)
        assert fresh.loc[metric, "se"] == pytest.approx(committed.loc[metric, "se"], rel=1e-4, abs=1e-6)
        assert fresh.loc[metric, "verdict"] == committed.loc[metric, "verdict"]


def test_parallel_folds_give_the_serial_numbers():
    import numpy as np

    from imbalkit.protocol import compare

    rng = np.random.default_rng(3)
    X = rng.normal(size=(240, 5))
    y = (X[:, 0] + rng.normal(size=240) > 1.4).astype(int)
    kw = dict(kind="binary", techniques=["plain", "SMOTE", "random undersampling"], n_splits=3, n_repeats=2, seed=5)
    serial, parallel = compare(X, y, **kw), compare(X, y, n_jobs=2, **kw)
    cols = ["technique", "repeat", "fold", "metric", "value"]
    pd.testing.assert_frame_equal(serial.scores[cols], parallel.scores[cols])
    pd.testing.assert_frame_equal(serial.paired, parallel.paired)
