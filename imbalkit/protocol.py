"""The evidence protocol: every technique against its honest baseline, on identical folds.

:func:`compare` runs a set of *techniques* (class weights, resampling, balanced ensembles,
losses, target weights, a hurdle model, ...) over repeated k-fold CV of one data set and
reports, per technique and metric, the mean paired difference to the technique's
*reference* (the honest baseline), its standard error and a verdict.

Protocol (the same for every technique):

* folds: ``n_repeats`` × ``n_splits``-fold CV, stratified by class for class tasks, seeded
  with ``seed + repeat`` (:func:`imbalkit.cv.fold_indices`); every technique sees the same
  folds, so differences are paired;
* binary tasks: inside each training fold a stratified 25 % validation part is carved out
  (seeded as in :func:`imbalkit.thresholds.tuned_threshold_folds`); the model is fitted on
  the other 75 %, the decision threshold is tuned on the validation part
  (:func:`imbalkit.thresholds.tune_threshold`, criterion ``"mcc"`` by default) and applied
  unchanged to the test fold. *Every* technique gets its threshold tuned, so a technique
  must beat "plain model + tuned threshold", not a plain model at the 0.5 cut;
* resampling happens in an ``imblearn`` pipeline (:func:`imbalkit.resampling.resampled`),
  i.e. on the rows the model is fitted on, never on validation or test rows; neighbour-based
  samplers are checked first with :func:`imbalkit.resampling.check_minority_per_fold`;
* target weights for regression come from a fresh :class:`imbalkit.target_weights.TargetWeighter`
  fitted on the training fold only;
* metrics: binary: ``PR-AUC``, and ``F1`` / ``MCC`` of the rare class at the tuned threshold;
  multiclass: macro one-vs-rest ``PR-AUC``, macro ``F1`` and ``MCC`` of the arg-max class;
  regression: ``tail MAE`` (test rows beyond the training fold's tail cut, by default the top
  10 % of the target) and overall ``MAE``;
* statistics: per technique and metric the paired differences ``d = technique − reference``
  over the ``J = n_splits × n_repeats`` folds; ``se`` is the Nadeau–Bengio corrected standard
  error ``sqrt((1/J + 1/(n_splits − 1)) · var(d))`` (training sets of k-fold overlap, so the
  naive ``sqrt(var(d)/J)`` is too small); the verdict is "better" or "worse" when the
  corrected resampled t-test (:func:`imbalkit.stats.corrected_resampled_ttest`, ``J − 1``
  degrees of freedom) gives ``p < alpha`` (0.05) in that direction (higher PR-AUC/F1/MCC,
  lower MAE), otherwise "indistinguishable".

Example
-------
>>> import numpy as np
>>> rng = np.random.default_rng(0); X = rng.normal(size=(300, 4)); y = (X[:, 0] + rng.normal(size=300) > 1.6).astype(int)
>>> res = compare(X, y, kind="binary", techniques=["plain", "class weights"], n_splits=3, n_repeats=1)
>>> sorted(res.paired["metric"].unique())
['F1', 'MCC', 'PR-AUC']
>>> res.paired.query("technique == 'plain'")["verdict"].unique().tolist()
['indistinguishable']
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import average_precision_score, f1_score, matthews_corrcoef
from sklearn.model_selection import train_test_split

from ._checks import as_1d, as_1d_float, as_labels
from .cv import fold_indices, take_rows
from .stats import corrected_resampled_ttest

__all__ = ["KINDS", "METRICS", "Context", "Technique", "TECHNIQUES", "register", "techniques_for", "ComparisonResult",
           "compare", "paired_differences", "task_inputs", "compare_task", "committed_matrix", "tally", "plot_matrix", "base_classifier",
           "base_regressor"]

KINDS = ("binary", "multiclass", "regression")
#: metric name -> +1 if higher is better, -1 if lower is better
METRICS: dict[str, dict[str, int]] = {
    "binary": {"PR-AUC": 1, "F1": 1, "MCC": 1},
    "multiclass": {"PR-AUC": 1, "F1": 1, "MCC": 1},
    "regression": {"tail MAE": -1, "MAE": -1},
}


# ------------------------------------------------------------------------------ techniques

@dataclass(frozen=True)
class Context:
    """What a technique may know when it builds its estimator for one fit: the labels it
    will be fitted on (training rows only), the positions of categorical columns in ``X``,
    the task kind and a seed for this fold."""

    y_fit: np.ndarray
    categorical: tuple[int, ...]
    kind: str
    seed: int


@dataclass(frozen=True)
class Technique:
    """One entry of the registry.

    Attributes
    ----------
    name : unique name (a row of the evidence matrix)
    kinds : task kinds it applies to, a subset of :data:`KINDS`
    make : ``make(ctx) -> estimator`` (unfitted, scikit-learn API); called once per fit
    reference : name of the technique it is compared with (its honest baseline); a
        technique whose reference is itself is a baseline
    fit_params : optional ``fit_params(ctx) -> dict`` of keyword arguments for ``fit``
        (e.g. sample weights computed from ``ctx.y_fit``)
    applies : optional ``applies(y, categorical) -> reason`` returning ``None`` when the
        technique applies to this data, else a sentence saying why not
    neighbours : True for samplers that need ``k + 1`` minority rows (SMOTE family)
    description : one line for tables
    """

    name: str
    kinds: tuple[str, ...]
    make: Callable[[Context], Any]
    reference: str = "plain"
    fit_params: Callable[[Context], dict] | None = None
    applies: Callable[[np.ndarray, tuple[int, ...]], str | None] | None = None
    neighbours: bool = False
    description: str = ""


def base_classifier(seed: int = 0) -> Any:
    """The book's fast strong classifier: histogram gradient boosting, 40 trees of at most
    15 leaves, no early stopping (so every fit uses all its rows).

    >>> base_classifier().max_iter
    40
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, early_stopping=False, random_state=seed)


