"""The one training loop of imbalkit: every torch model in the package is trained by :func:`fit`.

:func:`fit` does seeding, batching (a shuffled pass, or a weighted / class-balanced draw with
replacement), device choice (CPU, CUDA, ``"auto"``; float16 autocast with a gradient scaler on
CUDA only), gradient accumulation, optional per-row loss weights, an optional penalty term,
early stopping on a validation score (keeping the best epoch's weights) and a tqdm progress
bar. The scikit-learn estimators (:mod:`imbalkit.deep.estimators`) and every Part V helper
(fine-tuning, EWC, multi-task, VAE, pre-training, segmentation) call it.
"""
from __future__ import annotations

import copy
from typing import Callable, Iterable

import numpy as np
import torch
from torch import nn

__all__ = ["resolve_device", "as_tensor", "set_seed", "balanced_weights", "batch_indices", "History", "fit",
           "predict"]


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
    """Seed numpy's legacy global generator and torch's; return a fresh CPU generator for batching.

    Examples
    --------
    >>> g = set_seed(0); int(torch.randint(0, 100, (1,), generator=g))
    44
    >>> _ = set_seed(0); a = torch.rand(1); _ = set_seed(0); bool(torch.equal(a, torch.rand(1)))
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative integer, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    np.random.seed(int(seed))
    torch.manual_seed(int(seed))
    return torch.Generator().manual_seed(int(seed))


def balanced_weights(y) -> np.ndarray:
    """Per-row sampling weights 1 / (class count): every class is drawn equally often.

    Examples
    --------
    >>> balanced_weights([0, 0, 0, 1]).round(3).tolist()
    [0.333, 0.333, 0.333, 1.0]
    """
    y = np.asarray(y)
    if y.ndim != 1 or len(y) == 0:
        raise ValueError("y must be a non-empty 1-d array of class labels")
    _, inv, counts = np.unique(y, return_inverse=True, return_counts=True)
    return 1.0 / counts[inv]


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


class History(list):
    """Mean training loss of each epoch (a list of floats), plus the validation record.

    Attributes: ``val_scores`` (one per epoch, empty without ``validate``), ``best_epoch``
    and ``best_score`` (the epoch whose weights were kept; ``None`` without ``validate``).

    Examples
    --------
    >>> h = History([0.5, 0.25]); h[-1], h.best_epoch
    (0.25, None)
    """

    def __init__(self, losses: Iterable[float] = ()) -> None:
        super().__init__(losses)
        self.val_scores: list[float] = []
        self.best_epoch: int | None = None
        self.best_score: float | None = None


def _rows(name: str, w, n: int) -> torch.Tensor | None:
    if w is None:
        return None
    t = as_tensor(w, name=name).reshape(-1)
    if len(t) != n or (t < 0).any() or t.sum() <= 0:
        raise ValueError(f"{name} must be non-negative, one per row of X, and not all zero")
    return t


def _positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


class _NoBar:
    """Stands in for a tqdm bar when no progress is shown (tqdm.auto is then never imported)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def set_postfix(self, **kwargs) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(n: int, progress: bool):
    if not progress:
        return _NoBar(n)
    from tqdm.auto import tqdm   # imported only when asked: in a notebook without ipywidgets it warns

    return tqdm(range(n), desc="epochs", leave=False)


