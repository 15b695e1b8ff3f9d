"""Metrics that keep their baselines in view.

This module starts with the regression side used from Part I on (per-bin errors, the
property-extreme degradation ratio); the classification suite builds on it.

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

from ._checks import as_1d_float
from .diagnostics import make_bins

__all__ = ["per_bin_errors", "pdr"]


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