def base_regressor(seed: int = 0) -> Any:
    """The regression twin of :func:`base_classifier`.

    >>> base_regressor().max_leaf_nodes
    15
    """
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(max_iter=40, max_leaf_nodes=15, early_stopping=False, random_state=seed)


def _min_class(y: np.ndarray) -> int:
    return int(np.unique(y, return_counts=True)[1].min())


def _k(ctx: Context) -> int:
    """SMOTE's k: 5, or fewer when the smallest class of the fit rows is tiny (never below 1)."""
    return max(1, min(5, _min_class(ctx.y_fit) - 1))


def _sampled(sampler: Callable[[Context], Any]) -> Callable[[Context], Any]:
    from .resampling import resampled

    return lambda ctx: resampled(base_classifier(ctx.seed), sampler(ctx))


def _ros(ctx: Context) -> Any:
    from imblearn.over_sampling import RandomOverSampler
    return RandomOverSampler(random_state=ctx.seed)


def _rus(ctx: Context) -> Any:
    from imblearn.under_sampling import RandomUnderSampler
    return RandomUnderSampler(random_state=ctx.seed)


def _replicate(ctx: Context) -> Any:
    # Inverse-frequency class weights as integer row copies (imbalkit.weights.replicate_by_weight):
    # the same fit as class_weight="balanced" up to rounding, ~10x faster for histogram boosting,
    # whose weighted binning is slow.
    from imblearn import FunctionSampler

    from .weights import replicate_by_weight
    return FunctionSampler(func=replicate_by_weight, validate=False)


def _smote(ctx: Context) -> Any:
    from imblearn.over_sampling import SMOTE
    return SMOTE(k_neighbors=_k(ctx), random_state=ctx.seed)


def _smotenc(ctx: Context) -> Any:
    from imblearn.over_sampling import SMOTENC
    return SMOTENC(categorical_features=list(ctx.categorical), k_neighbors=_k(ctx), random_state=ctx.seed)


def _needs_categorical(y: np.ndarray, categorical: tuple[int, ...]) -> str | None:
    return None if categorical else "the task has no categorical input column"


def _brf(ctx: Context) -> Any:
    from imblearn.ensemble import BalancedRandomForestClassifier
    return BalancedRandomForestClassifier(n_estimators=50, sampling_strategy="all", replacement=True, bootstrap=False,
                                          n_jobs=1, random_state=ctx.seed)


def _easy(ctx: Context) -> Any:
    from imblearn.ensemble import EasyEnsembleClassifier
    from sklearn.ensemble import AdaBoostClassifier
    return EasyEnsembleClassifier(n_estimators=10, estimator=AdaBoostClassifier(n_estimators=10, random_state=ctx.seed),
                                  n_jobs=1, random_state=ctx.seed)


def _mlp(loss: str) -> Callable[[Context], Any]:
    def make(ctx: Context) -> Any:
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        from .deep.estimators import TorchMLPClassifier  # torch is imported only when a network is used

        return make_pipeline(StandardScaler(), TorchMLPClassifier(hidden=(64,), loss=loss, gamma=2.0, tau=1.0,
                                                                  max_epochs=40, patience=6, seed=ctx.seed))
    return make


def _weighter(scheme: str, **kwargs: Any) -> Callable[[Context], dict]:
    from .target_weights import TargetWeighter

    TargetWeighter(scheme, **kwargs)  # validate once

    def fit_params(ctx: Context) -> dict:
        return {"sample_weight": TargetWeighter(scheme, **kwargs).fit_transform(ctx.y_fit)}
    return fit_params


