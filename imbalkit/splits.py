"""Splits that keep the rare cases in view.

Every splitter here returns integer index arrays, or is a scikit-learn style splitter
object with ``split``/``get_n_splits``, so its output plugs straight into
:func:`imbalkit.cv.repeated_cv` (``splits=...``) and into scikit-learn's ``cross_validate``.
None of them silently drops a small class or bin: if a class/bin has fewer members than
the parts it must appear in, a ``ValueError`` names it and its count.

Example
-------
>>> import numpy as np
>>> y = np.arange(200.0)
>>> train, test = extraordinary_holdout(y, top_fraction=0.01)
>>> len(train), len(test), y[test].min() > y[train].max()
(198, 2, np.True_)
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.model_selection import GroupKFold, GroupShuffleSplit, StratifiedKFold
from sklearn.preprocessing import StandardScaler

from ._checks import as_1d, as_1d_float
from .composition import parse_formula, reduced_formula
from .diagnostics import make_bins

__all__ = [
    "extraordinary_holdout",
    "check_min_members",
    "check_all_present",
    "stratified_split",
    "binned_stratified_split",
    "BinnedStratifiedKFold",
    "chemical_system",
    "formula_groups",
    "group_split",
    "group_kfold",
    "check_groups_disjoint",
    "ClusterHoldout",
    "ForwardKFold",
    "share_above_train_max",
]


# --------------------------------------------------------------------------- extraordinary

def extraordinary_holdout(y: Any, *, top_fraction: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Train on the bulk, test on the extremes: the top ``top_fraction`` of ``y`` is the test set.

    The cut is the value of the ``ceil(top_fraction * n)``-th largest target; every sample
    with ``y >= cut`` goes to the test set, so tied values never straddle the boundary
    (the test set may therefore be slightly larger than requested when there are ties).

    Parameters
    ----------
    y : continuous target (finite numbers)
    top_fraction : share of samples (0 < top_fraction < 1) to hold out from the top

    Returns
    -------
    (train_idx, test_idx) : sorted integer index arrays; every test target exceeds every
        training target.

    >>> tr, te = extraordinary_holdout([5.0, 1.0, 3.0, 9.0], top_fraction=0.25)
    >>> tr.tolist(), te.tolist()
    ([0, 1, 2], [3])
    """
    arr = as_1d_float(y, "y")
    if not (isinstance(top_fraction, (float, int)) and 0 < top_fraction < 1):
        raise ValueError(f"top_fraction must be a number strictly between 0 and 1, got {top_fraction!r}")
    k = int(np.ceil(top_fraction * arr.size))
    cut = np.sort(arr)[arr.size - k]
    test = np.flatnonzero(arr >= cut)
    train = np.flatnonzero(arr < cut)
    if train.size == 0:
        raise ValueError(
            f"all {arr.size} targets are >= the cut {cut!r} (ties at the top), so nothing is left "
            "to train on; lower top_fraction or check that y is not constant"
        )
    return train, test


# --------------------------------------------------------------------------- checks

def check_min_members(labels: Any, n_min: int, *, what: str = "class/bin", purpose: str = "folds") -> None:
    """Raise ``ValueError`` if any label occurs fewer than ``n_min`` times.

    The message names every offending label with its count, so the caller can merge rare
    bins or reduce the number of folds instead of losing a class silently.

    >>> check_min_members(["a", "a", "b"], 2)
    Traceback (most recent call last):
    ...
    ValueError: class/bin 'b' has 1 member(s), fewer than the 2 folds it must appear in; merge rare classes/bins, lower the number of folds/parts, or use an unstratified split
    """
    lab = as_1d(labels, "labels")
    values, counts = np.unique(lab, return_counts=True)
    small = [(v, c) for v, c in zip(values.tolist(), counts.tolist()) if c < n_min]
    if small:
        desc = ", ".join(f"{what} {v!r} has {c} member(s)" for v, c in small)
        raise ValueError(
            f"{desc}, fewer than the {n_min} {purpose} it must appear in; merge rare classes/bins, "
            "lower the number of folds/parts, or use an unstratified split"
        )


def check_all_present(labels: Any, parts: dict[str, np.ndarray]) -> None:
    """Raise ``ValueError`` unless every label value occurs in every part (name -> indices).

    >>> check_all_present([0, 0, 1, 1], {"train": np.array([0, 2]), "test": np.array([1, 3])})
    >>> check_all_present([0, 0, 1, 1], {"train": np.array([0, 1]), "test": np.array([2, 3])})
    Traceback (most recent call last):
    ...
    ValueError: class/bin 1 is missing from part 'train'; class/bin 0 is missing from part 'test'
    """
    lab = as_1d(labels, "labels")
    values = np.unique(lab)
    missing = []
    for name, idx in parts.items():
        present = set(np.unique(lab[np.asarray(idx, dtype=int)]).tolist())
        missing += [f"class/bin {v!r} is missing from part {name!r}" for v in values.tolist() if v not in present]
    if missing:
        raise ValueError("; ".join(missing))


