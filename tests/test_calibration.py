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
