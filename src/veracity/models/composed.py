"""A detector composed of parts: a featuriser, a linear model and an optional style profile.

Every registered detector (``veracity.LinearNgram.v1``, ``veracity.MaskedStyle.v2``...)
is a factory that takes a flat config and builds one :class:`ComposedDetector`
from parts with explicit parameters:

- a featuriser (:class:`~veracity.models.features.Featurizer`): which token runs
  of a Doc it reads (:class:`~veracity.models.features.TokenGrams`,
  :class:`~veracity.models.voice.VoiceGrams`) with which n-gram hasher;
- a linear model (:class:`~veracity.models.linear.LinearModel`): TF-IDF,
  logistic regression, calibration, fitted jointly or stacked;
- optionally a style profile (:class:`~veracity.models.style.StyleProfile`):
  per-sentence rows averaged over the article, as extra columns.

The detector keeps scikit-learn's estimator contract: its parameters are its
parts (``get_params(deep=True)`` reaches theirs as ``model__C``), ``fit``
fits the parts and returns ``self``, and ``clone`` gives unfitted copies.

A model folder stores the factory's config (``linear.json``'s ``params``, the
union of the parts' :meth:`config`); :func:`load_detector` calls the factory
with it and hands each part its learned state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from ..doc import Doc, as_docs
from ..estimator import ClassifierEstimator, check_fitted
from ..persist import Bundle
from ..registry import detectors
from .credit import SentenceGrams, ngram_credit, sentence_grams
from .detector import SentenceCredit

if TYPE_CHECKING:
    from .features import Featurizer
    from .linear import LinearModel
    from .style import StyleProfile


class ComposedDetector(ClassifierEstimator):
    """A fitted-on-Docs detector built from its parts (see module doc)."""

    def __init__(
        self, featurizer: Featurizer, model: LinearModel, profile: StyleProfile | None = None
    ) -> None:
        self.featurizer = featurizer
        self.model = model
        self.profile = profile

    @property
    def threshold_(self) -> float:
        """P(``classes_[1]``) at and above which the verdict is ``classes_[1]``."""
        return float(self.model.threshold_)

    def config(self) -> dict[str, object]:
        """The flat config its registered factory takes to build it again (JSON values)."""
        parts = [self.featurizer.config(), self.model.config()]
        if self.profile is not None:
            parts.append(self.profile.config())
        return {k: v for part in parts for k, v in part.items()}

    def set_params(self, **params: Any) -> ComposedDetector:
        """Set parameters, a part's own as ``part__name`` (scikit-learn's nested form, any depth)."""
        super().set_params(**{k: v for k, v in params.items() if "__" not in k})
        for key, value in params.items():
            *path, name = key.split("__")
            if not path:
                continue
            owner: Any = self
            for step in path:
                if step not in owner._param_names() or getattr(owner, step) is None:
                    raise ValueError(f"invalid parameter {key!r} for {type(self).__name__}")
                owner = getattr(owner, step)
            owner.set_params(**{name: value})
        return self

    # -- features -------------------------------------------------------
    def counts(self, X: Sequence[Doc | str]) -> sp.csr_matrix:
        """Raw n-gram counts, one row per article (kept on its Doc, see :mod:`.annotations`)."""
        return self.featurizer.counts(as_docs(X))

    def counts_and_grams(self, docs: Sequence[Doc]) -> tuple[sp.csr_matrix, SentenceGrams]:
        """The counts and the sentence n-grams that explain them (for :meth:`explain_many`),
        hashed once where the featuriser counts its sentence runs."""
        grams = sentence_grams(self.featurizer, docs)
        return self.featurizer.counts_from(grams, docs), grams

    def features(
        self, X: Sequence[Doc | str], counts: sp.csr_matrix | None = None
    ) -> sp.csr_matrix:
        """The model's input rows; pass ``counts`` when already computed."""
        check_fitted(self, "classes_")
        docs = as_docs(X)
        counts = self.counts(docs) if counts is None else counts
        style = None if self.profile is None else self.profile.transform(docs)
        return self.model.features(counts, style)

    # -- fitting --------------------------------------------------------
    def fit(
        self,
        X: Sequence[Doc | str],
        y: Sequence[str],
        groups: Sequence[str] | None = None,
        sample_weight: np.ndarray | None = None,
        pinned: np.ndarray | None = None,
        corpora: Sequence[str] | None = None,
    ) -> ComposedDetector:
        """Fit on articles ``X`` (Docs, or texts to parse) and labels ``y`` (two classes).

        ``groups``, ``sample_weight``, ``pinned`` and ``corpora`` go to the
        linear model (see :meth:`veracity.models.linear.LinearModel.fit`).
        """
        y_arr = np.asarray(y)
        classes = np.unique(y_arr)
        if len(classes) != 2:
            raise ValueError(f"a detector needs two classes, got {list(classes)}")
        docs = as_docs(X)
        style = None
        if self.profile is not None:
            style = self.profile.fit(docs).transform(docs)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        target = (y_arr == classes[1]).astype(int)
        self.model.fit(self.counts(docs), style, target, groups, weight, pinned, corpora)
        self.classes_ = classes
        return self

    # -- prediction -----------------------------------------------------
    def margins(self, feats: sp.csr_matrix) -> np.ndarray:
        """Raw margins of the input rows."""
        return self.model.margins(feats)

    def decision_function(self, X: Sequence[Doc | str]) -> np.ndarray:
        return self.margins(self.features(X))

    def calibrate(self, margins: np.ndarray) -> np.ndarray:
        """P(``classes_[1]``) from raw margins."""
        return self.model.calibrate(margins)

    def from_balanced(self, p: np.ndarray) -> np.ndarray:
        """The reported probability at which the weighted calibration says ``p``."""
        return self.model.from_balanced(p)

    def log_odds_scale(self) -> float:
        """Calibrated log-odds per unit of raw margin."""
        return self.model.log_odds_scale()

    def coverage(self, counts: sp.csr_matrix) -> np.ndarray:
        """Per article (a row of ``counts``), the share of its n-gram occurrences the model
        saw in training."""
        return self.model.coverage(counts)

    def predict_proba(self, X: Sequence[Doc | str]) -> np.ndarray:
        p = self.calibrate(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Sequence[Doc | str]) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= self.threshold_).astype(int)]

    # -- explanation ----------------------------------------------------
    def explain_many(
        self,
        counts: sp.csr_matrix,
        docs: Sequence[Doc],
        top: int | None = None,
        grams: SentenceGrams | None = None,
    ) -> SentenceCredit:
        """Per article (a row of ``counts``), each sentence's push on the raw margin and the
        n-grams that carry it, strongest first (only the ``top`` strongest if set).

        The n-gram part is credited by :func:`~veracity.models.credit.ngram_credit`, from
        ``grams`` when :meth:`counts_and_grams` gave them; a style profile adds each
        sentence's share of its columns' push.
        """
        keys, weights = self.model.occurrence_weights(counts)
        grams = sentence_grams(self.featurizer, docs) if grams is None else grams
        n_features = self.featurizer.hasher.n_features
        credit = ngram_credit(grams, n_features, keys, weights, top)
        if self.profile is None:
            return credit
        coef = self.model.coef_[self.featurizer.hasher.n_features :]
        out = []
        for article, doc in zip(credit, docs, strict=True):
            style = self.profile.sentence_margins(doc, coef)
            out.append([(m + float(e), g) for (m, g), e in zip(article, style, strict=True)])
        return out

    # -- persistence ----------------------------------------------------
    def to_bundle(self) -> Bundle:
        check_fitted(self, "classes_")
        bundle = self.model.to_bundle()
        bundle.data["linear"]["params"] = self.config()
        bundle.data["linear"]["classes"] = [str(c) for c in self.classes_]
        if self.profile is not None:
            style = self.profile.to_bundle()
            bundle.arrays.update(style.arrays)
            bundle.data.update(style.data)
        return bundle

    def restore(self, bundle: Bundle) -> ComposedDetector:
        """Take every part's learned state from ``bundle`` (see :func:`load_detector`)."""
        width = 0
        if self.profile is not None:
            width = len(self.profile.restore(bundle).spec.features)
        self.model.restore(bundle, self.featurizer.hasher.n_features, width)
        self.classes_ = np.array(bundle.data["linear"]["classes"])
        return self


def load_detector(name: str, bundle: Bundle) -> ComposedDetector:
    """The registered detector ``name``, built from the bundle's config, with its learned state."""
    params = bundle.data["linear"]["params"]
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    detector: ComposedDetector = detectors.get(name)(**config)
    return detector.restore(bundle)
