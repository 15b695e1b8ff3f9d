"""The two-stage (hurdle) regressor: its combination rules and the scikit-learn API."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from imbalkit.hurdle import HurdleRegressor


def _data(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = np.where(X[:, 0] > 0, 2.0 + X[:, 1], 0.0)  # zero for half the rows
    return X, y


def test_expected_is_probability_times_conditional_mean() -> None:
    X, y = _data()
    m = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, y)
    p, mu = m.predict_nonzero_proba(X), m.predict_conditional(X)
    np.testing.assert_allclose(m.predict(X), p * mu)
    # the regressor stage saw the non-zero rows only: it recovers y = 2 + x1 exactly
    np.testing.assert_allclose(mu, 2.0 + X[:, 1], atol=1e-8)
    assert m.zero_fraction_ == pytest.approx(np.mean(y == 0))


def test_gate_gives_exact_zeros_and_unshrunk_values() -> None:
    X, y = _data()
    m = HurdleRegressor(LogisticRegression(C=100), LinearRegression(), combine="gate", threshold=0.5).fit(X, y)
    pred, p = m.predict(X), m.predict_nonzero_proba(X)
    assert np.all(pred[p < 0.5] == 0.0)
    np.testing.assert_allclose(pred[p >= 0.5], m.predict_conditional(X)[p >= 0.5])
    assert np.mean(np.abs(pred - y)) < 0.1


def test_zero_tol_treats_small_values_as_zero() -> None:
    X = np.arange(20.0).reshape(-1, 1)
    y = np.where(X[:, 0] < 10, 1e-4, 5.0)
    m = HurdleRegressor(zero_tol=1e-3).fit(X, y)
    assert m.zero_fraction_ == 0.5


def test_clone_get_set_params() -> None:
    m = HurdleRegressor(LogisticRegression(C=3.0), LinearRegression(), combine="gate", threshold=0.3)
    c = clone(m)
    assert c.get_params()["classifier__C"] == 3.0 and c.threshold == 0.3 and c.combine == "gate"
    c.set_params(classifier__C=0.5, threshold=0.7)
    assert c.classifier.C == 0.5 and m.classifier.C == 3.0 and c.threshold == 0.7
    assert not hasattr(c, "classifier_")


def test_pipeline_and_cross_val_score() -> None:
    X, y = _data(300)
    pipe = make_pipeline(StandardScaler(), HurdleRegressor(LogisticRegression(), RandomForestRegressor(20, random_state=0)))
    scores = cross_val_score(pipe, X, y, cv=3, scoring="neg_mean_absolute_error")
    baseline = cross_val_score(make_pipeline(StandardScaler(), LinearRegression()), X, y, cv=3,
                               scoring="neg_mean_absolute_error")
    assert scores.shape == (3,) and np.all(np.isfinite(scores))
    assert scores.mean() > baseline.mean()  # the two-stage model beats a straight line here


def test_sample_weight_reaches_both_stages() -> None:
    X, y = _data()
    w = np.where(y > 2.5, 10.0, 1.0)
    a = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, y)
    b = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, y, sample_weight=w)
    assert not np.allclose(a.predict_nonzero_proba(X), b.predict_nonzero_proba(X))


def test_errors() -> None:
    X, y = _data(40)
    with pytest.raises(ValueError, match="no non-zero targets"):
        HurdleRegressor().fit(X, np.zeros(40))
    with pytest.raises(ValueError, match="no zero targets"):
        HurdleRegressor().fit(X, np.ones(40))
    with pytest.raises(ValueError, match="combine must be"):
        HurdleRegressor(combine="mean").fit(X, y)
    with pytest.raises(ValueError, match="threshold must be a probability"):
        HurdleRegressor(threshold=1.5).fit(X, y)
    with pytest.raises(ValueError, match="NaN or infinite"):
        HurdleRegressor().fit(X, np.r_[y[:-1], np.nan])
    with pytest.raises(TypeError, match="predict_proba"):
        HurdleRegressor(classifier=LinearSVC()).fit(X, y)
    m = HurdleRegressor().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        m.predict(np.zeros((2, 5)))
