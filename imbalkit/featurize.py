"""Vectorised Magpie-style composition features.

For every elemental property ``p`` of the Magpie table (Ward et al. 2016) and atomic
fractions ``f_i`` of a composition, the statistics follow matminer's ``ElementProperty``
("magpie" preset) definitions:

* ``mean``     = Σ f_i p_i
* ``avg_dev``  = Σ f_i |p_i − mean|
* ``minimum``, ``maximum`` over the elements present, ``range`` = maximum − minimum
* ``mode``     = the property of the element with the largest fraction; when several
  elements tie (fraction within a relative 1e-5 of the largest, the relative part of the
  ``np.isclose`` test matminer applies to the amounts; its extra absolute 1e-8 on amounts
  is left out, it only matters for amounts of order 1e-3 and below), the smallest of
  their property values

Two column sets:

* :func:`magpie_features` with the default ``stats=STATS`` gives the 5 × 22 = 110
  statistics (no ``mode``), grouped by statistic, plus ``n_elements``: 111 columns. This is
  the set every chapter and the pre-trained encoder (``imbalkit.deep.encoder``, 111 inputs)
  were built on, so the default stays; add ``"mode"`` to ``stats`` to get it too.
* :func:`matminer_magpie_features` gives matminer's ``ElementProperty.from_preset("magpie")``
  column for column: 22 properties × 6 statistics = 132 columns with matminer's names and
  order (grouped by property; no ``n_elements``).

The work is done on a sparse fraction matrix, so 100 000 formulas take a few seconds.

Example
-------
>>> X = magpie_features(["Fe2O3", "NaCl"])
>>> round(float(X.loc[0, "MagpieData mean Number"]), 2)
15.2
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from . import datasets
from .composition import element_fractions

__all__ = ["STATS", "ALL_STATS", "MATMINER_STATS", "element_table", "composition_matrix", "magpie_features",
           "matminer_magpie_features"]

STATS: tuple[str, ...] = ("mean", "avg_dev", "minimum", "maximum", "range")
"""Default statistics of :func:`magpie_features` (110 + ``n_elements`` = 111 columns)."""
MATMINER_STATS: tuple[str, ...] = ("minimum", "maximum", "range", "mean", "avg_dev", "mode")
"""matminer's magpie preset statistics, in matminer's order."""
ALL_STATS: tuple[str, ...] = MATMINER_STATS
"""Every statistic :func:`magpie_features` accepts."""
MODE_RTOL = 1e-5
"""Relative tolerance within which element fractions count as tied for ``mode``."""


def element_table(name: str = "magpie_elements") -> pd.DataFrame:
    """The element property table, indexed by element symbol.

    >>> element_table().loc["O", "Number"]
    np.float64(8.0)
    """
    return datasets.load(name).set_index("element")


def composition_matrix(
    formulas: Sequence[str], elements: Sequence[str], *, rows: Sequence[int] | None = None
) -> sparse.csr_matrix:
    """Sparse (n_formulas × n_elements) matrix of atomic fractions.

    Raises ``ValueError`` naming the row and formula when a formula cannot be parsed or
    contains an element that is not in ``elements``.

    ``rows`` gives the row number to report for each formula (default: its position).

    >>> composition_matrix(["H2O"], ["H", "O"]).toarray().round(3).tolist()
    [[0.667, 0.333]]
    """
    col = {el: j for j, el in enumerate(elements)}
    rows_out = list(range(len(formulas))) if rows is None else list(rows)
    rows, cols, vals = [], [], []
    for i, formula in enumerate(formulas):
        try:
            fr = element_fractions(formula)
        except ValueError as exc:
            raise ValueError(f"row {rows_out[i]}: {exc}") from None
        for el, x in fr.items():
            if el not in col:
                raise ValueError(
                    f"row {rows_out[i]}: formula {formula!r} contains {el!r}, which has no entry in the "
                    f"element table ({len(elements)} elements); drop the row or use a table that covers it"
                )
            rows.append(i)
            cols.append(col[el])
            vals.append(x)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(formulas), len(elements)))


def magpie_features(
    formulas: Sequence[str] | pd.Series,
    *,
    stats: Sequence[str] = STATS,
    properties: Sequence[str] | None = None,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Magpie composition features for many formulas.

    Parameters
    ----------
    formulas : sequence of str
    stats : statistics to compute, any of ``ALL_STATS`` (default ``STATS``: no ``mode``,
        the 111-column set the chapters and the pre-trained encoder use)
    properties : element-table columns to use (default: all 22 Magpie properties)
    table : element table indexed by symbol (default: :func:`element_table`)

    Returns
    -------
    DataFrame with columns ``"MagpieData {stat} {property}"`` and ``n_elements``, one row
    per formula, in input order (index 0..n-1).

    >>> magpie_features(["NaCl"], stats=["range"], properties=["Number"]).iloc[0].tolist()
    [6.0, 2.0]
    """
    formulas = list(formulas)
    if not formulas:
        raise ValueError("formulas is empty; give at least one formula")
    if isinstance(stats, str):
        raise TypeError(f"stats must be a sequence of statistic names, e.g. [{stats!r}], not a string")
    unknown = [s for s in stats if s not in ALL_STATS]
    if unknown:
        raise ValueError(f"unknown statistic(s) {unknown}; choose from {list(ALL_STATS)}")
    table = element_table() if table is None else table
    properties = list(table.columns) if properties is None else list(properties)
    missing = [p for p in properties if p not in table.columns]
    if missing:
        raise ValueError(f"element table has no column(s) {missing}; it has {list(table.columns)}")
    P = table[properties].to_numpy(dtype=float)  # (n_elements, n_props)

    # Parse each distinct formula once.
    uniq, first, inverse = np.unique(np.asarray(formulas, dtype=object).astype(str), return_index=True,
                                     return_inverse=True)
    F = composition_matrix([str(f) for f in uniq], list(table.index), rows=first.tolist()).tocsr()
    F.sort_indices()
    row_of_entry = np.repeat(np.arange(F.shape[0]), np.diff(F.indptr))
    frac = F.data[:, None]
    vals = P[F.indices]  # (nnz, n_props)

    out: dict[str, np.ndarray] = {}
    mean = F @ P
    if "mean" in stats or "avg_dev" in stats:
        if "mean" in stats:
            out["mean"] = mean
        if "avg_dev" in stats:
            dev = frac * np.abs(vals - mean[row_of_entry])
            avg = np.zeros_like(mean)
            np.add.at(avg, row_of_entry, dev)
            out["avg_dev"] = avg
    starts = F.indptr[:-1]
    if "mode" in stats:
        # elements whose fraction is within MODE_RTOL (relative) of the row's largest are tied;
        # the smallest property value among them is the mode
        top = np.maximum.reduceat(F.data, starts)[row_of_entry]
        tied = (top - F.data) <= MODE_RTOL * top
        out["mode"] = np.minimum.reduceat(np.where(tied[:, None], vals, np.inf), starts, axis=0)
    if {"minimum", "maximum", "range"} & set(stats):
        vmin = np.minimum.reduceat(vals, starts, axis=0)
        vmax = np.maximum.reduceat(vals, starts, axis=0)
        if "minimum" in stats:
            out["minimum"] = vmin
        if "maximum" in stats:
            out["maximum"] = vmax
        if "range" in stats:
            out["range"] = vmax - vmin

    columns, blocks = [], []
    for stat in stats:
        columns += [f"MagpieData {stat} {p}" for p in properties]
        blocks.append(out[stat])
    columns.append("n_elements")
    blocks.append(np.diff(F.indptr)[:, None].astype(float))
    X = np.hstack(blocks)[inverse]
    return pd.DataFrame(X, columns=columns)


def matminer_magpie_features(
    formulas: Sequence[str] | pd.Series,
    *,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """matminer's ``ElementProperty.from_preset("magpie")`` features, column for column.

    132 columns ``"MagpieData {stat} {property}"``: for each of the 22 properties (table
    order) the 6 statistics ``minimum, maximum, range, mean, avg_dev, mode``, the names and
    order matminer 0.10 uses. No ``n_elements`` column. Same values as
    :func:`magpie_features` (which groups columns by statistic instead).

    >>> X = matminer_magpie_features(["NaCl"])
    >>> X.shape, list(X.columns[:6])
    ((1, 132), ['MagpieData minimum Number', 'MagpieData maximum Number', 'MagpieData range Number', 'MagpieData mean Number', 'MagpieData avg_dev Number', 'MagpieData mode Number'])
    >>> float(X.loc[0, "MagpieData mode Number"])  # Na and Cl tie: the smaller value, Na's 11
    11.0
    """
    table = element_table() if table is None else table
    X = magpie_features(formulas, stats=MATMINER_STATS, table=table)
    order = [f"MagpieData {stat} {prop}" for prop in table.columns for stat in MATMINER_STATS]
    return X[order]
