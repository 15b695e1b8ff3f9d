"""Threshold curve against scikit-learn metrics; tuning criteria; tuning stays inside training folds."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, matthews_corrcoef, precision_score, recall_score

from imbalkit.thresholds import (apply_threshold, cv_tuned_threshold, fold_metrics, threshold_curve, tune_threshold,
                                 tuned_threshold_folds)

RNG = np.random.default_rng(0)
Y = (RNG.random(400) < 0.1).astype(int)
S = np.round(np.clip(0.3 * Y + RNG.normal(0.3, 0.2, 400), 0, 1), 2)   # rounded: ties included


def test_curve_matches_sklearn_at_every_threshold() -> None:
    curve = threshold_curve(Y, S)
    assert curve["threshold"].is_monotonic_decreasing and curve["threshold"].is_unique
    for _, row in curve.iloc[::7].iterrows():
        pred = (S >= row["threshold"]).astype(int)
        assert row["precision"] == pytest.approx(precision_score(Y, pred))
        assert row["recall"] == pytest.approx(recall_score(Y, pred))
        assert row["f1"] == pytest.approx(f1_score(Y, pred))
        assert row["mcc"] == pytest.approx(matthews_corrcoef(Y, pred), abs=1e-12)


@pytest.mark.parametrize("criterion, fn", [("f1", f1_score), ("mcc", matthews_corrcoef)])
def test_tuned_threshold_is_best_on_these_data(criterion: str, fn) -> None:
    t = tune_threshold(Y, S, criterion)
    best = fn(Y, apply_threshold(S, t))
    grid = [fn(Y, (S >= u).astype(int)) for u in np.unique(S)]
    assert best == pytest.approx(max(grid))


def test_recall_at_precision() -> None:
    t = tune_threshold(Y, S, "recall_at_precision", min_precision=0.5)
    pred = apply_threshold(S, t)
    assert precision_score(Y, pred) >= 0.5
    # no threshold with precision >= 0.5 has a higher recall
    for u in np.unique(S):
        p = (S >= u).astype(int)
        if p.sum() and precision_score(Y, p) >= 0.5:
            assert recall_score(Y, p) <= recall_score(Y, pred) + 1e-12


def test_unreachable_precision() -> None:
    y, s = [0, 1, 0, 1], [0.9, 0.1, 0.8, 0.2]
    with pytest.raises(ValueError, match="no threshold reaches precision >= 0.9"):
        tune_threshold(y, s, "recall_at_precision", min_precision=0.9)
    assert tune_threshold(y, s, "recall_at_precision", min_precision=0.9, if_unreachable="max_precision") == 0.1


@pytest.mark.parametrize("kwargs, msg", [
    ({"criterion": "auc"}, "criterion must be one of"),
    ({"criterion": "recall_at_precision"}, "needs min_precision"),
    ({"criterion": "f1", "min_precision": 0.5}, "only used with"),
    ({"criterion": "f1", "if_unreachable": "skip"}, "if_unreachable must be"),
])
def test_bad_tuning_arguments(kwargs: dict, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        tune_threshold(Y, S, **kwargs)


def test_bad_labels_and_scores() -> None:
    with pytest.raises(ValueError, match="binary 0/1"):
        threshold_curve([0, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="both classes"):
        threshold_curve([0, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match="score has 1"):
        threshold_curve([0, 1], [0.1])
    with pytest.raises(ValueError, match="NaN"):
        threshold_curve([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="threshold must be finite"):
        apply_threshold([0.1], np.nan)


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 3))
    y = (X[:, 0] + rng.normal(size=400) > 2.0).astype(int)
    return X, y


@pytest.mark.parametrize("inner", ["holdout", 3])
def test_threshold_is_chosen_without_the_test_fold(inner) -> None:
    X, y = _data()
    from imbalkit.cv import fold_indices
    splits = [(tr, te) for *_, tr, te in fold_indices(400, n_splits=4, stratify=y)]
    folds = list(tuned_threshold_folds(LogisticRegression(), X, y, criterion="f1", inner=inner, splits=splits))
    assert sorted(np.concatenate([f["test"] for f in folds]).tolist()) == list(range(400))
    # corrupting one test fold's labels must not change that fold's threshold
    for k, f in enumerate(folds):
        y_bad = y.copy()
        y_bad[f["test"]] = 1 - y_bad[f["test"]]
        again = list(tuned_threshold_folds(LogisticRegression(), X, y_bad, criterion="f1", inner=inner, splits=splits))
        assert again[k]["threshold"] == f["threshold"]
        assert any(a["threshold"] != b["threshold"] for j, (a, b) in enumerate(zip(again, folds)) if j != k)


def test_cv_tuned_threshold_columns_and_metrics() -> None:
    X, y = _data()
    res = cv_tuned_threshold(LogisticRegression(), X, y, criterion="mcc", n_splits=4, n_repeats=2)
    assert len(res) == 8
    assert {"PR-AUC", "MCC", "Brier", "mean p", "prevalence", "threshold", "fit_seconds"} <= set(res.columns)
    assert np.allclose(res["prevalence"].mean(), y.mean(), atol=0.01)


def test_fold_metrics_values() -> None:
    m = fold_metrics([0, 0, 1, 1], [0.1, 0.6, 0.7, 0.9], 0.5)
    assert m["precision"] == pytest.approx(2 / 3) and m["recall"] == 1.0
    assert m["Brier"] == pytest.approx(np.mean(np.square([0.1, 0.6, 0.3, 0.1])))


def test_bad_inner() -> None:
    X, y = _data()
    with pytest.raises(ValueError, match="inner must be"):
        next(tuned_threshold_folds(LogisticRegression(), X, y, inner=1))
    with pytest.raises(ValueError, match="val_fraction"):
        next(tuned_threshold_folds(LogisticRegression(), X, y, val_fraction=1.5))
