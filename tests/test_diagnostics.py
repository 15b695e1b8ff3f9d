from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from imbalkit import diagnostics as d

matplotlib.use("Agg")


def test_class_counts_and_ratio() -> None:
    counts = d.class_counts([1, 0, 0, 0, 2, 2])
    assert counts["class"].tolist() == [0, 2, 1]
    assert counts["count"].tolist() == [3, 2, 1]
    assert counts["share"].sum() == pytest.approx(1)
    assert d.imbalance_ratio([1, 0, 0, 0, 2, 2]) == 3.0
    with pytest.raises(ValueError, match="single class"):
        d.imbalance_ratio([1, 1])
    with pytest.raises(ValueError, match="missing label"):
        d.class_counts(np.array([1.0, np.nan]))


def test_make_bins_thresholds_and_quantiles() -> None:
    y = np.array([0.0, 0.0, 0.5, 1.5, 3.9, 4.0, 7.0])
    labels, edges = d.make_bins(y, thresholds=[1, 4])
    assert edges.tolist() == [0.0, 1.0, 4.0, 7.0]
    assert labels.tolist() == [0, 0, 0, 1, 1, 2, 2]
    labels, edges = d.make_bins(np.arange(100.0), n_bins=4)
    assert np.bincount(labels).tolist() == [25, 25, 25, 25]
    labels, edges = d.make_bins(np.arange(10.0), n_bins=2, strategy="uniform")
    assert edges.tolist() == [0.0, 4.5, 9.0]
    # every sample gets a bin, including the maximum
    assert labels.max() == 1 and labels.min() == 0


def test_make_bins_errors() -> None:
    with pytest.raises(ValueError, match="NaN or infinite"):
        d.make_bins([0.0, np.nan, 1.0])
    with pytest.raises(ValueError, match="strategy"):
        d.make_bins([0.0, 1.0], strategy="log")
    with pytest.raises(ValueError, match="n_bins"):
        d.make_bins([0.0, 1.0], n_bins=0)
    with pytest.raises(ValueError, match="must be numeric"):
        d.make_bins(["a", "b"])


def test_tail_shares_and_zero_inflation() -> None:
    y = np.r_[np.zeros(50), np.linspace(0.1, 10, 50)]
    t = d.tail_shares(y, thresholds=[5], quantiles=[0.9])
    assert t["share"].iloc[0] == pytest.approx(np.mean(y > 5))
    assert t["share"].iloc[1] == pytest.approx(0.1, abs=0.011)
    assert d.zero_inflation(y) == 0.5
    assert d.zero_inflation([0.001, 0.0], atol=0.01) == 1.0
    with pytest.raises(ValueError, match="strictly between"):
        d.tail_shares(y, quantiles=[1.0])


def test_describe_imbalance_kinds() -> None:
    c = d.describe_imbalance(["a"] * 9 + ["b"])
    assert c.kind == "classification" and c.imbalance_ratio == 9.0
    r = d.describe_imbalance(np.r_[np.zeros(60), np.linspace(0.5, 12, 40)], thresholds=[4])
    assert r.kind == "regression"
    values = dict(zip(r.table["figure"], r.table["value"]))
    assert values["zero share"] == pytest.approx(0.6)
    assert r.details["tails"]["tail"].iloc[0] == "y > 4"
    assert "ImbalanceSummary(regression" in repr(r) and "<table" in r._repr_html_()
    with pytest.raises(ValueError, match="kind must be"):
        d.describe_imbalance([1.0, 2.0], kind="ordinal")


def test_plot_distribution_returns_two_axes() -> None:
    fig = d.plot_distribution(np.r_[np.zeros(5), np.arange(1.0, 6.0)], thresholds=[3])
    assert len(fig.axes) == 2
    assert fig.axes[1].get_ylabel().startswith("fraction")
