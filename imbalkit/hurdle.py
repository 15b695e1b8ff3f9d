"""A two-stage ("hurdle") regressor for zero-inflated targets such as band gaps, where
metals sit exactly at 0 eV.

Stage 1, a classifier, estimates ``P(y ≠ 0 | x)``; stage 2, a regressor, is trained on the
non-zero rows only and estimates ``E[y | y ≠ 0, x]``. The two are combined either

* ``combine="expected"``: ``ŷ = P(y ≠ 0 | x) · E[y | y ≠ 0, x]``, the conditional mean,
  which minimises squared error when both stages are right; or
* ``combine="gate"``: ``ŷ = E[y | y ≠ 0, x]`` if ``P(y ≠ 0 | x) ≥ threshold`` else exactly 0,
  which keeps metals at exactly 0 and gaps un-shrunk, at the cost of large errors when
  the gate is wrong.

Example
-------
>>> import numpy as np
>>> X = np.arange(20.0).reshape(-1, 1); y = np.where(X[:, 0] < 10, 0.0, X[:, 0])
>>> HurdleRegressor(combine="gate").fit(X, y).predict([[0.0], [19.0]]).round(1).tolist()
[0.0, 17.0]
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils.validation import check_is_fitted, validate_data

from ._checks import as_1d_float

__all__ = ["HurdleRegressor"]


class HurdleRegressor(RegressorMixin, BaseEstimator):
    """Zero-vs-non-zero classifier + regressor on the non-zero part (scikit-learn API).

    Parameters
    ----------
    classifier : a scikit-learn classifier with ``predict_proba`` (default: a decision tree
        with ``min_samples_leaf=5``); cloned at fit time
    regressor : a scikit-learn regressor (default: a decision tree with ``min_samples_leaf=5``);
        cloned at fit time and trained on the rows with ``|y| > zero_tol`` only
    zero_tol : a target counts as zero when ``|y| <= zero_tol``
    combine : ``"expected"`` (probability × conditional mean) or ``"gate"`` (hard switch)
    threshold : gate threshold on ``P(y ≠ 0)`` for ``combine="gate"``

    Attributes
    ----------
    classifier_, regressor_ : the fitted stages
    zero_fraction_ : share of zero targets in the training data

    Examples
    --------
    >>> from sklearn.base import clone
    >>> clone(HurdleRegressor(threshold=0.3)).get_params()["threshold"]
    0.3
    """

    def __init__(
        self,
        classifier: Any = None,
        regressor: Any = None,
        *,
        zero_tol: float = 0.0,
        combine: str = "expected",
        threshold: float = 0.5,
    ) -> None:
        self.classifier = classifier
        self.regressor = regressor
        self.zero_tol = zero_tol
        self.combine = combine
        self.threshold = threshold

    def _check_params(self) -> None:
        if self.combine not in ("expected", "gate"):
            raise ValueError(f"combine must be 'expected' or 'gate', got {self.combine!r}")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be a probability in [0, 1], got {self.threshold!r}")
        if not self.zero_tol >= 0:
            raise ValueError(f"zero_tol must be >= 0, got {self.zero_tol!r}")

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "HurdleRegressor":
        """Fit both stages; ``sample_weight`` (optional) is passed to each on its rows.

        Raises ``ValueError`` when the training targets are all zero or all non-zero
        (then a plain regressor is the right model).

        >>> import numpy as np
        >>> HurdleRegressor().fit(np.zeros((4, 1)), [0, 0, 0, 0])
        Traceback (most recent call last):
        ...
        ValueError: y has no non-zero targets (|y| > zero_tol=0.0), so there is nothing for the regressor stage; use a plain regressor
        """
        self._check_params()
        X = validate_data(self, X, reset=True)
        yarr = as_1d_float(y, "y")
        if yarr.size != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {yarr.size} values")
        nonzero = np.abs(yarr) > self.zero_tol
        if not nonzero.any():
            raise ValueError(
                f"y has no non-zero targets (|y| > zero_tol={self.zero_tol}), so there is nothing for the "
                "regressor stage; use a plain regressor"
            )
        if nonzero.all():
            raise ValueError(
                f"y has no zero targets (|y| <= zero_tol={self.zero_tol}), so the classifier stage has one "
                "class only; use a plain regressor or raise zero_tol"
            )
        w = None if sample_weight is None else as_1d_float(sample_weight, "sample_weight")
        clf = clone(self.classifier) if self.classifier is not None else DecisionTreeClassifier(min_samples_leaf=5, random_state=0)
        reg = clone(self.regressor) if self.regressor is not None else DecisionTreeRegressor(min_samples_leaf=5, random_state=0)
        if w is None:
            clf.fit(X, nonzero.astype(int))
            reg.fit(X[nonzero], yarr[nonzero])
        else:
            clf.fit(X, nonzero.astype(int), sample_weight=w)
            reg.fit(X[nonzero], yarr[nonzero], sample_weight=w[nonzero])
        if not hasattr(clf, "predict_proba"):
            raise TypeError(f"classifier {type(clf).__name__} has no predict_proba; use a probabilistic classifier")
        self.classifier_, self.regressor_ = clf, reg
        self.zero_fraction_ = float(1.0 - nonzero.mean())
        return self

    def predict_nonzero_proba(self, X: Any) -> np.ndarray:
        """``P(y ≠ 0 | x)`` from the classifier stage.

        >>> import numpy as np
        >>> X = np.arange(20.0).reshape(-1, 1); y = np.where(X[:, 0] < 10, 0.0, 1.0)
        >>> HurdleRegressor().fit(X, y).predict_nonzero_proba([[0.0], [19.0]]).tolist()
        [0.0, 1.0]
        """
        check_is_fitted(self, "classifier_")
        X = validate_data(self, X, reset=False)
        classes = list(self.classifier_.classes_)
        return self.classifier_.predict_proba(X)[:, classes.index(1)]

    def predict_conditional(self, X: Any) -> np.ndarray:
        """``E[y | y ≠ 0, x]`` from the regressor stage.

        >>> import numpy as np
        >>> X = np.arange(20.0).reshape(-1, 1); y = np.where(X[:, 0] < 10, 0.0, 2.0)
        >>> HurdleRegressor().fit(X, y).predict_conditional([[0.0]]).tolist()
        [2.0]
        """
        check_is_fitted(self, "regressor_")
        X = validate_data(self, X, reset=False)
        return np.asarray(self.regressor_.predict(X), dtype=float)

    def predict(self, X: Any) -> np.ndarray:
        """Combined prediction, see ``combine``.

        >>> import numpy as np
        >>> X = np.arange(20.0).reshape(-1, 1); y = np.where(X[:, 0] < 10, 0.0, 2.0)
        >>> HurdleRegressor().fit(X, y).predict([[0.0], [19.0]]).tolist()
        [0.0, 2.0]
        """
        p = self.predict_nonzero_proba(X)
        mu = self.predict_conditional(X)
        if self.combine == "gate":
            return np.where(p >= self.threshold, mu, 0.0)
        return p * mu
