"""A small, fast PyTorch MLP classifier for composition features, usable inside CV.

:class:`TorchMLPClassifier` follows the scikit-learn estimator API (``fit``,
``predict_proba``, ``predict``, ``get_params``), so it can be cloned by
:func:`imbalkit.cv.repeated_cv` and threshold-tuned by :mod:`imbalkit.thresholds`.
It standardises the features (statistics from the training rows only), holds out a
stratified validation share of the training rows for early stopping on a chosen metric,
seeds numpy and torch, and trains on the CPU unless ``device`` says otherwise.

Losses: ``"ce"`` (cross-entropy), ``"weighted"`` (class-weighted cross-entropy with
``class_weight``), ``"focal"`` (``gamma``, ``alpha``), ``"logit_adjusted"`` (``tau``).

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0); X = rng.normal(size=(300, 4)); y = (X[:, 0] > 0.8).astype(int)
>>> clf = TorchMLPClassifier(max_epochs=20, seed=0).fit(X, y)
>>> clf.predict_proba(X[:3]).shape
(3, 2)
"""
from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import average_precision_score, balanced_accuracy_score
from sklearn.model_selection import train_test_split
from torch import nn
from tqdm.auto import tqdm

from ._checks import as_1d
from .losses import focal_loss, logit_adjusted_loss, weighted_cross_entropy
from .weights import class_weights as _class_weights

__all__ = ["set_seed", "TorchMLPClassifier", "LOSSES", "MONITORS"]

LOSSES = ("ce", "weighted", "focal", "logit_adjusted")
MONITORS = ("loss", "pr_auc", "balanced_accuracy")


