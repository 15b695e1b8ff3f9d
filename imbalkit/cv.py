"""Repeated cross-validation with uncertainty: every comparison in the book reports the
mean ± standard deviation over folds and seeds, computed here.

Example
-------
>>> from sklearn.linear_model import LinearRegression
>>> import numpy as np
>>> X = np.arange(40.0).reshape(-1, 1); y = 2 * X.ravel()
>>> scores = repeated_cv(LinearRegression(), X, y, {"MAE": mae}, n_splits=4, n_repeats=2)
>>> scores.shape
(8, 3)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import KFold, StratifiedKFold

from ._checks import as_1d

__all__ = ["mae", "take_rows", "fold_indices", "cross_val_predictions", "repeated_predictions", "repeated_cv", "summarize", "pm"]

Scorer = Callable[[np.ndarray, np.ndarray], float]


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error.

    >>> mae([0, 2], [1, 2])
    0.5
    """
    return float(np.mean(np.abs(np.asarray(y_pred, float) - np.asarray(y_true, float))))


def fold_indices(
    n: int,
    *,
    n_splits: int = 5,
    n_repeats: int = 1,
    seed: int = 0,
    stratify: Any = None,
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """(repeat, fold, train_idx, test_idx) for repeated (stratified) k-fold.

    ``stratify`` holds class labels or bin labels; each class must have at least
    ``n_splits`` members, otherwise a ``ValueError`` names the class.

    >>> [len(t) for *_, t in fold_indices(10, n_splits=5)]
    [2, 2, 2, 2, 2]
    """
    if n_splits < 2:
        raise ValueError(f"n_splits must be at least 2, got {n_splits}")
    if n < n_splits:
        raise ValueError(f"cannot split {n} samples into {n_splits} folds")
    out = []
    if stratify is not None:
        strat = as_1d(stratify, "stratify")
        if strat.size != n:
            raise ValueError(f"stratify has {strat.size} labels for {n} samples")
        values, counts = np.unique(strat, return_counts=True)
        small = values[counts < n_splits]
        if small.size:
            raise ValueError(
                f"class/bin {small.tolist()} has fewer members ({counts[counts < n_splits].tolist()}) than "
                f"n_splits={n_splits}; merge rare bins, lower n_splits, or use an unstratified split"
            )
    for r in range(n_repeats):
        if stratify is not None:
            splitter = StratifiedKFold(n_splits, shuffle=True, random_state=seed + r)
            splits = splitter.split(np.zeros(n), strat)
        else:
            splits = KFold(n_splits, shuffle=True, random_state=seed + r).split(np.zeros(n))
        out += [(r, k, tr, te) for k, (tr, te) in enumerate(splits)]
    return out


def take_rows(X: Any, idx: np.ndarray) -> Any:
    """Rows ``idx`` of a DataFrame/Series (by position) or of an array-like.

    >>> take_rows(pd.Series([5, 6, 7]), np.array([2, 0])).tolist()
    [7, 5]
    """
    return X.iloc[idx] if isinstance(X, (pd.DataFrame, pd.Series)) else np.asarray(X)[idx]


def cross_val_predictions(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    n_splits: int = 5,
    seed: int = 0,
    stratify: Any = None,
    method: str = "predict",
) -> np.ndarray:
    """Out-of-fold predictions (one k-fold pass). ``method="predict_proba"`` returns the
    probability of the last class for binary problems.

    >>> from sklearn.dummy import DummyRegressor
    >>> cross_val_predictions(DummyRegressor(), np.zeros((4, 1)), [0, 0, 4, 4], n_splits=2).shape
    (4,)
    """
    yarr = as_1d(y)
    n = yarr.size
    out: np.ndarray | None = None
    for _, _, tr, te in fold_indices(n, n_splits=n_splits, seed=seed, stratify=stratify):
        model = clone(estimator).fit(take_rows(X, tr), yarr[tr])
        pred = getattr(model, method)(take_rows(X, te))
        if method == "predict_proba" and pred.ndim == 2 and pred.shape[1] == 2:
            pred = pred[:, 1]
        if out is None:
            out = np.empty((n,) + pred.shape[1:], dtype=float if method != "predict" or np.asarray(pred).dtype.kind in "fc" else pred.dtype)
        out[te] = pred
    assert out is not None
    return out


def repeated_predictions(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    n_repeats: int = 3,
    n_splits: int = 5,
    seed: int = 0,
    stratify: Any = None,
    method: str = "predict",
) -> np.ndarray:
    """Out-of-fold predictions for ``n_repeats`` differently seeded k-fold passes,
    shape (n_repeats, n_samples): row ``r`` uses seed ``seed + r``.

    >>> from sklearn.dummy import DummyRegressor
    >>> repeated_predictions(DummyRegressor(), np.zeros((6, 1)), np.arange(6.0), n_repeats=2, n_splits=3).shape
    (2, 6)
    """
    if n_repeats < 1:
        raise ValueError(f"n_repeats must be at least 1, got {n_repeats}")
    return np.stack([
        cross_val_predictions(estimator, X, y, n_splits=n_splits, seed=seed + r, stratify=stratify, method=method)
        for r in range(n_repeats)
    ])


def repeated_cv(
    estimator: Any,
    X: Any,
    y: Any,
    scorers: Mapping[str, Scorer],
    *,
    n_splits: int = 5,
    n_repeats: int = 3,
    seed: int = 0,
    stratify: Any = None,
    method: str = "predict",
    splits: Iterable[tuple[np.ndarray, np.ndarray]] | None = None,
    fit_params: Callable[[np.ndarray], dict] | None = None,
) -> pd.DataFrame:
    """Score a model on every fold of repeated k-fold CV.

    Parameters
    ----------
    scorers : name -> f(y_true, y_score) on the test fold
    method : "predict", "predict_proba" (positive-class probability) or "decision_function"
    splits : explicit (train, test) index pairs (e.g. a cluster hold-out); overrides k-fold
    fit_params : f(y_train) -> keyword arguments for ``fit`` (e.g. sample weights computed
        from the training fold only)

    Returns
    -------
    DataFrame with columns ``repeat``, ``fold`` and one per scorer.
    """
    yarr = as_1d(y)
    if splits is None:
        folds = fold_indices(yarr.size, n_splits=n_splits, n_repeats=n_repeats, seed=seed, stratify=stratify)
    else:
        folds = [(0, k, np.asarray(tr), np.asarray(te)) for k, (tr, te) in enumerate(splits)]
    rows = []
    for r, k, tr, te in folds:
        kwargs = fit_params(yarr[tr]) if fit_params else {}
        model = clone(estimator).fit(take_rows(X, tr), yarr[tr], **kwargs)
        score = getattr(model, method)(take_rows(X, te))
        if method == "predict_proba":
            score = score[:, 1] if score.shape[1] == 2 else score
        row = {"repeat": r, "fold": k}
        row.update({name: float(f(yarr[te], score)) for name, f in scorers.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def pm(mean: float, std: float, digits: int = 3) -> str:
    """Format ``mean ± std``.

    >>> pm(0.12345, 0.0123)
    '0.123 ± 0.012'
    """
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def summarize(scores: pd.DataFrame, *, digits: int = 3) -> pd.DataFrame:
    """Mean ± std (over all folds and repeats) of each score column of :func:`repeated_cv`.

    >>> summarize(pd.DataFrame({"repeat": [0, 0], "fold": [0, 1], "MAE": [1.0, 3.0]}))["MAE"].iloc[0]
    '2.000 ± 1.414'
    """
    cols = [c for c in scores.columns if c not in ("repeat", "fold")]
    if not cols:
        raise ValueError("scores has no score columns besides 'repeat' and 'fold'")
    return pd.DataFrame({c: [pm(scores[c].mean(), scores[c].std(ddof=1), digits)] for c in cols})
