"""Multi-task losses: uncertainty weighting vs the direct formula, gradients, and fitting."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from imbalkit.deep.encoder import CompositionEncoder, PropertyModel
from imbalkit.deep.multitask import (UncertaintyWeighting, fit_multitask, fixed_weighted_loss,
                                     predict_multitask)


def test_uncertainty_weighting_matches_kendall_formula_and_gradient():
    uw = UncertaintyWeighting(3).double()
    with torch.no_grad():
        uw.log_sigma.copy_(torch.tensor([0.3, -0.7, 1.1], dtype=torch.float64))
    L = torch.tensor([0.5, 2.0, 0.1], dtype=torch.float64)
    sigma = np.exp([0.3, -0.7, 1.1])
    direct = float(np.sum(L.numpy() / (2 * sigma**2) + np.log(sigma)))
    total = uw(L)
    assert float(total) == pytest.approx(direct, rel=1e-12)
    total.backward()  # d/ds = -exp(-2s) L + 1
    np.testing.assert_allclose(uw.log_sigma.grad.numpy(), -L.numpy() / sigma**2 + 1, rtol=1e-12)
    s = torch.tensor([0.3, -0.7, 1.1], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda s: (0.5 * torch.exp(-2 * s) * L + s).sum(), (s,))
    np.testing.assert_allclose(uw.weights, 1 / (2 * sigma**2), rtol=1e-6)


def test_uncertainty_optimum_is_sigma_squared_equals_loss():
    """For a fixed loss L the weighted total is minimised at sigma^2 = L (d/ds = 0)."""
    uw = UncertaintyWeighting(2)
    L = torch.tensor([4.0, 0.25])
    opt = torch.optim.Adam(uw.parameters(), lr=0.05)
    for _ in range(800):
        opt.zero_grad(); uw(L).backward(); opt.step()
    np.testing.assert_allclose(torch.exp(2 * uw.log_sigma).detach().numpy(), L.numpy(), rtol=1e-3)


def test_fixed_weights_and_errors():
    assert float(fixed_weighted_loss(torch.tensor([2.0, 4.0]), [0.5, 0.25])) == 2.0
    with pytest.raises(ValueError, match="non-negative numbers"):
        fixed_weighted_loss(torch.tensor([2.0, 4.0]), [1.0, -1.0])
    with pytest.raises(ValueError, match="expected 2 task losses"):
        UncertaintyWeighting(2)(torch.ones(3))
    with pytest.raises(ValueError, match="n_tasks must be >= 1"):
        UncertaintyWeighting(0)


def test_fit_multitask_learns_both_tasks():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5)).astype("float32")
    yc, yr = (X[:, 0] > 0).astype(int), (2 * X[:, 1]).astype("float32")
    torch.manual_seed(0)
    pre = PropertyModel(CompositionEncoder(5, hidden=(32, 16)))
    for weighting in ("fixed", "uncertainty"):
        model, w = fit_multitask(pre, X, yc, yr, weighting=weighting, epochs=40, lr=1e-2, batch_size=80)
        p, r = predict_multitask(model, X)
        assert (p.argmax(1) == yc).mean() > 0.9
        assert np.abs(r - yr).mean() < 0.5 * np.abs(yr - yr.mean()).mean()
        assert w.shape == (2,) and (w > 0).all()
    with pytest.raises(ValueError, match="weighting must be"):
        fit_multitask(pre, X, yc, yr, weighting="gradnorm")
    with pytest.raises(ValueError, match="y_class has 400 rows but y_reg has 3"):
        fit_multitask(pre, X, yc, yr[:3])
