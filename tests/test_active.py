import numpy as np
import pytest

from imbalkit.active import compare_strategies, run_active_learning, select_batch


@pytest.fixture(scope="module")
def pool():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    y = X[:, 0] + 0.5 * X[:, 1] ** 2 + 0.1 * rng.normal(size=400)
    return X, y


@pytest.mark.parametrize("strategy", ["random", "uncertainty", "uncertainty+diversity"])
def test_budget_accounting_and_no_reselection(pool, strategy):
    X, y = pool
    r = run_active_learning(X, y, rare=y > 2, strategy=strategy, n_initial=30, batch_size=15, n_rounds=4, seed=1,
                            min_distance=0.2)
    assert len(r.labelled) == 30 + 15 * 4
    assert len(np.unique(r.labelled)) == len(r.labelled)
    assert r.history["n_labelled"].tolist() == [30, 45, 60, 75, 90]
    assert r.history["labels_spent"].tolist() == [0, 15, 30, 45, 60]
    assert r.selected.groupby("round").size().tolist() == [15] * 4
    assert not set(r.selected["index"]) & set(r.labelled[:30].tolist())
    # the record is consistent with the oracle
    assert np.allclose(r.selected["y"], y[r.selected["index"]])
    assert r.history["rare_found"].iloc[1:].sum() == r.selected["rare"].sum()
    assert r.history["rare_labelled"].iloc[-1] == int((y[r.labelled] > 2).sum())


def test_seed_determinism(pool):
    X, y = pool
    kw = dict(rare=y > 2, strategy="uncertainty+diversity", n_initial=20, batch_size=10, n_rounds=3, min_distance=0.2)
    a = run_active_learning(X, y, seed=5, **kw)
    b = run_active_learning(X, y, seed=5, **kw)
    c = run_active_learning(X, y, seed=6, **kw)
    assert np.array_equal(a.labelled, b.labelled)
    assert a.history.equals(b.history)
    assert not np.array_equal(a.labelled, c.labelled)


def test_uncertainty_picks_highest_spread_and_diversity_spreads_out():
    scores = np.array([0.9, 0.8, 0.1, 0.7])
    X = np.array([[1.0, 0.0], [1.0, 0.01], [0.0, 1.0], [-1.0, 0.2]])
    cand = np.arange(4)
    plain, _ = select_batch(scores, cand, 2)
    assert plain.tolist() == [0, 1]
    div, n_div = select_batch(scores, cand, 2, X=X, min_distance=0.1, metric="cosine")
    assert div.tolist() == [0, 3] and n_div == 2
    # labelled points also block close candidates
    div2, _ = select_batch(scores, cand, 1, X=X, labelled=np.array([1]), min_distance=0.1)
    assert div2.tolist() == [3]


def test_diversity_fills_batch_when_too_few_pass():
    X = np.ones((5, 2))
    chosen, n_div = select_batch(np.arange(5.0), np.arange(5), 3, X=X, min_distance=0.5, metric="euclidean")
    assert n_div == 1 and len(set(chosen.tolist())) == 3


def test_test_set_metrics_and_compare(pool):
    X, y = pool
    h = compare_strategies(X[:300], y[:300], rare=y[:300] > 2, seeds=[0, 1], n_initial=20, batch_size=10, n_rounds=2,
                           X_test=X[300:], y_test=y[300:], rare_test=y[300:] > 2)
    assert len(h) == 3 * 2 * 3
    assert h["MAE"].notna().all() and (h["MAE"] > 0).all()
    assert h.groupby(["strategy", "seed"])["labels_spent"].max().eq(20).all()


def test_bad_inputs(pool):
    X, y = pool
    with pytest.raises(ValueError, match="exceeds the pool"):
        run_active_learning(X, y, rare=y > 2, n_initial=300, batch_size=50, n_rounds=3)
    with pytest.raises(ValueError, match="strategy must be one of"):
        run_active_learning(X, y, rare=y > 2, strategy="greedy")
    with pytest.raises(ValueError, match="rare has 3 entries"):
        run_active_learning(X, y, rare=[True, False, True])
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        run_active_learning(X, y, rare=y > 2, batch_size=0)
    with pytest.raises(ValueError, match="acquisition must be"):
        run_active_learning(X, y, rare=y > 2, strategy="uncertainty", acquisition="ei", n_rounds=1)