def set_seed(seed: int) -> None:
    """Seed numpy's legacy global generator and torch (CPU and, if present, CUDA).

    >>> set_seed(0); a = torch.rand(1); set_seed(0); bool(torch.equal(a, torch.rand(1)))
    True
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    np.random.seed(int(seed))
    torch.manual_seed(int(seed))


def _mlp(n_in: int, hidden: tuple[int, ...], n_out: int, dropout: float) -> nn.Sequential:
    layers: list[nn.Module] = []
    for h in hidden:
        layers += [nn.Linear(n_in, h), nn.ReLU()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        n_in = h
    layers.append(nn.Linear(n_in, n_out))
    return nn.Sequential(*layers)


class TorchMLPClassifier(ClassifierMixin, BaseEstimator):
    """MLP classifier with early stopping on a validation metric.

    Parameters
    ----------
    hidden : sizes of the hidden layers
    loss : one of :data:`LOSSES`
    gamma, alpha : focal-loss parameters (``loss="focal"``)
    tau : logit-adjustment strength (``loss="logit_adjusted"``)
    class_weight : ``"balanced"``, a ``{class: weight}`` dict or None (``loss="weighted"``)
    lr, weight_decay, batch_size, max_epochs, dropout : optimisation (Adam)
    val_fraction : stratified share of the training rows used for early stopping
    monitor : "loss" (validation loss, lower is better), "pr_auc" (binary only) or
        "balanced_accuracy"; the weights of the best epoch are kept
    patience : epochs without improvement before stopping
    seed : seeds the split, the initialisation and the batch order
    device : "cpu" (default) or e.g. "cuda"
    progress : show a tqdm bar over epochs

    >>> import numpy as np
    >>> rng = np.random.default_rng(1); X = rng.normal(size=(400, 3)); y = (X[:, 1] > 1.0).astype(int)
    >>> clf = TorchMLPClassifier(loss="focal", gamma=2.0, max_epochs=30, seed=1).fit(X, y)
    >>> bool(clf.score(X, y) > 0.9), clf.n_epochs_ <= 30
    (True, True)
    """

    def __init__(
        self,
        hidden: tuple[int, ...] = (64,),
        *,
        loss: str = "ce",
        gamma: float = 2.0,
        alpha: Any = None,
        tau: float = 1.0,
        class_weight: Any = None,
        lr: float = 3e-3,
        weight_decay: float = 1e-4,
        batch_size: int = 128,
        max_epochs: int = 60,
        dropout: float = 0.0,
        val_fraction: float = 0.2,
        monitor: str = "loss",
        patience: int = 8,
        seed: int = 0,
        device: str = "cpu",
        progress: bool = False,
    ) -> None:
        self.hidden = hidden
        self.loss = loss
        self.gamma = gamma
        self.alpha = alpha
        self.tau = tau
        self.class_weight = class_weight
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.dropout = dropout
        self.val_fraction = val_fraction
        self.monitor = monitor
        self.patience = patience
        self.seed = seed
        self.device = device
        self.progress = progress

    # -- checks ---------------------------------------------------------------------------
    def _validate(self, n_classes: int) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.monitor not in MONITORS:
            raise ValueError(f"monitor must be one of {MONITORS}, got {self.monitor!r}")
        if self.monitor == "pr_auc" and n_classes != 2:
            raise ValueError("monitor='pr_auc' needs a binary target; use 'balanced_accuracy' or 'loss'")
        if not (0.0 < self.val_fraction < 1.0):
            raise ValueError(f"val_fraction must be in (0, 1), got {self.val_fraction}")
        for name in ("max_epochs", "batch_size", "patience"):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.lr <= 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")
        if self.loss == "weighted" and self.class_weight is None:
            raise ValueError("loss='weighted' needs class_weight ('balanced' or a {class: weight} dict)")

    # -- training -------------------------------------------------------------------------
    def _criterion(self, y_train: np.ndarray) -> Any:
        k = self.n_classes_
        if self.loss == "ce":
            return lambda z, t: weighted_cross_entropy(z, t)
        if self.loss == "focal":
            return lambda z, t: focal_loss(z, t, gamma=self.gamma, alpha=self.alpha)
        if self.loss == "weighted":
            if isinstance(self.class_weight, str):
                if self.class_weight != "balanced":
                    raise ValueError(f"class_weight must be 'balanced', a dict or None, got {self.class_weight!r}")
                wd = _class_weights(y_train, "inverse")
            else:
                wd = {int(np.flatnonzero(self.classes_ == c)[0]) if c in self.classes_ else c: w
                      for c, w in self.class_weight.items()}
            w = [float(wd.get(j, 1.0)) for j in range(k)]
            return lambda z, t: weighted_cross_entropy(z, t, class_weights=w)
        prior = np.bincount(y_train, minlength=k) / y_train.size
        if np.any(prior == 0):
            raise ValueError("logit adjustment needs every class in the training rows")
        return lambda z, t: logit_adjusted_loss(z, t, prior.tolist(), tau=self.tau)

    def _forward(self, X: torch.Tensor) -> torch.Tensor:
        z = self.model_(X)
        return z[:, 0] if self.n_classes_ == 2 else z

    def _targets(self, y: np.ndarray) -> torch.Tensor:
        t = torch.as_tensor(y, device=self.device_)
        return t.float() if self.n_classes_ == 2 else t.long()

    def fit(self, X: Any, y: Any) -> "TorchMLPClassifier":
        """Train with early stopping; returns ``self``."""
        Xa = np.asarray(X, dtype=np.float32)
        if Xa.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {Xa.shape}")
        if not np.all(np.isfinite(Xa)):
            raise ValueError("X contains NaN or infinite values; impute or drop them first")
        labels = as_1d(y, "y")
        if labels.size != Xa.shape[0]:
            raise ValueError(f"X has {Xa.shape[0]} rows but y has {labels.size} labels")
        self.classes_, yi = np.unique(labels, return_inverse=True)
        self.n_classes_ = int(self.classes_.size)
        if self.n_classes_ < 2:
            raise ValueError("y has a single class; a classifier needs at least two")
        self._validate(self.n_classes_)
        self.device_ = torch.device(self.device)
        set_seed(int(self.seed))
        fit_idx, val_idx = train_test_split(np.arange(yi.size), test_size=self.val_fraction, stratify=yi,
                                            random_state=int(self.seed))
        self.mean_ = Xa[fit_idx].mean(axis=0)
        self.scale_ = Xa[fit_idx].std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        Xs = torch.as_tensor((Xa - self.mean_) / self.scale_, device=self.device_)
        X_fit, X_val = Xs[fit_idx], Xs[val_idx]
        t_fit, t_val = self._targets(yi[fit_idx]), self._targets(yi[val_idx])
        self.model_ = _mlp(Xa.shape[1], tuple(self.hidden), 1 if self.n_classes_ == 2 else self.n_classes_,
                           self.dropout).to(self.device_, dtype=torch.float32)
        crit = self._criterion(yi[fit_idx])
        opt = torch.optim.Adam(self.model_.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        gen = torch.Generator().manual_seed(int(self.seed))
        best, best_state, bad_epochs = -np.inf, None, 0
        self.history_: list[dict[str, float]] = []
        bar = tqdm(range(int(self.max_epochs)), disable=not self.progress, desc="epochs", leave=False)
        for epoch in bar:
            self.model_.train()
            order = torch.randperm(len(fit_idx), generator=gen)
            for start in range(0, len(order), int(self.batch_size)):
                b = order[start:start + int(self.batch_size)]
                opt.zero_grad()
                loss = crit(self._forward(X_fit[b]), t_fit[b])
                loss.backward()
                opt.step()
            value, val_loss = self._validation_score(X_val, t_val, yi[val_idx], crit)
            self.history_.append({"epoch": epoch, "val_loss": val_loss, "val_score": value})
            bar.set_postfix(val=f"{value:.4f}")
            if value > best + 1e-6:
                best, best_state, bad_epochs = value, copy.deepcopy(self.model_.state_dict()), 0
            else:
                bad_epochs += 1
                if bad_epochs >= self.patience:
                    break
        bar.close()
        self.model_.load_state_dict(best_state)
        self.n_epochs_ = len(self.history_)
        self.best_score_ = float(best)
        return self

    def _validation_score(self, X_val: torch.Tensor, t_val: torch.Tensor, y_val: np.ndarray, crit: Any) -> tuple[float, float]:
        self.model_.eval()
        with torch.no_grad():
            z = self._forward(X_val)
            val_loss = float(crit(z, t_val))
            proba = self._proba_from_logits(z)
        if self.monitor == "loss":
            return -val_loss, val_loss
        if self.monitor == "pr_auc":
            return float(average_precision_score(y_val, proba[:, 1])), val_loss
        return float(balanced_accuracy_score(y_val, proba.argmax(axis=1))), val_loss

    def _proba_from_logits(self, z: torch.Tensor) -> np.ndarray:
        if self.n_classes_ == 2:
            p1 = torch.sigmoid(z).cpu().numpy().astype(float)
            return np.column_stack([1.0 - p1, p1])
        return torch.softmax(z, dim=1).cpu().numpy().astype(float)

    # -- prediction -----------------------------------------------------------------------
    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order."""
        if not hasattr(self, "model_"):
            raise ValueError("this TorchMLPClassifier is not fitted yet; call fit(X, y) first")
        Xa = np.asarray(X, dtype=np.float32)
        if Xa.ndim != 2 or Xa.shape[1] != self.mean_.size:
            raise ValueError(f"X must have shape (n_samples, {self.mean_.size}), got {Xa.shape}")
        Xs = torch.as_tensor((Xa - self.mean_) / self.scale_, device=self.device_)
        self.model_.eval()
        with torch.no_grad():
            return self._proba_from_logits(self._forward(Xs))

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class label."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
