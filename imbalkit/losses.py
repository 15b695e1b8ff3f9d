"""PyTorch losses for rare classes, numerically stable from logits.

* :func:`focal_loss` / :class:`FocalLoss` (Lin et al. 2017):
  :math:`-\\alpha_t (1 - p_t)^{\\gamma} \\log p_t`, binary (1-D logits) or multi-class
  ((N, C) logits). Both :math:`\\log p_t` and :math:`\\log(1 - p_t)` are computed from
  the logits with log-sigmoid / log-sum-exp, never as ``log(sigmoid(z))`` or
  ``(1 - softmax)**gamma``, so logits of ±1e4 and any ``gamma >= 0`` give finite losses
  *and* finite gradients (the usual source of focal-loss NaNs).
* :func:`weighted_cross_entropy`: cross-entropy with per-class weights.
* :func:`logit_adjusted_loss` (Menon et al. 2021): cross-entropy on
  ``logits + tau * log(prior)``; at prediction time use the raw logits.

Reductions: ``"none"`` (one value per sample), ``"sum"``, ``"mean"``. For
:func:`focal_loss` ``"mean"`` is the plain mean over samples (α is a per-sample factor);
for :func:`weighted_cross_entropy` it is the weight-normalised mean
:math:`\\sum w_i l_i / \\sum w_i`, as in ``torch.nn.functional.cross_entropy``.

This module imports torch; the rest of imbalkit does not.

Example
-------
>>> import torch
>>> round(float(focal_loss(torch.tensor([0.0]), torch.tensor([1.0]), gamma=2.0)), 4)  # 0.5**2 * log 2
0.1733
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["focal_loss", "FocalLoss", "weighted_cross_entropy", "logit_adjusted_loss", "adjust_logits"]

REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _check(logits: torch.Tensor, targets: torch.Tensor, reduction: str) -> bool:
    """Validate shapes; return True for the binary case (1-D logits)."""
    if not isinstance(logits, torch.Tensor) or not isinstance(targets, torch.Tensor):
        raise TypeError("logits and targets must be torch tensors")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if not torch.is_floating_point(logits):
        raise TypeError(f"logits must be a floating-point tensor, got {logits.dtype}")
    if not torch.isfinite(logits).all():
        raise ValueError("logits contain NaN or infinite values; the problem is upstream of the loss "
                         "(check inputs, learning rate, or use gradient clipping)")
    if logits.ndim == 1:
        if targets.shape != logits.shape:
            raise ValueError(f"binary logits have shape {tuple(logits.shape)} but targets have {tuple(targets.shape)}")
        bad = (targets != 0) & (targets != 1)
        if bad.any():
            raise ValueError("binary targets must be 0 or 1")
        return True
    if logits.ndim == 2:
        if targets.ndim != 1 or targets.shape[0] != logits.shape[0]:
            raise ValueError(f"multi-class logits have shape {tuple(logits.shape)}; targets must be 1-D class indices "
                             f"of length {logits.shape[0]}, got shape {tuple(targets.shape)}")
        if torch.is_floating_point(targets):
            raise TypeError("multi-class targets must be integer class indices (torch.long)")
        if targets.numel() and (targets.min() < 0 or targets.max() >= logits.shape[1]):
            raise ValueError(f"targets must be class indices in 0..{logits.shape[1] - 1}")
        return False
    raise ValueError(f"logits must be 1-D (binary) or 2-D (n_samples, n_classes), got shape {tuple(logits.shape)}")


def _alpha_t(alpha: float | Sequence[float] | torch.Tensor | None, targets: torch.Tensor, n_classes: int,
             binary: bool, like: torch.Tensor) -> torch.Tensor | None:
    if alpha is None:
        return None
    if binary and isinstance(alpha, (int, float)):
        if not 0.0 <= float(alpha) <= 1.0:
            raise ValueError(f"binary alpha must be in [0, 1] (weight of the positive class), got {alpha}")
        a = torch.tensor([1.0 - float(alpha), float(alpha)], dtype=like.dtype, device=like.device)
    else:
        a = torch.as_tensor(alpha, dtype=like.dtype, device=like.device)
        if a.ndim != 1 or a.numel() != n_classes:
            raise ValueError(f"alpha must have one weight per class ({n_classes}), got shape {tuple(a.shape)}")
        if (a < 0).any():
            raise ValueError("alpha weights must be non-negative")
    return a[targets.long()]


def focal_loss(
    logits: torch.Tensor,
    targets: torch.Tensor,
    *,
    gamma: float = 2.0,
    alpha: float | Sequence[float] | torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Focal loss from logits, binary or multi-class.

    Parameters
    ----------
    logits : (N,) for binary, (N, C) for multi-class
    targets : (N,) of 0/1 for binary, (N,) class indices for multi-class
    gamma : focusing parameter >= 0; 0 gives (α-weighted) cross-entropy
    alpha : binary: weight of the positive class in [0, 1] (negatives get 1 − α) or a
        length-2 sequence; multi-class: one weight per class; None: no weighting
    reduction : "none", "mean" or "sum"

    >>> import torch
    >>> z = torch.tensor([[2.0, -1.0], [0.0, 3.0]]); t = torch.tensor([0, 1])
    >>> bool(torch.isclose(focal_loss(z, t, gamma=0.0), torch.nn.functional.cross_entropy(z, t)))
    True
    """
    binary = _check(logits, targets, reduction)
    if gamma < 0:
        raise ValueError(f"gamma must be >= 0, got {gamma}")
    if binary:
        sign = 2.0 * targets.to(logits.dtype) - 1.0
        log_pt = F.logsigmoid(sign * logits)
        log_1m_pt = F.logsigmoid(-sign * logits)
        n_classes = 2
    else:
        log_probs = F.log_softmax(logits, dim=1)
        log_pt = log_probs.gather(1, targets.long()[:, None]).squeeze(1)
        others = logits.masked_fill(F.one_hot(targets.long(), logits.shape[1]).bool(), float("-inf"))
        log_1m_pt = torch.logsumexp(others, dim=1) - torch.logsumexp(logits, dim=1)
        n_classes = logits.shape[1]
    loss = -torch.exp(gamma * log_1m_pt) * log_pt
    a = _alpha_t(alpha, targets, n_classes, binary, logits)
    if a is not None:
        loss = a * loss
    return _reduce(loss, reduction)


