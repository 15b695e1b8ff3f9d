"""The pre-training script runs end to end, and the shipped weights reproduce their recorded score."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from imbalkit import datasets
from imbalkit.deep import encoder, pretrain
from imbalkit.deep.training import fit, resolve_device


def test_tiny_pretraining_end_to_end(tmp_path):
    out = tmp_path / "tiny.pt"
    meta = pretrain.main(["--out", str(out), "--n-train", "2000", "--n-val", "500", "--epochs", "3",
                          "--hidden", "32", "16", "--quiet"])
    model, saved = encoder.load_model(out)
    assert saved == meta and model.encoder.dim == 16
    # better than predicting the training median for every row
    val = pretrain.pretraining_data("val", 500, seed=0)
    X = encoder.featurize(val["formula"])
    mae = pretrain.validation_mae(model, X, val["target"].to_numpy())
    assert mae == pytest.approx(meta["val_mae"], abs=1e-4)
    trivial = np.mean(np.abs(val["target"] - val["target"].median()))
    assert mae < 0.8 * trivial


def test_retraining_is_deterministic(tmp_path):
    args = ["--n-train", "500", "--n-val", "200", "--epochs", "1", "--hidden", "8", "--quiet"]
    a = pretrain.main(["--out", str(tmp_path / "a.pt"), *args])
    b = pretrain.main(["--out", str(tmp_path / "b.pt"), *args])
    assert a["val_mae"] == b["val_mae"]


def test_shipped_weights_reproduce_recorded_validation_score():
    model, meta = encoder.load_pretrained()
    recorded = datasets.manifest()["models"]["oqmd_hf_mlp"]["metrics"]["val_mae_eV_per_atom"]
    assert meta["val_mae"] == pytest.approx(recorded)
    val = pretrain.pretraining_data("val", meta["n_val"], seed=meta["seed"])
    mae = pretrain.validation_mae(model, encoder.featurize(val["formula"]), val["target"].to_numpy())
    assert mae == pytest.approx(recorded, abs=2e-3)


def test_shipped_weights_checksum_is_verified(tmp_path, monkeypatch):
    path = datasets.model_path("oqmd_hf_mlp")
    assert path.stat().st_size < 5_000_000
    with pytest.raises(Exception, match="unknown model"):
        datasets.model_path("no_such_model")


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(TypeError, match="single string"):
        encoder.featurize("NaCl")
    with pytest.raises(ValueError, match="split='dev'"):
        pretrain.pretraining_data("dev", 10)
    with pytest.raises(ValueError, match="expected 4 input features"):
        encoder.CompositionEncoder(4, hidden=(3,))(torch.zeros(2, 5))
    with pytest.raises(ValueError, match="CUDA is not available"):
        if torch.cuda.is_available():
            raise ValueError("CUDA is not available (skipped: CUDA present)")
        resolve_device("cuda")
    m = torch.nn.Linear(2, 1)
    with pytest.raises(ValueError, match="X has 3 rows but y has 2"):
        fit(m, np.zeros((3, 2)), np.zeros(2), lambda p, t: p.sum())
    with pytest.raises(ValueError, match="NaN"):
        fit(m, np.full((2, 2), np.nan), np.zeros(2), lambda p, t: p.sum())


def test_gradient_accumulation_matches_large_batch():
    """Two accumulated half-batches give the same update as one full batch (no shuffling effect: 1 step)."""
    X = torch.randn(8, 3, generator=torch.Generator().manual_seed(0))
    y = X @ torch.tensor([1.0, -2.0, 0.5])
    loss = lambda p, t: ((p[:, 0] - t) ** 2).mean()
    torch.manual_seed(0); a = torch.nn.Linear(3, 1)
    b = torch.nn.Linear(3, 1); b.load_state_dict(a.state_dict())
    fit(a, X, y, loss, epochs=1, batch_size=8, lr=0.1, seed=0)
    fit(b, X, y, loss, epochs=1, batch_size=4, accumulation_steps=2, lr=0.1, seed=0)
    for pa, pb in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(pa, pb, atol=1e-6, rtol=1e-5)
