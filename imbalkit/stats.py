"""Is the difference real? Confidence intervals, paired tests and test-set sizes.

Builds on :func:`imbalkit.cv.repeated_cv` (which gives per-fold scores): this module
adds the bootstrap CI of a test-set metric, the paired comparison of two models over the
same folds (with the Nadeau–Bengio correction for overlapping training sets), McNemar's
test for two classifiers on one test set, and the size of a hold-out set needed to detect
a given MAE difference.

Example
-------
>>> round(sample_size_mae_difference(0.1, 0.15, method="z"), 2)
17.66
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from ._checks import as_1d, as_1d_float, no_missing
from .cv import repeated_cv

__all__ = [
    "bootstrap_ci",
    "compare_models",
    "paired_comparison",
    "corrected_resampled_ttest",
    "mcnemar",
    "sample_size_mae_difference",
    "power_mae_difference",
    "simulated_power",
]


def bootstrap_ci(
    y_true: Any,
    y_pred: Any,
    metric: Callable[[np.ndarray, np.ndarray], float],
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    stratify: bool = False,
    max_classes: int = 20,
    n_strata: int = 5,
) -> dict[str, float]:
    """Percentile bootstrap confidence interval of ``metric`` on one test set.

    The test samples are resampled with replacement ``n_boot`` times. With
    ``stratify=True`` every stratum is resampled on its own, keeping its size:

    * classification (``y_true`` has at most ``max_classes`` distinct values): one stratum
      per class, so a rare class never vanishes from a replicate;
    * a continuous target (more than ``max_classes`` distinct values): ``n_strata``
      quantile bins of ``y_true`` (about equally many samples each; tied values share a
      bin), so every replicate keeps the shape of the target distribution, tails included.
      Stratifying by the raw values would make every value its own stratum and every
      replicate a copy of the test set: a zero-width interval.

    The interval reflects test-set sampling only, not the variation from retraining the
    model. Missing values in ``y_true`` raise ``ValueError``.

    Returns
    -------
    dict with ``estimate`` (metric on the full set), ``low``, ``high`` and ``std`` (of the
    replicates).

    >>> from imbalkit.cv import mae
    >>> ci = bootstrap_ci([0, 1, 2, 3], [0, 1, 2, 3], mae, n_boot=50)
    >>> ci["estimate"], ci["low"], ci["high"]
    (0.0, 0.0, 0.0)
    """
    yt = no_missing(as_1d(y_true, "y_true"), "y_true")
    yp = np.asarray(y_pred)
    if yp.shape[0] != yt.size:
        raise ValueError(f"y_true has {yt.size} values but y_pred has {yp.shape[0]}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    if n_boot < 10:
        raise ValueError(f"n_boot must be at least 10, got {n_boot}")
    if not isinstance(max_classes, (int, np.integer)) or max_classes < 1:
        raise ValueError(f"max_classes must be a positive integer, got {max_classes!r}")
    if not isinstance(n_strata, (int, np.integer)) or n_strata < 1:
        raise ValueError(f"n_strata must be a positive integer, got {n_strata!r}")
    rng = np.random.default_rng(seed)
    groups = _strata(yt, max_classes, n_strata) if stratify else [np.arange(yt.size)]
    reps = np.empty(n_boot)
    for b in range(n_boot):
        idx = np.concatenate([rng.choice(g, size=g.size, replace=True) for g in groups])
        reps[b] = metric(yt[idx], yp[idx])
    a = (1 - level) / 2
    return {
        "estimate": float(metric(yt, yp)),
        "low": float(np.quantile(reps, a)),
        "high": float(np.quantile(reps, 1 - a)),
        "std": float(reps.std(ddof=1)),
    }




def _strata(yt: np.ndarray, max_classes: int, n_strata: int) -> list[np.ndarray]:
    """Index groups for a stratified bootstrap: classes, or quantile bins of a continuous y."""
    values = np.unique(yt)
    if values.size <= max_classes:
        return [np.flatnonzero(yt == c) for c in values]
    try:
        y = yt.astype(float)
    except (TypeError, ValueError):
        raise ValueError(
            f"y_true has {values.size} distinct non-numeric labels, more than max_classes={max_classes}; "
            "raise max_classes if they really are classes"
        ) from None
    inner = np.unique(np.quantile(y, np.linspace(0, 1, n_strata + 1)[1:-1]))
    labels = np.searchsorted(inner, y, side="right")
    return [np.flatnonzero(labels == b) for b in np.unique(labels)]


def compare_models(
    estimators: Mapping[str, Any],
    X: Any,
    y: Any,
    scorers: Mapping[str, Callable[[np.ndarray, np.ndarray], float]],
    **cv_kwargs: Any,
) -> pd.DataFrame:
    """Run :func:`imbalkit.cv.repeated_cv` for several models on *identical* folds.

    The same ``seed``/``splits`` are passed to every model, so the per-fold scores can be
    compared pairwise with :func:`paired_comparison`. Returns a long DataFrame with a
    ``model`` column added.

    >>> from sklearn.dummy import DummyRegressor
    >>> from sklearn.linear_model import LinearRegression
    >>> from imbalkit.cv import mae
    >>> X = np.arange(20.0).reshape(-1, 1); y = 3 * X.ravel()
    >>> df = compare_models({"mean": DummyRegressor(), "linear": LinearRegression()}, X, y,
    ...                     {"MAE": mae}, n_splits=4, n_repeats=1)
    >>> df.groupby("model")["MAE"].size().to_dict()
    {'linear': 4, 'mean': 4}
    """
    if len(estimators) < 1:
        raise ValueError("estimators is empty; pass a dict name -> estimator")
    splits = cv_kwargs.pop("splits", None)
    if splits is not None:
        splits = list(splits)  # materialise a generator so every model sees the same folds
    frames = []
    for name, est in estimators.items():
        df = repeated_cv(est, X, y, scorers, splits=splits, **cv_kwargs)
        df.insert(0, "model", name)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def corrected_resampled_ttest(diffs: Any, *, test_train_ratio: float) -> tuple[float, float]:
    """Nadeau–Bengio corrected resampled t-test on per-fold score differences.

    Folds of (repeated) k-fold CV share most of their training data, so their scores are
    positively correlated and the plain paired t-test is overconfident. Nadeau and Bengio
    (2003) replace the variance factor ``1/J`` of the mean of ``J`` differences with
    ``1/J + n_test/n_train``; the statistic is compared with a t distribution with
    ``J − 1`` degrees of freedom. For k-fold CV ``test_train_ratio = 1/(k − 1)``.

    Returns (t statistic, two-sided p-value).

    >>> t, p = corrected_resampled_ttest([0.1, 0.2, 0.1, 0.2], test_train_ratio=0.25)
    >>> round(t, 3), round(p, 3)
    (3.674, 0.035)
    """
    d = as_1d_float(diffs, "diffs")
    if d.size < 2:
        raise ValueError(f"need at least 2 paired differences, got {d.size}")
    if not test_train_ratio > 0:
        raise ValueError(f"test_train_ratio must be > 0 (n_test / n_train), got {test_train_ratio!r}")
    var = d.var(ddof=1)
    if var == 0:
        return (float(np.sign(d.mean()) * np.inf) if d.mean() != 0 else 0.0), (0.0 if d.mean() != 0 else 1.0)
    t = d.mean() / np.sqrt((1 / d.size + test_train_ratio) * var)
    p = 2 * sps.t.sf(abs(t), df=d.size - 1)
    return float(t), float(p)


def paired_comparison(
    scores_a: Any,
    scores_b: Any,
    *,
    test_train_ratio: float | None = None,
) -> dict[str, float]:
    """Compare two models scored on the same folds: differences ``b − a``.

    Reports the mean and std of the paired differences, the plain paired t-test, the
    Wilcoxon signed-rank test and (if ``test_train_ratio`` is given) the Nadeau–Bengio
    corrected t-test. Caveat: CV folds are not independent (overlapping training sets),
    so the plain t-test and Wilcoxon p-values are too small; prefer the corrected one.

    >>> r = paired_comparison([0.50, 0.52, 0.49, 0.51], [0.40, 0.43, 0.41, 0.40], test_train_ratio=1/3)
    >>> round(r["mean_diff"], 4), r["n"]
    (-0.095, 4)
    """
    a = as_1d_float(scores_a, "scores_a")
    b = as_1d_float(scores_b, "scores_b")
    if a.size != b.size:
        raise ValueError(f"scores_a has {a.size} folds but scores_b has {b.size}; they must be paired on the same folds")
    d = b - a
    if d.size < 2:
        raise ValueError(f"need at least 2 paired folds, got {d.size}")
    out = {"n": int(d.size), "mean_diff": float(d.mean()), "std_diff": float(d.std(ddof=1)),
           "share_b_better": float(np.mean(d > 0))}
    out["p_ttest"] = float(sps.ttest_rel(b, a).pvalue) if d.std() > 0 else (0.0 if d.mean() != 0 else 1.0)
    out["p_wilcoxon"] = float(sps.wilcoxon(d).pvalue) if np.any(d != 0) else 1.0
    if test_train_ratio is not None:
        out["p_corrected"] = corrected_resampled_ttest(d, test_train_ratio=test_train_ratio)[1]
    return out


def mcnemar(y_true: Any, pred_a: Any, pred_b: Any, *, exact: bool = True) -> dict[str, float]:
    """McNemar's test: do two classifiers err on one test set at different rates?

    Only discordant samples count: ``b`` = A right & B wrong, ``c`` = A wrong & B right.
    ``exact=True``: two-sided binomial test of ``b`` out of ``b + c`` at p = 1/2.
    ``exact=False``: chi-square with continuity correction, ``(|b − c| − 1)² / (b + c)``, 1 d.o.f.
    (McNemar 1947; the exact form is preferred when ``b + c < 25``.)
    Missing labels or predictions (NaN/None) raise ``ValueError`` naming the argument.

    >>> r = mcnemar([1, 1, 1, 1, 0, 0], [1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 1])
    >>> r["b"], r["c"], round(r["p"], 4)
    (1, 3, 0.625)
    """
    yt = no_missing(as_1d(y_true, "y_true"), "y_true")
    pa = no_missing(as_1d(pred_a, "pred_a"), "pred_a")
    pb = no_missing(as_1d(pred_b, "pred_b"), "pred_b")
    if not (yt.size == pa.size == pb.size):
        raise ValueError(f"y_true, pred_a, pred_b have sizes {yt.size}, {pa.size}, {pb.size}; they must match")
    ra, rb = pa == yt, pb == yt
    b, c = int(np.sum(ra & ~rb)), int(np.sum(~ra & rb))
    if b + c == 0:
        return {"b": b, "c": c, "statistic": 0.0, "p": 1.0}
    if exact:
        p = min(1.0, 2 * sps.binom.cdf(min(b, c), b + c, 0.5))
        stat = float(min(b, c))
    else:
        stat = (abs(b - c) - 1) ** 2 / (b + c)
        p = float(sps.chi2.sf(stat, df=1))
    return {"b": b, "c": c, "statistic": float(stat), "p": float(p)}


def _check_effect(delta: float, sigma: float, alpha: float, power: float | None = None) -> None:
    if not delta > 0:
        raise ValueError(f"delta (the MAE difference to detect) must be > 0, got {delta!r}")
    if not sigma > 0:
        raise ValueError(f"sigma (std of the per-sample error difference) must be > 0, got {sigma!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")
    if power is not None and not 0 < power < 1:
        raise ValueError(f"power must lie strictly between 0 and 1, got {power!r}")


def power_mae_difference(
    n: int, delta: float, sigma: float, *, alpha: float = 0.05, paired: bool = True
) -> float:
    """Power of a two-sided t-test to detect an MAE difference ``delta`` with ``n`` test samples.

    Paired design (both models on the same ``n`` samples): the per-sample difference of
    absolute errors has mean ``delta`` and std ``sigma``; the noncentral t distribution
    with ``n − 1`` d.o.f. and noncentrality ``delta·√n/sigma`` gives the power.
    Unpaired (``paired=False``, two independent sets of ``n``, ``sigma`` the std of the
    absolute errors in each): noncentrality ``delta·√(n/2)/sigma``, ``2n − 2`` d.o.f.

    >>> round(power_mae_difference(20, 0.1, 0.15), 3)
    0.807
    """
    _check_effect(delta, sigma, alpha)
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    if paired:
        nc, df = delta * np.sqrt(n) / sigma, n - 1
    else:
        nc, df = delta * np.sqrt(n / 2) / sigma, 2 * n - 2
    tc = sps.t.ppf(1 - alpha / 2, df)
    return float(sps.nct.sf(tc, df, nc) + sps.nct.cdf(-tc, df, nc))


def sample_size_mae_difference(
    delta: float,
    sigma: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    paired: bool = True,
    method: str = "t",
) -> float:
    """Test-set size needed to detect an MAE difference ``delta`` between two models.

    Formula (normal approximation, ``method="z"``), two-sided level ``alpha``:

        n = ((z_{1−α/2} + z_{power}) · σ / Δ)²            paired: both models on the same n samples
        n = 2 · ((z_{1−α/2} + z_{power}) · σ / Δ)²        unpaired: per set

    ``σ`` is the standard deviation of the per-sample difference of absolute errors
    (paired) or of the absolute errors (unpaired). For Δ = 0.1 eV and σ = 0.15 eV
    this gives ≈ 17.7, i.e. 18 paired samples. ``method="t"`` returns the smallest integer
    ``n`` whose exact t-test power (:func:`power_mae_difference`) reaches ``power``.

    Assumptions: samples are independent draws from the OOD population of interest; the
    mean of the per-sample differences is close to normal (central limit theorem — heavy
    tails of materials errors need larger ``n``, check with :func:`simulated_power`); σ is
    known (estimate it from a pilot set or from CV residuals). It says nothing about how
    representative the hold-out is.

    >>> sample_size_mae_difference(0.1, 0.15)
    20
    >>> sample_size_mae_difference(0.1, 0.15, paired=False)
    37
    """
    _check_effect(delta, sigma, alpha, power)
    z = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
    n_z = (z * sigma / delta) ** 2 * (1 if paired else 2)
    if method == "z":
        return float(n_z)
    if method != "t":
        raise ValueError(f"method must be 't' or 'z', got {method!r}")
    n = max(2, int(np.floor(n_z)))
    while power_mae_difference(n, delta, sigma, alpha=alpha, paired=paired) < power:
        n += 1
    return n


def simulated_power(
    n: int,
    *,
    delta: float | None = None,
    sigma: float | None = None,
    pool: Any = None,
    alpha: float = 0.05,
    n_sim: int = 2000,
    seed: int = 0,
) -> float:
    """Monte-Carlo power of the paired t-test with ``n`` test samples.

    Per-sample differences of absolute errors are drawn either from a normal distribution
    N(``delta``, ``sigma``²) or, with ``pool``, resampled with replacement from real
    per-sample differences (keeping their skew and heavy tails). Returns the share of
    ``n_sim`` simulated test sets on which the two-sided t-test rejects at ``alpha``.

    >>> round(simulated_power(20, delta=0.1, sigma=0.15, n_sim=400, seed=0), 1)
    0.8
    """
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    rng = np.random.default_rng(seed)
    if pool is not None:
        src = as_1d_float(pool, "pool")
        d = rng.choice(src, size=(n_sim, n), replace=True)
    else:
        if delta is None or sigma is None:
            raise ValueError("pass either pool (real per-sample differences) or both delta and sigma")
        _check_effect(delta, sigma, alpha)
        d = rng.normal(delta, sigma, size=(n_sim, n))
    t = d.mean(axis=1) / (d.std(axis=1, ddof=1) / np.sqrt(n))
    return float(np.mean(np.abs(t) > sps.t.ppf(1 - alpha / 2, n - 1)))
