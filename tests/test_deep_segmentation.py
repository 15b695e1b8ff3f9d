"""Simulated micrographs, the Dice loss and per-class segmentation scores."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from torch.nn import functional as F

from imbalkit.deep.micrographs import simulate_micrographs
from imbalkit.deep.segmentation import TinySegNet, dice_loss, per_class_scores, segmentation_loss


def test_simulator_is_seeded_and_precipitates_are_rare():
    a, ma = simulate_micrographs(6, size=32, seed=3)
    b, mb = simulate_micrographs(6, size=32, seed=3)
    c, _ = simulate_micrographs(6, size=32, seed=4)
    assert np.array_equal(a, b) and np.array_equal(ma, mb) and not np.array_equal(a, c)
    share = np.bincount(ma.ravel(), minlength=3) / ma.size
    assert 0.002 < share[2] < 0.08 and share[0] > 0.6
    none, m0 = simulate_micrographs(3, size=32, n_precipitates=0, seed=0)
    assert not (m0 == 2).any()
    with pytest.raises(ValueError, match="size >= 8"):
        simulate_micrographs(1, size=4)


def test_dice_loss_matches_direct_formula_and_gradient():
    g = torch.Generator().manual_seed(0)
    z = torch.randn(2, 3, 4, 4, generator=g, dtype=torch.float64, requires_grad=True)
    t = torch.randint(0, 3, (2, 4, 4), generator=g)
    p = torch.softmax(z, 1).detach().numpy()
    oh = np.eye(3)[t.numpy()].transpose(0, 3, 1, 2)
    per_class = [(2 * (p[:, c] * oh[:, c]).sum() + 1) / (p[:, c].sum() + oh[:, c].sum() + 1) for c in range(3)]
    assert float(dice_loss(z, t)) == pytest.approx(1 - np.mean(per_class), rel=1e-12)
    assert torch.autograd.gradcheck(lambda z: dice_loss(z, t), (z,))
    perfect = 60.0 * F.one_hot(t, 3).permute(0, 3, 1, 2).double()
    assert float(dice_loss(perfect, t, eps=0.0)) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="targets \\(N, H, W\\)"):
        dice_loss(z, t[0])


def test_losses_and_focal_reduces_to_ce():
    g = torch.Generator().manual_seed(1)
    z, t = torch.randn(2, 3, 5, 5, generator=g), torch.randint(0, 3, (2, 5, 5), generator=g)
    ce = F.cross_entropy(z, t)
    assert torch.isclose(segmentation_loss("focal", gamma=0.0)(z, t), ce)
    assert segmentation_loss("focal")(z, t) < ce  # gamma = 2 down-weights every pixel
    assert torch.isclose(segmentation_loss("weighted ce", class_weights=[1, 1, 1])(z, t), ce)
    assert torch.isclose(segmentation_loss("ce + dice")(z, t), ce + dice_loss(z, t))
    with pytest.raises(ValueError, match="unknown loss 'tversky'"):
        segmentation_loss("tversky")


def test_per_class_scores_known_values():
    target = np.array([0, 0, 0, 1, 1, 2])
    pred = np.array([0, 0, 1, 1, 1, 0])
    sc = per_class_scores(pred, target, ["a", "b", "c"])
    assert sc.loc["a", "IoU"] == pytest.approx(2 / 4) and sc.loc["b", "IoU"] == pytest.approx(2 / 3)
    assert sc.loc["c", "recall"] == 0 and sc.loc["c", "pixel share"] == pytest.approx(1 / 6)
    assert TinySegNet(3, width=4)(torch.zeros(1, 1, 9, 9)).shape == (1, 3, 9, 9)


def test_compare_losses_does_not_depend_on_n_jobs_and_checks_input():
    from imbalkit.deep.micrographs import CLASSES, simulate_micrographs
    from imbalkit.deep.segmentation import compare_losses

    img, m = simulate_micrographs(6, size=16, seed=0)
    setups = {"ce": dict(loss="ce"), "dice": dict(loss="dice")}
    kw = dict(seeds=(0, 1), epochs=2, width=4, batch_size=2)
    one = compare_losses(setups, img, m, img, m, CLASSES, n_jobs=1, **kw)
    two = compare_losses(setups, img, m, img, m, CLASSES, n_jobs=2, **kw)
    pd.testing.assert_frame_equal(one, two)
    assert one[["loss", "seed"]].values.tolist() == [["ce", 0], ["dice", 0], ["ce", 1], ["dice", 1]]
    assert one.filter(like="IoU").stack().between(0, 1).all()
    with pytest.raises(ValueError, match="setups is empty"):
        compare_losses({}, img, m, img, m, CLASSES)
    with pytest.raises(ValueError, match="n_jobs must be >= 1"):
        compare_losses(setups, img, m, img, m, CLASSES, n_jobs=0)
