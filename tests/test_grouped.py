import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import average_precision_score, matthews_corrcoef

from imbalkit.grouped import (compare_binary, compare_multiclass, error_by_group, grouped_folds, normalise_families,
                              paired_table, prevalence_by_group, stratified_folds, summary_table)


def test_normalise_families_merges_variants_and_pools_small():
    names = ["Argyrodites", "argyrodite", "LGPS", "LGPS", "halides", "Halide", "cholorides", "NASICON"]
    out = normalise_families(names, min_size=2).tolist()
    assert out == ["argyrodite", "argyrodite", "lgps", "lgps", "halide", "halide", "other", "other"]


def test_normalise_families_rejects_missing_and_bad_min_size():
    with pytest.raises(ValueError, match="missing"):
        normalise_families(["a", None])
    with pytest.raises(ValueError, match="min_size"):
        normalise_families(["a"], min_size=0)


def test_grouped_folds_keep_groups_apart_and_cover_every_row():
    rng = np.random.default_rng(1)
    groups = rng.choice(list("abcdefghij"), size=200)
    y = (rng.random(200) < 0.2).astype(int)
    folds = grouped_folds(y, groups, n_splits=5, n_repeats=2, seed=3)
    assert len(folds) == 10
    for tr, te in folds:
        assert set(groups[tr]).isdisjoint(groups[te])
        assert len(tr) + len(te) == 200
    tests = np.concatenate([te for _, te in folds[:5]])
    assert np.array_equal(np.sort(tests), np.arange(200))


def test_grouped_folds_too_few_groups():
    with pytest.raises(ValueError, match="fewer than n_splits=5"):
        grouped_folds([0, 1, 0, 1], ["a", "a", "b", "b"], n_splits=5)


def test_compare_binary_matches_sklearn_and_tunes_inside_training_fold():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=300) > 1.2).astype(int)
    folds = stratified_folds(y, n_splits=3, n_repeats=1, seed=0)
    rf = RandomForestClassifier(n_estimators=30, oob_score=True, random_state=0)
    res = compare_binary({"rf": rf}, X, y, folds, tune=["rf"])
    assert len(res) == 6
    tr, te = folds[0]
    model = RandomForestClassifier(n_estimators=30, oob_score=True, random_state=0).fit(X[tr], y[tr])
    score = model.predict_proba(X[te])[:, 1]
    row = res[(res["fold"] == 0) & (res["model"] == "rf")].iloc[0]
    assert row["PR-AUC"] == pytest.approx(average_precision_score(y[te], score))
    assert row["MCC"] == pytest.approx(matthews_corrcoef(y[te], (score >= 0.5).astype(int)))
    # the tuned cut-off depends only on the training fold's out-of-bag scores
    tuned = res[res["model"] == "rf + tuned threshold"]["threshold"]
    assert ((tuned > 0) & (tuned < 1)).all()


def test_compare_binary_errors():
    X, y = np.zeros((6, 1)), np.array([0, 1, 2, 0, 1, 0])
    with pytest.raises(ValueError, match="0/1"):
        compare_binary({"d": DummyClassifier()}, X, y, [(np.arange(3), np.arange(3, 6))])
    with pytest.raises(ValueError, match="tune names"):
        compare_binary({"d": DummyClassifier()}, X, np.array([0, 1] * 3), [(np.arange(3), np.arange(3, 6))], tune=["x"])
    with pytest.raises(ValueError, match="oob_score=True"):
        compare_binary({"d": DummyClassifier()}, X, np.array([0, 1] * 3), [(np.arange(6), np.arange(6))], tune=["d"])


def test_compare_multiclass_majority_baseline():
    y = np.array(["cubic"] * 12 + ["trigonal"] * 6 + ["triclinic"] * 3)
    X = np.zeros((y.size, 1))
    res = compare_multiclass({"maj": DummyClassifier(strategy="most_frequent")}, X, y,
                             stratified_folds(y, n_splits=3, n_repeats=1))
    assert res["MCC"].eq(0).all()
    assert res["balanced accuracy"].mean() == pytest.approx(1 / 3)
    assert res["recall cubic"].eq(1).all() and res["recall triclinic"].eq(0).all()
    assert res["accuracy"].mean() == pytest.approx(12 / 21)


def test_paired_table_differences_and_errors():
    pf = pd.DataFrame({"fold": [0, 1, 2] * 2, "model": ["base"] * 3 + ["new"] * 3, "MCC": [0.1, 0.2, 0.3, 0.2, 0.4, 0.3]})
    t = paired_table(pf, "base", "MCC")
    assert t.loc["new", "mean diff"] == pytest.approx(0.1)
    assert t.loc["new", "share of folds better"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="baseline 'nope'"):
        paired_table(pf, "nope", "MCC")
    with pytest.raises(ValueError, match="no column 'F1'"):
        paired_table(pf, "base", "F1")


def test_summary_table_order():
    pf = pd.DataFrame({"model": ["a", "b", "b"], "x": [1.0, 2.0, 4.0]})
    t = summary_table(pf, ["x"], order=["b", "a"], digits=1)
    assert t.index.tolist() == ["b", "a"] and t.loc["b", "x"] == "3.0 ± 1.4"


def test_error_by_group_is_weighted_correctly():
    t = error_by_group([0.0, 0.0, 0.0, 1.0], [1.0, -1.0, 0.0, 3.0], {"f": ["x", "x", "y", "y"], "a": ["o", "o", "o", "o"]})
    assert t["MAE"].tolist() == [1.0, 1.0] and t["bias"].tolist() == [0.0, 1.0] and t["n"].tolist() == [2, 2]
    with pytest.raises(ValueError, match="y_pred has 1"):
        error_by_group([1.0, 2.0], [1.0], {"f": ["a", "b"]})


def test_prevalence_by_group_strict_and_total():
    t = prevalence_by_group([10.0, 12.0, 5.0, 10.0], ["a", "a", "b", "b"], {"> 10": 10.0}, strict=True)
    assert t["group"].tolist() == ["a", "b", "all"]
    assert t["count > 10"].tolist() == [1, 0, 1]
    t2 = prevalence_by_group([10.0, 12.0, 5.0, 10.0], ["a", "a", "b", "b"], {"≥ 10": 10.0}, min_size=3)
    assert t2["group"].tolist() == ["all"] and t2["share ≥ 10"].iloc[0] == 0.75
    with pytest.raises(ValueError, match="thresholds is empty"):
        prevalence_by_group([1.0], ["a"], {})
