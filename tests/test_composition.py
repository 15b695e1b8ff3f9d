from __future__ import annotations

import pytest

from imbalkit import datasets
from imbalkit.composition import (
    _split_units, element_fractions, parse_formula, parse_formulas, readable_formula, reduced_formula,
)


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("Fe2O3", {"Fe": 2, "O": 3}),
        ("Ag(W3Br7)2", {"Ag": 1, "W": 6, "Br": 14}),
        ("K4[Fe(CN)6]", {"K": 4, "Fe": 1, "C": 6, "N": 6}),
        ("Ca(OH)2", {"Ca": 1, "O": 2, "H": 2}),
        ("((CH3)2)3", {"C": 6, "H": 18}),
        ("CuSO4(H2O)5", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
        ("Al0.25 Co1 Fe1 Ni1", {"Al": 0.25, "Co": 1, "Fe": 1, "Ni": 1}),
        ("Fe0.620C0.000953Mn0.000521", {"Fe": 0.62, "C": 0.000953, "Mn": 0.000521}),
        ("NaN", {"Na": 1, "N": 1}),
        ("FeFe", {"Fe": 2}),
        ("{Li}2O", {"Li": 2, "O": 1}),
    ],
)
def test_parse_formula_known_values(formula: str, expected: dict) -> None:
    got = parse_formula(formula)
    assert got.keys() == expected.keys()
    for el, amount in expected.items():
        assert got[el] == pytest.approx(amount, rel=1e-12)


def test_fractions_sum_to_one_and_match_ratio() -> None:
    fr = element_fractions("Fe2O3")
    assert fr == pytest.approx({"Fe": 0.4, "O": 0.6})
    assert sum(element_fractions("Ag0.5Ge1Pb1.75S4").values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "formula, message",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Xx2O", "unknown element 'Xx'"),
        ("Fe2O3)", r"unmatched '\)'"),
        ("(Fe2O3", "never closed"),
        ("(Fe2]", "mismatched bracket"),
        ("Fe()", "empty brackets"),
        ("2Fe", "does not follow an element"),
        ("Fe-O", "unexpected character '-'"),
        ("fe2o3", "unexpected character 'f'"),
        ("Fe0O0", "all amounts are zero"),
    ],
)
def test_malformed_formula_names_formula_and_problem(formula: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_formula(formula)
    assert repr(formula) in str(info.value)


def test_non_string_rejected() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        parse_formula(None)  # type: ignore[arg-type]


def test_parse_formulas_reports_row_or_ignores() -> None:
    with pytest.raises(ValueError, match="row 1: formula 'Qq'"):
        parse_formulas(["NaCl", "Qq"])
    assert parse_formulas(["NaCl", "Qq"], errors="ignore")[1] is None


def test_reduced_formula_groups_multiples_and_orders() -> None:
    assert reduced_formula("Fe4O6") == reduced_formula("O3Fe2") == reduced_formula("Fe2O3")
    assert reduced_formula("FeO") != reduced_formula("Fe2O3")


FORMULA_TABLES = [n for n in datasets.available()
                  if datasets.info(n)["task"] not in ("structures", "features") and n != "magpie_elements"]
# Mixture notations such as "(Li2S)0.6 (SiS2)0.4" in the Liverpool table have no single formula:
# they must be refused with a message, never read as something else.
REFUSED = {"liverpool_ionics": 33}


def _formulas(name: str):
    df = datasets.load(name)
    column = "formula" if "formula" in df.columns else "FORMULA"
    return df[column].unique()


@pytest.mark.parametrize("name", FORMULA_TABLES)
def test_every_bundled_formula_parses(name: str) -> None:
    refused = 0
    for formula in _formulas(name):
        try:
            fr = element_fractions(formula)
        except ValueError:
            refused += 1
            continue
        assert abs(sum(fr.values()) - 1) < 1e-9, formula
        # the hydrate/adduct reading applies only where the data write a separator
        # (OBELiX has one such entry, "...*(H2O)18"); every other formula is one unit
        if "*" not in formula and "·" not in formula:
            assert _split_units(formula) == [(1.0, 0, len(formula))], formula
    assert refused == REFUSED.get(name, 0), name


@pytest.mark.parametrize("name", FORMULA_TABLES)
def test_bundled_formulas_agree_with_pymatgen(name: str) -> None:
    """An independent parser on a seeded sample of each bundled dataset."""
    Composition = pytest.importorskip("pymatgen.core").Composition
    import numpy as np

    unique = [f for f in _formulas(name) if parse_formulas([f], errors="ignore")[0] is not None]
    sample = np.random.default_rng(0).choice(unique, size=min(150, len(unique)), replace=False)
    for formula in sample:
        ref = {el: a for el, a in Composition(formula).get_el_amt_dict().items() if a > 0}
        got = parse_formula(formula)
        assert got.keys() == ref.keys(), formula
        assert all(got[el] == pytest.approx(ref[el], rel=1e-9) for el in ref), formula


# Hydrates and adducts: every amount below is counted by hand.
CUSO4_5H2O = {"Cu": 1, "S": 1, "O": 9, "H": 10}


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("CuSO4·5H2O", CUSO4_5H2O),  # U+00B7 middle dot
        ("CuSO4•5H2O", CUSO4_5H2O),  # U+2022 bullet
        ("CuSO4⋅5H2O", CUSO4_5H2O),  # U+22C5 dot operator
        ("CuSO4*5H2O", CUSO4_5H2O),
        ("CuSO4.5H2O", CUSO4_5H2O),  # was silently read as O4.5 + H2O
        ("CuSO4 · 5 H2O", CUSO4_5H2O),
        ("CuSO4.5 H2O", CUSO4_5H2O),
        ("Na2CO3.10H2O", {"Na": 2, "C": 1, "O": 13, "H": 20}),  # was O4.1
        ("CaSO4.0.5H2O", {"Ca": 1, "S": 1, "O": 4.5, "H": 1}),
        ("CaSO4·0.5H2O", {"Ca": 1, "S": 1, "O": 4.5, "H": 1}),
        ("Cu(NO3)2.3H2O", {"Cu": 1, "N": 2, "O": 9, "H": 6}),
        ("KAl(SO4)2·12H2O", {"K": 1, "Al": 1, "S": 2, "O": 20, "H": 24}),
        ("AlCl3.6NH3", {"Al": 1, "Cl": 3, "N": 6, "H": 18}),
        ("Na2S.9H2O", {"Na": 2, "S": 1, "O": 9, "H": 18}),  # was S0.9
        ("NaCl.H2O", {"Na": 1, "Cl": 1, "O": 1, "H": 2}),
        ("CaO.Al2O3", {"Ca": 1, "Al": 2, "O": 4}),
        ("CuSO4·5H2O·2NH3", {"Cu": 1, "S": 1, "O": 9, "H": 16, "N": 2}),
        # from OBELiX's 'Reduced Composition' column: 18 waters after '*'
        ("Li3(Mo8S8O8(OH)8(HWO5(H2O)))*(H2O)18", {"Li": 3, "Mo": 8, "S": 8, "O": 40, "H": 47, "W": 1}),
        # decimal amounts stay decimal amounts
        ("Li0.5CoO2", {"Li": 0.5, "Co": 1, "O": 2}),
        ("Fe2.5O4", {"Fe": 2.5, "O": 4}),
        ("H0.5WO3", {"H": 0.5, "W": 1, "O": 3}),
        ("Li7.0Bi1.0O6.0", {"Li": 7, "Bi": 1, "O": 6}),
        ("Ba4.5H2O1", {"Ba": 4.5, "H": 2, "O": 1}),  # the documented way to keep a decimal before H2O
    ],
)
def test_hydrates_and_decimals(formula: str, expected: dict) -> None:
    got = parse_formula(formula)
    assert got.keys() == expected.keys()
    for el, amount in expected.items():
        assert got[el] == pytest.approx(amount, rel=1e-12)