def _mlp_regressor(loss: str) -> Callable[[Context], Any]:
    def make(ctx: Context) -> Any:
        from .deep.estimators import TorchMLPRegressor  # torch only when a network is used

        return TorchMLPRegressor(loss=loss, hidden=64, epochs=40, learn_noise=loss == "balanced_mse", seed=ctx.seed)
    return make


#: share of exact zeros above which a target counts as zero-inflated (hurdle model applies)
ZERO_INFLATED = 0.05


def _zero_inflated(y: np.ndarray, categorical: tuple[int, ...]) -> str | None:
    share = float(np.mean(np.asarray(y, float) == 0))
    return None if share >= ZERO_INFLATED else f"only {share:.1%} of the targets are exactly 0 (no zero-inflation)"


def _hurdle(ctx: Context) -> Any:
    from .hurdle import HurdleRegressor
    return HurdleRegressor(classifier=base_classifier(ctx.seed), regressor=base_regressor(ctx.seed), combine="expected")


_CLASS = ("binary", "multiclass")
#: the registry: ``TECHNIQUES["class"]`` (binary and multiclass) and ``TECHNIQUES["regression"]``, name -> Technique
TECHNIQUES: dict[str, dict[str, Technique]] = {"class": {}, "regression": {}}


def _group(kind: str) -> str:
    return "regression" if kind == "regression" else "class"


def register(technique: Technique, *, replace: bool = False) -> Technique:
    """Add a technique to the registry (``replace=True`` to overwrite one of that name).

    >>> register(TECHNIQUES["class"]["plain"])
    Traceback (most recent call last):
    ...
    ValueError: a class technique called 'plain' is already registered; pass replace=True to overwrite it
    """
    if not isinstance(technique, Technique):
        raise TypeError(f"technique must be a Technique, got {type(technique).__name__}")
    bad = set(technique.kinds) - set(KINDS)
    if bad or not technique.kinds:
        raise ValueError(f"technique {technique.name!r} has kinds {technique.kinds}; use a non-empty subset of {KINDS}")
    for group in sorted({_group(k) for k in technique.kinds}):
        if technique.name in TECHNIQUES[group] and not replace:
            raise ValueError(f"a {group} technique called {technique.name!r} is already registered; "
                             "pass replace=True to overwrite it")
        TECHNIQUES[group][technique.name] = technique
    return technique


for _t in [
    Technique("plain", _CLASS, lambda c: base_classifier(c.seed), "plain",
              description="gradient boosting, threshold tuned inside the training fold (the baseline)"),
    Technique("class weights", _CLASS, _sampled(_replicate),
              description="inverse-frequency class weights, applied as integer row copies"),
    Technique("random oversampling", _CLASS, _sampled(_ros), description="duplicate rare rows to balance"),
    Technique("random undersampling", _CLASS, _sampled(_rus), description="drop common rows to balance"),
    Technique("SMOTE", _CLASS, _sampled(_smote), neighbours=True, description="SMOTE, k = min(5, n_min - 1)"),
    Technique("SMOTENC", _CLASS, _sampled(_smotenc), neighbours=True, applies=_needs_categorical,
              description="SMOTE for mixed numeric + categorical inputs"),
    Technique("balanced random forest", _CLASS, _brf, description="50 trees, each on a balanced bootstrap"),
    Technique("EasyEnsemble", _CLASS, _easy, description="10 AdaBoost models (10 stumps each), each on a balanced undersample"),
    Technique("MLP (cross-entropy)", _CLASS, _mlp("ce"),
              description="one-hidden-layer MLP, plain cross-entropy (the network baseline)"),
    Technique("MLP focal loss", _CLASS, _mlp("focal"), reference="MLP (cross-entropy)", description="focal loss, gamma = 2"),
    Technique("MLP logit-adjusted", _CLASS, _mlp("logit_adjusted"), reference="MLP (cross-entropy)",
              description="logit-adjusted loss, tau = 1"),
    Technique("plain", ("regression",), lambda c: base_regressor(c.seed), "plain",
              description="gradient boosting, unweighted squared error (the baseline)"),
    Technique("inverse-frequency weights", ("regression",), lambda c: base_regressor(c.seed),
              fit_params=_weighter("inverse", n_bins=10, strategy="uniform"), description="10 equal-width bins"),
    Technique("LDS weights", ("regression",), lambda c: base_regressor(c.seed),
              fit_params=_weighter("lds", n_bins=50, kernel_size=5, sigma=2.0), description="50 bins, Gaussian kernel 5/2"),
    Technique("DenseWeight", ("regression",), lambda c: base_regressor(c.seed),
              fit_params=_weighter("denseweight", alpha=1.0), description="alpha = 1"),
    Technique("MLP (MSE)", ("regression",), _mlp_regressor("mse"), description="two-layer MLP, plain MSE (network baseline)"),
    Technique("MLP Balanced MSE", ("regression",), _mlp_regressor("balanced_mse"), reference="MLP (MSE)",
              description="Balanced MSE (batch-based), learned noise"),
    Technique("hurdle", ("regression",), _hurdle, applies=_zero_inflated,
              description="zero / non-zero classifier x regressor on the non-zero rows"),
]:
    register(_t)


