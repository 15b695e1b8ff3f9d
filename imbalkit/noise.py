"""Telling label noise from a genuinely rare material.

Three diagnostics, each computed per row:

* :func:`conflicting_duplicates` — the same composition recorded with different labels;
* out-of-fold residuals — use :func:`imbalkit.cv.cross_val_predictions`;
* :func:`neighbour_agreement` — how far a label is from the labels of the most similar
  compositions. A rare material usually has rare neighbours (wide-gap fluorides sit next to
  other fluorides); a corrupted label disagrees with its neighbourhood.

:func:`inject_label_noise` corrupts a known subset of labels so that the diagnostics can be
scored against a known answer.

Example
-------
>>> y_noisy, flipped = inject_label_noise([0, 0, 1, 1], rate=0.5, seed=0)
>>> int(flipped.sum())
2
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from ._checks import as_1d, as_1d_float
from .curation import find_conflicts, formula_keys

__all__ = ["inject_label_noise", "conflicting_duplicates", "neighbour_agreement"]


def inject_label_noise(
    y: Any,
    *,
    rate: float,
    seed: int,
    candidates: Any = None,
    values: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Corrupt a random ``rate`` share of the labels; return (noisy labels, corrupted mask).

    For binary 0/1 labels (and ``values=None``) the chosen labels are flipped. Otherwise each
    chosen label is replaced by a value drawn (with the same seed) from ``values`` — e.g. the
    targets of real tail materials, so the corrupted rows look like rare materials by value.

    Parameters
    ----------
    rate : share of eligible rows to corrupt, 0 < rate < 1
    candidates : boolean mask of rows eligible for corruption (default: all)
    values : pool to draw replacement values from (regression)

    >>> y, m = inject_label_noise([1.0, 2.0, 3.0, 4.0], rate=0.5, seed=1, values=[9.0])
    >>> sorted(y[m].tolist())
    [9.0, 9.0]
    """
    arr = as_1d(y)
    if not 0 < rate < 1:
        raise ValueError(f"rate must lie strictly between 0 and 1, got {rate}")
    eligible = np.ones(arr.size, bool) if candidates is None else as_1d(candidates, "candidates").astype(bool)
    if eligible.size != arr.size:
        raise ValueError(f"candidates has {eligible.size} entries for {arr.size} labels")
    pool = np.flatnonzero(eligible)
    n_corrupt = int(round(rate * pool.size))
    if n_corrupt == 0:
        raise ValueError(f"rate={rate} of {pool.size} eligible rows corrupts nothing; raise the rate")
    rng = np.random.default_rng(seed)
    chosen = rng.choice(pool, size=n_corrupt, replace=False)
    mask = np.zeros(arr.size, bool)
    mask[chosen] = True
    if values is None:
        labels = set(np.unique(arr).tolist())
        if not labels <= {0, 1}:
            raise ValueError("without `values`, only binary 0/1 labels can be flipped; pass a pool of replacement values")
        noisy = arr.copy()
        noisy[chosen] = 1 - noisy[chosen]
        return noisy, mask
    pool_values = as_1d_float(values, "values")
    noisy = arr.astype(float).copy()
    noisy[chosen] = rng.choice(pool_values, size=n_corrupt, replace=True)
    return noisy, mask


def conflicting_duplicates(formulas: Sequence[str], y: Any, *, tol: float = 0.0) -> pd.DataFrame:
    """Groups of rows with the same composition whose labels differ by more than ``tol``.

    A thin layer over :func:`imbalkit.curation.find_conflicts` (compositions keyed by
    :func:`imbalkit.composition.reduced_formula`) for plain formula and label arrays,
    adding the row positions of each group.

    Returns one row per conflicting composition: ``composition``, ``n`` (rows), ``min``,
    ``max``, ``spread`` (max − min) and ``rows`` (the row positions), largest spread first.
    Polymorphs are real different materials with the same composition: a conflict is a
    flag to look at, not proof of noise.

    >>> conflicting_duplicates(["Fe2O3", "Fe4O6", "NaCl"], [2.0, 2.2, 8.5], tol=0.1)["n"].tolist()
    [2]
    """
    values = as_1d_float(y)
    formulas = list(formulas)
    if len(formulas) != values.size:
        raise ValueError(f"{len(formulas)} formulas but {values.size} labels")
    frame = pd.DataFrame({"formula": formulas, "target": values})
    conflicts = find_conflicts(frame, tolerance=tol).rename(columns={"key": "composition"})
    rows_of = pd.Series(np.arange(values.size)).groupby(formula_keys(formulas).to_numpy()).agg(list)
    conflicts["rows"] = conflicts["composition"].map(rows_of)
    return conflicts[["composition", "n", "min", "max", "spread", "rows"]]


def neighbour_agreement(X: Any, y: Any, *, k: int = 10) -> pd.DataFrame:
    """Compare each label with those of its ``k`` nearest neighbours (standardised features,
    Euclidean distance, the row itself excluded).

    Returns ``neighbour_mean`` (mean neighbour label), ``disagreement`` = |y − neighbour_mean|
    and ``neighbour_distance`` (mean distance to the neighbours: an isolated row is a
    genuinely unusual composition, a crowded row with a deviant label is suspicious).

    >>> X = [[0.0], [0.1], [0.2], [5.0], [5.1], [5.2]]
    >>> neighbour_agreement(X, [0, 0, 1, 1, 1, 1], k=2)["disagreement"].round(2).tolist()
    [0.5, 0.5, 1.0, 0.0, 0.0, 0.0]
    """
    values = as_1d_float(y)
    Xa = np.asarray(X, dtype=float)
    if Xa.ndim != 2 or Xa.shape[0] != values.size:
        raise ValueError(f"X must be 2-D with one row per label; got shape {Xa.shape} for {values.size} labels")
    if not 1 <= k < values.size:
        raise ValueError(f"k must be between 1 and n_samples - 1 = {values.size - 1}, got {k}")
    Xs = StandardScaler().fit_transform(Xa)
    dist, idx = NearestNeighbors(n_neighbors=k + 1).fit(Xs).kneighbors(Xs)
    # drop the row itself (first neighbour at distance 0; with exact duplicates, drop by index)
    keep = idx != np.arange(values.size)[:, None]
    keep[keep.sum(axis=1) > k, -1] = False
    nb_idx = idx[keep].reshape(values.size, k)
    nb_dist = dist[keep].reshape(values.size, k)
    nb_mean = values[nb_idx].mean(axis=1)
    return pd.DataFrame({
        "neighbour_mean": nb_mean,
        "disagreement": np.abs(values - nb_mean),
        "neighbour_distance": nb_dist.mean(axis=1),
    })
