"""PyTorch losses for rare classes and rare target values, numerically stable.

Classification (from logits):

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

Regression:

* :func:`weighted_mse` / :class:`WeightedMSELoss` - per-sample weighted MSE: the element-wise
  loss (``reduction='none'``) multiplied by the weights, then a weighted mean;
* :func:`balanced_mse` / :class:`BalancedMSELoss` - Balanced MSE of Ren et al. (2022), the
  batch-based Monte-Carlo variant (BMC): each prediction must "pick out" its own target
  among all targets in the batch,
  ``loss = 2σ² · CE_i( softmax_j(−(pred_i − target_j)² / (2σ²)), i )``.
  The batch targets stand in for the training label distribution, so the loss removes the
  pull toward frequent labels that plain MSE inherits from an imbalanced training set.

Input checks: empty tensors, and NaN or infinite logits, predictions or targets, raise a
``ValueError`` naming the argument (a loss that silently returns NaN poisons every later
step). Binary logits may be given as ``(N,)`` or ``(N, 1)``: a single column is read as the
logit of the positive class (a one-class softmax would be constant, so no other reading
makes sense); ``(N, C)`` with ``C >= 2`` is multi-class.

This module, like all of :mod:`imbalkit.deep`, imports torch; the rest of imbalkit does not.

Example
-------
>>> import torch
>>> round(float(focal_loss(torch.tensor([0.0]), torch.tensor([1.0]), gamma=2.0)), 4)  # 0.5**2 * log 2
0.1733
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["focal_loss", "FocalLoss", "weighted_cross_entropy", "logit_adjusted_loss", "adjust_logits",
           "weighted_mse", "WeightedMSELoss", "balanced_mse", "BalancedMSELoss"]

REDUCTIONS = ("none", "mean", "sum")


def _reduce(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _check(logits: torch.Tensor, targets: torch.Tensor, reduction: str) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """Validate the inputs; return ``(logits, targets, binary)`` with ``(N, 1)`` binary logits flattened."""
    if not isinstance(logits, torch.Tensor) or not isinstance(targets, torch.Tensor):
        raise TypeError("logits and targets must be torch tensors")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if not torch.is_floating_point(logits):
        raise TypeError(f"logits must be a floating-point tensor, got {logits.dtype}")
    if logits.numel() == 0 or targets.numel() == 0:
        raise ValueError(f"logits and targets must not be empty, got shapes {tuple(logits.shape)} and "
                         f"{tuple(targets.shape)}; skip empty batches before calling the loss")
    if not torch.isfinite(logits).all():
        raise ValueError("logits contain NaN or infinite values; the problem is upstream of the loss "
                         "(check inputs, learning rate, or use gradient clipping)")
    if torch.is_floating_point(targets) and not torch.isfinite(targets).all():
        raise ValueError("targets contain NaN or infinite values; drop or impute the unlabelled rows first")
    if logits.ndim == 2 and logits.shape[1] == 1:      # one column = the positive-class logit
        logits = logits[:, 0]
        if targets.ndim == 2 and targets.shape[1] == 1:
            targets = targets[:, 0]
    if logits.ndim == 1:
        if targets.shape != logits.shape:
            raise ValueError(f"binary logits have shape {tuple(logits.shape)} but targets have {tuple(targets.shape)}")
        bad = (targets != 0) & (targets != 1)
        if bad.any():
            raise ValueError("binary targets must be 0 or 1")
        return logits, targets, True
    if logits.ndim == 2:
        if targets.ndim != 1 or targets.shape[0] != logits.shape[0]:
            raise ValueError(f"multi-class logits have shape {tuple(logits.shape)}; targets must be 1-D class indices "
                             f"of length {logits.shape[0]}, got shape {tuple(targets.shape)}")
        if torch.is_floating_point(targets):
            raise TypeError("multi-class targets must be integer class indices (torch.long)")
        if targets.min() < 0 or targets.max() >= logits.shape[1]:
            raise ValueError(f"targets must be class indices in 0..{logits.shape[1] - 1}")
        return logits, targets, False
    raise ValueError(f"logits must be (N,) or (N, 1) for binary, or (N, C) for C >= 2 classes; got shape "
                     f"{tuple(logits.shape)}")


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
    logits : (N,) or (N, 1) for binary (the positive-class logit), (N, C) with C >= 2 for multi-class
    targets : (N,) (or (N, 1) with (N, 1) logits) of 0/1 for binary, (N,) class indices for multi-class
    gamma : focusing parameter >= 0; 0 gives (α-weighted) cross-entropy
    alpha : binary: weight of the positive class in [0, 1] (negatives get 1 − α) or a
        length-2 sequence; multi-class: one weight per class; None: no weighting
    reduction : "none", "mean" or "sum"

    >>> import torch
    >>> z = torch.tensor([[2.0, -1.0], [0.0, 3.0]]); t = torch.tensor([0, 1])
    >>> bool(torch.isclose(focal_loss(z, t, gamma=0.0), torch.nn.functional.cross_entropy(z, t)))
    True
    >>> zb, tb = torch.tensor([1.0, -2.0]), torch.tensor([1.0, 0.0])   # (N, 1) logits = (N,) logits
    >>> bool(torch.equal(focal_loss(zb[:, None], tb), focal_loss(zb, tb)))
    True
    """
    logits, targets, binary = _check(logits, targets, reduction)
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
    logits, targets, binary = _check(logits, targets, reduction)
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
    if logits.ndim == 1 or (logits.ndim == 2 and logits.shape[1] == 1):   # binary: positive-class logit
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
    logits, targets, binary = _check(logits, targets, reduction)
    if tau < 0:
        raise ValueError(f"tau must be >= 0 for training, got {tau}")
    adjusted = adjust_logits(logits, prior, tau=tau)
    if binary:
        loss = F.binary_cross_entropy_with_logits(adjusted, targets.to(logits.dtype), reduction="none")
    else:
        loss = F.cross_entropy(adjusted, targets.long(), reduction="none")
    return _reduce(loss, reduction)


