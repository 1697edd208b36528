"""The scikit-learn estimator contract, without importing scikit-learn to score.

Detectors and sentence models follow scikit-learn's conventions (``sklearn/base.py``):
``__init__`` only stores its arguments, :meth:`get_params` and :meth:`set_params`
read them back through the constructor's signature, ``fit`` returns ``self``,
learned state ends in ``_`` and ``predict_proba`` columns follow ``classes_``.
scikit-learn's own tools duck-type on that contract (``clone``, grid search,
``is_classifier`` through :meth:`__sklearn_tags__`).

They do not inherit ``sklearn.base.BaseEstimator`` because importing
scikit-learn takes about two seconds, which was most of ``veracity check``'s
cold start; scikit-learn is imported when a model is fitted, not when one scores.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``: log-odds to probabilities, elementwise."""
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


class NotFittedError(ValueError, AttributeError):
    """A model was used before ``fit`` (the same bases as scikit-learn's)."""


class Estimator:
    """Parameter handling of a scikit-learn estimator (``BaseEstimator``'s contract)."""

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's arguments, as stored (``deep`` as in scikit-learn)."""
        out: dict[str, Any] = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Estimator:
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({args})"

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import Tags, TargetTags

        return Tags(
            estimator_type=None,
            target_tags=TargetTags(required=False),
            transformer_tags=None,
            regressor_tags=None,
            classifier_tags=None,
        )


class ClassifierEstimator(Estimator):
    """A classifier: :class:`Estimator` plus ``score`` and classifier tags (``ClassifierMixin``)."""

    _estimator_type = "classifier"

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy of :meth:`predict` (scikit-learn's ``ClassifierMixin.score``)."""
        hits = np.asarray(self.predict(X)) == np.asarray(y)  # type: ignore[attr-defined]
        return float(np.average(hits, weights=sample_weight))

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            transformer_tags=None,
            regressor_tags=None,
            classifier_tags=ClassifierTags(),
        )


def check_fitted(model: object, attribute: str) -> None:
    """Raise :class:`NotFittedError` unless ``model`` has the learned ``attribute``."""
    if not hasattr(model, attribute):
        raise NotFittedError(f"{type(model).__name__} is not fitted yet; call fit first")
