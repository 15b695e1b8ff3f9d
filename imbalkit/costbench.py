"""Score *and* cost: cross-validation that also records each fit's time, and the Pareto
front of score against fit time.

Example
-------
>>> import numpy as np
>>> from sklearn.linear_model import LogisticRegression
>>> from sklearn.metrics import average_precision_score
>>> rng = np.random.default_rng(0); X = rng.normal(size=(120, 3)); y = (X[:, 0] > 1).astype(int)
>>> res = timed_cv(LogisticRegression(), X, y, {"PR-AUC": average_precision_score}, n_splits=3, n_repeats=1)
>>> sorted(res.columns)
['PR-AUC', 'fit_seconds', 'fold', 'repeat']
>>> pareto_front([1.0, 2.0, 3.0], [0.5, 0.4, 0.9]).tolist()
[True, False, True]
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._checks import as_1d
from .cv import fold_indices, take_rows

__all__ = ["timed_cv", "pareto_front"]


def timed_cv(
    estimator: Any,
    X: Any,
    y: Any,
    scorers: Mapping[str, Callable[[np.ndarray, np.ndarray], float]],
    *,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    method: str = "predict_proba",
) -> pd.DataFrame:
    """Repeated stratified k-fold CV; each row holds the fold's scores and ``fit_seconds``
    (CPU time of the process spent in ``fit``, so a loaded machine does not inflate it).

    ``method`` is ``"predict_proba"`` (positive-class column is scored) or ``"predict"``.
    """
    if method not in ("predict_proba", "predict"):
        raise ValueError(f"method must be 'predict_proba' or 'predict', got {method!r}")
    yarr = as_1d(y)
    rows = []
    for r, k, tr, te in fold_indices(yarr.size, n_splits=n_splits, n_repeats=n_repeats, seed=seed, stratify=yarr):
        model = clone(estimator)
        t0 = time.process_time()
        model.fit(take_rows(X, tr), yarr[tr])
        seconds = time.process_time() - t0
        out = getattr(model, method)(take_rows(X, te))
        if method == "predict_proba":
            out = out[:, 1]
        row = {"repeat": r, "fold": k, "fit_seconds": seconds}
        row.update({name: float(f(yarr[te], out)) for name, f in scorers.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def pareto_front(cost: Any, score: Any) -> np.ndarray:
    """True where no other point has lower-or-equal cost *and* a strictly higher score
    (or strictly lower cost and an equal-or-higher score): the settings worth paying for.

    >>> pareto_front([1, 1, 2], [0.3, 0.5, 0.5]).tolist()
    [False, True, False]
    """
    c, s = np.asarray(cost, float), np.asarray(score, float)
    if c.shape != s.shape or c.ndim != 1:
        raise ValueError(f"cost and score must be 1-D and of equal length, got shapes {c.shape} and {s.shape}")
    if np.isnan(c).any() or np.isnan(s).any():
        raise ValueError("cost and score must not contain NaN")
    keep = np.ones(c.size, bool)
    for i in range(c.size):
        dominated = ((c <= c[i]) & (s > s[i])) | ((c < c[i]) & (s >= s[i]))
        keep[i] = not dominated.any()
    return keep
