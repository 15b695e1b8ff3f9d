"""Reproducible pre-training of the composition encoder on OQMD formation enthalpies.

Command line (the shipped weights were made with the defaults)::

    python -m imbalkit.deep.pretrain --out data/models/oqmd_hf_mlp.pt --seed 0

Defaults: 60 000 rows drawn (seed) from the OQMD ``train`` split, 10 000 from ``val``;
rows with |formation enthalpy| > 5 eV/atom (a few hundred unphysical outliers, down to
-199 eV/atom) are dropped; MLP 111 -> 256 -> 128 -> 1, SiLU; L1 loss; Adam, 30 epochs, batch 256.
About a minute on two CPU cores. The subsample keeps the run short; it is documented in the
saved metadata.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import torch

from imbalkit.deep.encoder import CompositionEncoder, PropertyModel, featurize, save_model
from imbalkit.deep.training import fit, predict

__all__ = ["pretraining_data", "pretrain", "validation_mae", "main"]

CLIP = 5.0


def pretraining_data(split: str, n: int | None, seed: int = 0, dataset: str = "oqmd_hf") -> pd.DataFrame:
    """Rows of the pre-training set: one split, outliers (|target| > 5 eV/atom) dropped, ``n`` drawn.

    Examples
    --------
    >>> df = pretraining_data("val", 100, seed=0)
    >>> len(df), float(df["target"].abs().max()) <= 5
    (100, True)
    """
    from imbalkit.datasets import load

    df = load(dataset)
    if "split" not in df or split not in set(df["split"]):
        raise ValueError(f"split={split!r} not found in {dataset}; use one of 'train', 'val', 'test'")
    df = df[(df["split"] == split) & (df["target"].abs() <= CLIP)]
    if n is not None:
        if n < 1:
            raise ValueError(f"n must be >= 1 or None, got {n}")
        df = df.sample(n=min(n, len(df)), random_state=seed)
    return df.reset_index(drop=True)


def validation_mae(model: PropertyModel, X: np.ndarray, y: np.ndarray) -> float:
    """Mean absolute error of a regression model on ``(X, y)``.

    Examples
    --------
    >>> m = PropertyModel(CompositionEncoder(2, hidden=(4,)))
    >>> validation_mae(m, np.zeros((3, 2), "float32"), np.zeros(3)) >= 0
    True
    """
    return float(np.mean(np.abs(predict(model, X)[:, 0] - np.asarray(y))))


def pretrain(formulas: Sequence[str], y, *, hidden: Sequence[int] = (256, 128), epochs: int = 30,
             batch_size: int = 256, lr: float = 2e-3, seed: int = 0, device: str = "cpu",
             X: np.ndarray | None = None) -> PropertyModel:
    """Train an encoder + regression head from scratch on ``(formulas, y)`` with the L1 loss.

    The feature standardisation is computed on these training rows and stored in the model.

    Examples
    --------
    >>> df = pretraining_data("val", 300, seed=1)
    >>> m = pretrain(df["formula"], df["target"], hidden=(16, 8), epochs=2)
    >>> m.encoder.dim
    8
    """
    X = featurize(formulas) if X is None else np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    torch.manual_seed(seed)
    scale = X.std(0)
    enc = CompositionEncoder(X.shape[1], hidden, mean=X.mean(0), scale=np.where(scale > 0, scale, 1.0))
    model = PropertyModel(enc, 1)
    fit(model, X, y, lambda p, t: torch.nn.functional.l1_loss(p[:, 0], t), epochs=epochs,
        batch_size=batch_size, lr=lr, seed=seed, device=device)
    return model.cpu().eval()


def main(argv: Sequence[str] | None = None) -> dict:
    """Command-line entry point; returns the metadata written next to the weights.

    Examples
    --------
    >>> import tempfile, os
    >>> out = os.path.join(tempfile.mkdtemp(), "tiny.pt")
    >>> meta = main(["--out", out, "--n-train", "300", "--n-val", "100", "--epochs", "1", "--hidden", "8",
    ...              "--quiet"])
    >>> meta["n_train"], meta["val_mae"] > 0
    (300, True)
    """
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="where to write the .pt file")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-train", type=int, default=60000)
    ap.add_argument("--n-val", type=int, default=10000)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--hidden", type=int, nargs="+", default=[256, 128])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--quiet", action="store_true", help="do not print the metadata")
    a = ap.parse_args(argv)
    t0 = time.time()
    train = pretraining_data("train", a.n_train, seed=a.seed)
    val = pretraining_data("val", a.n_val, seed=a.seed)
    model = pretrain(train["formula"], train["target"], hidden=a.hidden, epochs=a.epochs,
                     batch_size=a.batch_size, lr=a.lr, seed=a.seed, device=a.device)
    val_mae = validation_mae(model, featurize(val["formula"]), val["target"].to_numpy())
    meta = dict(target="oqmd_hf", units="eV/atom", seed=a.seed, n_train=len(train), n_val=len(val),
                epochs=a.epochs, batch_size=a.batch_size, lr=a.lr, hidden=list(a.hidden), clip=CLIP,
                loss="l1", val_mae=round(val_mae, 5), train_seconds=round(time.time() - t0, 1))
    save_model(model, a.out, **meta)
    if not a.quiet:
        print(meta)
    return meta


if __name__ == "__main__":
    main()
