"""parse_censored: numbers and one-sided bounds such as the OBELiX conductivities '<1E-10'."""
import math

import numpy as np
import pandas as pd
import pytest

from imbalkit.censored import censored_summary, parse_censored


def test_obelix_style_strings():
    # strings as they appear in OBELiX's 'Ionic conductivity (S cm-1)' column, plus spacing variants
    raw = ["1.58489e-06", "<1E-10", "6.7e-08", "<1E-8", "< 0.001", ">5", "0.0032", ">= 2", "≤3e-4"]
    out = parse_censored(raw)
    assert out.columns.tolist() == ["value", "censored"]
    assert out["censored"].tolist() == ["", "<", "", "<", "<", ">", "", ">", "<"]
    np.testing.assert_allclose(out["value"], [1.58489e-06, 1e-10, 6.7e-08, 1e-8, 1e-3, 5, 0.0032, 2, 3e-4])
    assert out["value"].dtype == float


def test_numbers_missing_and_index_kept():
    s = pd.Series([1, 2.5, None, np.nan, "", " ", "<1"], index=[10, 11, 12, 13, 14, 15, 16])
    out = parse_censored(s)
    assert out.index.tolist() == s.index.tolist()
    assert out["value"].isna().tolist() == [False, False, True, True, True, True, False]
    assert out["censored"].tolist() == ["", "", "", "", "", "", "<"]


@pytest.mark.parametrize("bad", ["~1e-4", "1,5", "inf", "<", "<abc", "1e-3 S/cm", True, float("inf"), "<-", "n/a",
                                 "NaN"])
def test_rows_that_are_neither_numbers_nor_bounds_are_listed(bad):
    with pytest.raises(ValueError, match=r"sigma: 1 value\(s\) are neither numbers nor censored bounds") as info:
        parse_censored(["1e-3", "<1E-10", bad], name="sigma")
    assert f"row 2 {bad!r}" in str(info.value)


def test_error_lists_at_most_ten_rows():
    with pytest.raises(ValueError, match=r"12 value\(s\).*\(and 2 more\)"):
        parse_censored(["x"] * 12)


def test_single_string_and_frame_rejected():
    with pytest.raises(TypeError, match="single string"):
        parse_censored("<1E-10")
    with pytest.raises(TypeError, match="DataFrame"):
        parse_censored(pd.DataFrame({"a": [1]}))


def test_summary_counts_by_side_and_bound():
    raw = ["<1E-10"] * 36 + ["<1E-8"] + ["3e-4"] * 5 + [">5", ">5"]
    tab = censored_summary(parse_censored(raw))
    assert tab.to_dict("list") == {"side": ["<", "<", ">"], "bound": [1e-10, 1e-8, 5.0], "count": [36, 1, 2]}
    assert len(censored_summary(parse_censored([1.0, 2.0]))) == 0
    assert math.isclose(tab["bound"].iloc[0], 1e-10)
