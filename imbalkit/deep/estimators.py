"""Small PyTorch MLPs with the scikit-learn API, usable inside cross-validation.

:class:`TorchMLPClassifier` and :class:`TorchMLPRegressor` follow the scikit-learn estimator
API (``fit``, ``predict``/``predict_proba``, ``get_params``), so they can be cloned by
:func:`imbalkit.cv.repeated_cv` and threshold-tuned by :mod:`imbalkit.thresholds`. Both
standardise the features with training-row statistics, seed numpy and torch, and train with
the shared loop :func:`imbalkit.deep.training.fit` on the CPU unless ``device`` says otherwise.

The classifier holds out a stratified validation share of the training rows for early
stopping on a chosen metric. Losses: ``"ce"`` (cross-entropy), ``"weighted"``
(class-weighted cross-entropy with ``class_weight``), ``"focal"`` (``gamma``, ``alpha``),
``"logit_adjusted"`` (``tau``). The regressor trains with plain MSE, weighted MSE or
Balanced MSE (:mod:`imbalkit.deep.losses`).

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0); X = rng.normal(size=(300, 4)); y = (X[:, 0] > 0.8).astype(int)
>>> clf = TorchMLPClassifier(max_epochs=20, seed=0).fit(X, y)
>>> clf.predict_proba(X[:3]).shape
(3, 2)
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import average_precision_score, balanced_accuracy_score
from sklearn.model_selection import train_test_split
from torch import nn

from imbalkit._checks import as_1d, as_1d_float
from imbalkit.deep.losses import (BalancedMSELoss, focal_loss, logit_adjusted_loss, weighted_cross_entropy,
                                  weighted_mse)
from imbalkit.deep.training import fit, resolve_device, set_seed
from imbalkit.weights import class_weights as _class_weights

__all__ = ["TorchMLPClassifier", "TorchMLPRegressor", "LOSSES", "MONITORS", "REGRESSION_LOSSES"]

LOSSES = ("ce", "weighted", "focal", "logit_adjusted")
MONITORS = ("loss", "pr_auc", "balanced_accuracy")
REGRESSION_LOSSES = ("mse", "weighted_mse", "balanced_mse")


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

    def _squeeze(self, z: torch.Tensor) -> torch.Tensor:
        return z[:, 0] if self.n_classes_ == 2 else z

    def _forward(self, X: torch.Tensor) -> torch.Tensor:
        return self._squeeze(self.model_(X))

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
        self.device_ = resolve_device(self.device)
        fit_idx, val_idx = train_test_split(np.arange(yi.size), test_size=self.val_fraction, stratify=yi,
                                            random_state=int(self.seed))
        self.mean_ = Xa[fit_idx].mean(axis=0)
        self.scale_ = Xa[fit_idx].std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        Xs = torch.as_tensor((Xa - self.mean_) / self.scale_, device=self.device_)
        X_val, t_val = Xs[val_idx], self._targets(yi[val_idx])
        set_seed(int(self.seed))      # before the weights are initialised: init, dropout, batches all seeded
        self.model_ = _mlp(Xa.shape[1], tuple(self.hidden), 1 if self.n_classes_ == 2 else self.n_classes_,
                           self.dropout).to(self.device_, dtype=torch.float32)
        crit = self._criterion(yi[fit_idx])
        self.history_: list[dict[str, float]] = []

        def validate(model: nn.Module) -> float:
            value, val_loss = self._validation_score(X_val, t_val, yi[val_idx], crit)
            self.history_.append({"epoch": len(self.history_), "val_loss": val_loss, "val_score": value})
            return value

        hist = fit(self.model_, Xs[fit_idx], self._targets(yi[fit_idx]), lambda z, t: crit(self._squeeze(z), t),
                   epochs=int(self.max_epochs), batch_size=int(self.batch_size), lr=self.lr,
                   weight_decay=self.weight_decay, seed=int(self.seed), reseed=False, device=self.device_,
                   y_dtype=torch.float32 if self.n_classes_ == 2 else torch.long, validate=validate,
                   patience=int(self.patience), progress=self.progress)
        self.n_epochs_ = len(self.history_)
        self.best_score_ = float(hist.best_score)
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


class TorchMLPRegressor(RegressorMixin, BaseEstimator):
    """A small MLP regressor (scikit-learn API) trained with MSE, weighted MSE or Balanced MSE.

    Inputs and targets are standardised inside ``fit`` (statistics from the training rows
    only; standardised inputs are clipped at ±5); predictions are returned in target units.
    Training (on the CPU unless ``device`` says otherwise) is seeded and deterministic for a given ``seed``.

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
    device : "cpu" (default), "cuda" or "auto"
    progress : show a tqdm bar over epochs

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
                 learn_noise: bool = False, clip_to_train_range: bool = False, seed: int = 0,
                 device: str = "cpu", progress: bool = False) -> None:
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
        self.device = device
        self.progress = progress

    def fit(self, X, y, sample_weight=None) -> "TorchMLPRegressor":
        """Train from scratch (a refit forgets everything learned before)."""
        if self.loss not in REGRESSION_LOSSES:
            raise ValueError(f"loss must be one of {REGRESSION_LOSSES}, got {self.loss!r}")
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
        set_seed(int(self.seed))      # before the weights are initialised
        net = nn.Sequential(nn.Linear(Xa.shape[1], self.hidden), nn.ReLU(),
                            nn.Linear(self.hidden, self.hidden), nn.ReLU(), nn.Linear(self.hidden, 1))
        bmc = BalancedMSELoss(self.noise_sigma, learnable=self.learn_noise)
        weighted = self.loss == "weighted_mse"
        loss_fn = bmc if self.loss == "balanced_mse" else weighted_mse     # weighted_mse without weights = MSE
        fit(net, self._scale(Xa), (ya - self.y_mean_) / self.y_std_, loss_fn, epochs=int(self.epochs),
            batch_size=int(self.batch_size), lr=self.lr, weight_decay=self.weight_decay, seed=int(self.seed),
            reseed=False, device=self.device, loss_weights=w if weighted else None, min_batch_size=2,
            progress=self.progress)
        net.cpu()
        self.net_ = net.eval()
        self.noise_var_ = float(bmc.noise_var.detach().cpu()) * self.y_std_**2
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
