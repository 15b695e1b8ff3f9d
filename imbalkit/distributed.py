"""The repeated-CV benchmark protocol and chunked featurisation on more than one process or
machine, with Dask's ``distributed`` scheduler.

* :func:`local_cluster` starts a ``LocalCluster`` of worker *processes* on the loopback
  interface (no dashboard) and always closes it, as a context manager;
* :func:`benchmark_units` lists the independent units of the protocol: one
  (task, technique, repeat, fold) each, with the same folds as :func:`imbalkit.cv.repeated_cv`;
* :func:`run_benchmark` scores every unit, serially (``client=None``) or on a Dask
  ``Client``. Both run the *same* function per unit with one BLAS thread, so for fixed
  seeds the two tables are identical, number for number;
* :func:`featurize_to_parquet_dask` featurises chunks on the workers, one parquet part file
  per chunk, keeping at most a few chunks in flight (bounded memory on the client).

The code does not care where the workers are: the same ``client`` can come from
``dask_jobqueue.SLURMCluster`` on a cluster or from a ``LocalCluster`` on a laptop.

Example
-------
>>> from sklearn.dummy import DummyClassifier
>>> from sklearn.metrics import average_precision_score
>>> X = np.arange(40.0).reshape(-1, 1); y = np.array([0, 1] * 20)
>>> t = run_benchmark({"dummy": DummyClassifier()}, {"toy": (X, y)}, {"AP": average_precision_score},
...                   n_splits=2, n_repeats=1)
>>> t[["task", "technique", "repeat", "fold", "AP"]].values.tolist()
[['toy', 'dummy', 0, 0, 0.5], ['toy', 'dummy', 0, 1, 0.5]]
"""
from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .cv import fold_indices, take_rows

__all__ = ["local_cluster", "benchmark_units", "score_unit", "run_benchmark", "featurize_to_parquet_dask"]

Scorer = Callable[[np.ndarray, np.ndarray], float]


