"""Representation comparison on identical folds: paired differences computed by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold

from imbalkit.probes import HEADS_FAST, paired_vs_baseline, representation_scores, verdict


def _data(n=240, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.15).astype(int)
    return y, {"good": np.c_[y * 2.0 + rng.normal(0, 1, n), rng.normal(size=n)],
               "bad": rng.normal(size=(n, 2))}


def test_scores_use_stratified_folds_and_match_a_direct_computation():
    y, reps = _data()
    s = representation_scores(reps, y, heads=HEADS_FAST, n_splits=4, n_repeats=1, seed=3)
    folds = list(StratifiedKFold(4, shuffle=True, random_state=3).split(np.zeros(len(y)), y))
    tr, te = folds[1]
    head = HEADS_FAST["logistic probe"]
    from sklearn.base import clone
    p = clone(head).fit(reps["good"][tr], y[tr]).predict_proba(reps["good"][te])[:, 1]
    row = s[(s.representation == "good") & (s.fold == 1)].iloc[0]
    assert row["pr_auc"] == pytest.approx(average_precision_score(y[te], p))
    assert row["prevalence"] == pytest.approx(y[te].mean())


def test_paired_difference_and_se_by_hand():
    s = pd.DataFrame({"representation": ["a"] * 3 + ["b"] * 3, "head": ["h"] * 6, "repeat": [0] * 6,
                      "fold": [0, 1, 2] * 2, "pr_auc": [0.5, 0.6, 0.7, 0.6, 0.6, 0.9], "prevalence": [0.1] * 6})
    d = paired_vs_baseline(s, baseline="a").set_index("representation")
    diffs = np.array([0.1, 0.0, 0.2])
    assert d.loc["b", "diff"] == pytest.approx(diffs.mean())
    assert d.loc["b", "se"] == pytest.approx(diffs.std(ddof=1) / np.sqrt(3))
    assert d.loc["a", "diff"] == 0 and d.loc["b", "share_better"] == pytest.approx(2 / 3)


def test_informative_representation_beats_noise():
    y, reps = _data(seed=1)
    d = paired_vs_baseline(representation_scores(reps, y, heads=HEADS_FAST, n_splits=4, n_repeats=2), baseline="bad")
    good = d[d.representation == "good"].iloc[0]
    assert verdict(good["diff"], good["se"]) == "better"


def test_bad_input_is_reported():
    y, reps = _data()
    with pytest.raises(ValueError, match="must be 0/1"):
        representation_scores(reps, y + 1, heads=HEADS_FAST)
    with pytest.raises(ValueError, match="'bad' has 10 rows"):
        representation_scores({"bad": reps["bad"][:10]}, y, heads=HEADS_FAST)
    with pytest.raises(ValueError, match="baseline 'x'"):
        paired_vs_baseline(representation_scores(reps, y, heads=HEADS_FAST, n_splits=3, n_repeats=1), baseline="x")
    with pytest.raises(ValueError, match="finite standard error"):
        verdict(0.1, float("nan"))
