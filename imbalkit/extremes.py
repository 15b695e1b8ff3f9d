"""The property-extreme robustness protocol (PDR) and the extraordinary-material search.

Protocol (:func:`pdr_protocol`):

1. split the targets into the *bulk* (IID) and the *extremes* (OOD) by a quantile of ``y``
   or by a physical threshold (e.g. band gap > 4 eV);
2. train on part of the bulk only; test on the held-out bulk (IID) and on all extremes (OOD);
3. report ``MAE_IID``, ``MAE_OOD``, ``PDR = MAE_OOD / MAE_IID``
   (:func:`imbalkit.metrics.pdr`), the signed bias on the extremes, and per-bin MAE and
   bias (:func:`imbalkit.metrics.per_bin_errors`), each as mean ± std over repeated seeds.

Search (:func:`extraordinary_search`): hold out the top 1 % with
:func:`imbalkit.splits.extraordinary_holdout`, mix it into a pool of ordinary held-out
materials, and ask how many of the top-ranked candidates are extraordinary, for a
regressor (rank by predicted value) or a classifier (rank by P(high)).

Example
-------
>>> extreme_mask([1.0, 2.0, 3.0, 10.0], threshold=5.0).tolist()
[False, False, False, True]
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.model_selection import KFold

from ._checks import as_1d_float
from .cv import pm, take_rows
from .metrics import pdr, per_bin_errors, precision_at_k
from .splits import extraordinary_holdout

__all__ = [
    "extreme_mask",
    "extreme_cut",
    "iid_ood_split",
    "PDRResult",
    "pdr_protocol",
    "top_k_hits",
    "extraordinary_search",
    "tail_scorers",
]


def extreme_cut(y: Any, *, quantile: float | None = None, threshold: float | None = None, side: str = "upper") -> float:
    """The target value separating bulk from extremes: ``threshold`` if given, else the
    ``quantile`` of ``y`` (for ``side="lower"`` use a small quantile, e.g. 0.05).

    >>> extreme_cut([0.0, 1.0, 2.0, 3.0, 4.0], quantile=0.75)
    3.0
    """
    arr = as_1d_float(y, "y")
    if side not in ("upper", "lower"):
        raise ValueError(f"side must be 'upper' or 'lower', got {side!r}")
    if (quantile is None) == (threshold is None):
        raise ValueError("give exactly one of quantile (e.g. 0.95) or threshold (a physical value such as 4.0 eV)")
    if threshold is not None:
        if not np.isfinite(threshold):
            raise ValueError(f"threshold must be a finite number, got {threshold!r}")
        return float(threshold)
    if not 0 < quantile < 1:
        raise ValueError(f"quantile must be strictly between 0 and 1, got {quantile!r}")
    return float(np.quantile(arr, quantile))


def extreme_mask(y: Any, *, quantile: float | None = None, threshold: float | None = None, side: str = "upper") -> np.ndarray:
    """Boolean mask of the extreme (OOD) samples: ``y > cut`` (upper) or ``y < cut`` (lower).

    Raises ``ValueError`` when the cut leaves no extremes or no bulk.

    >>> extreme_mask([1.0, 2.0, 3.0, 10.0], quantile=0.1, side="lower").tolist()
    [True, False, False, False]
    """
    arr = as_1d_float(y, "y")
    cut = extreme_cut(arr, quantile=quantile, threshold=threshold, side=side)
    mask = arr > cut if side == "upper" else arr < cut
    if not mask.any():
        raise ValueError(f"no target is {'above' if side == 'upper' else 'below'} the cut {cut:.4g}; move the cut")
    if mask.all():
        raise ValueError(f"every target is beyond the cut {cut:.4g}, so there is no bulk to train on; move the cut")
    return mask


def iid_ood_split(
    y: Any,
    *,
    quantile: float | None = 0.95,
    threshold: float | None = None,
    side: str = "upper",
    test_fraction: float = 0.2,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(train, iid_test, ood_test) index arrays: the bulk is split at random into training
    and IID test rows (``test_fraction`` of the bulk); every extreme row is OOD test.

    >>> tr, iid, ood = iid_ood_split(np.arange(20.0), quantile=0.9, test_fraction=0.25)
    >>> len(tr), len(iid), ood.tolist()
    (14, 4, [18, 19])
    """
    if threshold is not None:
        quantile = None
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be strictly between 0 and 1, got {test_fraction!r}")
    mask = extreme_mask(y, quantile=quantile, threshold=threshold, side=side)
    bulk = np.flatnonzero(~mask)
    n_test = int(round(test_fraction * bulk.size))
    if n_test < 1 or n_test >= bulk.size:
        raise ValueError(f"test_fraction={test_fraction} of {bulk.size} bulk rows leaves an empty train or test set")
    perm = np.random.default_rng(seed).permutation(bulk)
    return np.sort(perm[n_test:]), np.sort(perm[:n_test]), np.flatnonzero(mask)


