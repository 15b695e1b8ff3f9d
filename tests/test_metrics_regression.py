"""Tests of the regression metrics written for Part I (per-bin errors, PDR)."""
from __future__ import annotations

import numpy as np
import pytest

from imbalkit.metrics import pdr, per_bin_errors, per_bin_errors_repeated


def test_per_bin_errors_hand_computed() -> None:
    y = np.array([0.0, 0.0, 2.0, 5.0, 6.0])
    p = np.array([0.5, -0.5, 2.0, 4.0, 4.0])
    t = per_bin_errors(y, p, thresholds=[1, 4])
    assert t["n"].tolist() == [2, 1, 2]
    assert t["MAE"].tolist() == pytest.approx([0.5, 0.0, 1.5])
    assert t["bias"].tolist() == pytest.approx([0.0, 0.0, -1.5])
    assert t["RMSE"].iloc[2] == pytest.approx(np.sqrt((1 + 4) / 2))


def test_per_bin_errors_input_checks() -> None:
    with pytest.raises(ValueError, match="y_true has 2 values but y_pred has 3"):
        per_bin_errors([0, 1], [0, 1, 2])
    with pytest.raises(ValueError, match="y_pred has 1 NaN"):
        per_bin_errors([0, 1], [0, np.nan])


def test_per_bin_errors_repeated_mean_and_std() -> None:
    y = [0.0, 1.0, 5.0, 6.0]
    t = per_bin_errors_repeated(y, [[0, 1, 4, 5], [0, 1, 3, 5]], thresholds=[4])
    assert t["bias_mean"].tolist() == pytest.approx([0.0, -1.25])
    assert t["bias"].iloc[1] == f"-1.250 ± {np.std([-1.0, -1.5], ddof=1):.3f}"
    with pytest.raises(ValueError, match="2-D"):
        per_bin_errors_repeated(y, [0, 1, 4, 5])


def test_pdr() -> None:
    assert pdr(0.6, 0.2) == 3.0
    assert pdr(0.2, 0.2) == 1.0
    with pytest.raises(ValueError, match="mae_iid is 0"):
        pdr(0.1, 0.0)
    with pytest.raises(ValueError, match="mae_ood must be a finite"):
        pdr(float("nan"), 0.1)
