"""PyTorch losses for imbalanced regression (torch is imported only in this module).

* :func:`weighted_mse` - per-sample weighted MSE: the element-wise loss
  (``reduction='none'``) multiplied by the weights, then a weighted mean;
* :func:`balanced_mse` / :class:`BalancedMSELoss` - Balanced MSE of Ren et al. (2022), the
  batch-based Monte-Carlo variant (BMC): each prediction must "pick out" its own target
  among all targets in the batch,
  ``loss = 2σ² · CE_i( softmax_j(−(pred_i − target_j)² / (2σ²)), i )``.
  The batch targets stand in for the training label distribution, so the loss removes the
  pull toward frequent labels that plain MSE inherits from an imbalanced training set.

Example
-------
>>> import torch
>>> pred, target = torch.tensor([0.0, 1.0]), torch.tensor([0.0, 1.0])
>>> round(float(weighted_mse(pred, target, torch.tensor([1.0, 3.0]))), 6)
0.0
"""
from __future__ import annotations

import math

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from torch import nn
from torch.nn import functional as F

from ._checks import as_1d_float

__all__ = ["weighted_mse", "balanced_mse", "BalancedMSELoss", "WeightedMSELoss", "TorchMLPRegressor"]


def _flat(t: torch.Tensor, name: str) -> torch.Tensor:
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if t.dim() == 2 and t.shape[1] == 1:
        t = t[:, 0]
    if t.dim() != 1:
        raise ValueError(f"{name} must have shape (n,) or (n, 1), got {tuple(t.shape)}")
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


class TorchMLPRegressor(RegressorMixin, BaseEstimator):
    """A small MLP regressor (scikit-learn API) trained with one of the losses above.

    Inputs and targets are standardised inside ``fit`` (statistics from the training rows
    only; standardised inputs are clipped at ±5); predictions are returned in target units. Training is full-CPU, seeded and
    deterministic for a given ``seed``.

    Parameters
    ----------
    loss : ``"mse"`` (plain), ``"weighted_mse"`` (uses ``sample_weight`` from ``fit``) or
        ``"balanced_mse"`` (Balanced MSE, batch-based; ``sample_weight`` is ignored)
    hidden : width of the two hidden layers
    epochs, batch_size, lr, weight_decay : Adam training settings
    noise_sigma : initial σ of Balanced MSE in *standardised* target units
    learn_noise : learn σ jointly with the network (Ren et al. 2022)
    clip_to_train_range : clip predictions to ``[min(y_train), max(y_train)]``. Useful with
        Balanced MSE on a target with a point mass at its minimum (band gaps at 0 eV): for
        a row whose target is the smallest in the batch, Balanced MSE keeps decreasing as
        the prediction moves further below it, so such predictions can run far out of range.
    seed : seed for initialisation and batch order

    Examples
    --------
    >>> X = np.linspace(-1, 1, 200).reshape(-1, 1); y = 3 * X[:, 0]
    >>> m = TorchMLPRegressor(epochs=30, seed=0).fit(X, y)
    >>> float(np.mean(np.abs(m.predict(X) - y))) < 0.2
    True
    >>> m.set_params(clip_to_train_range=True).predict([[5.0]]).round(6).tolist()  # clipped at max(y)
    [3.0]
    """

    def __init__(self, loss: str = "mse", *, hidden: int = 64, epochs: int = 40, batch_size: int = 128,
                 lr: float = 3e-3, weight_decay: float = 1e-4, noise_sigma: float = 1.0,
                 learn_noise: bool = False, clip_to_train_range: bool = False, seed: int = 0) -> None:
        self.loss = loss
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.noise_sigma = noise_sigma
        self.learn_noise = learn_noise
        self.clip_to_train_range = clip_to_train_range
        self.seed = seed

    def fit(self, X, y, sample_weight=None) -> "TorchMLPRegressor":
        """Train from scratch (a refit forgets everything learned before)."""
        if self.loss not in ("mse", "weighted_mse", "balanced_mse"):
            raise ValueError(f"loss must be 'mse', 'weighted_mse' or 'balanced_mse', got {self.loss!r}")
        Xa = np.asarray(getattr(X, "values", X), dtype=float)
        ya = as_1d_float(y, "y")
        if Xa.ndim != 2 or Xa.shape[0] != ya.size:
            raise ValueError(f"X must be 2-D with one row per target; got shape {Xa.shape} for {ya.size} targets")
        if self.loss == "weighted_mse" and sample_weight is None:
            raise ValueError("loss='weighted_mse' needs sample_weight in fit (e.g. from TargetWeighter)")
        w = None if sample_weight is None else as_1d_float(sample_weight, "sample_weight")
        self.x_mean_, self.x_std_ = Xa.mean(0), Xa.std(0) + 1e-8
        self.y_mean_, self.y_std_ = float(ya.mean()), float(ya.std() + 1e-8)
        self.y_range_ = (float(ya.min()), float(ya.max()))
        torch.manual_seed(self.seed)
        gen = torch.Generator().manual_seed(self.seed)
        Xt = torch.tensor(self._scale(Xa), dtype=torch.float32)
        yt = torch.tensor((ya - self.y_mean_) / self.y_std_, dtype=torch.float32)
        wt = None if w is None else torch.tensor(w, dtype=torch.float32)
        net = nn.Sequential(nn.Linear(Xa.shape[1], self.hidden), nn.ReLU(),
                            nn.Linear(self.hidden, self.hidden), nn.ReLU(), nn.Linear(self.hidden, 1))
        bmc = BalancedMSELoss(self.noise_sigma, learnable=self.learn_noise)
        opt = torch.optim.Adam(list(net.parameters()) + list(bmc.parameters()), lr=self.lr,
                               weight_decay=self.weight_decay)
        for _ in range(self.epochs):
            for idx in torch.randperm(len(yt), generator=gen).split(self.batch_size):
                if len(idx) < 2:
                    continue
                pred = net(Xt[idx])[:, 0]
                if self.loss == "balanced_mse":
                    loss = bmc(pred, yt[idx])
                else:
                    loss = weighted_mse(pred, yt[idx], None if self.loss == "mse" or wt is None else wt[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
        self.net_ = net.eval()
        self.noise_var_ = float(bmc.noise_var.detach()) * self.y_std_**2
        return self

    def _scale(self, Xa: np.ndarray) -> np.ndarray:
        # standardise with training statistics and clip at ±5 so that a rare, extreme
        # feature value cannot throw the network far outside what it was trained on
        return np.clip((Xa - self.x_mean_) / self.x_std_, -5.0, 5.0)

    def predict(self, X) -> np.ndarray:
        """Predictions in target units."""
        if not hasattr(self, "net_"):
            raise ValueError("this TorchMLPRegressor is not fitted yet; call fit(X, y) first")
        Xa = np.asarray(getattr(X, "values", X), dtype=float)
        with torch.no_grad():
            z = self.net_(torch.tensor(self._scale(Xa), dtype=torch.float32))[:, 0].numpy()
        out = z.astype(float) * self.y_std_ + self.y_mean_
        return np.clip(out, *self.y_range_) if self.clip_to_train_range else out
