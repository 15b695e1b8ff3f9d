"""Leakage-safe resampling: samplers live inside an ``imblearn`` pipeline, so they only
ever see the training fold.

* :func:`resampled` builds the pipeline (optional scaler → sampler → model);
* :func:`check_minority_per_fold` refuses folds whose training part has too few minority
  samples for a k-nearest-neighbour sampler (SMOTE, ADASYN, ...), and says what to do;
* :func:`cv_resampled` scores the pipeline over repeated stratified CV or explicit
  (train, test) splits such as a held-out chemical cluster;
* :func:`leaky_cv` runs the *wrong* protocol (resample everything, then split) so its
  inflated score can be measured. Never use it for a real estimate;
* :func:`impossible_onehot_rows` counts rows whose one-hot block is not a valid one-hot
  vector (what SMOTE does to categorical columns);
* :func:`resampler_cost` measures time, peak memory and output size of one resampling.

Example
-------
>>> from imblearn.over_sampling import RandomOverSampler
>>> from sklearn.linear_model import LogisticRegression
>>> resampled(LogisticRegression(), RandomOverSampler(random_state=0)).steps[0][0]
'sampler'
"""
from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.base import clone

from ._checks import as_1d
from .cv import fold_indices, repeated_cv

__all__ = ["resampled", "check_minority_per_fold", "cv_resampled", "leaky_cv", "impossible_onehot_rows", "resampler_cost"]


def resampled(estimator: Any, sampler: Any | None, *, scaler: Any | None = None) -> Pipeline:
    """An ``imblearn`` pipeline ``[scaler] → sampler → estimator``.

    The sampler runs in ``fit`` only; ``predict``/``predict_proba`` pass test rows
    through untouched. ``sampler=None`` gives the plain model in the same wrapper.

    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> [name for name, _ in resampled(DecisionTreeClassifier(), None, scaler=StandardScaler()).steps]
    ['scaler', 'sampler', 'model']
    """
    if sampler is not None and not hasattr(sampler, "fit_resample"):
        raise TypeError(f"sampler must be an imblearn sampler with fit_resample, got {type(sampler).__name__}")
    if not hasattr(estimator, "fit"):
        raise TypeError(f"estimator must have a fit method, got {type(estimator).__name__}")
    steps = [("scaler", scaler)] if scaler is not None else []
    steps += [("sampler", sampler), ("model", estimator)]
    return Pipeline(steps)


def _k_neighbors(sampler: Any) -> int | None:
    """The number of neighbours a sampler needs among minority samples, or None."""
    if sampler is None:
        return None
    params = sampler.get_params()
    for key in ("k_neighbors", "n_neighbors"):
        if key in params and params[key] is not None:
            value = params[key]
            return int(value) if isinstance(value, (int, np.integer)) else int(getattr(value, "n_neighbors", 5))
    return None


def check_minority_per_fold(
    y: Any,
    splits: Iterable[tuple[np.ndarray, np.ndarray]],
    k_neighbors: int = 5,
) -> int:
    """Check every training fold has at least ``k_neighbors + 1`` samples of each class.

    SMOTE-type samplers interpolate between a minority sample and one of its
    ``k_neighbors`` minority neighbours, so a training fold needs ``k_neighbors + 1``
    minority samples. Returns the smallest minority count found.

    >>> y = np.array([0] * 40 + [1] * 10)  # doctest: +ELLIPSIS
    >>> check_minority_per_fold(y, [(np.arange(45), np.arange(45, 50))], k_neighbors=4)
    5
    >>> check_minority_per_fold(y, [(np.arange(45), np.arange(45, 50))], k_neighbors=5)
    Traceback (most recent call last):
    ...
    ValueError: training fold 0 has only 5 sample(s) of class 1 but the sampler needs k_neighbors + 1 = 6; ...
    """
    labels = as_1d(y, "y")
    if k_neighbors < 1:
        raise ValueError(f"k_neighbors must be >= 1, got {k_neighbors}")
    classes = np.unique(labels)
    smallest = None
    for k, (tr, _) in enumerate(splits):
        counts = {c: int(np.sum(labels[np.asarray(tr)] == c)) for c in classes}
        c_min = min(counts, key=counts.get)
        c_min = c_min.item() if hasattr(c_min, "item") else c_min
        n_min = counts[c_min]
        if n_min < k_neighbors + 1:
            raise ValueError(
                f"training fold {k} has only {n_min} sample(s) of class {c_min!r} but the sampler needs "
                f"k_neighbors + 1 = {k_neighbors + 1}; lower k_neighbors (e.g. k_neighbors={max(1, n_min - 1)}), "
                "use fewer folds, merge rare classes, or use RandomOverSampler / class weights, which need no neighbours"
            )
        smallest = n_min if smallest is None else min(smallest, n_min)
    if smallest is None:
        raise ValueError("splits is empty")
    return smallest


