"""Focal loss, weighted CE and logit adjustment against direct formulas; finite at extreme inputs."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

from imbalkit.deep.losses import FocalLoss, adjust_logits, focal_loss, logit_adjusted_loss, weighted_cross_entropy  # noqa: E402

G = torch.Generator().manual_seed(0)
ZB = torch.randn(50, generator=G, dtype=torch.float64) * 3
TB = (torch.rand(50, generator=G, dtype=torch.float64) < 0.2).double()
ZM = torch.randn(40, 4, generator=G, dtype=torch.float64) * 3
TM = torch.randint(0, 4, (40,), generator=G)


def _direct_binary(z, t, gamma, alpha):
    p = 1 / (1 + np.exp(-z))
    pt = np.where(t == 1, p, 1 - p)
    a = 1.0 if alpha is None else np.where(t == 1, alpha, 1 - alpha)
    return -a * (1 - pt) ** gamma * np.log(pt)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 5.0])
@pytest.mark.parametrize("alpha", [None, 0.25])
def test_binary_focal_matches_formula(gamma: float, alpha) -> None:
    got = focal_loss(ZB, TB, gamma=gamma, alpha=alpha, reduction="none").numpy()
    ref = _direct_binary(ZB.numpy(), TB.numpy(), gamma, alpha)
    assert np.allclose(got, ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("gamma", [0.0, 1.0, 2.0])
def test_multiclass_focal_matches_formula(gamma: float) -> None:
    alpha = [0.1, 0.2, 0.3, 0.4]
    got = focal_loss(ZM, TM, gamma=gamma, alpha=alpha, reduction="none").numpy()
    p = torch.softmax(ZM, 1).numpy()
    pt = p[np.arange(40), TM.numpy()]
    ref = -np.array(alpha)[TM.numpy()] * (1 - pt) ** gamma * np.log(pt)
    assert np.allclose(got, ref, rtol=1e-9, atol=1e-12)


def test_gamma_zero_is_cross_entropy_and_reductions() -> None:
    assert torch.isclose(focal_loss(ZM, TM, gamma=0.0), F.cross_entropy(ZM, TM))
    assert torch.isclose(focal_loss(ZB, TB, gamma=0.0, reduction="sum"),
                         F.binary_cross_entropy_with_logits(ZB, TB, reduction="sum"))
    none = focal_loss(ZB, TB, reduction="none")
    assert none.shape == (50,)
    assert torch.isclose(focal_loss(ZB, TB, reduction="mean"), none.mean())


def test_binary_equals_two_class_softmax() -> None:
    z2 = torch.stack([torch.zeros_like(ZB), ZB], 1)
    assert torch.allclose(focal_loss(ZB, TB, gamma=2.0, alpha=[0.3, 0.7], reduction="none"),
                          focal_loss(z2, TB.long(), gamma=2.0, alpha=[0.3, 0.7], reduction="none"))


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_finite_loss_and_gradients_at_extreme_logits(gamma: float, dtype) -> None:
    zb = torch.tensor([1e4, -1e4, 1e4, -1e4, 0.0], dtype=dtype, requires_grad=True)
    tb = torch.tensor([1, 0, 0, 1, 1], dtype=dtype)          # confident right, right, wrong, wrong, unsure
    loss = focal_loss(zb, tb, gamma=gamma, alpha=0.99)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(zb.grad).all()
    zm = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, -1e4], [0.0, 0.0, 1e4]], dtype=dtype, requires_grad=True)
    tm = torch.tensor([0, 0, 2])
    loss = focal_loss(zm, tm, gamma=gamma, alpha=[0.001, 0.001, 0.998])
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(zm.grad).all()
    # a confidently wrong prediction costs about |logit| (log-space, not log(0) = -inf)
    assert focal_loss(zb.detach()[2:3], tb[2:3], gamma=gamma).item() == pytest.approx(1e4, rel=1e-3)


def test_extreme_imbalance_batch_of_one_class() -> None:
    z = torch.full((1000,), -30.0, requires_grad=True)
    t = torch.zeros(1000)
    t[0] = 1
    loss = focal_loss(z, t, gamma=2.0, alpha=0.999)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(z.grad).all() and z.grad[0] < 0


def test_focal_module() -> None:
    crit = FocalLoss(gamma=1.0, alpha=[0.2, 0.3, 0.1, 0.4], reduction="sum")
    assert torch.isclose(crit(ZM, TM), focal_loss(ZM, TM, gamma=1.0, alpha=[0.2, 0.3, 0.1, 0.4], reduction="sum"))
    assert "gamma=1.0" in repr(crit)
    with pytest.raises(ValueError, match="gamma must be >= 0"):
        FocalLoss(gamma=-1)
    with pytest.raises(ValueError, match="reduction must be one of"):
        FocalLoss(reduction="avg")


@pytest.mark.parametrize("logits, targets, kwargs, exc, msg", [
    (torch.zeros(3), torch.zeros(4), {}, ValueError, "targets have"),
    (torch.zeros(3), torch.tensor([0.0, 2.0, 1.0]), {}, ValueError, "0 or 1"),
    (torch.zeros(3, 2), torch.zeros(3), {}, TypeError, "integer class indices"),
    (torch.zeros(3, 2), torch.tensor([0, 1, 2]), {}, ValueError, r"class indices in 0..1"),
    (torch.zeros(3, 2, 2), torch.zeros(3).long(), {}, ValueError, r"\(N,\) or \(N, 1\) for binary"),
    (torch.tensor([0.0, float("nan")]), torch.zeros(2), {}, ValueError, "NaN or infinite"),
    (torch.zeros(2), torch.zeros(2), {"gamma": -0.5}, ValueError, "gamma must be"),
    (torch.zeros(2), torch.zeros(2), {"alpha": 1.5}, ValueError, r"alpha must be in \[0, 1\]"),
    (torch.zeros(2, 3), torch.zeros(2).long(), {"alpha": [1.0, 2.0]}, ValueError, "one weight per class"),
    (torch.zeros(2), torch.zeros(2), {"reduction": "avg"}, ValueError, "reduction must be"),
    (torch.zeros(2, dtype=torch.long), torch.zeros(2), {}, TypeError, "floating-point"),
    (np.zeros(2), torch.zeros(2), {}, TypeError, "torch tensors"),
])
def test_focal_bad_inputs(logits, targets, kwargs, exc, msg) -> None:
    with pytest.raises(exc, match=msg):
        focal_loss(logits, targets, **kwargs)


def test_weighted_cross_entropy() -> None:
    w = [0.5, 1.0, 2.0, 4.0]
    assert torch.isclose(weighted_cross_entropy(ZM, TM, class_weights=w), F.cross_entropy(ZM, TM, weight=torch.tensor(w, dtype=torch.float64)))
    wb = torch.where(TB == 1, 5.0, 1.0)
    ref = (wb * F.binary_cross_entropy_with_logits(ZB, TB, reduction="none")).sum() / wb.sum()
    assert torch.isclose(weighted_cross_entropy(ZB, TB, class_weights=[1.0, 5.0]), ref)
    assert torch.isclose(weighted_cross_entropy(ZB, TB), F.binary_cross_entropy_with_logits(ZB, TB))
    with pytest.raises(ValueError, match="one weight per class"):
        weighted_cross_entropy(ZM, TM, class_weights=[1.0, 2.0])


def test_logit_adjustment() -> None:
    prior = [0.7, 0.2, 0.05, 0.05]
    ref = F.cross_entropy(ZM + torch.log(torch.tensor(prior)), TM)
    assert torch.isclose(logit_adjusted_loss(ZM, TM, prior), ref)
    assert torch.isclose(logit_adjusted_loss(ZM, TM, prior, tau=0.0), F.cross_entropy(ZM, TM))
    # binary: logits shifted by tau * log(p1 / p0)
    assert torch.allclose(adjust_logits(ZB, [0.9, 0.1], tau=2.0), ZB + 2.0 * np.log(0.1 / 0.9))
    z = torch.tensor([1e4, -1e4], requires_grad=True)
    loss = logit_adjusted_loss(z, torch.tensor([0.0, 1.0]), [0.99, 0.01])
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(z.grad).all()


def test_logit_adjustment_errors() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        logit_adjusted_loss(ZM, TM, [0.5, 0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="one probability per class"):
        logit_adjusted_loss(ZM, TM, [0.5, 0.5])
    with pytest.raises(ValueError, match="tau must be >= 0"):
        logit_adjusted_loss(ZM, TM, [0.25] * 4, tau=-1.0)
    with pytest.raises(TypeError, match="torch tensor"):
        adjust_logits([0.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="1-D .binary. or 2-D"):
        adjust_logits(torch.zeros(2, 2, 2), [0.5, 0.5])


# -- empty / NaN targets and (N, 1) logits (each of these returned NaN, zero or a misleading error before) --

@pytest.mark.parametrize("fn", [lambda z, t: focal_loss(z, t), lambda z, t: weighted_cross_entropy(z, t),
                                lambda z, t: logit_adjusted_loss(z, t, [0.5, 0.5])])
def test_empty_batch_is_rejected_not_nan(fn) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        fn(torch.empty(0), torch.empty(0))
    with pytest.raises(ValueError, match="must not be empty"):
        fn(torch.empty(0, 3), torch.empty(0, dtype=torch.long))


@pytest.mark.parametrize("fn", [focal_loss, weighted_cross_entropy])
def test_nan_targets_are_named(fn) -> None:
    with pytest.raises(ValueError, match="targets contain NaN"):
        fn(torch.tensor([0.3, -1.0]), torch.tensor([1.0, float("nan")]))


def test_single_column_logits_are_binary_logits() -> None:
    z = torch.tensor([2.0, -1.0, 0.5, -3.0])
    t = torch.tensor([1.0, 0.0, 0.0, 1.0])
    # reference: the binary focal loss written out with sigmoid, gamma = 2, alpha = 0.25
    p = torch.sigmoid(z)
    pt = torch.where(t == 1, p, 1 - p)
    at = torch.where(t == 1, torch.tensor(0.25), torch.tensor(0.75))
    expected = (-at * (1 - pt) ** 2 * torch.log(pt)).mean()
    got = focal_loss(z[:, None], t, gamma=2.0, alpha=0.25)
    assert float(got) > 0.1                    # a one-class softmax would give exactly 0
    assert torch.isclose(got, expected, atol=1e-6)
    assert torch.isclose(focal_loss(z[:, None], t[:, None], gamma=2.0), focal_loss(z, t, gamma=2.0))
    assert focal_loss(z[:, None], t, reduction="none").shape == (4,)
    assert torch.isclose(weighted_cross_entropy(z[:, None], t), F.binary_cross_entropy_with_logits(z, t))
    assert torch.isclose(logit_adjusted_loss(z[:, None], t, [0.8, 0.2]), logit_adjusted_loss(z, t, [0.8, 0.2]))
    with pytest.raises(ValueError, match="binary targets must be 0 or 1"):
        focal_loss(z[:, None], torch.tensor([0.0, 1.0, 2.0, 1.0]))
