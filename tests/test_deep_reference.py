"""Fixed-seed fits give the numbers recorded before the training loops were merged into one.

``tests/data/deep_reference.npz`` was written by ``scripts/make_deep_reference.py`` with the
three separate loops (classifier, regressor, deep helpers); the same cases, recomputed with the
shared loop in :mod:`imbalkit.deep.training`, must agree to 1e-6. Covered: the MLP classifier
with each loss and monitor (and dropout), the MLP regressor with MSE, weighted MSE and learnt-σ
Balanced MSE, fine-tuning (plain, frozen + class-balanced sampling, cRT, two-phase), multi-task
uncertainty weighting, the composition VAE and the segmenter with weighted image sampling.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_deep_reference", ROOT / "scripts" / "make_deep_reference.py")
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)


@pytest.fixture(scope="module")
def recomputed() -> dict[str, np.ndarray]:
    return ref.cases()


def test_every_recorded_array_is_reproduced(recomputed: dict[str, np.ndarray]) -> None:
    stored = np.load(ref.OUT)
    assert sorted(stored.files) == sorted(recomputed)
    for name in stored.files:
        assert stored[name].shape == recomputed[name].shape, name
        np.testing.assert_allclose(recomputed[name], stored[name], rtol=0, atol=1e-6, err_msg=name)


def test_reference_is_not_trivial() -> None:
    stored = np.load(ref.OUT)
    # the fits learnt something and differ between losses (a constant output would pass any refactor)
    assert stored["clf_ce"][:, 1].std() > 0.05 and stored["reg_mse"].std() > 0.3
    assert not np.allclose(stored["clf_ce"], stored["clf_focal"])
    assert not np.allclose(stored["reg_mse"], stored["reg_balanced_mse"])
    assert stored["seg_logits"].std() > 0.01