@dataclass
class PDRResult:
    """Output of :func:`pdr_protocol`.

    Attributes
    ----------
    runs : one row per repeat (seed, sizes, MAE_IID, MAE_OOD, PDR, bias_OOD)
    summary : one row, mean ± std of MAE_IID, MAE_OOD, PDR, bias_OOD over the repeats
    per_bin : per-bin n, MAE and signed bias (mean ± std) on the pooled IID + OOD test rows
    cut : the target value separating bulk and extremes
    """

    runs: pd.DataFrame
    summary: pd.DataFrame
    per_bin: pd.DataFrame
    cut: float

    def _repr_html_(self) -> str:
        return self.summary._repr_html_()


def _summarize_runs(runs: pd.DataFrame, cols: Sequence[str], digits: int) -> pd.DataFrame:
    std = runs[list(cols)].std(ddof=1).fillna(0.0) if len(runs) > 1 else runs[list(cols)].iloc[0] * 0
    return pd.DataFrame({c: [pm(runs[c].mean(), std[c], digits)] for c in cols})


def pdr_protocol(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    quantile: float | None = 0.95,
    threshold: float | None = None,
    side: str = "upper",
    test_fraction: float = 0.2,
    n_repeats: int = 3,
    seed: int = 0,
    bin_thresholds: Sequence[float] | None = None,
    fit_params: Callable[[np.ndarray], dict] | None = None,
    digits: int = 3,
) -> PDRResult:
    """Train on the bulk, test on held-out bulk (IID) and on the extremes (OOD), repeated.

    Parameters
    ----------
    estimator : scikit-learn regressor (cloned for every repeat)
    quantile, threshold, side : how extremes are defined (:func:`extreme_mask`); a physical
        ``threshold`` overrides ``quantile``
    test_fraction : share of the bulk held out as IID test
    n_repeats : repeats with seeds ``seed, seed + 1, ...`` (new bulk split each time)
    bin_thresholds : cut points for the per-bin table (default: bulk quartiles and the cut)
    fit_params : f(y_train) -> fit keyword arguments, e.g.
        :func:`imbalkit.target_weights.fold_weights` (computed on the training rows only)

    >>> from sklearn.linear_model import LinearRegression
    >>> X = np.arange(100.0).reshape(-1, 1); y = np.sqrt(X[:, 0])
    >>> res = pdr_protocol(LinearRegression(), X, y, quantile=0.9, n_repeats=2)
    >>> float(res.runs["PDR"].min()) > 1
    True
    """
    arr = as_1d_float(y, "y")
    if n_repeats < 1:
        raise ValueError(f"n_repeats must be at least 1, got {n_repeats}")
    if threshold is not None:
        quantile = None
    cut = extreme_cut(arr, quantile=quantile, threshold=threshold, side=side)
    if bin_thresholds is None:
        bulk = arr[extreme_mask(arr, quantile=quantile, threshold=threshold, side=side) == 0]
        bin_thresholds = sorted(set(np.round(np.quantile(bulk, [0.25, 0.5, 0.75]), 6).tolist()) | {cut})
    rows, tables = [], []
    for r in range(n_repeats):
        tr, iid, ood = iid_ood_split(arr, quantile=quantile, threshold=threshold, side=side,
                                     test_fraction=test_fraction, seed=seed + r)
        kwargs = fit_params(arr[tr]) if fit_params else {}
        model = clone(estimator).fit(take_rows(X, tr), arr[tr], **kwargs)
        pred_iid = np.asarray(model.predict(take_rows(X, iid)), float)
        pred_ood = np.asarray(model.predict(take_rows(X, ood)), float)
        mae_iid = float(np.mean(np.abs(pred_iid - arr[iid])))
        mae_ood = float(np.mean(np.abs(pred_ood - arr[ood])))
        rows.append({"seed": seed + r, "n_train": tr.size, "n_iid": iid.size, "n_ood": ood.size,
                     "MAE_IID": mae_iid, "MAE_OOD": mae_ood, "PDR": pdr(mae_ood, mae_iid),
                     "bias_OOD": float(np.mean(pred_ood - arr[ood]))})
        test = np.concatenate([iid, ood])
        tables.append(per_bin_errors(arr[test], np.concatenate([pred_iid, pred_ood]), thresholds=bin_thresholds))
    runs = pd.DataFrame(rows)
    summary = _summarize_runs(runs, ["MAE_IID", "MAE_OOD", "PDR", "bias_OOD"], digits)
    return PDRResult(runs=runs, summary=summary, per_bin=_pool_bins(tables, digits), cut=cut)


def _pool_bins(tables: list[pd.DataFrame], digits: int) -> pd.DataFrame:
    sizes = {len(t) for t in tables}
    if len(sizes) != 1:
        raise ValueError("the per-bin tables of the repeats have different bins; choose bin_thresholds "
                         "inside the range of every test set")
    stacked = pd.concat(tables, keys=range(len(tables)), names=["run", "row"])
    g = stacked.groupby(level="row")
    out = pd.DataFrame({"bin": tables[0]["bin"], "n": g["n"].mean().round(1).to_numpy()})
    for col in ("MAE", "bias"):
        mean, std = g[col].mean(), g[col].std(ddof=1).fillna(0.0)
        out[col] = [pm(m, s, digits) for m, s in zip(mean, std)]
        out[f"{col}_mean"] = mean.to_numpy()
    return out


