"""A small, device-aware training loop shared by the deep-learning tools.

Runs on the CPU; on CUDA it uses automatic mixed precision (float16 autocast with a
gradient scaler). Gradient accumulation lets a small device emulate a large batch.
"""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["resolve_device", "as_tensor", "set_seed", "batch_indices", "fit", "predict"]


def resolve_device(device: str | torch.device = "cpu") -> torch.device:
    """Return a :class:`torch.device`; ``"auto"`` picks CUDA when available, else the CPU.

    Examples
    --------
    >>> resolve_device("cpu").type
    'cpu'
    >>> resolve_device("auto").type in {"cpu", "cuda"}
    True
    """
    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(f"device must be a string such as 'cpu', 'cuda' or 'auto', got {type(device).__name__}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} requested but CUDA is not available; use device='cpu' or 'auto'")
    return torch.device(device)


def as_tensor(x, dtype: torch.dtype = torch.float32, name: str = "X") -> torch.Tensor:
    """Convert an array-like (numpy, pandas, tensor) to a tensor, rejecting non-finite values.

    Examples
    --------
    >>> as_tensor([[1, 2], [3, 4]]).shape
    torch.Size([2, 2])
    """
    if isinstance(x, torch.Tensor):
        t = x.to(dtype)
    else:
        arr = np.array(getattr(x, "values", x))
        if arr.dtype == object:
            raise TypeError(f"{name} must be numeric, got an object array")
        t = torch.as_tensor(arr, dtype=dtype)
    if t.is_floating_point() and not torch.isfinite(t).all():
        raise ValueError(f"{name} contains NaN or infinite values; impute or drop them first")
    return t


def set_seed(seed: int) -> torch.Generator:
    """Seed torch's global generator and return a dedicated CPU generator for batching.

    Examples
    --------
    >>> g = set_seed(0); int(torch.randint(0, 100, (1,), generator=g))
    44
    """
    if not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    torch.manual_seed(int(seed))
    return torch.Generator().manual_seed(int(seed))


def batch_indices(n: int, batch_size: int, generator: torch.Generator,
                  sample_weights: torch.Tensor | None = None) -> list[torch.Tensor]:
    """Index batches for one epoch: a shuffled permutation, or a weighted draw with replacement.

    Examples
    --------
    >>> b = batch_indices(10, 4, torch.Generator().manual_seed(0))
    >>> [len(i) for i in b], sorted(torch.cat(b).tolist()) == list(range(10))
    ([4, 4, 2], True)
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if sample_weights is None:
        order = torch.randperm(n, generator=generator)
    else:
        order = torch.multinomial(sample_weights, n, replacement=True, generator=generator)
    return list(order.split(batch_size))


def fit(model: nn.Module, X, y, loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], *,
        params: Iterable[nn.Parameter] | None = None, epochs: int = 20, batch_size: int = 128,
        lr: float = 1e-3, weight_decay: float = 0.0, seed: int = 0, device: str | torch.device = "cpu",
        accumulation_steps: int = 1, mixed_precision: bool = True, sample_weights=None,
        penalty: Callable[[nn.Module], torch.Tensor] | None = None,
        y_dtype: torch.dtype = torch.float32) -> list[float]:
    """Train ``model`` with Adam and return the mean training loss of each epoch.

    Parameters
    ----------
    model, X, y, loss_fn
        ``loss_fn(model(X_batch), y_batch)`` must return a scalar tensor.
    params
        Parameters to optimise (default: all that require grad) - e.g. only a head.
    accumulation_steps
        Gradients of this many consecutive batches are summed before one optimiser step
        (each batch's loss is divided by the count), emulating a batch this many times larger.
    mixed_precision
        Use float16 autocast + gradient scaling, **only** when the device is CUDA; ignored on CPU.
    sample_weights
        Optional per-row weights: batches are then drawn with replacement in proportion to
        them (weighted / balanced sampling) instead of a shuffled pass.
    penalty
        Optional ``penalty(model)`` added to every batch loss (e.g. an EWC term).

    Examples
    --------
    >>> X = torch.linspace(-1, 1, 64).reshape(-1, 1); y = 3 * X[:, 0]
    >>> m = nn.Linear(1, 1)
    >>> losses = fit(m, X, y, lambda p, t: ((p[:, 0] - t) ** 2).mean(), epochs=60, lr=0.05, batch_size=16)
    >>> losses[-1] < 0.01 * losses[0]
    True
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    if accumulation_steps < 1:
        raise ValueError(f"accumulation_steps must be >= 1, got {accumulation_steps}")
    dev = resolve_device(device)
    Xt, yt = as_tensor(X, name="X"), as_tensor(y, dtype=y_dtype, name="y")
    if len(Xt) != len(yt):
        raise ValueError(f"X has {len(Xt)} rows but y has {len(yt)}; they must match")
    w = None if sample_weights is None else as_tensor(sample_weights, name="sample_weights").reshape(-1)
    if w is not None and (len(w) != len(Xt) or (w < 0).any() or w.sum() <= 0):
        raise ValueError("sample_weights must be non-negative, one per row of X, and not all zero")
    gen = set_seed(seed)
    model.to(dev)
    params = [p for p in (model.parameters() if params is None else params) if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    use_amp = bool(mixed_precision) and dev.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp)
    history = []
    for _ in range(epochs):
        model.train()
        batches, total = batch_indices(len(Xt), batch_size, gen, w), 0.0
        opt.zero_grad()
        for step, idx in enumerate(batches, 1):
            xb, yb = Xt[idx].to(dev), yt[idx].to(dev)
            with torch.autocast(device_type=dev.type, dtype=torch.float16, enabled=use_amp):
                loss = loss_fn(model(xb), yb)
                if penalty is not None:
                    loss = loss + penalty(model)
            scaler.scale(loss / accumulation_steps).backward()
            if step % accumulation_steps == 0 or step == len(batches):
                scaler.step(opt)
                scaler.update()
                opt.zero_grad()
            total += float(loss.detach())
        history.append(total / len(batches))
    model.eval()
    return history


@torch.no_grad()
def predict(model: nn.Module, X, *, batch_size: int = 4096, device: str | torch.device = "cpu") -> np.ndarray:
    """Model outputs for ``X`` as a numpy array (evaluation mode, no gradients, in batches).

    Examples
    --------
    >>> m = nn.Linear(2, 1); _ = nn.init.ones_(m.weight); _ = nn.init.zeros_(m.bias)
    >>> predict(m, [[1.0, 2.0]]).tolist()
    [[3.0]]
    """
    dev = resolve_device(device)
    model.to(dev).eval()
    Xt = as_tensor(X, name="X")
    outs = [model(Xt[i:i + batch_size].to(dev)).float().cpu() for i in range(0, len(Xt), batch_size)]
    return torch.cat(outs).numpy() if outs else np.empty((0,))
