"""The structure-based rare-class task of Part V: OBELiX superionic conductors with their crystal structures.

321 of the 599 OBELiX entries come with a CIF. :func:`superionic_structures` returns them with
the label (room-temperature sigma >= 1 mS/cm, as the registry task ``obelix_superionic``), the
true formula, the frozen CHGNet embedding (bundled ``obelix_chgnet``), seeded stratified folds
and - on demand, because it needs torch - the CGCNN graphs (bundled ``obelix_cgcnn_sites``).
:func:`probe_scores` fits the same logistic probe on three representations, fold by fold.

Examples
--------
>>> d = superionic_structures()
>>> len(d.y), int(d.y.sum()), d.chgnet.shape
(321, 55, (321, 64))
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import datasets

__all__ = ["StructureTask", "superionic_structures", "probe", "probe_scores", "final_scores", "paired_differences"]


@dataclass
class StructureTask:
    """Entries with a structure: ``ids``, ``formula``, ``family``, labels ``y``, CHGNet embedding ``chgnet``."""

    ids: np.ndarray
    formula: pd.Series
    family: np.ndarray
    y: np.ndarray
    chgnet: np.ndarray
    n_sites: np.ndarray
    _graphs: list | None = field(default=None, repr=False)

    @property
    def prevalence(self) -> float:
        return float(self.y.mean())

    def folds(self, seed: int, n_splits: int = 5) -> list[tuple[np.ndarray, np.ndarray]]:
        """Stratified ``(train, test)`` position arrays, shuffled with ``seed``."""
        from sklearn.model_selection import StratifiedKFold

        cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        return list(cv.split(np.zeros(len(self.y)), self.y))

    def magpie(self) -> np.ndarray:
        """Magpie features of the *true* (disordered) formula, the composition baseline."""
        from .featurize import magpie_features

        return np.asarray(magpie_features(self.formula), dtype=float)

    def graphs(self) -> list:
        """CGCNN graphs in the order of ``ids`` (needs torch; built once)."""
        if self._graphs is None:
            from .deep.crystal import bundled_graphs

            g = bundled_graphs()
            self._graphs = [g[k] for k in self.ids]
        return self._graphs

    def cgcnn_frozen(self) -> np.ndarray:
        """Pooled features of the pre-trained CGCNN (formation energy), unchanged."""
        from .deep.crystal import frozen_embeddings

        return frozen_embeddings(self.graphs())


def superionic_structures(threshold: float = 1e-3) -> StructureTask:
    """OBELiX entries with a CIF, labelled ``sigma >= threshold`` (S/cm), in ID order."""
    if not 0 < threshold < 1:
        raise ValueError(f"threshold is a conductivity in S/cm (e.g. 1e-3 for 1 mS/cm), got {threshold}")
    ob = datasets.load("obelix").set_index("ID")
    emb = datasets.load("obelix_chgnet").set_index("ID").sort_index()
    rows = ob.loc[emb.index]
    y = (rows["sigma"] >= threshold).astype(int).to_numpy()
    if y.sum() < 2 or y.sum() > len(y) - 2:
        raise ValueError(f"threshold={threshold} S/cm leaves {int(y.sum())} of {len(y)} structures positive; "
                         "pick one that leaves at least 2 of each class")
    cols = [c for c in emb.columns if c.startswith("chgnet_") and c != "chgnet_e"]
    return StructureTask(emb.index.to_numpy(), rows["formula"].reset_index(drop=True), rows["family"].to_numpy(),
                         y, emb[cols].to_numpy(float), emb["n_sites"].to_numpy(int))


def probe(X: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Standardised logistic regression (C = 1) fitted on ``train``; decision scores of ``test``.

    >>> X = np.r_[np.zeros((5, 1)), np.ones((5, 1))]; y = np.r_[np.zeros(5), np.ones(5)]
    >>> bool((probe(X, y, np.arange(1, 9), np.array([0, 9])) * [-1, 1] > 0).all())
    True
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000))
    return model.fit(X[train], y[train]).decision_function(X[test])


def probe_scores(data: StructureTask, seeds, n_splits: int = 5) -> list[dict]:
    """PR-AUC and ROC-AUC of :func:`probe` on Magpie, frozen CHGNet and frozen CGCNN features, per seed and fold."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    reps = {"Magpie probe (composition)": data.magpie(), "CHGNet probe (frozen)": data.chgnet,
            "CGCNN probe (frozen)": data.cgcnn_frozen()}
    rows = []
    for seed in seeds:
        for fold, (train, test) in enumerate(data.folds(seed, n_splits)):
            for name, X in reps.items():
                s = probe(X, data.y, train, test)
                rows.append({"method": name, "seed": seed, "fold": fold, "epoch": 0,
                             "pr_auc": float(average_precision_score(data.y[test], s)),
                             "roc_auc": float(roc_auc_score(data.y[test], s))})
    return rows


def final_scores(results: pd.DataFrame, epoch: int) -> pd.DataFrame:
    """Rows of ``results`` (columns method, seed, fold, epoch, ...) at ``epoch`` for networks, epoch 0 for probes.

    >>> r = pd.DataFrame({"method": ["p", "n", "n"], "seed": 0, "fold": 0, "epoch": [0, 1, 2], "pr_auc": [.3, .4, .5]})
    >>> final_scores(r, 2)["pr_auc"].tolist()
    [0.3, 0.5]
    """
    if epoch < 1 or epoch > int(results["epoch"].max()):
        raise ValueError(f"epoch must be between 1 and {int(results['epoch'].max())}, got {epoch}")
    return results[(results["epoch"] == 0) | (results["epoch"] == epoch)].reset_index(drop=True)


def paired_differences(scores: pd.DataFrame, baseline: str, *, metric: str = "pr_auc",
                       n_splits: int = 5) -> pd.DataFrame:
    """Each method minus ``baseline`` on the same (seed, fold): mean, Nadeau-Bengio corrected SE and p.

    The corrected variance factor is ``1/J + 1/(n_splits - 1)`` for ``J`` paired folds
    (:func:`imbalkit.stats.corrected_resampled_ttest`).

    >>> s = pd.DataFrame({"method": ["a"] * 3 + ["b"] * 3, "seed": 0, "fold": [0, 1, 2] * 2,
    ...                   "pr_auc": [.5, .6, .7, .6, .8, .8]})
    >>> d = paired_differences(s, "a", n_splits=3).loc["b"]
    >>> round(float(d["diff"]), 3), round(float(d["se"]), 3)   # sqrt((1/3 + 1/2) * var([.1, .2, .1]))
    (0.133, 0.053)
    """
    from .stats import corrected_resampled_ttest

    wide = scores.pivot_table(index=["seed", "fold"], columns="method", values=metric)
    if baseline not in wide.columns:
        raise KeyError(f"baseline {baseline!r} is not a method in scores; methods: {list(wide.columns)}")
    rows = {}
    for method in wide.columns.drop(baseline):
        d = (wide[method] - wide[baseline]).dropna().to_numpy()
        ratio = 1.0 / (n_splits - 1)
        se = float(np.sqrt((1 / d.size + ratio) * d.var(ddof=1)))
        rows[method] = {"diff": float(d.mean()), "se": se,
                        "p": corrected_resampled_ttest(d, test_train_ratio=ratio)[1], "n": int(d.size)}
    return pd.DataFrame(rows).T
