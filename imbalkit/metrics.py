"""Metrics that keep their baselines in view.

Regression: per-bin errors, the property-extreme degradation ratio and
:func:`evaluate_regression`. Classification: :func:`evaluate` returns every figure of the
suite next to the value a no-skill predictor would get, plus :func:`precision_at_k` and
:func:`discovery_acceleration_factor` for discovery tasks.

Example
-------
>>> per_bin_errors([0, 1, 5], [0.5, 1, 3], thresholds=[4])["MAE"].tolist()
[0.25, 2.0]
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

import sklearn.metrics as skm

from ._checks import as_1d_float, as_labels
from .diagnostics import make_bins

__all__ = [
    "per_bin_errors",
    "per_bin_errors_repeated",
    "pdr",
    "precision_at_k",
    "discovery_acceleration_factor",
    "evaluate",
    "evaluate_regression",
    "summarize_evaluations",
]


def per_bin_errors(
    y_true: Any,
    y_pred: Any,
    *,
    thresholds: Sequence[float] | None = None,
    n_bins: int = 5,
    strategy: str = "quantile",
) -> pd.DataFrame:
    """MAE, RMSE and signed bias (mean of prediction − truth) per bin of the true target.

    A negative bias in the top bin is the signature of shrinkage toward the mean: the
    model under-predicts the extremes. Bins come from :func:`imbalkit.diagnostics.make_bins`
    applied to ``y_true``.

    >>> per_bin_errors([0, 1, 5], [0.5, 1, 3], thresholds=[4])["bias"].tolist()
    [0.25, -2.0]
    """
    yt = as_1d_float(y_true, "y_true")
    yp = as_1d_float(y_pred, "y_pred")
    if yt.shape != yp.shape:
        raise ValueError(f"y_true has {yt.size} values but y_pred has {yp.size}")
    labels, edges = make_bins(yt, thresholds=thresholds, n_bins=n_bins, strategy=strategy)
    rows = []
    for j in range(edges.size - 1):
        m = labels == j
        err = yp[m] - yt[m]
        close = "]" if j == edges.size - 2 else ")"
        rows.append({
            "bin": f"[{edges[j]:.3g}, {edges[j + 1]:.3g}{close}",
            "n": int(m.sum()),
            "MAE": float(np.mean(np.abs(err))) if m.any() else np.nan,
            "RMSE": float(np.sqrt(np.mean(err**2))) if m.any() else np.nan,
            "bias": float(np.mean(err)) if m.any() else np.nan,
        })
    return pd.DataFrame(rows)


def per_bin_errors_repeated(
    y_true: Any,
    y_preds: Any,
    *,
    thresholds: Sequence[float] | None = None,
    n_bins: int = 5,
    strategy: str = "quantile",
    digits: int = 3,
) -> pd.DataFrame:
    """:func:`per_bin_errors` for several prediction runs (rows of ``y_preds``, e.g. from
    :func:`imbalkit.cv.repeated_predictions`), reported as mean ± std over the runs.

    >>> y = [0.0, 1.0, 5.0, 6.0]
    >>> per_bin_errors_repeated(y, [[0, 1, 4, 5], [0, 1, 3, 5]], thresholds=[4])["bias"].tolist()
    ['0.000 ± 0.000', '-1.250 ± 0.354']
    """
    preds = np.asarray(y_preds, dtype=float)
    if preds.ndim != 2:
        raise ValueError(f"y_preds must be 2-D (runs × samples), got shape {preds.shape}")
    tables = [per_bin_errors(y_true, p, thresholds=thresholds, n_bins=n_bins, strategy=strategy) for p in preds]
    stacked = pd.concat(tables, keys=range(len(tables)), names=["run", "row"])
    grouped = stacked.groupby(level="row")
    out = tables[0][["bin", "n"]].copy()
    for col in ("MAE", "RMSE", "bias"):
        mean, std = grouped[col].mean(), grouped[col].std(ddof=1).fillna(0.0)
        out[col] = [f"{m:.{digits}f} ± {s:.{digits}f}" for m, s in zip(mean, std)]
        out[f"{col}_mean"] = mean.to_numpy()
    return out


def pdr(mae_ood: float, mae_iid: float) -> float:
    """Property-extreme degradation ratio PDR = MAE_OOD / MAE_IID.

    1 means the extremes are predicted as well as the bulk; 3 means three times worse.

    >>> pdr(0.6, 0.2)
    3.0
    """
    for name, v in (("mae_ood", mae_ood), ("mae_iid", mae_iid)):
        if not np.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite, non-negative MAE, got {v!r}")
    if mae_iid == 0:
        raise ValueError("mae_iid is 0, so the ratio is undefined; check that the IID test set is not empty")
    return round(float(mae_ood / mae_iid), 12)


# =========================================================================== classification

def _binary_truth(y_true: Any, pos_label: Any) -> np.ndarray:
    yt = as_labels(y_true, "y_true")
    is_pos = yt == pos_label
    if not is_pos.any():
        raise ValueError(
            f"pos_label={pos_label!r} does not occur in y_true (values: {np.unique(yt)[:5].tolist()}); "
            "pass the label of the rare/positive class"
        )
    return is_pos.astype(int)


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= scores.size:
        raise ValueError(f"k must be an integer between 1 and the number of samples ({scores.size}), got {k!r}")
    return np.argsort(-scores, kind="stable")[:k]


def precision_at_k(y_true: Any, scores: Any, k: int, *, pos_label: Any = 1) -> float:
    """Share of true positives among the ``k`` highest-scored samples.

    This is what a lab that can test ``k`` candidates cares about. Ties in the score are
    broken by position (stable sort). A no-skill ranking gets the prevalence on average.

    >>> precision_at_k([0, 1, 0, 1, 0], [0.9, 0.8, 0.1, 0.7, 0.2], k=2)
    0.5
    """
    yb = _binary_truth(y_true, pos_label)
    sc = as_1d_float(scores, "scores")
    if sc.size != yb.size:
        raise ValueError(f"y_true has {yb.size} values but scores has {sc.size}")
    return float(yb[_top_k(sc, k)].mean())


def discovery_acceleration_factor(
    y_true: Any,
    scores: Any,
    *,
    k: int | None = None,
    threshold: float = 0.5,
    pos_label: Any = 1,
) -> float:
    """Discovery acceleration factor DAF = precision of the selected candidates / prevalence.

    The selection is the top ``k`` by score if ``k`` is given, otherwise every sample with
    ``score >= threshold``. DAF = 1 is what random picking achieves; DAF = 5 means five
    times as many hits per experiment. If nothing is selected the DAF is 0 (no hit found).

    >>> discovery_acceleration_factor([0, 1, 0, 0], [0.1, 0.9, 0.8, 0.2], k=1)
    4.0
    >>> discovery_acceleration_factor([0, 1, 0, 0], [0.1, 0.9, 0.8, 0.2], threshold=0.5)
    2.0
    """
    yb = _binary_truth(y_true, pos_label)
    sc = as_1d_float(scores, "scores")
    if sc.size != yb.size:
        raise ValueError(f"y_true has {yb.size} values but scores has {sc.size}")
    chosen = _top_k(sc, k) if k is not None else np.flatnonzero(sc >= threshold)
    if chosen.size == 0:
        return 0.0
    return float(yb[chosen].mean() / yb.mean())


def _no_skill_f1(prevalence: float, flagged: float) -> float:
    """F1 of a random predictor that flags a share ``flagged`` of samples."""
    return 0.0 if prevalence + flagged == 0 else 2 * prevalence * flagged / (prevalence + flagged)


def evaluate(
    y_true: Any,
    scores: Any,
    *,
    threshold: float = 0.5,
    k: int | None = None,
    pos_label: Any = 1,
    labels: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """The classification metric suite, each figure beside its no-skill baseline.

    Parameters
    ----------
    y_true : class labels
    scores : binary task: 1-D score or probability of ``pos_label`` (higher = more likely);
        multi-class task: 2-D probabilities, one column per class: in the order of ``labels``
        if given, else in the sorted order of the classes present in ``y_true``
    threshold : binary only; predict positive when ``score >= threshold``
    k : binary only; also report precision@k and DAF@k for the top ``k`` scores
    pos_label : binary only; the rare/positive class
    labels : the full list of classes, in the column order of ``scores`` (pass
        ``model.classes_``). Needed whenever a test fold can miss a class: without it the
        columns are matched to the classes *present in* ``y_true``, which goes wrong as soon
        as one is absent. With it, every class gets its per-class rows, so tables from
        different folds line up. With 1-D scores it only checks that ``y_true`` and
        ``pos_label`` are among ``labels``.

    Returns
    -------
    DataFrame with columns ``metric``, ``value`` and ``baseline``. Baselines are what a
    predictor without skill gets: PR-AUC → prevalence; ROC-AUC → 0.5; accuracy → share of
    the majority class (always predicting it); balanced accuracy → 1 / number of classes;
    MCC → 0; precision → prevalence and recall → share flagged (a random predictor that
    flags as many samples as the model); F1 → the F1 of that random predictor; Brier score
    → the Brier score of always predicting the class prevalences (π(1−π) for binary);
    DAF → 1; precision@k → prevalence. Multi-class adds per-class precision/recall/F1
    (``metric`` like ``"F1[glass]"``) and macro averages; ROC-AUC is one-vs-rest macro.

    Classes absent from ``y_true`` (multi-class with ``labels``): their recall, F1,
    PR-AUC and ROC-AUC are undefined (there is nothing to find) and reported as NaN; their
    precision is 0 if the model predicted them (every such prediction is wrong), else NaN.
    Macro averages are taken over the classes where the per-class figure is defined, and
    the row ``classes in y_true`` (value: how many are present; baseline: ``len(labels)``)
    says how many that is. Balanced accuracy averages recall over the present classes, so
    its baseline (always predicting one class) is 1 / (classes present).

    Raises
    ------
    ValueError
        For missing labels in ``y_true`` (NaN/None are not a class and would silently count
        as negatives), a ``y_true`` class not in ``labels``, repeated ``labels``, scores
        whose shape does not match, or NaN scores.

    >>> t = evaluate([0, 0, 0, 1], [0.1, 0.2, 0.6, 0.9])
    >>> t.set_index("metric").loc[["PR-AUC", "MCC", "DAF"]].round(3).values.tolist()
    [[1.0, 0.25], [0.577, 0.0], [2.0, 1.0]]
    """
    sc = np.asarray(scores.to_numpy() if isinstance(scores, (pd.Series, pd.DataFrame)) else scores, dtype=float)
    if sc.ndim == 2 and sc.shape[1] == 1:
        sc = sc[:, 0]
    yt = as_labels(y_true, "y_true")
    classes = _check_label_list(yt, labels) if labels is not None else None
    if sc.ndim == 1:
        if classes is not None and not np.any(classes == pos_label):
            raise ValueError(f"pos_label={pos_label!r} is not among labels {classes.tolist()!r}")
        return _evaluate_binary(yt, sc, threshold=threshold, k=k, pos_label=pos_label)
    if sc.ndim == 2:
        if k is not None:
            raise ValueError("k (precision@k) is defined for binary tasks only; pass 1-D scores of the positive class")
        return _evaluate_multiclass(yt, sc, classes)
    raise ValueError(f"scores must be 1-D (binary) or 2-D (multi-class probabilities), got shape {sc.shape}")


def _evaluate_binary(y_true: Any, scores: np.ndarray, *, threshold: float, k: int | None, pos_label: Any) -> pd.DataFrame:
    yb = _binary_truth(y_true, pos_label)
    sc = as_1d_float(scores, "scores")
    if sc.size != yb.size:
        raise ValueError(f"y_true has {yb.size} values but scores has {sc.size}")
    if yb.min() == yb.max():
        raise ValueError("y_true holds a single class; PR-AUC, ROC-AUC and MCC need both classes")
    pred = (sc >= threshold).astype(int)
    prev = float(yb.mean())
    flagged = float(pred.mean())
    prec = float(skm.precision_score(yb, pred, zero_division=0))
    rows = [
        ("prevalence", prev, prev),
        ("PR-AUC", skm.average_precision_score(yb, sc), prev),
        ("ROC-AUC", skm.roc_auc_score(yb, sc), 0.5),
        ("accuracy", skm.accuracy_score(yb, pred), max(prev, 1 - prev)),
        ("balanced accuracy", skm.balanced_accuracy_score(yb, pred), 0.5),
        ("MCC", skm.matthews_corrcoef(yb, pred), 0.0),
        ("precision", prec, prev),
        ("recall", skm.recall_score(yb, pred, zero_division=0), flagged),
        ("F1", skm.f1_score(yb, pred, zero_division=0), _no_skill_f1(prev, flagged)),
        ("DAF", prec / prev, 1.0),
    ]
    if sc.min() >= 0 and sc.max() <= 1:
        rows.append(("Brier", skm.brier_score_loss(yb, sc), prev * (1 - prev)))
    if k is not None:
        p_k = precision_at_k(yb, sc, k)
        rows += [(f"precision@{k}", p_k, prev), (f"DAF@{k}", p_k / prev, 1.0)]
    return pd.DataFrame(rows, columns=["metric", "value", "baseline"]).astype({"value": float, "baseline": float})


def _check_label_list(yt: np.ndarray, labels: Sequence[Any]) -> np.ndarray:
    """``labels`` as an array, unique and covering every class of ``yt``."""
    classes = as_labels(list(labels) if not isinstance(labels, np.ndarray) else labels, "labels")
    uniq, counts = np.unique(classes, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"labels repeats {uniq[counts > 1].tolist()!r}; give each class once, in the column order "
                         "of scores")
    unknown = sorted(set(np.unique(yt).tolist()) - set(classes.tolist()), key=str)
    if unknown:
        raise ValueError(f"y_true holds class(es) {unknown!r} that are not in labels {classes.tolist()!r}; "
                         "labels must list every class the model knows (model.classes_)")
    return classes


def _evaluate_multiclass(yt: np.ndarray, proba: np.ndarray, labels: np.ndarray | None) -> pd.DataFrame:
    classes = np.unique(yt) if labels is None else labels
    if proba.shape != (yt.size, classes.size):
        hint = ("pass one probability column per class, in the order of labels" if labels is not None else
                "pass one probability column per class in sorted label order, or give labels=model.classes_ "
                "if the fold misses a class")
        raise ValueError(f"scores has shape {proba.shape} but y_true has {yt.size} samples and there are "
                         f"{classes.size} classes {classes.tolist()}; {hint}")
    if not np.all(np.isfinite(proba)):
        raise ValueError("scores has NaN or infinite values")
    pred = classes[np.argmax(proba, axis=1)]
    prev = np.array([np.mean(yt == c) for c in classes])
    flagged = np.array([np.mean(pred == c) for c in classes])
    present, predicted = prev > 0, flagged > 0
    P, R, F, _ = skm.precision_recall_fscore_support(yt, pred, labels=classes, zero_division=0)
    P = np.where(present | predicted, P, np.nan)
    R = np.where(present, R, np.nan)
    F = np.where(present, F, np.nan)
    onehot = (yt[:, None] == classes[None, :]).astype(int)
    ap = np.array([skm.average_precision_score(onehot[:, j], proba[:, j]) if present[j] else np.nan
                   for j in range(classes.size)])
    f_base = np.array([_no_skill_f1(p, q) for p, q in zip(prev, flagged)])
    defined_p = present | predicted
    rows = [
        ("accuracy", skm.accuracy_score(yt, pred), prev.max()),
        ("balanced accuracy", float(np.mean(R[present])), 1 / present.sum()),
        ("MCC", skm.matthews_corrcoef(yt, pred), 0.0),
        ("macro precision", float(np.mean(P[defined_p])), float(np.mean(prev[defined_p]))),
        ("macro recall", float(np.mean(R[present])), float(np.mean(flagged[present]))),
        ("macro F1", float(np.mean(F[present])), float(np.mean(f_base[present]))),
        ("macro PR-AUC", float(np.mean(ap[present])), float(np.mean(prev[present]))),
    ]
    if np.all(proba >= 0) and np.all(proba <= 1):
        auc = _ovr_auc(onehot[:, present], proba[:, present]) if present.sum() >= 2 else np.nan
        rows.append(("ROC-AUC (OvR macro)", auc, 0.5))
        rows.append(("Brier", float(np.mean(np.sum((proba - onehot) ** 2, axis=1))), 1 - float(np.sum(prev**2))))
    rows.append(("classes in y_true", float(present.sum()), float(classes.size)))
    for j, c in enumerate(classes.tolist()):
        rows += [
            (f"precision[{c}]", P[j], prev[j]),
            (f"recall[{c}]", R[j], flagged[j]),
            (f"F1[{c}]", F[j], f_base[j]),
            (f"PR-AUC[{c}]", ap[j], prev[j]),
        ]
    return pd.DataFrame(rows, columns=["metric", "value", "baseline"]).astype({"value": float, "baseline": float})


def _ovr_auc(onehot: np.ndarray, proba: np.ndarray) -> float:
    return float(np.mean([skm.roc_auc_score(onehot[:, j], proba[:, j]) for j in range(onehot.shape[1])]))


# =========================================================================== regression

def evaluate_regression(
    y_true: Any,
    y_pred: Any,
    *,
    thresholds: Sequence[float] | None = None,
    n_bins: int = 5,
    strategy: str = "quantile",
    y_train: Any = None,
    baseline: str = "mean",
) -> pd.DataFrame:
    """MAE, RMSE and signed bias, overall and per bin of the true target, beside a baseline.

    The baseline predicts one constant for every sample: the mean (or median, with
    ``baseline="median"``) of ``y_train`` if given, otherwise of ``y_true`` (an optimistic
    baseline, since it peeks at the test targets). Bins as in :func:`per_bin_errors`.

    Returns
    -------
    Long DataFrame with columns ``scope`` ("overall" or the bin), ``n``, ``metric``
    ("MAE", "RMSE", "bias"), ``value`` and ``baseline``.

    >>> t = evaluate_regression([0, 1, 5], [0.5, 1, 3], thresholds=[4], y_train=[0, 2])
    >>> t[t.metric == "MAE"][["scope", "value", "baseline"]].round(3).values.tolist()
    [['overall', 0.833, 1.667], ['[0, 4)', 0.25, 0.5], ['[4, 5]', 2.0, 4.0]]
    """
    yt = as_1d_float(y_true, "y_true")
    yp = as_1d_float(y_pred, "y_pred")
    if yt.shape != yp.shape:
        raise ValueError(f"y_true has {yt.size} values but y_pred has {yp.size}")
    if baseline not in ("mean", "median"):
        raise ValueError(f"baseline must be 'mean' or 'median', got {baseline!r}")
    ref = yt if y_train is None else as_1d_float(y_train, "y_train")
    const = float(np.mean(ref) if baseline == "mean" else np.median(ref))
    yb = np.full_like(yt, const)
    kw = dict(thresholds=thresholds, n_bins=n_bins, strategy=strategy)
    model_bins, base_bins = per_bin_errors(yt, yp, **kw), per_bin_errors(yt, yb, **kw)
    rows = []
    for name, f in (("MAE", _mae), ("RMSE", _rmse), ("bias", _bias)):
        rows.append({"scope": "overall", "n": yt.size, "metric": name, "value": f(yt, yp), "baseline": f(yt, yb)})
    for (_, mrow), (_, brow) in zip(model_bins.iterrows(), base_bins.iterrows()):
        for name in ("MAE", "RMSE", "bias"):
            rows.append({"scope": mrow["bin"], "n": int(mrow["n"]), "metric": name,
                         "value": float(mrow[name]), "baseline": float(brow[name])})
    return pd.DataFrame(rows)


def _mae(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(b - a)))


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((b - a) ** 2)))


def _bias(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(b - a))


def summarize_evaluations(tables: Sequence[pd.DataFrame], *, digits: int = 3) -> pd.DataFrame:
    """Combine several :func:`evaluate` / :func:`evaluate_regression` tables (one per fold or
    seed) into ``mean ± std`` strings for ``value`` and ``baseline``, plus numeric
    ``value_mean``, ``value_std`` and ``baseline_mean`` columns.

    >>> a = pd.DataFrame({"metric": ["MCC"], "value": [0.2], "baseline": [0.0]})
    >>> b = pd.DataFrame({"metric": ["MCC"], "value": [0.4], "baseline": [0.0]})
    >>> summarize_evaluations([a, b])[["metric", "value", "baseline"]].values.tolist()
    [['MCC', '0.300 ± 0.141', '0.000 ± 0.000']]
    """
    if len(tables) == 0:
        raise ValueError("tables is empty; pass one evaluation table per fold or seed")
    keys = [c for c in ("scope", "metric") if c in tables[0].columns]
    stacked = pd.concat(list(tables), ignore_index=True)
    g = stacked.groupby(keys, sort=False)
    out = g[["value", "baseline"]].agg(["mean", "std"]).fillna(0.0)
    res = pd.DataFrame(index=out.index)
    for col in ("value", "baseline"):
        res[col] = [f"{m:.{digits}f} ± {s:.{digits}f}" for m, s in zip(out[(col, "mean")], out[(col, "std")])]
    res["value_mean"] = out[("value", "mean")].to_numpy()
    res["value_std"] = out[("value", "std")].to_numpy()
    res["baseline_mean"] = out[("baseline", "mean")].to_numpy()
    return res.reset_index()
