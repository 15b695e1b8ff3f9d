"""Multi-task learning with a shared encoder: one classification and one regression head.

The two losses are combined either with fixed weights or with the homoscedastic-uncertainty
weighting of Kendall, Gal and Cipolla (2018): with a learnable ``s_i = log sigma_i`` per task,
``total = sum_i exp(-2 s_i) * L_i / 2 + s_i``. A task with noisy or hard-to-fit loss learns
a larger sigma and is down-weighted; the ``+ s_i`` term stops sigma from growing without bound.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from imbalkit.deep.encoder import PropertyModel
from imbalkit.deep.training import fit, predict

__all__ = ["UncertaintyWeighting", "fixed_weighted_loss", "MultiTaskModel", "fit_multitask", "predict_multitask"]


class UncertaintyWeighting(nn.Module):
    """Learnable ``log sigma`` per task; ``forward(losses)`` returns the weighted total.

    Examples
    --------
    >>> uw = UncertaintyWeighting(2)
    >>> float(uw(torch.tensor([1.0, 3.0])).detach())   # sigma = 1: (1 + 3) / 2
    2.0
    """

    def __init__(self, n_tasks: int) -> None:
        super().__init__()
        if n_tasks < 1:
            raise ValueError(f"n_tasks must be >= 1, got {n_tasks}")
        self.log_sigma = nn.Parameter(torch.zeros(n_tasks))

    def forward(self, losses: torch.Tensor) -> torch.Tensor:
        losses = torch.as_tensor(losses) if not isinstance(losses, torch.Tensor) else losses
        if losses.shape != self.log_sigma.shape:
            raise ValueError(f"expected {len(self.log_sigma)} task losses, got shape {tuple(losses.shape)}")
        return (0.5 * torch.exp(-2 * self.log_sigma) * losses + self.log_sigma).sum()

    @property
    def weights(self) -> np.ndarray:
        """Effective weights ``1 / (2 sigma_i^2)`` of the task losses."""
        return (0.5 * torch.exp(-2 * self.log_sigma)).detach().cpu().numpy()


def fixed_weighted_loss(losses: torch.Tensor, weights: Sequence[float]) -> torch.Tensor:
    """``sum_i w_i L_i`` with fixed, non-negative weights.

    Examples
    --------
    >>> float(fixed_weighted_loss(torch.tensor([1.0, 3.0]), [1.0, 0.5]))
    2.5
    """
    w = torch.as_tensor(weights, dtype=losses.dtype, device=losses.device)
    if w.shape != losses.shape or (w < 0).any():
        raise ValueError(f"weights must be {len(losses)} non-negative numbers, got {list(weights)}")
    return (w * losses).sum()


class MultiTaskModel(nn.Module):
    """A shared encoder with a class-logit head and a regression head; output = [logits | value].

    Examples
    --------
    >>> from imbalkit.deep.encoder import CompositionEncoder
    >>> MultiTaskModel(CompositionEncoder(4, hidden=(8,)), n_classes=2)(torch.zeros(3, 4)).shape
    torch.Size([3, 3])
    """

    def __init__(self, encoder: nn.Module, n_classes: int = 2) -> None:
        super().__init__()
        self.encoder, self.n_classes = encoder, int(n_classes)
        self.cls_head = nn.Linear(encoder.dim, n_classes)
        self.reg_head = nn.Linear(encoder.dim, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.encoder(x)
        return torch.cat([self.cls_head(z), self.reg_head(z)], dim=1)


def _task_losses(out: torch.Tensor, target: torch.Tensor, n_classes: int) -> torch.Tensor:
    ce = F.cross_entropy(out[:, :n_classes], target[:, 0].long())
    l1 = F.l1_loss(out[:, n_classes], target[:, 1])
    return torch.stack([ce, l1])


def fit_multitask(pretrained: PropertyModel, X, y_class, y_reg, *, weighting: str = "fixed",
                  weights: Sequence[float] = (1.0, 1.0), epochs: int = 30, lr: float = 1e-3,
                  batch_size: int = 256, seed: int = 0, device: str = "cpu") -> tuple[MultiTaskModel, np.ndarray]:
    """Fine-tune a copy of ``pretrained``'s encoder on both tasks; returns ``(model, final weights)``.

    ``weighting`` is ``"fixed"`` (``weights``) or ``"uncertainty"`` (learnt, Kendall et al. 2018).

    Examples
    --------
    >>> from imbalkit.deep.encoder import CompositionEncoder
    >>> X = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    >>> pre = PropertyModel(CompositionEncoder(4, hidden=(8,)))
    >>> m, w = fit_multitask(pre, X, (X[:, 0] > 0).astype(int), X[:, 1], weighting="uncertainty", epochs=2)
    >>> w.shape
    (2,)
    """
    import copy

    y_class, y_reg = np.asarray(y_class), np.asarray(y_reg, dtype=np.float32)
    if len(y_class) != len(y_reg):
        raise ValueError(f"y_class has {len(y_class)} rows but y_reg has {len(y_reg)}")
    if weighting not in {"fixed", "uncertainty"}:
        raise ValueError(f"weighting must be 'fixed' or 'uncertainty', got {weighting!r}")
    torch.manual_seed(seed)
    n_classes = int(y_class.max()) + 1
    model = MultiTaskModel(copy.deepcopy(pretrained.encoder), n_classes)
    uw = UncertaintyWeighting(2)
    if weighting == "uncertainty":
        combine, params = uw, list(model.parameters()) + list(uw.parameters())
    else:
        combine, params = (lambda losses: fixed_weighted_loss(losses, weights)), None
    from imbalkit.deep.training import resolve_device

    uw.to(resolve_device(device))
    target = np.c_[y_class.astype(np.float32), y_reg]
    fit(model, np.asarray(X, dtype=np.float32), target, lambda out, t: combine(_task_losses(out, t, n_classes)),
        params=params, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, device=device)
    final = uw.weights if weighting == "uncertainty" else np.asarray(weights, dtype=float)
    return model.cpu().eval(), final


def predict_multitask(model: MultiTaskModel, X) -> tuple[np.ndarray, np.ndarray]:
    """``(class probabilities, regression predictions)`` of a :class:`MultiTaskModel`.

    Examples
    --------
    >>> from imbalkit.deep.encoder import CompositionEncoder
    >>> p, r = predict_multitask(MultiTaskModel(CompositionEncoder(4, hidden=(8,))), np.zeros((2, 4), "float32"))
    >>> p.shape, r.shape
    ((2, 2), (2,))
    """
    out = torch.as_tensor(predict(model, X))
    return torch.softmax(out[:, :model.n_classes], 1).numpy(), out[:, model.n_classes].numpy()
