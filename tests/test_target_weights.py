"""Every weight scheme against its formula on small hand-made targets."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import gaussian_kde

from imbalkit.cv import repeated_cv
from imbalkit.target_weights import TargetWeighter, fold_weights, gaussian_kernel, smooth_counts, target_weights

Y = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 4.0])  # uniform bins of width 1: counts 6, 2, 1, 0, 1


def test_inverse_matches_n_over_k_count_quantile_bins() -> None:
    y = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 100])
    w = target_weights(y, "inverse", n_bins=3, strategy="quantile")
    # 3 equal-count bins of 4 -> every weight N / (k * count) = 12 / (3 * 4) = 1
    np.testing.assert_allclose(w, 1.0)


def test_inverse_matches_formula_uniform_bins() -> None:
    w = target_weights(Y, "inverse", n_bins=4, strategy="uniform")  # edges 0,1,2,3,4
    counts = {0: 6, 1: 2, 2: 1, 3: 1}  # bin [3, 4] holds the 4.0; bin [2, 3) holds 2.0
    k, n = 4, Y.size
    expected = [n / (k * counts[min(int(v), 3)]) for v in Y]
    np.testing.assert_allclose(w, expected)
    assert w.mean() == pytest.approx(1.0)


def test_inverse_with_empty_bin_uses_nonempty_k_and_keeps_mean_one() -> None:
    w = target_weights(Y, "inverse", n_bins=8, strategy="uniform")  # edges every 0.5: bins 2,3,5,6 empty
    counts = np.array([6, 0, 2, 0, 1, 0, 0, 1])
    k = 4
    labels = np.clip((Y / 0.5).astype(int), 0, 7)
    np.testing.assert_allclose(w, Y.size / (k * counts[labels]))
    assert w.mean() == pytest.approx(1.0)
    tw = TargetWeighter("inverse", n_bins=8, strategy="uniform").fit(Y)
    assert tw.transform([1.6])[0] == pytest.approx(w.max())  # empty training bin -> rarest bin's weight


def test_sqrt_inverse_formula() -> None:
    w = target_weights(Y, "sqrt_inverse", n_bins=4, strategy="uniform")
    counts = np.array([6, 2, 1, 1])
    raw = 1 / np.sqrt(counts[np.clip(Y.astype(int), 0, 3)])
    np.testing.assert_allclose(w, raw / raw.mean())


def test_gaussian_kernel_and_smoothing_by_hand() -> None:
    k = gaussian_kernel(5, 2.0)
    np.testing.assert_allclose(k, np.exp(-np.array([4, 1, 0, 1, 4]) / 8.0))
    counts = np.array([6.0, 2, 1, 0, 1])
    direct = [sum(counts[j] * k[i - j + 2] for j in range(5) if abs(i - j) <= 2) for i in range(5)]
    np.testing.assert_allclose(smooth_counts(counts, 5, 2.0), direct)


@pytest.mark.parametrize("use_sqrt", [True, False])
def test_lds_formula(use_sqrt: bool) -> None:
    w = target_weights(Y, "lds", n_bins=4, kernel_size=3, sigma=1.0, lds_sqrt=use_sqrt)
    counts = np.array([6.0, 2, 1, 1])
    kern = np.exp(-np.array([1.0, 0, 1]) / 2)
    eff = np.array([counts[max(i - 1, 0):i + 2] @ kern[max(1 - i, 0):3 - max(i + 2 - 4, 0)] for i in range(4)])
    raw = 1 / (np.sqrt(eff) if use_sqrt else eff)
    per_sample = raw[np.clip(Y.astype(int), 0, 3)]
    np.testing.assert_allclose(w, per_sample / per_sample.mean())


def test_lds_is_flatter_than_inverse_next_to_a_crowded_bin() -> None:
    inv = target_weights(Y, "inverse", n_bins=4, strategy="uniform")
    lds = target_weights(Y, "lds", n_bins=4, kernel_size=5, sigma=2.0, lds_sqrt=False)
    assert lds.max() / lds.min() < inv.max() / inv.min()


def test_denseweight_formula() -> None:
    y = np.array([0.0, 0.1, 0.2, 0.3, 0.2, 3.0, 5.0])
    alpha, eps = 0.9, 1e-3
    w = target_weights(y, "denseweight", alpha=alpha, eps=eps)
    dens = gaussian_kde(y)(y)
    p = (dens - dens.min()) / (dens.max() - dens.min())
    raw = np.maximum(1 - alpha * p, eps)
    np.testing.assert_allclose(w, raw / raw.mean())
    assert w[np.argmax(y)] == pytest.approx(w.max())  # the rarest target weighs most


def test_denseweight_alpha_zero_is_uniform_and_eps_floor_holds() -> None:
    y = np.array([0.0, 0.0, 0.1, 2.0, 3.0])
    np.testing.assert_allclose(target_weights(y, "denseweight", alpha=0.0), 1.0)
    raw_min = target_weights(y, "denseweight", alpha=5.0, eps=0.01)
    assert raw_min.min() > 0


def test_transform_uses_training_fit_only() -> None:
    tw = TargetWeighter("inverse", n_bins=2, strategy="uniform").fit([0.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(tw.transform([0.2, 0.7, 9.0, -3.0]), [2 / 3, 2.0, 2.0, 2 / 3])


@pytest.mark.parametrize("scheme", ["inverse", "sqrt_inverse", "lds", "denseweight"])
def test_refit_carries_no_state_between_folds(scheme: str) -> None:
    rng = np.random.default_rng(0)
    fold_a, fold_b = rng.exponential(1.0, 50), rng.normal(5.0, 2.0, 40)
    reused = TargetWeighter(scheme, n_bins=5).fit(fold_a)
    reused.fit(fold_b)
    fresh = TargetWeighter(scheme, n_bins=5).fit(fold_b)
    probe = np.linspace(-1, 10, 23)
    np.testing.assert_allclose(reused.transform(probe), fresh.transform(probe))


def test_fold_weights_builds_a_fresh_weighter_for_every_training_fold() -> None:
    seen: list[np.ndarray] = []

    class Recorder:
        def get_params(self, deep: bool = True) -> dict:
            return {}

        def set_params(self, **p: object) -> "Recorder":
            return self

        def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray) -> "Recorder":
            seen.append((y.copy(), sample_weight.copy()))
            return self

        def predict(self, X: np.ndarray) -> np.ndarray:
            return np.zeros(len(X))

    y = np.r_[np.zeros(30), np.arange(1.0, 11.0)]
    X = y.reshape(-1, 1)
    repeated_cv(Recorder(), X, y, {"n": lambda a, b: len(a)}, n_splits=4, n_repeats=1,
                fit_params=fold_weights("inverse", n_bins=3, strategy="uniform"))
    assert len(seen) == 4
    for y_tr, w in seen:
        np.testing.assert_allclose(w, target_weights(y_tr, "inverse", n_bins=3, strategy="uniform"))
        assert w.mean() == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("scheme", ["inverse", "denseweight"])
def test_nan_and_inf_targets_are_rejected(bad: float, scheme: str) -> None:
    with pytest.raises(ValueError, match="NaN or infinite"):
        TargetWeighter(scheme).fit([0.0, 1.0, bad, 2.0])


def test_fewer_samples_than_bins() -> None:
    with pytest.raises(ValueError, match="3 samples but n_bins=5"):
        TargetWeighter("inverse", n_bins=5).fit([0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="at least 2"):
        TargetWeighter("denseweight").fit([1.0])


def test_bad_arguments_and_unfitted() -> None:
    with pytest.raises(ValueError, match="scheme must be one of"):
        TargetWeighter("focal")
    with pytest.raises(ValueError, match="eps must be positive"):
        TargetWeighter("denseweight", eps=0)
    with pytest.raises(ValueError, match="not fitted"):
        TargetWeighter().transform([1.0])
    with pytest.raises(ValueError, match="kernel size must be a positive odd"):
        gaussian_kernel(4)
    with pytest.raises(ValueError, match="constant"):
        TargetWeighter("denseweight").fit([2.0, 2.0, 2.0])


# --- regression tests: "Correct to the reference" -------------------------------------------
import imbalkit.target_weights as tw_mod  # noqa: E402  (module access, so old code fails per test)


def _reference_smooth(values: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Zero-padded centred convolution written out as a double loop."""
    h = kernel.size // 2
    return np.array([sum(values[j] * kernel[h + i - j] for j in range(values.size) if abs(i - j) <= h)
                     for i in range(values.size)])


