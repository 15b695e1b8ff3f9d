"""Cost-sensitive decisions: act on probabilities with a cost matrix.

Convention: ``cost[i, j]`` is the cost of *predicting* class ``j`` when the *true* class is
``i`` (rows = truth, columns = decision), the same layout as
``sklearn.metrics.confusion_matrix``. For a binary problem with missed positives 10× as
costly as false alarms: ``[[0, 1], [10, 0]]``.

The minimum-expected-cost decision picks, for each sample, the column ``j`` that minimises
:math:`\\sum_i p_i\\,C_{ij}` (Elkan 2001). For binary problems this is a threshold on the
positive-class probability, :func:`bayes_threshold`.

Example
-------
>>> min_cost_decision([0.05, 0.2], [[0, 1], [10, 0]]).tolist()
[0, 1]
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix

from ._checks import as_1d

__all__ = ["check_cost_matrix", "bayes_threshold", "min_cost_decision", "decision_cost"]


def check_cost_matrix(cost: Any, n_classes: int | None = None) -> np.ndarray:
    """Validate a cost matrix and return it as a float array.

    >>> check_cost_matrix([[0, 1], [5, 0]]).shape
    (2, 2)
    """
    c = np.asarray(cost, dtype=float)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or c.shape[0] < 2:
        raise ValueError(f"cost must be a square matrix with at least 2 classes (rows = truth, columns = decision), got shape {c.shape}")
    if n_classes is not None and c.shape[0] != n_classes:
        raise ValueError(f"cost is {c.shape[0]}x{c.shape[0]} but the probabilities have {n_classes} classes")
    if not np.all(np.isfinite(c)):
        raise ValueError("cost has NaN or infinite entries")
    if np.any(np.diag(c)[:, None] > c + 1e-12):
        raise ValueError("cost has a correct decision (diagonal) that costs more than a wrong one in the same row; "
                         "check the layout: rows = true class, columns = decision")
    return c


def bayes_threshold(cost: Any) -> float:
    """Probability threshold that minimises the expected cost of a binary decision.

    Predict positive when :math:`p \\ge t` with
    :math:`t = (C_{01} - C_{00}) / (C_{01} - C_{00} + C_{10} - C_{11})`.

    >>> bayes_threshold([[0, 1], [9, 0]])
    0.1
    """
    c = check_cost_matrix(cost, 2)
    fp = c[0, 1] - c[0, 0]
    fn = c[1, 0] - c[1, 1]
    if fp + fn <= 0:
        raise ValueError("cost makes every decision equally good (no penalty for mistakes)")
    return float(fp / (fp + fn))


def _as_proba(proba: Any) -> np.ndarray:
    p = np.asarray(proba, dtype=float)
    if p.ndim == 1:
        p = np.column_stack([1.0 - p, p])
    if p.ndim != 2 or p.shape[0] == 0:
        raise ValueError(f"proba must be 1-D (positive-class probability) or 2-D (n_samples, n_classes), got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < -1e-9) or np.any(p > 1 + 1e-9):
        raise ValueError("proba must hold finite probabilities in [0, 1]")
    if np.any(np.abs(p.sum(axis=1) - 1.0) > 1e-6):
        raise ValueError("each row of proba must sum to 1")
    return p


def min_cost_decision(proba: Any, cost: Any) -> np.ndarray:
    """Index of the decision with the lowest expected cost for each sample.

    Parameters
    ----------
    proba : positive-class probabilities (1-D, binary) or an (n_samples, n_classes) array
    cost : (n_classes, n_classes) matrix, rows = truth, columns = decision

    >>> min_cost_decision([[0.7, 0.2, 0.1]], [[0, 1, 1], [1, 0, 1], [20, 20, 0]]).tolist()
    [2]
    """
    p = _as_proba(proba)
    c = check_cost_matrix(cost, p.shape[1])
    return np.argmin(p @ c, axis=1)


def decision_cost(y_true: Any, y_pred: Any, cost: Any, *, normalize: bool = False) -> float:
    """Total (or, with ``normalize=True``, mean per sample) cost of decisions on a test set.

    Labels must be the integers ``0 .. n_classes - 1`` that index the cost matrix.

    >>> decision_cost([0, 1, 1], [1, 0, 1], [[0, 1], [10, 0]])
    11.0
    """
    yt = as_1d(y_true, "y_true")
    yp = as_1d(y_pred, "y_pred")
    if yt.size != yp.size:
        raise ValueError(f"y_true has {yt.size} labels but y_pred has {yp.size}")
    c = check_cost_matrix(cost)
    k = c.shape[0]
    for name, arr in (("y_true", yt), ("y_pred", yp)):
        bad = np.setdiff1d(arr, np.arange(k))
        if bad.size:
            raise ValueError(f"{name} has label(s) {bad[:5].tolist()} outside 0..{k - 1}; encode classes as row indices of cost")
    cm = confusion_matrix(yt, yp, labels=np.arange(k))
    total = float(np.sum(cm * c))
    return total / yt.size if normalize else total
