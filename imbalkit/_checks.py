"""Input checks shared by imbalkit functions: clear messages instead of numpy tracebacks."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_1d_float", "as_1d", "as_labels", "no_missing"]


def as_1d(y: Any, name: str = "y") -> np.ndarray:
    """Return ``y`` as a 1-D array; raise ``ValueError`` if it is empty or not 1-D."""
    arr = np.asarray(y.to_numpy() if isinstance(y, (pd.Series, pd.Index)) else y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    return arr


def _is_missing_label(v: Any) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    try:
        return bool(isinstance(v, (float, np.floating)) and np.isnan(v))
    except TypeError:
        return False


def as_labels(y: Any, name: str = "y") -> np.ndarray:
    """Return class labels ``y`` as a 1-D array; refuse missing or mixed-type labels.

    NaN, ``None`` and ``pd.NA`` are not a class: left in, they would become a class of
    their own (or, compared with a positive label, a silent negative). Text such as
    ``"NaN"`` (sodium nitride) is a label like any other. Labels that mix numbers and
    text (``[1, "1"]``) cannot be ordered and are refused too.

    >>> as_labels(["a", "b"]).tolist()
    ['a', 'b']
    >>> as_labels([0, float("nan"), 1], "y_true")
    Traceback (most recent call last):
    ...
    ValueError: y_true has 1 missing label(s) (NaN/None) at position(s) [1]; drop those rows or give them a class before computing anything per class
    """
    if isinstance(y, (list, tuple)):  # check before numpy turns [1, "a"] into ["1", "a"] and NaN into "nan"
        obj = as_1d(np.asarray(y, dtype=object), name)
        _check_labels(obj, name)
        arr = np.asarray(y)
    else:
        arr = as_1d(y, name)
        if arr.dtype.kind in "fO":
            _check_labels(arr, name)
    return arr


def _check_labels(arr: np.ndarray, name: str) -> None:
    if arr.dtype.kind == "f":
        missing = np.isnan(arr)
    else:
        missing = np.array([_is_missing_label(v) for v in arr], dtype=bool)
    if missing.any():
        pos = np.flatnonzero(missing)
        raise ValueError(
            f"{name} has {pos.size} missing label(s) (NaN/None) at position(s) {pos[:5].tolist()}; "
            "drop those rows or give them a class before computing anything per class"
        )
    if arr.dtype.kind == "O":
        is_text = np.array([isinstance(v, (str, np.str_)) for v in arr], dtype=bool)
        if is_text.any() and not is_text.all():
            first_text, first_other = arr[np.argmax(is_text)], arr[np.argmin(is_text)]
            raise ValueError(
                f"{name} mixes text and non-text labels (e.g. {first_text!r} and {first_other!r}); "
                "convert every label to one type, e.g. all strings"
            )


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


def no_missing(arr: np.ndarray, name: str, *, when: str = "first") -> np.ndarray:
    """Reject missing labels (NaN, None, pd.NA): otherwise they silently become a class.

    ``when`` ends the advice ("drop those samples ... first" / "... before scoring").

    >>> no_missing(np.array([1, 0]), "y").tolist()
    [1, 0]
    """
    missing = np.flatnonzero(pd.isna(arr))
    if missing.size:
        raise ValueError(
            f"{name} has {missing.size} missing value(s) (NaN/None), first at position(s) "
            f"{missing[:5].tolist()}; drop those samples (from every argument) {when}"
        )
    return arr
