"""Minimum-expected-cost decisions checked against brute force and the closed-form threshold."""
from __future__ import annotations

import numpy as np
import pytest

from imbalkit.costs import bayes_threshold, check_cost_matrix, decision_cost, min_cost_decision

COST = [[0, 1], [10, 0]]


def test_binary_decision_is_the_bayes_threshold() -> None:
    p = np.linspace(0, 1, 101)
    t = bayes_threshold(COST)
    assert np.isclose(t, 1 / 11)
    d = min_cost_decision(p, COST)
    assert np.array_equal(d[p > t + 1e-9], np.ones((p > t + 1e-9).sum()))
    assert np.array_equal(d[p < t - 1e-9], np.zeros((p < t - 1e-9).sum()))


def test_multiclass_decision_minimises_expected_cost() -> None:
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(3), size=50)
    c = np.array([[0, 2, 3], [1, 0, 4], [9, 7, 0]], float)
    d = min_cost_decision(p, c)
    brute = np.array([np.argmin([sum(p[n, i] * c[i, j] for i in range(3)) for j in range(3)]) for n in range(50)])
    assert np.array_equal(d, brute)


def test_zero_one_cost_gives_argmax() -> None:
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(4), size=30)
    assert np.array_equal(min_cost_decision(p, 1 - np.eye(4)), p.argmax(axis=1))


def test_decision_cost_total_and_mean() -> None:
    y, pred = [0, 0, 1, 1, 1], [1, 0, 0, 0, 1]
    assert decision_cost(y, pred, COST) == 1 + 10 + 10
    assert decision_cost(y, pred, COST, normalize=True) == pytest.approx(21 / 5)


@pytest.mark.parametrize("cost, msg", [
    ([[0, 1, 2]], "square matrix"),
    ([[0, np.nan], [1, 0]], "NaN or infinite"),
    ([[5, 1], [1, 0]], "diagonal"),
])
def test_bad_cost_matrix(cost: list, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        check_cost_matrix(cost)


def test_shape_mismatch_and_bad_proba() -> None:
    with pytest.raises(ValueError, match="3 classes"):
        min_cost_decision([[0.2, 0.3, 0.5]], COST)
    with pytest.raises(ValueError, match="sum to 1"):
        min_cost_decision([[0.2, 0.3]], COST)
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        min_cost_decision([1.5], COST)
    with pytest.raises(ValueError, match="no penalty"):
        bayes_threshold([[0, 0], [0, 0]])


def test_decision_cost_errors() -> None:
    with pytest.raises(ValueError, match="y_pred has 1"):
        decision_cost([0, 1], [1], COST)
    with pytest.raises(ValueError, match=r"label\(s\) \[2\] outside 0..1"):
        decision_cost([0, 2], [0, 1], COST)
