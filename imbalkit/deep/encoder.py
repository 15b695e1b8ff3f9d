"""The composition encoder: an MLP on standardised Magpie features.

A formula is turned into the 111 Magpie features of :func:`imbalkit.featurize.magpie_features`;
the encoder standardises them with statistics stored in its buffers (so the saved file is
self-contained) and maps them to a low-dimensional embedding. A property model is the
encoder plus a linear head.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["CompositionEncoder", "PropertyModel", "featurize", "save_model", "load_model",
           "load_pretrained", "embed", "PRETRAINED"]

PRETRAINED = "oqmd_hf_mlp"


def featurize(formulas: Sequence[str]) -> np.ndarray:
    """Magpie features of ``formulas`` as a float32 array (the encoder's input).

    Examples
    --------
    >>> featurize(["NaCl", "Fe2O3"]).shape
    (2, 111)
    """
    from imbalkit.featurize import magpie_features

    if isinstance(formulas, str):
        raise TypeError("formulas must be a sequence of strings, not a single string; wrap it in a list")
    return magpie_features(list(formulas)).to_numpy(dtype=np.float32)


class CompositionEncoder(nn.Module):
    """MLP encoder: standardise -> (Linear -> SiLU) x len(hidden); output = last hidden layer.

    Parameters
    ----------
    n_features
        Input width (111 Magpie features).
    hidden
        Widths of the hidden layers; the last one is the embedding size.
    mean, scale
        Feature standardisation statistics (stored as buffers, saved with the weights).

    Examples
    --------
    >>> enc = CompositionEncoder(4, hidden=(8, 3))
    >>> enc(torch.zeros(5, 4)).shape
    torch.Size([5, 3])
    """

    def __init__(self, n_features: int = 111, hidden: Sequence[int] = (256, 128), mean=None, scale=None) -> None:
        super().__init__()
        if n_features < 1 or not hidden or min(hidden) < 1:
            raise ValueError(f"n_features and every hidden width must be >= 1, got {n_features}, {tuple(hidden)}")
        self.n_features, self.hidden = int(n_features), tuple(int(h) for h in hidden)
        mean = torch.zeros(n_features) if mean is None else torch.as_tensor(mean, dtype=torch.float32)
        scale = torch.ones(n_features) if scale is None else torch.as_tensor(scale, dtype=torch.float32)
        self.register_buffer("mean", mean.reshape(-1).clone())
        self.register_buffer("scale", scale.reshape(-1).clone())
        layers, width = [], n_features
        for h in self.hidden:
            layers += [nn.Linear(width, h), nn.SiLU()]
            width = h
        self.body = nn.Sequential(*layers)

    @property
    def dim(self) -> int:
        """Embedding size."""
        return self.hidden[-1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != self.n_features:
            raise ValueError(f"expected {self.n_features} input features, got {x.shape[-1]}")
        return self.body((x - self.mean) / self.scale)


class PropertyModel(nn.Module):
    """Encoder + linear head with ``n_outputs`` outputs (regression value or class logits).

    Examples
    --------
    >>> m = PropertyModel(CompositionEncoder(4, hidden=(8,)), n_outputs=2)
    >>> m(torch.zeros(3, 4)).shape
    torch.Size([3, 2])
    """

    def __init__(self, encoder: CompositionEncoder, n_outputs: int = 1) -> None:
        super().__init__()
        if n_outputs < 1:
            raise ValueError(f"n_outputs must be >= 1, got {n_outputs}")
        self.encoder = encoder
        self.head = nn.Linear(encoder.dim, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(x))


def save_model(model: PropertyModel, path: str | Path, **metadata) -> Path:
    """Save a property model (weights, architecture and ``metadata``) with :func:`torch.save`.

    Examples
    --------
    >>> import tempfile, os
    >>> m = PropertyModel(CompositionEncoder(4, hidden=(8,)))
    >>> p = save_model(m, os.path.join(tempfile.mkdtemp(), "m.pt"), note="demo")
    >>> load_model(p)[1]["note"]
    'demo'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    enc = model.encoder
    torch.save({"n_features": enc.n_features, "hidden": list(enc.hidden), "n_outputs": model.head.out_features,
                "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
                "metadata": metadata}, path)
    return path


def load_model(path: str | Path) -> tuple[PropertyModel, dict]:
    """Load a model saved by :func:`save_model`; returns ``(model, metadata)`` in eval mode.

    Examples
    --------
    >>> m, meta = load_pretrained()
    >>> m.encoder.dim, meta["target"]
    (128, 'oqmd_hf')
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"model file {path} does not exist; train one with python -m imbalkit.deep.pretrain")
    blob = torch.load(path, map_location="cpu", weights_only=True)
    model = PropertyModel(CompositionEncoder(blob["n_features"], blob["hidden"]), blob["n_outputs"])
    model.load_state_dict(blob["state_dict"])
    return model.eval(), dict(blob["metadata"])


def load_pretrained(name: str = PRETRAINED) -> tuple[PropertyModel, dict]:
    """Load the shipped pre-trained model after checking its sha256 against the manifest.

    Examples
    --------
    >>> model, meta = load_pretrained()
    >>> meta["n_train"], meta["hidden"]
    (60000, [256, 128])
    """
    from imbalkit.datasets import model_path

    return load_model(model_path(name))


@torch.no_grad()
def embed(encoder: nn.Module, X, *, batch_size: int = 8192) -> np.ndarray:
    """Embeddings of feature rows ``X`` (a :class:`PropertyModel` is reduced to its encoder).

    Examples
    --------
    >>> embed(CompositionEncoder(4, hidden=(8, 3)), np.zeros((2, 4), dtype="float32")).shape
    (2, 3)
    """
    from imbalkit.deep.training import predict

    enc = encoder.encoder if isinstance(encoder, PropertyModel) else encoder
    return predict(enc, X, batch_size=batch_size)
