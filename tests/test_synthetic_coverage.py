import numpy as np
import pytest

from imbalkit.synthetic_coverage import coverage, coverage_report, diversity


def test_interpolation_misses_the_tail():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(100, 2))
    target = real[:, 0]  # the tail = rows with the largest first feature
    inner = real[np.abs(real[:, 0]) < 0.5]
    rep = coverage_report(real, inner, target, top=0.1)
    assert rep["tail coverage"] == 0.0 and rep["coverage"] > 0.2
    assert rep["range share"] < 0.7


def test_copies_have_distance_ratio_zero_and_full_coverage():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(50, 3))
    rep = coverage_report(real, real.copy(), rng.normal(size=50))
    assert rep["NN distance ratio"] == 0.0 and rep["coverage"] == 1.0 and rep["range share"] == pytest.approx(1.0)


def test_coverage_report_checks_lengths():
    with pytest.raises(ValueError, match="target has 3 values but real has 10 rows"):
        coverage_report(np.zeros((10, 2)), np.zeros((5, 2)), np.zeros(3))


def test_diversity_and_coverage_errors():
    with pytest.raises(ValueError, match="at least two rows"):
        diversity(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="more than k=5"):
        coverage(np.zeros((5, 2)), np.zeros((3, 2)))
