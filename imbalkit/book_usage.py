"""Which chapters of the book use which bundled data set (for the datasets appendix).

A chapter uses a data set when its source names it as a quoted string (as in
``datasets.load("name")``, ``read_cifs("name")`` or a dict of names passed to ``load``), or
loads a task of :mod:`imbalkit.tasks` built on it (``tasks.load("task")`` /
``tasks.get("task")``). The scan reads the MyST sources as text.

>>> usage = dataset_usage(["x = datasets.load('glass')\\nt = tasks.load('obelix_superionic')"], ["demo"])
>>> sorted(usage["demo"])
['glass', 'obelix']
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

__all__ = ["DOMAINS", "dataset_usage", "chapter_table", "balance"]

# The materials domain of each bundled data set.
DOMAINS: dict[str, str] = {
    "expt_gap": "experimental band gaps", "expt_is_metal": "experimental band gaps",
    "glass": "metallic glasses", "steels_yield": "steels", "castelli": "perovskites",
    "mp_gap": "DFT crystals", "mp_e_hull": "DFT crystals", "oqmd_hf": "DFT crystals",
    "mpea": "high-entropy alloys", "magpie_elements": "element table",
    "obelix": "solid electrolytes", "obelix_cifs": "solid electrolytes",
    "liverpool_ionics": "solid electrolytes", "core_mof": "metal-organic frameworks",
}

_QUOTED = re.compile(r"""["']([a-z0-9_]+)["']""")
_TASK = re.compile(r"""\btasks\.(?:load|get)\(\s*["']([a-z0-9_]+)["']""")


def _domain(dataset: str) -> str:
    if dataset.startswith("aflow_"):
        return "DFT crystals"
    return DOMAINS.get(dataset, "other")


def dataset_usage(texts: Sequence[str], names: Sequence[str]) -> dict[str, set[str]]:
    """Data sets used by each text (chapter source), keyed by the given names."""
    from . import datasets, tasks

    if len(texts) != len(names):
        raise ValueError(f"texts and names differ in length ({len(texts)} vs {len(names)})")
    known = set(datasets.available())
    out: dict[str, set[str]] = {}
    for name, text in zip(names, texts):
        used = {m for m in _QUOTED.findall(text) if m in known}
        used |= {tasks.get(t).dataset for t in _TASK.findall(text) if t in tasks.REGISTRY}
        out[name] = used
    return out


def chapter_table(book_dir: Path | str) -> pd.DataFrame:
    """One row per numbered chapter of ``book_dir/part*/`` (overviews ``00-*`` left out) with
    its data sets and their materials domains."""
    book_dir = Path(book_dir)
    files = sorted(f for f in book_dir.glob("part*/[0-9][0-9]-*.md") if not f.name.startswith("00-"))
    if not files:
        raise FileNotFoundError(f"no chapters (part*/NN-*.md) under {book_dir}")
    names = [str(f.relative_to(book_dir))[:-3] for f in files]
    usage = dataset_usage([f.read_text(encoding="utf-8") for f in files], names)
    rows = []
    for name in names:
        used = sorted(usage[name])
        rows.append({"chapter": name, "part": name.split("/")[0], "datasets": used,
                     "domains": sorted({_domain(d) for d in used} - {"element table"})})
    return pd.DataFrame(rows)


def balance(table: pd.DataFrame) -> dict[str, object]:
    """How lopsided the book itself is: chapters whose only data set is ``expt_gap``, and
    the domains each Part draws on.

    >>> t = pd.DataFrame({"chapter": ["part1/01-a", "part1/02-b"], "part": ["part1"] * 2,
    ...                   "datasets": [["expt_gap"], ["obelix"]],
    ...                   "domains": [["experimental band gaps"], ["solid electrolytes"]]})
    >>> balance(t)["expt_gap_only"], balance(t)["domains_per_part"]["part1"]
    (1, 2)
    """
    only = table["datasets"].map(lambda d: list(d) == ["expt_gap"])
    per_part = table.groupby("part")["domains"].agg(lambda s: len(set().union(*map(set, s))))
    return {"chapters": len(table), "expt_gap_only": int(only.sum()),
            "expt_gap_only_share": float(only.mean()), "domains_per_part": per_part.to_dict()}
