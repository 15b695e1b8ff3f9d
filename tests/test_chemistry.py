from __future__ import annotations

import numpy as np
import pytest

from imbalkit import chemistry


@pytest.mark.parametrize(
    "formula, family",
    [
        ("Fe2O3", "oxide"), ("LiFePO4", "oxide"), ("Li2SO4", "oxide"), ("CaCO3", "oxide"),
        ("GaN", "nitride"), ("Si3N4", "nitride"), ("CdS", "sulfide"), ("ZnSe", "selenide"),
        ("CdTe", "telluride"), ("NaCl", "halide"), ("CsPbI3", "halide"), ("LaOF", "halide"),
        ("NH4Cl", "halide"), ("SiC", "carbide"), ("MgB2", "boride"), ("LiH", "hydride"),
        ("GaAs", "pnictide"), ("InP", "pnictide"), ("Ni3Al", "intermetallic"), ("Fe", "element"),
    ],
)
def test_anion_family(formula: str, family: str) -> None:
    assert chemistry.anion_family(formula) == family


def test_anion_families_categorical() -> None:
    s = chemistry.anion_families(["NaCl", "MgO", "Ni3Al"])
    assert s.tolist() == ["halide", "oxide", "intermetallic"]
    assert set(s.cat.categories) == set(chemistry.ANION_FAMILIES)


def test_arity_and_contains() -> None:
    assert chemistry.arity(["Fe", "Fe2O3", "Ag(W3Br7)2", "LiFePO4"]).tolist() == [1, 2, 3, 4]
    assert chemistry.contains_element(["Fe2O3", "NaCl", "SiO2"], ["O", "Cl"]).tolist() == [True, True, True]
    assert chemistry.contains_element(["Fe2O3", "NaCl"], "N").tolist() == [False, False]
    with pytest.raises(ValueError, match="unknown element symbol"):
        chemistry.contains_element(["NaCl"], "Xx")


def test_element_counts_and_share() -> None:
    counts = chemistry.element_counts(["Fe2O3", "MgO", "NaCl", "Fe"])
    assert counts["O"] == 2 and counts["Fe"] == 2 and counts["Cl"] == 1
    share = chemistry.element_counts(["Fe2O3", "MgO", "NaCl", "Fe"], share=True)
    assert share["O"] == pytest.approx(0.5)
    assert np.isclose(share.sum(), counts.sum() / 4)
