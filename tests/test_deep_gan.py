import numpy as np
import pytest
import torch

from imbalkit.deep.encoder import load_pretrained
from imbalkit.deep.gan import Generator, coverage, diversity, generator_from_encoder, sample_gan, train_gan
from imbalkit.deep.vae import CompositionVAE
from imbalkit.deep.vae_diagnostics import fit_vae_kl, kl_per_dimension

torch.set_num_threads(1)


def test_diversity_of_square_corners():
    sq = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
    # 4 sides of length 1 and 2 diagonals of sqrt(2)
    assert diversity(sq) == pytest.approx((4 + 2 * np.sqrt(2)) / 6)


def test_coverage_is_low_under_mode_collapse():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(200, 3))
    assert coverage(real, np.zeros((50, 3))).mean() < 0.2
    assert coverage(real, rng.normal(size=(400, 3))).mean() > 0.8


def test_generator_from_encoder_copies_body_only():
    enc = load_pretrained()[0].encoder
    g = generator_from_encoder(enc)
    for a, b in zip(g.body.parameters(), enc.body.parameters()):
        assert torch.equal(a, b)
    with pytest.raises(TypeError, match="CompositionEncoder"):
        generator_from_encoder(torch.nn.Linear(2, 2))


def test_conditional_gan_learns_class_means():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 0.5, (200, 2)), rng.normal(4, 0.5, (200, 2))]
    y = np.repeat([0, 1], 200)
    torch.manual_seed(0)
    res = train_gan(X, y, generator=Generator(2, hidden=(32, 32)), steps=300, n_critic=3, critic_hidden=(32, 32),
                    lr=1e-3, log_every=50)
    m0, m1 = sample_gan(res, 300, label=0).mean(0), sample_gan(res, 300, label=1).mean(0)
    # an untrained generator gives both classes the same mean (class embedding std 0.1);
    # after 300 steps the class-1 samples have moved towards (4, 4)
    assert np.all(m1 - m0 > 0.5)
    assert {"wasserstein", "generator_grad_norm", "diversity"} <= set(res.history.columns)


def test_train_gan_rejects_bad_input():
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="'wgan-gp' or 'bce'"):
        train_gan(X, np.zeros(10, int), loss="hinge")
    with pytest.raises(ValueError, match="integer class labels"):
        train_gan(X, np.zeros(10))
    with pytest.raises(ValueError, match="one label per row"):
        train_gan(X, np.zeros(9, int))


def test_kl_per_dimension_zero_for_prior_matching_encoder():
    vae = CompositionVAE(4, latent=3, hidden=8)
    torch.nn.init.zeros_(vae.enc[-1].weight)
    torch.nn.init.zeros_(vae.enc[-1].bias)  # mu = 0, log variance = 0 -> q = N(0, 1) = prior
    assert np.allclose(kl_per_dimension(vae, np.full((5, 4), 0.25, dtype="float32")), 0.0)


def test_fit_vae_rejects_unknown_schedule():
    with pytest.raises(ValueError, match="kl_schedule"):
        fit_vae_kl(np.full((4, 2), 0.5, dtype="float32"), kl_schedule="linear")
