"""Curation helpers: duplicates, conflicting labels, polymorph aggregation and conditional
(two-factor) imbalance.

Compositions are grouped by :func:`imbalkit.composition.reduced_formula`, so ``Fe2O3`` and
``Fe4O6`` are the same key. In a composition-only dataset the rows that share a key are
either true duplicates (the same measurement copied twice), repeated measurements, or
polymorphs (different structures, different property): the helpers below find them and
report how much the target disagrees inside each group.

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"formula": ["Fe2O3", "Fe4O6", "NaCl"], "target": [2.0, 2.2, 8.5]})
>>> find_duplicates(df)["n"].tolist()
[2]
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .composition import reduced_formula

__all__ = ["POLICIES", "formula_keys", "find_duplicates", "find_conflicts", "aggregate_polymorphs",
           "conditional_imbalance", "simulate_publication_bias"]

POLICIES: tuple[str, ...] = ("mean", "median", "min", "max", "first")
"""Aggregation policies of :func:`aggregate_polymorphs`:

* ``mean``   average of the group (repeated measurements of one phase; noise averages out)
* ``median`` robust to one outlying report
* ``min``    lowest value, e.g. the ground-state polymorph for an energy above hull
* ``max``    highest value, e.g. the best reported conductivity (optimistic; beware)
* ``first``  the first row in file order (keeps the original source's choice)
"""


def _require(df: pd.DataFrame, *cols: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the data; available columns: {list(df.columns)}")


@lru_cache(maxsize=500_000)
def _key(formula: str, decimals: int) -> str:
    return reduced_formula(formula, decimals=decimals)


def formula_keys(formulas: Sequence[str] | pd.Series, *, decimals: int = 4) -> pd.Series:
    """Canonical composition key of every formula (:func:`reduced_formula`); a formula that
    cannot be parsed raises ``ValueError`` naming its row.

    >>> formula_keys(["Fe4O6", "O3Fe2"]).nunique()
    1
    """
    out = []
    for i, f in enumerate(list(formulas)):
        try:
            out.append(_key(f, decimals))
        except ValueError as exc:
            raise ValueError(f"row {i}: {exc}") from None
    return pd.Series(out, index=formulas.index if isinstance(formulas, pd.Series) else None, name="key")


def find_duplicates(df: pd.DataFrame, formula: str = "formula", target: str | None = "target") -> pd.DataFrame:
    """Compositions that occur more than once, largest group first.

    Returns one row per repeated key with ``n`` (rows in the group) and, if ``target`` is
    given, the group's ``min``, ``max`` and ``spread`` (max − min; for non-numeric targets
    ``n_labels``, the number of distinct labels).

    >>> d = pd.DataFrame({"formula": ["TiO2", "TiO2", "ZnO"], "target": [3.0, 3.4, 3.3]})
    >>> find_duplicates(d)[["key", "n", "spread"]].round(2).to_dict("list")
    {'key': ['O0.6667Ti0.3333'], 'n': [2], 'spread': [0.4]}
    """
    _require(df, formula, *([target] if target else []))
    work = pd.DataFrame({"key": formula_keys(df[formula]).to_numpy()})
    if target is None:
        g = work.groupby("key", sort=False).size().rename("n").reset_index()
    elif pd.api.types.is_numeric_dtype(df[target]):
        work["y"] = df[target].to_numpy()
        g = work.groupby("key", sort=False)["y"].agg(n="size", min="min", max="max").reset_index()
        g["spread"] = g["max"] - g["min"]
    else:
        work["y"] = df[target].to_numpy()
        g = work.groupby("key", sort=False)["y"].agg(n="size", n_labels="nunique").reset_index()
    g = g[g["n"] > 1]
    return g.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)


def find_conflicts(df: pd.DataFrame, formula: str = "formula", target: str = "target", *,
                   tolerance: float = 0.0) -> pd.DataFrame:
    """Repeated compositions whose labels disagree.

    For a numeric target a group conflicts when its spread (max − min) exceeds
    ``tolerance`` (in the target's units); for class labels when it holds more than one
    label. Sorted by spread (or number of labels), worst first.

    >>> d = pd.DataFrame({"formula": ["GaN", "GaN", "ZnO", "ZnO"], "target": [3.4, 3.5, 3.3, 0.0]})
    >>> find_conflicts(d, tolerance=0.5)["key"].tolist()
    ['O0.5Zn0.5']
    """
    if not np.isfinite(tolerance) or tolerance < 0:
        raise ValueError(f"tolerance must be a non-negative number, got {tolerance!r}")
    dup = find_duplicates(df, formula, target)
    if "spread" in dup.columns:
        out = dup[dup["spread"] > tolerance].sort_values("spread", ascending=False, kind="stable")
    else:
        out = dup[dup["n_labels"] > 1].sort_values("n_labels", ascending=False, kind="stable")
    return out.reset_index(drop=True)


def aggregate_polymorphs(df: pd.DataFrame, formula: str = "formula", target: str = "target", *,
                         policy: str = "mean") -> pd.DataFrame:
    """One row per composition, the target aggregated by ``policy`` (see :data:`POLICIES`).

    The result has columns ``key``, the first ``formula`` of each group, the aggregated
    ``target`` and ``n`` (rows merged). Numeric targets only, except for ``"first"``.

    >>> d = pd.DataFrame({"formula": ["SiO2", "Si2O4", "MgO"], "target": [5.0, 9.0, 7.8]})
    >>> aggregate_polymorphs(d, policy="min")["target"].tolist()
    [5.0, 7.8]
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    _require(df, formula, target)
    if policy != "first" and not pd.api.types.is_numeric_dtype(df[target]):
        raise TypeError(f"policy {policy!r} needs a numeric target; column {target!r} has dtype {df[target].dtype}")
    work = pd.DataFrame({"key": formula_keys(df[formula]).to_numpy(), formula: df[formula].to_numpy(),
                         target: df[target].to_numpy()})
    g = work.groupby("key", sort=False)
    out = pd.DataFrame({formula: g[formula].first(), target: g[target].agg(policy), "n": g.size()})
    return out.reset_index()


def conditional_imbalance(a: Any, b: Any, *, min_support: int = 5, names: tuple[str, str] = ("a", "b")
                          ) -> pd.DataFrame:
    """Cross-tabulate two factors and compare every cell with independence.

    For factors A and B (e.g. anion family and "is a wide-gap material"), the expected count
    of cell (i, j) under independence is row_i · col_j / N. The table lists, per cell, the
    ``observed`` and ``expected`` counts, their ratio (< 1: the combination is rarer than
    the marginals predict), the standardised residual (observed − expected) / sqrt(expected)
    and whether the cell is ``below_min_support`` (fewer than ``min_support`` rows: too few
    to train or test on). Cells are sorted from the sparsest up.

    >>> t = conditional_imbalance(["ox", "ox", "ox", "hal"], [1, 1, 0, 0], min_support=2)
    >>> t[["a", "b", "observed", "expected"]].to_dict("list")
    {'a': ['hal', 'hal', 'ox', 'ox'], 'b': [1, 0, 0, 1], 'observed': [0, 1, 1, 2], 'expected': [0.5, 0.5, 1.5, 1.5]}
    """
    sa, sb = pd.Series(np.asarray(a)), pd.Series(np.asarray(b))
    if sa.size != sb.size:
        raise ValueError(f"a has {sa.size} values but b has {sb.size}")
    if sa.size == 0:
        raise ValueError("a and b are empty")
    if sa.isna().any() or sb.isna().any():
        raise ValueError("a and b must not contain missing values; drop or label them first")
    if not isinstance(min_support, (int, np.integer)) or min_support < 1:
        raise ValueError(f"min_support must be a positive integer, got {min_support!r}")
    obs = pd.crosstab(sa, sb)
    n = obs.to_numpy().sum()
    exp = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / n
    rows = []
    for i, ra in enumerate(obs.index):
        for j, cb in enumerate(obs.columns):
            o, e = int(obs.iat[i, j]), float(exp[i, j])
            rows.append({names[0]: ra, names[1]: cb, "observed": o, "expected": e, "obs/exp": o / e,
                         "std_residual": (o - e) / np.sqrt(e), "below_min_support": o < min_support})
    out = pd.DataFrame(rows)
    return out.sort_values(["observed", "expected"], kind="stable").reset_index(drop=True)


def simulate_publication_bias(y: Any, *, keep_negative: float, negative: Any = 0, seed: int = 0) -> np.ndarray:
    """Indices of a *simulated* "success-only" subset: every positive row and a random
    share ``keep_negative`` of the rows whose label equals ``negative`` (the unreported
    failures). Apply it to a training fold only; the test fold stays as measured.

    >>> simulate_publication_bias([1, 0, 0, 0, 1], keep_negative=0.0).tolist()
    [0, 4]
    """
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("y must be a non-empty 1-D array of labels")
    if not 0.0 <= keep_negative <= 1.0:
        raise ValueError(f"keep_negative must lie in [0, 1], got {keep_negative!r}")
    neg = np.flatnonzero(arr == negative)
    if neg.size == 0:
        raise ValueError(f"no row has the negative label {negative!r}; labels present: {np.unique(arr).tolist()}")
    rng = np.random.default_rng(seed)
    kept_neg = rng.choice(neg, size=int(round(keep_negative * neg.size)), replace=False)
    return np.sort(np.concatenate([np.flatnonzero(arr != negative), kept_neg]))
