"""Class weights for rare classes, and a sweep that scores each weighting over CV.

Three schemes, all returned as ``{class: weight}`` dictionaries that scikit-learn's
``class_weight=`` and :func:`sample_weights` accept:

* ``"inverse"``: :math:`w_c \\propto 1 / n_c` (scikit-learn's ``"balanced"``);
* ``"sqrt_inverse"``: :math:`w_c \\propto 1 / \\sqrt{n_c}`, a milder correction;
* ``"effective"``: :math:`w_c \\propto (1 - \\beta) / (1 - \\beta^{n_c})`, the inverse
  *effective number of samples* of Cui et al. (2019). ``beta -> 0`` gives equal weights,
  ``beta -> 1`` gives inverse frequency.

Normalisation: weights are scaled so that the mean *sample* weight is 1
(:math:`\\sum_c n_c w_c = N`), so the loss keeps its scale and learning rates or
regularisation strengths tuned without weights stay sensible. With ``"inverse"`` this is
exactly scikit-learn's ``"balanced"``.

Example
-------
>>> class_weights([0, 0, 0, 1])
{0: 0.6666666666666666, 1: 2.0}
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._checks import as_labels
from .cv import fold_indices, take_rows

__all__ = ["effective_number", "class_weights", "weights_from_counts", "sample_weights", "integer_copies", "replicate_by_weight", "weight_sweep", "METHODS"]

METHODS = ("inverse", "sqrt_inverse", "effective")


def effective_number(n: Any, beta: float) -> np.ndarray:
    """Effective number of samples :math:`(1 - \\beta^n) / (1 - \\beta)` (Cui et al. 2019).

    It grows like ``n`` for small ``n`` and saturates at ``1 / (1 - beta)``.

    >>> effective_number([1, 10], 0.9).round(3).tolist()
    [1.0, 6.513]
    """
    if not (0.0 <= beta < 1.0):
        raise ValueError(f"beta must be in [0, 1), got {beta}; typical values are 0.9, 0.99, 0.999, 0.9999")
    counts = np.asarray(n, dtype=float)
    if np.any(counts < 1):
        raise ValueError(f"class counts must be >= 1, got {counts.tolist()}")
    return (1.0 - beta**counts) / (1.0 - beta)


def class_weights(y: Any, method: str = "inverse", *, beta: float = 0.999) -> dict[Any, float]:
    """Per-class weights from the class counts of ``y``, mean sample weight 1.

    Parameters
    ----------
    y : class labels (of the *training* fold only)
    method : "inverse", "sqrt_inverse" or "effective"
    beta : only for ``"effective"``, in [0, 1)

    >>> class_weights([0, 0, 0, 1], "sqrt_inverse")
    {0: 0.8452994616207484, 1: 1.4641016151377544}
    >>> w = class_weights([0] * 90 + [1] * 10, "effective", beta=0.9)
    >>> round(w[1] / w[0], 2)   # milder than the inverse-frequency ratio of 9
    1.54

    Raises
    ------
    ValueError
        For missing labels (NaN, None: they are not a class), labels mixing numbers and
        text, a single class, an unknown method or ``beta`` outside [0, 1).
    """
    labels = as_labels(y, "y")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    classes, counts = np.unique(labels, return_counts=True)
    if classes.size < 2:
        raise ValueError(f"y has a single class ({classes[0]!r}); class weights need at least two classes")
    raw = weights_from_counts(counts, method, beta=beta)
    return {c.item() if hasattr(c, "item") else c: float(w) for c, w in zip(classes, raw)}


def weights_from_counts(counts: Any, method: str = "inverse", *, beta: float = 0.999) -> np.ndarray:
    """Class weights from the class counts alone, scaled so the mean weight per sample is 1
    (what :func:`class_weights` returns; streamed counts give the same weights).

    >>> weights_from_counts([3, 1]).tolist()
    [0.6666666666666666, 2.0]
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    c = np.asarray(counts, dtype=np.int64)
    if method == "inverse":
        raw = 1.0 / c
    elif method == "sqrt_inverse":
        raw = 1.0 / np.sqrt(c)
    else:
        raw = 1.0 / effective_number(c, beta)
    return raw * int(c.sum()) / np.sum(raw * c)


def sample_weights(y: Any, weights: Mapping[Any, float]) -> np.ndarray:
    """One weight per sample from a ``{class: weight}`` mapping.

    >>> sample_weights([0, 1, 1], {0: 1.0, 1: 0.5}).tolist()
    [1.0, 0.5, 0.5]
    """
    labels = as_labels(y, "y")
    missing = sorted({v.item() if hasattr(v, "item") else v for v in np.unique(labels)} - set(weights), key=str)
    if missing:
        raise ValueError(f"weights has no entry for class(es) {missing}; give a weight for every class in y")
    return np.array([weights[v.item() if hasattr(v, "item") else v] for v in labels], dtype=float)


