from __future__ import annotations

import numpy as np
import pytest

from imbalkit.noise import conflicting_duplicates, inject_label_noise, neighbour_agreement


def test_flip_noise_exact_count_and_determinism() -> None:
    y = np.r_[np.zeros(80), np.ones(20)].astype(int)
    a, ma = inject_label_noise(y, rate=0.1, seed=3)
    b, mb = inject_label_noise(y, rate=0.1, seed=3)
    assert ma.sum() == 10 and np.array_equal(a, b) and np.array_equal(ma, mb)
    assert np.all(a[ma] == 1 - y[ma]) and np.all(a[~ma] == y[~ma])


def test_value_noise_only_on_candidates() -> None:
    y = np.linspace(0, 9, 10)
    noisy, mask = inject_label_noise(y, rate=0.5, seed=0, candidates=y < 5, values=[100.0])
    assert mask.sum() == 2 and np.all(y[mask] < 5) and np.all(noisy[mask] == 100.0)


def test_noise_errors() -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        inject_label_noise([0, 1], rate=1.5, seed=0)
    with pytest.raises(ValueError, match="only binary 0/1"):
        inject_label_noise([0, 1, 2], rate=0.5, seed=0)
    with pytest.raises(ValueError, match="corrupts nothing"):
        inject_label_noise([0, 1], rate=0.01, seed=0)


def test_conflicting_duplicates() -> None:
    out = conflicting_duplicates(["Fe2O3", "Fe4O6", "NaCl", "ClNa", "MgO"], [2.0, 2.5, 8.0, 8.0, 7.0], tol=0.1)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["n"] == 2 and row["spread"] == pytest.approx(0.5) and row["rows"] == [0, 1]
    with pytest.raises(ValueError, match="2 formulas but 3 labels"):
        conflicting_duplicates(["NaCl", "MgO"], [1.0, 2.0, 3.0])


def test_neighbour_agreement_flags_the_odd_label() -> None:
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 0.1, (20, 2)), rng.normal(5, 0.1, (20, 2))]
    y = np.r_[np.zeros(20), np.ones(20)]
    y[3] = 1.0  # a wrong label inside the first cluster
    out = neighbour_agreement(X, y, k=5)
    assert out["disagreement"].idxmax() == 3
    assert out["disagreement"].iloc[3] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="k must be between"):
        neighbour_agreement(X, y, k=40)
