"""The property-extreme protocol (PDR) and the extraordinary-material search."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression

from imbalkit.extremes import extraordinary_search, extreme_cut, extreme_mask, iid_ood_split, pdr_protocol, top_k_hits
from imbalkit.metrics import pdr
from imbalkit.target_weights import fold_weights


def test_mask_by_quantile_threshold_and_side() -> None:
    y = np.arange(100.0)
    assert extreme_mask(y, quantile=0.95).sum() == 5
    assert extreme_mask(y, threshold=89.5).sum() == 10
    assert extreme_mask(y, quantile=0.05, side="lower").sum() == 5
    assert extreme_cut(y, threshold=4.0) == 4.0


def test_split_partitions_bulk_and_extremes() -> None:
    y = np.random.default_rng(0).exponential(size=300)
    tr, iid, ood = iid_ood_split(y, threshold=2.0, test_fraction=0.25, seed=3)
    assert np.intersect1d(tr, iid).size == 0 and np.intersect1d(np.r_[tr, iid], ood).size == 0
    assert tr.size + iid.size + ood.size == 300
    assert np.all(y[ood] > 2.0) and np.all(y[np.r_[tr, iid]] <= 2.0)
    assert iid.size == round(0.25 * (300 - ood.size))
    tr2, iid2, _ = iid_ood_split(y, threshold=2.0, test_fraction=0.25, seed=3)
    assert np.array_equal(tr, tr2) and np.array_equal(iid, iid2)


def test_mean_predictor_has_known_maes_and_pdr() -> None:
    # y = 0..99, extremes y > 89.1 -> 90..99. A mean predictor trained on the bulk predicts
    # the training mean m; MAE_OOD = mean(y_ood) - m exactly.
    X = np.zeros((100, 1)); y = np.arange(100.0)
    res = pdr_protocol(DummyRegressor(), X, y, quantile=0.9, n_repeats=3, test_fraction=0.2)
    for seed, row in res.runs.set_index("seed").iterrows():
        tr, iid, ood = iid_ood_split(y, quantile=0.9, test_fraction=0.2, seed=int(seed))
        m = y[tr].mean()
        assert row["MAE_OOD"] == pytest.approx(np.mean(y[ood]) - m)
        assert row["bias_OOD"] == pytest.approx(m - np.mean(y[ood]))
        assert row["MAE_IID"] == pytest.approx(np.mean(np.abs(y[iid] - m)))
        assert row["PDR"] == pytest.approx(pdr(row["MAE_OOD"], row["MAE_IID"]))
    assert list(res.summary.columns) == ["MAE_IID", "MAE_OOD", "PDR", "bias_OOD"]
    assert "±" in res.summary["PDR"].iloc[0]
    # per-bin table: the top bin is the extremes, negative bias (shrinkage toward the mean)
    assert res.per_bin["bias_mean"].iloc[-1] < 0 and res.per_bin["n"].iloc[-1] == 10


def test_fit_params_are_computed_from_training_rows() -> None:
    seen = []

    class Spy(LinearRegression):
        def fit(self, X, y, sample_weight=None):  # noqa: ANN001
            seen.append((y.max(), sample_weight.mean()))
            return super().fit(X, y, sample_weight=sample_weight)

    X = np.arange(100.0).reshape(-1, 1); y = X[:, 0] ** 1.5
    pdr_protocol(Spy(), X, y, quantile=0.9, n_repeats=2, fit_params=fold_weights("inverse", n_bins=4))
    cut = np.quantile(y, 0.9)
    assert len(seen) == 2 and all(ymax <= cut and w == pytest.approx(1.0) for ymax, w in seen)


def test_top_k_hits_by_hand_and_errors() -> None:
    assert top_k_hits([1, 0, 0, 1], [5, 4, 3, 2]) == 0.5
    assert top_k_hits([1, 0, 0, 1], [5, 4, 3, 2], k=1) == 1.0
    with pytest.raises(ValueError, match="k must be between"):
        top_k_hits([0, 0], [1, 2])


def test_extraordinary_search_regression_and_classification() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2)); y = X[:, 0] + 0.1 * rng.normal(size=400)
    reg = extraordinary_search(LinearRegression(), X, y, top_fraction=0.02, n_splits=4)
    clf = extraordinary_search(LogisticRegression(), X, y, top_fraction=0.02, n_splits=4)
    assert len(reg) == 4 and (reg["n_extraordinary"] == 8).all()
    assert reg["random"].iloc[0] == pytest.approx(8 / (98 + 8))
    assert reg["hits@k"].mean() > 0.5 and clf["hits@k"].mean() > 0.5
    assert clf["above_train_max"].isna().all() and reg["above_train_max"].between(0, 1).all()


def test_errors() -> None:
    y = np.arange(10.0)
    with pytest.raises(ValueError, match="exactly one of quantile"):
        extreme_mask(y)
    with pytest.raises(ValueError, match="no target is above"):
        extreme_mask(y, threshold=50.0)
    with pytest.raises(ValueError, match="side must be"):
        extreme_mask(y, quantile=0.9, side="top")
    with pytest.raises(ValueError, match="NaN or infinite"):
        extreme_mask([1.0, np.nan], quantile=0.5)
    with pytest.raises(ValueError, match="test_fraction"):
        iid_ood_split(y, quantile=0.9, test_fraction=1.0)


def test_tail_scorers_by_hand() -> None:
    from imbalkit.extremes import tail_scorers

    s = tail_scorers(2.0, unit="eV")
    yt, yp = np.array([0.0, 1.0, 3.0, 5.0]), np.array([1.0, 1.0, 2.0, 2.0])
    assert s["MAE (eV)"](yt, yp) == pytest.approx(5 / 4)
    assert s["bulk MAE (eV)"](yt, yp) == pytest.approx(0.5)
    assert s["tail MAE (eV)"](yt, yp) == pytest.approx(2.0)
    assert s["tail bias (eV)"](yt, yp) == pytest.approx(-2.0)
    assert np.isnan(s["tail MAE (eV)"](np.array([0.0]), np.array([0.0])))
