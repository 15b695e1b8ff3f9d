"""Compare representations on a rare class: same folds, same heads, paired differences.

A *representation* is a feature matrix per row (Magpie features, pooled foundation-model
element vectors, a pre-trained encoder's embedding...). Every representation is scored with
the same heads (a logistic probe and gradient boosting) on the *same* stratified repeated
folds, so the per-fold difference to a baseline representation is a paired measurement.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> y = (rng.random(200) < 0.2).astype(int)
>>> reps = {"signal": np.c_[y + rng.normal(0, 1, 200)], "noise": rng.normal(size=(200, 1))}
>>> s = representation_scores(reps, y, heads=HEADS_FAST, n_splits=4, n_repeats=1)
>>> d = paired_vs_baseline(s, baseline="noise")
>>> bool(d.loc[d["representation"] == "signal", "diff"].iloc[0] > 0)
True
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .cv import fold_indices

__all__ = ["HEADS", "HEADS_FAST", "representation_scores", "paired_vs_baseline", "verdict"]

#: the two heads used throughout Part V: a linear probe and gradient boosting
HEADS: dict[str, Any] = {
    "logistic probe": make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)),
    "gradient boosting": HistGradientBoostingClassifier(max_iter=40, learning_rate=0.15, max_leaf_nodes=8,
                                                        max_bins=32, early_stopping=False, random_state=0),
}
HEADS_FAST: dict[str, Any] = {"logistic probe": HEADS["logistic probe"]}


def representation_scores(
    representations: Mapping[str, Any],
    y: Any,
    *,
    heads: Mapping[str, Any] = HEADS,
    n_splits: int = 5,
    n_repeats: int = 2,
    seed: int = 0,
) -> pd.DataFrame:
    """PR-AUC of every (representation, head) on identical stratified repeated folds.

    Returns a long DataFrame: ``representation``, ``head``, ``repeat``, ``fold``, ``pr_auc``
    and ``prevalence`` (the rare-class share of the test fold = PR-AUC of a random ranking).
    """
    y = np.asarray(y).astype(int)
    if set(np.unique(y)) - {0, 1}:
        raise ValueError(f"y must be 0/1 with 1 = the rare class, got labels {np.unique(y).tolist()}")
    n = len(y)
    for name, X in representations.items():
        if len(X) != n:
            raise ValueError(f"representation {name!r} has {len(X)} rows but y has {n}")
    folds = fold_indices(n, n_splits=n_splits, n_repeats=n_repeats, seed=seed, stratify=y)
    rows = []
    for name, X in representations.items():
        X = np.asarray(X, dtype=float)
        for head_name, head in heads.items():
            for r, k, tr, te in folds:
                model = clone(head).fit(X[tr], y[tr])
                score = model.predict_proba(X[te])[:, 1]
                rows.append({"representation": name, "head": head_name, "repeat": r, "fold": k,
                             "pr_auc": average_precision_score(y[te], score), "prevalence": y[te].mean()})
    return pd.DataFrame(rows)


def paired_vs_baseline(scores: pd.DataFrame, *, baseline: str) -> pd.DataFrame:
    """Mean per-fold PR-AUC difference (representation − baseline) ± its standard error.

    The standard error is the std of the paired differences over √(number of folds); folds
    of repeated CV overlap, so read it as a lower bound on the uncertainty.
    """
    if baseline not in set(scores["representation"]):
        raise ValueError(f"baseline {baseline!r} is not among the representations "
                         f"{sorted(set(scores['representation']))}")
    key = ["head", "repeat", "fold"]
    base = scores[scores["representation"] == baseline].set_index(key)["pr_auc"]
    rows = []
    for (rep, head), g in scores.groupby(["representation", "head"], sort=False):
        d = g.set_index(key)["pr_auc"] - base.loc[head].reindex(g.set_index(["repeat", "fold"]).index).to_numpy()
        rows.append({"representation": rep, "head": head, "pr_auc": g["pr_auc"].mean(),
                     "pr_auc_std": g["pr_auc"].std(ddof=1), "diff": d.mean(),
                     "se": d.std(ddof=1) / np.sqrt(len(d)), "share_better": float((d > 0).mean()),
                     "prevalence": g["prevalence"].mean()})
    return pd.DataFrame(rows)


def verdict(diff: float, se: float, *, z: float = 2.0) -> str:
    """'better' / 'worse' when the paired difference is more than ``z`` standard errors from 0.

    >>> verdict(0.05, 0.01), verdict(-0.05, 0.01), verdict(0.01, 0.01)
    ('better', 'worse', 'tie')
    """
    if se < 0 or not np.isfinite(se):
        raise ValueError(f"se must be a finite standard error >= 0, got {se}")
    if abs(diff) <= z * se:
        return "tie"
    return "better" if diff > 0 else "worse"
