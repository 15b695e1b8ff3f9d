import numpy as np
import pandas as pd
import pytest

from imbalkit.literature import dominant_paper_share, entries_per_paper, family_view, repeated_across_papers, top_paper_share


def _table():
    return pd.DataFrame({"doi": ["a"] * 5 + ["b"] * 3 + ["c", "d"],
                         "family": ["G"] * 5 + ["G", "N", "N", "N", "N"],
                         "f": ["LiX"] * 2 + ["L1", "L2", "L3"] + ["LiX", "N1", "N2", "N3", "LiX"],
                         "v": [-3.0, -3.2, -4, -4, -4, -6.0, -5, -5, -5, -3.5]})


def test_concentration_counts_by_hand():
    d = _table()
    assert entries_per_paper(d["doi"]).tolist() == [5, 3, 1, 1]
    assert top_paper_share(d["doi"], k=1) == pytest.approx(0.5)
    assert top_paper_share(d["doi"], k=10) == pytest.approx(1.0)  # k larger than the number of papers


def test_family_view_entries_vs_papers():
    fv = family_view(_table(), "family", "doi")
    assert fv.loc["G", "entries"] == 6 and fv.loc["G", "papers"] == 2
    assert fv.loc["N", "entries"] == 4 and fv.loc["N", "papers"] == 3
    assert fv["share_of_entries"].sum() == pytest.approx(1.0)
    assert fv.loc["G", "top_paper_share"] == pytest.approx(5 / 6)
    assert dominant_paper_share(_table(), "family", "doi")["N"] == pytest.approx(0.5)


def test_repeated_across_papers_spread_in_decades():
    rep = repeated_across_papers(_table(), "f", "doi", "v")
    # LiX: papers a, b, d; values -3.0, -3.2, -6.0, -3.5 -> spread 3.0 decades; within-paper repeats do not count
    assert rep.index.tolist() == ["LiX"]
    assert rep.loc["LiX", "papers"] == 3 and rep.loc["LiX", "spread"] == pytest.approx(3.0)


def test_errors_name_the_argument():
    with pytest.raises(KeyError, match="paper='DOI'"):
        family_view(_table(), "family", "DOI")
    with pytest.raises(ValueError, match="k must be a positive integer"):
        top_paper_share(["a"], k=0)
    with pytest.raises(ValueError, match="no paper identifier"):
        entries_per_paper([None, np.nan])