def techniques_for(kind: str) -> list[str]:
    """Names of the registered techniques that apply to ``kind``, baselines first.

    >>> techniques_for("regression")[:2]
    ['plain', 'inverse-frequency weights']
    """
    _check_kind(kind)
    return [name for name, t in TECHNIQUES[_group(kind)].items() if kind in t.kinds]


def _lookup(name: str | Technique, kind: str) -> Technique:
    if isinstance(name, Technique):
        return name
    tech = TECHNIQUES[_group(kind)].get(name)
    if tech is not None and kind in tech.kinds:
        return tech
    raise ValueError(f"unknown technique {name!r} for kind {kind!r}; known: {techniques_for(kind)}")


# ------------------------------------------------------------------------------- running

def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


@dataclass
class ComparisonResult:
    """What :func:`compare` returns.

    Attributes
    ----------
    scores : long DataFrame, one row per (technique, repeat, fold, metric) with ``value`` and
        ``fit_seconds`` (fit + threshold tuning + prediction of that technique on that fold)
    paired : one row per (technique, metric): ``reference``, ``mean`` (technique),
        ``mean_ref``, ``mean_diff`` (technique − reference), ``rel_diff`` (``mean_diff /
        mean_ref``), ``se`` (Nadeau–Bengio), ``p``, ``verdict`` and ``n`` (paired folds)
    skipped : technique -> reason it does not apply to this data
    folds : the (repeat, fold, train, test) index tuples used
    settings : kind, n_splits, n_repeats, seed, alpha, tail definition
    """

    scores: pd.DataFrame
    paired: pd.DataFrame
    skipped: dict[str, str] = field(default_factory=dict)
    folds: list[tuple[int, int, np.ndarray, np.ndarray]] = field(default_factory=list, repr=False)
    settings: dict[str, Any] = field(default_factory=dict)


def _tail_mask(y_test: np.ndarray, y_train: np.ndarray, tail: str, tail_share: float) -> np.ndarray:
    if tail == "upper":
        return y_test > np.quantile(y_train, 1 - tail_share)
    if tail == "lower":
        return y_test < np.quantile(y_train, tail_share)
    lo, hi = np.quantile(y_train, [tail_share / 2, 1 - tail_share / 2])
    return (y_test < lo) | (y_test > hi)


