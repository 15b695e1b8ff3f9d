"""Fine-tuning strategies, EWC / replay penalties and latent-space audits."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from imbalkit.deep import audits, ewc
from imbalkit.deep import finetune as ft
from imbalkit.deep.encoder import CompositionEncoder, PropertyModel


@pytest.fixture
def toy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 6)).astype("float32")
    y = (X[:, 0] + 0.5 * X[:, 1] > 1.2).astype(int)  # ~12 % positives
    torch.manual_seed(0)
    return X, y, PropertyModel(CompositionEncoder(6, hidden=(16, 8)))


def test_ewc_penalty_matches_direct_formula_and_gradient():
    g = torch.Generator().manual_seed(1)
    theta = {"a": torch.randn(3, 2, generator=g, dtype=torch.float64, requires_grad=True),
             "b": torch.randn(4, generator=g, dtype=torch.float64, requires_grad=True)}
    F = {k: torch.rand(v.shape, generator=g, dtype=torch.float64) for k, v in theta.items()}
    star = {k: torch.randn(v.shape, generator=g, dtype=torch.float64) for k, v in theta.items()}
    lam = 3.7
    direct = lam * sum(float((F[k] * (theta[k].detach() - star[k]) ** 2).sum()) for k in theta)
    pen = ewc.ewc_penalty(theta, F, star, lam)
    assert float(pen) == pytest.approx(direct, rel=1e-12)
    pen.backward()
    for k in theta:  # analytic gradient 2 lam F (theta - theta*)
        torch.testing.assert_close(theta[k].grad, 2 * lam * F[k] * (theta[k].detach() - star[k]))
    assert torch.autograd.gradcheck(lambda a, b: ewc.ewc_penalty({"a": a, "b": b}, F, star, lam),
                                    (theta["a"].detach().requires_grad_(), theta["b"].detach().requires_grad_()))


def test_ewc_errors_and_zero_at_anchor(toy):
    _, _, model = toy
    F = {k: torch.ones_like(v) for k, v in model.encoder.named_parameters()}
    pen = ewc.EWC(F, dict(model.encoder.named_parameters()), lam=5.0)
    assert float(pen(model).detach()) == 0.0
    with torch.no_grad():
        model.encoder.body[0].bias += 1.0
    assert float(pen(model).detach()) == pytest.approx(5.0 * 16)
    with pytest.raises(ValueError, match="lam must be >= 0"):
        ewc.EWC(F, F, lam=-1)
    with pytest.raises(ValueError, match="in the Fisher but not in the model"):
        ewc.ewc_penalty({}, {"w": torch.ones(1)}, {"w": torch.ones(1)}, 1.0)


def test_diagonal_fisher_equals_mean_squared_per_example_gradient():
    torch.manual_seed(0)
    m = torch.nn.Linear(3, 1)
    X, y = torch.randn(20, 3), torch.randn(20)
    loss = lambda p, t: ((p[:, 0] - t) ** 2).mean()
    F = ewc.diagonal_fisher(m, X, y, loss, n=None)
    # linear model: d/dw (w.x + b - t)^2 = 2 r x, d/db = 2 r
    r = (m(X)[:, 0] - y).detach()
    torch.testing.assert_close(F["weight"][0], ((2 * r[:, None] * X) ** 2).mean(0))
    torch.testing.assert_close(F["bias"], ((2 * r) ** 2).mean().reshape(1))
    with pytest.raises(ValueError, match="X has 20 rows but y has 3"):
        ewc.diagonal_fisher(m, X, y[:3], loss)


def test_ewc_keeps_weights_close_to_anchor(toy):
    X, y, pre = toy
    F = {k: torch.ones_like(v) for k, v in pre.encoder.named_parameters()}
    anchor = dict(pre.encoder.named_parameters())
    drift = lambda m: sum(float(((p - anchor[k]) ** 2).sum()) for k, p in m.encoder.named_parameters())
    plain = ft.fine_tune(pre, X, y, epochs=20, lr=1e-2, seed=0)
    held = ft.fine_tune(pre, X, y, epochs=20, lr=1e-2, seed=0, penalty=ewc.EWC(F, anchor, lam=100.0))
    assert drift(held) < 0.2 * drift(plain)


def test_replay_penalty_is_old_task_loss(toy):
    X, _, pre = toy
    yo = np.zeros(len(X), dtype="float32")
    rp = ewc.ReplayPenalty(pre.head, X, yo, batch_size=len(X), weight=2.0)
    val = float(rp(pre).detach())
    assert val > 0  # non-negative L1, and 2x the direct loss on a with-replacement batch
    with pytest.raises(ValueError, match="same number of rows"):
        ewc.ReplayPenalty(pre.head, X, yo[:3])


def test_strategies_leave_pretrained_untouched_and_freeze_correctly(toy):
    X, y, pre = toy
    before = {k: v.clone() for k, v in pre.state_dict().items()}
    probe = ft.linear_probe(pre, X, y, epochs=3)
    full = ft.fine_tune(pre, X, y, epochs=3)
    crt = ft.decoupled_retrain(pre, X, y, epochs=3, head_epochs=3)
    two = ft.two_phase(pre, X, y, balanced_epochs=2, full_epochs=2)
    for k, v in pre.state_dict().items():
        assert torch.equal(v, before[k])
    assert torch.equal(probe.encoder.body[0].weight, pre.encoder.body[0].weight)
    assert not torch.equal(full.encoder.body[0].weight, pre.encoder.body[0].weight)
    for m in (probe, full, crt, two):
        p = ft.predict_proba(m, X)
        assert p.shape == (len(X), 2) and np.allclose(p.sum(1), 1, atol=1e-6)


def test_decoupled_retraining_raises_minority_recall(toy):
    X, y, pre = toy
    plain = ft.fine_tune(pre, X, y, epochs=30, lr=5e-3, seed=0)
    crt = ft.decoupled_retrain(pre, X, y, epochs=30, head_epochs=30, lr=5e-3, seed=0)
    recall = lambda m: float((ft.predict_proba(m, X)[:, 1] > 0.5)[y == 1].mean())
    assert recall(crt) >= recall(plain)
    # cRT keeps the stage-1 representation: balanced head-only training cannot move the encoder
    stage1 = ft.fine_tune(pre, X, y, epochs=30, lr=5e-3, seed=0)
    torch.testing.assert_close(stage1.encoder.body[0].weight, crt.encoder.body[0].weight)


def test_balanced_weights_and_label_errors(toy):
    X, _, pre = toy
    w = ft.balanced_weights(np.array([0] * 9 + [1]))
    assert w[:9].sum() == pytest.approx(w[9:].sum())
    with pytest.raises(ValueError, match="non-negative integers"):
        ft.fine_tune(pre, X, np.linspace(0, 1, len(X)), epochs=1)
    with pytest.raises(ValueError, match="task must be"):
        ft.task_loss("ranking")


def test_audits_known_answers():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(400, 5))
    separated = np.r_[rng.normal(0, 1, (200, 5)), rng.normal(10, 1, (200, 5))]
    labels = np.r_[np.zeros(200, int), np.ones(200, int)]
    assert audits.neighbourhood_hit(separated, labels, k=10) == 1.0
    random_hit = audits.neighbourhood_hit(Z, rng.integers(0, 2, 400), k=10)
    assert abs(random_hit - 0.5) < 0.06
    assert audits.probe_predictability(separated, labels).mean() == 1.0
    assert abs(audits.probe_predictability(Z, rng.integers(0, 2, 400)).mean() - 0.5) < 0.1
    leak = audits.source_leakage({"a": rng.normal(0, 1, (300, 3)), "b": rng.normal(3, 1, (300, 3)),
                                  "c": rng.normal(-3, 1, (300, 3))}, n_per_source=200)
    assert leak["chance"] == pytest.approx(1 / 3) and leak["scores"].mean() > 0.9


def test_audits_balance_the_sample_first():
    """With 95 % majority, a probe that always says 'majority' would look 95 % accurate; balanced: 0.5."""
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(4000, 3))
    labels = (rng.random(4000) < 0.05).astype(int)
    idx = audits.balanced_sample(labels, seed=0)
    assert np.bincount(labels[idx]).tolist() == [labels.sum(), labels.sum()]
    assert abs(audits.probe_predictability(Z, labels).mean() - 0.5) < 0.1
    with pytest.raises(ValueError, match="at least two classes"):
        audits.balanced_sample(np.zeros(5))
    with pytest.raises(ValueError, match="exceeds the smallest class count"):
        audits.balanced_sample(labels, n_per_class=10_000)
    with pytest.raises(ValueError, match="fewer than n_per_source"):
        audits.source_leakage({"a": Z[:10], "b": Z[:10]}, n_per_source=50)
    with pytest.raises(ValueError, match="k must be between"):
        audits.neighbourhood_hit(Z[:10], np.r_[np.zeros(5), np.ones(5)], k=20)
