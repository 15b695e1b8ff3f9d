import numpy as np
import pytest

from imbalkit.deep.pretrain_balance import balanced_weights, pretrain_encoder, probe_mae


def test_balanced_weights_give_each_group_equal_mass():
    g = np.array(["a"] * 90 + ["b"] * 9 + ["c"])
    w = balanced_weights(g)
    mass = {k: w[g == k].sum() for k in "abc"}
    assert mass["a"] == pytest.approx(mass["b"]) == pytest.approx(mass["c"])
    assert w.sum() == pytest.approx(len(g))


def test_balanced_weights_empty():
    with pytest.raises(ValueError, match="groups is empty"):
        balanced_weights([])


def test_pretrained_probe_beats_untrained_on_learnable_target():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 6)).astype("float32")
    y = np.sin(X[:, 0]) + X[:, 1] ** 2
    trained = pretrain_encoder(X, y, hidden=(32, 16), epochs=30, lr=5e-3)
    untrained = pretrain_encoder(X, y, hidden=(32, 16), epochs=1, lr=1e-9)
    assert probe_mae(trained, X[:200], y[:200]) < 0.7 * probe_mae(untrained, X[:200], y[:200])


def test_pretrain_encoder_length_mismatch():
    with pytest.raises(ValueError, match="same length"):
        pretrain_encoder(np.zeros((5, 2)), np.zeros(4))