def _score_regression(y_te: np.ndarray, pred: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    err = np.abs(np.asarray(pred, float) - y_te)
    return {"tail MAE": float(err[mask].mean()) if mask.any() else np.nan, "MAE": float(err.mean())}


def _score_multiclass(y_te: np.ndarray, proba: np.ndarray, classes: np.ndarray) -> dict[str, float]:
    pred = classes[np.argmax(proba, axis=1)]
    present = [j for j, c in enumerate(classes) if np.any(y_te == c)]
    ap = [average_precision_score(y_te == classes[j], proba[:, j]) for j in present]
    return {"PR-AUC": float(np.mean(ap)), "F1": float(f1_score(y_te, pred, average="macro", labels=classes[present])),
            "MCC": float(matthews_corrcoef(y_te, pred))}


def _fit_predict(tech: Technique, X: Any, y: np.ndarray, fit_idx: np.ndarray, pred_idx: Sequence[np.ndarray],
                 ctx: Context) -> list[np.ndarray]:
    """Fit ``tech`` on rows ``fit_idx``; return its outputs for each block of ``pred_idx``."""
    if tech.neighbours:
        from .resampling import check_minority_per_fold

        check_minority_per_fold(y, [(fit_idx, np.array([], int))], _k(ctx))
    model = tech.make(ctx)
    kwargs = tech.fit_params(ctx) if tech.fit_params else {}
    model.fit(take_rows(X, fit_idx), y[fit_idx], **kwargs)
    outs = []
    for idx in pred_idx:
        if ctx.kind == "regression":
            outs.append(np.asarray(model.predict(take_rows(X, idx)), float))
        else:
            p = model.predict_proba(take_rows(X, idx))
            outs.append(p[:, 1] if ctx.kind == "binary" else p)
    return outs


def _run_fold(tech: Technique, X: Any, y: np.ndarray, r: int, k: int, tr: np.ndarray, te: np.ndarray, *, kind: str,
              categorical: tuple[int, ...], seed: int, criterion: str, tail: str, tail_share: float) -> dict[str, float]:
    from .thresholds import fold_metrics, tune_threshold

    fold_seed = seed + 1000 * r + k  # as in imbalkit.thresholds.tuned_threshold_folds
    if kind == "binary":
        fit_idx, val_idx = train_test_split(tr, test_size=0.25, stratify=y[tr], random_state=fold_seed)
        ctx = Context(y[fit_idx], categorical, kind, fold_seed)
        s_val, s_te = _fit_predict(tech, X, y, fit_idx, [val_idx, te], ctx)
        t = tune_threshold(y[val_idx], s_val, criterion, if_unreachable="max_precision")
        m = fold_metrics(y[te], s_te, t)
        return {"PR-AUC": m["PR-AUC"], "F1": m["F1"], "MCC": m["MCC"]}
    ctx = Context(y[tr], categorical, kind, fold_seed)
    (out,) = _fit_predict(tech, X, y, tr, [te], ctx)
    if kind == "multiclass":
        return _score_multiclass(y[te], out, np.unique(y[tr]))
    return _score_regression(y[te], out, _tail_mask(y[te], y[tr], tail, tail_share))


def paired_differences(scores: pd.DataFrame, references: dict[str, str], *, kind: str, n_splits: int,
                       alpha: float = 0.05) -> pd.DataFrame:
    """Paired differences ``technique − reference`` per metric from a long ``scores`` table.

    ``se`` is the Nadeau–Bengio corrected standard error for ``n_splits``-fold CV,
    ``sqrt((1/J + 1/(n_splits − 1)) · var(d))``; the verdict is "better"/"worse" when the
    corrected t-test gives ``p < alpha`` in that direction, else "indistinguishable".
    Folds where either score is NaN (e.g. a test fold without tail rows) are dropped.

    >>> s = pd.DataFrame({"technique": ["a"] * 4 + ["b"] * 4, "repeat": 0, "fold": [0, 1, 2, 3] * 2,
    ...                   "metric": "MAE", "value": [1.0, 1.1, 0.9, 1.0, 0.5, 0.7, 0.4, 0.6]})
    >>> r = paired_differences(s, {"a": "a", "b": "a"}, kind="regression", n_splits=4)
    >>> b = r.set_index("technique").loc["b"]
    >>> round(float(b["mean_diff"]), 3), b["verdict"]
    (-0.45, 'better')
    """
    _check_kind(kind)
    if n_splits < 2:
        raise ValueError(f"n_splits must be at least 2, got {n_splits}")
    wide = scores.pivot_table(index=["repeat", "fold"], columns=["technique", "metric"], values="value", dropna=False)
    rows = []
    for tech, ref in references.items():
        for metric, sign in METRICS[kind].items():
            if (tech, metric) not in wide or (ref, metric) not in wide:
                continue
            a, b = wide[(ref, metric)].to_numpy(float), wide[(tech, metric)].to_numpy(float)
            ok = np.isfinite(a) & np.isfinite(b)
            d = b[ok] - a[ok]
            if d.size < 2:
                mean_diff, se, p = (float(d.mean()) if d.size else np.nan), np.nan, np.nan
            else:
                mean_diff = float(d.mean())
                se = float(np.sqrt((1 / d.size + 1 / (n_splits - 1)) * d.var(ddof=1)))
                p = corrected_resampled_ttest(d, test_train_ratio=1 / (n_splits - 1))[1]
            if np.isfinite(p) and p < alpha and mean_diff != 0:
                verdict = "better" if np.sign(mean_diff) == sign else "worse"
            else:
                verdict = "indistinguishable"
            mean_ref = float(a[ok].mean()) if ok.any() else np.nan
            rows.append({"technique": tech, "reference": ref, "metric": metric, "mean": float(b[ok].mean()) if ok.any() else np.nan,
                         "mean_ref": mean_ref, "mean_diff": mean_diff,
                         "rel_diff": mean_diff / mean_ref if mean_ref else np.nan, "se": se, "p": p,
                         "verdict": verdict, "n": int(d.size)})
    return pd.DataFrame(rows, columns=["technique", "reference", "metric", "mean", "mean_ref", "mean_diff", "rel_diff",
                                       "se", "p", "verdict", "n"])


def compare(
    X: Any,
    y: Any,
    *,
    kind: str,
    techniques: Iterable[str | Technique] | None = None,
    categorical: Sequence[int | str] | None = None,
    n_splits: int = 5,
    n_repeats: int = 2,
    seed: int = 0,
    criterion: str = "mcc",
    tail: str = "upper",
    tail_share: float = 0.1,
    alpha: float = 0.05,
    progress: Callable[[str], None] | None = None,
    n_jobs: int = 1,
) -> ComparisonResult:
    """Run ``techniques`` (default: all registered for ``kind``) on identical repeated folds
    and compare each with its reference. See the module docstring for the protocol.

    Parameters
    ----------
    X : features (DataFrame or 2-D array); categorical columns must be integer-coded
    y : 0/1 labels with 1 = rare class (``kind="binary"``), class labels
        (``"multiclass"``) or numbers (``"regression"``)
    kind : ``"binary"``, ``"multiclass"`` or ``"regression"``
    techniques : names from the registry or :class:`Technique` objects; the references they
        need are added (and run) automatically
    categorical : positions or names of integer-coded categorical columns of ``X`` (SMOTENC)
    criterion : threshold-tuning criterion for binary tasks (see :data:`imbalkit.thresholds.CRITERIA`)
    tail, tail_share : regression tail: ``"upper"``, ``"lower"`` or ``"both"`` (half the
        share on each side), ``tail_share`` of the *training* fold's targets beyond the cut
    progress : called with a short message before each technique runs
    n_jobs : folds run in parallel with joblib (``-1``: every core; inside
        ``joblib.parallel_backend("dask")`` they go to a Dask cluster); the results are the
        same as with ``n_jobs=1`` because every fold is seeded on its own

    Raises
    ------
    ValueError
        unknown kind/technique, X and y of different lengths, non-binary ``y`` for
        ``kind="binary"``, non-finite regression targets, an unknown categorical column.
    """
    _check_kind(kind)
    if n_repeats < 1:
        raise ValueError(f"n_repeats must be at least 1, got {n_repeats}")
    if tail not in ("upper", "lower", "both"):
        raise ValueError(f"tail must be 'upper', 'lower' or 'both', got {tail!r}")
    if not 0 < tail_share < 1:
        raise ValueError(f"tail_share must lie strictly between 0 and 1, got {tail_share!r}")
    if kind == "regression":
        yarr = as_1d_float(y, "y")
    else:
        yarr = as_labels(y, "y")
        if kind == "binary" and not set(np.unique(yarr).tolist()) <= {0, 1}:
            raise ValueError(f"kind='binary' needs y in {{0, 1}} with 1 = the rare class, got values {np.unique(yarr)[:5].tolist()}")
        if kind == "binary":
            yarr = yarr.astype(int)
        if np.unique(yarr).size < 2:
            raise ValueError("y has a single class; a class comparison needs at least two")
    n_rows = X.shape[0] if hasattr(X, "shape") else len(X)
    if n_rows != yarr.size:
        raise ValueError(f"X has {n_rows} rows but y has {yarr.size} values")
    cat = _categorical_positions(X, categorical)
    chosen = [_lookup(t, kind) for t in (techniques if techniques is not None else techniques_for(kind))]
    if not chosen:
        raise ValueError("techniques is empty; pass at least one technique name")
    for t in chosen:
        if kind not in t.kinds:
            raise ValueError(f"technique {t.name!r} applies to {t.kinds}, not to kind {kind!r}")
    by_name = {t.name: t for t in chosen}
    for t in list(chosen):
        if t.reference not in by_name:
            by_name[t.reference] = _lookup(t.reference, kind)
    ordered = sorted(by_name.values(), key=lambda t: (t.reference != t.name, 0))
    folds = fold_indices(yarr.size, n_splits=n_splits, n_repeats=n_repeats, seed=seed,
                         stratify=None if kind == "regression" else yarr)
    rows, skipped, jobs = [], {}, []
    for tech in ordered:
        reason = tech.applies(yarr, cat) if tech.applies else None
        if reason:
            skipped[tech.name] = reason
            continue
        if progress:
            progress(f"{tech.name}: {len(folds)} folds")
        jobs += [(tech, r, k, tr, te) for r, k, tr, te in folds]
    fold_kwargs = dict(kind=kind, categorical=cat, seed=seed, criterion=criterion, tail=tail, tail_share=tail_share)
    if n_jobs == 1:
        results = [_timed_fold(tech, X, yarr, r, k, tr, te, **fold_kwargs) for tech, r, k, tr, te in jobs]
    else:  # every fold is seeded on its own, so the order of execution cannot change a number
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs)(delayed(_timed_fold)(tech, X, yarr, r, k, tr, te, **fold_kwargs)
                                          for tech, r, k, tr, te in jobs)
    for (tech, r, k, _, _), (values, sec) in zip(jobs, results):
        rows += [{"technique": tech.name, "repeat": r, "fold": k, "metric": m, "value": v, "fit_seconds": sec}
                 for m, v in values.items()]
    scores = pd.DataFrame(rows, columns=["technique", "repeat", "fold", "metric", "value", "fit_seconds"])
    refs = {name: t.reference for name, t in by_name.items() if name not in skipped and t.reference not in skipped}
    paired = paired_differences(scores, refs, kind=kind, n_splits=n_splits, alpha=alpha)
    settings = {"kind": kind, "n_splits": n_splits, "n_repeats": n_repeats, "seed": seed, "alpha": alpha,
                "criterion": criterion if kind == "binary" else None,
                "tail": (tail, tail_share) if kind == "regression" else None}
    return ComparisonResult(scores, paired, skipped, folds, settings)


