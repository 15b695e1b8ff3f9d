"""Sample weights for continuous targets (imbalanced regression).

Four schemes, each fitted on the *training* targets only and then applied to any target:

* ``"inverse"``  inverse bin frequency, ``w_i = N / (k · count_j)`` for sample ``i`` in bin ``j``
  of ``k`` bins (quantile or equal-width bins from :func:`imbalkit.diagnostics.make_bins`);
* ``"sqrt_inverse"``  ``w ∝ 1 / sqrt(count_j)``, a milder version, rescaled to mean 1;
* ``"lds"``  Label Distribution Smoothing (Yang et al. 2021): the bin counts are convolved
  with a Gaussian kernel before inverting. Default (``lds_variant="yang2021"``) is the
  published recipe: square roots of the counts, smoothed with :func:`lds_kernel_window`,
  ``w ∝ 1 / smooth(sqrt(count))``; see :class:`TargetWeighter` for the two older variants;
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
from scipy.ndimage import gaussian_filter1d
from scipy.stats import gaussian_kde

from ._checks import as_1d_float
from .diagnostics import make_bins

__all__ = ["SCHEMES", "LDS_VARIANTS", "TargetWeighter", "target_weights", "fold_weights", "gaussian_kernel",
           "lds_kernel_window", "smooth_counts"]

SCHEMES = ("inverse", "sqrt_inverse", "lds", "denseweight")
LDS_VARIANTS = ("yang2021", "sqrt_smoothed", "smoothed")
"""LDS variants: ``"yang2021"`` = 1 / smooth(sqrt(count)) with :func:`lds_kernel_window` (the
published sqrt_inv + LDS recipe); ``"sqrt_smoothed"`` = 1 / sqrt(smooth(count)) and
``"smoothed"`` = 1 / smooth(count), both with :func:`gaussian_kernel` (imbalkit's earlier
variants, kept for comparison)."""


def gaussian_kernel(size: int = 5, sigma: float = 2.0) -> np.ndarray:
    """A symmetric Gaussian window of odd length ``size``, peak value 1 (as used by LDS).

    >>> gaussian_kernel(3, 1.0).round(4).tolist()
    [0.6065, 1.0, 0.6065]
    """
    _check_window(size, sigma)
    half = size // 2
    offsets = np.arange(-half, half + 1, dtype=float)
    return np.exp(-(offsets**2) / (2.0 * sigma**2))


def lds_kernel_window(size: int = 5, sigma: float = 2.0) -> np.ndarray:
    """The LDS window of Yang et al. (2021): :func:`scipy.ndimage.gaussian_filter1d` (default
    ``mode="reflect"``, ``truncate=4``) applied to a unit impulse of length ``size``, divided by
    its maximum.

    It is *not* the sampled Gaussian of :func:`gaussian_kernel`: the filter's reach
    (``4·sigma`` bins) is longer than the window, so the reflected tails fold back in and
    the shoulders are higher (for ``size=5, sigma=2``: 0.946 and 0.858 instead of 0.882 and
    0.607).

    >>> lds_kernel_window(5, 2.0).round(4).tolist()
    [0.8583, 0.9458, 1.0, 0.9458, 0.8583]
    """
    _check_window(size, sigma)
    impulse = np.zeros(size)
    impulse[size // 2] = 1.0
    window = gaussian_filter1d(impulse, sigma=sigma)
    return window / window.max()


def _check_window(size: Any, sigma: Any) -> None:
    if not isinstance(size, (int, np.integer)) or size < 1 or size % 2 == 0:
        raise ValueError(f"kernel size must be a positive odd integer, got {size!r}")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")


def smooth_counts(counts: Any, size: int = 5, sigma: float = 2.0, *, kernel: Any = None) -> np.ndarray:
    """Convolve bin counts with a symmetric window, zero padding at both ends.

    The output has one value per bin, whatever the number of bins (also when there are
    fewer bins than kernel taps): ``out[i] = Σ_j counts[j] · kernel[h + i − j]`` over the bins
    ``j`` with ``|i − j| ≤ h``, ``h = len(kernel) // 2``. The window is ``kernel`` if given,
    otherwise :func:`gaussian_kernel` ``(size, sigma)``.

    This is the "effective label density" of LDS: a rare bin next to a crowded one is
    not as rare as its raw count says.

    >>> smooth_counts([0, 10, 0], size=3, sigma=1.0).round(3).tolist()
    [6.065, 10.0, 6.065]
    >>> smooth_counts([4, 1], size=5, sigma=2.0).round(3).tolist()  # 2 bins in, 2 bins out
    [4.882, 4.53]
    """
    c = np.asarray(counts, dtype=float)
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D sequence, got shape {c.shape}")
    k = gaussian_kernel(size, sigma) if kernel is None else np.asarray(kernel, dtype=float)
    if k.ndim != 1 or k.size % 2 == 0:
        raise ValueError(f"kernel must be a 1-D window of odd length, got shape {k.shape}")
    half = k.size // 2
    # 'full' convolution has len(c) + 2·half values; the centred slice keeps one per bin.
    return np.convolve(c, k, mode="full")[half:half + c.size]


class TargetWeighter:
    """Fit a weighting scheme on training targets, then weight any targets.

    Parameters
    ----------
    scheme : one of ``"inverse"``, ``"sqrt_inverse"``, ``"lds"``, ``"denseweight"``
    n_bins : number of bins (inverse, sqrt_inverse, lds); training needs at least this many samples
    strategy : ``"quantile"`` or ``"uniform"`` bins (LDS always uses equal-width bins,
        because smoothing over neighbours only makes sense on an even grid)
    kernel_size, sigma : LDS window (in bins); the defaults 5 and 2 are Yang et al.'s
    lds_variant : which LDS (see ``LDS_VARIANTS``)

        * ``"yang2021"`` (default): ``w ∝ 1 / smooth(sqrt(count))`` with
          :func:`lds_kernel_window`, i.e. the ``sqrt_inv`` re-weighting combined with LDS
          that Yang et al. (2021) use for their regression results: square roots of the
          bin counts are convolved (zero padding) with the impulse-response window of
          ``scipy.ndimage.gaussian_filter1d``. It is the default because it is what the
          name LDS refers to in the literature, so numbers are comparable with the paper.
          Differences from their code: bins are ``n_bins`` equal-width bins of the training
          range (theirs: one bin per integer label), weights are float64 (theirs float32).
        * ``"sqrt_smoothed"``: ``w ∝ 1 / sqrt(smooth(count))`` with the sampled Gaussian of
          :func:`gaussian_kernel` (imbalkit's default before 2026-11; not the published recipe).
        * ``"smoothed"``: ``w ∝ 1 / smooth(count)`` with :func:`gaussian_kernel`.
    lds_sqrt : deprecated alias kept for old code: ``True`` means ``"sqrt_smoothed"``,
        ``False`` means ``"smoothed"``; ``None`` (default) uses ``lds_variant``
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
        lds_variant: str = "yang2021",
        lds_sqrt: bool | None = None,
        alpha: float = 1.0,
        eps: float = 1e-6,
        bandwidth: str | float | None = None,
    ) -> None:
        if scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
        if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
            raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
        if lds_variant not in LDS_VARIANTS:
            raise ValueError(f"lds_variant must be one of {LDS_VARIANTS}, got {lds_variant!r}")
        if lds_sqrt is not None:
            if lds_variant != "yang2021":
                raise ValueError("pass either lds_variant or the deprecated lds_sqrt, not both")
            lds_variant = "sqrt_smoothed" if lds_sqrt else "smoothed"
        if not (alpha >= 0 and np.isfinite(alpha)):
            raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}")
        if not eps > 0:
            raise ValueError(f"eps must be positive (it keeps every weight above 0), got {eps!r}")
        self.scheme = scheme
        self.n_bins = int(n_bins)
        self.strategy = strategy
        self.kernel_size = kernel_size
        self.sigma = sigma
        self.lds_variant = lds_variant
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
        self.edges_ = edges
        self.bin_weights_ = self.bin_weights_from_counts(counts)

    def bin_weights_from_counts(self, counts: Any) -> np.ndarray:
        """The weight of each bin from the bin counts alone, scaled so that the mean weight over
        the samples is 1 (what :meth:`fit` stores; streamed counts give the same table).

        >>> TargetWeighter("inverse", n_bins=2).bin_weights_from_counts([3, 1]).tolist()
        [0.6666666666666666, 2.0]
        """
        counts = np.asarray(counts, dtype=float)
        n = counts.sum()
        if self.scheme == "inverse":
            k = int((counts > 0).sum())  # bins that actually hold samples
            raw = np.where(counts > 0, n / (k * np.maximum(counts, 1)), np.nan)
        elif self.scheme == "sqrt_inverse":
            raw = np.where(counts > 0, 1.0 / np.sqrt(np.maximum(counts, 1)), np.nan)
        else:
            if self.lds_variant == "yang2021":
                eff = smooth_counts(np.sqrt(counts), kernel=lds_kernel_window(self.kernel_size, self.sigma))
            else:
                eff = smooth_counts(counts, self.kernel_size, self.sigma)
                eff = np.sqrt(eff) if self.lds_variant == "sqrt_smoothed" else eff
            with np.errstate(divide="ignore"):
                raw = np.where(eff > 0, 1.0 / eff, np.nan)
        raw = np.where(np.isnan(raw), np.nanmax(raw), raw)  # empty bin: weight of the rarest bin
        return raw / (float(np.sum(raw * counts)) / n)

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
