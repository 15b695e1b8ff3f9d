"""Imbalance diagnostics for class labels and continuous targets.

Example
-------
>>> s = describe_imbalance([0, 0, 0, 1])
>>> s.kind, s.imbalance_ratio
('classification', 3.0)
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ._checks import as_1d, as_1d_float

__all__ = [
    "class_counts",
    "imbalance_ratio",
    "make_bins",
    "bin_counts",
    "tail_shares",
    "zero_inflation",
    "ImbalanceSummary",
    "describe_imbalance",
    "plot_distribution",
]


def class_counts(y: Any) -> pd.DataFrame:
    """Count and share of each class, largest first.

    >>> class_counts(["a", "b", "a"]).to_dict("list")
    {'class': ['a', 'b'], 'count': [2, 1], 'share': [0.6666666666666666, 0.3333333333333333]}
    """
    arr = as_1d(y)
    if pd.isna(arr).any():
        bad = np.flatnonzero(pd.isna(arr))
        raise ValueError(f"y has {bad.size} missing label(s), first at position(s) {bad[:5].tolist()}")
    values, counts = np.unique(arr, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return pd.DataFrame({"class": values[order], "count": counts[order], "share": counts[order] / arr.size})


def imbalance_ratio(y: Any) -> float:
    """Majority count divided by minority count (1 = balanced).

    >>> imbalance_ratio([1, 0, 0, 0, 0])
    4.0
    """
    counts = class_counts(y)["count"]
    if len(counts) < 2:
        raise ValueError("y has a single class; an imbalance ratio needs at least two")
    return float(counts.iloc[0] / counts.iloc[-1])


def make_bins(
    y: Any,
    *,
    n_bins: int = 5,
    strategy: str = "quantile",
    thresholds: Sequence[float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Assign continuous targets to bins.

    Parameters
    ----------
    n_bins : number of bins for ``strategy`` "quantile" or "uniform"
    strategy : "quantile" (equal counts; tied values may merge bins) or "uniform" (equal width)
    thresholds : scientific cut points, e.g. ``[0, 1.5, 3, 4]`` eV; overrides ``strategy``.
        Bin ``j`` holds ``edges[j] <= y < edges[j+1]``; the last bin includes its top.

    Returns
    -------
    (labels, edges): integer bin label per sample (0..k-1) and the k+1 edges.

    >>> labels, edges = make_bins([0, 0.5, 2, 5], thresholds=[1, 4])
    >>> labels.tolist(), edges.tolist()
    ([0, 0, 1, 2], [0.0, 1.0, 4.0, 5.0])
    """
    arr = as_1d_float(y)
    lo, hi = arr.min(), arr.max()
    if thresholds is not None:
        cuts = np.asarray(sorted(float(t) for t in thresholds))
        if not np.all(np.isfinite(cuts)):
            raise ValueError(f"thresholds must be finite numbers, got {list(thresholds)}")
        inner = cuts[(cuts > lo) & (cuts <= hi)]
        edges = np.concatenate([[lo], inner, [hi]])
    else:
        if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
            raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
        if strategy == "quantile":
            edges = np.unique(np.quantile(arr, np.linspace(0, 1, n_bins + 1)))
        elif strategy == "uniform":
            edges = np.linspace(lo, hi, n_bins + 1)
        else:
            raise ValueError(f"strategy must be 'quantile' or 'uniform', got {strategy!r}")
    edges = np.unique(edges)
    if edges.size < 2:  # constant target
        return np.zeros(arr.size, dtype=int), np.array([lo, hi])
    labels = np.clip(np.searchsorted(edges, arr, side="right") - 1, 0, edges.size - 2)
    return labels.astype(int), edges


def bin_counts(y: Any, **bin_kwargs: Any) -> pd.DataFrame:
    """Count and share of samples per bin, with the bin interval as text.

    >>> bin_counts([0, 0, 1, 5], thresholds=[1])["count"].tolist()
    [2, 2]
    """
    labels, edges = make_bins(y, **bin_kwargs)
    counts = np.bincount(labels, minlength=edges.size - 1)
    names = [f"[{edges[j]:.3g}, {edges[j + 1]:.3g}{']' if j == edges.size - 2 else ')'}"
             for j in range(edges.size - 1)]
    return pd.DataFrame({"bin": names, "count": counts, "share": counts / counts.sum()})


def tail_shares(
    y: Any,
    *,
    thresholds: Sequence[float] = (),
    quantiles: Sequence[float] = (0.9, 0.99),
) -> pd.DataFrame:
    """Share of samples above each threshold and the value at each upper quantile.

    >>> tail_shares([0, 1, 2, 10], thresholds=[5], quantiles=[]).to_dict("list")
    {'tail': ['y > 5'], 'cut': [5.0], 'share': [0.25], 'count': [1]}
    """
    arr = as_1d_float(y)
    rows = []
    for t in thresholds:
        above = arr > t
        rows.append({"tail": f"y > {t:g}", "cut": float(t), "share": float(above.mean()), "count": int(above.sum())})
    for q in quantiles:
        if not 0 < q < 1:
            raise ValueError(f"quantiles must lie strictly between 0 and 1, got {q}")
        cut = float(np.quantile(arr, q))
        above = arr > cut
        rows.append({"tail": f"top {100 * (1 - q):g} % (y > q{q:g})", "cut": cut,
                     "share": float(above.mean()), "count": int(above.sum())})
    return pd.DataFrame(rows, columns=["tail", "cut", "share", "count"])