def _timed_fold(tech: Technique, X: Any, y: np.ndarray, r: int, k: int, tr: np.ndarray, te: np.ndarray,
                **kwargs: Any) -> tuple[dict[str, float], float]:
    start = time.perf_counter()
    values = _run_fold(tech, X, y, r, k, tr, te, **kwargs)
    return values, time.perf_counter() - start


def _categorical_positions(X: Any, categorical: Sequence[int | str] | None) -> tuple[int, ...]:
    if not categorical:
        return ()
    n_cols = X.shape[1] if hasattr(X, "shape") and len(X.shape) == 2 else None
    out = []
    for c in categorical:
        if isinstance(c, str):
            if not isinstance(X, pd.DataFrame) or c not in X.columns:
                raise ValueError(f"categorical column {c!r} is not a column of X")
            out.append(int(X.columns.get_loc(c)))
        else:
            if n_cols is None or not 0 <= int(c) < n_cols:
                raise ValueError(f"categorical position {c!r} is outside X's {n_cols} columns")
            out.append(int(c))
    return tuple(out)


# ------------------------------------------------------------------------------- tasks

def task_inputs(name: str, *, max_rows: int | None = 1500, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, str, list[str]]:
    """Features, target, kind and categorical column names of a registry task
    (:mod:`imbalkit.tasks`): Magpie features of the formulas, the task's numeric columns,
    and its categorical columns integer-coded (``cat:<name>``). Rows whose formula cannot be
    parsed (:func:`imbalkit.composition.parse_formulas`) are left out first; then tasks larger
    than ``max_rows`` are subsampled (stratified for class tasks, seeded).

    >>> X, y, kind, cat = task_inputs("obelix_superionic")
    >>> kind, cat, X.shape[0] == y.size
    ('binary', ['cat:family', 'cat:crystal_system'], True)
    """
    from . import tasks

    from .composition import parse_formulas

    task = tasks.get(name)
    data = task.load()
    readable = np.array([f is not None for f in parse_formulas(data.formulas, errors="ignore")])
    if not readable.all():  # e.g. glass-mixture notation in the Liverpool set: no composition features
        data = data.take(np.flatnonzero(readable), note=f"{int((~readable).sum())} rows with unreadable formulas left out")
    if max_rows is not None and len(data) > max_rows:
        data = data.subsample(max_rows, seed=seed)
    X = data.features().reset_index(drop=True)
    cat_cols = []
    if data.categorical is not None:
        for col in data.categorical.columns:
            codes = pd.Categorical(data.categorical[col].astype(str)).codes
            X[f"cat:{col}"] = codes.astype(float)
            cat_cols.append(f"cat:{col}")
    y = np.asarray(data.y)
    return X, y, task.kind, cat_cols