@pytest.mark.parametrize("counts", [[7.0], [4.0, 1.0], [20.0, 5.0, 1.0], [6.0, 2, 1, 0, 1, 3, 9]])
def test_smooth_counts_one_value_per_bin_even_with_fewer_bins_than_taps(counts: list) -> None:
    c = np.array(counts)
    got = tw_mod.smooth_counts(c, 5, 2.0)
    assert got.shape == c.shape
    np.testing.assert_allclose(got, _reference_smooth(c, tw_mod.gaussian_kernel(5, 2.0)), rtol=1e-12, atol=0)


def test_lds_with_three_bins_gives_the_rarest_bin_the_largest_weight() -> None:
    y = np.r_[np.zeros(20), np.ones(5), 2.0]  # 3 uniform bins: counts 20, 5, 1
    w = target_weights(y, "lds", n_bins=3, kernel_size=5, sigma=2.0, lds_sqrt=False)
    eff = _reference_smooth(np.array([20.0, 5.0, 1.0]), tw_mod.gaussian_kernel(5, 2.0))
    raw = (1 / eff)[[0] * 20 + [1] * 5 + [2]]
    np.testing.assert_allclose(w, raw / raw.mean(), rtol=1e-12)
    assert w[-1] > w[20] > w[0]


def _yang_window(size: int, sigma: float, truncate: float = 4.0) -> np.ndarray:
    """Impulse response of a sampled, normalised Gaussian filter (reach int(truncate·sigma + 0.5))
    with half-sample symmetric ('reflect') extension, divided by its maximum; derived by hand:
    out[i] = Σ_m g(m) · delta(reflect(i + m))."""
    r = int(truncate * sigma + 0.5)
    g = {m: np.exp(-m * m / (2 * sigma * sigma)) for m in range(-r, r + 1)}

    def reflect(p: int) -> int:
        q = p % (2 * size)
        return q if q < size else 2 * size - 1 - q

    out = np.array([sum(g[m] for m in g if reflect(i + m) == size // 2) for i in range(size)])
    return out / out.max()


@pytest.mark.parametrize(("size", "sigma"), [(5, 2.0), (3, 1.0), (7, 1.5), (9, 3.0)])
def test_lds_kernel_window_matches_hand_derivation(size: int, sigma: float) -> None:
    np.testing.assert_allclose(tw_mod.lds_kernel_window(size, sigma), _yang_window(size, sigma), rtol=1e-12, atol=0)


@pytest.mark.parametrize("n_bins", [3, 4, 8])
def test_lds_yang2021_is_inverse_of_smoothed_sqrt_counts(n_bins: int) -> None:
    y = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 4.0, 0.3, 3.9])
    w = target_weights(y, "lds", n_bins=n_bins)  # default: yang2021, ks=5, sigma=2
    width = 4.0 / n_bins
    labels = np.minimum((y / width).astype(int), n_bins - 1)
    counts = np.bincount(labels, minlength=n_bins).astype(float)
    eff = _reference_smooth(np.sqrt(counts), _yang_window(5, 2.0))
    per_sample = 1 / eff[labels]
    np.testing.assert_allclose(w, per_sample * y.size / per_sample.sum(), rtol=1e-12, atol=0)


def test_lds_variants_and_deprecated_alias() -> None:
    y = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 3.0, 3.0])
    old = target_weights(y, "lds", n_bins=4, lds_variant="sqrt_smoothed")
    np.testing.assert_array_equal(old, target_weights(y, "lds", n_bins=4, lds_sqrt=True))
    np.testing.assert_array_equal(target_weights(y, "lds", n_bins=4, lds_variant="smoothed"),
                                  target_weights(y, "lds", n_bins=4, lds_sqrt=False))
    assert TargetWeighter("lds").lds_variant == "yang2021"
    assert not np.allclose(old, target_weights(y, "lds", n_bins=4))
    with pytest.raises(ValueError, match="lds_variant must be one of"):
        TargetWeighter("lds", lds_variant="sqrt")
    with pytest.raises(ValueError, match="not both"):
        TargetWeighter("lds", lds_variant="smoothed", lds_sqrt=True)
    with pytest.raises(ValueError, match="odd length"):
        tw_mod.smooth_counts([1.0, 2.0], kernel=[1.0, 1.0])
