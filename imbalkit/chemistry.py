"""Chemistry descriptors for measuring how skewed a materials database is.

Example
-------
>>> anion_family("LiFePO4"), anion_family("GaN"), anion_family("Ni3Al")
('oxide', 'nitride', 'intermetallic')
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .composition import element_fractions, parse_formula

__all__ = ["ANION_FAMILIES", "anion_family", "anion_families", "n_elements", "arity", "contains_element",
           "element_counts"]

# Anion-forming elements, most electronegative first (Pauling). The family of a compound is
# that of its most electronegative anion-forming element, so phosphates, sulfates, nitrates
# and carbonates count as oxides and NH4Cl as a halide.
_ANION_ORDER: tuple[tuple[str, str], ...] = (
    ("F", "halide"), ("O", "oxide"), ("Cl", "halide"), ("N", "nitride"), ("Br", "halide"),
    ("I", "halide"), ("S", "sulfide"), ("Se", "selenide"), ("C", "carbide"), ("H", "hydride"),
    ("P", "pnictide"), ("As", "pnictide"), ("Te", "telluride"), ("B", "boride"), ("Sb", "pnictide"),
)
ANION_FAMILIES: tuple[str, ...] = (
    "oxide", "nitride", "sulfide", "selenide", "telluride", "halide", "carbide", "hydride",
    "pnictide", "boride", "intermetallic", "element",
)
_ANION_OF = dict(_ANION_ORDER)


def anion_family(formula: str) -> str:
    """Anion family of a compound: the family of its most electronegative anion-forming
    element (F, O, Cl, N, Br, I, S, Se, C, H, P, As, Te, B, Sb); ``"intermetallic"`` when
    there is none, ``"element"`` for a single element.

    Oxyfluorides count as halides, because F is more electronegative than O.

    >>> anion_family("BaTiO3"), anion_family("CsPbI3"), anion_family("Fe")
    ('oxide', 'halide', 'element')
    """
    elements = parse_formula(formula)
    if len(elements) == 1:
        return "element"
    for el, family in _ANION_ORDER:
        if el in elements:
            # The least electronegative element of a compound is a cation, never the anion:
            # in 'SbCo3' Sb is the anion, in 'B2O3' B is not (O is found first).
            return family
    return "intermetallic"


def anion_families(formulas: Iterable[str]) -> pd.Series:
    """:func:`anion_family` for many formulas, as a categorical Series.

    >>> anion_families(["NaCl", "MgO"]).tolist()
    ['halide', 'oxide']
    """
    return pd.Series(pd.Categorical([anion_family(f) for f in formulas], categories=ANION_FAMILIES))


def n_elements(formula: str) -> int:
    """Number of distinct elements (arity).

    >>> n_elements("Ag(W3Br7)2")
    3
    """
    return len(parse_formula(formula))


def arity(formulas: Iterable[str]) -> np.ndarray:
    """Number of elements of each formula.

    >>> arity(["Fe", "Fe2O3", "LiFePO4"]).tolist()
    [1, 2, 4]
    """
    return np.array([n_elements(f) for f in formulas], dtype=int)


def contains_element(formulas: Iterable[str], element: str | Sequence[str]) -> np.ndarray:
    """Boolean mask: does each formula contain the element (any of several elements)?

    >>> contains_element(["Fe2O3", "NaCl"], "O").tolist()
    [True, False]
    """
    wanted = {element} if isinstance(element, str) else set(element)
    from .composition import ELEMENTS

    unknown = wanted - set(ELEMENTS)
    if unknown:
        raise ValueError(f"unknown element symbol(s) {sorted(unknown)}")
    return np.array([bool(wanted & parse_formula(f).keys()) for f in formulas], dtype=bool)


def element_counts(formulas: Iterable[str], *, share: bool = False) -> pd.Series:
    """How many formulas contain each element (or the share of formulas if ``share``).

    >>> element_counts(["Fe2O3", "MgO"])["O"]
    np.int64(2)
    """
    formulas = list(formulas)
    counts: dict[str, int] = {}
    for f in formulas:
        for el in element_fractions(f):
            counts[el] = counts.get(el, 0) + 1
    s = pd.Series(counts).sort_values(ascending=False)
    return s / len(formulas) if share else s
