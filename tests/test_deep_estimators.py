"""The MLP trainer: learns, is deterministic, early-stops, works inside CV, rejects bad input."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
from sklearn.base import clone  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

from imbalkit.cv import repeated_cv  # noqa: E402
from imbalkit.deep.estimators import TorchMLPClassifier  # noqa: E402
from imbalkit.deep.training import set_seed  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.normal(size=(500, 5))
Y = (X[:, 0] + 0.5 * X[:, 1] > 1.4).astype(int)       # about 10 % positives


def _fast(**kw) -> TorchMLPClassifier:
    return TorchMLPClassifier(**{"hidden": (16,), "max_epochs": 30, "patience": 6, "lr": 1e-2, **kw})


@pytest.mark.parametrize("loss, extra", [("ce", {}), ("focal", {"gamma": 2.0, "alpha": 0.75}),
                                         ("weighted", {"class_weight": "balanced"}), ("logit_adjusted", {"tau": 1.0})])
def test_learns_each_loss(loss: str, extra: dict) -> None:
    clf = _fast(loss=loss, monitor="pr_auc", **extra).fit(X, Y)
    assert average_precision_score(Y, clf.predict_proba(X)[:, 1]) > 0.75   # prevalence is 0.1
    assert np.allclose(clf.predict_proba(X).sum(1), 1.0)


def test_deterministic_with_seed_and_different_without() -> None:
    a = _fast(seed=3).fit(X, Y).predict_proba(X)
    b = _fast(seed=3).fit(X, Y).predict_proba(X)
    c = _fast(seed=4).fit(X, Y).predict_proba(X)
    assert np.array_equal(a, b) and not np.allclose(a, c)


def test_early_stopping_keeps_best_epoch() -> None:
    clf = TorchMLPClassifier(hidden=(16,), max_epochs=200, patience=3, lr=0.05, seed=0).fit(X, Y)
    assert clf.n_epochs_ < 200
    best = max(h["val_score"] for h in clf.history_)
    assert clf.best_score_ == pytest.approx(best)
    assert clf.history_[-1]["epoch"] == clf.n_epochs_ - 1


def test_weighting_raises_mean_probability_of_rare_class() -> None:
    plain = _fast(seed=0).fit(X, Y).predict_proba(X)[:, 1].mean()
    weighted = _fast(seed=0, loss="weighted", class_weight="balanced").fit(X, Y).predict_proba(X)[:, 1].mean()
    assert weighted > plain


def test_multiclass_and_string_labels() -> None:
    y3 = np.where(X[:, 0] > 1, "c", np.where(X[:, 1] > 0, "b", "a"))
    clf = _fast(loss="focal", monitor="balanced_accuracy").fit(X, y3)
    assert clf.predict_proba(X).shape == (500, 3)
    assert set(clf.predict(X)) <= {"a", "b", "c"}
    assert (clf.predict(X) == y3).mean() > 0.8


def test_inside_repeated_cv_and_clone() -> None:
    res = repeated_cv(_fast(), X, Y, {"ap": average_precision_score}, n_splits=3, n_repeats=1, stratify=Y,
                      method="predict_proba")
    assert len(res) == 3 and (res["ap"] > 0.5).all()
    assert clone(_fast(loss="focal")).get_params()["loss"] == "focal"


def test_set_seed_errors() -> None:
    with pytest.raises(ValueError, match="non-negative integer"):
        set_seed(-1)


@pytest.mark.parametrize("kwargs, msg", [
    ({"loss": "hinge"}, "loss must be one of"),
    ({"monitor": "auc"}, "monitor must be one of"),
    ({"val_fraction": 0.0}, "val_fraction"),
    ({"max_epochs": 0}, "max_epochs must be a positive integer"),
    ({"lr": 0.0}, "lr must be > 0"),
    ({"loss": "weighted"}, "needs class_weight"),
    ({"loss": "weighted", "class_weight": "inverse"}, "class_weight must be 'balanced'"),
])
def test_bad_parameters(kwargs: dict, msg: str) -> None:
    with pytest.raises(ValueError, match=msg):
        _fast(**kwargs).fit(X, Y)


def test_bad_data() -> None:
    with pytest.raises(ValueError, match="X must be 2-D"):
        _fast().fit(X[:, 0], Y)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        _fast().fit(Xn, Y)
    with pytest.raises(ValueError, match="y has 499"):
        _fast().fit(X, Y[:-1])
    with pytest.raises(ValueError, match="single class"):
        _fast().fit(X, np.zeros(500))
    with pytest.raises(ValueError, match="pr_auc' needs a binary"):
        _fast(monitor="pr_auc").fit(X, np.arange(500) % 3)
    with pytest.raises(ValueError, match="not fitted"):
        _fast().predict_proba(X)
    clf = _fast().fit(X, Y)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 5\)"):
        clf.predict_proba(X[:, :3])
