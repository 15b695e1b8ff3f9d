"""Real conductivity data: Arrhenius fits of measured temperature series, with a test for
curvature (non-Arrhenius behaviour), and perovskite-like (ABX3) formulas.

Convention: as in :func:`imbalkit.bench.electrolytes.arrhenius_fit`, ln(σT) is fitted
against 1/T (σ in S/cm, T in K), so E_a is the slope times −k_B.

>>> T = np.array([300.0, 350.0, 400.0, 450.0])
>>> sigma = 1e4 * np.exp(-0.3 / (8.617333262e-5 * T)) / T
>>> round(curvature_test(T, sigma)["Ea_eV"], 6)
0.3
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from ._checks import as_1d_float
from .bench.electrolytes import arrhenius_fit
from .composition import parse_formula

__all__ = ["curvature_test", "arrhenius_series", "abx3_like", "abx3_mask", "ABX3_ANIONS", "parseable"]


def curvature_test(temperature_K: Any, sigma_S_per_cm: Any) -> dict[str, float]:
    """Straight-line Arrhenius fit of ln(σT) vs 1/T plus an F-test of a quadratic term.

    Returns ``Ea_eV``, ``Ea_se_eV``, ``r2``, ``n`` and ``p_curvature`` (p-value of the
    quadratic term; NaN with fewer than 4 distinct temperatures, where curvature cannot be
    tested). A small ``p_curvature`` means the series bends: a phase transition, a change of
    mechanism, or grain boundaries, and a single E_a summarises it badly.

    >>> T = np.array([300.0, 330.0, 360.0, 390.0, 420.0])
    >>> x = 1 / T; bent = np.exp(5 - 2000 * x - 2e6 * (x - x.mean()) ** 2 * 200) / T
    >>> curvature_test(T, bent)["p_curvature"] < 0.01
    True
    """
    t = as_1d_float(temperature_K, "temperature_K")
    s = as_1d_float(sigma_S_per_cm, "sigma_S_per_cm")
    fit = arrhenius_fit(t, s)
    out = {"Ea_eV": fit.Ea_eV, "Ea_se_eV": fit.Ea_stderr_eV, "r2": fit.r2, "n": fit.n, "p_curvature": np.nan}
    if np.unique(t).size >= 4:
        x, y = 1.0 / t, np.log(s * t)
        xc = (x - x.mean()) / x.std()
        rss1 = float(np.sum((y - np.polyval(np.polyfit(xc, y, 1), xc)) ** 2))
        rss2 = float(np.sum((y - np.polyval(np.polyfit(xc, y, 2), xc)) ** 2))
        dof = t.size - 3
        if rss2 <= 1e-300:
            out["p_curvature"] = 0.0 if rss1 > 1e-12 else 1.0
        else:
            f = (rss1 - rss2) / (rss2 / dof)
            out["p_curvature"] = float(sps.f.sf(f, 1, dof))
    return out


def arrhenius_series(df: pd.DataFrame, *, by: Sequence[str] = ("formula", "source"), temperature_C: str = "temperature_C",
                     sigma: str = "sigma", min_temperatures: int = 3, keep: Sequence[str] = ()) -> pd.DataFrame:
    """One Arrhenius fit per measured series (rows sharing the ``by`` columns) with at least
    ``min_temperatures`` distinct temperatures; σ must be in S/cm and temperatures in °C.

    Columns: the ``by`` columns, ``keep`` columns (first value), ``n``, ``T_min_C``,
    ``T_max_C`` and those of :func:`curvature_test`.

    >>> rows = pd.DataFrame({"formula": ["A"] * 3 + ["B"] * 2, "source": ["x"] * 5,
    ...                      "temperature_C": [25, 50, 75, 25, 50], "sigma": [1e-4, 3e-4, 8e-4, 1e-5, 2e-5]})
    >>> arrhenius_series(rows)["formula"].tolist()
    ['A']
    """
    missing = [c for c in (*by, temperature_C, sigma, *keep) if c not in df.columns]
    if missing:
        raise ValueError(f"df has no column(s) {missing}; it has {list(df.columns)}")
    if not isinstance(min_temperatures, (int, np.integer)) or min_temperatures < 3:
        raise ValueError(f"min_temperatures must be an integer >= 3 (a standard error needs 3), got {min_temperatures!r}")
    rows = []
    for key, part in df.groupby(list(by), sort=True):
        part = part[part[sigma] > 0]
        if part[temperature_C].nunique() < min_temperatures:
            continue
        T = part[temperature_C].to_numpy(float) + 273.15
        row = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        row.update({c: part[c].iloc[0] for c in keep})
        row.update({"T_min_C": float(T.min() - 273.15), "T_max_C": float(T.max() - 273.15)})
        row.update(curvature_test(T, part[sigma].to_numpy(float)))
        rows.append(row)
    return pd.DataFrame(rows)


ABX3_ANIONS: tuple[str, ...] = ("O", "F", "Cl", "Br", "I", "S", "Se", "N")


def abx3_like(formula: str, anions: Sequence[str] = ABX3_ANIONS) -> bool:
    """True for a perovskite-like *stoichiometry*: exactly three elements in the ratio
    1 : 1 : 3 with the element of count 3 an anion from ``anions``. This is a formula test,
    not a structure test: it also catches ABX3 compounds that are not perovskites.

    >>> abx3_like("SrTiO3"), abx3_like("Cs1Pb1I3"), abx3_like("Sr2TiO4"), abx3_like("LiNbO3"), abx3_like("AlCl3")
    (True, True, False, True, False)
    """
    counts = parse_formula(formula)
    if len(counts) != 3:
        return False
    amounts = np.array(list(counts.values()), dtype=float)
    unit = amounts.min()
    ratio = np.sort(amounts / unit)
    if not np.allclose(ratio, [1.0, 1.0, 3.0], atol=1e-6):
        return False
    x = max(counts, key=counts.get)
    return x in set(anions)




def parseable(formulas: Sequence[str] | pd.Series) -> np.ndarray:
    """Boolean mask of the formulas :func:`imbalkit.composition.parse_formula` can read.

    Mixture notations such as ``"(Li2S)0.7(P2S5)0.3"`` with quotes or spaces are not
    formulas of one compound; use the mask to drop (and count) them before featurising.

    >>> parseable(["Li3PS4", '"(AgI)0.5(LiPO3)0.5"']).tolist()
    [True, False]
    """
    ok = []
    for f in formulas:
        try:
            parse_formula(str(f))
            ok.append(True)
        except ValueError:
            ok.append(False)
    return np.array(ok, dtype=bool)


_TOKEN = re.compile(r"([A-Z][a-z]?)([0-9]*\.?[0-9]*)")
_PLAIN = re.compile(r"^(?:[A-Z][a-z]?[0-9]*\.?[0-9]*)+$")


def abx3_mask(formulas: Sequence[str] | pd.Series, anions: Sequence[str] = ABX3_ANIONS) -> np.ndarray:
    """:func:`abx3_like` for many formulas, fast: bracket-free formulas such as
    ``"Ba1O3Ti1"`` are read with a regular expression; anything else goes through the full
    parser.

    >>> abx3_mask(["Ba1O3Ti1", "Li3PS4", "Fe2O3", "K1Mg1F3", "SrTi(O)3"]).tolist()
    [True, False, False, True, True]
    """
    anion_set = set(anions)
    out = np.zeros(len(formulas), dtype=bool)
    for i, f in enumerate(formulas):
        s = str(f)
        if not _PLAIN.match(s):
            out[i] = abx3_like(s, anions)
            continue
        tokens = _TOKEN.findall(s)
        if len(tokens) != 3 or len({el for el, _ in tokens}) != 3:
            if len({el for el, _ in tokens}) == 3:
                out[i] = abx3_like(s, anions)
            continue
        amounts = sorted((float(n) if n else 1.0, el) for el, n in tokens)
        (a, _), (b, _), (x, el_x) = amounts
        out[i] = el_x in anion_set and a > 0 and abs(b / a - 1) < 1e-6 and abs(x / a - 3) < 1e-6
    return out
