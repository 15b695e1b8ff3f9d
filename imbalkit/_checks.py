"""Input checks shared by imbalkit functions: clear messages instead of numpy tracebacks."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_1d_float", "as_1d"]


def as_1d(y: Any, name: str = "y") -> np.ndarray:
    """Return ``y`` as a 1-D array; raise ``ValueError`` if it is empty or not 1-D."""
    arr = np.asarray(y.to_numpy() if isinstance(y, (pd.Series, pd.Index)) else y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    return arr


def as_1d_float(y: Any, name: str = "y") -> np.ndarray:
    """Return ``y`` as a finite 1-D float array.

    Non-numeric values, NaN and ±inf raise ``ValueError`` naming how many there are and
    the first positions, so the caller can find the bad rows.

    >>> as_1d_float([1, 2.5]).tolist()
    [1.0, 2.5]
    """
    arr = as_1d(y, name)
    try:
        out = arr.astype(float)
    except (TypeError, ValueError):
        bad = [i for i, v in enumerate(arr) if not _is_number(v)]
        raise ValueError(
            f"{name} must be numeric; {len(bad)} value(s) are not, first at position(s) "
            f"{bad[:5]} ({[arr[i] for i in bad[:3]]!r})"
        ) from None
    bad = np.flatnonzero(~np.isfinite(out))
    if bad.size:
        raise ValueError(
            f"{name} has {bad.size} NaN or infinite value(s), first at position(s) {bad[:5].tolist()}; "
            "drop or impute them first"
        )
    return out


def _is_number(v: Any) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True
