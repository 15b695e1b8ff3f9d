"""Sample weights for continuous targets (imbalanced regression).

Four schemes, each fitted on the *training* targets only and then applied to any target:

* ``"inverse"``  inverse bin frequency, ``w_i = N / (k · count_j)`` for sample ``i`` in bin ``j``
  of ``k`` bins (quantile or equal-width bins from :func:`imbalkit.diagnostics.make_bins`);
* ``"sqrt_inverse"``  ``w ∝ 1 / sqrt(count_j)``, a milder version, rescaled to mean 1;
* ``"lds"``  Label Distribution Smoothing (Yang et al. 2021): the bin counts are convolved
  with a Gaussian kernel before inverting, ``w ∝ 1 / smoothed_count`` (or its square root);
* ``"denseweight"``  DenseWeight (Steininger et al. 2021): a kernel density estimate ``p(y)``
  min-max normalised to ``p̃ ∈ [0, 1]``, ``w = max(1 − α·p̃(y), ε)``, rescaled to mean 1.

All weights have mean 1 on the training targets, so a weighted loss stays on the scale of
the unweighted one. Use a fresh :class:`TargetWeighter` per fold (:func:`fold_weights` does
that for :func:`imbalkit.cv.repeated_cv`).

Example
-------
>>> w = TargetWeighter("inverse", n_bins=2, strategy="uniform").fit_transform([0, 0, 0, 1])
>>> w.round(3).tolist()
[0.667, 0.667, 0.667, 2.0]
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.stats import gaussian_kde

from ._checks import as_1d_float
from .diagnostics import make_bins

__all__ = ["SCHEMES", "TargetWeighter", "target_weights", "fold_weights", "gaussian_kernel", "smooth_counts"]

SCHEMES = ("inverse", "sqrt_inverse", "lds", "denseweight")


def gaussian_kernel(size: int = 5, sigma: float = 2.0) -> np.ndarray:
    """A symmetric Gaussian window of odd length ``size``, peak value 1 (as used by LDS).

    >>> gaussian_kernel(3, 1.0).round(4).tolist()
    [0.6065, 1.0, 0.6065]
    """
    if not isinstance(size, (int, np.integer)) or size < 1 or size % 2 == 0:
        raise ValueError(f"kernel size must be a positive odd integer, got {size!r}")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    half = size // 2
    offsets = np.arange(-half, half + 1, dtype=float)
    return np.exp(-(offsets**2) / (2.0 * sigma**2))


def smooth_counts(counts: Any, size: int = 5, sigma: float = 2.0) -> np.ndarray:
    """Convolve bin counts with :func:`gaussian_kernel` (zero padding at both ends).

    This is the "effective label density" of LDS: a rare bin next to a crowded one is
    not as rare as its raw count says.

    >>> smooth_counts([0, 10, 0], size=3, sigma=1.0).round(3).tolist()
    [6.065, 10.0, 6.065]
    """
    c = np.asarray(counts, dtype=float)
    return np.convolve(c, gaussian_kernel(size, sigma), mode="same")


class TargetWeighter:
    """Fit a weighting scheme on training targets, then weight any targets.

    Parameters
    ----------
    scheme : one of ``"inverse"``, ``"sqrt_inverse"``, ``"lds"``, ``"denseweight"``
    n_bins : number of bins (inverse, sqrt_inverse, lds); training needs at least this many samples
    strategy : ``"quantile"`` or ``"uniform"`` bins (LDS always uses equal-width bins,
        because smoothing over neighbours only makes sense on an even grid)
    kernel_size, sigma : LDS Gaussian window (in bins)
    lds_sqrt : LDS with ``1 / sqrt(smoothed count)`` (the variant Yang et al. recommend
        for regression) instead of ``1 / smoothed count``
    alpha, eps : DenseWeight strength and floor, ``w = max(1 − α·p̃, ε)``
    bandwidth : ``bw_method`` of :class:`scipy.stats.gaussian_kde` (DenseWeight)

    Notes
    -----
    Weights are rescaled so that they average 1 over the training targets. A value
    outside the training range is weighted like the nearest training bin (binned
    schemes) or by the clipped density (DenseWeight). A target that falls in a bin that
    was empty in training gets the weight of the rarest non-empty bin.

    Examples
    --------
    >>> tw = TargetWeighter("sqrt_inverse", n_bins=2, strategy="uniform").fit([0, 0, 0, 1])
    >>> tw.transform([0.1, 0.9]).round(3).tolist()
    [0.845, 1.464]
    """

    def __init__(
        self,
        scheme: str = "inverse",
        *,
        n_bins: int = 10,
        strategy: str = "quantile",
        kernel_size: int = 5,
        sigma: float = 2.0,
        lds_sqrt: bool = True,
        alpha: float = 1.0,
        eps: float = 1e-6,
        bandwidth: str | float | None = None,
    ) -> None:
        if scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
        if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
            raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
        if not (alpha >= 0 and np.isfinite(alpha)):
            raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
        if not eps > 0:
            raise ValueError(f"eps must be positive (it keeps every weight above 0), got {eps!r}")
        self.scheme = scheme
        self.n_bins = int(n_bins)
        self.strategy = strategy
        self.kernel_size = kernel_size
        self.sigma = sigma
        self.lds_sqrt = lds_sqrt
        self.alpha = alpha
        self.eps = eps
        self.bandwidth = bandwidth

    # ------------------------------------------------------------------ fit
    def fit(self, y: Any) -> "TargetWeighter":
        """Learn the bin table or density from training targets ``y``; returns ``self``.

        Refitting replaces every learned attribute, so nothing from an earlier fit survives.

        >>> TargetWeighter("inverse", n_bins=2).fit([0.0, 1.0, 2.0, 3.0]).bin_weights_.tolist()
        [1.0, 1.0]
        """
        arr = as_1d_float(y, "y")
        if self.scheme != "denseweight" and arr.size < self.n_bins:
            raise ValueError(
                f"y has {arr.size} samples but n_bins={self.n_bins}; use fewer bins than samples"
            )
        if self.scheme == "denseweight" and arr.size < 2:
            raise ValueError(f"DenseWeight needs at least 2 training targets for a density, got {arr.size}")
        for attr in ("edges_", "bin_weights_", "kde_", "dens_min_", "dens_max_", "scale_"):
            self.__dict__.pop(attr, None)
        self.n_train_ = arr.size
        if self.scheme == "denseweight":
            self._fit_density(arr)
        else:
            self._fit_bins(arr)
        return self

    def _fit_bins(self, arr: np.ndarray) -> None:
        strategy = "uniform" if self.scheme == "lds" else self.strategy
        labels, edges = make_bins(arr, n_bins=self.n_bins, strategy=strategy)
        counts = np.bincount(labels, minlength=edges.size - 1).astype(float)
        if self.scheme == "inverse":
            k = int((counts > 0).sum())  # bins that actually hold samples
            raw = np.where(counts > 0, arr.size / (k * np.maximum(counts, 1)), np.nan)
        elif self.scheme == "sqrt_inverse":
            raw = np.where(counts > 0, 1.0 / np.sqrt(np.maximum(counts, 1)), np.nan)
        else:
            eff = smooth_counts(counts, self.kernel_size, self.sigma)
            with np.errstate(divide="ignore"):
                raw = 1.0 / (np.sqrt(eff) if self.lds_sqrt else eff)
            raw = np.where(eff > 0, raw, np.nan)
        raw = np.where(np.isnan(raw), np.nanmax(raw), raw)  # empty bin: weight of the rarest bin
        scale = float(np.mean(raw[labels]))
        self.edges_ = edges
        self.bin_weights_ = raw / scale

    def _fit_density(self, arr: np.ndarray) -> None:
        if np.ptp(arr) == 0:
            raise ValueError("y is constant, so its density cannot be estimated; DenseWeight needs varied targets")
        self.kde_ = gaussian_kde(arr, bw_method=self.bandwidth)
        dens = self.kde_(arr)
        self.dens_min_, self.dens_max_ = float(dens.min()), float(dens.max())
        self.scale_ = 1.0
        self.scale_ = float(np.mean(self._density_weights(arr)))

    def _density_weights(self, arr: np.ndarray) -> np.ndarray:
        span = self.dens_max_ - self.dens_min_
        p = (self.kde_(arr) - self.dens_min_) / span if span > 0 else np.zeros(arr.size)
        p = np.clip(p, 0.0, 1.0)
        return np.maximum(1.0 - self.alpha * p, self.eps) / self.scale_

    # ------------------------------------------------------------ transform
    def transform(self, y: Any) -> np.ndarray:
        """Weights for targets ``y`` from the fitted table or density.

        >>> tw = TargetWeighter("inverse", n_bins=2, strategy="uniform").fit([0, 0, 0, 1])
        >>> tw.transform([5.0]).round(3).tolist()  # beyond the training range: top bin
        [2.0]
        """
        if not hasattr(self, "n_train_"):
            raise ValueError("this TargetWeighter is not fitted yet; call fit(y_train) first")
        arr = as_1d_float(y, "y")
        if self.scheme == "denseweight":
            return self._density_weights(arr)
        edges = self.edges_
        labels = np.clip(np.searchsorted(edges, arr, side="right") - 1, 0, edges.size - 2)
        return self.bin_weights_[labels]

    def fit_transform(self, y: Any) -> np.ndarray:
        """``fit(y).transform(y)``: training weights, mean 1.

        >>> TargetWeighter("denseweight", alpha=0.5).fit_transform([0, 0.1, 0.2, 5]).mean().round(6)
        np.float64(1.0)
        """
        return self.fit(y).transform(y)

    def __repr__(self) -> str:
        return f"TargetWeighter({self.scheme!r}, n_bins={self.n_bins}, strategy={self.strategy!r})"


def target_weights(y: Any, scheme: str = "inverse", **kwargs: Any) -> np.ndarray:
    """Training weights for targets ``y`` in one call (a fresh :class:`TargetWeighter`).

    >>> target_weights([0, 0, 0, 1], "inverse", n_bins=2, strategy="uniform").tolist()
    [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0]
    """
    return TargetWeighter(scheme, **kwargs).fit_transform(y)


def fold_weights(scheme: str = "inverse", *, param: str = "sample_weight", **kwargs: Any) -> Callable[[Any], dict]:
    """A ``fit_params`` callable for :func:`imbalkit.cv.repeated_cv`: for each training fold
    it builds a *new* :class:`TargetWeighter`, fits it on that fold's targets only and
    returns ``{param: weights}``. Nothing is shared between folds.

    ``param`` is the fit keyword, e.g. ``"model__sample_weight"`` for a Pipeline step.

    >>> make = fold_weights("inverse", n_bins=2, strategy="uniform")
    >>> make([0, 0, 0, 1])["sample_weight"].round(3).tolist()
    [0.667, 0.667, 0.667, 2.0]
    """
    TargetWeighter(scheme, **kwargs)  # validate the arguments once, up front

    def _weights(y_train: Any) -> dict:
        return {param: TargetWeighter(scheme, **kwargs).fit_transform(y_train)}

    return _weights
