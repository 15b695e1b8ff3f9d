"""Group-aware evaluation: hold out whole structural families, compare rebalancing methods
on the same folds, and measure errors and prevalences per group.

A random split puts members of every structural family (garnets, NASICONs, argyrodites...)
on both sides, so a model is tested on compositions next to ones it has seen. Holding out
whole families asks the harder question a screen actually faces: how does the model do on
a family it has never seen?

>>> y = np.array([0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0])
>>> g = np.repeat(["a", "b", "c", "d", "e", "f"], 2)
>>> folds = grouped_folds(y, g, n_splits=3, n_repeats=1)
>>> all(set(g[tr]).isdisjoint(g[te]) for tr, te in folds)
True
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import (average_precision_score, balanced_accuracy_score, matthews_corrcoef,
                             precision_score, recall_score)
from sklearn.model_selection import StratifiedGroupKFold

from ._checks import as_1d, as_1d_float
from .cv import fold_indices, take_rows
from .stats import paired_comparison
from .thresholds import tune_threshold

__all__ = ["normalise_families", "grouped_folds", "stratified_folds", "compare_binary", "compare_multiclass",
           "paired_table", "summary_table", "error_by_group", "prevalence_by_group"]

Folds = list[tuple[np.ndarray, np.ndarray]]

# Spelling variants seen in hand-curated family columns (typos, plural vs singular).
_SYNONYMS = {"cholorides": "chloride", "garnet-like": "garnet"}


def normalise_families(names: Sequence[str] | pd.Series, *, min_size: int = 5, other: str = "other") -> pd.Series:
    """Clean a hand-curated family column: lower case, singular ('-es' → '-e'), known typos merged, and
    families with fewer than ``min_size`` members pooled into ``other``.

    >>> normalise_families(["Argyrodites", "argyrodite", "Garnet", "cholorides"], min_size=2).tolist()
    ['argyrodite', 'argyrodite', 'other', 'other']
    """
    if not isinstance(min_size, (int, np.integer)) or min_size < 1:
        raise ValueError(f"min_size must be a positive integer, got {min_size!r}")
    raw = pd.Series(np.asarray(names, dtype=object))
    if raw.isna().any():
        raise ValueError("names contains missing values; label them (e.g. 'unknown') first")
    key = raw.astype(str).str.strip().str.lower()
    key = key.map(lambda s: _SYNONYMS.get(s, s[:-1] if s.endswith("es") else s))
    counts = key.value_counts()
    return key.where(key.map(counts) >= min_size, other).rename("family")


def grouped_folds(y: Any, groups: Any, *, n_splits: int = 5, n_repeats: int = 2, seed: int = 0) -> Folds:
    """Family-held-out folds: (train, test) index pairs from ``StratifiedGroupKFold``, so no
    group is on both sides and the class balance of the folds is kept as close as the
    groups allow. Repeat ``r`` shuffles with seed ``seed + r``.

    >>> folds = grouped_folds([0, 1] * 6, list("aabbccddeeff"), n_splits=3, n_repeats=2)
    >>> len(folds)
    6
    """
    labels, grp = as_1d(y, "y"), as_1d(groups, "groups")
    if labels.size != grp.size:
        raise ValueError(f"y has {labels.size} values but groups has {grp.size}")
    n_groups = np.unique(grp.astype(str)).size
    if n_groups < n_splits:
        raise ValueError(f"groups has {n_groups} distinct groups, fewer than n_splits={n_splits}; lower n_splits")
    out: Folds = []
    for r in range(n_repeats):
        cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed + r)
        out += [(tr, te) for tr, te in cv.split(np.zeros(labels.size), labels.astype(str), grp.astype(str))]
    return out


def stratified_folds(y: Any, *, n_splits: int = 5, n_repeats: int = 2, seed: int = 0) -> Folds:
    """Repeated stratified k-fold as (train, test) pairs (see :func:`imbalkit.cv.fold_indices`).

    >>> len(stratified_folds([0, 1] * 10, n_splits=5, n_repeats=2))
    10
    """
    labels = as_1d(y, "y")
    return [(tr, te) for *_, tr, te in fold_indices(labels.size, n_splits=n_splits, n_repeats=n_repeats,
                                                      seed=seed, stratify=labels.astype(str))]


def _oob_threshold(model: Any, y_train: np.ndarray, criterion: str) -> float:
    oob = getattr(model, "oob_decision_function_", None)
    if oob is None:
        raise ValueError("a tuned model needs out-of-bag scores: use a bagged forest with oob_score=True")
    score = np.nan_to_num(np.asarray(oob)[:, 1], nan=0.0)
    return tune_threshold(y_train, score, criterion)


def compare_binary(models: Mapping[str, Any], X: Any, y: Any, folds: Folds, *, tune: Sequence[str] = (),
                   criterion: str = "mcc") -> pd.DataFrame:
    """Fit every model on every training fold and score the held-out fold (1 = rare class).

    Each model is used at the 0.5 cut-off. For every name in ``tune`` (a forest with
    ``oob_score=True``) a second row ``"<name> + tuned threshold"`` uses the cut-off that
    maximises ``criterion`` on the *out-of-bag* scores of the training fold: tuned inside
    the training fold, with no extra fit. Returns one row per (fold, model) with
    prevalence, PR-AUC, MCC, recall, precision and the threshold.

    >>> from sklearn.ensemble import RandomForestClassifier
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(120, 3)); y = (X[:, 0] > 0.8).astype(int)
    >>> rf = RandomForestClassifier(n_estimators=20, oob_score=True, random_state=0)
    >>> res = compare_binary({"rf": rf}, X, y, stratified_folds(y, n_splits=3, n_repeats=1), tune=["rf"])
    >>> sorted(res["model"].unique())
    ['rf', 'rf + tuned threshold']
    """
    labels = as_1d(y, "y").astype(int)
    if set(np.unique(labels)) - {0, 1}:
        raise ValueError(f"y must be 0/1 (1 = the rare class), got values {np.unique(labels)[:5].tolist()}")
    unknown = [t for t in tune if t not in models]
    if unknown:
        raise ValueError(f"tune names {unknown} are not among the models {list(models)}")
    rows = []
    for k, (tr, te) in enumerate(folds):
        yte = labels[te]
        for name, est in models.items():
            model = clone(est).fit(take_rows(X, tr), labels[tr])
            score = model.predict_proba(take_rows(X, te))[:, 1]
            cuts = {name: 0.5}
            if name in tune:
                cuts[f"{name} + tuned threshold"] = _oob_threshold(model, labels[tr], criterion)
            for label, cut in cuts.items():
                pred = (score >= cut).astype(int)
                rows.append({"fold": k, "model": label, "prevalence": float(yte.mean()),
                             "PR-AUC": float(average_precision_score(yte, score)) if yte.any() else np.nan,
                             "MCC": float(matthews_corrcoef(yte, pred)),
                             "recall": float(recall_score(yte, pred, zero_division=0)),
                             "precision": float(precision_score(yte, pred, zero_division=0)),
                             "threshold": float(cut)})
    return pd.DataFrame(rows)


def compare_multiclass(models: Mapping[str, Any], X: Any, y: Any, folds: Folds) -> pd.DataFrame:
    """Per fold and model: accuracy, balanced accuracy (over the classes present in the
    test fold), multi-class MCC and the recall of every class (columns ``"recall <class>"``,
    NaN where the test fold has no member of the class).

    >>> from sklearn.dummy import DummyClassifier
    >>> y = np.array(["a"] * 8 + ["b"] * 4); X = np.zeros((12, 1))
    >>> res = compare_multiclass({"majority": DummyClassifier()}, X, y, stratified_folds(y, n_splits=2, n_repeats=1))
    >>> res[["balanced accuracy", "recall a", "recall b"]].mean().tolist()
    [0.5, 1.0, 0.0]
    """
    labels = as_1d(y, "y").astype(str)
    classes = np.unique(labels)
    rows = []
    for k, (tr, te) in enumerate(folds):
        yte = labels[te]
        for name, est in models.items():
            pred = np.asarray(clone(est).fit(take_rows(X, tr), labels[tr]).predict(take_rows(X, te))).astype(str)
            with warnings.catch_warnings():  # a held-out group may lack a class the model predicts
                warnings.simplefilter("ignore", UserWarning)
                bacc = float(balanced_accuracy_score(yte, pred))
            row = {"fold": k, "model": name, "accuracy": float(np.mean(pred == yte)), "balanced accuracy": bacc,
                   "MCC": float(matthews_corrcoef(yte, pred))}
            for c in classes:
                row[f"recall {c}"] = float(np.mean(pred[yte == c] == c)) if np.any(yte == c) else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def paired_table(per_fold: pd.DataFrame, baseline: str, metric: str, *, n_splits: int = 5) -> pd.DataFrame:
    """Every model minus ``baseline`` on the same folds for ``metric``: mean and std of the
    paired differences, share of folds where the model is better, and the Nadeau-Bengio
    corrected p-value (test/train ratio 1/(n_splits - 1)).

    >>> pf = pd.DataFrame({"fold": [0, 1, 2, 0, 1, 2], "model": ["a"] * 3 + ["b"] * 3,
    ...                    "MCC": [0.5, 0.6, 0.55, 0.4, 0.52, 0.45]})
    >>> round(float(paired_table(pf, "a", "MCC").loc["b", "mean diff"]), 3)
    -0.093
    """
    for col in ("fold", "model", metric):
        if col not in per_fold.columns:
            raise ValueError(f"per_fold has no column {col!r}; it has {list(per_fold.columns)}")
    wide = per_fold.pivot(index="fold", columns="model", values=metric)
    if baseline not in wide.columns:
        raise ValueError(f"baseline {baseline!r} is not a model in per_fold; models: {list(wide.columns)}")
    rows = {}
    for name in wide.columns.drop(baseline):
        pair = wide[[baseline, name]].dropna()
        r = paired_comparison(pair[baseline], pair[name], test_train_ratio=1 / (n_splits - 1))
        rows[name] = {"mean diff": r["mean_diff"], "std diff": r["std_diff"], "share of folds better": r["share_b_better"],
                      "p (corrected)": r["p_corrected"]}
    return pd.DataFrame(rows).T


def error_by_group(y_true: Any, y_pred: Any, groups: Mapping[str, Any]) -> pd.DataFrame:
    """Rows, mean absolute error and mean signed error (pred − true) per combination of the
    grouping columns in ``groups`` (name → labels per row).

    >>> error_by_group([1.0, 2.0, 3.0], [1.5, 2.0, 2.0], {"fam": ["a", "a", "b"]}).to_dict("list")
    {'fam': ['a', 'b'], 'n': [2, 1], 'MAE': [0.25, 1.0], 'bias': [0.25, -1.0]}
    """
    t, p = as_1d_float(y_true, "y_true"), as_1d_float(y_pred, "y_pred")
    if t.size != p.size:
        raise ValueError(f"y_true has {t.size} values but y_pred has {p.size}")
    df = pd.DataFrame({k: as_1d(v, k) for k, v in groups.items()})
    if len(df) != t.size:
        raise ValueError(f"groups have {len(df)} rows but y_true has {t.size}")
    df["abs"], df["err"] = np.abs(p - t), p - t
    out = df.groupby(list(groups), sort=True).agg(n=("abs", "size"), MAE=("abs", "mean"), bias=("err", "mean"))
    return out.reset_index()


def prevalence_by_group(values: Any, groups: Any, thresholds: Mapping[str, float], *, min_size: int = 1,
                        total: str = "all", strict: bool = False) -> pd.DataFrame:
    """Rows and share of rows with ``value >= threshold`` (``value > threshold`` if
    ``strict``) per group, for each named threshold, plus a ``total`` row; groups smaller
    than ``min_size`` are left out of the per-group rows (but counted in the total).

    >>> prevalence_by_group([1, 5, 12, 3], ["a", "a", "b", "b"], {"≥ 10": 10}).to_dict("list")
    {'group': ['a', 'b', 'all'], 'n': [2, 2, 4], 'count ≥ 10': [0, 1, 1], 'share ≥ 10': [0.0, 0.5, 0.25]}
    """
    v, g = as_1d_float(values, "values"), as_1d(groups, "groups").astype(str)
    if v.size != g.size:
        raise ValueError(f"values has {v.size} entries but groups has {g.size}")
    if not thresholds:
        raise ValueError("thresholds is empty; give at least one, e.g. {'≥ 1 mS/cm': 1e-3}")
    df = pd.DataFrame({"group": g})
    for name, cut in thresholds.items():
        df[f"count {name}"] = ((v > cut) if strict else (v >= cut)).astype(int)
    agg = df.groupby("group", sort=False).agg(n=("group", "size"), **{c: (c, "sum") for c in df.columns[1:]})
    agg = agg[agg["n"] >= min_size]
    agg.loc[total] = [len(df)] + [int(df[c].sum()) for c in df.columns[1:]]
    for name in thresholds:
        agg[f"share {name}"] = agg[f"count {name}"] / agg["n"]
    agg = agg.reset_index()
    body = agg.iloc[:-1].sort_values(["n", "group"], ascending=[False, True])
    return pd.concat([body, agg.iloc[-1:]], ignore_index=True)


def summary_table(per_fold: pd.DataFrame, metrics: Sequence[str], *, by: str = "model", digits: int = 3,
                  order: Sequence[str] | None = None) -> pd.DataFrame:
    """``mean ± std`` over folds of each metric, one row per ``by`` value (in ``order`` if given).

    >>> pf = pd.DataFrame({"model": ["a", "a"], "MCC": [0.4, 0.6]})
    >>> summary_table(pf, ["MCC"]).loc["a", "MCC"]
    '0.500 ± 0.141'
    """
    missing = [c for c in (by, *metrics) if c not in per_fold.columns]
    if missing:
        raise ValueError(f"per_fold has no column(s) {missing}; it has {list(per_fold.columns)}")
    g = per_fold.groupby(by, sort=False)[list(metrics)]
    mean, std = g.mean(), g.std(ddof=1)
    out = pd.DataFrame({m: [f"{a:.{digits}f} ± {b:.{digits}f}" for a, b in zip(mean[m], std[m])] for m in metrics},
                       index=mean.index)
    out.index.name = by
    return out.loc[list(order)] if order is not None else out
