from __future__ import annotations

import matplotlib
import pytest

from imbalkit.composition import ELEMENTS
from imbalkit.plotting import element_position, periodic_table_heatmap, use_book_style

matplotlib.use("Agg")


@pytest.mark.parametrize("symbol, pos", [("H", (1, 1)), ("He", (1, 18)), ("B", (2, 13)), ("Fe", (4, 8)),
                                         ("Ba", (6, 2)), ("Hf", (6, 4)), ("Rn", (6, 18)), ("La", (9, 3)),
                                         ("Lu", (9, 17)), ("U", (10, 6)), ("Og", (7, 18))])
def test_element_positions(symbol: str, pos: tuple[int, int]) -> None:
    assert element_position(symbol) == pos


def test_positions_are_unique() -> None:
    positions = [element_position(el) for el in ELEMENTS]
    assert len(set(positions)) == len(positions)


def test_heatmap_and_style() -> None:
    use_book_style()
    assert matplotlib.rcParams["figure.facecolor"] == "white"
    ax = periodic_table_heatmap({"O": 50.0, "Fe": 5.0}, log=True)
    assert len(ax.patches) == 103
    with pytest.raises(ValueError, match="no entry for a known element"):
        periodic_table_heatmap({"Xx": 1.0})
