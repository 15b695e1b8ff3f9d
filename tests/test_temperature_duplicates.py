import numpy as np
import pytest

from imbalkit.duplicates import duplicate_share, merge_duplicates
from imbalkit.temperature import REGIMES, inverse_temperature, temperature_regime


def test_inverse_temperature_known_values():
    # 0 °C = 273.15 K; 1000/T at the boiling point of water = 1000/373.15
    assert inverse_temperature([0.0])[0] == pytest.approx(1000 / 273.15)
    assert inverse_temperature([100.0])[0] == pytest.approx(2.67989, rel=1e-5)
    with pytest.raises(ValueError, match="above -273.15"):
        inverse_temperature([-300.0])
    with pytest.raises(ValueError, match="NaN"):
        inverse_temperature([np.nan])


def test_temperature_regime_boundaries():
    out = temperature_regime([14.9, 15.0, 35.0, 35.1, 100.0, 100.1])
    assert out.tolist() == [REGIMES[0], REGIMES[1], REGIMES[1], REGIMES[2], REGIMES[2], REGIMES[3]]


def test_merge_duplicates_mean_and_counts():
    keys, y, n = merge_duplicates(["b", "a", "b", "b"], [1.0, 5.0, 2.0, 6.0])
    assert keys.tolist() == ["a", "b"] and y.tolist() == [5.0, 3.0] and n.tolist() == [1, 3]
    assert merge_duplicates(["b", "b", "b"], [1.0, 2.0, 6.0], how="median")[1].tolist() == [2.0]
    with pytest.raises(ValueError, match="same length"):
        merge_duplicates(["a"], [1.0, 2.0])
    with pytest.raises(ValueError, match="how must be"):
        merge_duplicates(["a"], [1.0], how="max")


def test_duplicate_share():
    assert duplicate_share(["x", "y", "z"]) == 0.0
    assert duplicate_share(["x", "x", "y", "z"]) == 0.5
