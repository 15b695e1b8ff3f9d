"""Measurement temperature as data: where the records sit, and the Arrhenius input 1000/T.

Example
-------
>>> inverse_temperature([25.0, 100.0]).round(3).tolist()
[3.354, 2.68]
>>> temperature_regime([25.0, 80.0, 400.0]).tolist()
['room (15-35 °C)', 'warm (35-100 °C)', 'hot (>100 °C)']
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["inverse_temperature", "temperature_regime", "REGIMES"]

REGIMES = ("cold (<15 °C)", "room (15-35 °C)", "warm (35-100 °C)", "hot (>100 °C)")


def inverse_temperature(celsius: Any) -> np.ndarray:
    """1000 / T in K^-1 from temperatures in °C (the x axis of an Arrhenius plot).

    Raises ``ValueError`` for a temperature at or below absolute zero (a unit mix-up, e.g.
    kelvin passed as °C is fine, but -300 °C is not).

    >>> inverse_temperature([726.85]).round(6).tolist()
    [1.0]
    """
    t = np.asarray(celsius, float)
    if np.isnan(t).any():
        raise ValueError("celsius contains NaN; drop rows without a measurement temperature first")
    if (t <= -273.15).any():
        raise ValueError(f"celsius must be above -273.15 °C, got minimum {t.min()}; are these the right units?")
    return 1000.0 / (t + 273.15)


def temperature_regime(celsius: Any) -> np.ndarray:
    """Label each temperature (°C) with one of :data:`REGIMES`.

    >>> temperature_regime([10.0]).tolist()
    ['cold (<15 °C)']
    """
    t = np.asarray(celsius, float)
    if np.isnan(t).any():
        raise ValueError("celsius contains NaN; drop rows without a measurement temperature first")
    idx = np.digitize(t, [15.0, 35.0 + 1e-9, 100.0 + 1e-9])
    return np.array(REGIMES, dtype=object)[idx]
