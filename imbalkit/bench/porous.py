"""BET specific surface area from an N2 adsorption isotherm (77 K).

The linear BET form is

    x / [v (1 − x)] = 1 / (v_m C) + (C − 1) / (v_m C) · x,      x = p / p0,

with v the amount adsorbed (cm³ STP per g), v_m the monolayer capacity and C the BET
constant. The surface area is S = v_m / V_mol · N_A · σ with V_mol = 22 414 cm³/mol (STP)
and σ = 0.162 nm² for N2, i.e. S ≈ 4.353 m²/g per cm³ STP/g of monolayer capacity.

The pressure range is chosen with the consistency criteria of Rouquerol et al. (2007), as
recommended by IUPAC (Thommes et al. 2015): over the chosen contiguous range

1. v (1 − x) increases monotonically with x;
2. C is positive (positive intercept);
3. the relative pressure of monolayer completion, x_m = 1 / (sqrt(C) + 1), lies inside the range;
4. x_m agrees within ``tol_xm`` (default 10 %) with the relative pressure at which the
   measured isotherm (linearly interpolated) reaches v_m.

Among the ranges that pass, the *widest* one wins: the largest span p_max − p_min in p/p0
(ties: the higher R², then more points). The width, not the number of points, decides,
because the number of points reflects how the instrument was programmed: micropore
protocols sample p/p0 < 0.01 densely, and a "most points" rule then picks a range of
sub-monolayer points where the BET plot curves (on the measured reference isotherms of
the tests, that underestimates the area by 13–17 %).

Validation (tests/test_bench_porous.py): on two measured N2 isotherms of reference
materials (carbon black BP280, silica LiChrospher Si-1000) the area agrees with pyGAPS's
``area_BET`` within 1 %, and on the same pressure range both give the same area, C and
monolayer capacity to 1e-9 (relative).

Example
-------
>>> round(bet_area_m2_per_g_from_monolayer(100.0), 1)
435.3
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._checks import as_1d_float

__all__ = [
    "N2_CROSS_SECTION_NM2", "AVOGADRO_PER_MOL", "MOLAR_VOLUME_STP_CM3", "bet_area_m2_per_g_from_monolayer",
    "bet_transform", "BETResult", "bet_fit", "bet_fit_range", "bet_isotherm_cm3_STP_per_g",
]

N2_CROSS_SECTION_NM2 = 0.162
"""Cross-sectional area of an adsorbed N2 molecule at 77 K (nm²)."""
AVOGADRO_PER_MOL = 6.02214076e23
MOLAR_VOLUME_STP_CM3 = 22414.0
"""Molar volume of an ideal gas at STP (273.15 K, 1 atm), cm³/mol."""


def bet_area_m2_per_g_from_monolayer(v_m_cm3_STP_per_g: float, *,
                                     cross_section_nm2: float = N2_CROSS_SECTION_NM2) -> float:
    """Surface area S = v_m / 22414 · N_A · σ in m²/g, for a monolayer capacity in cm³ STP/g.

    >>> round(bet_area_m2_per_g_from_monolayer(1.0), 4)
    4.3526
    """
    if not np.isfinite(v_m_cm3_STP_per_g) or v_m_cm3_STP_per_g <= 0:
        raise ValueError(f"v_m_cm3_STP_per_g must be a positive number, got {v_m_cm3_STP_per_g!r}")
    return float(v_m_cm3_STP_per_g / MOLAR_VOLUME_STP_CM3 * AVOGADRO_PER_MOL * cross_section_nm2 * 1e-18)


def bet_isotherm_cm3_STP_per_g(p_rel: Any, v_m_cm3_STP_per_g: float, c: float) -> np.ndarray:
    """The BET isotherm v(x) = v_m C x / [(1 − x)(1 − x + C x)] (cm³ STP/g), for 0 < x < 1.

    >>> float(bet_isotherm_cm3_STP_per_g(1 / (np.sqrt(100.0) + 1), 50.0, 100.0)[0])  # doctest: +ELLIPSIS
    50.0...
    """
    x = as_1d_float(np.atleast_1d(p_rel), "p_rel")
    if np.any((x <= 0) | (x >= 1)):
        raise ValueError("p_rel (p/p0) must lie strictly between 0 and 1")
    return v_m_cm3_STP_per_g * c * x / ((1 - x) * (1 - x + c * x))


def bet_transform(p_rel: Any, adsorbed_cm3_STP_per_g: Any) -> np.ndarray:
    """The left-hand side of the linear BET form, x / [v (1 − x)].

    >>> bet_transform([0.1], [10.0]).round(5).tolist()
    [0.01111]
    """
    x, v = _check_isotherm(p_rel, adsorbed_cm3_STP_per_g)
    return x / (v * (1 - x))


def _check_isotherm(p_rel: Any, v: Any) -> tuple[np.ndarray, np.ndarray]:
    x = as_1d_float(p_rel, "p_rel")
    a = as_1d_float(v, "adsorbed_cm3_STP_per_g")
    if x.size != a.size:
        raise ValueError(f"p_rel has {x.size} points but adsorbed_cm3_STP_per_g has {a.size}")
    if np.any((x <= 0) | (x >= 1)):
        raise ValueError("p_rel (p/p0) must lie strictly between 0 and 1")
    if np.any(a <= 0):
        raise ValueError("adsorbed_cm3_STP_per_g must be positive")
    if np.any(np.diff(x) <= 0):
        raise ValueError("p_rel must be strictly increasing (the adsorption branch, sorted)")
    return x, a


@dataclass(frozen=True)
class BETResult:
    """Result of :func:`bet_fit`: area, monolayer capacity, C, the chosen range and why."""

    area_m2_per_g: float
    v_m_cm3_STP_per_g: float
    c: float
    p_rel_min: float
    p_rel_max: float
    n_points: int
    r2: float
    x_monolayer: float
    candidates: pd.DataFrame = field(repr=False)


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    ss = float(np.sum((y - y.mean()) ** 2))
    return float(slope), float(intercept), 1.0 - float(resid @ resid) / ss if ss > 0 else 1.0


def bet_fit(p_rel: Any, adsorbed_cm3_STP_per_g: Any, *, min_points: int = 4, tol_xm: float = 0.10,
            cross_section_nm2: float = N2_CROSS_SECTION_NM2) -> BETResult:
    """BET fit on the widest contiguous pressure range that passes the Rouquerol criteria.

    Every contiguous range of at least ``min_points`` points is fitted; among those that
    pass all four criteria (module docstring) the one with the largest p/p0 span is kept,
    ties broken by the higher R², then by more points.

    Parameters
    ----------
    p_rel : relative pressures p/p0 of the adsorption branch, increasing, in (0, 1)
    adsorbed_cm3_STP_per_g : amount adsorbed at each pressure (cm³ STP per g)
    min_points : smallest number of points in a range
    tol_xm : allowed relative difference for criterion 4

    Returns
    -------
    BETResult; ``candidates`` lists every range tried with its criteria.

    Raises ``ValueError`` when no range passes (the message says which criteria failed).

    >>> x = np.linspace(0.02, 0.3, 15)
    >>> r = bet_fit(x, bet_isotherm_cm3_STP_per_g(x, 80.0, 150.0))
    >>> round(r.v_m_cm3_STP_per_g, 6), round(r.c, 3)
    (80.0, 150.0)
    """
    x, v = _check_isotherm(p_rel, adsorbed_cm3_STP_per_g)
    if min_points < 3:
        raise ValueError(f"min_points must be at least 3, got {min_points}")
    if x.size < min_points:
        raise ValueError(f"the isotherm has {x.size} points, fewer than min_points={min_points}")
    rouq = v * (1 - x)
    y = x / rouq
    rows = []
    for i in range(x.size):
        for j in range(i + min_points, x.size + 1):
            xs, ys = x[i:j], y[i:j]
            slope, intercept, r2 = _line(xs, ys)
            c1 = bool(np.all(np.diff(rouq[i:j]) > 0))
            c2 = intercept > 0 and slope + intercept > 0
            vm = 1.0 / (slope + intercept) if slope + intercept > 0 else np.nan
            c = slope / intercept + 1 if intercept > 0 else np.nan
            xm = 1.0 / (np.sqrt(c) + 1) if c2 and c > 0 else np.nan
            c3 = bool(np.isfinite(xm) and xs[0] <= xm <= xs[-1])
            x_at_vm = float(np.interp(vm, v, x)) if np.isfinite(vm) and v[0] <= vm <= v[-1] else np.nan
            c4 = bool(c3 and np.isfinite(x_at_vm) and abs(x_at_vm - xm) <= tol_xm * xm)
            rows.append({"p_rel_min": xs[0], "p_rel_max": xs[-1], "n_points": j - i, "v_m": vm, "C": c,
                         "x_monolayer": xm, "r2": r2, "monotonic": c1, "positive_C": bool(c2),
                         "x_m_in_range": c3, "x_m_consistent": c4})
    cand = pd.DataFrame(rows)
    ok = cand[cand[["monotonic", "positive_C", "x_m_in_range", "x_m_consistent"]].all(axis=1)]
    if ok.empty:
        passed = {k: int(cand[k].sum()) for k in ("monotonic", "positive_C", "x_m_in_range", "x_m_consistent")}
        raise ValueError(
            f"no pressure range of at least {min_points} points passes all four Rouquerol criteria "
            f"(ranges passing each criterion: {passed} of {len(cand)}); check the isotherm or lower min_points"
        )
    span = ok["p_rel_max"] - ok["p_rel_min"]
    best = ok.assign(span=span).sort_values(["span", "r2", "n_points"], ascending=False, kind="stable").iloc[0]
    return BETResult(
        area_m2_per_g=bet_area_m2_per_g_from_monolayer(float(best["v_m"]), cross_section_nm2=cross_section_nm2),
        v_m_cm3_STP_per_g=float(best["v_m"]), c=float(best["C"]), p_rel_min=float(best["p_rel_min"]),
        p_rel_max=float(best["p_rel_max"]), n_points=int(best["n_points"]), r2=float(best["r2"]),
        x_monolayer=float(best["x_monolayer"]), candidates=cand,
    )


def bet_fit_range(p_rel: Any, adsorbed_cm3_STP_per_g: Any, p_rel_min: float = 0.05, p_rel_max: float = 0.30,
                  *, tol_xm: float = 0.10) -> pd.Series:
    """BET fit on a fixed relative-pressure window (the classic 0.05-0.30), reporting the
    Rouquerol criteria instead of enforcing them. Returns a Series with ``v_m``, ``C``,
    ``area_m2_per_g`` (NaN when C ≤ 0), ``r2`` and one boolean per criterion.

    >>> x = np.linspace(0.02, 0.4, 20)
    >>> round(bet_fit_range(x, bet_isotherm_cm3_STP_per_g(x, 50.0, 100.0))["C"], 6)
    100.0
    """
    x, v = _check_isotherm(p_rel, adsorbed_cm3_STP_per_g)
    sel = (x >= p_rel_min) & (x <= p_rel_max)
    if sel.sum() < 3:
        raise ValueError(f"only {int(sel.sum())} points lie in [{p_rel_min}, {p_rel_max}]; need at least 3")
    xs, vs = x[sel], v[sel]
    slope, intercept, r2 = _line(xs, xs / (vs * (1 - xs)))
    c = slope / intercept + 1 if intercept > 0 else np.nan
    c = c if np.isfinite(c) and c > 0 else np.nan
    vm = 1.0 / (slope + intercept) if slope + intercept > 0 else np.nan
    xm = 1.0 / (np.sqrt(c) + 1) if np.isfinite(c) else np.nan
    x_at_vm = float(np.interp(vm, v, x)) if np.isfinite(vm) and v[0] <= vm <= v[-1] else np.nan
    in_range = bool(np.isfinite(xm) and xs[0] <= xm <= xs[-1])
    return pd.Series({
        "p_rel_min": xs[0], "p_rel_max": xs[-1], "n_points": int(sel.sum()), "v_m": vm,
        "C": slope / intercept + 1 if intercept != 0 else np.nan,
        "area_m2_per_g": bet_area_m2_per_g_from_monolayer(vm) if np.isfinite(c) and np.isfinite(vm) else np.nan,
        "r2": r2, "monotonic": bool(np.all(np.diff(vs * (1 - xs)) > 0)), "positive_C": bool(np.isfinite(c)),
        "x_m_in_range": in_range,
        "x_m_consistent": bool(in_range and np.isfinite(x_at_vm) and abs(x_at_vm - xm) <= tol_xm * xm),
    })
