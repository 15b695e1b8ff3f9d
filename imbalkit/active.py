"""Pool-based active learning against a database oracle.

The bundled labels play the role of the expensive calculation or experiment: the loop
starts from a small labelled seed set, fits an ensemble, asks the "oracle" for the labels
of a fixed budget of pool points per round, and records what it picked and how the rare
region (e.g. band gaps above 4 eV) is being covered.

Strategies (same budget for all):

* ``"random"``                  uniform sample of the unlabelled pool (the baseline);
* ``"uncertainty"``             the highest acquisition scores;
* ``"uncertainty+diversity"``   the highest scores, greedily skipping candidates closer than
  ``min_distance`` to a point already in the batch or already labelled.

The acquisition score comes from the spread of the ensemble: with ``acquisition="std"``
it is the per-tree standard deviation of a random forest's predictions (pure
exploration); with ``acquisition="ucb"`` it is mean + κ·std (an upper confidence bound,
which steers toward high property values, useful when the rare class is the top tail).

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(300, 4)); y = X[:, 0] + 0.1 * rng.normal(size=300)
>>> res = run_active_learning(X, y, rare=y > 1.5, strategy="uncertainty+diversity",
...                           n_initial=20, batch_size=10, n_rounds=3, seed=0)
>>> res.history["n_labelled"].tolist()
[20, 30, 40, 50]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import RandomForestRegressor
from sklearn.metrics import pairwise_distances

from ._checks import as_1d, as_1d_float

__all__ = ["STRATEGIES", "ensemble_mean_std", "acquisition_scores", "select_batch", "ActiveLearningResult",
           "run_active_learning", "compare_strategies"]

STRATEGIES: tuple[str, ...] = ("random", "uncertainty", "uncertainty+diversity")


def ensemble_mean_std(model: Any, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation over the members of a fitted bagging ensemble
    (``model.estimators_``, e.g. a RandomForestRegressor).

    >>> from sklearn.ensemble import RandomForestRegressor
    >>> rf = RandomForestRegressor(n_estimators=5, random_state=0).fit([[0], [1], [2]], [0, 1, 2])
    >>> m, s = ensemble_mean_std(rf, np.array([[1.0]]))
    >>> m.shape, bool(s[0] >= 0)
    ((1,), True)
    """
    members = getattr(model, "estimators_", None)
    if not members:
        raise TypeError(f"model must be a fitted ensemble with estimators_ (e.g. RandomForestRegressor), "
                        f"got {type(model).__name__}")
    preds = np.stack([m.predict(X) for m in members])
    return preds.mean(axis=0), preds.std(axis=0)


def acquisition_scores(mean: np.ndarray, std: np.ndarray, *, acquisition: str = "std",
                       kappa: float = 1.0) -> np.ndarray:
    """``"std"``: the ensemble spread; ``"ucb"``: mean + κ·std (larger = ask first).

    >>> acquisition_scores(np.array([1.0, 3.0]), np.array([2.0, 0.5]), acquisition="ucb").tolist()
    [3.0, 3.5]
    """
    if acquisition == "std":
        return np.asarray(std, float)
    if acquisition == "ucb":
        return np.asarray(mean, float) + kappa * np.asarray(std, float)
    raise ValueError(f"acquisition must be 'std' or 'ucb', got {acquisition!r}")


def select_batch(
    scores: np.ndarray,
    candidates: np.ndarray,
    batch_size: int,
    *,
    X: np.ndarray | None = None,
    labelled: np.ndarray | None = None,
    min_distance: float = 0.0,
    metric: str = "cosine",
    shortlist: int = 20,
) -> tuple[np.ndarray, int]:
    """Pick ``batch_size`` pool indices from ``candidates`` by descending score.

    With ``min_distance > 0`` (needs ``X``) a candidate is skipped if its ``metric``
    distance to a point already in the batch or in ``labelled`` is below ``min_distance``;
    only the best ``shortlist × batch_size`` candidates are examined. If too few pass, the
    batch is filled with the best remaining candidates. Returns (chosen indices, number
    chosen under the diversity constraint).

    >>> select_batch(np.array([0.1, 0.9, 0.5]), np.array([7, 8, 9]), 2)
    (array([8, 9]), 2)
    """
    scores = np.asarray(scores, float)
    candidates = np.asarray(candidates)
    if scores.shape != candidates.shape:
        raise ValueError(f"scores has shape {scores.shape} but candidates has {candidates.shape}")
    if batch_size > candidates.size:
        raise ValueError(f"batch_size={batch_size} exceeds the {candidates.size} unlabelled candidates")
    order = np.argsort(-scores, kind="stable")
    if min_distance <= 0:
        return candidates[order[:batch_size]], batch_size
    if X is None:
        raise ValueError("min_distance > 0 needs the feature matrix X")
    top = candidates[order[: max(batch_size, shortlist * batch_size)]]
    if labelled is not None and len(labelled):
        d_lab = pairwise_distances(X[top], X[np.asarray(labelled)], metric=metric).min(axis=1)
    else:
        d_lab = np.full(top.size, np.inf)
    chosen: list[int] = []
    for k, idx in enumerate(top):
        if len(chosen) == batch_size:
            break
        if d_lab[k] < min_distance:
            continue
        if chosen and pairwise_distances(X[[idx]], X[chosen], metric=metric).min() < min_distance:
            continue
        chosen.append(int(idx))
    n_diverse = len(chosen)
    if n_diverse < batch_size:  # fill with the best remaining candidates
        rest = [int(c) for c in candidates[order] if int(c) not in set(chosen)]
        chosen += rest[: batch_size - n_diverse]
    return np.array(chosen), n_diverse


