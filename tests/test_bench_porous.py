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


# --- regression tests: "Correct to the reference" (measured isotherms) -----------------------
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402

ISOTHERMS = Path(__file__).parent / "data" / "isotherms"
MEASURED = ["n2_77k_carbon_black_bp280.csv", "n2_77k_silica_lichrospher_si1000.csv"]


def _load(name):
    d = pd.read_csv(ISOTHERMS / name)
    return d["p_rel"].to_numpy(), d["loading_mmol_per_g"].to_numpy()


@pytest.mark.parametrize("name", MEASURED)
def test_bet_area_agrees_with_pygaps_on_measured_isotherms(name):
    area_bet_raw = pytest.importorskip("pygaps.characterisation.area_bet").area_BET_raw
    x, n_mmol = _load(name)
    ours = bet_fit(x, n_mmol * 22.414)
    # pyGAPS: its own automatic range (upper end where n(1 - p/p0) stops rising, lower end at
    # a tenth of that pressure); loading in mol/g, N2 cross-section 0.162 nm²
    ref_area = area_bet_raw(x, n_mmol / 1000, 0.162)[0]
    assert ours.area_m2_per_g == pytest.approx(ref_area, rel=0.02)


@pytest.mark.parametrize("name", MEASURED)
def test_bet_on_chosen_range_equals_pygaps_on_that_range(name):
    area_bet_raw = pytest.importorskip("pygaps.characterisation.area_bet").area_BET_raw
    x, n_mmol = _load(name)
    ours = bet_fit(x, n_mmol * 22.414)
    i, j = np.searchsorted(x, ours.p_rel_min), np.searchsorted(x, ours.p_rel_max)
    # pyGAPS keeps points up to searchsorted(p_max) - 1, so pass the next point as upper limit
    area, c, n_m, p_m = area_bet_raw(x, n_mmol / 1000, 0.162, p_limits=(x[i], x[j + 1]))[:4]
    assert ours.n_points == j - i + 1
    assert ours.area_m2_per_g == pytest.approx(area, rel=1e-9)
    assert ours.c == pytest.approx(c, rel=1e-9)
    assert ours.v_m_cm3_STP_per_g == pytest.approx(n_m * 22414, rel=1e-9)
    assert ours.x_monolayer == pytest.approx(p_m, rel=1e-9)


@pytest.mark.parametrize("name", MEASURED)
def test_chosen_range_on_measured_isotherm_passes_criteria_checked_by_hand(name):
    x, n_mmol = _load(name)
    v = n_mmol * 22.414
    r = bet_fit(x, v)
    sel = (x >= r.p_rel_min) & (x <= r.p_rel_max)
    xs, vs = x[sel], v[sel]
    assert np.all(np.diff(vs * (1 - xs)) > 0)  # 1: n(1 - p/p0) rises over the range
    slope, intercept = np.polyfit(xs, xs / (vs * (1 - xs)), 1)
    c, vm = slope / intercept + 1, 1 / (slope + intercept)
    assert c > 0  # 2
    xm = 1 / (np.sqrt(c) + 1)
    assert xs[0] <= xm <= xs[-1]  # 3
    assert abs(np.interp(vm, v, x) - xm) <= 0.10 * xm  # 4
    # the width rule: no consistent range is wider
    ok = r.candidates[r.candidates[["monotonic", "positive_C", "x_m_in_range", "x_m_consistent"]].all(axis=1)]
    assert (ok.p_rel_max - ok.p_rel_min).max() == pytest.approx(r.p_rel_max - r.p_rel_min)