def top_k_hits(is_target: Any, scores: Any, k: int | None = None) -> float:
    """Share of the ``k`` highest-scored candidates that are targets (precision at k).
    With ``k=None``, ``k`` is the number of targets, so precision = recall at k.

    >>> top_k_hits([0, 1, 0, 1], [0.1, 0.9, 0.8, 0.2])
    0.5
    """
    t = np.asarray(is_target).astype(bool)
    k = int(t.sum()) if k is None else int(k)
    if not 1 <= k <= t.size:
        raise ValueError(f"k must be between 1 and {t.size}, got {k} (is there any target at all?)")
    return precision_at_k(t.astype(int), scores, k)


def extraordinary_search(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    top_fraction: float = 0.01,
    label_fraction: float = 0.1,
    n_splits: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Can a model trained without the top ``top_fraction`` rank them first?

    The extraordinary rows come from :func:`imbalkit.splits.extraordinary_holdout`. The
    ordinary rows are split into ``n_splits`` folds; for each fold the model is trained
    on the other ordinary rows, and the candidate pool is that fold plus all
    extraordinary rows. A regressor ranks the pool by predicted value; a classifier is
    trained on "top ``label_fraction`` of the *training* targets" vs the rest and ranks
    by that probability.

    Returns
    -------
    DataFrame, one row per fold: ``n_pool``, ``n_extraordinary``, ``hits@k`` (share of
    the k = n_extraordinary best-ranked candidates that are extraordinary), ``random``
    (the same share for a random ranking, = n_extraordinary / n_pool) and
    ``above_train_max`` (share of extraordinary rows predicted above the largest training
    target; regressors only, NaN for classifiers).

    >>> from sklearn.linear_model import LinearRegression
    >>> X = np.arange(200.0).reshape(-1, 1); y = X[:, 0] ** 2
    >>> extraordinary_search(LinearRegression(), X, y, n_splits=2)["hits@k"].tolist()
    [1.0, 1.0]
    """
    arr = as_1d_float(y, "y")
    ordinary, extra = extraordinary_holdout(arr, top_fraction=top_fraction)
    if not 0 < label_fraction < 1:
        raise ValueError(f"label_fraction must be strictly between 0 and 1, got {label_fraction!r}")
    classify = is_classifier(estimator)
    rows = []
    folds = KFold(n_splits, shuffle=True, random_state=seed).split(ordinary)
    for k, (tr_pos, te_pos) in enumerate(folds):
        tr, pool_ord = ordinary[tr_pos], ordinary[te_pos]
        pool = np.concatenate([pool_ord, extra])
        is_extra = np.r_[np.zeros(pool_ord.size, bool), np.ones(extra.size, bool)]
        if classify:
            label_cut = np.quantile(arr[tr], 1 - label_fraction)
            model = clone(estimator).fit(take_rows(X, tr), (arr[tr] > label_cut).astype(int))
            scores = model.predict_proba(take_rows(X, pool))[:, 1]
            above = np.nan
        else:
            model = clone(estimator).fit(take_rows(X, tr), arr[tr])
            scores = np.asarray(model.predict(take_rows(X, pool)), float)
            above = float(np.mean(scores[is_extra] > arr[tr].max()))
        rows.append({"fold": k, "n_pool": pool.size, "n_extraordinary": extra.size,
                     "hits@k": top_k_hits(is_extra, scores), "random": extra.size / pool.size,
                     "above_train_max": above})
    return pd.DataFrame(rows)


def tail_scorers(threshold: float, *, unit: str = "") -> dict[str, Callable[[Any, Any], float]]:
    """Scorers for :func:`imbalkit.cv.repeated_cv` that split the test fold at ``threshold``:
    overall MAE, bulk MAE (``y <= threshold``), tail MAE (``y > threshold``) and tail bias
    (mean prediction − truth on the tail; negative = shrinkage toward the mean). A fold
    without tail samples scores NaN on the tail columns.

    >>> s = tail_scorers(4.0)
    >>> {k: f(np.array([1.0, 5.0]), np.array([1.5, 4.0])) for k, f in s.items()}
    {'MAE': 0.75, 'bulk MAE': 0.5, 'tail MAE': 1.0, 'tail bias': -1.0}
    """
    if not np.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    sfx = f" ({unit})" if unit else ""

    def _part(yt: Any, yp: Any, tail: bool, signed: bool) -> float:
        yt, yp = np.asarray(yt, float), np.asarray(yp, float)
        m = yt > threshold if tail else yt <= threshold
        if not m.any():
            return float("nan")
        err = yp[m] - yt[m]
        return float(np.mean(err) if signed else np.mean(np.abs(err)))

    return {
        f"MAE{sfx}": lambda yt, yp: float(np.mean(np.abs(np.asarray(yp, float) - np.asarray(yt, float)))),
        f"bulk MAE{sfx}": lambda yt, yp: _part(yt, yp, False, False),
        f"tail MAE{sfx}": lambda yt, yp: _part(yt, yp, True, False),
        f"tail bias{sfx}": lambda yt, yp: _part(yt, yp, True, True),
    }
