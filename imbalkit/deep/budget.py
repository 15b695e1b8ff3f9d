"""Training on a budget: memory-mapped feature files, batch streaming and activation-memory bookkeeping."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import numpy as np
import torch
from torch import nn

__all__ = ["save_features", "open_features", "memmap_batches", "activation_bytes", "effective_batch_size"]


def save_features(X, path: str | Path) -> Path:
    """Write a float32 feature matrix to a ``.npy`` file that can be memory-mapped.

    Examples
    --------
    >>> import tempfile, os
    >>> p = save_features(np.ones((3, 2)), os.path.join(tempfile.mkdtemp(), "f.npy"))
    >>> open_features(p).shape
    (3, 2)
    """
    X = np.asarray(X, dtype=np.float32)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-d (rows, features), got shape {X.shape}")
    path = Path(path)
    if path.suffix != ".npy":
        raise ValueError(f"path must end in .npy, got {path.name!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, X)
    return path


def open_features(path: str | Path) -> np.memmap:
    """Open a ``.npy`` feature file read-only as a memory map (rows are read from disk on access).

    Examples
    --------
    >>> import tempfile, os
    >>> p = save_features(np.arange(6).reshape(3, 2), os.path.join(tempfile.mkdtemp(), "f.npy"))
    >>> open_features(p)[1].tolist()
    [2.0, 3.0]
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; write it with save_features first")
    return np.load(path, mmap_mode="r")


def memmap_batches(X, y, batch_size: int, *, seed: int = 0) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Shuffled mini-batches as tensors, reading only each batch's rows from a (memory-mapped) array.

    Rows of a batch are read in sorted order (sequential disk access), then shuffled in memory.

    Examples
    --------
    >>> X = np.arange(10, dtype="float32").reshape(5, 2); y = np.arange(5)
    >>> sorted(int(v) for _, yb in memmap_batches(X, y, 2) for v in yb)
    [0, 1, 2, 3, 4]
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = np.sort(order[start:start + batch_size])
        xb, yb = np.asarray(X[idx], dtype=np.float32), np.asarray(y)[idx]
        perm = rng.permutation(len(idx))
        yield torch.from_numpy(xb[perm]), torch.as_tensor(yb[perm])


def activation_bytes(model: nn.Module, x: torch.Tensor) -> int:
    """Bytes of all module outputs produced by one forward pass on ``x`` (what backprop must keep).

    Examples
    --------
    >>> activation_bytes(nn.Sequential(nn.Linear(4, 8), nn.ReLU()), torch.zeros(10, 4))  # 2 x 10 x 8 x 4 bytes
    640
    """
    total = 0

    def hook(_m, _i, out):
        nonlocal total
        if isinstance(out, torch.Tensor):
            total += out.numel() * out.element_size()

    leaves = [m for m in model.modules() if not list(m.children())]
    handles = [m.register_forward_hook(hook) for m in leaves]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return total


def effective_batch_size(batch_size: int, accumulation_steps: int = 1, n_devices: int = 1) -> int:
    """Rows per optimiser step: micro-batch x accumulation steps x devices.

    Examples
    --------
    >>> effective_batch_size(64, 4)
    256
    """
    if min(batch_size, accumulation_steps, n_devices) < 1:
        raise ValueError("batch_size, accumulation_steps and n_devices must all be >= 1")
    return batch_size * accumulation_steps * n_devices
