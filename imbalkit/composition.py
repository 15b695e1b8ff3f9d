"""Chemical formula parsing.

Turns formula strings such as ``"Fe2O3"``, ``"Ag(W3Br7)2"``, the fractional steel
compositions of Matbench (``"Fe0.62C0.00095Mn0.00052..."``) or hydrates and adducts
(``"CuSO4·5H2O"``) into element amounts and element fractions. Every error names the
formula and what is wrong with it.

Hydrates and adducts
--------------------
A formula may be a sum of units, each after the first with an optional leading count:
``"CuSO4·5H2O"`` is CuSO4 plus 5 H2O. The separators ``·`` (U+00B7), ``•``, ``⋅``,
``∙`` and ``*`` always separate units. The full stop ``.`` is also the decimal point
(``"Li0.5CoO2"``, ``"Fe2.5O4"``), so it separates units only where it cannot be one:

* after a letter or a closing bracket (``"Na2S.9H2O"``, ``"NaCl.H2O"``), or
* after a digit when everything that follows is a count and water, heavy water or
  ammonia: ``"CuSO4.5H2O"``, ``"Na2CO3.10H2O"``, ``"CaSO4.0.5H2O"``, ``"AlCl3.6NH3"``.

Everything else with a digit on both sides is a decimal amount: ``"Fe2.5O4"`` is
Fe2.5 O4. A decimal formula that genuinely ends in ``<digit>.<digits>H2O`` would be read
as a hydrate; write its last amount out (``"Ba4.5H2O1"``) to keep the decimal reading.
A full stop after a letter followed by a digit that is not such a hydrate
(``"Li.5CoO2"``: 0.5 Li, or 5 CoO2?) is refused as ambiguous.

Example
-------
>>> element_fractions("Fe2O3")
{'Fe': 0.4, 'O': 0.6}
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "ELEMENTS",
    "parse_formula",
    "element_fractions",
    "parse_formulas",
    "reduced_formula",
    "readable_formula",
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
_UNIT_SEPARATORS = "·•⋅∙*"
_COUNT = re.compile(r"\d+(?:\.\d+)?")
# after '<digit>.': a count and a small molecule, and nothing else up to the next separator
_DOT_ADDUCT = re.compile(r"\s*\d+(?:\.\d+)?\s*(?:H2O|D2O|NH3)\s*")


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
    total: dict[str, float] = {}
    for count, start, end in _split_units(formula):
        for el, amount in _parse_unit(formula, start, end).items():
            total[el] = total.get(el, 0.0) + count * amount
    amounts = total
    negative = [el for el, a in amounts.items() if a < 0]
    if negative:
        raise ValueError(f"formula {formula!r}: negative amount for {negative}")
    amounts = {el: a for el, a in amounts.items() if a > 0}
    if not amounts:
        raise ValueError(f"formula {formula!r}: all amounts are zero")
    return tuple(amounts.items())


def _split_units(formula: str) -> list[tuple[float, int, int]]:
    """``(count, start, end)`` of each unit of a hydrate/adduct formula (one unit for most)."""
    if not any(c in formula for c in _UNIT_SEPARATORS + "."):
        return [(1.0, 0, len(formula))]
    units: list[tuple[float, int, int]] = []
    count, start, i = 1.0, 0, 0
    while i < len(formula):
        ch = formula[i]
        if ch == ".":
            is_cut = _dot_separates(formula, i)
        else:
            is_cut = ch in _UNIT_SEPARATORS
        if not is_cut:
            i += 1
            continue
        if not formula[start:i].strip():
            raise ValueError(f"formula {formula!r}: no formula unit before the separator {ch!r} at position {i}")
        units.append((count, start, i))
        j = i + 1
        while j < len(formula) and formula[j].isspace():
            j += 1
        m = _COUNT.match(formula, j)
        count = float(m.group()) if m else 1.0
        start = i = m.end() if m else j
        while i < len(formula) and formula[i].isspace():
            i += 1
        if i >= len(formula) or formula[i] in _UNIT_SEPARATORS + ".":
            raise ValueError(f"formula {formula!r}: no formula unit after the separator {ch!r} at position {j - 1}")
    units.append((count, start, len(formula)))
    return units


def _dot_separates(formula: str, i: int) -> bool:
    """Is the full stop at ``i`` a hydrate/adduct separator (``True``) or a decimal point?"""
    prev = formula[i - 1] if i > 0 else ""
    nxt = formula[i + 1] if i + 1 < len(formula) else ""
    if not (prev.isalpha() or prev in ")]}" or prev.isdigit()):
        return False  # e.g. a leading '.5': the tokenizer reports it
    stop = min([k for k in (formula.find(c, i + 1) for c in _UNIT_SEPARATORS) if k >= 0] or [len(formula)])
    water_like = _DOT_ADDUCT.fullmatch(formula, i + 1, stop) is not None
    if prev.isdigit():
        return water_like  # 'CuSO4.5H2O' is a hydrate, 'Fe2.5O4' a decimal amount
    if not nxt.isdigit() or water_like:
        return True  # 'CaO.SiO2', 'NaCl.H2O', 'Na2S.9H2O'
    raise ValueError(
        f"formula {formula!r}: the '.' at position {i} after {prev!r} is ambiguous: an amount written "
        f"'.{nxt}...' or a count of formula units; write the amount with a leading zero (e.g. 'Li0.5') "
        "or separate the units with '·' or '*'"
    )


def _parse_unit(formula: str, start: int, end: int) -> dict[str, float]:
    """Element amounts of ``formula[start:end]`` (positions in messages refer to ``formula``)."""
    stack: list[dict[str, float]] = [{}]
    opened: list[str] = []
    pos = start
    while pos < end:
        m = _TOKEN.match(formula, pos, end)
        if m is None:
            raise ValueError(
                f"formula {formula!r}: unexpected character {formula[pos]!r} at position {pos}; "
                "only element symbols, numbers, brackets and hydrate separators (·, *) are allowed"
            )
        kind, text = m.lastgroup, m.group()
        pos = m.end()
        if kind == "element":
            if text not in _Z:
                raise ValueError(f"formula {formula!r}: unknown element {text!r} at position {m.start()}")
            amount, pos = _read_number(formula, pos, end)
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
            multiplier, pos = _read_number(formula, pos, end)
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
    if not stack[0]:
        raise ValueError(f"formula {formula!r} contains no element")
    return stack[0]


def _read_number(formula: str, pos: int, end: int) -> tuple[float, int]:
    """Read an optional amount at ``pos``; an absent amount means 1."""
    m = _TOKEN.match(formula, pos, end)
    if m is not None and m.lastgroup == "number":
        return float(m.group()), m.end()
    return 1.0, pos


def parse_formula(formula: str) -> dict[str, float]:
    """Parse a formula into element amounts (not normalised).

    Brackets ``()``, ``[]`` and ``{}`` may be nested; amounts may be fractional; spaces
    between element groups are ignored; hydrates and adducts (``"CuSO4·5H2O"``,
    ``"CuSO4.5H2O"``) add their units (see the module notes for how a full stop is read).
    Elements with amount zero are dropped.

    Raises
    ------
    ValueError
        For an empty or malformed formula or an unknown element, naming the formula.

    Example
    -------
    >>> parse_formula("Ag(W3Br7)2")
    {'Ag': 1.0, 'W': 6.0, 'Br': 14.0}
    >>> parse_formula("CuSO4.5H2O")
    {'Cu': 1.0, 'S': 1.0, 'O': 9.0, 'H': 10.0}
    >>> parse_formula("Fe2.5O4")
    {'Fe': 2.5, 'O': 4.0}
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


