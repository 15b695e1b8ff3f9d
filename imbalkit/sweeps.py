"""Hyperparameter sweeps that report stability: every setting is refit with several seeds
on the same train/test rows, so the spread over seeds (training stability) is read next to
the mean score.

Example
-------
>>> import numpy as np
>>> from sklearn.linear_model import SGDClassifier
>>> from sklearn.metrics import average_precision_score
>>> rng = np.random.default_rng(0); X = rng.normal(size=(200, 3)); y = (X[:, 0] > 1).astype(int)
>>> res = seed_sweep(SGDClassifier(loss="log_loss"), X, y, {"alpha": [1e-4, 1e-2]}, average_precision_score,
...                  seeds=[0, 1], seed_param="random_state", method="decision_function")
>>> res["alpha"].tolist(), res["n_seeds"].tolist()
([0.0001, 0.01], [2, 2])
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import train_test_split

from ._checks import as_1d
from .cv import take_rows

__all__ = ["seed_sweep"]


def seed_sweep(
    estimator: Any,
    X: Any,
    y: Any,
    grid: Mapping[str, Sequence[Any]],
    scorer: Callable[[np.ndarray, np.ndarray], float],
    *,
    seeds: Sequence[int] = (0, 1, 2),
    seed_param: str = "seed",
    test_size: float = 0.3,
    split_seed: int = 0,
    method: str = "predict_proba",
) -> pd.DataFrame:
    """Score every combination of ``grid`` for each seed on one stratified train/test split.

    Returns one row per combination: the grid values, ``mean``, ``sd`` (over seeds),
    ``min``, ``max``, ``n_seeds`` and ``n_failed`` (fits whose score was not finite, e.g. NaN).
    The split is fixed by ``split_seed``, so the spread is the model's own seed-to-seed
    instability, not split noise.
    """
    if not grid:
        raise ValueError("grid is empty; give at least one {parameter: [values]} entry")
    params = estimator.get_params()
    for name in list(grid) + [seed_param]:
        if name not in params:
            raise ValueError(f"estimator {type(estimator).__name__} has no parameter {name!r}")
    if method not in ("predict_proba", "decision_function"):
        raise ValueError(f"method must be 'predict_proba' or 'decision_function', got {method!r}")
    yarr = as_1d(y)
    tr, te = train_test_split(np.arange(yarr.size), test_size=test_size, stratify=yarr, random_state=split_seed)
    names = list(grid)
    rows = []
    for values in itertools.product(*(grid[n] for n in names)):
        setting = dict(zip(names, values))
        scores = []
        for s in seeds:
            model = clone(estimator).set_params(**setting, **{seed_param: s}).fit(take_rows(X, tr), yarr[tr])
            out = getattr(model, method)(take_rows(X, te))
            out = out[:, 1] if method == "predict_proba" else out
            scores.append(float(scorer(yarr[te], out)) if np.all(np.isfinite(out)) else np.nan)
        sc = np.asarray(scores)
        ok = sc[np.isfinite(sc)]
        rows.append({**setting, "mean": ok.mean() if ok.size else np.nan, "sd": ok.std(ddof=1) if ok.size > 1 else np.nan,
                     "min": ok.min() if ok.size else np.nan, "max": ok.max() if ok.size else np.nan,
                     "n_seeds": len(seeds), "n_failed": int((~np.isfinite(sc)).sum())})
    return pd.DataFrame(rows)
