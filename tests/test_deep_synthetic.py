"""VAE pieces, validity checks, the anchor-CV leakage guard and adversarial filtering."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from imbalkit.deep import synthetic as syn
from imbalkit.deep.vae import CompositionVAE, cyclical_kl_weight, fit_vae, sample_vae, vae_loss


def test_vae_loss_matches_direct_formula_and_gradient():
    g = torch.Generator().manual_seed(0)
    v = torch.softmax(torch.randn(4, 5, generator=g, dtype=torch.float64), 1)
    logits = torch.randn(4, 5, generator=g, dtype=torch.float64, requires_grad=True)
    mu = torch.randn(4, 2, generator=g, dtype=torch.float64, requires_grad=True)
    logvar = torch.randn(4, 2, generator=g, dtype=torch.float64, requires_grad=True)
    beta = 0.3
    lr = torch.log_softmax(logits, 1)
    q, m, lv = np.exp(lr.detach().numpy()), mu.detach().numpy(), logvar.detach().numpy()
    recon = -(v.numpy() * np.log(q)).sum(1)
    kl = 0.5 * (m**2 + np.exp(lv) - 1 - lv).sum(1)
    assert float(vae_loss(lr, v, mu, logvar, beta)) == pytest.approx(float((recon + beta * kl).mean()), rel=1e-12)
    assert torch.autograd.gradcheck(lambda a, b, c: vae_loss(torch.log_softmax(a, 1), v, b, c, beta),
                                    (logits, mu, logvar))


def test_cyclical_schedule():
    b = [cyclical_kl_weight(s, 100, n_cycles=4, ratio=0.5) for s in range(100)]
    assert b[0] == 0 and b[25] == 0 and b[50] == 0 and b[75] == 0
    assert max(b) == 1 and b[12] == pytest.approx(12 / 12.5)
    assert all(x <= y for x, y in zip(b[:13], b[1:13]))
    with pytest.raises(ValueError, match="ratio in"):
        cyclical_kl_weight(0, 10, ratio=0)


def test_vae_samples_are_valid_compositions():
    rng = np.random.default_rng(0)
    V = np.zeros((120, 6))
    for i in range(120):  # binaries over 4 of 6 elements
        a, b = rng.choice(4, 2, replace=False)
        V[i, a], V[i, b] = rng.dirichlet([2, 2])
    vae = fit_vae(V.astype("float32"), latent=2, hidden=16, epochs=40, seed=0)
    S = sample_vae(vae, 200, seed=1, min_fraction=0.05)
    rep = syn.validity_report(S, allowed=np.r_[np.ones(4, bool), np.zeros(2, bool)])
    assert rep["non_negative"].all() and rep["sums_to_one"].all()
    # training teaches the decoder the support: never-seen elements 5, 6 are mostly below 5 %,
    # while an untrained decoder (near-uniform 1/6) puts them above 5 % almost always
    untrained = sample_vae(CompositionVAE(6, latent=2, hidden=16), 200, seed=1, min_fraction=0.05)
    allowed = np.r_[np.ones(4, bool), np.zeros(2, bool)]
    assert rep["known_elements"].mean() > 0.6
    assert syn.validity_report(untrained, allowed=allowed)["known_elements"].mean() < 0.2
    with pytest.raises(ValueError, match="summing to one"):
        fit_vae(np.ones((3, 2), "float32"))


def test_validity_report_flags_each_failure():
    V = np.array([[0.5, 0.5, 0, 0], [0.6, 0.6, -0.2, 0], [0.3, 0.3, 0, 0], [0.25] * 4, [0, 0, 0, 1.0]])
    rep = syn.validity_report(V, max_elements=3, allowed=np.array([True, True, True, False]))
    assert rep["non_negative"].tolist() == [True, False, True, True, True]
    assert rep["sums_to_one"].tolist() == [True, True, False, True, True]
    assert rep["plausible_size"].tolist() == [True, True, True, False, True]
    assert rep["known_elements"].tolist() == [True, True, True, False, False]
    assert rep["valid"].tolist() == [True, False, False, False, False]
    with pytest.raises(ValueError, match="one entry per column"):
        syn.validity_report(V, allowed=np.ones(3, bool))


def test_smote_rows_are_convex_combinations_of_training_minority_only():
    rng = np.random.default_rng(0)
    V = rng.dirichlet(np.ones(4), 50)
    y = (np.arange(50) < 10).astype(int)
    train = np.arange(5, 50)  # minority rows 5..9 only
    s = syn.smote_minority(V, y, train, 30, k=3, seed=0)
    assert syn.validity_report(s.X)["valid"].all()
    hull_min, hull_max = V[5:10].min(0), V[5:10].max(0)
    assert (s.X >= hull_min - 1e-12).all() and (s.X <= hull_max + 1e-12).all()
    np.testing.assert_array_equal(s.fitted_on, train)
    with pytest.raises(ValueError, match="at least two minority"):
        syn.smote_minority(V, y, np.arange(10, 50), 5)


def test_anchor_cv_guard_raises_on_synthetic_rows_from_test_fold():
    rng = np.random.default_rng(0)
    V = rng.dirichlet(np.ones(3), 90)
    y = (V[:, 0] > 0.55).astype(int)
    model = lambda Xt, yt, Xs: LogisticRegression().fit(Xt, yt).predict_proba(Xs)[:, 1]
    made_from_all = syn.smote_minority(V, y, np.arange(90), 20)
    with pytest.raises(syn.SyntheticLeakageError, match="test fold"):
        syn.anchor_cv(V, y, model, synthetic=made_from_all, n_splits=3)
    seen = []

    def spy(V_, y_, idx, seed):
        seen.append(np.asarray(idx))
        return syn.smote_minority(V_, y_, idx, 10, seed=seed)

    res = syn.anchor_cv(V, y, model, generator=spy, n_splits=3)
    assert len(res) == 3 and (res["n_synthetic"] == 10).all()
    assert sum(len(s) for s in seen) == 2 * 90  # each row is in exactly two training folds of three


def test_leaky_protocol_inflates_scores_on_a_hard_task():
    """Labels unrelated to the features: honest PR-AUC ~ prevalence; synthetic rows in test folds inflate it."""
    rng = np.random.default_rng(0)
    V = rng.dirichlet(np.ones(5), 300)
    y = (rng.random(300) < 0.15).astype(int)
    from sklearn.ensemble import RandomForestClassifier
    model = lambda Xt, yt, Xs: RandomForestClassifier(50, random_state=0, n_jobs=1).fit(Xt, yt).predict_proba(Xs)[:, 1]
    gen = lambda V_, y_, idx, s: syn.smote_minority(V_, y_, idx, 150, seed=s)
    honest = syn.anchor_cv(V, y, model, generator=gen, n_splits=3)["PR-AUC"].mean()
    leaky = syn.synthetic_in_test_cv(V, y, model, syn.smote_minority(V, y, np.arange(300), 150), n_splits=3)
    assert honest < y.mean() + 0.15
    assert leaky["PR-AUC"].mean() > honest + 0.2


def test_adversarial_filter_drops_obvious_fakes_and_checks_threshold():
    rng = np.random.default_rng(0)
    real = rng.dirichlet(np.ones(3), 200)
    fake = np.r_[rng.dirichlet(np.ones(3), 50), np.tile([0.0, 0.0, 1.0], (50, 1))]
    kept, p = syn.adversarial_filter(real, syn.Synthetic(fake, np.ones(100), np.arange(0)))
    assert p[50:].mean() > 0.9 and not (kept.X == [0.0, 0.0, 1.0]).all(1).any()
    with pytest.raises(ValueError, match="threshold must be in"):
        syn.adversarial_filter(real, syn.Synthetic(fake, np.ones(100), np.arange(0)), threshold=1.0)


def test_vectors_to_formulas_round_trip():
    from imbalkit.composition import parse_formula

    f = syn.vectors_to_formulas(np.array([[0.25, 0.75, 0.0]]), ["Fe", "O", "Na"])
    assert f == ["Fe0.25O0.75"] and parse_formula(f[0]) == {"Fe": 0.25, "O": 0.75}
    with pytest.raises(ValueError, match="no positive fraction"):
        syn.vectors_to_formulas(np.zeros((1, 2)), ["Fe", "O"])