def readable_formula(formula: str, *, max_denominator: int = 100) -> str:
    """The smallest whole-number formula, elements in the order they are written.

    For people, not for grouping (use :func:`reduced_formula` as a key): ``"Li6P2S8"`` and
    ``"Li0.375P0.125S0.5"`` both read ``"Li3PS4"``. If the amounts are not ratios of small
    whole numbers (denominators up to ``max_denominator``, e.g. the steel
    ``"Fe0.62C0.000953"``), or making them whole needs counts above 24 and above the
    largest amount written (``"Li6.4La3Zr1.4Ta0.6O12"`` would become Li32La15...), the
    amounts are kept as written (brackets and hydrates multiplied out).

    >>> readable_formula("Li0.375P0.125S0.5"), readable_formula("Fe4O6"), readable_formula("CuSO4·5H2O")
    ('Li3PS4', 'Fe2O3', 'CuSO9H10')
    >>> readable_formula("Fe0.62C0.000953"), readable_formula("Li6.4La3Zr1.4Ta0.6O12")
    ('Fe0.62C0.000953', 'Li6.4La3Zr1.4Ta0.6O12')
    """
    amounts = parse_formula(formula)
    fracs = {el: Fraction(a).limit_denominator(max_denominator) for el, a in amounts.items()}
    if all(math.isclose(float(fracs[el]), a, rel_tol=1e-6, abs_tol=1e-9) and fracs[el] > 0
           for el, a in amounts.items()):
        lcm = math.lcm(*(f.denominator for f in fracs.values()))
        ints = [int(f * lcm) for f in fracs.values()]
        g = math.gcd(*ints)
        counts = [n // g for n in ints]
        if max(counts) <= max(24.0, max(amounts.values())):
            return "".join(f"{el}{'' if n == 1 else n}" for el, n in zip(amounts, counts))
    return "".join(f"{el}{'' if a == 1 else f'{a:g}'}" for el, a in amounts.items())