#: the stated tail of each regression task in the registry (default: upper 10 %)
TASK_TAILS = {"aflow_log_thermal_conductivity": "both"}


def compare_task(name: str, *, max_rows: int | None = 1500, techniques: Iterable[str] | None = None,
                 n_splits: int = 5, n_repeats: int = 2, seed: int = 0, **kwargs: Any) -> ComparisonResult:
    """:func:`compare` on a registry task (inputs from :func:`task_inputs`; the tail of a
    regression task from :data:`TASK_TAILS`). The result's ``paired`` gains a ``task`` column.
    """
    X, y, kind, cat = task_inputs(name, max_rows=max_rows, seed=seed)
    if kind == "regression":
        kwargs.setdefault("tail", TASK_TAILS.get(name, "upper"))
    res = compare(X, y, kind=kind, techniques=techniques, categorical=cat, n_splits=n_splits, n_repeats=n_repeats,
                  seed=seed, **kwargs)
    res.paired.insert(0, "task", name)
    res.scores.insert(0, "task", name)
    res.settings.update(task=name, rows=int(y.size))
    return res


# ------------------------------------------------------------------------------ summaries

def committed_matrix(path: str | None = None) -> pd.DataFrame:
    """The evidence matrix computed by ``benchmarks/evidence_matrix.py`` (paired rows of every
    technique on every task, with a ``task`` column), read from the repository checkout.

    Rows of techniques that did not apply carry the reason in ``skipped``.
    """
    from pathlib import Path

    file = Path(path) if path else Path(__file__).resolve().parents[1] / "benchmarks" / "evidence_matrix" / "paired.csv"
    if not file.exists():
        raise FileNotFoundError(f"{file} not found; run `python benchmarks/evidence_matrix.py` from a repository checkout")
    df = pd.read_csv(file, keep_default_na=True)
    df["skipped"] = df["skipped"].fillna("") if "skipped" in df else ""
    return df


