"""Censored measurements: values reported only as a bound, such as ``"<1E-10"`` or ``"> 5"``.

Measured tables often hold a detection limit instead of a number (an ionic conductivity
"below 1e-10 S/cm", a lifetime "above 5000 h"). Treating ``"<1E-10"`` as text stops a
numeric analysis; dropping the sign silently turns a bound into a point value.
:func:`parse_censored` keeps both pieces: the bound as a float and the side it is on.

Example
-------
>>> parse_censored(["1.5e-4", "<1E-10", "> 5", 0.25])
          value censored
0  1.500000e-04         
1  1.000000e-10        <
2  5.000000e+00        >
3  2.500000e-01         
"""
from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = ["parse_censored", "censored_summary"]

# a sign (<, >, <=, >=, ≤, ≥, ⩽, ⩾), optional spaces, then a plain float such as 1E-10, 0.001, .5, 3
_CENSORED = re.compile(
    r"^\s*(?P<sign><=|>=|<|>|≤|≥|⩽|⩾)\s*(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*$"
)
_SIDE = {"<": "<", "<=": "<", "≤": "<", "⩽": "<", ">": ">", ">=": ">", "≥": ">", "⩾": ">"}


def _is_missing(v: Any) -> bool:
    """None, NaN, pd.NA or an empty string. Text such as "n/a" is *not* missing: it is
    reported, so a typo cannot hide among the missing values."""
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _parse_one(v: Any) -> tuple[float, str] | None:
    """``(value, side)`` for one entry, ``None`` if it is neither a number nor a bound."""
    if _is_missing(v):
        return math.nan, ""
    if isinstance(v, bool):  # True/False are not measurements
        return None
    if isinstance(v, numbers.Real):
        x = float(v)
        return (x, "") if math.isfinite(x) else None
    if not isinstance(v, str):
        return None
    text = v.strip()
    m = _CENSORED.match(text)
    if m is not None:
        return float(m.group("number")), _SIDE[m.group("sign")]
    try:
        x = float(text)
    except ValueError:
        return None
    return (x, "") if math.isfinite(x) else None


def parse_censored(values: Iterable, name: str = "values") -> pd.DataFrame:
    """Split numbers and one-sided bounds into a value and a censoring side.

    Parameters
    ----------
    values : numbers and/or strings. A string may be a plain number (``"3.2e-4"``) or a
        bound: ``<``, ``>``, ``<=``, ``>=``, ``≤`` or ``≥`` followed (spaces allowed) by a
        number, e.g. ``"<1E-10"``, ``"< 0.001"``, ``">5"``. ``<=`` counts as ``<`` and
        ``>=`` as ``>``.
    name : how the values are called in error messages (e.g. the column name)

    Returns
    -------
    DataFrame with the index of ``values`` (if it is a pandas Series, else 0..n-1) and
    columns ``value`` (float; the bound for censored rows) and ``censored`` (``"<"`` the
    true value is below ``value``, ``">"`` above it, ``""`` an exact number). Missing
    entries (None, NaN, pd.NA or an empty string) become ``value`` NaN with ``censored``
    ``""`` so the caller can count and drop them. Text such as ``"n/a"`` or ``"NaN"`` is
    not taken as missing: it is reported as an error, like any other word.

    Raises
    ------
    ValueError
        Listing (up to 10) rows that are neither a finite number, a bound nor missing,
        e.g. ``"~1e-4"``, ``"1,5"``, ``"inf"``, ``"n/a"``, ``"<"`` or ``True``.

    Example
    -------
    >>> parse_censored(["< 0.001", "2e-3"])["censored"].tolist()
    ['<', '']
    >>> parse_censored(["1e-3", "about 2e-3"], name="sigma")
    Traceback (most recent call last):
    ...
    ValueError: sigma: 1 value(s) are neither numbers nor censored bounds such as '<1E-10' or '>5': row 1 'about 2e-3'
    """
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a list or column of values, got a single string {values!r}")
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} must be one column (a Series or list), got a DataFrame with columns "
                        f"{list(values.columns)}")
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    out_value: list[float] = []
    out_side: list[str] = []
    bad: list[tuple[Any, Any]] = []
    for row, v in series.items():
        parsed = _parse_one(v)
        if parsed is None:
            bad.append((row, v))
            parsed = (math.nan, "")
        out_value.append(parsed[0])
        out_side.append(parsed[1])
    if bad:
        shown = ", ".join(f"row {r!r} {v!r}" for r, v in bad[:10])
        more = f" (and {len(bad) - 10} more)" if len(bad) > 10 else ""
        raise ValueError(f"{name}: {len(bad)} value(s) are neither numbers nor censored bounds such as "
                         f"'<1E-10' or '>5': {shown}{more}")
    return pd.DataFrame({"value": pd.Series(out_value, index=series.index, dtype=float),
                         "censored": pd.Series(out_side, index=series.index, dtype=object)})


def censored_summary(parsed: pd.DataFrame) -> pd.DataFrame:
    """Count censored rows by side and bound (one row per distinct ``(side, bound)``).

    >>> censored_summary(parse_censored(["<1E-10", "<1E-10", "<1E-8", "3e-4", ">5"]))
      side         bound  count
    0    <  1.000000e-10      2
    1    <  1.000000e-08      1
    2    >  5.000000e+00      1
    """
    if not {"value", "censored"} <= set(parsed.columns):
        raise ValueError("parsed must be the output of parse_censored (columns 'value' and 'censored'), got "
                         f"columns {list(parsed.columns)}")
    cen = parsed[parsed["censored"] != ""]
    if not len(cen):
        return pd.DataFrame({"side": pd.Series(dtype=object), "bound": pd.Series(dtype=float),
                             "count": pd.Series(dtype=int)})
    tab = (cen.groupby(["censored", "value"]).size().rename("count").reset_index()
           .rename(columns={"censored": "side", "value": "bound"}))
    tab = tab.sort_values(["side", "count", "bound"], ascending=[True, False, True], kind="stable")
    return tab.reset_index(drop=True)
