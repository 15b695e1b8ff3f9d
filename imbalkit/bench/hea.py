"""Phase-formation descriptors of high-entropy (multi-principal element) alloys.

All functions take a composition as a formula string (``"CoCrFeMnNi"``,
``"Al0.5 Co1 Cr1"``) or a mapping element -> amount; amounts are normalised to atomic
fractions ``c_i``.

* ideal mixing entropy  ΔS_mix = −R Σ c_i ln c_i, in J/(mol·K)
* atomic-size mismatch  δ = 100 · sqrt(Σ c_i (1 − r_i / r̄)²), in %, r̄ = Σ c_i r_i
* valence electron concentration VEC = Σ c_i VEC_i (electrons per atom)
* mixing enthalpy       ΔH_mix = Σ_{i<j} 4 ΔH_ij c_i c_j, in kJ/mol, with the Miedema
  pair values ΔH_ij of Takeuchi & Inoue (2005)
* Ω = T_m ΔS_mix / |ΔH_mix|, T_m = Σ c_i T_m,i (K), dimensionless (Yang & Zhang 2012)

and the two classic rules: solid solution if Ω ≥ 1.1 and δ ≤ 6.6 % (Yang & Zhang 2012);
FCC if VEC ≥ 8, BCC if VEC < 6.87, mixed in between (Guo et al. 2011).

Radii are the Miracle et al. (2003) radii of the Magpie table, so δ values are on that
scale (the Cantor alloy gives 2.25 %; tables of 12-coordinate metallic radii give other
values): compare δ with thresholds calibrated on the same radii. Element VEC follows the
usual convention: s + d valence electrons for s- and d-block metals (the group number, Cu
= 11), s + p for p-block elements (Al = 3, Si = 4, Sn = 4), 3 for the lanthanides; it is
derived from the Magpie valence-electron table (Ward et al. 2016).

Example
-------
>>> round(mixing_entropy_J_per_molK("CoCrFeMnNi"), 2)
13.38
>>> round(mixing_enthalpy_kJ_per_mol("CoCrFeMnNi"), 2)
-4.16
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from itertools import combinations
from typing import Union

import numpy as np
import pandas as pd

from ..composition import atomic_number, element_fractions
from ._hea_tables import MIRACLE_RADIUS_PM, MIXING_ENTHALPY_KJ_PER_MOL

__all__ = [
    "GAS_CONSTANT_J_PER_MOLK",
    "fractions",
    "mixing_entropy_J_per_molK",
    "size_mismatch_percent",
    "vec",
    "element_vec",
    "pair_enthalpy_kJ_per_mol",
    "mixing_enthalpy_kJ_per_mol",
    "melting_point_K",
    "omega",
    "is_solid_solution",
    "vec_phase",
    "rule_phase",
    "hea_descriptors",
]

GAS_CONSTANT_J_PER_MOLK = 8.314462618
"""Molar gas constant R in J/(mol·K) (CODATA 2018, exact)."""

Composition = Union[str, Mapping[str, float]]


def fractions(composition: Composition) -> dict[str, float]:
    """Atomic fractions of a formula string or an element -> amount mapping.

    >>> fractions({"Fe": 2, "Ni": 2})
    {'Fe': 0.5, 'Ni': 0.5}
    """
    if isinstance(composition, str):
        return element_fractions(composition)
    if not isinstance(composition, Mapping) or not composition:
        raise ValueError(f"composition must be a formula string or a non-empty mapping, got {composition!r}")
    for el, amount in composition.items():
        atomic_number(el)  # raises for an unknown symbol
        if not np.isfinite(amount) or amount < 0:
            raise ValueError(f"composition: amount of {el!r} must be a finite non-negative number, got {amount!r}")
    total = float(sum(composition.values()))
    if total <= 0:
        raise ValueError(f"composition {dict(composition)!r} has no positive amount")
    return {el: float(a) / total for el, a in composition.items() if a > 0}


def mixing_entropy_J_per_molK(composition: Composition) -> float:
    """Ideal configurational mixing entropy ΔS_mix = −R Σ c_i ln c_i in J/(mol·K).

    An equiatomic alloy of n elements gives R ln n (13.38 J/(mol·K) for n = 5).

    >>> round(mixing_entropy_J_per_molK("FeNi"), 3)
    5.763
    """
    c = np.array(list(fractions(composition).values()))
    return float(-GAS_CONSTANT_J_PER_MOLK * np.sum(c * np.log(c)))


def _radius_pm(el: str) -> float:
    try:
        return MIRACLE_RADIUS_PM[el]
    except KeyError:
        raise ValueError(
            f"no atomic radius for {el!r}; the radius table covers {', '.join(MIRACLE_RADIUS_PM)}"
        ) from None


def size_mismatch_percent(composition: Composition) -> float:
    """Atomic-size mismatch δ = 100 · sqrt(Σ c_i (1 − r_i / r̄)²) in %, with r̄ = Σ c_i r_i
    and the Miracle et al. (2003) radii.

    >>> size_mismatch_percent("Fe")
    0.0
    >>> round(size_mismatch_percent("CoCrFeMnNi"), 2)
    2.25
    """
    fr = fractions(composition)
    c = np.array(list(fr.values()))
    r = np.array([_radius_pm(el) for el in fr])
    rbar = float(np.sum(c * r))
    return float(100 * np.sqrt(np.sum(c * (1 - r / rbar) ** 2)))


@lru_cache(maxsize=1)
def _vec_table() -> dict[str, float]:
    from ..featurize import element_table

    t = element_table()
    out = {}
    for el, row in t.iterrows():
        z = atomic_number(el)
        if 57 <= z <= 71:
            out[el] = 3.0  # lanthanides: three (5d6s) valence electrons
        elif row["NpValence"] > 0:
            out[el] = float(row["NsValence"] + row["NpValence"])  # p-block: filled d shell is core
        else:
            out[el] = float(row["NsValence"] + row["NdValence"])  # s- and d-block: group number
    return out


def element_vec(element: str) -> float:
    """Valence electron count of one element (see the module docstring for the convention).

    >>> element_vec("Ni"), element_vec("Al"), element_vec("W"), element_vec("Sn")
    (10.0, 3.0, 6.0, 4.0)
    """
    atomic_number(element)
    table = _vec_table()
    if element not in table:
        raise ValueError(f"no valence electron count for {element!r} in the Magpie element table")
    return table[element]


def vec(composition: Composition) -> float:
    """Valence electron concentration VEC = Σ c_i VEC_i (electrons per atom).

    >>> vec("CoCrFeMnNi")
    8.0
    """
    return float(sum(c * element_vec(el) for el, c in fractions(composition).items()))


def pair_enthalpy_kJ_per_mol(a: str, b: str) -> float:
    """Miedema mixing enthalpy of the equiatomic binary liquid a-b (kJ/mol), from the
    Takeuchi & Inoue (2005) table. Raises ``ValueError`` naming a pair that is not tabulated.

    >>> pair_enthalpy_kJ_per_mol("Ni", "Al")
    -22.0
    """
    if a == b:
        return 0.0
    key = tuple(sorted((a, b), key=atomic_number))
    if key not in MIXING_ENTHALPY_KJ_PER_MOL:
        raise ValueError(
            f"no tabulated mixing enthalpy for the pair {key[0]}-{key[1]}; the vendored Takeuchi & Inoue "
            f"table covers pairs of {', '.join(MIRACLE_RADIUS_PM)}"
        )
    return float(MIXING_ENTHALPY_KJ_PER_MOL[key])


def mixing_enthalpy_kJ_per_mol(composition: Composition) -> float:
    """Regular-solution mixing enthalpy ΔH_mix = Σ_{i<j} 4 ΔH_ij c_i c_j in kJ/mol.

    >>> round(mixing_enthalpy_kJ_per_mol("AlCoCrFeNi"), 2)
    -12.32
    """
    fr = fractions(composition)
    return float(sum(4 * pair_enthalpy_kJ_per_mol(a, b) * fr[a] * fr[b] for a, b in combinations(fr, 2)))


def melting_point_K(composition: Composition) -> float:
    """Composition-weighted melting point T_m = Σ c_i T_m,i in K (Magpie ``MeltingT``).

    >>> melting_point_K("FeNi")
    1769.5
    """
    tm = _melting_table()
    return float(sum(c * tm[el] for el, c in fractions(composition).items()))


@lru_cache(maxsize=1)
def _melting_table() -> dict[str, float]:
    from ..featurize import element_table

    return {el: float(v) for el, v in element_table()["MeltingT"].items()}


def omega(composition: Composition) -> float:
    """Ω = T_m ΔS_mix / |ΔH_mix| (dimensionless; ΔH in J/mol). ``inf`` when ΔH_mix = 0.

    >>> round(omega("CoCrFeMnNi"), 2)
    5.79
    """
    dh = abs(mixing_enthalpy_kJ_per_mol(composition)) * 1000.0
    ds = mixing_entropy_J_per_molK(composition)
    return float("inf") if dh == 0 else melting_point_K(composition) * ds / dh


def is_solid_solution(omega_value: float, delta_percent: float, *, omega_min: float = 1.1,
                      delta_max_percent: float = 6.6) -> bool:
    """Yang & Zhang (2012) rule: a solid solution forms if Ω ≥ 1.1 and δ ≤ 6.6 %.

    >>> is_solid_solution(5.5, 3.0), is_solid_solution(0.9, 3.0)
    (True, False)
    """
    return bool(omega_value >= omega_min and delta_percent <= delta_max_percent)


def vec_phase(vec_value: float, *, fcc_min: float = 8.0, bcc_max: float = 6.87) -> str:
    """Guo et al. (2011) rule: ``"FCC"`` if VEC ≥ 8, ``"BCC"`` if VEC < 6.87, else ``"FCC+BCC"``.

    >>> vec_phase(8.0), vec_phase(5.0), vec_phase(7.2)
    ('FCC', 'BCC', 'FCC+BCC')
    """
    if not np.isfinite(vec_value):
        raise ValueError(f"vec_value must be finite, got {vec_value!r}")
    if vec_value >= fcc_min:
        return "FCC"
    if vec_value < bcc_max:
        return "BCC"
    return "FCC+BCC"


def rule_phase(omega_value: float, delta_percent: float, vec_value: float) -> str:
    """The two classic rules combined into a three-class label: ``"other"`` unless the
    Yang & Zhang rule predicts a solid solution; then ``"FCC"``/``"BCC"`` by the Guo VEC rule,
    and ``"other"`` for the mixed FCC+BCC window (6.87 ≤ VEC < 8).

    >>> rule_phase(5.8, 2.3, 8.0), rule_phase(0.8, 2.3, 8.0), rule_phase(5.8, 2.3, 7.2)
    ('FCC', 'other', 'other')
    """
    if not is_solid_solution(omega_value, delta_percent):
        return "other"
    phase = vec_phase(vec_value)
    return phase if phase in ("FCC", "BCC") else "other"


def hea_descriptors(formulas: pd.Series | list[str]) -> pd.DataFrame:
    """All descriptors (and the two rules) for many formulas, one row each.

    Columns: ``dS_mix_J_per_molK``, ``delta_percent``, ``VEC``, ``dH_mix_kJ_per_mol``,
    ``Tm_K``, ``Omega``, ``n_elements``, ``rule_solid_solution``, ``rule_vec_phase``.
    A formula that cannot be handled raises ``ValueError`` naming its row.

    >>> hea_descriptors(["CoCrFeMnNi"])["VEC"].tolist()
    [8.0]
    """
    rows = []
    for i, f in enumerate(list(formulas)):
        try:
            fr = fractions(f)
            d, v, om = size_mismatch_percent(fr), vec(fr), omega(fr)
            rows.append({
                "dS_mix_J_per_molK": mixing_entropy_J_per_molK(fr), "delta_percent": d, "VEC": v,
                "dH_mix_kJ_per_mol": mixing_enthalpy_kJ_per_mol(fr), "Tm_K": melting_point_K(fr),
                "Omega": om, "n_elements": len(fr),
                "rule_solid_solution": is_solid_solution(om, d), "rule_vec_phase": vec_phase(v),
            })
        except ValueError as exc:
            raise ValueError(f"row {i} ({f!r}): {exc}") from None
    return pd.DataFrame(rows)
