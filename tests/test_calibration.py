"""Part II calibration: reliability curve vs scikit-learn, ECE by hand, frozen re-calibration."""
import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression

from imbalkit.calibration import expected_calibration_error, recalibrate, reliability_curve


def test_reliability_curve_matches_sklearn():
    rng = np.random.default_rng(0)
    p = rng.random(500)
    y = (rng.random(500) < p**2).astype(int)
    ours = reliability_curve(y, p, n_bins=8)
    obs, pred = calibration_curve(y, p, n_bins=8, strategy="uniform")
    np.testing.assert_allclose(ours["observed_rate"], obs)
    np.testing.assert_allclose(ours["mean_predicted"], pred)


def test_ece_by_hand():
    y = [0, 1, 1, 1, 0, 0]
    p = [0.2, 0.2, 0.8, 0.8, 0.8, 0.2]
    # two bins of 3: |1/3 - 0.2| and |2/3 - 0.8|, weights 1/2 each
    assert expected_calibration_error(y, p, n_bins=2) == pytest.approx(0.5 * (2 / 15) + 0.5 * (2 / 15))
    with pytest.raises(ValueError, match="proba must lie in"):
        expected_calibration_error([0, 1], [-0.5, 2.0])
    with pytest.raises(ValueError, match="strategy must be"):
        reliability_curve([0, 1], [0.1, 0.9], strategy="kmeans")


def test_recalibrate_fixes_class_weighted_model_and_keeps_base_frozen():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(3000, 2))
    y = (X[:, 0] + rng.normal(scale=1.5, size=3000) > 1.5).astype(int)
    # class weighting inflates the minority probabilities -> miscalibrated by construction
    base = LogisticRegression(class_weight="balanced").fit(X[:1000], y[:1000])
    coef = base.coef_.copy()
    cal = recalibrate(base, X[1000:2000], y[1000:2000], method="sigmoid")
    np.testing.assert_allclose(base.coef_, coef)
    before = expected_calibration_error(y[2000:], base.predict_proba(X[2000:])[:, 1])
    after = expected_calibration_error(y[2000:], cal.predict_proba(X[2000:])[:, 1])
    assert after < 0.5 * before
    with pytest.raises(ValueError, match="not fitted"):
        recalibrate(LogisticRegression(), X, y)
    with pytest.raises(ValueError, match="method must be"):
        recalibrate(base, X, y, method="beta")


# --- regression tests: "Correct to the reference" -------------------------------------------
@pytest.mark.parametrize("strategy", ["quantile", "uniform"])
@pytest.mark.parametrize("const", [0.0, 0.3, 1.0])
def test_constant_probabilities_form_one_bin(strategy, const):
    y = np.array([1, 0, 0, 1, 0, 0, 0, 1])
    p = np.full(y.size, const)
    curve = reliability_curve(y, p, n_bins=10, strategy=strategy)
    assert len(curve) == 1 and curve["n"].iloc[0] == y.size
    assert curve["mean_predicted"].iloc[0] == pytest.approx(const)
    assert curve["observed_rate"].iloc[0] == pytest.approx(3 / 8)
    assert expected_calibration_error(y, p, n_bins=10, strategy=strategy) == pytest.approx(abs(const - 3 / 8), abs=1e-12)


def test_quantile_bins_unchanged_on_ordinary_probabilities():
    rng = np.random.default_rng(3)
    p = rng.random(400)
    y = (rng.random(400) < p).astype(int)
    # equal-count bins of 100 samples: edges at the sample quantiles
    curve = reliability_curve(y, p, n_bins=4, strategy="quantile")
    assert curve["n"].tolist() == [100, 100, 100, 100]
    order = np.argsort(p)
    for b in range(4):
        idx = order[100 * b:100 * (b + 1)]
        assert curve["mean_predicted"].iloc[b] == pytest.approx(p[idx].mean(), rel=1e-12)
        assert curve["observed_rate"].iloc[b] == pytest.approx(y[idx].mean(), rel=1e-12)


@pytest.mark.parametrize("bad_y", [[0, 1, np.nan, 1], [0, 1, None, 1]])
def test_missing_labels_are_rejected_by_name(bad_y):
    with pytest.raises(ValueError, match=r"y_true has 1 missing value.*position\(s\) \[2\]"):
        expected_calibration_error(bad_y, [0.1, 0.9, 0.5, 0.8])
    with pytest.raises(ValueError, match="y_true has 1 missing"):
        reliability_curve(np.array(bad_y, dtype=object), [0.1, 0.9, 0.5, 0.8])


def test_missing_probabilities_are_rejected_by_name():
    with pytest.raises(ValueError, match=r"proba has 1 NaN"):
        expected_calibration_error([0, 1, 0, 1], [0.1, np.nan, 0.5, 0.8])


def test_recalibrate_rejects_missing_labels():
    X = np.linspace(-2, 2, 20).reshape(-1, 1)
    y = (X.ravel() > 0).astype(float)
    base = LogisticRegression().fit(X, y)
    y_bad = y.copy()
    y_bad[3] = np.nan
    with pytest.raises(ValueError, match="y_cal has 1 missing"):
        recalibrate(base, X, y_bad)