def _folds(y: np.ndarray, splits: Iterable | None, n_splits: int, n_repeats: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    if splits is not None:
        return [(np.asarray(tr), np.asarray(te)) for tr, te in splits]
    return [(tr, te) for *_, tr, te in fold_indices(y.size, n_splits=n_splits, n_repeats=n_repeats, seed=seed, stratify=y)]


def cv_resampled(
    estimator: Any,
    sampler: Any | None,
    X: Any,
    y: Any,
    scorers: Mapping[str, Callable[[np.ndarray, np.ndarray], float]],
    *,
    scaler: Any | None = None,
    method: str = "predict_proba",
    n_splits: int = 5,
    n_repeats: int = 2,
    seed: int = 0,
    splits: Iterable[tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """Repeated stratified CV (or explicit ``splits``) of ``[scaler] → sampler → estimator``,
    with resampling inside each training fold only.

    Before any fitting, :func:`check_minority_per_fold` verifies that a neighbour-based
    sampler has enough minority samples in every training fold.

    Returns the per-fold DataFrame of :func:`imbalkit.cv.repeated_cv`.

    >>> from imblearn.over_sampling import SMOTE
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.metrics import average_precision_score
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(200, 2)); y = (X[:, 0] > 1.0).astype(int)
    >>> res = cv_resampled(LogisticRegression(), SMOTE(random_state=0), X, y, {"PR-AUC": average_precision_score},
    ...                    n_splits=3, n_repeats=1)
    >>> res.shape
    (3, 3)
    """
    labels = as_1d(y, "y")
    folds = _folds(labels, splits, n_splits, n_repeats, seed)
    k = _k_neighbors(sampler)
    if k is not None:
        check_minority_per_fold(labels, folds, k)
    pipe = resampled(estimator, sampler, scaler=scaler)
    if splits is None:
        return repeated_cv(pipe, X, labels, scorers, n_splits=n_splits, n_repeats=n_repeats, seed=seed,
                           stratify=labels, method=method)
    return repeated_cv(pipe, X, labels, scorers, method=method, splits=folds)


def leaky_cv(
    estimator: Any,
    sampler: Any,
    X: Any,
    y: Any,
    scorers: Mapping[str, Callable[[np.ndarray, np.ndarray], float]],
    *,
    method: str = "predict_proba",
    n_splits: int = 5,
    n_repeats: int = 2,
    seed: int = 0,
) -> pd.DataFrame:
    """The WRONG protocol, for demonstration only: resample the whole data set, then run
    stratified CV on the resampled rows.

    Test folds then hold duplicates or interpolations of training rows, and are balanced
    instead of having the real prevalence, so the score is inflated. Compare with
    :func:`cv_resampled` on the same data to measure the inflation.

    >>> from imblearn.over_sampling import RandomOverSampler
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sklearn.metrics import recall_score
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(300, 2)); y = (rng.random(300) < 0.1).astype(int)
    >>> leak = leaky_cv(DecisionTreeClassifier(random_state=0), RandomOverSampler(random_state=0), X, y,
    ...                 {"recall": recall_score}, method="predict", n_splits=3, n_repeats=1)
    >>> bool(leak["recall"].mean() > 0.9)    # pure noise, yet "recall" is high: copies leak into test folds
    True
    """
    if sampler is None or not hasattr(sampler, "fit_resample"):
        raise TypeError("leaky_cv needs an imblearn sampler with fit_resample")
    labels = as_1d(y, "y")
    X_res, y_res = clone(sampler).fit_resample(X, labels)
    return repeated_cv(estimator, X_res, np.asarray(y_res), scorers, n_splits=n_splits, n_repeats=n_repeats, seed=seed,
                       stratify=np.asarray(y_res), method=method)


def impossible_onehot_rows(X: Any, groups: Mapping[str, Sequence[str]] | Sequence[Sequence[str]], *, atol: float = 1e-9) -> int:
    """Number of rows in which some one-hot column group is not a valid one-hot vector
    (an entry other than 0/1, or not exactly one 1).

    ``X`` is a DataFrame; ``groups`` lists the column names of each one-hot encoded
    categorical feature.

    >>> df = pd.DataFrame({"a": [1.0, 0.4], "b": [0.0, 0.6], "x": [3.0, 2.0]})
    >>> impossible_onehot_rows(df, [["a", "b"]])
    1
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError("X must be a pandas DataFrame so one-hot columns can be named")
    group_list = list(groups.values()) if isinstance(groups, Mapping) else list(groups)
    if not group_list:
        raise ValueError("groups is empty; give the column names of at least one one-hot group")
    bad = np.zeros(len(X), dtype=bool)
    for cols in group_list:
        missing = [c for c in cols if c not in X.columns]
        if missing:
            raise ValueError(f"one-hot column(s) {missing} not in X")
        block = X[list(cols)].to_numpy(dtype=float)
        is_binary = np.all(np.isclose(block, 0, atol=atol) | np.isclose(block, 1, atol=atol), axis=1)
        one_hot = np.isclose(block.sum(axis=1), 1, atol=atol)
        bad |= ~(is_binary & one_hot)
    return int(bad.sum())


def resampler_cost(sampler: Any, X: Any, y: Any) -> dict[str, float]:
    """Wall time (s), peak Python memory (MiB, via ``tracemalloc``) and output size of one
    ``fit_resample`` call.

    >>> from imblearn.under_sampling import RandomUnderSampler
    >>> c = resampler_cost(RandomUnderSampler(random_state=0), np.zeros((10, 2)), [0] * 8 + [1] * 2)
    >>> c["rows_out"], c["minority_share_out"]
    (4, 0.5)
    """
    if sampler is None or not hasattr(sampler, "fit_resample"):
        raise TypeError("sampler must be an imblearn sampler with fit_resample")
    labels = as_1d(y, "y")
    tracemalloc.start()
    start = time.perf_counter()
    try:
        _, y_res = clone(sampler).fit_resample(X, labels)
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    y_res = np.asarray(y_res)
    values, counts = np.unique(y_res, return_counts=True)
    return {"seconds": seconds, "peak_MiB": peak / 2**20, "rows_in": int(labels.size), "rows_out": int(y_res.size),
            "minority_share_out": float(counts.min() / counts.sum())}