def tally(paired: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Per technique: on how many tasks it is better / worse / indistinguishable on ``metric``.

    >>> p = pd.DataFrame({"task": ["a", "b"], "technique": "t", "reference": "plain", "metric": "MCC",
    ...                   "verdict": ["better", "indistinguishable"]})
    >>> tally(p, "MCC").loc["t", "summary"]
    'helps on 1 of 2 tasks'
    """
    sub = paired[(paired["metric"] == metric) & (paired["technique"] != paired["reference"])]
    if sub.empty:
        raise ValueError(f"no paired rows for metric {metric!r}; metrics present: {sorted(paired['metric'].unique())}")
    t = pd.crosstab(sub["technique"], sub["verdict"])
    for v in ("better", "worse", "indistinguishable"):
        if v not in t:
            t[v] = 0
    t = t[["better", "worse", "indistinguishable"]]
    t["tasks"] = t.sum(axis=1)
    t["summary"] = [f"helps on {b} of {n} tasks" for b, n in zip(t["better"], t["tasks"])]
    t.columns.name = None
    return t


def plot_matrix(paired: pd.DataFrame, metric: str, *, value: str = "mean_diff", ax: Any = None,
                techniques: Sequence[str] | None = None, tasks: Sequence[str] | None = None) -> Any:
    """Heat map techniques × tasks of ``value`` (``"mean_diff"`` or ``"rel_diff"``) for one
    metric, coloured so that blue = better than the reference and red = worse whatever the
    metric's direction (colour range clipped at the 90th percentile of the absolute values),
    annotated with the value and a verdict mark (``+`` better, ``−``
    worse, none = indistinguishable). Returns the axes.
    """
    import matplotlib.pyplot as plt

    sub = paired[(paired["metric"] == metric) & (paired["technique"] != paired["reference"])]
    if sub.empty:
        raise ValueError(f"no paired rows for metric {metric!r}")
    kind = "regression" if metric in METRICS["regression"] else "binary"
    sign = METRICS[kind][metric]
    techniques = list(techniques or dict.fromkeys(sub["technique"]))
    tasks = list(tasks or dict.fromkeys(sub["task"]))
    grid = sub.pivot_table(index="technique", columns="task", values=value, aggfunc="first").reindex(index=techniques, columns=tasks)
    marks = sub.pivot_table(index="technique", columns="task", values="verdict", aggfunc="first").reindex(index=techniques, columns=tasks)
    vals = grid.to_numpy(float)
    good = sign * vals
    # colour range: the 90th percentile of |difference|, so one extreme cell does not wash out the rest
    lim = float(np.nanquantile(np.abs(good), 0.9)) if np.isfinite(good).any() else 1.0
    lim = lim if lim > 0 else 1.0
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.75 * len(tasks), 0.9 + 0.42 * len(techniques)))
    im = ax.imshow(np.ma.masked_invalid(good), cmap="RdBu", vmin=-lim, vmax=lim, aspect="auto")
    for i in range(len(techniques)):
        for j in range(len(tasks)):
            v = vals[i, j]
            if not np.isfinite(v):
                ax.text(j, i, "n/a", ha="center", va="center", fontsize=7, color="0.5")
                continue
            mark = {"better": "+", "worse": "−"}.get(marks.iat[i, j], "")
            txt = f"{v:+.0%}" if value == "rel_diff" else f"{v:+.2f}"
            ax.text(j, i, f"{txt}{mark}", ha="center", va="center", fontsize=7,
                    color="white" if abs(good[i, j]) > 0.6 * lim else "black")
    ax.set_xticks(range(len(tasks)), tasks, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(techniques)), techniques, fontsize=8)
    ax.set_xlabel("task")
    ax.set_ylabel("technique")
    label = "relative" if value == "rel_diff" else "paired"
    ax.figure.colorbar(im, ax=ax, label=f"{label} difference in {metric} (blue = better)")
    return ax
