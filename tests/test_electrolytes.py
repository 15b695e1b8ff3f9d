import numpy as np
import pandas as pd
import pytest

from imbalkit.bench.electrolytes import BOLTZMANN_EV_PER_K
from imbalkit.electrolytes import abx3_like, abx3_mask, arrhenius_series, curvature_test, parseable


def _series(T, Ea, prefactor=1e5):
    return prefactor * np.exp(-Ea / (BOLTZMANN_EV_PER_K * T)) / T


def test_curvature_test_recovers_straight_line_and_flags_bend():
    T = np.array([300.0, 330.0, 360.0, 390.0, 420.0, 450.0])
    assert curvature_test(T, _series(T, 0.45))["Ea_eV"] == pytest.approx(0.45, abs=1e-9)
    # a straight line with 1 % noise: no curvature is detected in most seeds (p is uniform under no curvature)
    noisy = [curvature_test(T, _series(T, 0.45) * np.exp(np.random.default_rng(s).normal(0, 0.01, T.size)))
             for s in range(40)]
    assert np.mean([r["p_curvature"] < 0.05 for r in noisy]) < 0.2
    assert np.mean([r["Ea_eV"] for r in noisy]) == pytest.approx(0.45, abs=0.01)
    # two regimes: 0.6 eV below 360 K, 0.2 eV above (a transition), continuous at 360 K
    low = _series(T, 0.6)
    high = _series(T, 0.2) * _series(np.array([360.0]), 0.6)[0] / _series(np.array([360.0]), 0.2)[0]
    bent = np.where(T < 360, low, high)
    assert curvature_test(T, bent * np.exp(np.random.default_rng(0).normal(0, 0.01, T.size)))["p_curvature"] < 0.05


def test_curvature_needs_four_temperatures():
    T = np.array([300.0, 350.0, 400.0])
    assert np.isnan(curvature_test(T, _series(T, 0.3))["p_curvature"])


def test_arrhenius_series_groups_and_filters():
    T_C = [25.0, 60.0, 100.0, 150.0]
    rows = []
    for f, ea in [("A", 0.3), ("B", 0.5)]:
        rows += [{"formula": f, "source": "doi", "family": "x", "temperature_C": t,
                  "sigma": _series(t + 273.15, ea)} for t in T_C]
    rows += [{"formula": "C", "source": "doi", "family": "y", "temperature_C": t, "sigma": 1e-4} for t in (25.0, 50.0)]
    out = arrhenius_series(pd.DataFrame(rows), keep=["family"])
    assert out["formula"].tolist() == ["A", "B"]
    assert out["Ea_eV"].to_numpy() == pytest.approx([0.3, 0.5])
    assert out["T_max_C"].tolist() == [150.0, 150.0] and out["family"].tolist() == ["x", "x"]
    with pytest.raises(ValueError, match="no column"):
        arrhenius_series(pd.DataFrame(rows), sigma="S")
    with pytest.raises(ValueError, match="min_temperatures"):
        arrhenius_series(pd.DataFrame(rows), min_temperatures=2)


@pytest.mark.parametrize("formula, expected", [
    ("BaTiO3", True), ("Ba1O3Ti1", True), ("CsPbBr3", True), ("Ba2Ti2O6", True), ("LaAlO3", True),
    ("Sr2TiO4", False), ("AlCl3", False), ("BaTiO3F", False), ("NaMgFe3", False), ("Li3PS4", False),
])
def test_abx3_like(formula, expected):
    assert abx3_like(formula) == expected


def test_abx3_mask_agrees_with_abx3_like():
    formulas = ["Ba1O3Ti1", "Cs1I3Pb1", "O3Pm1Te1", "Fe2O3", "Li1P3", "K1Mg1F3", "Ba2O6Ti2", "La1N1O2Ta1", "Ti0.5O1.5Sr0.5"]
    assert abx3_mask(formulas).tolist() == [abx3_like(f) for f in formulas]


def test_parseable():
    assert parseable(["LiCoO2", '"(Li2S)0.7 (P2S5)0.3"', "Li7La3Zr2O12"]).tolist() == [True, False, True]
