"""Part II splitters: invariants (disjoint, complete, every bin present, groups apart) and messages."""
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import cross_val_score

from imbalkit.cv import mae, repeated_cv
from imbalkit.splits import (
    BinnedStratifiedKFold, ClusterHoldout, ForwardKFold, binned_stratified_split, check_groups_disjoint,
    check_min_members, extraordinary_holdout, formula_groups, group_kfold, group_split, share_above_train_max,
    stratified_split,
)

RNG = np.random.default_rng(0)


def _partition(parts, n):
    allidx = np.concatenate(parts)
    assert allidx.size == n and np.unique(allidx).size == n  # no index lost, none on two sides


def test_extraordinary_holdout_invariants():
    y = RNG.exponential(size=1000)
    tr, te = extraordinary_holdout(y, top_fraction=0.01)
    _partition([tr, te], 1000)
    assert te.size == 10 and y[te].min() > y[tr].max()
    tied = np.r_[np.zeros(90), np.ones(10) * 5, [5.0]]
    tr, te = extraordinary_holdout(tied, top_fraction=0.05)
    assert set(tied[te]) == {5.0} and te.size == 11  # ties never straddle the cut
    with pytest.raises(ValueError, match="top_fraction must be"):
        extraordinary_holdout(y, top_fraction=1.5)
    with pytest.raises(ValueError, match="nothing is left"):
        extraordinary_holdout(np.ones(10), top_fraction=0.1)


def test_stratified_split_keeps_every_class_in_every_part():
    y = np.array(["a"] * 90 + ["b"] * 7 + ["c"] * 3)
    tr, va, te = stratified_split(y, seed=0)
    _partition([tr, va, te], 100)
    for part in (tr, va, te):
        assert set(y[part]) == {"a", "b", "c"}
    with pytest.raises(ValueError, match=r"class/bin 'c' has 2 member\(s\), fewer than the 3"):
        stratified_split(np.array(["a"] * 10 + ["c"] * 2))


def test_binned_split_every_bin_present():
    y = np.r_[np.zeros(50), RNG.uniform(0.1, 4, 40), RNG.uniform(4, 8, 5)]
    tr, va, te = binned_stratified_split(y, thresholds=[0.05, 4], seed=2)
    _partition([tr, va, te], y.size)
    for part in (tr, va, te):
        assert (y[part] == 0).any() and (y[part] > 4).any()
    with pytest.raises(ValueError, match=r"class/bin '\[8.*has 1 member"):
        binned_stratified_split(np.r_[np.zeros(20), [9.0]], thresholds=[8])


def test_binned_kfold_is_sklearn_compatible_and_checks_bins():
    X = RNG.normal(size=(60, 2))
    y = np.r_[np.zeros(30), np.linspace(1, 5, 30)]
    cv = BinnedStratifiedKFold(5, thresholds=[0.5, 4], random_state=0)
    assert cross_val_score(LinearRegression(), X, y, cv=cv).size == 5
    for tr, te in cv.split(X, y):
        _partition([tr, te], 60)
        assert (y[te] == 0).any() and (y[te] >= 4).any()
    with pytest.raises(ValueError, match=r"bin '\[4.*has 2 member"):
        list(BinnedStratifiedKFold(5, thresholds=[4]).split(X[:22], np.r_[np.zeros(20), [4.5, 5]]))
    scores = repeated_cv(LinearRegression(), X, y, {"MAE": mae}, splits=cv.split(X, y))
    assert len(scores) == 5


def test_group_splits_never_share_a_formula_or_system():
    formulas = ["Fe2O3", "Fe4O6", "FeO", "NaCl", "Na2Cl2", "SiO2", "Si2O4", "Al2O3", "MgO", "CaO"]
    g = formula_groups(formulas, by="formula")
    assert g[0] == g[1] and g[3] == g[4] and g[0] != g[2]
    s = formula_groups(formulas, by="system")
    assert s[0] == s[2]
    for seed in range(5):
        tr, te = group_split(g, test_size=0.3, seed=seed)
        _partition([tr, te], 10)
        check_groups_disjoint(g, tr, te)
    for tr, te in group_kfold(s, n_splits=3, seed=1):
        assert set(s[tr]).isdisjoint(s[te])
    with pytest.raises(ValueError, match="both train and test"):
        check_groups_disjoint(g, np.array([0]), np.array([1]))
    with pytest.raises(ValueError, match="fewer than the 20 folds"):
        group_kfold(g, n_splits=20)
    with pytest.raises(ValueError, match="by must be"):
        formula_groups(formulas, by="element")


def test_cluster_holdout_holds_out_whole_clusters():
    X = np.r_[RNG.normal(0, 0.1, (20, 3)), RNG.normal(5, 0.1, (15, 3)), RNG.normal(-5, 0.1, (10, 3))]
    cv = ClusterHoldout(3, random_state=0)
    labels = cv.cluster_labels(X)
    folds = list(cv.split(X))
    assert cv.get_n_splits() == 3 and sorted(te.size for _, te in folds) == [10, 15, 20]
    for tr, te in folds:
        _partition([tr, te], 45)
        assert np.unique(labels[te]).size == 1 and labels[te][0] not in labels[tr]
    with pytest.raises(ValueError, match="cluster .* has 1 member"):
        list(ClusterHoldout(2, random_state=0).split(np.r_[np.zeros((9, 2)), [[100.0, 100.0]]]))


def test_forward_cv_trains_below_and_tests_above():
    y = RNG.normal(size=50)
    cv = ForwardKFold(5)
    folds = list(cv.split(None, y))
    assert len(folds) == cv.get_n_splits() == 4
    for tr, te in folds:
        assert y[te].min() >= y[tr].max()
        assert share_above_train_max(y[tr], y[te]) == pytest.approx(np.mean(y[te] > y[tr].max()))
    with pytest.raises(ValueError, match="n_splits must be an integer >= 2"):
        ForwardKFold(1)


def test_check_min_members_names_all_small_classes():
    with pytest.raises(ValueError, match=r"'b' has 1 member\(s\), class/bin 'c' has 2 member"):
        check_min_members(["a"] * 5 + ["b"] + ["c"] * 2, 3)
