"""Bounded-memory pipeline: featurise in chunks to parquet, stream statistics, train incrementally.

When a formula column is too long to featurise in one go, nothing here ever holds more than
one chunk of feature rows:

* :func:`iter_dataset_chunks` reads a bundled dataset's CSV files chunk by chunk (checksums
  verified first, in 1 MiB blocks), and :func:`chunks_of` cuts any in-memory column;
* :func:`featurize_to_parquet` featurises each chunk with
  :func:`imbalkit.featurize.magpie_features` (so you get whatever columns it produces) and
  appends it to one columnar parquet file; :func:`iter_batches` reads it back batch by batch;
* :func:`stream_stats` computes, from the parquet file, class counts, class weights, a target
  histogram and the LDS / DenseWeight ingredients of :mod:`imbalkit.target_weights`;
* :func:`fit_incremental` trains any estimator with ``partial_fit`` (``SGDClassifier``,
  ``SGDRegressor``, ``MiniBatchKMeans``...) batch by batch, after a streamed ``StandardScaler``;
* :func:`peak_rss` runs a function in a fresh child process and returns its measured peak
  resident memory, which is how the book checks that memory stays flat as ``N`` grows.

Passes and exactness
--------------------
Bin edges cannot be known before the data are seen. :func:`stream_stats` therefore makes a
**first cheap pass over the target column only** (row count, minimum, maximum, mean and
variance, merged batch by batch), fixes the equal-width edges from it exactly as
:func:`imbalkit.diagnostics.make_bins` does, and then makes **one streaming pass** that
accumulates everything else. Pass ``edges=`` to skip the first pass when you fix the edges
up-front. Results versus the in-memory functions on the whole column:

* class counts, bin edges and histogram counts are identical (integers, same rules);
* :meth:`StreamStats.class_weights` is bit-identical to :func:`imbalkit.weights.class_weights`;
* binned target weights (``"inverse"``, ``"sqrt_inverse"``, ``"lds"``; equal-width bins) equal
  :class:`~imbalkit.target_weights.TargetWeighter` up to the order of one floating-point sum
  (relative difference ~1e-15). Quantile bins need the whole sorted column and are refused;
* DenseWeight: the Gaussian KDE is evaluated exactly (same bandwidth rule as
  ``scipy.stats.gaussian_kde``) on a fixed grid of ``kde_grid`` points, and a row's density is
  interpolated from the grid, which needs a third cheap pass for the density range. The
  in-memory KDE costs O(N²) (every row against every row), the grid O(N · grid).

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "f.parquet"
>>> df = pd.DataFrame({"formula": ["NaCl", "Fe2O3", "H2O"], "target": [0.1, -1.0, 0.5]})
>>> featurize_to_parquet(chunks_of(df, 2), path)["rows"]
3
>>> s = stream_stats(path, "target", n_bins=2, label=lambda y: y < 0)
>>> s.class_counts, s.hist.tolist()
({False: 2, True: 1}, [1, 2])
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import datasets
from .target_weights import SCHEMES, TargetWeighter, smooth_counts

__all__ = [
    "iter_dataset_chunks", "chunks_of", "featurize_to_parquet", "iter_batches", "parquet_rows",
    "TargetRange", "target_range", "GridKDE", "StreamStats", "stream_stats", "class_weights_from_counts",
    "fit_incremental", "predict_batches", "peak_rss", "featurize_dataset", "pipeline_in_memory", "pipeline_streaming",
]



# --------------------------------------------------------------------------- reading input
def iter_dataset_chunks(
    name: str, chunk_rows: int = 50_000, *, limit: int | None = None, verify_checksum: bool = True
) -> Iterator[pd.DataFrame]:
    """A bundled dataset as DataFrames of at most ``chunk_rows`` rows, same columns and row
    order as :func:`imbalkit.datasets.load` (including ``split``), never the whole table.

    ``limit`` stops after that many rows (the first ``limit`` rows of ``load(name)``).

    >>> [len(c) for c in iter_dataset_chunks("glass", 2000, limit=4500)]
    [2000, 2000, 500]
    """
    _check_positive_int(chunk_rows, "chunk_rows")
    if limit is not None:
        _check_positive_int(limit, "limit")
    entry = datasets.info(name)
    if verify_checksum:
        datasets.verify(name)
    folder = datasets.data_dir()
    left = math.inf if limit is None else limit
    for file in entry["files"]:
        if left <= 0:
            return
        reader = pd.read_csv(folder / file["file"], keep_default_na=False, na_values=[""], chunksize=chunk_rows,
                             low_memory=False)
        with reader:
            for chunk in reader:
                if left <= 0:
                    return
                chunk = chunk.iloc[: int(min(left, len(chunk)))].copy()
                if "formula" in chunk.columns:
                    chunk["formula"] = chunk["formula"].astype(str)
                if len(entry["files"]) > 1:
                    chunk["split"] = file["file"].rsplit("_", 1)[-1].split(".")[0]
                left -= len(chunk)
                yield chunk.reset_index(drop=True)


def chunks_of(data: pd.DataFrame | pd.Series | Sequence[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Cut an in-memory table (or a formula column) into DataFrames of ``chunk_rows`` rows.

    A Series or list becomes a DataFrame with one column ``formula``.

    >>> [len(c) for c in chunks_of(["NaCl", "KCl", "H2O"], 2)]
    [2, 1]
    """
    _check_positive_int(chunk_rows, "chunk_rows")
    df = data if isinstance(data, pd.DataFrame) else pd.DataFrame({"formula": list(data)})
    for start in range(0, len(df), chunk_rows):
        yield df.iloc[start:start + chunk_rows].reset_index(drop=True)