class FocalLoss(nn.Module):
    """:func:`focal_loss` as a module.

    >>> import torch
    >>> crit = FocalLoss(gamma=2.0, alpha=[0.25, 0.75])
    >>> crit(torch.tensor([0.0, 5.0]), torch.tensor([0.0, 1.0])).shape
    torch.Size([])
    """

    def __init__(self, gamma: float = 2.0, alpha: float | Sequence[float] | None = None, reduction: str = "mean") -> None:
        super().__init__()
        if gamma < 0:
            raise ValueError(f"gamma must be >= 0, got {gamma}")
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
        self.gamma = float(gamma)
        self.alpha = alpha
        self.reduction = reduction

    def forward(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return focal_loss(logits, targets, gamma=self.gamma, alpha=self.alpha, reduction=self.reduction)

    def extra_repr(self) -> str:  # noqa: D102
        return f"gamma={self.gamma}, alpha={self.alpha}, reduction={self.reduction!r}"


def weighted_cross_entropy(
    logits: torch.Tensor,
    targets: torch.Tensor,
    *,
    class_weights: Sequence[float] | torch.Tensor | None = None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Cross-entropy with one weight per class (binary from 1-D logits, or multi-class).

    ``"mean"`` divides by the sum of the sample weights (PyTorch's convention).

    >>> import torch
    >>> z = torch.tensor([0.0, 0.0]); t = torch.tensor([0.0, 1.0])
    >>> round(float(weighted_cross_entropy(z, t, class_weights=[1.0, 3.0], reduction="sum")), 4)  # 4 * log 2
    2.7726
    """
    binary = _check(logits, targets, reduction)
    if binary:
        loss = F.binary_cross_entropy_with_logits(logits, targets.to(logits.dtype), reduction="none")
        n_classes = 2
    else:
        loss = F.cross_entropy(logits, targets.long(), reduction="none")
        n_classes = logits.shape[1]
    if class_weights is None:
        return _reduce(loss, reduction)
    w = _alpha_t(list(class_weights) if not isinstance(class_weights, torch.Tensor) else class_weights,
                 targets, n_classes, False, logits)
    loss = w * loss
    if reduction == "mean":
        return loss.sum() / w.sum().clamp_min(torch.finfo(logits.dtype).tiny)
    return _reduce(loss, reduction)


def _log_prior(prior: Sequence[float] | torch.Tensor, n_classes: int, like: torch.Tensor) -> torch.Tensor:
    p = torch.as_tensor(prior, dtype=like.dtype, device=like.device)
    if p.ndim != 1 or p.numel() != n_classes:
        raise ValueError(f"prior must hold one probability per class ({n_classes}), got shape {tuple(p.shape)}")
    if (p <= 0).any() or abs(float(p.sum()) - 1.0) > 1e-4:
        raise ValueError("prior must be strictly positive class frequencies that sum to 1 (from the training labels)")
    return torch.log(p)


def adjust_logits(logits: torch.Tensor, prior: Sequence[float] | torch.Tensor, *, tau: float = 1.0) -> torch.Tensor:
    """``logits + tau * log(prior)``; binary 1-D logits get ``tau * log(p1 / p0)``.

    Training with cross-entropy on these adjusted logits and predicting with the raw
    logits is the logit-adjusted loss; subtracting instead (``tau < 0``) is the post-hoc
    correction of a model trained plainly.

    >>> import torch
    >>> adjust_logits(torch.zeros(2, 2), [0.8, 0.2], tau=1.0)[0].tolist() == [float(torch.log(torch.tensor(0.8))), float(torch.log(torch.tensor(0.2)))]
    True
    """
    if not isinstance(logits, torch.Tensor):
        raise TypeError("logits must be a torch tensor")
    if logits.ndim == 1:
        lp = _log_prior(prior, 2, logits)
        return logits + tau * (lp[1] - lp[0])
    if logits.ndim != 2:
        raise ValueError(f"logits must be 1-D (binary) or 2-D, got shape {tuple(logits.shape)}")
    return logits + tau * _log_prior(prior, logits.shape[1], logits)


def logit_adjusted_loss(
    logits: torch.Tensor,
    targets: torch.Tensor,
    prior: Sequence[float] | torch.Tensor,
    *,
    tau: float = 1.0,
    reduction: str = "mean",
) -> torch.Tensor:
    """Logit-adjusted cross-entropy (Menon et al. 2021): cross-entropy of
    ``logits + tau * log(prior)``. Predict with the *unadjusted* logits.

    >>> import torch
    >>> z = torch.zeros(1, 2); t = torch.tensor([1])
    >>> round(float(logit_adjusted_loss(z, t, [0.9, 0.1])), 4)  # -log 0.1
    2.3026
    """
    binary = _check(logits, targets, reduction)
    if tau < 0:
        raise ValueError(f"tau must be >= 0 for training, got {tau}")
    adjusted = adjust_logits(logits, prior, tau=tau)
    if binary:
        loss = F.binary_cross_entropy_with_logits(adjusted, targets.to(logits.dtype), reduction="none")
    else:
        loss = F.cross_entropy(adjusted, targets.long(), reduction="none")
    return _reduce(loss, reduction)