@dataclass
class ActiveLearningResult:
    """What :func:`run_active_learning` did.

    ``history``: one row per round (round 0 = the seed set) with ``n_labelled``,
    ``labels_spent`` (beyond the seed set), ``rare_labelled``, ``rare_coverage`` (share of
    the pool's rare points labelled so far), ``rare_found`` (in this round's batch) and,
    if a test set was given, ``MAE`` and ``tail_MAE`` (on the rare test points).
    ``selected``: one row per acquired point: ``round``, ``index`` (pool position), ``y``,
    ``rare``, ``score``. ``labelled``: all labelled pool indices in acquisition order.
    """

    strategy: str
    history: pd.DataFrame
    selected: pd.DataFrame
    labelled: np.ndarray


def _default_model(seed: int) -> RandomForestRegressor:
    return RandomForestRegressor(n_estimators=50, min_samples_leaf=2, max_features=0.5, n_jobs=1, random_state=seed)


def run_active_learning(
    X: Any,
    y: Any,
    *,
    rare: Any,
    strategy: str = "uncertainty+diversity",
    model: Any = None,
    n_initial: int = 50,
    initial: Any = None,
    batch_size: int = 20,
    n_rounds: int = 10,
    acquisition: str = "std",
    kappa: float = 1.0,
    min_distance: float = 0.05,
    metric: str = "cosine",
    X_test: Any = None,
    y_test: Any = None,
    rare_test: Any = None,
    seed: int = 0,
) -> ActiveLearningResult:
    """Run a pool-based active-learning loop; the labels ``y`` are the oracle.

    Parameters
    ----------
    X, y : pool features and the oracle's labels (only revealed when acquired)
    rare : boolean mask over the pool marking the rare region (e.g. ``y > 4``)
    strategy : one of :data:`STRATEGIES`
    model : an ensemble regressor with ``estimators_`` after fitting (default: random forest,
        50 trees); cloned and re-seeded every round
    n_initial, initial : size of a random seed set, or explicit seed indices
    batch_size, n_rounds : labels bought per round and number of rounds
        (budget = ``batch_size * n_rounds`` beyond the seed set)
    acquisition, kappa : see :func:`acquisition_scores`
    min_distance, metric : diversity threshold for ``"uncertainty+diversity"`` (distances
        on column-standardised features; cosine distance lies in [0, 2])
    X_test, y_test, rare_test : optional held-out set for ``MAE`` and ``tail_MAE``
    seed : seeds the seed set, the random strategy and the model

    >>> rng = np.random.default_rng(1)
    >>> X = rng.normal(size=(200, 3)); y = X[:, 0]
    >>> r = run_active_learning(X, y, rare=y > 1, strategy="random", n_initial=10, batch_size=5, n_rounds=2)
    >>> len(r.labelled), len(set(r.labelled.tolist()))
    (20, 20)
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    Xa = np.asarray(X, dtype=float)
    ya = as_1d_float(y)
    if Xa.ndim != 2 or Xa.shape[0] != ya.size:
        raise ValueError(f"X must be 2-D with one row per label; got X {Xa.shape} and {ya.size} labels")
    rare_mask = as_1d(rare, "rare").astype(bool)
    if rare_mask.size != ya.size:
        raise ValueError(f"rare has {rare_mask.size} entries for a pool of {ya.size}")
    for name, v in (("batch_size", batch_size), ("n_rounds", n_rounds)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    rng = np.random.default_rng(seed)
    n = ya.size
    if initial is None:
        if not isinstance(n_initial, (int, np.integer)) or n_initial < 2:
            raise ValueError(f"n_initial must be an integer of at least 2, got {n_initial!r}")
        init = rng.choice(n, size=n_initial, replace=False)
    else:
        init = np.unique(np.asarray(initial, dtype=int))
        if init.size < 2 or init.min() < 0 or init.max() >= n:
            raise ValueError(f"initial must hold at least 2 distinct pool indices in [0, {n})")
    budget = batch_size * n_rounds
    if init.size + budget > n:
        raise ValueError(f"seed set ({init.size}) + budget ({batch_size} x {n_rounds} = {budget}) exceeds the "
                         f"pool of {n}; lower n_rounds or batch_size")
    mu, sd = Xa.mean(axis=0), Xa.std(axis=0)
    Xs = (Xa - mu) / np.where(sd > 0, sd, 1.0)
    test = None
    if X_test is not None:
        yt = as_1d_float(y_test, "y_test")
        rt = as_1d(rare_test, "rare_test").astype(bool) if rare_test is not None else np.zeros(yt.size, bool)
        test = (np.asarray(X_test, dtype=float), yt, rt)
    base = model if model is not None else _default_model(seed)

    labelled = list(init.tolist())
    is_lab = np.zeros(n, bool)
    is_lab[init] = True
    hist, sel = [], []
    n_rare = max(int(rare_mask.sum()), 1)
    for rnd in range(n_rounds + 1):
        fitted = None
        if rnd < n_rounds or test is not None:
            fitted = clone(base)
            if "random_state" in fitted.get_params():
                fitted.set_params(random_state=seed + rnd)
            fitted.fit(Xa[labelled], ya[labelled])
        row = {"round": rnd, "n_labelled": len(labelled), "labels_spent": len(labelled) - init.size,
               "rare_labelled": int(rare_mask[labelled].sum()),
               "rare_coverage": float(rare_mask[labelled].sum() / n_rare),
               "rare_found": int(rare_mask[labelled[init.size + (rnd - 1) * batch_size:]].sum()) if rnd else 0}
        if test is not None:
            pred = fitted.predict(test[0])
            err = np.abs(pred - test[1])
            row["MAE"] = float(err.mean())
            row["tail_MAE"] = float(err[test[2]].mean()) if test[2].any() else np.nan
        hist.append(row)
        if rnd == n_rounds:
            break
        cand = np.flatnonzero(~is_lab)
        if strategy == "random":
            batch = rng.choice(cand, size=batch_size, replace=False)
            scores = np.full(batch_size, np.nan)
        else:
            mean, std = ensemble_mean_std(fitted, Xa[cand])
            s_all = acquisition_scores(mean, std, acquisition=acquisition, kappa=kappa)
            md = min_distance if strategy == "uncertainty+diversity" else 0.0
            batch, _ = select_batch(s_all, cand, batch_size, X=Xs, labelled=np.array(labelled), min_distance=md,
                                    metric=metric)
            pos = {c: k for k, c in enumerate(cand)}
            scores = s_all[[pos[b] for b in batch]]
        assert not is_lab[batch].any(), "re-selected a labelled point"
        is_lab[batch] = True
        labelled += [int(b) for b in batch]
        sel += [{"round": rnd + 1, "index": int(b), "y": float(ya[b]), "rare": bool(rare_mask[b]), "score": float(s)}
                for b, s in zip(batch, scores)]
    return ActiveLearningResult(strategy, pd.DataFrame(hist), pd.DataFrame(sel), np.array(labelled))


def compare_strategies(X: Any, y: Any, *, rare: Any, seeds: Any = (0, 1, 2),
                       strategies: Any = STRATEGIES, **kwargs: Any) -> pd.DataFrame:
    """Run :func:`run_active_learning` for every strategy and seed at the same budget and
    stack the histories (columns ``strategy``, ``seed`` + the history columns).

    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(120, 3)); y = X[:, 0]
    >>> h = compare_strategies(X, y, rare=y > 1, seeds=[0, 1], n_initial=10, batch_size=5, n_rounds=2)
    >>> sorted(h["strategy"].unique()), h.groupby("strategy")["n_labelled"].max().unique().tolist()
    (['random', 'uncertainty', 'uncertainty+diversity'], [20])
    """
    frames = []
    for strat in strategies:
        for s in seeds:
            h = run_active_learning(X, y, rare=rare, strategy=strat, seed=int(s), **kwargs).history
            frames.append(h.assign(strategy=strat, seed=int(s)))
    cols = ["strategy", "seed"]
    out = pd.concat(frames, ignore_index=True)
    return out[cols + [c for c in out.columns if c not in cols]]
