"""Balanced MSE against a direct numpy computation; weighted MSE against its formula."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from imbalkit.deep.losses import BalancedMSELoss, WeightedMSELoss, balanced_mse, weighted_mse


def _bmc_numpy(pred: np.ndarray, target: np.ndarray, var: float) -> float:
    logits = -((pred[:, None] - target[None, :]) ** 2) / (2 * var)
    row_max = logits.max(axis=1, keepdims=True)
    log_softmax = logits - row_max - np.log(np.exp(logits - row_max).sum(axis=1, keepdims=True))
    return float(-np.mean(np.diag(log_softmax)) * 2 * var)


@pytest.mark.parametrize("var", [0.25, 1.0, 4.0])
def test_balanced_mse_matches_numpy(var: float) -> None:
    rng = np.random.default_rng(1)
    pred, target = rng.normal(size=17), rng.exponential(2.0, size=17)
    got = balanced_mse(torch.tensor(pred, dtype=torch.float64), torch.tensor(target, dtype=torch.float64), var)
    assert float(got) == pytest.approx(_bmc_numpy(pred, target, var), rel=1e-10)


def test_balanced_mse_accepts_column_vectors_and_hand_value() -> None:
    p = torch.tensor([[0.0], [2.0]])
    # rows: logits [0, -2] and [-2, 0]; CE = log(1 + e^-2); times 2σ² = 2
    assert float(balanced_mse(p, torch.tensor([0.0, 2.0]), 1.0)) == pytest.approx(2 * np.log1p(np.exp(-2)), rel=1e-6)


def test_balanced_mse_gradients_are_finite_and_pull_toward_target() -> None:
    torch.manual_seed(0)
    pred = torch.randn(64, requires_grad=True)
    target = torch.randn(64) * 3 + 10.0  # far away: large logits must not overflow
    loss = balanced_mse(pred, target, 0.5)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(pred.grad).all()
    # a prediction below its own target is pushed up, one above it is pushed down
    p2 = torch.tensor([0.6, 0.4], requires_grad=True)
    balanced_mse(p2, torch.tensor([1.0, 0.0]), 1.0).backward()
    assert p2.grad[0] < 0 < p2.grad[1]


def test_learnable_noise_gets_a_gradient_and_scale_is_detached() -> None:
    loss_fn = BalancedMSELoss(init_noise_sigma=2.0, learnable=True)
    assert float(loss_fn.noise_var.detach()) == pytest.approx(4.0)
    pred, target = torch.tensor([0.0, 1.0, 3.0]), torch.tensor([0.5, 1.0, 2.0])
    loss = loss_fn(pred, target)
    loss.backward()
    assert loss_fn.log_var.grad is not None and torch.isfinite(loss_fn.log_var.grad)
    # gradient w.r.t. the variance comes from the logits only (the 2σ² factor is a constant)
    v = torch.tensor(4.0, requires_grad=True)
    logits = -(pred[:, None] - target[None, :]) ** 2 / (2 * v)
    ce = torch.nn.functional.cross_entropy(logits, torch.arange(3))
    (ce * 8.0).backward()
    assert float(loss_fn.log_var.grad) == pytest.approx(float(v.grad) * 4.0, rel=1e-5)  # d/dlogvar = var * d/dvar


def test_fixed_noise_has_no_parameters() -> None:
    assert list(BalancedMSELoss(1.0).parameters()) == []


def test_weighted_mse_formula_and_plain_case() -> None:
    p, t = torch.tensor([1.0, 2.0, 4.0]), torch.tensor([0.0, 0.0, 0.0])
    w = torch.tensor([1.0, 2.0, 0.5])
    assert float(weighted_mse(p, t, w)) == pytest.approx((1 + 2 * 4 + 0.5 * 16) / 3.5)
    assert float(weighted_mse(p, t)) == pytest.approx(float(torch.nn.functional.mse_loss(p, t)))
    assert float(WeightedMSELoss()(p, t, torch.ones(3))) == pytest.approx(21 / 3)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="noise_var must be one positive"):
        balanced_mse(torch.zeros(3), torch.zeros(3), 0.0)
    with pytest.raises(ValueError, match="pred has 3 values but target has 2"):
        balanced_mse(torch.zeros(3), torch.zeros(2))
    with pytest.raises(ValueError, match="non-negative"):
        weighted_mse(torch.zeros(2), torch.zeros(2), torch.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match="weight has 1 values for 2"):
        weighted_mse(torch.zeros(2), torch.zeros(2), torch.tensor([1.0]))
    with pytest.raises(TypeError, match="torch.Tensor"):
        weighted_mse(np.zeros(2), torch.zeros(2))
    with pytest.raises(ValueError, match="shape"):
        balanced_mse(torch.zeros(2, 2), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="init_noise_sigma"):
        BalancedMSELoss(-1.0)


def test_mlp_regressor_api_and_determinism() -> None:
    from sklearn.base import clone

    from imbalkit.deep.estimators import TorchMLPRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3)); y = X[:, 0] * 2 + 1
    for loss in ("mse", "balanced_mse"):
        a = TorchMLPRegressor(loss, epochs=5, seed=1).fit(X, y).predict(X)
        b = clone(TorchMLPRegressor(loss, epochs=5, seed=1)).fit(X, y).predict(X)
        np.testing.assert_array_equal(a, b)
        assert np.all(np.isfinite(a))
    w = np.where(y > 2, 5.0, 1.0)
    m = TorchMLPRegressor("weighted_mse", epochs=5, clip_to_train_range=True).fit(X, y, sample_weight=w)
    p = m.predict(X * 10)
    assert p.min() >= y.min() and p.max() <= y.max()
    with pytest.raises(ValueError, match="needs sample_weight"):
        TorchMLPRegressor("weighted_mse").fit(X, y)
    with pytest.raises(ValueError, match="loss must be"):
        TorchMLPRegressor("l1").fit(X, y)
    with pytest.raises(ValueError, match="not fitted"):
        TorchMLPRegressor().predict(X)


@pytest.mark.parametrize("fn", [lambda p, t: weighted_mse(p, t), lambda p, t: balanced_mse(p, t, 1.0)])
def test_empty_and_nan_inputs_raise_naming_the_argument(fn) -> None:
    with pytest.raises(ValueError, match="pred is empty"):
        fn(torch.empty(0), torch.empty(0))
    with pytest.raises(ValueError, match="target contains NaN"):
        fn(torch.tensor([0.0, 1.0]), torch.tensor([float("nan"), 1.0]))
    with pytest.raises(ValueError, match="pred contains NaN"):
        fn(torch.tensor([float("nan"), 1.0]), torch.tensor([0.0, 1.0]))
