import numpy as np
import pandas as pd
import pytest

from imbalkit.diagnose import CHAPTERS, chapter_url, diagnose, read_table
from imbalkit.diagnostics import describe_imbalance, zero_inflation


@pytest.fixture
def gaps():
    rng = np.random.default_rng(0)
    formulas = ["NaCl", "MgO", "Fe", "GaN", "ZnO", "CuAl2", "LiF", "SiC"] * 10
    y = np.where(rng.random(80) < 0.5, 0.0, rng.gamma(2.0, 1.0, 80))
    return pd.DataFrame({"formula": formulas, "gap": y})


def test_regression_figures_come_from_diagnostics(gaps):
    rep = diagnose(gaps, "gap", formula="formula", thresholds=[4.0])
    assert rep.kind == "regression"
    assert rep.figures["zero share"] == zero_inflation(gaps["gap"])
    assert rep.figures["imbalance ratio"] == describe_imbalance(gaps["gap"], kind="regression").imbalance_ratio
    tails = next(s.table for s in rep.sections if s.title == "Tail shares")
    assert tails.iloc[0]["share"] == pytest.approx((gaps["gap"] > 4).mean())
    # eight formulas repeated ten times -> eight duplicate groups of ten rows
    assert rep.figures["duplicate groups"] == 8 and rep.figures["rows in duplicate groups"] == 80
    keys = [k for _, k in rep.recommendations]
    assert "zero-inflated" in keys and "pdr" in keys and "curation" in keys


def test_classification_recommendations_depend_on_ratio():
    rare = diagnose(pd.DataFrame({"y": ["glass"] * 95 + ["crystal"] * 5}), "y")
    assert rare.kind == "classification" and rare.figures["imbalance ratio"] == 19.0
    keys = [k for _, k in rare.recommendations]
    assert {"metrics", "accept-or-rebalance", "algorithm-level", "test-set-size"} <= set(keys)
    balanced = diagnose(pd.DataFrame({"y": [0, 1] * 50}), "y")
    bkeys = [k for _, k in balanced.recommendations]
    assert "is-it-imbalance" in bkeys and "algorithm-level" not in bkeys


def test_links_built_from_one_base_url(gaps):
    rep = diagnose(gaps, "gap", base_url="https://example.org/b/")
    md = rep.to_markdown()
    for _, key in rep.recommendations:
        assert f"](https://example.org/b/{CHAPTERS[key][0]}.html)" in md
    assert chapter_url("curation", "https://x.org") == "https://x.org/book/part6/02-curation.html"
    with pytest.raises(ValueError, match="unknown chapter key"):
        chapter_url("nope")


def test_every_chapter_path_exists_in_the_book_plan():
    parts = {"part1": 3, "part2": 4, "part3": 5, "part4": 5, "part6": 3}
    for path, _ in CHAPTERS.values():
        _, part, name = path.split("/")
        assert int(name[:2]) <= parts.get(part, 7)


def test_missing_column_lists_columns(gaps):
    with pytest.raises(ValueError, match=r"target column 'band_gap' not found; the columns are: formula, gap"):
        diagnose(gaps, "band_gap")
    with pytest.raises(ValueError, match=r"formula column 'comp' not found"):
        diagnose(gaps, "gap", formula="comp")


def test_non_numeric_target_that_should_be_numeric():
    df = pd.DataFrame({"y": ["1.2", "3.4", "n/a?", "0.0", "2.2"]})
    with pytest.raises(ValueError, match=r"looks numeric but 1 value\(s\) are not numbers, first at row\(s\) \[2\]"):
        diagnose(df, "y")
    with pytest.raises(ValueError, match="needs a numeric target"):
        diagnose(pd.DataFrame({"y": ["a", "b"]}), "y", kind="regression")


def test_unparsable_formulas_reported_by_row_not_fatal(gaps):
    df = gaps.copy()
    df.loc[3, "formula"] = "Xq2O"
    df.loc[7, "formula"] = "Fe(("
    rep = diagnose(df, "gap", formula="formula")
    assert rep.bad_formulas["row"].tolist() == [3, 7]
    assert "unknown element" in rep.bad_formulas["error"].iloc[0]
    fam = next(s.table for s in rep.sections if s.title == "Chemistry: anion families")
    assert fam["count"].sum() == len(df) - 2


def test_empty_inputs(tmp_path):
    with pytest.raises(ValueError, match="no rows"):
        diagnose(pd.DataFrame({"y": []}), "y")
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="is empty"):
        read_table(empty)
    header = tmp_path / "h.csv"
    header.write_text("formula,target\n")
    with pytest.raises(ValueError, match="header but no data rows"):
        read_table(header)


def test_html_is_self_contained(gaps):
    html = diagnose(gaps, "gap", formula="formula", figure=True).to_html()
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64," in html
    assert "<script" not in html and 'src="http' not in html and "<link" not in html


def test_progress_bar_on_stderr(gaps, capsys):
    diagnose(gaps, "gap", formula="formula", progress=True)
    assert "parsing formulas" in capsys.readouterr().err
    diagnose(gaps, "gap", formula="formula")  # small input: no bar by default
    assert "parsing formulas" not in capsys.readouterr().err


def test_missing_targets_are_dropped_and_said(gaps):
    df = gaps.copy()
    df.loc[:4, "gap"] = np.nan
    rep = diagnose(df, "gap")
    assert rep.figures["n"] == len(df) - 5
    assert any(s.title == "Missing target values" for s in rep.sections)


def test_censored_values_left_out_and_counted_apart_from_missing():
    df = pd.DataFrame({"formula": ["Li3PS4", "Li2S", "LiI", "Li3N", "LiCl", "NaCl", "KCl"],
                       "sigma": ["1e-4", "<1E-10", "<1E-10", ">5", None, "2e-3", "3e-5"]})
    rep = diagnose(df, "sigma", formula="formula")
    assert rep.kind == "regression" and rep.figures["n"] == 3 and rep.figures["censored values"] == 3
    cens = next(s for s in rep.sections if s.title == "Censored target values")
    assert cens.table.to_dict("list") == {"side": ["<", ">"], "bound": [1e-10, 5.0], "count": [2, 1]}
    missing = next(s for s in rep.sections if s.title == "Missing target values")
    assert missing.text.startswith("1 row(s)")


def test_mostly_censored_column_is_still_numeric():
    rep = diagnose(pd.DataFrame({"y": ["<1E-10"] * 6 + ["1e-3", "2e-3", "4e-3"]}), "y")
    assert rep.kind == "regression" and rep.figures["censored values"] == 6


def test_all_censored_is_a_clear_error():
    with pytest.raises(ValueError, match="no usable .*uncensored"):
        diagnose(pd.DataFrame({"y": ["<1E-10", "<1E-8"]}), "y")


def test_conflict_table_uses_readable_formulas():
    df = pd.DataFrame({"formula": ["Li3PS4", "Li6P2S8", "Li0.375P0.125S0.5", "NaCl", "ClNa"],
                       "y": [1.0, 9.0, 5.0, 2.0, 2.0]})
    rep = diagnose(df, "y", formula="formula", conflict_tolerance=0.5)
    conf = next(s.table for s in rep.sections if s.title == "Duplicates and conflicts")
    assert conf["formula"].tolist() == ["Li3PS4"] and "key" not in conf.columns
    dups = next(s.table for s in rep.sections if s.title == "Repeated compositions")
    assert dups["formula"].tolist() == ["Li3PS4", "NaCl"]
    assert rep.to_markdown().endswith("\n") and not rep.to_markdown().endswith("\n\n")
