import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from imbalkit.costbench import pareto_front, timed_cv
from imbalkit.sweeps import seed_sweep


def test_pareto_front_against_brute_force():
    rng = np.random.default_rng(1)
    c, s = rng.random(40), rng.random(40)
    front = pareto_front(c, s)
    for i in range(40):
        beaten = any((c[j] <= c[i] and s[j] > s[i]) or (c[j] < c[i] and s[j] >= s[i]) for j in range(40))
        assert front[i] == (not beaten)
    # the cheapest point and the best-scoring point are always on the front
    assert front[np.argmin(c)] and front[np.argmax(s)]


def test_pareto_front_rejects_bad_input():
    with pytest.raises(ValueError, match="equal length"):
        pareto_front([1, 2], [1])
    with pytest.raises(ValueError, match="NaN"):
        pareto_front([1, np.nan], [1, 2])


def test_timed_cv_scores_and_times():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 2)); y = (X[:, 0] > 0.8).astype(int)
    res = timed_cv(DummyClassifier(strategy="prior"), X, y, {"PR-AUC": average_precision_score}, n_splits=3, n_repeats=2)
    assert len(res) == 6 and (res["fit_seconds"] >= 0).all()
    # a constant score ranks nothing: PR-AUC equals the fold's prevalence
    assert res["PR-AUC"].between(0.1, 0.35).all()
    with pytest.raises(ValueError, match="method must be"):
        timed_cv(DummyClassifier(), X, y, {}, method="decision_function")


def test_seed_sweep_spread_zero_for_deterministic_model():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3)); y = (X[:, 0] + 0.3 * rng.normal(size=200) > 1).astype(int)
    res = seed_sweep(LogisticRegression(), X, y, {"C": [0.01, 1.0]}, average_precision_score,
                     seeds=[0, 1, 2], seed_param="random_state")
    # lbfgs logistic regression ignores random_state: every seed gives the same score
    assert np.allclose(res["sd"], 0.0) and (res["n_failed"] == 0).all()
    assert (res["mean"] > y.mean()).all()


def test_seed_sweep_errors():
    X, y = np.zeros((20, 1)), np.r_[np.zeros(10), np.ones(10)]
    with pytest.raises(ValueError, match="no parameter 'gamma'"):
        seed_sweep(LogisticRegression(), X, y, {"gamma": [1]}, average_precision_score, seed_param="random_state")
    with pytest.raises(ValueError, match="grid is empty"):
        seed_sweep(LogisticRegression(), X, y, {}, average_precision_score, seed_param="random_state")