# ---------------------------------------------------------------------- featurise to parquet
def featurize_to_parquet(
    chunks: Iterable[pd.DataFrame],
    path: str | os.PathLike,
    *,
    formula_col: str = "formula",
    keep: Sequence[str] = ("target", "split"),
    featurizer: Callable[[pd.Series], pd.DataFrame] | None = None,
    dtype: str = "float64",
    clear_parse_cache: bool = True,
) -> dict[str, Any]:
    """Featurise chunk after chunk and append each to one parquet file (one row group per chunk).

    Parameters
    ----------
    chunks : DataFrames with a ``formula_col`` column (e.g. :func:`iter_dataset_chunks`)
    path : the parquet file to write (overwritten)
    keep : columns copied through unchanged when present (targets, split labels)
    featurizer : formula Series -> feature DataFrame; default
        :func:`imbalkit.featurize.magpie_features` with its default statistics
    dtype : storage type of the features (``"float32"`` halves the file; default exact)
    clear_parse_cache : empty :mod:`imbalkit.composition`'s memo of parsed formulas after
        every chunk. That memo holds up to 400 000 formulas, so it is memory that grows with
        the number of *distinct* formulas; the streaming path must not keep it

    Returns
    -------
    ``{"path", "rows", "chunks", "feature_columns"}``. Peak memory is that of one chunk.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if featurizer is None:
        from .featurize import magpie_features as featurizer
    path = Path(path)
    writer = None
    rows = n_chunks = 0
    feature_columns: list[str] = []
    try:
        for chunk in chunks:
            if formula_col not in chunk.columns:
                raise ValueError(f"chunk has no column {formula_col!r} (columns: {list(chunk.columns)}); "
                                 "set formula_col= to the formula column")
            if len(chunk) == 0:
                continue
            X = featurizer(chunk[formula_col].reset_index(drop=True)).astype(dtype)
            for col in keep:
                if col in chunk.columns:
                    X[col] = chunk[col].to_numpy()
            table = pa.Table.from_pandas(X, preserve_index=False)
            if writer is None:
                feature_columns = [c for c in X.columns if c not in keep]
                writer = pq.ParquetWriter(path, table.schema)
            elif not table.schema.equals(writer.schema):
                raise ValueError(f"chunk {n_chunks} produced columns/types {table.schema.names} that differ from "
                                 f"the first chunk's {writer.schema.names}; the featuriser must be deterministic")
            writer.write_table(table)
            rows += len(X)
            del X, table
            if clear_parse_cache:
                _parse_cache_clear()
            n_chunks += 1
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise ValueError("chunks was empty: no rows to featurise")
    return {"path": path, "rows": rows, "chunks": n_chunks, "feature_columns": feature_columns}


def iter_batches(
    path: str | os.PathLike, *, batch_rows: int = 50_000, columns: Sequence[str] | None = None
) -> Iterator[pd.DataFrame]:
    """Read a parquet file (or a folder of ``part-*.parquet`` files, in name order) back as
    DataFrames of at most ``batch_rows`` rows.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.parquet"
    >>> pd.DataFrame({"a": range(5)}).to_parquet(p)
    >>> [len(b) for b in iter_batches(p, batch_rows=2)]
    [2, 2, 1]
    """
    import pyarrow.parquet as pq

    _check_positive_int(batch_rows, "batch_rows")
    for file in _parquet_files(path):
        # pre_buffer=False and use_threads=False: with pyarrow's defaults the reader keeps
        # read-ahead buffers whose size grew with the file in our measurements.
        pf = pq.ParquetFile(file, pre_buffer=False)
        try:
            for batch in pf.iter_batches(batch_size=batch_rows, columns=None if columns is None else list(columns),
                                         use_threads=False):
                yield batch.to_pandas()
        finally:
            pf.close()


def _parquet_files(path: str | os.PathLike) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("part-*.parquet"))
        if not files:
            raise FileNotFoundError(f"folder {str(path)!r} holds no part-*.parquet files")
        return files
    if not path.exists():
        raise FileNotFoundError(f"parquet file {str(path)!r} does not exist; write it with featurize_to_parquet first")
    return [path]


def parquet_rows(path: str | os.PathLike) -> int:
    """Number of rows of a parquet file or folder of parts, from the footers (reads no data)."""
    import pyarrow.parquet as pq

    return sum(int(pq.ParquetFile(f).metadata.num_rows) for f in _parquet_files(path))


def _batches(source: Any, columns: Sequence[str] | None, batch_rows: int) -> Iterator[pd.DataFrame]:
    if callable(source):
        for b in source():
            yield b if columns is None else b[list(columns)]
    else:
        yield from iter_batches(source, batch_rows=batch_rows, columns=columns)


# ------------------------------------------------------------------------- statistics
@dataclass(frozen=True)
class TargetRange:
    """Result of the first cheap pass: ``n``, ``lo``, ``hi``, ``mean``, ``var`` (ddof=1)."""

    n: int
    lo: float
    hi: float
    mean: float
    var: float


def target_range(y_batches: Iterable[Any]) -> TargetRange:
    """Count, range, mean and variance of a column given in batches (Chan et al.'s merge of
    per-batch moments, so no batch is kept).

    >>> r = target_range([np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0])])
    >>> r.n, r.lo, r.hi, r.mean, r.var
    (5, 1.0, 5.0, 3.0, 2.5)
    """
    n, mean, m2, lo, hi = 0, 0.0, 0.0, math.inf, -math.inf
    for yb in y_batches:
        arr = np.asarray(yb, dtype=float).ravel()
        if arr.size == 0:
            continue
        if not np.all(np.isfinite(arr)):
            raise ValueError("the target column holds NaN or infinite values; drop or fill them before streaming")
        nb, mb = arr.size, float(arr.mean())
        m2b = float(np.sum((arr - mb) ** 2))
        delta = mb - mean
        tot = n + nb
        mean += delta * nb / tot
        m2 += m2b + delta**2 * n * nb / tot
        n = tot
        lo, hi = min(lo, float(arr.min())), max(hi, float(arr.max()))
    if n == 0:
        raise ValueError("no target values: the source yielded no rows")
    return TargetRange(n, lo, hi, mean, m2 / (n - 1) if n > 1 else 0.0)


class GridKDE:
    """A 1-D Gaussian KDE accumulated batch by batch and evaluated exactly on a fixed grid;
    between grid points the density is interpolated linearly. Callable like
    ``scipy.stats.gaussian_kde``.

    ``bandwidth`` follows ``gaussian_kde``'s ``bw_method``: ``None``/``"scott"`` (factor
    ``n**(-1/5)``), ``"silverman"`` or a number; the kernel standard deviation is the factor
    times the sample standard deviation (ddof=1), taken from :class:`TargetRange`.

    >>> k = GridKDE(TargetRange(2, 0.0, 1.0, 0.5, 0.5), n_grid=3, bandwidth=1.0)
    >>> k.add([0.0, 1.0]); k.density.round(4).tolist()
    [0.3859, 0.4394, 0.3859]
    """

    def __init__(self, rng: TargetRange, *, n_grid: int = 1024, bandwidth: str | float | None = None,
                 block: int = 4096) -> None:
        _check_positive_int(n_grid, "kde_grid")
        if n_grid < 2:
            raise ValueError(f"kde_grid must be at least 2 points, got {n_grid}")
        if bandwidth is None or bandwidth == "scott":
            factor = rng.n ** (-1.0 / 5.0)
        elif bandwidth == "silverman":
            factor = (rng.n * 3.0 / 4.0) ** (-1.0 / 5.0)
        elif isinstance(bandwidth, (int, float)) and bandwidth > 0:
            factor = float(bandwidth)
        else:
            raise ValueError(f"bandwidth must be None, 'scott', 'silverman' or a positive number, got {bandwidth!r}")
        if not rng.var > 0:
            raise ValueError("the target is constant, so its density cannot be estimated")
        self.n_total = rng.n
        self.cov = rng.var * factor**2
        self.grid = np.linspace(rng.lo, rng.hi, n_grid)
        self._sums = np.zeros(n_grid)
        self._seen = 0
        self._block = block

    def add(self, y: Any) -> None:
        """Add a batch of targets to the kernel sums (in blocks of rows, bounded memory)."""
        arr = np.asarray(y, dtype=float).ravel()
        for s in range(0, arr.size, self._block):
            d = self.grid[None, :] - arr[s:s + self._block, None]
            self._sums += np.exp(-0.5 * d * d / self.cov).sum(axis=0)
        self._seen += arr.size

    @property
    def density(self) -> np.ndarray:
        """Density at the grid points (what ``gaussian_kde(all_y)(grid)`` returns)."""
        if self._seen != self.n_total:
            raise ValueError(f"the KDE has seen {self._seen} of {self.n_total} rows; add every batch first")
        return self._sums / (self.n_total * math.sqrt(2 * math.pi * self.cov))

    def __call__(self, y: Any) -> np.ndarray:
        return np.interp(np.asarray(y, dtype=float).ravel(), self.grid, self.density)

    evaluate = __call__


def class_weights_from_counts(counts: Mapping[Any, int], method: str = "inverse", *, beta: float = 0.999) -> dict:
    """:func:`imbalkit.weights.class_weights` computed from class counts alone (same
    operations in the same order, so the result is bit-identical).

    >>> class_weights_from_counts({0: 3, 1: 1})
    {0: 0.6666666666666666, 1: 2.0}
    """
    from .weights import weights_from_counts

    if len(counts) < 2:
        raise ValueError(f"counts has {len(counts)} class(es); class weights need at least two classes")
    classes = sorted(counts)
    raw = weights_from_counts([counts[k] for k in classes], method, beta=beta)
    return {k: float(w) for k, w in zip(classes, raw)}


@dataclass
class StreamStats:
    """What :func:`stream_stats` measured. ``edges``/``hist`` follow
    :func:`imbalkit.diagnostics.make_bins` (bin ``j`` holds ``edges[j] <= y < edges[j+1]``,
    the last bin includes its top, values outside the edges go to the end bins)."""

    range: TargetRange
    edges: np.ndarray
    hist: np.ndarray
    class_counts: dict = field(default_factory=dict)
    kde: GridKDE | None = None
    _rescan: Callable[[], Iterator[np.ndarray]] | None = field(default=None, repr=False)

    def class_weights(self, method: str = "inverse", *, beta: float = 0.999) -> dict:
        """Class weights from the streamed counts (= :func:`imbalkit.weights.class_weights`)."""
        if not self.class_counts:
            raise ValueError("no class counts: call stream_stats with label= (a column name or a function of y)")
        return class_weights_from_counts(self.class_counts, method, beta=beta)

    def target_weighter(self, scheme: str = "lds", **kwargs: Any) -> TargetWeighter:
        """A fitted :class:`~imbalkit.target_weights.TargetWeighter` built from the streamed
        counts (binned schemes) or grid KDE (``"denseweight"``; one more cheap pass over the
        target column for the density range). Its ``transform`` weights any batch.

        ``kwargs`` are the TargetWeighter options (``kernel_size``, ``sigma``, ``lds_variant``,
        ``alpha``, ``eps``); ``n_bins`` and ``strategy`` are fixed by the streamed edges.
        """
        if scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
        for bad in ("n_bins", "strategy", "bandwidth"):
            if bad in kwargs:
                raise ValueError(f"{bad}= is fixed by stream_stats (edges, kde bandwidth); set it there instead")
        tw = TargetWeighter(scheme, n_bins=self.edges.size - 1, strategy="uniform", **kwargs)
        n = self.range.n
        if scheme == "denseweight":
            if self.kde is None or self._rescan is None:
                raise ValueError("no KDE: call stream_stats with kde_grid= a number of grid points")
            tw.kde_ = self.kde
            lo, hi = math.inf, -math.inf
            for yb in self._rescan():
                d = self.kde(yb)
                lo, hi = min(lo, float(d.min())), max(hi, float(d.max()))
            tw.dens_min_, tw.dens_max_ = lo, hi
            tw.scale_ = 1.0
            total = 0.0
            for yb in self._rescan():
                total += float(np.sum(tw._density_weights(np.asarray(yb, float))))
            tw.scale_ = total / n
        else:
            tw.edges_ = self.edges
            tw.bin_weights_ = tw.bin_weights_from_counts(self.hist)
        tw.n_train_ = n
        return tw


def stream_stats(
    source: Any,
    target: str = "target",
    *,
    n_bins: int = 50,
    edges: Sequence[float] | None = None,
    label: str | Callable[[np.ndarray], Any] | None = None,
    kde_grid: int | None = 1024,
    bandwidth: str | float | None = None,
    batch_rows: int = 50_000,
    where: Callable[[pd.DataFrame], Any] | None = None,
) -> StreamStats:
    """Target statistics of a parquet file (or any batch source) without loading it.

    Parameters
    ----------
    source : parquet path, or a zero-argument callable returning an iterable of DataFrames
        (called once per pass)
    target : the continuous target column
    n_bins : equal-width bins between the streamed minimum and maximum (first cheap pass)
    edges : fix the bin edges up-front instead (then only ``kde_grid`` needs the first pass)
    label : class label for the counts: a column name, or a function of the target batch
        (e.g. ``lambda y: y < -2.6`` for a rare-class task)
    kde_grid : grid points of the DenseWeight KDE (``None`` skips it)
    where : row filter ``batch -> boolean mask`` applied to every batch (e.g. a split)

    Returns
    -------
    :class:`StreamStats` with ``range``, ``edges``, ``hist``, ``class_counts`` and ``kde``.
    """
    _check_positive_int(batch_rows, "batch_rows")
    _check_positive_int(n_bins, "n_bins")
    cols = [target] + ([label] if isinstance(label, str) else [])
    if where is not None:
        cols = None  # the filter may need any column

    def frames() -> Iterator[pd.DataFrame]:
        for b in _batches(source, cols, batch_rows):
            if target not in b.columns:
                raise ValueError(f"source has no column {target!r}; columns: {list(b.columns)}")
            yield b[np.asarray(where(b), dtype=bool)] if where is not None else b

    def targets() -> Iterator[np.ndarray]:
        for b in frames():
            yield b[target].to_numpy(dtype=float)

    if edges is None or kde_grid is not None:
        rng = target_range(targets())  # pass 1: cheap, target column only
    if edges is None:
        e = np.unique(np.linspace(rng.lo, rng.hi, n_bins + 1))
        if e.size < 2:
            e = np.array([rng.lo, rng.hi])
    else:
        e = np.asarray(sorted(float(v) for v in edges))
        if e.size < 2 or not np.all(np.isfinite(e)) or np.unique(e).size != e.size:
            raise ValueError(f"edges must be at least 2 distinct finite numbers, got {list(edges)}")
    kde = GridKDE(rng, n_grid=kde_grid, bandwidth=bandwidth) if kde_grid is not None else None

    hist = np.zeros(e.size - 1, dtype=np.int64)
    counts: dict[Any, int] = {}
    n = 0
    lo, hi = math.inf, -math.inf
    for b in frames():  # pass 2: everything else
        y = b[target].to_numpy(dtype=float)
        if y.size == 0:
            continue
        n += y.size
        lo, hi = min(lo, float(y.min())), max(hi, float(y.max()))
        bins = np.clip(np.searchsorted(e, y, side="right") - 1, 0, e.size - 2)
        hist += np.bincount(bins, minlength=e.size - 1)
        if label is not None:
            lab = b[label].to_numpy() if isinstance(label, str) else np.asarray(label(y))
            vals, cnt = np.unique(lab, return_counts=True)
            for v, c in zip(vals, cnt):
                key = v.item() if hasattr(v, "item") else v
                counts[key] = counts.get(key, 0) + int(c)
        if kde is not None:
            kde.add(y)
    if n == 0:
        raise ValueError("no rows: the source (after where=) yielded nothing")
    if edges is not None and kde_grid is None:
        rng = TargetRange(n, lo, hi, math.nan, math.nan)
    return StreamStats(rng, e, hist, dict(sorted(counts.items(), key=lambda kv: str(kv[0]))), kde, targets)


# ------------------------------------------------------------------------- training
def fit_incremental(
    model: Any,
    source: Any,
    features: Sequence[str],
    target: str = "target",
    *,
    label: Callable[[np.ndarray], Any] | None = None,
    classes: Sequence[Any] | None = None,
    sample_weight: Callable[[np.ndarray], np.ndarray] | None = None,
    scale: bool = True,
    epochs: int = 1,
    batch_rows: int = 20_000,
    where: Callable[[pd.DataFrame], Any] | None = None,
) -> Any:
    """Train ``model`` with ``partial_fit`` batch by batch; returns a fitted Pipeline
    ``[StandardScaler] → model`` usable with ``predict``/``predict_proba``.

    Parameters
    ----------
    features : feature columns (e.g. ``info["feature_columns"]`` of :func:`featurize_to_parquet`)
    label : turns the target batch into class labels (classification); ``classes`` lists them
    sample_weight : target (or label) batch -> weights, e.g. ``stats.target_weighter("lds").transform``
        or a class-weight lookup
    scale : stream a ``StandardScaler`` first (one pass, ``partial_fit``); SGD needs it
    epochs : passes over the data, batches in file order
    where : row filter ``batch -> boolean mask`` (e.g. the training split)
    """
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if not hasattr(model, "partial_fit"):
        raise TypeError(f"model {type(model).__name__} has no partial_fit; use e.g. SGDClassifier or SGDRegressor")
    _check_positive_int(epochs, "epochs")
    features = list(features)

    def batches() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for b in _batches(source, None, batch_rows):
            if where is not None:
                b = b[np.asarray(where(b), dtype=bool)]
            if len(b):
                yield b[features].to_numpy(dtype=float), b[target].to_numpy()

    scaler = StandardScaler() if scale else None
    if scaler is not None:
        for X, _ in batches():
            scaler.partial_fit(X)
    kwargs: dict[str, Any] = {}
    if classes is not None:
        kwargs["classes"] = np.asarray(classes)
    for _ in range(epochs):
        for X, y in batches():
            yy = np.asarray(label(y)) if label is not None else y
            if scaler is not None:
                X = scaler.transform(X)
            w = {} if sample_weight is None else {"sample_weight": np.asarray(sample_weight(yy), dtype=float)}
            model.partial_fit(X, yy, **kwargs, **w)
    steps = ([("scaler", scaler)] if scaler is not None else []) + [("model", model)]
    return Pipeline(steps)


def predict_batches(
    model: Any, source: Any, features: Sequence[str], *, method: str = "predict", batch_rows: int = 20_000,
    where: Callable[[pd.DataFrame], Any] | None = None, columns: Sequence[str] = (),
) -> pd.DataFrame:
    """Predictions batch by batch; returns a DataFrame with ``score`` plus the requested
    ``columns`` (e.g. the target) of the kept rows. One number per row is kept (O(N) floats),
    never the feature matrix. ``method="predict_proba"`` keeps the last class's probability.
    """
    out = []
    for b in _batches(source, None, batch_rows):
        if where is not None:
            b = b[np.asarray(where(b), dtype=bool)]
        if not len(b):
            continue
        s = getattr(model, method)(b[list(features)].to_numpy(dtype=float))
        s = s[:, -1] if method == "predict_proba" else s
        out.append(pd.DataFrame({"score": s, **{c: b[c].to_numpy() for c in columns}}))
    if not out:
        raise ValueError("no rows to predict (after where=)")
    return pd.concat(out, ignore_index=True)


# --------------------------------------------------------------------- measuring memory
def peak_rss(function: str, kwargs: Mapping[str, Any] | None = None, *, timeout: float = 1800.0,
             env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Run ``module:function(**kwargs)`` in a fresh Python process and measure it.

    Returns ``{"peak_rss_mb", "seconds", "cpu_seconds", "result"}``: the child's peak
    resident set size, read by the child as its last act (MB = 10^6 bytes), the wall and
    CPU time of the call alone (imports excluded; CPU time is the robust one on a loaded
    machine) and the function's
    return value (other objects come back as ``"<TypeName>"``). ``kwargs`` must be
    JSON-serialisable.

    On Linux the peak is ``VmHWM`` of ``/proc/self/status``, the high-water mark of the
    child's own address space. ``getrusage(...).ru_maxrss`` is *not* used there: Linux
    carries the parent's peak over ``fork`` + ``exec``, so a child started from a big
    process would report at least the parent's size. Elsewhere ``ru_maxrss`` is the fallback.

    >>> r = peak_rss("json:dumps", {"obj": [1, 2]})
    >>> r["result"], r["peak_rss_mb"] > 1
    ('[1, 2]', True)
    """
    if ":" not in function:
        raise ValueError(f"function must be 'module:name', got {function!r}")
    mod, name = function.split(":", 1)
    code = (
        "import json, resource, sys, time, importlib\n"
        f"f = getattr(importlib.import_module({mod!r}), {name!r})\n"
        "kw = json.loads(sys.stdin.read())\n"
        "c0 = time.process_time(); t0 = time.perf_counter()\n"
        "res = f(**kw)\n"
        "dt = time.perf_counter() - t0; cpu = time.process_time() - c0\n"
        "try:\n"
        "    hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM:')]\n"
        "    peak = int(hwm[0].split()[1]) * 1024\n"
        "except (OSError, IndexError):\n"
        "    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    peak = kb * (1 if sys.platform == 'darwin' else 1024)\n"
        "print('@@' + json.dumps({'peak_rss_mb': peak / 1e6, 'seconds': dt, 'cpu_seconds': cpu, 'result': res},\n"
        "                       default=lambda o: '<' + type(o).__name__ + '>'))\n"
    )
    child_env = dict(os.environ)
    child_env.update(env or {})
    proc = subprocess.run([sys.executable, "-c", code], input=json.dumps(dict(kwargs or {})), capture_output=True,
                          text=True, timeout=timeout, env=child_env)
    if proc.returncode != 0:
        raise RuntimeError(f"child process for {function} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@")][-1]
    return json.loads(line[2:])


