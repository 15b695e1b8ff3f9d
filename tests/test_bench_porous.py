"""BET surface area: the N2 conversion factor by hand, exact recovery on a BET isotherm,
and the Rouquerol criteria on a microporous (Langmuir, type I) isotherm."""
import numpy as np
import pytest

from imbalkit.bench.porous import (bet_area_m2_per_g_from_monolayer, bet_fit, bet_isotherm_cm3_STP_per_g,
                                   bet_transform)


def test_area_conversion_by_hand():
    # 1 cm3 STP = 1/22414 mol; x 6.02214076e23 molecules/mol x 0.162e-18 m2 = 4.3526 m2
    assert bet_area_m2_per_g_from_monolayer(1.0) == pytest.approx(6.02214076e23 * 0.162e-18 / 22414)
    assert bet_area_m2_per_g_from_monolayer(100.0) == pytest.approx(435.26, abs=0.01)


def test_exact_recovery_on_bet_isotherm():
    x = np.linspace(0.03, 0.3, 12)
    res = bet_fit(x, bet_isotherm_cm3_STP_per_g(x, 120.0, 60.0))
    assert res.v_m_cm3_STP_per_g == pytest.approx(120.0)
    assert res.c == pytest.approx(60.0)
    assert res.area_m2_per_g == pytest.approx(bet_area_m2_per_g_from_monolayer(120.0))
    assert res.p_rel_min <= res.x_monolayer <= res.p_rel_max
    assert res.x_monolayer == pytest.approx(1 / (np.sqrt(60.0) + 1))


def test_chosen_range_passes_all_criteria_on_langmuir_isotherm():
    x = np.linspace(0.005, 0.5, 30)
    v = 200 * 50 * x / (1 + 50 * x)  # type I: v(1-x) peaks, so high pressures must be excluded
    res = bet_fit(x, v)
    sel = (x >= res.p_rel_min) & (x <= res.p_rel_max)
    rouq = v[sel] * (1 - x[sel])
    assert np.all(np.diff(rouq) > 0)
    assert res.c > 0
    assert res.p_rel_max < 0.3  # the classic 0.05-0.3 window would violate criterion 1
    row = res.candidates
    full = row[(row.p_rel_min == x[0]) & (row.p_rel_max == x[-1])].iloc[0]
    assert not full["monotonic"]


def test_transform_by_hand():
    assert bet_transform([0.2], [50.0])[0] == pytest.approx(0.2 / (50 * 0.8))


def test_bad_inputs():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        bet_fit([0.0, 0.1, 0.2, 0.3], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="strictly increasing"):
        bet_fit([0.1, 0.3, 0.2, 0.25], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="fewer than min_points"):
        bet_fit([0.1, 0.2], [1, 2])
    with pytest.raises(ValueError, match="no pressure range"):
        bet_fit([0.1, 0.2, 0.3, 0.4], [4.0, 3.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="v_m_cm3_STP_per_g must be a positive"):
        bet_area_m2_per_g_from_monolayer(-1.0)


def test_fixed_range_reports_criteria():
    from imbalkit.bench.porous import bet_fit_range

    x = np.linspace(0.02, 0.4, 20)
    ok = bet_fit_range(x, bet_isotherm_cm3_STP_per_g(x, 50.0, 100.0))
    assert ok["v_m"] == pytest.approx(50.0) and ok["C"] == pytest.approx(100.0)
    assert ok[["monotonic", "positive_C", "x_m_in_range", "x_m_consistent"]].all()
    xl = np.linspace(0.01, 0.4, 20)
    bad = bet_fit_range(xl, 250 * 40 * xl / (1 + 40 * xl))  # type I: the 0.05-0.3 window is invalid
    assert not bad["positive_C"] and np.isnan(bad["area_m2_per_g"])
    with pytest.raises(ValueError, match="only 1 points"):
        bet_fit_range(np.array([0.01, 0.1, 0.5]), np.array([1.0, 2.0, 3.0]), 0.05, 0.2)
