"""Elastic Weight Consolidation (Kirkpatrick et al. 2017) and replay for fine-tuning without forgetting.

EWC adds ``lam * sum_i F_i (theta_i - theta*_i)**2`` to the new task's loss, where ``theta*``
are the pre-trained encoder weights and ``F`` the diagonal (empirical) Fisher information
of the pre-training task: the mean squared per-example gradient of its loss.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from torch import nn

from imbalkit.deep.training import as_tensor

__all__ = ["diagonal_fisher", "ewc_penalty", "EWC", "ReplayPenalty"]


def diagonal_fisher(model: nn.Module, X, y, loss_fn: Callable, *, n: int | None = 512, seed: int = 0,
                    params: dict[str, nn.Parameter] | None = None) -> dict[str, torch.Tensor]:
    """Diagonal empirical Fisher: mean over examples of the squared gradient of the per-example loss.

    ``params`` (name -> parameter) defaults to all of ``model``'s parameters; ``n`` examples
    are drawn (seeded) from ``X`` to keep it cheap.

    Examples
    --------
    >>> m = nn.Linear(1, 1, bias=False); _ = nn.init.ones_(m.weight)
    >>> X = torch.tensor([[1.0], [2.0]]); y = torch.zeros(2)
    >>> f = diagonal_fisher(m, X, y, lambda p, t: ((p[:, 0] - t) ** 2).sum(), n=None)
    >>> f["weight"].item()   # mean of (2 w x**2)**2 = 4 and 64 at w = 1, x = 1, 2
    34.0
    """
    Xt, yt = as_tensor(X, name="X"), torch.as_tensor(np.asarray(y))
    if len(Xt) != len(yt):
        raise ValueError(f"X has {len(Xt)} rows but y has {len(yt)}; they must match")
    if n is not None and n < len(Xt):
        idx = torch.randperm(len(Xt), generator=torch.Generator().manual_seed(seed))[:n]
        Xt, yt = Xt[idx], yt[idx]
    params = dict(model.named_parameters()) if params is None else params
    fisher = {k: torch.zeros_like(p) for k, p in params.items()}
    model.eval()
    for i in range(len(Xt)):
        model.zero_grad()
        loss = loss_fn(model(Xt[i:i + 1]), yt[i:i + 1])
        grads = torch.autograd.grad(loss, list(params.values()), allow_unused=True)
        for (k, _), g in zip(params.items(), grads):
            if g is not None:
                fisher[k] += g.detach() ** 2
    return {k: v / len(Xt) for k, v in fisher.items()}


def ewc_penalty(params: dict[str, torch.Tensor], fisher: dict[str, torch.Tensor],
                anchor: dict[str, torch.Tensor], lam: float) -> torch.Tensor:
    """``lam * sum_i F_i (theta_i - theta*_i)**2`` over the parameters named in ``fisher``.

    Examples
    --------
    >>> p = {"w": torch.tensor([1.0, 3.0])}
    >>> float(ewc_penalty(p, {"w": torch.tensor([2.0, 1.0])}, {"w": torch.tensor([0.0, 1.0])}, lam=0.5))
    3.0
    """
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    missing = set(fisher) - set(params)
    if missing:
        raise ValueError(f"parameters {sorted(missing)} are in the Fisher but not in the model")
    total = sum((fisher[k] * (params[k] - anchor[k]) ** 2).sum() for k in fisher)
    return lam * total


class EWC:
    """An EWC penalty bound to a sub-module (by default ``model.encoder``), usable as ``fit(penalty=...)``.

    Parameters
    ----------
    fisher
        Diagonal Fisher, keyed by parameter name within the sub-module.
    anchor
        The reference weights theta* (copied).
    lam
        Penalty strength.

    Examples
    --------
    >>> from imbalkit.deep.encoder import CompositionEncoder, PropertyModel
    >>> m = PropertyModel(CompositionEncoder(2, hidden=(3,)))
    >>> F = {k: torch.ones_like(v) for k, v in m.encoder.named_parameters()}
    >>> pen = EWC(F, dict(m.encoder.named_parameters()), lam=1.0)
    >>> float(pen(m).detach())   # at the anchor the penalty is zero
    0.0
    """

    def __init__(self, fisher: dict[str, torch.Tensor], anchor: dict[str, torch.Tensor], lam: float,
                 submodule: str = "encoder") -> None:
        if lam < 0:
            raise ValueError(f"lam must be >= 0, got {lam}")
        self.fisher = {k: v.detach().clone() for k, v in fisher.items()}
        self.anchor = {k: v.detach().clone() for k, v in anchor.items()}
        self.lam, self.submodule = float(lam), submodule

    def __call__(self, model: nn.Module) -> torch.Tensor:
        sub = getattr(model, self.submodule) if self.submodule else model
        params = dict(sub.named_parameters())
        dev = next(iter(params.values())).device
        return ewc_penalty(params, {k: v.to(dev) for k, v in self.fisher.items()},
                           {k: v.to(dev) for k, v in self.anchor.items()}, self.lam)


class ReplayPenalty:
    """Replay: add ``weight * old-task loss`` on a random batch of stored pre-training rows,
    computed through the frozen old head on the current encoder.

    Examples
    --------
    >>> from imbalkit.deep.encoder import CompositionEncoder, PropertyModel
    >>> m = PropertyModel(CompositionEncoder(2, hidden=(3,)))
    >>> rp = ReplayPenalty(m.head, np.zeros((10, 2), "float32"), np.zeros(10), batch_size=4)
    >>> float(rp(m)) >= 0
    True
    """

    def __init__(self, old_head: nn.Module, X, y, *, loss_fn: Callable | None = None, weight: float = 1.0,
                 batch_size: int = 64, seed: int = 0) -> None:
        import copy

        self.head = copy.deepcopy(old_head).requires_grad_(False)
        self.X, self.y = as_tensor(X, name="X"), as_tensor(y, name="y")
        if len(self.X) != len(self.y) or len(self.X) == 0:
            raise ValueError("replay X and y must be non-empty and have the same number of rows")
        self.loss_fn = loss_fn or (lambda p, t: torch.nn.functional.l1_loss(p[:, 0], t))
        self.weight, self.batch_size = float(weight), int(batch_size)
        self.gen = torch.Generator().manual_seed(seed)

    def __call__(self, model: nn.Module) -> torch.Tensor:
        idx = torch.randint(0, len(self.X), (self.batch_size,), generator=self.gen)
        dev = next(model.parameters()).device
        self.head.to(dev)
        return self.weight * self.loss_fn(self.head(model.encoder(self.X[idx].to(dev))), self.y[idx].to(dev))