def test_hydrate_notations_give_one_key() -> None:
    keys = {reduced_formula(f) for f in ["CuSO4·5H2O", "CuSO4*5H2O", "CuSO4.5H2O", "CuSO4(H2O)5", "CuS O9H10"]}
    assert len(keys) == 1


@pytest.mark.parametrize(
    "formula, message",
    [
        ("Li.5CoO2", r"'\.' at position 2 after 'i' is ambiguous"),
        ("CuSO4·", "no formula unit after the separator '·'"),
        ("CuSO4·5", "no formula unit after the separator '·'"),
        ("CuSO4··H2O", "no formula unit after the separator '·'"),
        ("·5H2O", "no formula unit before the separator '·'"),
        ("CuSO4.xH2O", "unexpected character 'x'"),
        ("CuSO4·5H2O)", r"unmatched '\)'"),
    ],
)
def test_bad_hydrates_refused_by_name(formula: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_formula(formula)
    assert repr(formula) in str(info.value)


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("Li0.375P0.125S0.5", "Li3PS4"),  # the reduced key's fractions, made whole
        ("Li6P2S8", "Li3PS4"),
        ("Fe4O6", "Fe2O3"),
        ("O3Fe2", "O3Fe2"),  # the order the user wrote is kept
        ("Al0.25 Co1 Fe1 Ni1", "AlCo4Fe4Ni4"),
        ("Li7La3Zr2O12", "Li7La3Zr2O12"),
        ("Li6.4La3Zr1.4Ta0.6O12", "Li6.4La3Zr1.4Ta0.6O12"),  # whole numbers would need Li32...O60
        ("Fe0.62C0.000953", "Fe0.62C0.000953"),  # not a small-number ratio
        ("CuSO4·5H2O", "CuSO9H10"),
    ],
)
def test_readable_formula(formula: str, expected: str) -> None:
    got = readable_formula(formula)
    assert got == expected
    assert reduced_formula(got) == reduced_formula(formula)  # same composition
