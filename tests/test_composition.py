from __future__ import annotations

import pytest

from imbalkit import datasets
from imbalkit.composition import element_fractions, parse_formula, parse_formulas, reduced_formula


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


@pytest.mark.parametrize("name", [n for n in datasets.available() if n != "magpie_elements"])
def test_every_bundled_formula_parses(name: str) -> None:
    df = datasets.load(name)
    column = "formula" if "formula" in df.columns else "FORMULA"
    for formula in df[column].unique():
        fr = element_fractions(formula)
        assert abs(sum(fr.values()) - 1) < 1e-9, formula