# -- regression losses ---------------------------------------------------------------------

def _flat(t: torch.Tensor, name: str) -> torch.Tensor:
    """Check a regression tensor (type, shape, non-empty, finite) and flatten ``(n, 1)`` to ``(n,)``."""
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if t.dim() == 2 and t.shape[1] == 1:
        t = t[:, 0]
    if t.dim() != 1:
        raise ValueError(f"{name} must have shape (n,) or (n, 1), got {tuple(t.shape)}")
    if t.numel() == 0:
        raise ValueError(f"{name} is empty; skip empty batches before calling the loss")
    if not torch.isfinite(t).all():
        raise ValueError(f"{name} contains NaN or infinite values; drop or impute those rows first")
    return t


def weighted_mse(pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None = None) -> torch.Tensor:
    """Weighted mean of squared errors, ``Σ w_i (pred_i − y_i)² / Σ w_i``.

    With ``weight=None`` it is plain MSE. The weights come from
    :class:`imbalkit.target_weights.TargetWeighter` fitted on the training fold.

    >>> p, t = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 0.0])
    >>> float(weighted_mse(p, t, torch.tensor([3.0, 1.0])))
    0.75
    """
    pred, target = _flat(pred, "pred"), _flat(target, "target")
    if pred.shape != target.shape:
        raise ValueError(f"pred has {pred.numel()} values but target has {target.numel()}")
    per_sample = F.mse_loss(pred, target.to(pred.dtype), reduction="none")
    if weight is None:
        return per_sample.mean()
    w = _flat(weight, "weight").to(per_sample.dtype)
    if w.shape != per_sample.shape:
        raise ValueError(f"weight has {w.numel()} values for {per_sample.numel()} samples")
    if (w < 0).any() or not torch.isfinite(w).all() or float(w.sum()) <= 0:
        raise ValueError("weight must be finite, non-negative and not all zero")
    return (per_sample * w).sum() / w.sum()


def balanced_mse(pred: torch.Tensor, target: torch.Tensor, noise_var: torch.Tensor | float = 1.0) -> torch.Tensor:
    """Balanced MSE, batch-based Monte-Carlo variant (Ren et al. 2022).

    Builds the ``n × n`` matrix of logits ``−(pred_i − target_j)² / (2σ²)``, takes the
    cross-entropy with the diagonal as the correct class, and multiplies by ``2σ²``
    (held constant in the gradient) so the loss scale is comparable with MSE.

    Parameters
    ----------
    noise_var : σ², a positive float or a 0-d tensor (learnable in :class:`BalancedMSELoss`)

    >>> round(float(balanced_mse(torch.tensor([0.0, 2.0]), torch.tensor([0.0, 2.0]), 1.0)), 4)
    0.2539
    """
    pred, target = _flat(pred, "pred"), _flat(target, "target")
    if pred.shape != target.shape:
        raise ValueError(f"pred has {pred.numel()} values but target has {target.numel()}")
    var = torch.as_tensor(noise_var, dtype=pred.dtype, device=pred.device)
    if var.numel() != 1 or not float(var.detach()) > 0 or not math.isfinite(float(var.detach())):
        raise ValueError(f"noise_var must be one positive finite number, got {noise_var!r}")
    target = target.to(pred.dtype)
    logits = -(pred[:, None] - target[None, :]) ** 2 / (2.0 * var)
    labels = torch.arange(pred.numel(), device=pred.device)
    return F.cross_entropy(logits, labels) * (2.0 * var).detach()


class WeightedMSELoss(nn.Module):
    """:func:`weighted_mse` as a module: ``loss(pred, target, weight)``.

    >>> float(WeightedMSELoss()(torch.tensor([2.0]), torch.tensor([0.0])))
    4.0
    """

    def forward(self, pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor | None = None) -> torch.Tensor:
        return weighted_mse(pred, target, weight)


class BalancedMSELoss(nn.Module):
    """:func:`balanced_mse` with σ² stored as a parameter.

    Parameters
    ----------
    init_noise_sigma : starting σ (in target units)
    learnable : if True, σ is learned (log-parametrised so it stays positive); add
        ``loss.parameters()`` to the optimiser, as Ren et al. do.

    >>> loss = BalancedMSELoss(init_noise_sigma=1.0, learnable=True)
    >>> round(loss.noise_var.item(), 4), len(list(loss.parameters()))
    (1.0, 1)
    """

    def __init__(self, init_noise_sigma: float = 1.0, learnable: bool = False) -> None:
        super().__init__()
        if not init_noise_sigma > 0:
            raise ValueError(f"init_noise_sigma must be positive, got {init_noise_sigma!r}")
        log_var = torch.tensor(2.0 * math.log(init_noise_sigma))
        if learnable:
            self.log_var = nn.Parameter(log_var)
        else:
            self.register_buffer("log_var", log_var)

    @property
    def noise_var(self) -> torch.Tensor:
        """Current σ²."""
        return self.log_var.exp()

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return balanced_mse(pred, target, self.noise_var)
