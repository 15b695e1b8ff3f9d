"""Ionic conductivity of solid electrolytes from impedance data.

* ``conductivity_S_per_cm(resistance_ohm, thickness_cm, area_cm2)``: σ = L / (R · A) for a
  pellet of thickness L between blocking electrodes of area A, with R the fitted bulk (or
  total) resistance.
* ``arrhenius_fit(temperature_K, conductivity_S_per_cm)``: least-squares fit of
  ln(σT) = ln(σ₀) − E_a / (k_B T), giving the activation energy E_a in eV with its standard
  error from the covariance of the straight-line fit.

Example
-------
>>> conductivity_S_per_cm(resistance_ohm=200.0, thickness_cm=0.1, area_cm2=0.5)
0.001
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import as_1d_float

__all__ = ["BOLTZMANN_EV_PER_K", "conductivity_S_per_cm", "ArrheniusFit", "arrhenius_fit"]

BOLTZMANN_EV_PER_K = 8.617333262e-5
"""Boltzmann constant k_B in eV/K (CODATA 2018, exact)."""


def _positive(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be finite and positive, got {value!r}")
    return arr


def conductivity_S_per_cm(resistance_ohm: Any, thickness_cm: float, area_cm2: float) -> Any:
    """Conductivity σ = L / (R · A) in S/cm.

    Parameters
    ----------
    resistance_ohm : fitted resistance R in Ω (a number or an array, e.g. one per temperature)
    thickness_cm : pellet thickness L in cm
    area_cm2 : electrode area A in cm²

    >>> round(conductivity_S_per_cm(1.0e4, thickness_cm=0.12, area_cm2=1.13), 9)
    1.0619e-05
    """
    r = _positive("resistance_ohm", resistance_ohm)
    length = _positive("thickness_cm", thickness_cm)
    area = _positive("area_cm2", area_cm2)
    sigma = length / (r * area)
    return float(sigma) if sigma.ndim == 0 else sigma


@dataclass(frozen=True)
class ArrheniusFit:
    """Result of :func:`arrhenius_fit`."""

    Ea_eV: float
    Ea_stderr_eV: float
    ln_prefactor: float
    r2: float
    n: int

    def predict_S_per_cm(self, temperature_K: Any) -> np.ndarray:
        """σ(T) = exp(ln σ₀ − E_a / (k_B T)) / T in S/cm."""
        t = _positive("temperature_K", temperature_K)
        return np.exp(self.ln_prefactor - self.Ea_eV / (BOLTZMANN_EV_PER_K * t)) / t


def arrhenius_fit(temperature_K: Any, conductivity_S_per_cm: Any) -> ArrheniusFit:
    """Fit ln(σT) against 1/T; the slope is −E_a / k_B.

    Returns E_a (eV), its standard error (eV, from the residual variance of the straight
    line; needs at least three temperatures), ln σ₀ (σ₀ in S·K/cm) and R².

    >>> T = np.array([300.0, 325.0, 350.0, 375.0])
    >>> sigma = 1e5 * np.exp(-0.4 / (BOLTZMANN_EV_PER_K * T)) / T
    >>> round(arrhenius_fit(T, sigma).Ea_eV, 6)
    0.4
    """
    t = as_1d_float(temperature_K, "temperature_K")
    s = as_1d_float(conductivity_S_per_cm, "conductivity_S_per_cm")
    if t.size != s.size:
        raise ValueError(f"temperature_K has {t.size} values but conductivity_S_per_cm has {s.size}")
    if t.size < 3:
        raise ValueError(f"an Arrhenius fit with an uncertainty needs at least 3 temperatures, got {t.size}")
    _positive("temperature_K", t)
    _positive("conductivity_S_per_cm", s)
    if np.unique(t).size < 2:
        raise ValueError("temperature_K must contain at least two different temperatures")
    x, y = 1.0 / t, np.log(s * t)
    (slope, intercept), cov = np.polyfit(x, y, 1, cov="unscaled")
    resid = y - (slope * x + intercept)
    dof = t.size - 2
    s2 = float(resid @ resid) / dof
    slope_se = float(np.sqrt(cov[0, 0] * s2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(resid @ resid) / ss_tot if ss_tot > 0 else 1.0
    return ArrheniusFit(Ea_eV=float(-slope * BOLTZMANN_EV_PER_K), Ea_stderr_eV=slope_se * BOLTZMANN_EV_PER_K,
                        ln_prefactor=float(intercept), r2=r2, n=int(t.size))