@contextlib.contextmanager
def local_cluster(n_workers: int = 2, threads_per_worker: int = 1, **kwargs: Any) -> Iterator[Any]:
    """A ``distributed.Client`` on a ``LocalCluster`` of ``n_workers`` processes, loopback
    only, dashboard off; the client and every worker process are closed on exit.

    Extra ``kwargs`` go to ``LocalCluster`` (e.g. ``memory_limit="2GB"`` per worker).
    """
    from distributed import Client, LocalCluster

    for name, value in (("n_workers", n_workers), ("threads_per_worker", threads_per_worker)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    opts: dict[str, Any] = dict(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=True,
                                host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR)
    opts.update(kwargs)
    cluster = LocalCluster(**opts)
    try:
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def benchmark_units(
    tasks: Mapping[str, tuple[Any, Any]],
    techniques: Mapping[str, Any],
    *,
    n_splits: int = 5,
    n_repeats: int = 5,
    seed: int = 0,
    stratify: bool = True,
) -> list[dict[str, Any]]:
    """The independent units of the protocol, in a fixed order: for each task, each
    technique, each repeat and fold, ``{"task", "technique", "repeat", "fold", "train", "test"}``.
    Folds come from :func:`imbalkit.cv.fold_indices` (stratified on ``y`` when
    ``stratify``), so every technique sees the same folds of a task (paired comparisons).

    >>> u = benchmark_units({"t": (np.zeros((10, 1)), [0, 1] * 5)}, {"a": None, "b": None}, n_splits=2, n_repeats=1)
    >>> [(x["technique"], x["fold"], len(x["test"])) for x in u]
    [('a', 0, 5), ('a', 1, 5), ('b', 0, 5), ('b', 1, 5)]
    """
    if not tasks:
        raise ValueError("tasks is empty; give {name: (X, y)}")
    if not techniques:
        raise ValueError("techniques is empty; give {name: estimator}")
    units = []
    for task, (X, y) in tasks.items():
        yarr = np.asarray(y)
        n = X.shape[0] if hasattr(X, "shape") else len(X)
        if n != yarr.size:
            raise ValueError(f"task {task!r}: X has {n} rows but y has {yarr.size} labels")
        folds = fold_indices(yarr.size, n_splits=n_splits, n_repeats=n_repeats, seed=seed,
                             stratify=yarr if stratify else None)
        for tech in techniques:
            units += [{"task": task, "technique": tech, "repeat": r, "fold": k, "train": tr, "test": te}
                      for r, k, tr, te in folds]
    return units


def score_unit(estimator: Any, X: Any, y: Any, train: np.ndarray, test: np.ndarray,
               scorers: Mapping[str, Scorer], method: str = "predict_proba") -> dict[str, float]:
    """Fit a clone of ``estimator`` on the training rows and score the test rows, with one
    BLAS/OpenMP thread (so the result does not depend on where it runs).

    >>> from sklearn.dummy import DummyRegressor
    >>> from imbalkit.cv import mae
    >>> score_unit(DummyRegressor(), np.zeros((4, 1)), np.array([0., 2., 1., 1.]), np.array([0, 1]),
    ...            np.array([2, 3]), {"MAE": mae}, method="predict")
    {'MAE': 0.0}
    """
    from sklearn.base import clone
    from threadpoolctl import threadpool_limits

    yarr = np.asarray(y)
    with threadpool_limits(1):
        model = clone(estimator).fit(take_rows(X, train), yarr[train])
        out = getattr(model, method)(take_rows(X, test))
    if method == "predict_proba":
        out = out[:, 1] if out.shape[1] == 2 else out
    return {name: float(f(yarr[test], out)) for name, f in scorers.items()}


def _score_remote(estimator: Any, data: tuple[Any, Any], train: np.ndarray, test: np.ndarray,
                  scorers: Mapping[str, Scorer], method: str) -> dict[str, float]:
    return score_unit(estimator, data[0], data[1], train, test, scorers, method)


def run_benchmark(
    techniques: Mapping[str, Any],
    tasks: Mapping[str, tuple[Any, Any]],
    scorers: Mapping[str, Scorer],
    *,
    client: Any = None,
    n_splits: int = 5,
    n_repeats: int = 5,
    seed: int = 0,
    stratify: bool = True,
    method: str = "predict_proba",
) -> pd.DataFrame:
    """Repeated k-fold CV of every technique on every task; one row per unit.

    Parameters
    ----------
    techniques : name -> unfitted estimator (or imblearn pipeline) with fixed seeds
    tasks : name -> (X, y)
    scorers : name -> f(y_true, score)
    client : a ``distributed.Client`` to run the units on its workers; ``None`` runs them
        here, one after the other. Each task's data is sent to the workers once.
    method : "predict_proba" (positive-class probability), "decision_function" or "predict"

    Returns
    -------
    DataFrame with ``task, technique, repeat, fold`` and one column per scorer, in the
    order of :func:`benchmark_units`, identical whether ``client`` is given or not.
    """
    if not scorers:
        raise ValueError("scorers is empty; give {name: f(y_true, score)}")
    if method not in ("predict_proba", "decision_function", "predict"):
        raise ValueError(f"method must be 'predict_proba', 'decision_function' or 'predict', got {method!r}")
    units = benchmark_units(tasks, techniques, n_splits=n_splits, n_repeats=n_repeats, seed=seed, stratify=stratify)
    if client is None:
        scores = [score_unit(techniques[u["technique"]], *tasks[u["task"]], u["train"], u["test"], scorers, method)
                  for u in units]
    else:
        data = {name: client.scatter(tuple(xy), broadcast=True) for name, xy in tasks.items()}
        futures = [client.submit(_score_remote, techniques[u["technique"]], data[u["task"]], u["train"], u["test"],
                                 scorers, method, pure=False) for u in units]
        scores = client.gather(futures)
    rows = [{k: u[k] for k in ("task", "technique", "repeat", "fold")} | s for u, s in zip(units, scores)]
    return pd.DataFrame(rows)


def _featurize_part(chunk: pd.DataFrame, path: str, formula_col: str, keep: tuple[str, ...]) -> int:
    from .streaming import chunks_of, featurize_to_parquet

    return int(featurize_to_parquet(chunks_of(chunk, max(len(chunk), 1)), path, formula_col=formula_col,
                                    keep=keep)["rows"])


def featurize_to_parquet_dask(
    client: Any,
    chunks: Iterable[pd.DataFrame],
    folder: str | os.PathLike,
    *,
    formula_col: str = "formula",
    keep: tuple[str, ...] = ("target", "split"),
    in_flight: int | None = None,
) -> dict[str, Any]:
    """Featurise each chunk on a worker into ``folder/part-00000.parquet``, ``part-00001``...

    At most ``in_flight`` chunks (default: twice the number of worker threads) are on their
    way at once, so the client never holds the whole column. The folder reads back in row
    order with :func:`imbalkit.streaming.iter_batches`. Workers must see ``folder`` (a
    shared file system on a real cluster).

    Returns ``{"folder", "rows", "parts"}``.
    """
    from distributed import wait

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stale = sorted(folder.glob("part-*.parquet"))
    if stale:
        raise ValueError(f"folder {str(folder)!r} already holds {len(stale)} part files; use an empty folder")
    if in_flight is None:
        in_flight = max(2, 2 * sum(client.nthreads().values()))
    pending: list[Any] = []
    done_rows = 0
    parts = 0
    for i, chunk in enumerate(chunks):
        pending.append(client.submit(_featurize_part, chunk, str(folder / f"part-{i:05d}.parquet"), formula_col,
                                     tuple(keep), pure=False))
        parts += 1
        if len(pending) >= in_flight:
            finished, _ = wait(pending, return_when="FIRST_COMPLETED")
            done_rows += sum(f.result() for f in finished)
            pending = [f for f in pending if f not in finished]
    done_rows += sum(client.gather(pending))
    if parts == 0:
        raise ValueError("chunks was empty: no rows to featurise")
    return {"folder": folder, "rows": done_rows, "parts": parts}
