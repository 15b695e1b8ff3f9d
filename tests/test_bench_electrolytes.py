"""Ionic conductivity and Arrhenius fits: hand calculations and seeded simulated data
with a known activation energy."""
import numpy as np
import pytest

from imbalkit.bench.electrolytes import BOLTZMANN_EV_PER_K, arrhenius_fit, conductivity_S_per_cm


def test_conductivity_hand_calculation():
    # L = 1 mm = 0.1 cm, A = pi (0.5 cm)^2, R = 500 ohm -> sigma = 0.1 / (500 * 0.785398) S/cm
    area = np.pi * 0.5**2
    assert conductivity_S_per_cm(500.0, 0.1, area) == pytest.approx(0.1 / (500 * area))
    assert conductivity_S_per_cm(1.0, 1.0, 1.0) == 1.0


def test_conductivity_vectorised_and_errors():
    out = conductivity_S_per_cm(np.array([10.0, 20.0]), 0.2, 1.0)
    assert out.tolist() == [0.02, 0.01]
    for bad in (0.0, -1.0, np.nan):
        with pytest.raises(ValueError, match="resistance_ohm must be finite and positive"):
            conductivity_S_per_cm(bad, 0.1, 1.0)
    with pytest.raises(ValueError, match="area_cm2"):
        conductivity_S_per_cm(1.0, 0.1, 0.0)


def test_arrhenius_recovers_exact_activation_energy():
    T = np.linspace(298, 398, 6)
    sigma = 1e4 * np.exp(-0.55 / (BOLTZMANN_EV_PER_K * T)) / T
    fit = arrhenius_fit(T, sigma)
    assert fit.Ea_eV == pytest.approx(0.55, abs=1e-9)
    assert fit.Ea_stderr_eV < 1e-9
    assert fit.r2 == pytest.approx(1.0)
    assert fit.predict_S_per_cm(T) == pytest.approx(sigma, rel=1e-8)


def test_arrhenius_stderr_matches_scipy_linregress():
    from scipy.stats import linregress

    rng = np.random.default_rng(3)
    T = np.linspace(300, 420, 7)
    sigma = 1e3 * np.exp(-0.3 / (BOLTZMANN_EV_PER_K * T) + rng.normal(0, 0.05, T.size)) / T
    fit = arrhenius_fit(T, sigma)
    ref = linregress(1 / T, np.log(sigma * T))
    assert fit.Ea_eV == pytest.approx(-ref.slope * BOLTZMANN_EV_PER_K)
    assert fit.Ea_stderr_eV == pytest.approx(ref.stderr * BOLTZMANN_EV_PER_K)


def test_arrhenius_bad_input():
    with pytest.raises(ValueError, match="at least 3"):
        arrhenius_fit([300, 310], [1e-3, 2e-3])
    with pytest.raises(ValueError, match="has 3 values but"):
        arrhenius_fit([300, 310, 320], [1e-3, 2e-3])
    with pytest.raises(ValueError, match="conductivity_S_per_cm must be finite and positive"):
        arrhenius_fit([300, 310, 320], [1e-3, -2e-3, 1e-2])
    with pytest.raises(ValueError, match="two different temperatures"):
        arrhenius_fit([300, 300, 300], [1e-3, 2e-3, 3e-3])
