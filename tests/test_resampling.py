"""Resampling stays inside training folds; the minority guard; the leaky protocol inflates scores."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, recall_score
from sklearn.tree import DecisionTreeClassifier

from imbalkit.resampling import (check_minority_per_fold, cv_resampled, impossible_onehot_rows, leaky_cv, resampled,
                                 resampler_cost)


class _Recorder(ClassifierMixin, BaseEstimator):
    """Records the class counts it is fitted on (class attribute, survives clone)."""

    seen: list = []

    def fit(self, X, y):
        _Recorder.seen.append(np.bincount(np.asarray(y), minlength=2).tolist())
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        return np.full((len(X), 2), 0.5)


def _data(n: int = 300, rate: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (rng.random(n) < rate).astype(int)
    return X, y


def test_sampler_sees_training_fold_only() -> None:
    X, y = _data()
    _Recorder.seen = []
    res = cv_resampled(_Recorder(), RandomOverSampler(random_state=0), X, y, {"ap": average_precision_score},
                       n_splits=3, n_repeats=1)
    assert len(res) == 3
    for counts in _Recorder.seen:
        assert counts[0] == counts[1]                  # balanced after resampling
        assert counts[0] == pytest.approx(2 / 3 * (y == 0).sum(), abs=1)   # from 2/3 of the data only


def test_explicit_splits_e_g_a_held_out_cluster() -> None:
    X, y = _data()
    test = np.arange(250, 300)
    _Recorder.seen = []
    res = cv_resampled(_Recorder(), RandomOverSampler(random_state=0), X, y, {"ap": average_precision_score},
                       splits=[(np.arange(250), test)])
    assert len(res) == 1 and _Recorder.seen[0][0] == (y[:250] == 0).sum()


def test_guard_counts_and_message() -> None:
    y = np.array([0] * 95 + [1] * 5)
    splits = [(np.arange(100)[np.arange(100) % 5 != k], np.arange(100)[np.arange(100) % 5 == k]) for k in range(5)]
    assert check_minority_per_fold(y, splits, k_neighbors=2) >= 3
    with pytest.raises(ValueError, match=r"needs k_neighbors \+ 1 = 6; lower k_neighbors"):
        check_minority_per_fold(y, splits, k_neighbors=5)
    with pytest.raises(ValueError, match="k_neighbors must be >= 1"):
        check_minority_per_fold(y, splits, k_neighbors=0)
    with pytest.raises(ValueError, match="splits is empty"):
        check_minority_per_fold(y, [], k_neighbors=1)


def test_cv_resampled_runs_the_guard_before_fitting() -> None:
    X, y = _data(n=100, rate=0.0)
    y[:6] = 1                                         # 6 positives -> about 4 per training fold with 3 folds
    with pytest.raises(ValueError, match="k_neighbors"):
        cv_resampled(LogisticRegression(), SMOTE(k_neighbors=5), X, y, {"ap": average_precision_score}, n_splits=3)


def test_leaky_protocol_inflates_recall_on_pure_noise() -> None:
    X, y = _data(n=400, rate=0.1, seed=1)             # labels independent of X
    scorer = {"recall": recall_score}
    tree = DecisionTreeClassifier(random_state=0)
    honest = cv_resampled(tree, RandomOverSampler(random_state=0), X, y, scorer, method="predict", n_splits=4, n_repeats=1)
    leaky = leaky_cv(tree, RandomOverSampler(random_state=0), X, y, scorer, method="predict", n_splits=4, n_repeats=1)
    assert honest["recall"].mean() < 0.4 < 0.9 < leaky["recall"].mean()


def test_pipeline_does_not_resample_at_predict_time() -> None:
    X, y = _data()
    pipe = resampled(LogisticRegression(), RandomUnderSampler(random_state=0)).fit(X, y)
    assert pipe.predict_proba(X).shape == (300, 2)


def test_type_errors() -> None:
    with pytest.raises(TypeError, match="fit_resample"):
        resampled(LogisticRegression(), LogisticRegression())
    with pytest.raises(TypeError, match="fit method"):
        resampled(object(), None)
    X, y = _data()
    with pytest.raises(TypeError, match="fit_resample"):
        leaky_cv(LogisticRegression(), None, X, y, {})
    with pytest.raises(TypeError, match="fit_resample"):
        resampler_cost(None, X, y)


def test_smote_on_onehot_creates_impossible_rows() -> None:
    rng = np.random.default_rng(0)
    n = 200
    cat = rng.integers(0, 3, n)
    X = pd.DataFrame({"x": rng.normal(size=n), **{f"c{k}": (cat == k).astype(float) for k in range(3)}})
    y = (rng.random(n) < 0.15).astype(int)
    assert impossible_onehot_rows(X, [["c0", "c1", "c2"]]) == 0
    X_res, _ = SMOTE(random_state=0).fit_resample(X, y)
    assert impossible_onehot_rows(X_res, {"cat": ["c0", "c1", "c2"]}) > 0
    with pytest.raises(ValueError, match=r"not in X"):
        impossible_onehot_rows(X, [["c0", "zz"]])
    with pytest.raises(ValueError, match="groups is empty"):
        impossible_onehot_rows(X, [])
    with pytest.raises(TypeError, match="DataFrame"):
        impossible_onehot_rows(X.to_numpy(), [["c0"]])


def test_resampler_cost() -> None:
    X, y = _data()
    c = resampler_cost(RandomOverSampler(random_state=0), X, y)
    assert c["rows_out"] == 2 * (y == 0).sum() and c["minority_share_out"] == 0.5
    assert c["seconds"] >= 0 and c["peak_MiB"] > 0