def fit(model: nn.Module, X, y, loss_fn: Callable[..., torch.Tensor], *,
        params: Iterable[nn.Parameter] | None = None, epochs: int = 20, batch_size: int = 128,
        lr: float = 1e-3, weight_decay: float = 0.0, seed: int = 0, reseed: bool = True,
        device: str | torch.device = "cpu", accumulation_steps: int = 1, mixed_precision: bool = True,
        sample_weights=None, balanced: bool = False, loss_weights=None, min_batch_size: int = 1,
        penalty: Callable[[nn.Module], torch.Tensor] | None = None, y_dtype: torch.dtype = torch.float32,
        validate: Callable[[nn.Module], float] | None = None, patience: int | None = None,
        min_delta: float = 1e-6, progress: bool = False,
        on_epoch: Callable[[nn.Module, int], None] | None = None) -> History:
    """Train ``model`` with Adam; return the mean training loss of each epoch (a :class:`History`).

    Parameters
    ----------
    model, X, y, loss_fn
        ``loss_fn(model(X_batch), y_batch)`` must return a scalar tensor (with ``loss_weights``:
        ``loss_fn(output, y_batch, weight_batch)``). If ``loss_fn`` is an ``nn.Module`` with
        parameters (e.g. a learnable noise scale), they are trained too.
    params
        Parameters to optimise (default: all of ``model``'s and ``loss_fn``'s that require grad)
        - e.g. only a head.
    seed, reseed
        ``seed`` drives the batch order (its own generator). With ``reseed=True`` (default) numpy
        and torch are also seeded just before training; pass ``reseed=False`` when you called
        :func:`set_seed` yourself *before building the model*, so that initialisation, dropout and
        any sampling inside the model share one seeded stream.
    accumulation_steps
        Gradients of this many consecutive batches are summed before one optimiser step
        (each batch's loss is divided by the count), emulating a batch this many times larger.
    mixed_precision
        Use float16 autocast + gradient scaling, **only** when the device is CUDA; ignored on CPU.
    sample_weights, balanced
        Per-row sampling weights: batches are then drawn with replacement in proportion to them
        instead of a shuffled pass; ``balanced=True`` uses :func:`balanced_weights` of ``y``
        (class-balanced sampling).
    loss_weights
        Per-row weights handed to ``loss_fn`` as a third argument (weighted losses).
    min_batch_size
        Batches with fewer rows are skipped (a batch-based loss such as Balanced MSE needs 2).
    penalty
        Optional ``penalty(model)`` added to every batch loss (e.g. an EWC term).
    validate, patience, min_delta
        ``validate(model)`` (called after each epoch in eval mode, without gradients) returns a
        score, higher is better; the weights of the best epoch are restored at the end. Training
        stops after ``patience`` epochs without an improvement larger than ``min_delta``.
    progress
        Show a tqdm bar over the epochs.
    on_epoch
        Optional ``on_epoch(model, epoch)`` called after each epoch (eval mode, no gradients), to
        record a learning curve; unlike ``validate`` it selects nothing.

    Examples
    --------
    >>> X = torch.linspace(-1, 1, 64).reshape(-1, 1); y = 3 * X[:, 0]
    >>> m = nn.Linear(1, 1)
    >>> losses = fit(m, X, y, lambda p, t: ((p[:, 0] - t) ** 2).mean(), epochs=60, lr=0.05, batch_size=16)
    >>> losses[-1] < 0.01 * losses[0]
    True
    >>> score = lambda m: -float(((m(X)[:, 0] - y) ** 2).mean().detach())     # higher is better
    >>> h = fit(m, X, y, lambda p, t: ((p[:, 0] - t) ** 2).mean(), epochs=200, lr=0.05, validate=score, patience=3)
    >>> len(h) < 200, h.best_score == h.val_scores[h.best_epoch] == score(m)   # best weights restored
    (True, True)
    """
    _positive_int("epochs", epochs)
    _positive_int("batch_size", batch_size)
    _positive_int("accumulation_steps", accumulation_steps)
    if patience is not None:
        _positive_int("patience", patience)
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    dev = resolve_device(device)
    Xt, yt = as_tensor(X, name="X"), as_tensor(y, dtype=y_dtype, name="y")
    if len(Xt) != len(yt):
        raise ValueError(f"X has {len(Xt)} rows but y has {len(yt)}; they must match")
    if balanced:
        if sample_weights is not None:
            raise ValueError("pass either balanced=True or sample_weights, not both")
        sample_weights = balanced_weights(yt.cpu().numpy())
    w_draw = _rows("sample_weights", sample_weights, len(Xt))
    w_loss = _rows("loss_weights", loss_weights, len(Xt))
    gen = set_seed(seed) if reseed else torch.Generator().manual_seed(int(seed))
    model.to(dev)
    if params is None:
        params = list(model.parameters())
        if isinstance(loss_fn, nn.Module):
            params += list(loss_fn.to(dev).parameters())
    params = [p for p in params if p.requires_grad]
    opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    use_amp = bool(mixed_precision) and dev.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=use_amp)
    history, best_state, bad_epochs = History(), None, 0
    bar = _progress_bar(int(epochs), progress)
    for epoch in bar:
        model.train()
        batches = [b for b in batch_indices(len(Xt), batch_size, gen, w_draw) if len(b) >= min_batch_size]
        total = 0.0
        opt.zero_grad()
        for step, idx in enumerate(batches, 1):
            xb, yb = Xt[idx].to(dev), yt[idx].to(dev)
            with torch.autocast(device_type=dev.type, dtype=torch.float16, enabled=use_amp):
                out = model(xb)
                loss = loss_fn(out, yb) if w_loss is None else loss_fn(out, yb, w_loss[idx].to(dev))
                if penalty is not None:
                    loss = loss + penalty(model)
            scaler.scale(loss / accumulation_steps).backward()
            if step % accumulation_steps == 0 or step == len(batches):
                scaler.step(opt)
                scaler.update()
                opt.zero_grad()
            total += float(loss.detach())
        history.append(total / max(len(batches), 1))
        if on_epoch is not None:
            model.eval()
            with torch.no_grad():
                on_epoch(model, epoch)
        if validate is None:
            bar.set_postfix(loss=f"{history[-1]:.4f}")
            continue
        model.eval()
        with torch.no_grad():
            score = float(validate(model))
        history.val_scores.append(score)
        bar.set_postfix(loss=f"{history[-1]:.4f}", val=f"{score:.4f}")
        if history.best_score is None or score > history.best_score + min_delta:
            history.best_epoch, history.best_score = epoch, score
            best_state, bad_epochs = copy.deepcopy(model.state_dict()), 0
        else:
            bad_epochs += 1
            if patience is not None and bad_epochs >= patience:
                break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
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
