"""Latent-space audits on embeddings, each run on a class-balanced sample.

* :func:`neighbourhood_hit` - how often an embedding's k nearest neighbours share its label;
* :func:`probe_predictability` - cross-validated balanced accuracy of a linear probe;
* :func:`source_leakage` - can a linear classifier tell which database a row came from?

On a balanced sample the chance level of all three is ``1 / n_classes``.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

__all__ = ["balanced_sample", "neighbourhood_hit", "probe_predictability", "source_leakage"]


def balanced_sample(labels, n_per_class: int | None = None, seed: int = 0) -> np.ndarray:
    """Row indices with the same number of rows from every class (default: the smallest count).

    Examples
    --------
    >>> idx = balanced_sample([0, 0, 0, 0, 1, 1], seed=0)
    >>> np.bincount(np.asarray([0, 0, 0, 0, 1, 1])[idx]).tolist()
    [2, 2]
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or len(labels) == 0:
        raise ValueError("labels must be a non-empty 1-d array")
    classes, counts = np.unique(labels, return_counts=True)
    if len(classes) < 2:
        raise ValueError(f"labels must contain at least two classes, got only {classes.tolist()}")
    n = counts.min() if n_per_class is None else n_per_class
    if n > counts.min():
        raise ValueError(f"n_per_class={n_per_class} exceeds the smallest class count ({counts.min()})")
    rng = np.random.default_rng(seed)
    idx = [rng.choice(np.flatnonzero(labels == c), size=n, replace=False) for c in classes]
    return np.sort(np.concatenate(idx))


def _check(Z, labels) -> tuple[np.ndarray, np.ndarray]:
    Z, labels = np.asarray(Z, dtype=float), np.asarray(labels)
    if Z.ndim != 2 or len(Z) != len(labels):
        raise ValueError(f"Z must be 2-d with one row per label; got shape {Z.shape} and {len(labels)} labels")
    return Z, labels


def neighbourhood_hit(Z, labels, *, k: int = 10, balance: bool = True, seed: int = 0) -> float:
    """Mean fraction of each point's ``k`` nearest neighbours (Euclidean, self excluded) with its label.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> Z = np.r_[rng.normal(0, 1, (50, 2)), rng.normal(20, 1, (50, 2))]
    >>> neighbourhood_hit(Z, [0] * 50 + [1] * 50, k=5)
    1.0
    """
    from sklearn.neighbors import NearestNeighbors

    Z, labels = _check(Z, labels)
    if balance:
        idx = balanced_sample(labels, seed=seed)
        Z, labels = Z[idx], labels[idx]
    if not 1 <= k < len(Z):
        raise ValueError(f"k must be between 1 and n_rows - 1 = {len(Z) - 1}, got {k}")
    _, nbrs = NearestNeighbors(n_neighbors=k + 1).fit(Z).kneighbors(Z)
    return float((labels[nbrs[:, 1:]] == labels[:, None]).mean())


def probe_predictability(Z, labels, *, n_splits: int = 5, balance: bool = True, seed: int = 0) -> pd.Series:
    """Balanced accuracy of a standardised logistic-regression probe, per stratified CV fold.

    Examples
    --------
    >>> rng = np.random.default_rng(0); Z = rng.normal(size=(200, 3)); y = (Z[:, 0] > 0).astype(int)
    >>> float(probe_predictability(Z, y).mean()) > 0.9
    True
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    Z, labels = _check(Z, labels)
    if balance:
        idx = balanced_sample(labels, seed=seed)
        Z, labels = Z[idx], labels[idx]
    from threadpoolctl import threadpool_limits

    scores = []
    with threadpool_limits(1):  # small problems: BLAS threads only add contention
        for tr, te in StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(Z, labels):
            clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(Z[tr], labels[tr])
            scores.append(balanced_accuracy_score(labels[te], clf.predict(Z[te])))
    return pd.Series(scores, name="balanced accuracy")


def source_leakage(embeddings: Mapping[str, np.ndarray], *, n_per_source: int = 500, n_splits: int = 5,
                   seed: int = 0) -> dict:
    """How well a linear probe tells which source (database) each embedding came from.

    ``n_per_source`` rows are drawn from every source (a balanced sample), so chance is
    ``1 / len(embeddings)``. Returns the per-fold balanced accuracies and the chance level.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> same = source_leakage({"a": rng.normal(size=(300, 4)), "b": rng.normal(size=(300, 4))}, n_per_source=200)
    >>> abs(float(same["scores"].mean()) - same["chance"]) < 0.1
    True
    """
    if len(embeddings) < 2:
        raise ValueError("embeddings must map at least two source names to arrays")
    rng = np.random.default_rng(seed)
    Zs, ys = [], []
    for name, Z in embeddings.items():
        Z = np.asarray(Z, dtype=float)
        if len(Z) < n_per_source:
            raise ValueError(f"source {name!r} has {len(Z)} rows, fewer than n_per_source={n_per_source}")
        Zs.append(Z[rng.choice(len(Z), n_per_source, replace=False)])
        ys += [name] * n_per_source
    scores = probe_predictability(np.vstack(Zs), np.array(ys), n_splits=n_splits, balance=False, seed=seed)
    return {"scores": scores, "chance": 1 / len(embeddings)}