# --------------------------------------------------------------------------- stratified

def _check_fractions(val_size: float, test_size: float) -> None:
    for name, v in (("val_size", val_size), ("test_size", test_size)):
        if not (0 <= v < 1):
            raise ValueError(f"{name} must lie in [0, 1), got {v!r}")
    if test_size == 0:
        raise ValueError("test_size must be > 0")
    if val_size + test_size >= 1:
        raise ValueError(f"val_size + test_size = {val_size + test_size} leaves nothing to train on; keep it below 1")


def stratified_split(
    labels: Any,
    *,
    val_size: float = 0.15,
    test_size: float = 0.15,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stratified train / validation / test split of class labels.

    Each class is split on its own, with at least one member in every part, so even a
    class of three members is represented in train, validation and test. A class with
    fewer members than parts raises ``ValueError``. With ``val_size=0`` the validation
    array is empty.

    >>> y = np.array([0] * 16 + [1] * 4)
    >>> tr, va, te = stratified_split(y, val_size=0.25, test_size=0.25, seed=0)
    >>> [np.bincount(y[p], minlength=2).tolist() for p in (tr, va, te)]
    [[8, 2], [4, 1], [4, 1]]
    """
    _check_fractions(val_size, test_size)
    lab = as_1d(labels, "labels")
    n_parts = 3 if val_size > 0 else 2
    check_min_members(lab, n_parts, purpose="parts (train/val/test)" if n_parts == 3 else "parts (train/test)")
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[], [], []]
    for v in np.unique(lab):
        idx = rng.permutation(np.flatnonzero(lab == v))
        m = idx.size
        n_te = max(1, int(round(m * test_size)))
        n_va = max(1, int(round(m * val_size))) if val_size > 0 else 0
        if m - n_te - n_va < 1:  # tiny class: one each, rest to train
            n_te, n_va = 1, (1 if val_size > 0 else 0)
        parts[2].append(idx[:n_te])
        parts[1].append(idx[n_te:n_te + n_va])
        parts[0].append(idx[n_te + n_va:])
    tr, va, te = (np.sort(np.concatenate(p)).astype(int) for p in parts)
    return tr, va, te


def binned_stratified_split(
    y: Any,
    *,
    val_size: float = 0.15,
    test_size: float = 0.15,
    n_bins: int = 5,
    strategy: str = "quantile",
    thresholds: Sequence[float] | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train / validation / test split of a continuous target, stratified on target bins.

    Bins come from :func:`imbalkit.diagnostics.make_bins` (quantiles, equal widths, or
    scientific ``thresholds`` such as ``[1.5, 3, 4]`` eV). Every bin is checked to appear in
    every part; a bin with fewer members than parts raises ``ValueError`` naming it.

    >>> y = np.r_[np.zeros(10), np.linspace(1, 3, 7), [5.0, 6.0, 7.0]]
    >>> tr, va, te = binned_stratified_split(y, thresholds=[0.5, 4], seed=1)
    >>> [int((y[p] > 4).sum()) for p in (tr, va, te)], len(tr) + len(va) + len(te)
    ([1, 1, 1], 20)
    """
    arr = as_1d_float(y, "y")
    labels, edges = make_bins(arr, n_bins=n_bins, strategy=strategy, thresholds=thresholds)
    names = np.array([_bin_name(edges, j) for j in labels])
    tr, va, te = stratified_split(names, val_size=val_size, test_size=test_size, seed=seed)
    parts = {"train": tr, "test": te} | ({"val": va} if va.size else {})
    check_all_present(names, parts)
    return tr, va, te


def _bin_name(edges: np.ndarray, j: int) -> str:
    close = "]" if j == edges.size - 2 else ")"
    return f"[{edges[j]:.3g}, {edges[j + 1]:.3g}{close}"


class BinnedStratifiedKFold:
    """K-fold CV stratified on bins of a continuous target (scikit-learn splitter API).

    ``split(X, y)`` bins ``y`` with :func:`imbalkit.diagnostics.make_bins` and hands the bin
    labels to ``StratifiedKFold``; a bin with fewer members than ``n_splits`` raises
    ``ValueError`` naming the bin and its count.

    >>> y = np.r_[np.zeros(6), np.ones(6) * 5]
    >>> cv = BinnedStratifiedKFold(3, thresholds=[1], random_state=0)
    >>> [sorted(y[te].tolist()) for _, te in cv.split(np.zeros((12, 1)), y)]
    [[0.0, 0.0, 5.0, 5.0], [0.0, 0.0, 5.0, 5.0], [0.0, 0.0, 5.0, 5.0]]
    """

    def __init__(
        self,
        n_splits: int = 5,
        *,
        n_bins: int = 5,
        strategy: str = "quantile",
        thresholds: Sequence[float] | None = None,
        shuffle: bool = True,
        random_state: int | None = 0,
    ) -> None:
        if not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
            raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
        self.n_splits = int(n_splits)
        self.n_bins = n_bins
        self.strategy = strategy
        self.thresholds = thresholds
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds."""
        return self.n_splits

    def split(self, X: Any, y: Any, groups: Any = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (train_idx, test_idx) for each fold."""
        arr = as_1d_float(y, "y")
        labels, edges = make_bins(arr, n_bins=self.n_bins, strategy=self.strategy, thresholds=self.thresholds)
        names = np.array([_bin_name(edges, j) for j in labels])
        check_min_members(names, self.n_splits, what="bin")
        skf = StratifiedKFold(self.n_splits, shuffle=self.shuffle,
                              random_state=self.random_state if self.shuffle else None)
        yield from skf.split(np.zeros(arr.size), names)


# --------------------------------------------------------------------------- groups

def chemical_system(formula: str) -> str:
    """The chemical system of a formula: its element set, sorted alphabetically and joined by '-'.

    >>> chemical_system("Fe2O3"), chemical_system("O2Fe")
    ('Fe-O', 'Fe-O')
    """
    return "-".join(sorted(parse_formula(formula)))


def formula_groups(formulas: Any, *, by: str = "formula") -> np.ndarray:
    """Group key per formula for group-aware splits.

    ``by="formula"`` groups duplicates and polymorphs (same reduced formula, via
    :func:`imbalkit.composition.reduced_formula`); ``by="system"`` groups every composition
    of one chemical system (same element set), a stricter split.

    >>> formula_groups(["Fe2O3", "Fe4O6", "FeO"], by="formula").tolist()
    ['O0.6Fe0.4', 'O0.6Fe0.4', 'O0.5Fe0.5']
    >>> formula_groups(["Fe2O3", "Fe4O6", "FeO"], by="system").tolist()
    ['Fe-O', 'Fe-O', 'Fe-O']
    """
    arr = as_1d(formulas, "formulas")
    if by == "formula":
        key = reduced_formula
    elif by == "system":
        key = chemical_system
    else:
        raise ValueError(f"by must be 'formula' or 'system', got {by!r}")
    cache: dict[str, str] = {}
    out = []
    for f in arr.tolist():
        if f not in cache:
            cache[f] = key(str(f))
        out.append(cache[f])
    return np.array(out, dtype=object)


def _check_n_groups(groups: np.ndarray, n_min: int) -> None:
    n_groups = np.unique(groups).size
    if n_groups < n_min:
        raise ValueError(f"groups has {n_groups} distinct group(s), fewer than the {n_min} folds/parts requested")


def group_split(groups: Any, *, test_size: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Train/test split where every group (formula or chemical system) lies on one side only.

    ``test_size`` is the share of *groups* held out (``GroupShuffleSplit``).

    >>> g = np.array(["a", "a", "b", "c", "c", "d"])
    >>> tr, te = group_split(g, test_size=0.5, seed=0)
    >>> set(g[tr]).isdisjoint(g[te]), len(tr) + len(te)
    (True, 6)
    """
    g = as_1d(groups, "groups")
    _check_n_groups(g, 2)
    if not 0 < test_size < 1:
        raise ValueError(f"test_size must lie strictly between 0 and 1, got {test_size!r}")
    gss = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    tr, te = next(gss.split(np.zeros(g.size), groups=g))
    return np.sort(tr), np.sort(te)


def group_kfold(groups: Any, *, n_splits: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """K-fold (train, test) index pairs where no group appears on both sides.

    Groups are shuffled with ``seed`` and balanced across folds by size
    (scikit-learn ``GroupKFold(shuffle=True)``).

    >>> g = np.repeat(["a", "b", "c", "d"], 2)
    >>> folds = group_kfold(g, n_splits=2, seed=0)
    >>> all(set(g[tr]).isdisjoint(g[te]) for tr, te in folds)
    True
    """
    g = as_1d(groups, "groups")
    _check_n_groups(g, n_splits)
    gkf = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return [(np.sort(tr), np.sort(te)) for tr, te in gkf.split(np.zeros(g.size), groups=g)]


def check_groups_disjoint(groups: Any, train: np.ndarray, test: np.ndarray) -> None:
    """Raise ``ValueError`` naming the shared groups if a group is on both sides.

    >>> check_groups_disjoint(["a", "b", "a"], np.array([0]), np.array([1, 2]))
    Traceback (most recent call last):
    ...
    ValueError: 1 group(s) appear in both train and test, e.g. ['a']
    """
    g = as_1d(groups, "groups")
    shared = sorted(set(g[np.asarray(train, int)].tolist()) & set(g[np.asarray(test, int)].tolist()))
    if shared:
        raise ValueError(f"{len(shared)} group(s) appear in both train and test, e.g. {shared[:5]}")


# --------------------------------------------------------------------------- cluster hold-out

class ClusterHoldout:
    """Leave-one-cluster-out CV (LOCO-CV): KMeans on standardised descriptors, each
    cluster held out whole in turn (scikit-learn splitter API).

    Clusters smaller than ``min_size`` raise ``ValueError`` naming the cluster and its
    size (a one-member test fold gives a meaningless score); lower ``n_clusters`` then.

    >>> X = np.r_[np.zeros((5, 2)), np.ones((5, 2)) * 10]
    >>> folds = list(ClusterHoldout(2, random_state=0).split(X))
    >>> sorted(len(te) for _, te in folds)
    [5, 5]
    """

    def __init__(self, n_clusters: int = 5, *, min_size: int = 2, random_state: int = 0) -> None:
        if not isinstance(n_clusters, (int, np.integer)) or n_clusters < 2:
            raise ValueError(f"n_clusters must be an integer >= 2, got {n_clusters!r}")
        self.n_clusters = int(n_clusters)
        self.min_size = min_size
        self.random_state = random_state

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds (= clusters)."""
        return self.n_clusters

    def cluster_labels(self, X: Any) -> np.ndarray:
        """Cluster label per sample (KMeans on standardised ``X``)."""
        Xa = np.asarray(X, dtype=float)
        if Xa.ndim != 2:
            raise ValueError(f"X must be 2-D (samples × descriptors), got shape {Xa.shape}")
        if Xa.shape[0] < self.n_clusters:
            raise ValueError(f"cannot form {self.n_clusters} clusters from {Xa.shape[0]} samples")
        Z = StandardScaler().fit_transform(Xa)
        km = KMeans(self.n_clusters, n_init=3, random_state=self.random_state)
        return km.fit_predict(Z)

    def split(self, X: Any, y: Any = None, groups: Any = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (train_idx, test_idx) with one whole cluster as the test set."""
        labels = self.cluster_labels(X)
        check_min_members(labels, self.min_size, what="cluster", purpose="members (min_size)")
        for c in range(self.n_clusters):
            yield np.flatnonzero(labels != c), np.flatnonzero(labels == c)


# --------------------------------------------------------------------------- forward CV

class ForwardKFold:
    """K-fold forward CV: sort by target, cut into ``n_splits`` contiguous folds, train on
    all lower folds and test on the next one (``n_splits - 1`` splits).

    This measures extrapolation to higher targets, which random k-fold never asks for;
    pair it with :func:`share_above_train_max`.

    >>> y = np.arange(9.0)
    >>> [(y[tr].max(), y[te].tolist()) for tr, te in ForwardKFold(3).split(None, y)]
    [(np.float64(2.0), [3.0, 4.0, 5.0]), (np.float64(5.0), [6.0, 7.0, 8.0])]
    """

    def __init__(self, n_splits: int = 5) -> None:
        if not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
            raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}")
        self.n_splits = int(n_splits)

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of (train, test) pairs = n_splits - 1."""
        return self.n_splits - 1

    def split(self, X: Any, y: Any, groups: Any = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield (train_idx, test_idx) in order of increasing target."""
        arr = as_1d_float(y, "y")
        if arr.size < self.n_splits:
            raise ValueError(f"cannot cut {arr.size} samples into {self.n_splits} forward folds")
        order = np.argsort(arr, kind="stable")
        folds = np.array_split(order, self.n_splits)
        for k in range(1, self.n_splits):
            yield np.sort(np.concatenate(folds[:k])), np.sort(folds[k])


def share_above_train_max(y_train: Any, values: Any) -> float:
    """Share of ``values`` (test predictions or targets) strictly above the training maximum.

    In forward CV every test *target* is above the training maximum by construction; the
    share of *predictions* above it tells how often the model extrapolates at all.

    >>> share_above_train_max([0, 1, 2], [1.5, 2.5, 3, 1])
    0.5
    """
    yt = as_1d_float(y_train, "y_train")
    v = as_1d_float(values, "values")
    return float(np.mean(v > yt.max()))
