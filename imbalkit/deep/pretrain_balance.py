"""Imbalance during pre-training: natural vs group-balanced sampling of the pre-training rows.

* :func:`balanced_weights` - per-row sampling weights ``1 / count(group)``, so every group
  (e.g. anion family from :func:`imbalkit.chemistry.anion_families`) is drawn equally often;
* :func:`pretrain_encoder` - encoder + regression head trained with the shared loop
  :func:`imbalkit.deep.training.fit` (L1 loss), with natural or balanced sampling;
* :func:`probe_mae` - frozen-embedding linear probe (ridge) scored by cross-validated MAE on a
  small downstream set.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from imbalkit.deep.encoder import CompositionEncoder, PropertyModel, embed
from imbalkit.deep.training import fit

__all__ = ["balanced_weights", "pretrain_encoder", "probe_mae"]


def balanced_weights(groups: Sequence) -> np.ndarray:
    """Weights ``1 / count(group)`` normalised to sum to the number of rows.

    Examples
    --------
    >>> balanced_weights(["a", "a", "a", "b"]).round(3).tolist()
    [0.667, 0.667, 0.667, 2.0]
    """
    g = np.asarray(groups).astype(str)
    if len(g) == 0:
        raise ValueError("groups is empty; pass one group label per row")
    _, inv, counts = np.unique(g, return_inverse=True, return_counts=True)
    w = 1.0 / counts[inv]
    return w * len(g) / w.sum()


def pretrain_encoder(X, y, *, groups: Sequence | None = None, hidden: Sequence[int] = (64, 32), epochs: int = 8,
                     batch_size: int = 128, lr: float = 2e-3, seed: int = 0) -> PropertyModel:
    """Pre-train an encoder + head on ``(X, y)`` (L1 loss) with :func:`imbalkit.deep.training.fit`.

    ``groups=None``: natural sampling (shuffled passes); otherwise batches are drawn with
    replacement in proportion to :func:`balanced_weights` of ``groups``.

    Examples
    --------
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(200, 5)).astype("float32"); y = X[:, 0]
    >>> m = pretrain_encoder(X, y, groups=(X[:, 1] > 1).astype(int), hidden=(8, 4), epochs=2)
    >>> m.encoder.dim
    4
    """
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    if len(X) != len(y) or (groups is not None and len(groups) != len(y)):
        raise ValueError(f"X ({len(X)} rows), y ({len(y)}) and groups must have the same length")
    torch.manual_seed(seed)
    scale = X.std(0)
    enc = CompositionEncoder(X.shape[1], hidden, mean=X.mean(0), scale=np.where(scale > 0, scale, 1.0))
    model = PropertyModel(enc, 1)
    w = None if groups is None else balanced_weights(groups)
    fit(model, X, y, lambda p, t: torch.nn.functional.l1_loss(p[:, 0], t), epochs=epochs, batch_size=batch_size,
        lr=lr, seed=seed, sample_weights=w)
    return model.eval()


def probe_mae(model: PropertyModel, X, y, *, n_splits: int = 5, seed: int = 0, alpha: float = 1.0) -> float:
    """Cross-validated MAE of a ridge probe on the frozen embeddings of ``X``.

    Examples
    --------
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(60, 4)).astype("float32")
    >>> m = PropertyModel(CompositionEncoder(4, hidden=(8,)))
    >>> probe_mae(m, X, X[:, 0]) > 0
    True
    """
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold, cross_val_predict

    E = embed(model, np.asarray(X, dtype=np.float32))
    y = np.asarray(y, dtype=float)
    pred = cross_val_predict(Ridge(alpha=alpha), E, y, cv=KFold(n_splits, shuffle=True, random_state=seed))
    return float(np.mean(np.abs(pred - y)))
