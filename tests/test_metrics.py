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


# --------------------------------------------------------------------- bad labels, missing classes
@pytest.mark.parametrize("y", [[0.0, 1.0, np.nan, 0.0], pd.Series([0, 1, None, 0], dtype="Int64"), [0, 1, None, 0]])
def test_binary_nan_labels_are_refused_not_counted_as_negatives(y):
    # before: NaN == 1 is False, so the NaN row silently became a negative
    with pytest.raises(ValueError, match=r"y_true has 1 missing label\(s\) \(NaN/None\) at position\(s\) \[2\]"):
        evaluate(y, [0.1, 0.9, 0.8, 0.2])


def test_multiclass_nan_labels_refused():
    with pytest.raises(ValueError, match="y_true has 1 missing label"):
        evaluate(["a", "b", None], np.full((3, 2), 0.5))


def test_fold_missing_a_class_with_labels_matches_sklearn_over_present_classes():
    rng = np.random.default_rng(7)
    labels = ["bcc", "fcc", "hcp"]
    y = rng.choice(["bcc", "fcc"], size=60)  # this fold has no 'hcp'
    p = rng.dirichlet([1, 1, 1], size=60)  # the model still outputs three columns (model.classes_)
    pred = np.array(labels)[p.argmax(1)]
    t = evaluate(y, p, labels=labels).set_index("metric")
    present = ["bcc", "fcc"]
    assert t.loc["classes in y_true", "value"] == 2 and t.loc["classes in y_true", "baseline"] == 3
    # every class has its rows, so fold tables line up; undefined figures are NaN, not 0
    assert {"recall[hcp]", "F1[hcp]", "PR-AUC[hcp]", "precision[hcp]"} <= set(t.index)
    assert np.isnan(t.loc["recall[hcp]", "value"]) and np.isnan(t.loc["PR-AUC[hcp]", "value"])
    assert (pred == "hcp").any() and t.loc["precision[hcp]", "value"] == 0.0  # every 'hcp' prediction is wrong
    # macro recall / F1 / balanced accuracy over the classes present (sklearn, computed independently)
    assert t.loc["macro recall", "value"] == pytest.approx(skm.recall_score(y, pred, labels=present, average="macro"))
    assert t.loc["macro F1", "value"] == pytest.approx(skm.f1_score(y, pred, labels=present, average="macro"))
    assert t.loc["balanced accuracy", "value"] == pytest.approx(np.mean(skm.recall_score(y, pred, labels=present, average=None)))
    assert t.loc["balanced accuracy", "baseline"] == pytest.approx(0.5)
    prec = skm.precision_score(y, pred, labels=labels, average=None, zero_division=0)
    assert t.loc["macro precision", "value"] == pytest.approx(prec.mean())  # 'hcp' was predicted: it counts, as 0
    assert t.loc["MCC", "value"] == pytest.approx(skm.matthews_corrcoef(y, pred))
    onehot = (y[:, None] == np.array(present)[None, :]).astype(int)
    auc = np.mean([skm.roc_auc_score(onehot[:, j], p[:, j]) for j in range(2)])
    assert t.loc["ROC-AUC (OvR macro)", "value"] == pytest.approx(auc)
    full = evaluate(np.append(y, "hcp"), np.vstack([p, [0.2, 0.2, 0.6]]), labels=labels)
    assert full["metric"].tolist() == t.index.tolist()  # same rows whether or not the class is present


def test_labels_follow_the_column_order_given():
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])
    t = evaluate(["z", "a", "z"], p, labels=["z", "a"]).set_index("metric")  # columns: z, a (not sorted)
    assert t.loc["accuracy", "value"] == 1.0


def test_labels_errors():
    p = np.full((3, 3), 1 / 3)
    with pytest.raises(ValueError, match=r"y_true holds class\(es\) \['d'\] that are not in labels"):
        evaluate(["a", "b", "d"], p, labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="labels repeats"):
        evaluate(["a", "b", "a"], p, labels=["a", "b", "a"])
    with pytest.raises(ValueError, match="in the order of labels"):
        evaluate(["a", "b", "a"], p[:, :2], labels=["a", "b", "c"])
    with pytest.raises(ValueError, match="give labels=model.classes_"):
        evaluate(["a", "b", "a"], p)  # three columns, two classes present: refuse to guess
    with pytest.raises(ValueError, match="pos_label=1 is not among labels"):
        evaluate([0, 2, 0], [0.1, 0.9, 0.2], labels=[0, 2])
