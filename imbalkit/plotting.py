"""Plot helpers with a house style readable in light and dark mode.

Figures get an opaque white background so that a dark page theme does not swallow
black axes and labels.

Example
-------
>>> use_book_style()
>>> import matplotlib.pyplot as plt
>>> plt.rcParams["figure.facecolor"]
'white'
"""
from __future__ import annotations

from collections.abc import Mapping

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .composition import ELEMENTS

__all__ = ["use_book_style", "periodic_table_heatmap", "element_position"]


def use_book_style() -> None:
    """Opaque figures, readable font sizes, a colour-blind-safe cycle, fixed DPI."""
    mpl.rcParams.update(
        {
            "figure.facecolor": "white",
            "axes.facecolor": "white",
            "savefig.facecolor": "white",
            "savefig.transparent": False,
            "figure.dpi": 100,
            "figure.figsize": (6.4, 4.0),
            "font.size": 10,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.prop_cycle": mpl.cycler(
                color=["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
            ),
        }
    )


def element_position(symbol: str) -> tuple[int, int]:
    """(row, column) of an element in the usual 18-column table, 1-based; lanthanides and
    actinides go to rows 9 and 10.

    >>> element_position("Fe"), element_position("Ce")
    ((4, 8), (9, 4))
    """
    z = ELEMENTS.index(symbol) + 1
    if 57 <= z <= 71:
        return 9, z - 57 + 3
    if 89 <= z <= 103:
        return 10, z - 89 + 3
    period_starts = [1, 3, 11, 19, 37, 55, 87, 119]
    period = next(i for i, start in enumerate(period_starts, start=1) if z < period_starts[i])
    offset = z - period_starts[period - 1]
    if period == 1:
        return 1, 1 if z == 1 else 18
    if period in (2, 3):
        return period, offset + 1 if offset < 2 else offset + 11
    if period in (4, 5):
        return period, offset + 1
    # periods 6 and 7: the f-block sits below, so Hf/Rf come after the gap
    if offset < 2:
        return period, offset + 1
    if offset == 2:
        return period, 3
    return period, offset - 14 + 1


def periodic_table_heatmap(
    values: Mapping[str, float],
    *,
    label: str = "",
    log: bool = False,
    ax: plt.Axes | None = None,
    fmt: str = "{:.0f}",
) -> plt.Axes:
    """Colour each element of the periodic table by ``values[symbol]``; elements without
    a value stay grey.

    >>> ax = periodic_table_heatmap({"O": 10, "Fe": 3}, label="count")
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 5.6))
    vals = {el: float(v) for el, v in values.items() if el in ELEMENTS}
    if not vals:
        raise ValueError("values has no entry for a known element symbol")
    positive = [v for v in vals.values() if v > 0]
    norm = (mpl.colors.LogNorm(min(positive), max(positive)) if log and positive
            else mpl.colors.Normalize(min(vals.values()), max(vals.values())))
    cmap = mpl.colormaps["viridis"]
    for el in ELEMENTS[:103]:
        r, c = element_position(el)
        v = vals.get(el)
        colour = "#dddddd" if v is None or (log and v <= 0) else cmap(norm(v))
        ax.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 0.95, 0.95, color=colour))
        dark = v is not None and not (log and v <= 0) and norm(v) < 0.6
        ax.text(c - 0.03, r - 0.12, el, ha="center", va="center", fontsize=8, color="white" if dark else "black")
        if v is not None:
            ax.text(c - 0.03, r + 0.22, fmt.format(v), ha="center", va="center", fontsize=5.5,
                    color="white" if dark else "black")
    ax.set_xlim(0.4, 18.6)
    ax.set_ylim(10.6, 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
    ax.figure.colorbar(sm, ax=ax, shrink=0.6, label=label)
    return ax
