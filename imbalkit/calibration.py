"""Are the predicted probabilities probabilities? Reliability curves, expected
calibration error and re-calibration on a separate calibration split.

Example
-------
>>> expected_calibration_error([0, 1, 0, 1], [0.0, 1.0, 0.0, 1.0])
0.0
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator

from ._checks import as_1d, as_1d_float, no_missing

__all__ = ["reliability_curve", "expected_calibration_error", "plot_reliability", "recalibrate"]




def _inputs(y_true: Any, proba: Any, pos_label: Any) -> tuple[np.ndarray, np.ndarray]:
    yt = no_missing(as_1d(y_true, "y_true"), "y_true", when="before scoring")
    p = as_1d_float(proba, "proba")  # NaN or inf -> ValueError naming proba
    if p.size != yt.size:
        raise ValueError(f"y_true has {yt.size} values but proba has {p.size}")
    if p.min() < 0 or p.max() > 1:
        raise ValueError(f"proba must lie in [0, 1] (got range {p.min():.3g} to {p.max():.3g}); pass probabilities, not raw scores")
    if not np.any(yt == pos_label):
        raise ValueError(f"pos_label={pos_label!r} does not occur in y_true")
    return (yt == pos_label).astype(int), p


def _bin_ids(p: np.ndarray, n_bins: int, strategy: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    elif strategy == "quantile":
        # inner edges = the distinct quantiles strictly between min(p) and max(p); outer = 0, 1.
        # Constant p (or n_bins=1) -> edges [0, 1]: one bin holding every sample.
        q = np.unique(np.quantile(p, np.linspace(0, 1, n_bins + 1)))
        edges = np.concatenate([[0.0], q[1:-1], [1.0]])
    else:
        raise ValueError(f"strategy must be 'uniform' or 'quantile', got {strategy!r}")
    ids = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, edges.size - 2)
    return ids, edges


def reliability_curve(
    y_true: Any,
    proba: Any,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    pos_label: Any = 1,
) -> pd.DataFrame:
    """Observed positive rate against mean predicted probability, per probability bin.

    Bins: ``strategy="uniform"`` cuts [0, 1] into ``n_bins`` equal-width bins
    ``[lo, hi)`` (the last one closed); ``"quantile"`` puts about equally many samples in
    each (tied probabilities share a bin, so there may be fewer bins; constant
    probabilities give a single bin). Empty bins are left out. A calibrated model lies on
    the diagonal. Missing labels or probabilities raise ``ValueError``.

    Returns
    -------
    DataFrame with ``bin_low``, ``bin_high``, ``n``, ``mean_predicted``, ``observed_rate``.

    >>> reliability_curve([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)[["n", "observed_rate"]].values.tolist()
    [[2.0, 0.0], [2.0, 1.0]]
    """
    yb, p = _inputs(y_true, proba, pos_label)
    ids, edges = _bin_ids(p, n_bins, strategy)
    rows = []
    for j in range(edges.size - 1):
        m = ids == j
        if m.any():
            rows.append({"bin_low": edges[j], "bin_high": edges[j + 1], "n": int(m.sum()),
                         "mean_predicted": float(p[m].mean()), "observed_rate": float(yb[m].mean())})
    return pd.DataFrame(rows)


def expected_calibration_error(
    y_true: Any,
    proba: Any,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    pos_label: Any = 1,
) -> float:
    """Expected calibration error of the positive-class probability.

    ECE = Σ_b (n_b / N) · |observed rate_b − mean predicted_b| over the bins of
    :func:`reliability_curve` (default: 10 equal-width bins on [0, 1]; empty bins
    contribute nothing). It depends on the binning, so always state it; 0 is perfect.
    With a single bin (e.g. constant probabilities) it is ``|mean(proba) − mean(y)|``.

    >>> expected_calibration_error([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    0.175
    """
    curve = reliability_curve(y_true, proba, n_bins=n_bins, strategy=strategy, pos_label=pos_label)
    w = curve["n"] / curve["n"].sum()
    return round(float(np.sum(w * np.abs(curve["observed_rate"] - curve["mean_predicted"]))), 12)


def plot_reliability(
    y_true: Any,
    probas: Mapping[str, Any],
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
    pos_label: Any = 1,
    ax: Any = None,
) -> Any:
    """Reliability diagram for one or several models (name -> positive-class probability),
    with the ECE of each in the legend and the diagonal of perfect calibration.

    >>> plot_reliability([0, 1, 1], {"model": [0.2, 0.7, 0.9]})  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if not isinstance(probas, Mapping) or not probas:
        raise TypeError("probas must be a non-empty dict: model name -> predicted probabilities")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    for name, p in probas.items():
        c = reliability_curve(y_true, p, n_bins=n_bins, strategy=strategy, pos_label=pos_label)
        ece = expected_calibration_error(y_true, p, n_bins=n_bins, strategy=strategy, pos_label=pos_label)
        ax.plot(c["mean_predicted"], c["observed_rate"], marker="o", label=f"{name} (ECE {ece:.3f})")
    ax.set_xlabel("mean predicted probability")
    ax.set_ylabel("observed fraction of positives")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize="small")
    return ax


def recalibrate(estimator: Any, X_cal: Any, y_cal: Any, *, method: str = "sigmoid") -> CalibratedClassifierCV:
    """Re-calibrate an already fitted classifier on a separate calibration split.

    The fitted model is wrapped in ``sklearn.frozen.FrozenEstimator`` so that
    ``CalibratedClassifierCV`` fits only the mapping score → probability (``"sigmoid"``:
    Platt scaling, 2 parameters; ``"isotonic"``: monotone step function, needs more
    data) on ``(X_cal, y_cal)``. The calibration split must be disjoint from the training
    data and from the test set.

    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.linspace(-3, 3, 40).reshape(-1, 1); y = (X.ravel() > 0).astype(int)
    >>> model = LogisticRegression().fit(X[::2], y[::2])
    >>> recalibrate(model, X[1::2], y[1::2]).predict_proba(X[:1]).shape
    (1, 2)
    """
    if method not in ("sigmoid", "isotonic"):
        raise ValueError(f"method must be 'sigmoid' or 'isotonic', got {method!r}")
    no_missing(as_1d(np.asarray(y_cal), "y_cal"), "y_cal", when="before scoring")
    if not hasattr(estimator, "classes_"):
        raise ValueError("estimator is not fitted; fit it on the training split first, then recalibrate on a separate calibration split")
    return CalibratedClassifierCV(FrozenEstimator(estimator), method=method).fit(X_cal, y_cal)
