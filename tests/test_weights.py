"""Class weights against scikit-learn and the Cui et al. formula; the sweep's folds and errors."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.utils.class_weight import compute_class_weight

from imbalkit.weights import class_weights, effective_number, sample_weights, weight_sweep

Y = np.array([0] * 90 + [1] * 9 + [2] * 1)


def test_inverse_equals_sklearn_balanced() -> None:
    w = class_weights(Y, "inverse")
    ref = compute_class_weight("balanced", classes=np.array([0, 1, 2]), y=Y)
    assert np.allclose([w[0], w[1], w[2]], ref)


@pytest.mark.parametrize("method", ["inverse", "sqrt_inverse", "effective"])
def test_mean_sample_weight_is_one_and_rare_classes_weigh_more(method: str) -> None:
    w = class_weights(Y, method, beta=0.99)
    assert np.isclose(sample_weights(Y, w).mean(), 1.0)
    assert w[2] > w[1] > w[0]


def test_sqrt_inverse_ratio() -> None:
    w = class_weights([0] * 100 + [1] * 4, "sqrt_inverse")
    assert np.isclose(w[1] / w[0], 5.0)


def test_effective_number_formula_and_limits() -> None:
    n = np.array([1, 10, 1000])
    beta = 0.99
    assert np.allclose(effective_number(n, beta), (1 - beta**n) / (1 - beta))
    assert np.allclose(effective_number(n, 0.0), 1.0)          # beta = 0: every class counts once
    w_eq = class_weights(Y, "effective", beta=0.0)
    assert np.isclose(w_eq[0], w_eq[2])                         # -> equal weights
    w_inv = class_weights(Y, "effective", beta=0.999999)
    ref = class_weights(Y, "inverse")
    assert np.allclose([w_inv[c] for c in (0, 1, 2)], [ref[c] for c in (0, 1, 2)], rtol=1e-3)  # beta -> 1: inverse


def test_string_labels_kept() -> None:
    w = class_weights(["a", "a", "b"])
    assert set(w) == {"a", "b"} and w["b"] > w["a"]


@pytest.mark.parametrize("kwargs, msg", [
    ({"method": "log"}, "method must be one of"),
    ({"method": "effective", "beta": 1.0}, "beta must be in"),
])
def test_bad_arguments(kwargs: dict, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        class_weights(Y, **kwargs)


def test_single_class_and_empty() -> None:
    with pytest.raises(ValueError, match="single class"):
        class_weights([1, 1, 1])
    with pytest.raises(ValueError, match="empty"):
        class_weights([])


def test_effective_number_rejects_zero_counts() -> None:
    with pytest.raises(ValueError, match="counts must be >= 1"):
        effective_number([0, 3], 0.9)


def test_sample_weights_missing_class() -> None:
    with pytest.raises(ValueError, match=r"no entry for class\(es\) \[2\]"):
        sample_weights([0, 1, 2], {0: 1.0, 1: 2.0})


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=300) > 1.3).astype(int)
    return X, y


def test_weight_sweep_matches_manual_cv() -> None:
    X, y = _data()
    res = weight_sweep(LogisticRegression(), X, y, {"none": None, "bal": "balanced", "inv": "inverse"},
                       average_precision_score, n_splits=3, n_repeats=2, seed=0)
    assert res["n_folds"].tolist() == [6, 6, 6]
    # "inverse" computed per training fold equals sklearn's "balanced"
    assert np.isclose(res.loc["bal", "mean"], res.loc["inv", "mean"])
    from imbalkit.cv import repeated_cv
    ref = repeated_cv(LogisticRegression(), X, y, {"ap": average_precision_score}, n_splits=3, n_repeats=2, seed=0,
                      stratify=y, method="predict_proba")
    assert np.isclose(res.loc["none", "mean"], ref["ap"].mean())


def test_weight_sweep_errors() -> None:
    X, y = _data()
    with pytest.raises(ValueError, match="settings is empty"):
        weight_sweep(LogisticRegression(), X, y, {}, average_precision_score)
    with pytest.raises(ValueError, match="no parameter 'weights'"):
        weight_sweep(LogisticRegression(), X, y, {"a": None}, average_precision_score, param="weights")
    with pytest.raises(ValueError, match="method must be"):
        weight_sweep(LogisticRegression(), X, y, {"a": None}, average_precision_score, method="proba")


def test_integer_copies_and_replication() -> None:
    import pandas as pd
    from imbalkit.weights import integer_copies, replicate_by_weight
    y = np.array([0] * 30 + [1] * 5 + [2] * 2)
    assert integer_copies(y) == {0: 1, 1: 6, 2: 15}
    X = pd.DataFrame({"a": np.arange(37)})
    Xr, yr = replicate_by_weight(X, y)
    assert np.bincount(yr).tolist() == [30, 30, 30]
    assert Xr["a"].tolist().count(36) == 15 and isinstance(Xr, pd.DataFrame)
    with pytest.raises(ValueError, match="X has 3 rows but y has 37"):
        replicate_by_weight(X.iloc[:3], y)


def test_replication_equals_integer_sample_weights_for_boosting() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from imbalkit.weights import integer_copies, replicate_by_weight
    rng = np.random.default_rng(0)
    X = rng.integers(0, 8, size=(200, 2)).astype(float)    # few distinct values: identical bins either way
    y = (X[:, 0] + rng.normal(size=200) > 8).astype(int)
    kw = dict(max_iter=10, min_samples_leaf=1, early_stopping=False, random_state=0)
    copies = integer_copies(y)
    Xr, yr = replicate_by_weight(X, y)
    a = HistGradientBoostingClassifier(**kw).fit(Xr, yr).predict_proba(X)
    b = HistGradientBoostingClassifier(**kw).fit(X, y, sample_weight=np.array([copies[v] for v in y])).predict_proba(X)
    assert np.allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("y, message", [
    ([0, 0, np.nan, 1], r"y has 1 missing label\(s\) \(NaN/None\) at position\(s\) \[2\]"),
    ([None, 1, 1], r"y has 1 missing label\(s\) \(NaN/None\) at position\(s\) \[0\]"),
    (["a", None, "b"], r"missing label\(s\) .* \[1\]"),
    (pd.Series([1.0, 2.0, np.nan, np.nan]), r"2 missing label\(s\) .* \[2, 3\]"),
    (["a", 1, 1], "mixes text and non-text labels"),
])
def test_missing_and_mixed_labels_are_refused(y, message) -> None:
    # before: NaN became a class of its own, None raised numpy's TypeError, ['a', 1] became ['a', '1']
    with pytest.raises(ValueError, match=message):
        class_weights(y)


def test_sodium_nitride_is_a_label_not_missing() -> None:
    assert class_weights(["NaN", "NaCl", "NaCl"]) == pytest.approx({"NaCl": 0.75, "NaN": 1.5})
