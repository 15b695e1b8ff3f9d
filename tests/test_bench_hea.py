"""High-entropy-alloy descriptors against hand calculations and published values.

Worked examples:
* Cantor alloy CoCrFeMnNi (Cantor et al., Mater. Sci. Eng. A 375-377, 213 (2004)): equiatomic
  five-component alloy, so ΔS_mix = R ln 5 = 13.38 J/(mol K).
* ΔH_mix of CoCrFeMnNi from the ten Takeuchi & Inoue (2005) pair values
  (Co-Cr -4, Co-Fe -1, Co-Mn -5, Co-Ni 0, Cr-Fe -1, Cr-Mn +2, Cr-Ni -7, Fe-Mn 0, Fe-Ni -2,
  Mn-Ni -8 kJ/mol): 4 * 0.2 * 0.2 * (-26) = -4.16 kJ/mol (by hand).
* AlCoCrFeNi: adds Al-Co -19, Al-Cr -10, Al-Fe -11, Al-Ni -22 -> 0.16 * (-77) = -12.32 kJ/mol.
"""
import math

import numpy as np
import pytest

from imbalkit.bench import hea

R = 8.314462618


def test_cantor_entropy_is_R_ln5():
    assert hea.mixing_entropy_J_per_molK("CoCrFeMnNi") == pytest.approx(R * math.log(5))
    assert round(hea.mixing_entropy_J_per_molK("CoCrFeMnNi"), 2) == 13.38


def test_entropy_of_non_equiatomic_by_hand():
    # Al0.5CoCrFeNi: fractions 0.5/4.5 and 1/4.5 (x4)
    c = np.array([0.5, 1, 1, 1, 1]) / 4.5
    assert hea.mixing_entropy_J_per_molK("Al0.5 Co1 Cr1 Fe1 Ni1") == pytest.approx(-R * np.sum(c * np.log(c)))


def test_pure_element_has_zero_entropy_and_mismatch():
    assert hea.mixing_entropy_J_per_molK("Fe") == 0.0
    assert hea.size_mismatch_percent("Fe") == 0.0


def test_mixing_enthalpy_cantor_and_alcocrfeni():
    assert hea.mixing_enthalpy_kJ_per_mol("CoCrFeMnNi") == pytest.approx(-4.16)
    assert hea.mixing_enthalpy_kJ_per_mol("AlCoCrFeNi") == pytest.approx(-12.32)


def test_binary_equiatomic_enthalpy_equals_pair_value():
    # 4 * 0.5 * 0.5 * dH_AB = dH_AB
    assert hea.mixing_enthalpy_kJ_per_mol("NiAl") == pytest.approx(-22.0)
    assert hea.mixing_enthalpy_kJ_per_mol("CuFe") == pytest.approx(13.0)


def test_pair_table_symmetric_and_published_values():
    assert hea.pair_enthalpy_kJ_per_mol("Al", "Ni") == hea.pair_enthalpy_kJ_per_mol("Ni", "Al") == -22.0
    assert hea.pair_enthalpy_kJ_per_mol("Cr", "Ni") == -7.0
    assert hea.pair_enthalpy_kJ_per_mol("Co", "Ni") == 0.0


def test_missing_pair_is_named():
    with pytest.raises(ValueError, match="pair .*Pt"):
        hea.pair_enthalpy_kJ_per_mol("Fe", "Pt")
    with pytest.raises(ValueError, match="Fe-Pt"):
        hea.mixing_enthalpy_kJ_per_mol("FePt")


def test_size_mismatch_by_hand():
    # Miracle radii Co 125, Cr 130, Fe 125, Mn 132, Ni 126 pm
    r = np.array([125, 130, 125, 132, 126.0])
    rbar = r.mean()
    expected = 100 * math.sqrt(np.mean((1 - r / rbar) ** 2))
    assert hea.size_mismatch_percent("CoCrFeMnNi") == pytest.approx(expected)


def test_vec_convention_and_cantor():
    assert hea.vec("CoCrFeMnNi") == pytest.approx(8.0)  # (9 + 6 + 8 + 7 + 10) / 5
    assert hea.vec("AlCoCrFeNi") == pytest.approx(7.2)
    assert [hea.element_vec(e) for e in ("Ti", "Hf", "Ta", "W", "Cu", "Si", "Nd")] == [4, 4, 5, 6, 11, 4, 3]


def test_melting_point_and_omega_by_hand():
    tm = (1768 + 2180 + 1811 + 1519 + 1728) / 5  # Magpie MeltingT, K
    assert hea.melting_point_K("CoCrFeMnNi") == pytest.approx(tm)
    assert hea.omega("CoCrFeMnNi") == pytest.approx(tm * R * math.log(5) / 4160.0)


def test_omega_infinite_for_ideal_pair():
    assert hea.omega("CoNi") == float("inf")  # Co-Ni pair value is 0


def test_rules():
    assert hea.is_solid_solution(1.1, 6.6) and not hea.is_solid_solution(1.09, 3) and not hea.is_solid_solution(5, 6.7)
    assert [hea.vec_phase(v) for v in (8.0, 7.99, 6.87, 6.86)] == ["FCC", "FCC+BCC", "FCC+BCC", "BCC"]
    with pytest.raises(ValueError, match="finite"):
        hea.vec_phase(float("nan"))


def test_descriptor_table_and_row_errors():
    t = hea.hea_descriptors(["CoCrFeMnNi", "AlCoCrFeNi"])
    assert t["rule_vec_phase"].tolist() == ["FCC", "FCC+BCC"]
    assert t["n_elements"].tolist() == [5, 5]
    with pytest.raises(ValueError, match=r"row 1 \('FePt'\)"):
        hea.hea_descriptors(["CoNi", "FePt"])


def test_bad_composition_inputs():
    with pytest.raises(ValueError, match="unknown element"):
        hea.fractions({"Xx": 1.0})
    with pytest.raises(ValueError, match="non-negative"):
        hea.fractions({"Fe": -1.0})
    with pytest.raises(ValueError, match="no positive amount"):
        hea.fractions({"Fe": 0.0})
