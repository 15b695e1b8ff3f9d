"""Part II statistics: hand computations and reference formulas."""
import numpy as np
import pytest
from scipy import stats as sps

from imbalkit.cv import mae
from imbalkit.stats import (
    bootstrap_ci, compare_models, corrected_resampled_ttest, mcnemar, paired_comparison,
    power_mae_difference, sample_size_mae_difference, simulated_power,
)


def test_mcnemar_by_hand():
    # A right/B wrong on 2 samples, A wrong/B right on 8 samples, 10 concordant
    y = np.ones(20, int)
    a = np.r_[np.ones(2), np.zeros(8), np.ones(10)].astype(int)
    b = np.r_[np.zeros(2), np.ones(8), np.ones(10)].astype(int)
    r = mcnemar(y, a, b, exact=False)
    assert (r["b"], r["c"]) == (2, 8)
    assert r["statistic"] == pytest.approx((abs(2 - 8) - 1) ** 2 / 10)  # 2.5
    assert r["p"] == pytest.approx(sps.chi2.sf(2.5, 1))
    e = mcnemar(y, a, b, exact=True)
    # exact two-sided: 2 * P(X <= 2), X ~ Bin(10, 1/2) = 2 * 56 / 1024
    assert e["p"] == pytest.approx(2 * 56 / 1024)
    assert mcnemar(y, a, a)["p"] == 1.0
    with pytest.raises(ValueError, match="must match"):
        mcnemar(y, a[:5], b)


def test_corrected_ttest_formula_and_is_more_conservative():
    d = np.array([0.02, 0.05, 0.01, 0.04, 0.03, 0.06, 0.02, 0.03, 0.05, 0.04])
    t, p = corrected_resampled_ttest(d, test_train_ratio=0.25)
    assert t == pytest.approx(d.mean() / np.sqrt((1 / 10 + 0.25) * d.var(ddof=1)))
    assert p == pytest.approx(2 * sps.t.sf(t, 9))
    r = paired_comparison(np.zeros(10), d, test_train_ratio=0.25)
    assert r["p_corrected"] > r["p_ttest"]
    assert r["p_ttest"] == pytest.approx(sps.ttest_rel(d, np.zeros(10)).pvalue)
    with pytest.raises(ValueError, match="paired on the same folds"):
        paired_comparison([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="test_train_ratio must be > 0"):
        corrected_resampled_ttest(d, test_train_ratio=0)


def test_sample_size_knowledge_base_example():
    z = sps.norm.ppf(0.975) + sps.norm.ppf(0.8)
    assert sample_size_mae_difference(0.1, 0.15, method="z") == pytest.approx((z * 1.5) ** 2)
    n = sample_size_mae_difference(0.1, 0.15)
    assert power_mae_difference(n, 0.1, 0.15) >= 0.8 > power_mae_difference(n - 1, 0.1, 0.15)
    assert sample_size_mae_difference(0.1, 0.15, paired=False, method="z") == pytest.approx(2 * (z * 1.5) ** 2)
    with pytest.raises(ValueError, match="delta"):
        sample_size_mae_difference(0, 0.15)
    with pytest.raises(ValueError, match="sigma"):
        sample_size_mae_difference(0.1, -1)


def test_simulation_agrees_with_formula():
    sim = simulated_power(20, delta=0.1, sigma=0.15, n_sim=4000, seed=1)
    assert sim == pytest.approx(power_mae_difference(20, 0.1, 0.15), abs=0.03)
    pool = np.random.default_rng(0).normal(0.1, 0.15, 5000)
    assert simulated_power(20, pool=pool, n_sim=2000) == pytest.approx(0.8, abs=0.05)
    with pytest.raises(ValueError, match="pass either pool"):
        simulated_power(20)


def test_bootstrap_ci_covers_estimate_and_shrinks_with_n():
    rng = np.random.default_rng(0)
    y = rng.normal(size=400)
    p = y + rng.normal(scale=0.5, size=400)
    big = bootstrap_ci(y, p, mae, n_boot=300)
    small = bootstrap_ci(y[:50], p[:50], mae, n_boot=300)
    assert big["low"] <= big["estimate"] <= big["high"]
    assert big["high"] - big["low"] < small["high"] - small["low"]
    with pytest.raises(ValueError, match="level must lie"):
        bootstrap_ci(y, p, mae, level=95)


def test_compare_models_uses_identical_folds():
    from sklearn.dummy import DummyRegressor
    X = np.arange(30.0).reshape(-1, 1)
    y = np.arange(30.0)
    df = compare_models({"a": DummyRegressor(), "b": DummyRegressor()}, X, y, {"MAE": mae}, n_splits=3, n_repeats=2)
    a, b = df[df.model == "a"]["MAE"].to_numpy(), df[df.model == "b"]["MAE"].to_numpy()
    np.testing.assert_allclose(a, b)  # same model, same folds -> identical scores


# --- regression tests: "Correct to the reference" -------------------------------------------
def test_stratified_bootstrap_on_continuous_target_does_not_collapse():
    rng = np.random.default_rng(0)
    y = rng.normal(size=400)
    p = y + rng.normal(scale=0.5, size=400)
    strat = bootstrap_ci(y, p, mae, n_boot=1000, stratify=True)
    assert strat["high"] - strat["low"] > 0
    # errors are independent of y, so stratifying by y leaves the CLT standard error of a mean
    # of |e| (std(|e|)/sqrt(n)) about unchanged
    se = np.abs(y - p).std(ddof=1) / np.sqrt(y.size)
    assert strat["std"] == pytest.approx(se, rel=0.15)
    assert strat["low"] < strat["estimate"] < strat["high"]


def test_stratified_bootstrap_keeps_quantile_bins_and_classes():
    rng = np.random.default_rng(1)
    y = rng.exponential(size=500)
    top = y > np.quantile(y, 0.8)  # the top quantile bin (n_strata=5) holds exactly 100 samples
    share_top = bootstrap_ci(y, top.astype(float), lambda t, q: float(np.mean(q)), n_boot=50, stratify=True)
    assert share_top["low"] == share_top["high"] == pytest.approx(0.2)
    labels = np.r_[np.zeros(90), np.ones(10)]  # classes: the prevalence is the same in every replicate
    prev = bootstrap_ci(labels, labels, lambda t, q: float(np.mean(t)), n_boot=50, stratify=True)
    assert prev["low"] == prev["high"] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="n_strata must be"):
        bootstrap_ci(y, y, mae, stratify=True, n_strata=0)


@pytest.mark.parametrize("arg", ["y_true", "pred_a", "pred_b"])
def test_mcnemar_rejects_missing_labels(arg):
    data = {"y_true": [1.0, 0, 1, 0, 1], "pred_a": [1.0, 0, 0, 0, 1], "pred_b": [1.0, 1, 1, 0, 1]}
    data[arg] = list(data[arg])
    data[arg][2] = np.nan
    with pytest.raises(ValueError, match=rf"{arg} has 1 missing value.*\[2\]"):
        mcnemar(data["y_true"], data["pred_a"], data["pred_b"])
    data[arg][2] = None
    with pytest.raises(ValueError, match=rf"{arg} has 1 missing"):
        mcnemar(data["y_true"], data["pred_a"], data["pred_b"])


def test_bootstrap_rejects_missing_labels():
    with pytest.raises(ValueError, match="y_true has 1 missing"):
        bootstrap_ci([0, 1, None, 1], [0, 1, 1, 1], mae)
