"""Synthetic minority compositions and how to validate them honestly.

* :func:`validity_report` - fractions non-negative, summing to one, a plausible element set;
* :func:`smote_minority` and :func:`vae_minority` - generators that see *only* the row
  indices they are given and record them in :class:`Synthetic` (``fitted_on``);
* :func:`anchor_cv` - real-data anchor cross-validation: synthesis is fitted inside each
  training fold, the model is scored on real test rows only, and :func:`guard_no_leakage`
  raises :class:`SyntheticLeakageError` if synthetic rows derived from a test fold are used;
* :func:`synthetic_in_test_cv` - the leaky "validate on synthetic" protocol, for comparison;
* :func:`adversarial_filter` - drop synthetic rows a classifier easily tells from real ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["Synthetic", "SyntheticLeakageError", "validity_report", "vectors_to_formulas", "smote_minority",
           "vae_minority", "guard_no_leakage", "anchor_cv", "synthetic_in_test_cv", "adversarial_filter"]


class SyntheticLeakageError(ValueError):
    """Synthetic rows were generated from rows that are in the evaluation fold."""


@dataclass
class Synthetic:
    """Synthetic rows ``X`` with labels ``y`` and the indices of the real rows the generator saw."""

    X: np.ndarray
    y: np.ndarray
    fitted_on: np.ndarray


def validity_report(V, *, max_elements: int = 8, allowed: np.ndarray | None = None, atol: float = 1e-6) -> pd.DataFrame:
    """Per-row validity of composition vectors.

    Columns: ``non_negative``, ``sums_to_one``, ``n_elements`` (non-zero entries),
    ``plausible_size`` (1 <= n_elements <= ``max_elements``), ``known_elements`` (only columns
    marked True in ``allowed``, e.g. elements seen in the real data) and ``valid`` (all of them).

    Examples
    --------
    >>> V = np.array([[0.5, 0.5, 0.0], [0.7, 0.4, -0.1], [0.0, 0.0, 1.0]])
    >>> validity_report(V, allowed=np.array([True, True, False]))["valid"].tolist()
    [True, False, False]
    """
    V = np.asarray(V, dtype=float)
    if V.ndim != 2:
        raise ValueError(f"V must be 2-d (rows = compositions, columns = elements), got shape {V.shape}")
    nz = np.abs(V) > atol
    rep = pd.DataFrame({"non_negative": (V >= -atol).all(axis=1), "sums_to_one": np.isclose(V.sum(1), 1.0, atol=1e-4),
                        "n_elements": nz.sum(1)})
    rep["plausible_size"] = (rep["n_elements"] >= 1) & (rep["n_elements"] <= max_elements)
    if allowed is None:
        rep["known_elements"] = True
    else:
        allowed = np.asarray(allowed, dtype=bool)
        if allowed.shape != (V.shape[1],):
            raise ValueError(f"allowed must have one entry per column ({V.shape[1]}), got shape {allowed.shape}")
        rep["known_elements"] = ~(nz & ~allowed).any(1)
    rep["valid"] = rep[["non_negative", "sums_to_one", "plausible_size", "known_elements"]].all(axis=1)
    return rep


def vectors_to_formulas(V, elements: Sequence[str], decimals: int = 4) -> list[str]:
    """Formula strings such as ``'Fe0.4O0.6'`` from rows of fractions over ``elements``.

    Examples
    --------
    >>> vectors_to_formulas(np.array([[0.4, 0.6]]), ["Fe", "O"])
    ['Fe0.4O0.6']
    """
    V = np.asarray(V, dtype=float)
    if V.shape[1] != len(elements):
        raise ValueError(f"V has {V.shape[1]} columns but {len(elements)} elements were given")
    out = []
    for row in np.round(V, decimals):
        parts = [f"{el}{v:g}" for el, v in zip(elements, row) if v > 0]
        if not parts:
            raise ValueError("a composition vector has no positive fraction; check validity_report first")
        out.append("".join(parts))
    return out


def _minority_rows(y, idx, minority) -> np.ndarray:
    idx = np.asarray(idx)
    rows = idx[np.asarray(y)[idx] == minority]
    if len(rows) < 2:
        raise ValueError(f"need at least two minority (label {minority!r}) rows in the given indices, got {len(rows)}")
    return rows


def smote_minority(V, y, idx, n_new: int, *, minority=1, k: int = 5, seed: int = 0) -> Synthetic:
    """SMOTE-style interpolation between minority rows of ``V[idx]`` and their k nearest minority neighbours.

    Convex combinations of composition vectors are valid compositions, but they take the
    union of both parents' elements.

    Examples
    --------
    >>> V = np.eye(3)[[0, 1, 2, 0, 1]]; y = np.array([1, 1, 1, 0, 0])
    >>> s = smote_minority(V, y, np.arange(5), 4, k=2)
    >>> s.X.shape, bool(np.allclose(s.X.sum(1), 1)), sorted(s.fitted_on.tolist())
    ((4, 3), True, [0, 1, 2, 3, 4])
    """
    from sklearn.neighbors import NearestNeighbors

    V = np.asarray(V, dtype=float)
    rows = _minority_rows(y, idx, minority)
    kk = min(k, len(rows) - 1)
    nbrs = NearestNeighbors(n_neighbors=kk + 1).fit(V[rows]).kneighbors(V[rows], return_distance=False)[:, 1:]
    rng = np.random.default_rng(seed)
    a = rng.integers(0, len(rows), n_new)
    b = nbrs[a, rng.integers(0, kk, n_new)]
    lam = rng.random((n_new, 1))
    X = V[rows[a]] + lam * (V[rows[b]] - V[rows[a]])
    return Synthetic(X, np.full(n_new, minority), np.asarray(idx).copy())


def vae_minority(V, y, idx, n_new: int, *, minority=1, seed: int = 0, epochs: int = 150,
                 min_fraction: float = 0.02, **vae_kwargs) -> Synthetic:
    """Fit :func:`~imbalkit.deep.vae.fit_vae` on the minority rows of ``V[idx]`` and sample ``n_new``.

    Examples
    --------
    >>> V = np.eye(3)[[0, 1, 2, 0, 1] * 4]; y = np.array([1, 1, 1, 0, 0] * 4)
    >>> s = vae_minority(V, y, np.arange(20), 5, epochs=2, latent=2, hidden=8)
    >>> bool(validity_report(s.X)["valid"].all())
    True
    """
    from imbalkit.deep.vae import fit_vae, sample_vae

    rows = _minority_rows(y, idx, minority)
    vae = fit_vae(np.asarray(V, dtype=np.float32)[rows], epochs=epochs, seed=seed, **vae_kwargs)
    X = sample_vae(vae, n_new, seed=seed, min_fraction=min_fraction)
    return Synthetic(X, np.full(n_new, minority), np.asarray(idx).copy())


def guard_no_leakage(synthetic: Synthetic, test_idx) -> None:
    """Raise :class:`SyntheticLeakageError` if the generator saw any row of ``test_idx``.

    Examples
    --------
    >>> s = Synthetic(np.zeros((1, 2)), np.ones(1), fitted_on=np.array([0, 1, 2]))
    >>> guard_no_leakage(s, [3, 4])
    >>> guard_no_leakage(s, [2, 3])
    Traceback (most recent call last):
    ...
    imbalkit.deep.synthetic.SyntheticLeakageError: synthetic rows were generated from 1 row(s) of the test fold (e.g. index 2); fit the generator inside the training fold only
    """
    overlap = np.intersect1d(np.asarray(synthetic.fitted_on), np.asarray(test_idx))
    if len(overlap):
        raise SyntheticLeakageError(
            f"synthetic rows were generated from {len(overlap)} row(s) of the test fold (e.g. index {overlap[0]}); "
            "fit the generator inside the training fold only")


Generator = Callable[[np.ndarray, np.ndarray, np.ndarray, int], Synthetic]
Model = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def anchor_cv(V, y, model: Model, *, generator: Generator | None = None, n_splits: int = 5, seed: int = 0,
              scorers: Mapping[str, Callable] | None = None, synthetic: Synthetic | None = None,
              post_filter: Callable[[np.ndarray, Synthetic], Synthetic] | None = None) -> pd.DataFrame:
    """Real-data anchor CV: per stratified fold, ``generator(V, y, train_idx, seed)`` makes synthetic rows
    from the training fold only; ``model(X_train, y_train, X_test) -> scores`` is scored on real test rows.

    Passing a pre-made ``synthetic`` set (generated before splitting) is checked by
    :func:`guard_no_leakage` in every fold and therefore raises when it saw test rows.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0); V = rng.dirichlet(np.ones(3), 60); y = (V[:, 0] > 0.6).astype(int)
    >>> fit = lambda Xt, yt, Xs: LogisticRegression().fit(Xt, yt).predict_proba(Xs)[:, 1]
    >>> gen = lambda V, y, idx, s: smote_minority(V, y, idx, 10, seed=s)
    >>> anchor_cv(V, y, fit, generator=gen, n_splits=3).shape[0]
    3
    """
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import StratifiedKFold

    V, y = np.asarray(V, dtype=float), np.asarray(y)
    scorers = scorers or {"PR-AUC": average_precision_score}
    rows = []
    for fold, (tr, te) in enumerate(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(V, y)):
        syn = synthetic if synthetic is not None else (generator(V, y, tr, seed + fold) if generator else None)
        Xtr, ytr = V[tr], y[tr]
        if syn is not None:
            guard_no_leakage(syn, te)
            if post_filter is not None:
                syn = post_filter(Xtr, syn)
            Xtr, ytr = np.vstack([Xtr, syn.X]), np.concatenate([ytr, syn.y])
        s = model(Xtr, ytr, V[te])
        rows.append({"fold": fold, "n_synthetic": 0 if syn is None else len(syn.y),
                     **{name: f(y[te], s) for name, f in scorers.items()}})
    return pd.DataFrame(rows)


def synthetic_in_test_cv(V, y, model: Model, synthetic: Synthetic, *, n_splits: int = 5, seed: int = 0,
                         scorers: Mapping[str, Callable] | None = None) -> pd.DataFrame:
    """The LEAKY protocol, for comparison only: synthetic rows made from all data are pooled with the
    real rows *before* splitting, so test folds contain synthetic rows derived from training rows.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0); V = rng.dirichlet(np.ones(3), 60); y = (V[:, 0] > 0.6).astype(int)
    >>> fit = lambda Xt, yt, Xs: LogisticRegression().fit(Xt, yt).predict_proba(Xs)[:, 1]
    >>> syn = smote_minority(V, y, np.arange(60), 20)
    >>> synthetic_in_test_cv(V, y, fit, syn, n_splits=3).shape[0]
    3
    """
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import StratifiedKFold

    X = np.vstack([np.asarray(V, dtype=float), synthetic.X])
    Y = np.concatenate([np.asarray(y), synthetic.y])
    scorers = scorers or {"PR-AUC": average_precision_score}
    rows = []
    for fold, (tr, te) in enumerate(StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(X, Y)):
        s = model(X[tr], Y[tr], X[te])
        rows.append({"fold": fold, **{name: f(Y[te], s) for name, f in scorers.items()}})
    return pd.DataFrame(rows)


def adversarial_filter(X_real, synthetic: Synthetic, *, threshold: float = 0.7, seed: int = 0,
                       featurize: Callable[[np.ndarray], np.ndarray] | None = None) -> tuple[Synthetic, np.ndarray]:
    """Drop synthetic rows that a classifier (random forest, out-of-fold) tells from real ones.

    Returns the kept rows and the out-of-fold probability of "synthetic" for every synthetic row;
    rows with probability above ``threshold`` are dropped.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(0, 1, (200, 2)); fake = np.r_[rng.normal(0, 1, (50, 2)), rng.normal(8, 1, (50, 2))]
    >>> kept, p = adversarial_filter(real, Synthetic(fake, np.ones(100), np.arange(0)))
    >>> bool((kept.X[:, 0] < 4).all()), len(kept.y) >= 40
    (True, True)
    """
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_predict

    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    X_real = np.asarray(X_real, dtype=float)
    F = (lambda A: A) if featurize is None else featurize
    Z = np.vstack([F(X_real), F(synthetic.X)])
    lab = np.r_[np.zeros(len(X_real)), np.ones(len(synthetic.y))]
    clf = RandomForestClassifier(n_estimators=60, min_samples_leaf=2, class_weight="balanced", n_jobs=1,
                                 random_state=seed)
    p = cross_val_predict(clf, Z, lab, cv=3, method="predict_proba")[len(X_real):, 1]
    keep = p <= threshold
    return Synthetic(synthetic.X[keep], synthetic.y[keep], synthetic.fitted_on), p
