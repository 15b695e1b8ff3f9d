"""Chemical formula parsing.

Turns formula strings such as ``"Fe2O3"``, ``"Ag(W3Br7)2"`` or the fractional steel
compositions of Matbench (``"Fe0.62C0.00095Mn0.00052..."``) into element amounts and
element fractions. Every error names the formula and what is wrong with it.

Example
-------
>>> element_fractions("Fe2O3")
{'Fe': 0.4, 'O': 0.6}
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "ELEMENTS",
    "parse_formula",
    "element_fractions",
    "parse_formulas",
    "reduced_formula",
    "atomic_number",
]

ELEMENTS: tuple[str, ...] = (
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
    "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga",
    "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd",
    "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm",
    "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os",
    "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa",
    "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg",
    "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
)
_Z = {symbol: z for z, symbol in enumerate(ELEMENTS, start=1)}

_TOKEN = re.compile(
    r"(?P<element>[A-Z][a-z]?)"
    r"|(?P<number>\d+\.\d*|\.\d+|\d+)"
    r"|(?P<open>[(\[{])"
    r"|(?P<close>[)\]}])"
    r"|(?P<space>\s+)"
)
_CLOSING = {"(": ")", "[": "]", "{": "}"}


def atomic_number(symbol: str) -> int:
    """Return the atomic number of an element symbol.

    >>> atomic_number("Fe")
    26
    """
    try:
        return _Z[symbol]
    except KeyError:
        raise ValueError(f"unknown element symbol {symbol!r}") from None


@lru_cache(maxsize=400_000)
def _parse_cached(formula: str) -> tuple[tuple[str, float], ...]:
    if not formula or not formula.strip():
        raise ValueError(f"formula {formula!r} is empty; give a formula such as 'Fe2O3'")
    stack: list[dict[str, float]] = [{}]
    opened: list[str] = []
    pos = 0
    while pos < len(formula):
        m = _TOKEN.match(formula, pos)
        if m is None:
            raise ValueError(
                f"formula {formula!r}: unexpected character {formula[pos]!r} at position {pos}; "
                "only element symbols, numbers and brackets are allowed"
            )
        kind, text = m.lastgroup, m.group()
        pos = m.end()
        if kind == "element":
            if text not in _Z:
                raise ValueError(f"formula {formula!r}: unknown element {text!r} at position {m.start()}")
            amount, pos = _read_number(formula, pos)
            stack[-1][text] = stack[-1].get(text, 0.0) + amount
        elif kind == "open":
            stack.append({})
            opened.append(text)
        elif kind == "close":
            if not opened:
                raise ValueError(f"formula {formula!r}: unmatched {text!r} at position {m.start()}")
            if _CLOSING[opened.pop()] != text:
                raise ValueError(f"formula {formula!r}: mismatched bracket {text!r} at position {m.start()}")
            group = stack.pop()
            if not group:
                raise ValueError(f"formula {formula!r}: empty brackets before position {m.start()}")
            multiplier, pos = _read_number(formula, pos)
            for el, amount in group.items():
                stack[-1][el] = stack[-1].get(el, 0.0) + amount * multiplier
        elif kind == "number":
            raise ValueError(
                f"formula {formula!r}: number {text!r} at position {m.start()} does not follow "
                "an element or a closing bracket"
            )
        # whitespace separates groups, e.g. 'Al0.25 Co1 Fe1 Ni1'
    if opened:
        raise ValueError(f"formula {formula!r}: bracket {opened[-1]!r} is never closed")
    amounts = stack[0]
    if not amounts:
        raise ValueError(f"formula {formula!r} contains no element")
    negative = [el for el, a in amounts.items() if a < 0]
    if negative:
        raise ValueError(f"formula {formula!r}: negative amount for {negative}")
    amounts = {el: a for el, a in amounts.items() if a > 0}
    if not amounts:
        raise ValueError(f"formula {formula!r}: all amounts are zero")
    return tuple(amounts.items())


def _read_number(formula: str, pos: int) -> tuple[float, int]:
    """Read an optional amount at ``pos``; an absent amount means 1."""
    m = _TOKEN.match(formula, pos)
    if m is not None and m.lastgroup == "number":
        return float(m.group()), m.end()
    return 1.0, pos


def parse_formula(formula: str) -> dict[str, float]:
    """Parse a formula into element amounts (not normalised).

    Brackets ``()``, ``[]`` and ``{}`` may be nested; amounts may be fractional; spaces
    between element groups are ignored. Elements with amount zero are dropped.

    Raises
    ------
    ValueError
        For an empty or malformed formula or an unknown element, naming the formula.

    Example
    -------
    >>> parse_formula("Ag(W3Br7)2")
    {'Ag': 1.0, 'W': 6.0, 'Br': 14.0}
    """
    if not isinstance(formula, str):
        raise ValueError(f"formula must be a string, got {type(formula).__name__} {formula!r}")
    return dict(_parse_cached(formula))


def element_fractions(formula: str) -> dict[str, float]:
    """Parse a formula and normalise the amounts to atomic fractions summing to one.

    >>> element_fractions("NaCl")
    {'Na': 0.5, 'Cl': 0.5}
    """
    amounts = parse_formula(formula)
    total = sum(amounts.values())
    return {el: a / total for el, a in amounts.items()}


def parse_formulas(formulas: Iterable[str], *, errors: str = "raise") -> list[dict[str, float] | None]:
    """Element fractions for many formulas.

    Parameters
    ----------
    formulas : iterable of str
    errors : {"raise", "ignore"}
        ``"raise"`` re-raises the first bad formula with its row number; ``"ignore"``
        returns ``None`` for it.

    >>> parse_formulas(["H2O", "NaCl"])[0]["H"]  # doctest: +ELLIPSIS
    0.666...
    """
    if errors not in ("raise", "ignore"):
        raise ValueError(f"errors must be 'raise' or 'ignore', got {errors!r}")
    out: list[dict[str, float] | None] = []
    for row, formula in enumerate(formulas):
        try:
            out.append(element_fractions(formula))
        except ValueError as exc:
            if errors == "raise":
                raise ValueError(f"row {row}: {exc}") from None
            out.append(None)
    return out


def reduced_formula(formula: str, *, decimals: int = 4) -> str:
    """A canonical key for a composition: elements sorted by atomic number with their
    atomic fractions rounded to ``decimals``. ``"Fe4O6"`` and ``"Fe2O3"`` give the same key,
    so duplicates and polymorphs can be grouped.

    >>> reduced_formula("Fe4O6") == reduced_formula("O3Fe2")
    True
    """
    fr = element_fractions(formula)
    parts = [f"{el}{round(fr[el], decimals):g}" for el in sorted(fr, key=_Z.__getitem__)]
    return "".join(parts)
