from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalkit import datasets
from imbalkit.composition import element_fractions
import imbalkit.featurize as fz
from imbalkit.featurize import STATS, composition_matrix, element_table, magpie_features

REFERENCE = json.loads((Path(__file__).parent / "data/matminer_magpie_reference.json").read_text())["features"]


def test_matches_matminer_magpie_value_for_value() -> None:
    formulas = list(REFERENCE)
    X = magpie_features(formulas, stats=["minimum", "maximum", "range", "mean", "avg_dev", "mode"])
    for i, formula in enumerate(formulas):
        for label, value in REFERENCE[formula].items():
            assert X.loc[i, label] == pytest.approx(value, rel=1e-12, abs=1e-12), (formula, label)


def test_matminer_preset_column_for_column() -> None:
    formulas = list(REFERENCE)
    X = fz.matminer_magpie_features(formulas)
    labels = list(REFERENCE[formulas[0]])
    assert len(labels) == 132 and list(X.columns) == labels  # names and order as matminer's
    ref = np.array([[REFERENCE[f][k] for k in labels] for f in formulas])
    np.testing.assert_allclose(X.to_numpy(), ref, rtol=1e-12, atol=1e-12)


def test_mode_by_hand_including_ties() -> None:
    t = element_table()
    X = magpie_features(["Fe2O3", "NaCl", "Al0.25CoFeNi", "Li2O2", "Ti0.5Zr0.5Nb0.25", "Fe", "H2O"],
                        stats=["mode"], properties=["Number", "Electronegativity", "MeltingT"])
    # largest fraction wins: O in Fe2O3, H in H2O; a single element is its own mode
    assert X.loc[0, "MagpieData mode Number"] == 8
    assert X.loc[6, "MagpieData mode Number"] == 1
    assert X.loc[5, "MagpieData mode MeltingT"] == t.loc["Fe", "MeltingT"]
    # ties: the smallest property value among the tied elements, property by property
    assert X.loc[1, "MagpieData mode Number"] == 11  # Na (11) vs Cl (17)
    assert X.loc[1, "MagpieData mode MeltingT"] == min(t.loc["Na", "MeltingT"], t.loc["Cl", "MeltingT"])
    assert X.loc[2, "MagpieData mode Number"] == 26  # Co, Fe, Ni tie (Al is 0.25): Fe
    assert X.loc[2, "MagpieData mode Electronegativity"] == t.loc[["Co", "Fe", "Ni"], "Electronegativity"].min()
    assert X.loc[3, "MagpieData mode Electronegativity"] == t.loc["Li", "Electronegativity"]
    assert X.loc[4, "MagpieData mode MeltingT"] == min(t.loc["Ti", "MeltingT"], t.loc["Zr", "MeltingT"])
    # a near-tie beyond the 1e-5 relative tolerance is not a tie
    Y = magpie_features(["Na1.0001Cl1", "Na1.000001Cl1"], stats=["mode"], properties=["Number"])
    assert Y["MagpieData mode Number"].tolist() == [11.0, 11.0]
    Z = magpie_features(["Na1Cl1.0001", "Na1Cl1.000001"], stats=["mode"], properties=["Number"])
    assert Z["MagpieData mode Number"].tolist() == [17.0, 11.0]


def test_default_columns_unchanged_for_the_pretrained_encoder() -> None:
    X = magpie_features(["NaCl"])
    assert X.shape == (1, 111) and not any(" mode " in c for c in X.columns)
    assert list(X.columns[:2]) == ["MagpieData mean Number", "MagpieData mean MendeleevNumber"]
    assert X.columns[-1] == "n_elements"
    with pytest.raises(TypeError, match="not a string"):
        magpie_features(["NaCl"], stats="mode")


def _slow_reference(formula: str, table: pd.DataFrame) -> dict[str, float]:
    """Direct transcription of the definitions, one formula at a time."""
    fr = element_fractions(formula)
    out = {}
    for prop in table.columns:
        vals = np.array([table.loc[el, prop] for el in fr])
        w = np.array(list(fr.values()))
        mean = float(np.sum(w * vals))
        out[f"MagpieData mean {prop}"] = mean
        out[f"MagpieData avg_dev {prop}"] = float(np.sum(w * np.abs(vals - mean)))
        out[f"MagpieData minimum {prop}"] = vals.min()
        out[f"MagpieData maximum {prop}"] = vals.max()
        out[f"MagpieData range {prop}"] = vals.max() - vals.min()
        out[f"MagpieData mode {prop}"] = min(v for v, f in zip(vals, w) if f >= max(w) * (1 - 1e-5))
    out["n_elements"] = len(fr)
    return out


def test_vectorised_equals_direct_definition_on_real_formulas() -> None:
    table = element_table()
    formulas = datasets.load("expt_gap")["formula"].sample(60, random_state=1).tolist() + ["Fe", "Fe2O3", "Fe2O3"]
    X = magpie_features(formulas, stats=fz.ALL_STATS)
    for i, formula in enumerate(formulas):
        ref = _slow_reference(formula, table)
        got = X.iloc[i]
        for key, value in ref.items():
            assert got[key] == pytest.approx(value, rel=1e-10, abs=1e-10), (formula, key)


def test_hand_computed_fe2o3() -> None:
    X = magpie_features(["Fe2O3"], properties=["Number"])
    assert X.loc[0, "MagpieData mean Number"] == pytest.approx(0.4 * 26 + 0.6 * 8)
    assert X.loc[0, "MagpieData avg_dev Number"] == pytest.approx(0.4 * 10.8 + 0.6 * 7.2)
    assert X.loc[0, "MagpieData range Number"] == 18
    assert X.loc[0, "n_elements"] == 2


def test_shape_order_and_duplicates() -> None:
    X = magpie_features(["NaCl", "Fe2O3", "NaCl"])
    assert X.shape == (3, 22 * len(STATS) + 1)
    assert X.iloc[0].equals(X.iloc[2])
    assert not X.iloc[0].equals(X.iloc[1])


def test_composition_matrix_rows_sum_to_one() -> None:
    M = composition_matrix(["H2O", "NaCl", "Fe2O3"], list(element_table().index))
    assert np.allclose(np.asarray(M.sum(axis=1)).ravel(), 1.0)


def test_errors_name_row_and_problem() -> None:
    with pytest.raises(ValueError, match="row 1: formula 'Og2' contains 'Og'"):
        magpie_features(["NaCl", "Og2"])
    with pytest.raises(ValueError, match="row 0: formula 'Zz'"):
        magpie_features(["Zz"])
    with pytest.raises(ValueError, match="empty"):
        magpie_features([])
    with pytest.raises(ValueError, match="unknown statistic"):
        magpie_features(["NaCl"], stats=["median"])
    with pytest.raises(ValueError, match="no column"):
        magpie_features(["NaCl"], properties=["Colour"])


def test_speed_100k_formulas() -> None:
    formulas = datasets.load("mp_gap")["formula"]
    formulas = pd.concat([formulas, formulas.head(100_000 - len(formulas) if len(formulas) < 100_000 else 0)])
    start = time.perf_counter()
    X = magpie_features(formulas.iloc[:100_000])
    elapsed = time.perf_counter() - start
    assert X.shape[0] == 100_000
    assert elapsed < 30, f"featurising 100k formulas took {elapsed:.1f} s"
