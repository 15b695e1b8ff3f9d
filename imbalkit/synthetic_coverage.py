"""Does synthetic minority data reach the real minority's extremes? (no torch needed)

* :func:`diversity` - mean pairwise distance of rows;
* :func:`coverage` - per real row, whether a synthetic row lies inside its k-NN ball
  (the "coverage" of Naeem et al. 2020);
* :func:`coverage_report` - coverage of the whole real minority and of its tail (the rows with
  the most extreme target), distance of synthetic rows to the nearest real row relative to the
  real rows' own nearest-neighbour distance, and the share of the real per-feature range the
  synthetic rows span.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["diversity", "coverage", "coverage_report"]


def diversity(X, *, max_rows: int = 400, seed: int = 0) -> float:
    """Mean pairwise Euclidean distance between rows (a random subset of ``max_rows``).

    Examples
    --------
    >>> diversity(np.array([[0.0, 0.0], [3.0, 4.0]]))
    5.0
    >>> diversity(np.ones((10, 3)))
    0.0
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"X must be 2-d with at least two rows, got shape {X.shape}")
    if len(X) > max_rows:
        X = X[np.random.default_rng(seed).choice(len(X), max_rows, replace=False)]
    d = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    return float(d[np.triu_indices(len(X), 1)].mean())


def coverage(real, fake, *, k: int = 5) -> np.ndarray:
    """Per real row: is there a fake row inside its k-nearest-neighbour ball among the real rows?

    The mean is the "coverage" of Naeem et al. (2020): 1 when the generated rows reach every
    region of the real data, low under mode collapse.

    Examples
    --------
    >>> real = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [12.0]])
    >>> coverage(real, np.array([[1.0], [1.2]]), k=2).tolist()
    [True, True, True, False, False, False]
    """
    from sklearn.neighbors import NearestNeighbors

    real, fake = np.asarray(real, dtype=float), np.asarray(fake, dtype=float)
    if len(real) <= k:
        raise ValueError(f"need more than k={k} real rows, got {len(real)}")
    radius = NearestNeighbors(n_neighbors=k + 1).fit(real).kneighbors(real)[0][:, -1]
    nearest_fake = NearestNeighbors(n_neighbors=1).fit(fake).kneighbors(real)[0][:, 0]
    return nearest_fake <= radius


def coverage_report(real, synthetic, target, *, top: float = 0.1, k: int = 5) -> dict[str, float]:
    """How well ``synthetic`` rows reach the real minority rows ``real`` and their tail.

    ``target`` is the property of each real row; the tail is its top ``top`` share.
    Returned keys: ``coverage`` (all real rows), ``tail coverage`` (tail rows only),
    ``NN distance ratio`` (median distance of a synthetic row to its nearest real row, divided
    by the median nearest-neighbour distance among the distinct real rows: < 1 = near-copies,
    > 1 = off the data) and ``range share`` (mean over features of the synthetic span / real span, clipped to
    the real span).

    Examples
    --------
    >>> real = np.arange(20.0).reshape(-1, 1); t = np.arange(20.0)
    >>> rep = coverage_report(real, np.linspace(0, 9, 30).reshape(-1, 1), t, top=0.1, k=2)
    >>> rep["tail coverage"], round(rep["range share"], 2)
    (0.0, 0.47)
    """
    from sklearn.neighbors import NearestNeighbors

    real, synthetic, target = np.asarray(real, float), np.asarray(synthetic, float), np.asarray(target, float)
    if len(target) != len(real):
        raise ValueError(f"target has {len(target)} values but real has {len(real)} rows")
    if not 0 < top < 1:
        raise ValueError(f"top must be a share in (0, 1), got {top}")
    cov = coverage(real, synthetic, k=k)
    tail = target >= np.quantile(target, 1 - top)
    uniq = np.unique(real, axis=0)  # duplicated real rows would make the real spacing zero
    if len(uniq) < 2:
        raise ValueError("real needs at least two distinct rows")
    real_nn = np.median(NearestNeighbors(n_neighbors=2).fit(uniq).kneighbors(uniq)[0][:, 1])
    syn_nn = np.median(NearestNeighbors(n_neighbors=1).fit(real).kneighbors(synthetic)[0][:, 0])
    lo, hi = real.min(0), real.max(0)
    span = hi - lo
    ok = span > 0
    s_lo, s_hi = np.clip(synthetic.min(0), lo, hi), np.clip(synthetic.max(0), lo, hi)
    return {"coverage": float(cov.mean()), "tail coverage": float(cov[tail].mean()),
            "NN distance ratio": float(syn_nn / real_nn) if real_nn > 0 else float("nan"),
            "range share": float(((s_hi - s_lo)[ok] / span[ok]).mean())}