def integer_copies(y: Any, method: str = "inverse", *, beta: float = 0.999) -> dict[Any, int]:
    """Class weights of :func:`class_weights` rounded to integer copies, the most common class
    getting 1 copy.

    >>> integer_copies([0] * 9 + [1] * 3)
    {0: 1, 1: 3}
    """
    w = class_weights(y, method, beta=beta)
    w_min = min(w.values())
    return {c: max(1, int(round(v / w_min))) for c, v in w.items()}


def replicate_by_weight(X: Any, y: Any, method: str = "inverse", *, beta: float = 0.999) -> tuple[Any, np.ndarray]:
    """Integer class weights applied by repeating rows (:func:`integer_copies` of each class).

    For gradient boosting this is the same as integer sample weights (gradients and
    hessians of a leaf are sums over rows) and avoids the slow weighted binning of
    ``HistGradientBoostingClassifier`` with ``class_weight``. Deterministic: every row of a
    class is repeated the same number of times. Use it as a sampler inside a pipeline with
    ``imblearn.FunctionSampler(func=replicate_by_weight, validate=False)``.

    >>> Xr, yr = replicate_by_weight(np.arange(5).reshape(-1, 1), [0, 0, 0, 0, 1])
    >>> yr.tolist(), Xr.ravel().tolist()
    ([0, 0, 0, 0, 1, 1, 1, 1], [0, 1, 2, 3, 4, 4, 4, 4])
    """
    labels = as_labels(y, "y")
    n = X.shape[0] if hasattr(X, "shape") else len(X)
    if n != labels.size:
        raise ValueError(f"X has {n} rows but y has {labels.size} labels")
    copies = integer_copies(labels, method, beta=beta)
    reps = np.array([copies[v.item() if hasattr(v, "item") else v] for v in labels])
    idx = np.repeat(np.arange(labels.size), reps)
    return take_rows(X, idx), labels[idx]


def weight_sweep(
    estimator: Any,
    X: Any,
    y: Any,
    settings: Mapping[str, Any],
    scorer: Callable[[np.ndarray, np.ndarray], float],
    *,
    param: str = "class_weight",
    method: str = "predict_proba",
    n_splits: int = 5,
    n_repeats: int = 2,
    seed: int = 0,
) -> pd.DataFrame:
    """Score each class-weight setting by ``scorer`` over repeated stratified CV.

    A setting is whatever ``estimator.set_params(**{param: setting})`` accepts: a dict,
    ``"balanced"``, ``None``, or a *method name* from :data:`METHODS`, which is turned into
    weights from the training fold only (:func:`class_weights`). All settings see the same
    folds, so their differences are paired.

    Returns
    -------
    DataFrame indexed by setting name with ``mean``, ``std`` and ``n_folds``.

    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.metrics import average_precision_score
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(200, 2)); y = (X[:, 0] > 1.2).astype(int)
    >>> res = weight_sweep(LogisticRegression(), X, y, {"none": None, "inverse": "inverse"},
    ...                    average_precision_score, n_splits=3, n_repeats=1)
    >>> res.index.tolist()
    ['none', 'inverse']
    """
    labels = as_labels(y, "y")
    if not settings:
        raise ValueError("settings is empty; give at least one {name: class_weight} entry")
    if param not in estimator.get_params():
        raise ValueError(f"estimator {type(estimator).__name__} has no parameter {param!r}; "
                         "pass param='<step>__class_weight' for a pipeline")
    if method not in ("predict_proba", "decision_function", "predict"):
        raise ValueError(f"method must be 'predict_proba', 'decision_function' or 'predict', got {method!r}")
    folds = fold_indices(labels.size, n_splits=n_splits, n_repeats=n_repeats, seed=seed, stratify=labels)
    rows = []
    for name, setting in settings.items():
        scores = []
        for _, _, tr, te in folds:
            value = class_weights(labels[tr], setting) if isinstance(setting, str) and setting in METHODS else setting
            model = clone(estimator).set_params(**{param: value}).fit(take_rows(X, tr), labels[tr])
            out = getattr(model, method)(take_rows(X, te))
            if method == "predict_proba":
                out = out[:, 1] if out.shape[1] == 2 else out
            scores.append(float(scorer(labels[te], out)))
        rows.append({"setting": name, "mean": float(np.mean(scores)), "std": float(np.std(scores, ddof=1)) if len(scores) > 1 else 0.0,
                     "n_folds": len(scores)})
    return pd.DataFrame(rows).set_index("setting")
