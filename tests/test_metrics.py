"""Part II metric suite: compared with scikit-learn and with hand-computed values."""
import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from imbalkit.metrics import (
    discovery_acceleration_factor, evaluate, evaluate_regression, pdr, per_bin_errors,
    precision_at_k, summarize_evaluations,
)

RNG = np.random.default_rng(3)
Y = (RNG.random(300) < 0.1).astype(int)
S = np.clip(0.3 * Y + RNG.random(300) * 0.7, 0, 1)


def _row(t, name):
    return t.set_index("metric").loc[name]


def test_binary_suite_matches_sklearn():
    t = evaluate(Y, S, threshold=0.5, k=20)
    pred = (S >= 0.5).astype(int)
    prev = Y.mean()
    assert _row(t, "PR-AUC")["value"] == pytest.approx(skm.average_precision_score(Y, S))
    assert _row(t, "PR-AUC")["baseline"] == pytest.approx(prev)
    assert _row(t, "ROC-AUC")["value"] == pytest.approx(skm.roc_auc_score(Y, S))
    assert _row(t, "MCC")["value"] == pytest.approx(skm.matthews_corrcoef(Y, pred))
    assert _row(t, "balanced accuracy")["value"] == pytest.approx(skm.balanced_accuracy_score(Y, pred))
    assert _row(t, "accuracy")["baseline"] == pytest.approx(1 - prev)
    assert _row(t, "Brier")["value"] == pytest.approx(skm.brier_score_loss(Y, S))
    assert _row(t, "Brier")["baseline"] == pytest.approx(skm.brier_score_loss(Y, np.full(300, prev)))
    assert _row(t, "F1")["value"] == pytest.approx(skm.f1_score(Y, pred))
    assert _row(t, "DAF")["value"] == pytest.approx(skm.precision_score(Y, pred) / prev)
    assert _row(t, "DAF")["baseline"] == 1.0
    assert _row(t, "precision@20")["baseline"] == pytest.approx(prev)
    assert list(t.columns) == ["metric", "value", "baseline"]


def test_trivial_predictor_sits_on_its_baseline():
    t = evaluate(Y, np.zeros(300)).set_index("metric")  # always negative
    assert t.loc["accuracy", "value"] == pytest.approx(t.loc["accuracy", "baseline"])
    assert t.loc["MCC", "value"] == 0.0
    assert t.loc["balanced accuracy", "value"] == 0.5
    assert t.loc["ROC-AUC", "value"] == 0.5


def test_precision_at_k_and_daf_by_hand():
    y = [1, 0, 0, 1, 0, 0, 0, 0, 0, 0]  # prevalence 0.2
    s = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0]
    assert precision_at_k(y, s, 2) == 0.5
    assert precision_at_k(y, s, 4) == 0.5
    assert discovery_acceleration_factor(y, s, k=1) == pytest.approx(5.0)  # 1 / 0.2
    assert discovery_acceleration_factor(y, s, k=4) == pytest.approx(2.5)  # 0.5 / 0.2
    assert discovery_acceleration_factor(y, s, threshold=0.95) == 0.0  # nothing selected


def test_pos_label_strings():
    t = evaluate(["a", "b", "b", "b"], [0.9, 0.1, 0.2, 0.8], pos_label="a").set_index("metric")
    assert t.loc["PR-AUC", "value"] == 1.0 and t.loc["PR-AUC", "baseline"] == 0.25


def test_multiclass_matches_sklearn():
    y = RNG.choice(["bcc", "fcc", "other"], size=120, p=[0.6, 0.3, 0.1])
    p = RNG.dirichlet([1, 1, 1], size=120)
    classes = np.unique(y)
    pred = classes[p.argmax(1)]
    t = evaluate(y, p).set_index("metric")
    assert t.loc["macro F1", "value"] == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert t.loc["MCC", "value"] == pytest.approx(skm.matthews_corrcoef(y, pred))
    assert t.loc["balanced accuracy", "baseline"] == pytest.approx(1 / 3)
    assert t.loc["ROC-AUC (OvR macro)", "value"] == pytest.approx(skm.roc_auc_score(y, p, multi_class="ovr"))
    assert t.loc["Brier", "value"] == pytest.approx(skm.brier_score_loss(y, p))
    assert t.loc["recall[other]", "value"] == pytest.approx(skm.recall_score(y, pred, labels=["other"], average=None)[0])
    prev = pd.Series(y).value_counts(normalize=True)
    assert t.loc["Brier", "baseline"] == pytest.approx(1 - (prev**2).sum())


def test_evaluate_errors():
    with pytest.raises(ValueError, match="pos_label=2 does not occur"):
        evaluate([0, 1], [0.1, 0.9], pos_label=2)
    with pytest.raises(ValueError, match="single class"):
        evaluate([1, 1], [0.1, 0.9])
    with pytest.raises(ValueError, match="k must be an integer between 1 and"):
        precision_at_k([0, 1], [0.1, 0.9], k=5)
    with pytest.raises(ValueError, match="one probability column per class"):
        evaluate([0, 1, 2], np.ones((3, 2)) / 2)
    with pytest.raises(ValueError, match="binary tasks only"):
        evaluate([0, 1, 2], np.ones((3, 3)) / 3, k=1)


def test_evaluate_regression_by_hand():
    y, p = [0.0, 1.0, 5.0, 7.0], [1.0, 1.0, 4.0, 5.0]
    t = evaluate_regression(y, p, thresholds=[4], y_train=[2.0, 2.0], baseline="median")
    o = t[t.scope == "overall"].set_index("metric")
    assert o.loc["MAE", "value"] == pytest.approx(1.0)  # (1 + 0 + 1 + 2) / 4
    assert o.loc["RMSE", "value"] == pytest.approx(np.sqrt(6 / 4))
    assert o.loc["bias", "value"] == pytest.approx(-0.5)
    assert o.loc["MAE", "baseline"] == pytest.approx((2 + 1 + 3 + 5) / 4)
    top = t[(t.scope == "[4, 7]") & (t.metric == "bias")].iloc[0]
    assert top["value"] == pytest.approx(-1.5) and top["n"] == 2
    with pytest.raises(ValueError, match="baseline must be"):
        evaluate_regression(y, p, baseline="mode")


def test_existing_functions_unchanged():
    assert pdr(0.6, 0.2) == 3.0
    assert per_bin_errors([0, 1, 5], [0.5, 1, 3], thresholds=[4])["MAE"].tolist() == [0.25, 2.0]


def test_summarize_evaluations():
    a = evaluate(Y, S)
    b = evaluate(Y, S ** 2)
    s = summarize_evaluations([a, b]).set_index("metric")
    vals = [a.set_index("metric").loc["ROC-AUC", "value"], b.set_index("metric").loc["ROC-AUC", "value"]]
    assert s.loc["ROC-AUC", "value_mean"] == pytest.approx(np.mean(vals))
    with pytest.raises(ValueError, match="tables is empty"):
        summarize_evaluations([])
