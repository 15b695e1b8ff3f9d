from __future__ import annotations

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LinearRegression

from imbalkit import cv


def test_fold_indices_partition_every_repeat() -> None:
    folds = cv.fold_indices(23, n_splits=5, n_repeats=3, seed=4)
    assert len(folds) == 15
    for r in range(3):
        tests = np.concatenate([te for rr, _, _, te in folds if rr == r])
        assert sorted(tests.tolist()) == list(range(23))
    for _, _, tr, te in folds:
        assert not set(tr) & set(te)


def test_stratified_folds_keep_the_rare_class_in_every_fold() -> None:
    y = np.r_[np.zeros(95), np.ones(5)]
    for *_, te in cv.fold_indices(100, n_splits=5, stratify=y):
        assert y[te].sum() == 1


def test_stratify_error_names_class() -> None:
    y = np.r_[np.zeros(20), np.ones(3)]
    with pytest.raises(ValueError, match=r"class/bin \[1.0\] has fewer members \(\[3\]\) than n_splits=5"):
        cv.fold_indices(23, n_splits=5, stratify=y)
    with pytest.raises(ValueError, match="cannot split 3 samples"):
        cv.fold_indices(3, n_splits=5)


def test_repeated_cv_reproducible_and_correct() -> None:
    X = np.arange(30.0).reshape(-1, 1)
    y = 3 * X.ravel() + 1
    a = cv.repeated_cv(LinearRegression(), X, y, {"MAE": cv.mae}, n_splits=3, n_repeats=2, seed=7)
    b = cv.repeated_cv(LinearRegression(), X, y, {"MAE": cv.mae}, n_splits=3, n_repeats=2, seed=7)
    assert a.equals(b) and len(a) == 6
    assert a["MAE"].max() < 1e-9


def test_repeated_cv_fit_params_see_training_fold_only() -> None:
    seen = []

    def params(y_train: np.ndarray) -> dict:
        seen.append(len(y_train))
        return {"sample_weight": np.ones(len(y_train))}

    X, y = np.zeros((20, 1)), np.arange(20.0)
    cv.repeated_cv(DummyRegressor(), X, y, {"MAE": cv.mae}, n_splits=4, n_repeats=1, fit_params=params)
    assert seen == [15, 15, 15, 15]


def test_cross_val_predictions_proba_and_explicit_splits() -> None:
    X, y = np.zeros((10, 1)), np.r_[np.zeros(7), np.ones(3)]
    p = cv.cross_val_predictions(DummyClassifier(strategy="prior"), X, y, n_splits=2, stratify=y, method="predict_proba")
    assert p.shape == (10,) and np.all((p > 0) & (p < 1))
    splits = [(np.arange(5), np.arange(5, 10)), (np.arange(5, 10), np.arange(5))]
    s = cv.repeated_cv(DummyRegressor(), X, y, {"MAE": cv.mae}, splits=splits)
    assert len(s) == 2


def test_summarize_and_pm() -> None:
    import pandas as pd

    s = cv.summarize(pd.DataFrame({"repeat": [0, 0, 0], "fold": [0, 1, 2], "A": [1.0, 2.0, 3.0]}))
    assert s["A"].iloc[0] == "2.000 ± 1.000"
    with pytest.raises(ValueError, match="no score columns"):
        cv.summarize(pd.DataFrame({"repeat": [0], "fold": [0]}))
    assert cv.pm(1, 0.5, digits=1) == "1.0 ± 0.5"