def zero_inflation(y: Any, *, atol: float = 0.0) -> float:
    """Share of targets equal to zero (within ``atol``), e.g. metals at 0 eV band gap.

    >>> zero_inflation([0, 0, 1.2, 3])
    0.5
    """
    arr = as_1d_float(y)
    return float(np.mean(np.abs(arr) <= atol))


@dataclass
class ImbalanceSummary:
    """What :func:`describe_imbalance` found. ``table`` holds the key figures."""

    kind: str
    n: int
    table: pd.DataFrame
    imbalance_ratio: float
    details: dict[str, pd.DataFrame] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        return f"<p><b>{self.kind}</b>, n = {self.n}</p>" + self.table.to_html(index=False)

    def __repr__(self) -> str:
        return f"ImbalanceSummary({self.kind}, n={self.n})\n{self.table.to_string(index=False)}"


def describe_imbalance(
    y: Any,
    *,
    kind: str = "auto",
    n_bins: int = 5,
    thresholds: Sequence[float] = (),
    max_classes: int = 20,
) -> ImbalanceSummary:
    """One-call summary of how imbalanced a target is.

    For classes: counts, shares and the imbalance ratio. For continuous targets: quantile
    bins (or ``thresholds`` as tails), zero-inflation, skewness, the share in the top 1 %
    of the range and the ratio of the fullest to the emptiest equal-width bin.

    ``kind="auto"`` treats non-numeric targets or numeric ones with at most
    ``max_classes`` distinct integer values as classes.

    >>> float(describe_imbalance([0.0, 0.0, 0.1, 3.0], kind="regression").table.iloc[0]["value"])
    4.0
    """
    arr = as_1d(y)
    if kind == "auto":
        numeric = np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
        if not numeric:
            kind = "classification"
        else:
            vals = np.unique(arr[~pd.isna(arr)])
            kind = "classification" if vals.size <= max_classes and np.all(vals == np.round(vals)) else "regression"
    if kind == "classification":
        counts = class_counts(arr)
        ratio = float(counts["count"].iloc[0] / counts["count"].iloc[-1])
        table = pd.DataFrame({
            "figure": ["n", "classes", "majority share", "minority share", "imbalance ratio"],
            "value": [arr.size, len(counts), counts["share"].iloc[0], counts["share"].iloc[-1], ratio],
        })
        return ImbalanceSummary("classification", arr.size, table, ratio, {"classes": counts})
    if kind != "regression":
        raise ValueError(f"kind must be 'auto', 'classification' or 'regression', got {kind!r}")
    yf = as_1d_float(arr)
    uniform = bin_counts(yf, n_bins=10, strategy="uniform")
    nonempty = uniform["count"][uniform["count"] > 0]
    ratio = float(nonempty.max() / nonempty.min())
    centred = yf - yf.mean()
    skew = float(np.mean(centred**3) / (np.std(yf) ** 3)) if np.std(yf) > 0 else 0.0
    top_range = yf >= yf.min() + 0.9 * (yf.max() - yf.min())
    table = pd.DataFrame({
        "figure": ["n", "zero share", "skewness", "share in top 10 % of range",
                   "fullest / emptiest of 10 equal-width bins"],
        "value": [yf.size, zero_inflation(yf), skew, float(top_range.mean()), ratio],
    })
    details = {
        "quantile_bins": bin_counts(yf, n_bins=n_bins, strategy="quantile"),
        "uniform_bins": uniform,
        "tails": tail_shares(yf, thresholds=thresholds),
    }
    return ImbalanceSummary("regression", yf.size, table, ratio, details)


def plot_distribution(
    y: Any,
    *,
    label: str = "target",
    thresholds: Sequence[float] = (),
    bins: int = 50,
    log_count: bool = True,
) -> plt.Figure:
    """Histogram (log counts by default, so the tail stays visible) and ECDF side by side,
    with optional threshold lines.

    >>> fig = plot_distribution([0, 0, 1, 2, 8], label="band gap (eV)", thresholds=[4])
    """
    yf = as_1d_float(y)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    ax1.hist(yf, bins=bins, color="#0072B2", log=log_count)
    ax1.set_xlabel(label)
    ax1.set_ylabel("count (log scale)" if log_count else "count")
    xs = np.sort(yf)
    ax2.step(xs, np.arange(1, xs.size + 1) / xs.size, where="post", color="#0072B2")
    ax2.set_xlabel(label)
    ax2.set_ylabel("fraction of samples ≤ x")
    for t in thresholds:
        for ax in (ax1, ax2):
            ax.axvline(t, color="#D55E00", ls="--", lw=1)
        ax2.annotate(f"{np.mean(yf > t):.1%} above {t:g}", (t, 0.05), color="#D55E00",
                     xytext=(4, 0), textcoords="offset points", fontsize=8)
    fig.tight_layout()
    return fig
