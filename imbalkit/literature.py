"""Literature bias in hand-collected data sets: who contributed the rows?

A data set compiled from papers (OBELiX, the Liverpool Ionics Dataset, most text-mined
sets) records the paper (DOI) behind each row. These helpers count how concentrated the
rows are in a few papers, how many independent papers back each family, and how much
repeated measurements of one composition disagree between papers.

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"doi": ["a", "a", "a", "b", "c"], "family": ["X", "X", "X", "X", "Y"],
...                    "formula": ["LiF", "LiCl", "LiBr", "LiF", "LiI"], "log_sigma": [-5, -6, -7, -3, -8]})
>>> top_paper_share(df["doi"], k=1)
0.6
>>> family_view(df, "family", "doi")[["entries", "papers"]].to_dict("list")
{'entries': [4, 1], 'papers': [2, 1]}
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["entries_per_paper", "top_paper_share", "family_view", "repeated_across_papers", "dominant_paper_share"]


def _column(df: pd.DataFrame, name: str, arg: str) -> pd.Series:
    if name not in df.columns:
        raise KeyError(f"{arg}={name!r} is not a column of the table; columns are {list(df.columns)}")
    return df[name]


def entries_per_paper(papers: Any) -> pd.Series:
    """Number of rows per paper, largest first (missing DOIs are dropped).

    >>> entries_per_paper(["a", "b", "a", None]).tolist()
    [2, 1]
    """
    s = pd.Series(papers, dtype=object).dropna()
    if s.empty:
        raise ValueError("papers holds no paper identifier (all missing); pass the DOI column")
    return s.value_counts()


def top_paper_share(papers: Any, *, k: int = 10) -> float:
    """Share of the rows (with a paper) that come from the ``k`` largest papers.

    >>> top_paper_share(["a", "a", "b", "c"], k=1)
    0.5
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    counts = entries_per_paper(papers)
    return float(counts.iloc[:k].sum() / counts.sum())


def dominant_paper_share(df: pd.DataFrame, group: str, paper: str) -> pd.Series:
    """Per group, the share of its rows that come from its single largest paper.

    >>> d = pd.DataFrame({"g": ["X", "X", "X", "Y"], "p": ["a", "a", "b", "c"]})
    >>> dominant_paper_share(d, "g", "p").round(3).tolist()
    [0.667, 1.0]
    """
    g, p = _column(df, group, "group"), _column(df, paper, "paper")
    return pd.DataFrame({"g": g, "p": p}).groupby("g")["p"].agg(lambda s: s.value_counts().iloc[0] / len(s))


def family_view(df: pd.DataFrame, group: str, paper: str) -> pd.DataFrame:
    """Each group's weight counted by rows and by independent papers.

    Columns: ``entries``, ``papers``, ``share_of_entries``, ``share_of_papers`` (a paper
    that reports several groups counts once for each), ``top_paper_share`` (share of the
    group's rows from its largest paper); sorted by entries.
    """
    g, p = _column(df, group, "group"), _column(df, paper, "paper")
    frame = pd.DataFrame({"g": g, "p": p})
    out = frame.groupby("g").agg(entries=("p", "size"), papers=("p", "nunique"))
    out["share_of_entries"] = out["entries"] / out["entries"].sum()
    out["share_of_papers"] = out["papers"] / out["papers"].sum()
    out["top_paper_share"] = dominant_paper_share(df, group, paper)
    return out.sort_values("entries", ascending=False)


def repeated_across_papers(df: pd.DataFrame, key: str, paper: str, value: str) -> pd.DataFrame:
    """Compositions (or any ``key``) reported by two or more different papers.

    Returns one row per such key with ``papers`` (distinct papers), ``entries`` and
    ``spread`` = max - min of ``value`` over its rows (for a log10 conductivity, the
    disagreement in decades), largest spread first.

    >>> d = pd.DataFrame({"f": ["A", "A", "B", "B"], "p": ["x", "y", "x", "x"], "v": [-3.0, -5.0, -4, -4.5]})
    >>> repeated_across_papers(d, "f", "p", "v")[["papers", "spread"]].to_dict("list")
    {'papers': [2], 'spread': [2.0]}
    """
    k, p, v = _column(df, key, "key"), _column(df, paper, "paper"), _column(df, value, "value")
    frame = pd.DataFrame({"k": k, "p": p, "v": pd.to_numeric(v, errors="coerce")}).dropna(subset=["k", "p"])
    agg = frame.groupby("k").agg(papers=("p", "nunique"), entries=("p", "size"), spread=("v", lambda s: s.max() - s.min()))
    return agg[agg["papers"] >= 2].sort_values("spread", ascending=False)
