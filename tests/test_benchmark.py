"""`imbalkit benchmark` end to end on small real data, its numbers against the protocol's own
functions on the same folds, and its errors on bad input (exit 2, nothing written)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imbalkit import datasets, protocol
from imbalkit.benchmark import BenchmarkInputError, prepare, run_benchmark
from imbalkit.cli import main
from imbalkit.featurize import magpie_features

FAST = ["plain", "class weights", "SMOTE"]


@pytest.fixture(scope="module")
def obelix_csv(tmp_path_factory):
    """A real user-style file: 240 OBELiX rows with their raw conductivity strings (incl. '<1E-10')."""
    ob = datasets.load("obelix").sample(240, random_state=1).reset_index(drop=True)
    df = ob[["Reduced Composition", "Ionic conductivity (S cm-1)", "Family", "Space group #"]]
    path = tmp_path_factory.mktemp("bench") / "electrolytes.csv"
    df.to_csv(path, index=False)
    return path, df


def test_cli_end_to_end_writes_a_report_that_states_the_verdicts(obelix_csv, tmp_path, capsys):
    path, df = obelix_csv
    out = tmp_path / "report.md"
    code = main(["benchmark", str(path), "--target", "Ionic conductivity (S cm-1)", "--formula", "Reduced Composition",
                 "--rare", ">= 1e-3", "--techniques", *FAST, "--folds", "3", "--repeats", "1", "--jobs", "1",
                 "--out", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    text = out.read_text()
    assert (tmp_path / "report.png").stat().st_size > 1000
    prevalence = (pd.to_numeric(df["Ionic conductivity (S cm-1)"], errors="coerce") >= 1e-3).mean()
    assert f"prevalence of the rare class {prevalence:.3f}" in text
    for tech in FAST:
        assert f"| {tech} |" in text
    assert ("Beat the baseline on PR-AUC" in text) or ("No technique beat the baseline" in text)
    assert "censored value(s)" in text  # the '<1E-10' rows were placed below the cut, and said so
    assert "part3/01-data-level.html" in text and text.endswith("\n")


def test_numbers_equal_the_protocol_on_the_same_folds(obelix_csv):
    path, df = obelix_csv
    rep = run_benchmark(df, "Ionic conductivity (S cm-1)", formula="Reduced Composition", rare=">= 1e-3",
                        techniques=FAST, n_splits=3, n_repeats=1, seed=4)
    # inputs: Magpie features of the formulas, labels from an independent reading of the strings
    X = magpie_features(df["Reduced Composition"])
    raw = df["Ionic conductivity (S cm-1)"].astype(str)
    y = np.where(raw.str.startswith("<"), 0, (pd.to_numeric(raw, errors="coerce") >= 1e-3).astype(int))
    np.testing.assert_array_equal(rep.prepared.y, y)
    pd.testing.assert_frame_equal(rep.prepared.X, X)
    direct = protocol.compare(X, y, kind="binary", techniques=FAST, n_splits=3, n_repeats=1, seed=4)
    cols = ["technique", "repeat", "fold", "metric", "value"]
    pd.testing.assert_frame_equal(rep.result.scores[cols].reset_index(drop=True), direct.scores[cols].reset_index(drop=True))
    pd.testing.assert_frame_equal(rep.result.paired, direct.paired)
    # the table's baseline PR-AUC is the mean of the per-fold values
    mean = direct.scores.query("technique == 'plain' and metric == 'PR-AUC'")["value"].mean()
    assert rep.table().set_index("technique").loc["plain", "PR-AUC"].startswith(f"{mean:.3f}")


def test_same_seed_same_report(obelix_csv):
    _, df = obelix_csv
    kw = dict(formula="Reduced Composition", rare=">= 1e-3", techniques=["plain", "SMOTE"], n_splits=3, n_repeats=1)
    a = run_benchmark(df, "Ionic conductivity (S cm-1)", seed=7, **kw)
    b = run_benchmark(df, "Ionic conductivity (S cm-1)", seed=7, **kw)
    pd.testing.assert_frame_equal(a.result.paired, b.result.paired)


def test_budget_reduces_repeats_and_says_so(obelix_csv):
    _, df = obelix_csv
    rep = run_benchmark(df, "Ionic conductivity (S cm-1)", formula="Reduced Composition", rare=">= 1e-3",
                        techniques=["plain"], n_splits=3, n_repeats=3, budget=1e-6, seed=0)
    assert rep.result.settings["n_repeats"] == 1
    assert any("repeats reduced from 3 to 1" in n for n in rep.notes)
    assert any("subsample" in n for n in rep.notes) and rep.rows_used < len(df)
    assert "subsample" in rep.to_markdown()


@pytest.mark.parametrize("args, message", [
    (["--target", "sigma", "--formula", "Reduced Composition"], "'sigma' is not a column"),
    (["--target", "Family", "--formula", "Reduced Composition", "--rare", "superconductor"], "no row of 'Family' has"),
    (["--target", "Ionic conductivity (S cm-1)", "--formula", "Reduced Composition"], "censored value"),
    (["--target", "Ionic conductivity (S cm-1)", "--formula", "Reduced Composition", "--rare", "> 1e-12"],
     "either side of the cut"),
    (["--target", "Ionic conductivity (S cm-1)", "--formula", "Reduced Composition", "--rare", "> 0.5"],
     "selects no row"),
    (["--target", "Ionic conductivity (S cm-1)", "--formula", "Reduced Composition", "--rare", ">= 1e-2",
      "--folds", "10"], "fewer than the 10 folds"),
    (["--target", "Ionic conductivity (S cm-1)", "--rare", ">= 1e-3"], "give the inputs"),
    (["--target", "Ionic conductivity (S cm-1)", "--features", "Family", "--rare", ">= 1e-3"], "not a number"),
    (["--target", "Ionic conductivity (S cm-1)", "--formula", "Family", "--rare", ">= 1e-3"], "cannot be read"),
    (["--target", "Ionic conductivity (S cm-1)", "--formula", "Reduced Composition", "--rare", ">= 1e-3",
      "--budget", "0"], "--budget must be"),
])
def test_bad_input_exits_2_and_writes_nothing(obelix_csv, tmp_path, capsys, args, message):
    path, _ = obelix_csv
    out = tmp_path / "r.html"
    code = main(["benchmark", str(path), *args, "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and message in err, err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unparsable_formulas_are_listed_by_row():
    df = pd.DataFrame({"f": ["NaCl", "Xx2O", "LiFePO4", "Qq"] * 5, "y": [0, 1, 0, 0] * 5})
    with pytest.raises(BenchmarkInputError, match=r"2 formula\(s\).*row 1 \('Xx2O'"):
        prepare(df.iloc[:4], "y", formula="f", rare="1")
