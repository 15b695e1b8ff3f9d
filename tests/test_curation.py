import numpy as np
import pandas as pd
import pytest

from imbalkit.curation import (aggregate_polymorphs, conditional_imbalance, find_conflicts, find_duplicates,
                               formula_keys)


@pytest.fixture
def df():
    return pd.DataFrame({
        "formula": ["Fe2O3", "Fe4O6", "O3Fe2", "TiO2", "TiO2", "NaCl", "ZnO"],
        "target": [2.0, 2.2, 2.1, 3.0, 3.5, 8.5, 3.3],
    })


def test_duplicates_grouped_by_reduced_formula(df):
    d = find_duplicates(df)
    assert d["n"].tolist() == [3, 2]
    assert d.loc[0, "spread"] == pytest.approx(0.2)
    assert d.loc[1, "spread"] == pytest.approx(0.5)


def test_duplicates_without_target_and_with_labels():
    d = pd.DataFrame({"formula": ["Cu", "Cu", "Ag"], "phase": ["fcc", "bcc", "fcc"]})
    assert find_duplicates(d, target=None)["n"].tolist() == [2]
    assert find_duplicates(d, target="phase")["n_labels"].tolist() == [2]
    assert find_conflicts(d, target="phase")["key"].tolist() == ["Cu1"]


def test_conflicts_use_tolerance(df):
    assert find_conflicts(df, tolerance=0.3)["n"].tolist() == [2]
    assert len(find_conflicts(df, tolerance=0.0)) == 2
    assert find_conflicts(df, tolerance=1.0).empty
    with pytest.raises(ValueError, match="tolerance"):
        find_conflicts(df, tolerance=-1)


@pytest.mark.parametrize("policy,expected", [("mean", 2.1), ("median", 2.1), ("min", 2.0), ("max", 2.2),
                                              ("first", 2.0)])
def test_policies(df, policy, expected):
    out = aggregate_polymorphs(df, policy=policy)
    assert len(out) == 4
    fe = out[out["formula"] == "Fe2O3"].iloc[0]
    assert fe["target"] == pytest.approx(expected)
    assert fe["n"] == 3
    assert out["n"].sum() == len(df)


def test_policy_errors(df):
    with pytest.raises(ValueError, match="policy must be one of"):
        aggregate_polymorphs(df, policy="mode")
    with pytest.raises(ValueError, match=r"column\(s\) \['gap'\] not in the data; available columns"):
        aggregate_polymorphs(df, target="gap")
    with pytest.raises(TypeError, match="numeric target"):
        aggregate_polymorphs(df.assign(target=list("abcdefg")), policy="mean")


def test_bad_formula_names_row():
    with pytest.raises(ValueError, match="row 1"):
        formula_keys(["NaCl", "Xy2"])


def test_conditional_imbalance_matches_chi2_expected():
    from scipy.stats.contingency import expected_freq

    rng = np.random.default_rng(0)
    a = rng.choice(["oxide", "halide", "sulfide"], size=500, p=[0.6, 0.3, 0.1])
    b = rng.random(500) < np.where(a == "halide", 0.3, 0.05)
    t = conditional_imbalance(a, b, min_support=10, names=("family", "wide_gap"))
    obs = pd.crosstab(a, b)
    exp = expected_freq(obs.to_numpy())
    for _, row in t.iterrows():
        i, j = list(obs.index).index(row["family"]), list(obs.columns).index(row["wide_gap"])
        assert row["observed"] == obs.iat[i, j]
        assert row["expected"] == pytest.approx(exp[i, j])
        assert row["below_min_support"] == (row["observed"] < 10)
    assert t["observed"].sum() == 500
    assert t["observed"].is_monotonic_increasing


def test_conditional_imbalance_errors():
    with pytest.raises(ValueError, match="a has 2 values but b has 1"):
        conditional_imbalance([1, 2], [1])
    with pytest.raises(ValueError, match="min_support"):
        conditional_imbalance([1, 2], [1, 2], min_support=0)
    with pytest.raises(ValueError, match="missing"):
        conditional_imbalance([1, None], [1, 2])


def test_simulated_publication_bias():
    from imbalkit.curation import simulate_publication_bias

    y = np.array([1] * 30 + [0] * 70)
    idx = simulate_publication_bias(y, keep_negative=0.2, seed=3)
    assert (y[idx] == 1).sum() == 30 and (y[idx] == 0).sum() == 14
    assert np.array_equal(idx, simulate_publication_bias(y, keep_negative=0.2, seed=3))
    assert len(np.unique(idx)) == len(idx)
    with pytest.raises(ValueError, match="keep_negative"):
        simulate_publication_bias(y, keep_negative=1.5)
    with pytest.raises(ValueError, match="no row has the negative label"):
        simulate_publication_bias(y, keep_negative=0.5, negative="fail")
