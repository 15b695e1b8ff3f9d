"""Decision-threshold tuning on the precision–recall curve, chosen on validation data only.

A classifier's default cut at probability 0.5 is rarely the best one for a rare class.
:func:`tune_threshold` picks the cut that maximises F1 or MCC, or the one with the highest
recall among cuts whose precision is at least ``min_precision``. The rule is always
*positive when score >= threshold* (as in ``sklearn.metrics.precision_recall_curve``).

Picking the threshold on the test fold inflates the score; :func:`cv_tuned_threshold`
picks it on validation data carved out of each *training* fold and applies it, unchanged,
to the held-out fold.

Example
-------
>>> tune_threshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], "f1")
0.35
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import average_precision_score, brier_score_loss, matthews_corrcoef, precision_score, recall_score, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from ._checks import as_1d, as_1d_float
from .cv import fold_indices, take_rows

__all__ = ["CRITERIA", "threshold_curve", "tune_threshold", "apply_threshold", "tuned_threshold_folds", "fold_metrics",
           "cv_tuned_threshold"]

CRITERIA = ("f1", "mcc", "recall_at_precision")


def _binary(y_true: Any) -> np.ndarray:
    y = as_1d(y_true, "y_true")
    values = set(np.unique(y).tolist())
    if not values <= {0, 1, True, False}:
        raise ValueError(f"y_true must be binary 0/1 with 1 = the rare (positive) class, got values {sorted(values, key=str)[:5]}")
    return y.astype(int)


def threshold_curve(y_true: Any, score: Any) -> pd.DataFrame:
    """Precision, recall, F1 and MCC at every distinct score used as a threshold.

    Rows are ordered from the highest threshold (fewest positives) to the lowest.

    >>> threshold_curve([0, 1, 1], [0.2, 0.6, 0.9])[["threshold", "precision", "recall"]].values.tolist()
    [[0.9, 1.0, 0.5], [0.6, 1.0, 1.0], [0.2, 0.6666666666666666, 1.0]]
    """
    y = _binary(y_true)
    s = as_1d_float(score, "score")
    if s.size != y.size:
        raise ValueError(f"y_true has {y.size} labels but score has {s.size} values")
    n_pos = int(y.sum())
    if n_pos == 0 or n_pos == y.size:
        raise ValueError("y_true must contain both classes to tune a threshold")
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s_sorted)), s.size - 1]
    tp = np.cumsum(y_sorted)[last].astype(float)
    fp = (last + 1) - tp
    fn = n_pos - tp
    tn = (y.size - n_pos) - fp
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / (tp + fp)
        recall = tp / n_pos
        f1 = 2 * tp / (2 * tp + fp + fn)
        denom = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        mcc = np.where(denom > 0, (tp * tn - fp * fn) / np.where(denom > 0, denom, 1.0), 0.0)
    return pd.DataFrame({"threshold": s_sorted[last], "precision": precision, "recall": recall, "f1": f1, "mcc": mcc,
                         "n_predicted_positive": (last + 1)})


def tune_threshold(
    y_true: Any,
    score: Any,
    criterion: str = "f1",
    *,
    min_precision: float | None = None,
    if_unreachable: str = "raise",
) -> float:
    """The threshold that is best by ``criterion`` on these (validation) labels and scores.

    Parameters
    ----------
    criterion : "f1", "mcc" or "recall_at_precision" (needs ``min_precision``)
    if_unreachable : for "recall_at_precision" when no threshold reaches ``min_precision``:
        "raise" (ValueError) or "max_precision" (fall back to the most precise threshold)

    Ties go to the highest threshold (the most conservative cut).

    >>> tune_threshold([0, 0, 1, 1, 0], [0.1, 0.3, 0.4, 0.8, 0.6], "recall_at_precision", min_precision=0.6)
    0.4
    """
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be one of {CRITERIA}, got {criterion!r}")
    if if_unreachable not in ("raise", "max_precision"):
        raise ValueError(f"if_unreachable must be 'raise' or 'max_precision', got {if_unreachable!r}")
    curve = threshold_curve(y_true, score)
    if criterion == "recall_at_precision":
        if min_precision is None or not (0.0 < min_precision <= 1.0):
            raise ValueError(f"criterion 'recall_at_precision' needs min_precision in (0, 1], got {min_precision!r}")
        ok = curve[curve["precision"] >= min_precision]
        if ok.empty:
            if if_unreachable == "raise":
                raise ValueError(f"no threshold reaches precision >= {min_precision} (best is {curve['precision'].max():.3f}); "
                                 "lower min_precision or pass if_unreachable='max_precision'")
            return float(curve["threshold"].iloc[int(np.argmax(curve["precision"].to_numpy()))])
        return float(ok["threshold"].iloc[int(np.argmax(ok["recall"].to_numpy()))])
    if min_precision is not None:
        raise ValueError(f"min_precision is only used with criterion='recall_at_precision', not {criterion!r}")
    return float(curve["threshold"].iloc[int(np.argmax(curve[criterion].to_numpy()))])


def apply_threshold(score: Any, threshold: float) -> np.ndarray:
    """0/1 decisions: 1 where ``score >= threshold``.

    >>> apply_threshold([0.2, 0.5, 0.7], 0.5).tolist()
    [0, 1, 1]
    """
    s = as_1d_float(score, "score")
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be finite, got {threshold}")
    return (s >= threshold).astype(int)


def _positive_score(model: Any, X: Any) -> np.ndarray:
    if hasattr(model, "predict_proba"):
        p = model.predict_proba(X)
        if p.ndim != 2 or p.shape[1] != 2:
            raise ValueError(f"estimator must be a binary classifier; predict_proba gave shape {p.shape}")
        return p[:, 1]
    return np.asarray(model.decision_function(X), dtype=float)


def tuned_threshold_folds(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    criterion: str = "f1",
    min_precision: float | None = None,
    inner: int | str = "holdout",
    val_fraction: float = 0.25,
    n_splits: int = 5,
    n_repeats: int = 2,
    seed: int = 0,
    splits: Iterable[tuple[np.ndarray, np.ndarray]] | None = None,
) -> Iterator[dict]:
    """For each outer fold: fit, pick a threshold on validation data from the training fold,
    and yield the held-out scores with that threshold.

    ``inner="holdout"`` carves a stratified ``val_fraction`` out of the training fold, fits
    on the rest and uses that model for the test fold (one fit per fold). An integer
    ``inner=k`` picks the threshold on k-fold out-of-fold scores of the training fold and
    then refits on the whole training fold (k + 1 fits per fold).

    Yields dicts with ``repeat``, ``fold``, ``test`` (indices), ``score`` (test scores),
    ``threshold`` and ``fit_seconds``.

    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(300, 2)); y = (X[:, 0] + rng.normal(size=300) > 1.5).astype(int)
    >>> folds = list(tuned_threshold_folds(LogisticRegression(), X, y, n_splits=3, n_repeats=1))
    >>> len(folds), sorted(folds[0])
    (3, ['fit_seconds', 'fold', 'repeat', 'score', 'test', 'threshold'])
    """
    labels = _binary(y)
    if not (isinstance(inner, int) and inner >= 2) and inner != "holdout":
        raise ValueError(f"inner must be 'holdout' or an integer >= 2, got {inner!r}")
    if not (0.0 < val_fraction < 1.0):
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    if splits is None:
        folds = fold_indices(labels.size, n_splits=n_splits, n_repeats=n_repeats, seed=seed, stratify=labels)
    else:
        folds = [(0, k, np.asarray(tr), np.asarray(te)) for k, (tr, te) in enumerate(splits)]
    for r, k, tr, te in folds:
        start = time.perf_counter()
        y_tr = labels[tr]
        if inner == "holdout":
            fit_idx, val_idx = train_test_split(tr, test_size=val_fraction, stratify=y_tr, random_state=seed + 1000 * r + k)
            model = clone(estimator).fit(take_rows(X, fit_idx), labels[fit_idx])
            t = tune_threshold(labels[val_idx], _positive_score(model, take_rows(X, val_idx)), criterion,
                               min_precision=min_precision, if_unreachable="max_precision")
        else:
            oof = np.empty(tr.size)
            for a, b in StratifiedKFold(inner, shuffle=True, random_state=seed + 1000 * r + k).split(tr, y_tr):
                m = clone(estimator).fit(take_rows(X, tr[a]), y_tr[a])
                oof[b] = _positive_score(m, take_rows(X, tr[b]))
            t = tune_threshold(y_tr, oof, criterion, min_precision=min_precision, if_unreachable="max_precision")
            model = clone(estimator).fit(take_rows(X, tr), y_tr)
        score = _positive_score(model, take_rows(X, te))
        yield {"repeat": r, "fold": k, "test": te, "score": score, "threshold": t,
               "fit_seconds": time.perf_counter() - start}


def fold_metrics(y_true: Any, score: Any, threshold: float, *, probabilistic: bool = True) -> dict[str, float]:
    """Metrics of one held-out fold: prevalence, PR-AUC, MCC / F1 / precision / recall at the
    given threshold, MCC and F1 at 0.5, and (for probabilities) Brier score and mean predicted probability.

    >>> m = fold_metrics([0, 0, 1, 1], [0.1, 0.6, 0.7, 0.9], 0.65)
    >>> m["MCC"], m["prevalence"], round(m["mean p"], 3)
    (1.0, 0.5, 0.575)
    """
    y = _binary(y_true)
    s = as_1d_float(score, "score")
    if s.size != y.size:
        raise ValueError(f"y_true has {y.size} labels but score has {s.size} values")
    pred = apply_threshold(s, threshold)
    out = {
        "prevalence": float(y.mean()),
        "PR-AUC": float(average_precision_score(y, s)),
        "MCC": float(matthews_corrcoef(y, pred)),
        "F1": float(f1_score(y, pred, zero_division=0)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "MCC@0.5": float(matthews_corrcoef(y, (s >= 0.5).astype(int))) if probabilistic else np.nan,
        "F1@0.5": float(f1_score(y, (s >= 0.5).astype(int), zero_division=0)) if probabilistic else np.nan,
        "Brier": float(brier_score_loss(y, np.clip(s, 0, 1))) if probabilistic else np.nan,
        "mean p": float(s.mean()) if probabilistic else np.nan,
        "threshold": float(threshold),
    }
    return out


def cv_tuned_threshold(estimator: Any, X: Any, y: Any, **kwargs: Any) -> pd.DataFrame:
    """Repeated stratified CV with the threshold tuned inside each training fold.

    Keyword arguments are those of :func:`tuned_threshold_folds`. Returns one row per
    outer fold with the :func:`fold_metrics` columns plus ``repeat``, ``fold`` and
    ``fit_seconds``; summarise with :func:`imbalkit.cv.summarize`.

    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(300, 2)); y = (X[:, 0] + rng.normal(size=300) > 1.5).astype(int)
    >>> res = cv_tuned_threshold(LogisticRegression(), X, y, criterion="mcc", n_splits=3, n_repeats=2)
    >>> res.shape[0], bool((res["MCC"] > 0).all())
    (6, True)
    """
    labels = _binary(y)
    rows = []
    for f in tuned_threshold_folds(estimator, X, labels, **kwargs):
        row = {"repeat": f["repeat"], "fold": f["fold"]}
        probabilistic = hasattr(estimator, "predict_proba")
        row.update(fold_metrics(labels[f["test"]], f["score"], f["threshold"], probabilistic=probabilistic))
        row["fit_seconds"] = f["fit_seconds"]
        rows.append(row)
    return pd.DataFrame(rows)
