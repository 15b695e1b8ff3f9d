"""Fine-tuning a pre-trained encoder on a small (imbalanced) task.

Strategies, each returning a new model (the pre-trained one is never modified):

* :func:`linear_probe` - frozen encoder, only a new head is trained;
* :func:`fine_tune` - encoder and new head trained together (``from_scratch`` re-initialises
  the encoder: the no-transfer baseline with the identical architecture);
* :func:`decoupled_retrain` - classifier re-training (cRT) of Kang et al. (2020): the
  representation is learnt on the natural distribution, then only a fresh head is re-trained
  with class-balanced sampling;
* :func:`two_phase` - a class-balanced phase first, then the full natural distribution.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from imbalkit.deep.encoder import CompositionEncoder, PropertyModel
from imbalkit.deep.training import balanced_weights, fit, predict

__all__ = ["new_task_model", "balanced_weights", "fine_tune", "linear_probe", "decoupled_retrain",
           "two_phase", "predict_proba", "task_loss"]


def new_task_model(pretrained: PropertyModel, n_outputs: int, *, from_scratch: bool = False,
                   seed: int = 0) -> PropertyModel:
    """A copy of ``pretrained``'s encoder with a fresh head of ``n_outputs`` outputs.

    With ``from_scratch=True`` the encoder's weights are re-initialised (the feature
    standardisation is kept), giving the same architecture without any transfer.

    Examples
    --------
    >>> pre = PropertyModel(CompositionEncoder(4, hidden=(8,)))
    >>> m = new_task_model(pre, 2)
    >>> m.head.out_features, torch.equal(m.encoder.body[0].weight, pre.encoder.body[0].weight)
    (2, True)
    >>> torch.equal(new_task_model(pre, 2, from_scratch=True, seed=7).encoder.body[0].weight, pre.encoder.body[0].weight)
    False
    """
    torch.manual_seed(seed)
    enc = copy.deepcopy(pretrained.encoder)
    if from_scratch:
        for layer in enc.body:
            if isinstance(layer, nn.Linear):
                layer.reset_parameters()
    return PropertyModel(enc, n_outputs)


def task_loss(task: str):
    """The loss for ``task``: cross-entropy on logits (classification) or L1 (regression).

    Examples
    --------
    >>> float(task_loss("regression")(torch.tensor([[1.0]]), torch.tensor([3.0])))
    2.0
    """
    if task == "classification":
        return lambda logits, t: F.cross_entropy(logits, t)
    if task == "regression":
        return lambda p, t: F.l1_loss(p[:, 0], t)
    raise ValueError(f"task must be 'classification' or 'regression', got {task!r}")


def _n_outputs(task: str, y) -> int:
    return int(np.max(y)) + 1 if task == "classification" else 1


def _check_labels(task: str, y) -> np.ndarray:
    y = np.asarray(y)
    if task == "classification" and (y.dtype.kind not in "iub" or y.min() < 0):
        raise ValueError("classification labels y must be non-negative integers 0..C-1")
    return y


def fine_tune(pretrained: PropertyModel, X, y, *, task: str = "classification", freeze_encoder: bool = False,
              from_scratch: bool = False, epochs: int = 40, lr: float = 1e-3, batch_size: int = 64,
              seed: int = 0, balanced: bool = False, penalty=None, device: str = "cpu",
              weight_decay: float = 1e-4) -> PropertyModel:
    """Train a new head (and, unless frozen, the encoder) of a copy of ``pretrained`` on ``(X, y)``.

    ``balanced=True`` draws batches with class-balanced sampling (classification only).

    Examples
    --------
    >>> rng = np.random.default_rng(0); X = rng.normal(size=(200, 4)).astype("float32")
    >>> y = (X[:, 0] > 0).astype(int)
    >>> pre = PropertyModel(CompositionEncoder(4, hidden=(16,)))
    >>> m = fine_tune(pre, X, y, epochs=30, lr=1e-2)
    >>> float((predict_proba(m, X).argmax(1) == y).mean()) > 0.9
    True
    """
    y = _check_labels(task, y)
    model = new_task_model(pretrained, _n_outputs(task, y), from_scratch=from_scratch, seed=seed)
    for p in model.encoder.parameters():
        p.requires_grad_(not freeze_encoder)
    ydt = torch.long if task == "classification" else torch.float32
    fit(model, X, y, task_loss(task), epochs=epochs, lr=lr, batch_size=batch_size, seed=seed,
        balanced=balanced, penalty=penalty, device=device, y_dtype=ydt, weight_decay=weight_decay)
    for p in model.parameters():
        p.requires_grad_(True)
    return model.cpu().eval()


def linear_probe(pretrained: PropertyModel, X, y, **kwargs) -> PropertyModel:
    """Frozen-encoder linear probe: :func:`fine_tune` with ``freeze_encoder=True``.

    Examples
    --------
    >>> pre = PropertyModel(CompositionEncoder(4, hidden=(8,)))
    >>> X = np.random.default_rng(0).normal(size=(50, 4)).astype("float32")
    >>> m = linear_probe(pre, X, (X[:, 0] > 0).astype(int), epochs=2)
    >>> torch.equal(m.encoder.body[0].weight, pre.encoder.body[0].weight)
    True
    """
    return fine_tune(pretrained, X, y, freeze_encoder=True, **kwargs)


def decoupled_retrain(pretrained: PropertyModel, X, y, *, epochs: int = 40, head_epochs: int = 20,
                      seed: int = 0, lr: float = 1e-3, **kwargs) -> PropertyModel:
    """Classifier re-training (Kang et al. 2020): fine-tune on the natural distribution, then
    re-initialise the head and train it alone with class-balanced sampling.

    Examples
    --------
    >>> pre = PropertyModel(CompositionEncoder(4, hidden=(8,)))
    >>> X = np.random.default_rng(0).normal(size=(60, 4)).astype("float32")
    >>> decoupled_retrain(pre, X, (X[:, 0] > 1).astype(int), epochs=2, head_epochs=2).head.out_features
    2
    """
    stage1 = fine_tune(pretrained, X, y, epochs=epochs, seed=seed, lr=lr, **kwargs)
    return fine_tune(stage1, X, y, freeze_encoder=True, balanced=True, epochs=head_epochs, seed=seed + 1,
                     lr=lr, **kwargs)


def two_phase(pretrained: PropertyModel, X, y, *, balanced_epochs: int = 20, full_epochs: int = 20,
              seed: int = 0, lr: float = 1e-3, full_lr: float | None = None, **kwargs) -> PropertyModel:
    """Two-phase training: class-balanced sampling first, then the natural distribution
    (same head kept; second phase at ``full_lr``, default ``lr / 3``).

    Examples
    --------
    >>> pre = PropertyModel(CompositionEncoder(4, hidden=(8,)))
    >>> X = np.random.default_rng(0).normal(size=(60, 4)).astype("float32")
    >>> two_phase(pre, X, (X[:, 0] > 1).astype(int), balanced_epochs=2, full_epochs=2).head.out_features
    2
    """
    y = _check_labels("classification", y)
    phase1 = fine_tune(pretrained, X, y, epochs=balanced_epochs, balanced=True, seed=seed, lr=lr, **kwargs)
    model = copy.deepcopy(phase1)
    fit(model, X, y, task_loss("classification"), epochs=full_epochs, lr=full_lr or lr / 3,
        batch_size=kwargs.get("batch_size", 64), seed=seed + 1, y_dtype=torch.long,
        device=kwargs.get("device", "cpu"), weight_decay=kwargs.get("weight_decay", 1e-4))
    return model.cpu().eval()


def predict_proba(model: PropertyModel, X) -> np.ndarray:
    """Class probabilities (softmax of the logits) of a classification model.

    Examples
    --------
    >>> m = PropertyModel(CompositionEncoder(4, hidden=(8,)), 3)
    >>> predict_proba(m, np.zeros((2, 4), "float32")).sum(1).round(6).tolist()
    [1.0, 1.0]
    """
    logits = torch.as_tensor(predict(model, X))
    return torch.softmax(logits, dim=1).numpy()
