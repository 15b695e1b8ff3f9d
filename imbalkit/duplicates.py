"""Repeated compositions: find them and merge them before a benchmark split.

When the same composition appears in several rows (several papers, several
measurements), a random split puts copies on both sides and the test score measures
memory, not prediction.

Example
-------
>>> keys, y, n = merge_duplicates(["LiF", "LiCl", "LiF"], [1.0, 2.0, 3.0])
>>> keys.tolist(), y.tolist(), n.tolist()
(['LiCl', 'LiF'], [2.0, 2.0], [1, 2])
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["merge_duplicates", "duplicate_share"]


def merge_duplicates(keys: Any, y: Any, *, how: str = "mean") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per distinct key: (sorted keys, merged target, number of merged rows).

    ``how`` is ``"mean"`` or ``"median"``.

    >>> merge_duplicates(["a", "a", "a"], [1.0, 2.0, 9.0], how="median")[1].tolist()
    [2.0]
    """
    if how not in ("mean", "median"):
        raise ValueError(f"how must be 'mean' or 'median', got {how!r}")
    k = pd.Series(np.asarray(keys, dtype=object))
    v = pd.Series(np.asarray(y, float))
    if len(k) != len(v):
        raise ValueError(f"keys and y must have the same length, got {len(k)} and {len(v)}")
    g = v.groupby(k.values)
    merged = g.mean() if how == "mean" else g.median()
    return merged.index.to_numpy(dtype=object), merged.to_numpy(float), g.size().to_numpy()


def duplicate_share(keys: Any) -> float:
    """Share of rows whose key occurs more than once.

    >>> duplicate_share(["a", "a", "b", "c"])
    0.5
    """
    k = pd.Series(np.asarray(keys, dtype=object))
    if k.empty:
        raise ValueError("keys is empty")
    return float(k.duplicated(keep=False).mean())