def _parse_cache_clear() -> None:
    """Empty the formula-parsing memo of :mod:`imbalkit.composition` (if it has one)."""
    from . import composition

    cached = getattr(composition, "_parse_cached", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()


def _check_positive_int(value: Any, name: str) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


# ------------------------------------------------------------- the two end-to-end paths
def _rare_label(threshold: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda y: np.asarray(y, dtype=float) < threshold


def featurize_dataset(name: str = "oqmd_hf", n: int | None = None, *, chunk_rows: int = 10_000,
                      in_memory: bool = False, path: str | None = None) -> int:
    """Featurise the first ``n`` rows of a bundled dataset (all rows if ``None``) and return
    the row count: chunk by chunk into a parquet file (default; a temporary file unless
    ``path``), or all at once in memory (``in_memory=True``). What the book measures with
    :func:`peak_rss`.

    >>> featurize_dataset("glass", 100, chunk_rows=30)
    100
    """
    import tempfile

    if in_memory:
        from .featurize import magpie_features

        df = datasets.load(name) if n is None else next(iter_dataset_chunks(name, n, limit=n))
        return int(len(magpie_features(df["formula"])))
    with tempfile.TemporaryDirectory() as tmp:
        out = path or os.path.join(tmp, "features.parquet")
        return int(featurize_to_parquet(iter_dataset_chunks(name, chunk_rows, limit=n), out)["rows"])


def pipeline_in_memory(name: str = "oqmd_hf", n: int | None = None, *, threshold: float = -2.6,
                       n_bins: int = 50, seed: int = 0) -> dict[str, Any]:
    """The load-everything path: read ``n`` rows at once, featurise them all, compute class
    counts, class weights and LDS weights in memory, one SGD epoch on the whole matrix.
    Returns a small summary (used by :func:`peak_rss` in the book's scaling benchmark)."""
    from sklearn.linear_model import SGDClassifier
    from sklearn.preprocessing import StandardScaler

    from .featurize import magpie_features
    from .weights import class_weights, sample_weights

    df = datasets.load(name) if n is None else next(iter_dataset_chunks(name, n, limit=n))
    X = magpie_features(df["formula"]).to_numpy()
    y = df["target"].to_numpy(dtype=float)
    lab = _rare_label(threshold)(y)
    cw = class_weights(lab)
    lds = TargetWeighter("lds", n_bins=n_bins, strategy="uniform").fit(y)
    w_lds = lds.transform(y)  # noqa: F841  (the per-row weights a weighted model would use)
    Xs = StandardScaler().fit_transform(X)
    SGDClassifier(loss="log_loss", random_state=seed).partial_fit(Xs, lab, classes=[False, True],
                                                                  sample_weight=sample_weights(lab, cw))
    return {"rows": int(y.size), "n_features": int(X.shape[1]), "rare": int(lab.sum()), "lds_max": float(lds.bin_weights_.max())}


def pipeline_streaming(name: str = "oqmd_hf", n: int | None = None, *, threshold: float = -2.6, n_bins: int = 50,
                       chunk_rows: int = 10_000, seed: int = 0, path: str | None = None) -> dict[str, Any]:
    """The bounded-memory path with the same work as :func:`pipeline_in_memory`: chunked
    featurisation to parquet, streamed statistics, one epoch of ``partial_fit`` over batches.
    The parquet file is written to ``path`` (default: a temporary file, removed afterwards)."""
    import tempfile

    from sklearn.linear_model import SGDClassifier

    tmp = None
    if path is None:
        tmp = tempfile.TemporaryDirectory()
        path = os.path.join(tmp.name, "features.parquet")
    try:
        info = featurize_to_parquet(iter_dataset_chunks(name, chunk_rows, limit=n), path)
        rare = _rare_label(threshold)
        stats = stream_stats(path, "target", n_bins=n_bins, label=rare, kde_grid=None, batch_rows=chunk_rows)
        cw = stats.class_weights()
        lds = stats.target_weighter("lds")
        fit_incremental(SGDClassifier(loss="log_loss", random_state=seed), path, info["feature_columns"],
                        label=rare, classes=[False, True], batch_rows=chunk_rows,
                        sample_weight=lambda lab: np.where(lab, cw[True], cw[False]))
        return {"rows": int(info["rows"]), "n_features": len(info["feature_columns"]),
                "rare": int(stats.class_counts.get(True, 0)), "lds_max": float(lds.bin_weights_.max())}
    finally:
        if tmp is not None:
            tmp.cleanup()
