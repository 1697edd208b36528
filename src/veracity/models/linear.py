"""``veracity.LinearNgram.v1``: hashed word n-grams, TF-IDF, logistic regression.

A scikit-learn estimator: ``__init__`` stores arguments, ``fit`` returns
``self``, learned state ends in ``_`` and ``predict_proba`` columns follow
``classes_``.  Probabilities are Platt-calibrated on out-of-fold margins;
when ``groups`` (publishers or corpora) are passed to :meth:`fit`, the folds
keep each group on one side, so the calibration reflects unseen sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from ..persist import Bundle
from ..registry import detectors
from ..text.normalize import canonical, tokens
from .features import NgramHasher


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@detectors.register("veracity.LinearNgram.v1")
class LinearNgram(ClassifierMixin, BaseEstimator):
    """Calibrated linear detector over hashed canonical word n-grams."""

    def __init__(
        self,
        n_features: int = 2**20,
        ngram_range: tuple[int, int] = (1, 2),
        C: float = 1.0,
        min_df: int = 2,
        sublinear_tf: bool = True,
        class_weight: str | None = "balanced",
        calibration_folds: int = 5,
        random_state: int = 0,
    ) -> None:
        self.n_features = n_features
        self.ngram_range = ngram_range
        self.C = C
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state

    # -- features -------------------------------------------------------
    def _hasher(self) -> NgramHasher:
        return NgramHasher(self.n_features, tuple(self.ngram_range))  # type: ignore[arg-type]

    def _weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """TF-IDF (sublinear if set) with L2 row norm, from raw counts."""
        x = counts.astype(np.float32, copy=True)
        if self.sublinear_tf:
            np.log1p(x.data, out=x.data)
        x = x.multiply(self.idf_).tocsr()
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        x = sp.csr_matrix(x, dtype=np.float32)
        x.data *= np.repeat((1.0 / norms).astype(np.float32), np.diff(x.indptr))
        return x

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._hasher().transform(canonical(t) for t in texts)

    def features(self, texts: Sequence[str], counts: sp.csr_matrix | None = None) -> sp.csr_matrix:
        """The model's input rows; pass ``counts`` when already computed."""
        check_is_fitted(self, "idf_")
        texts = list(texts)
        return self._features(self.counts(texts) if counts is None else counts, texts)

    def _features(self, counts: sp.csr_matrix, texts: Sequence[str]) -> sp.csr_matrix:
        return self._weight(counts)

    # -- fitting --------------------------------------------------------
    def fit(
        self,
        X: Sequence[str],
        y: Sequence[str],
        groups: Sequence[str] | None = None,
        sample_weight: np.ndarray | None = None,
    ) -> LinearNgram:
        """Fit on texts ``X`` and labels ``y``.

        ``groups`` keeps publishers together in the calibration folds;
        ``sample_weight`` re-weights rows (e.g. equal weight per corpus and label).
        """
        y_arr = np.asarray(y)
        self.classes_ = np.unique(y_arr)
        if len(self.classes_) != 2:
            raise ValueError(f"LinearNgram needs two classes, got {list(self.classes_)}")
        texts = list(X)
        counts = self.counts(texts)
        self._fit_idf(counts)
        feats = self._features(counts, texts)
        target = (y_arr == self.classes_[1]).astype(int)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        margins = self._oof_margins(feats, target, groups, weight)
        platt = LogisticRegression(C=1e4).fit(margins.reshape(-1, 1), target, sample_weight=weight)
        self.calibration_ = np.array([platt.coef_[0, 0], platt.intercept_[0]], dtype=np.float64)
        clf = self._linear().fit(feats, target, sample_weight=weight)
        self.coef_ = clf.coef_.ravel().astype(np.float32)
        self.intercept_ = float(clf.intercept_[0])
        return self

    def _fit_idf(self, counts: sp.csr_matrix) -> None:
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=self.n_features)
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        idf[df < self.min_df] = 0.0
        self.idf_ = idf.astype(np.float32)

    def _linear(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=2000,
            solver="liblinear",
            random_state=self.random_state,
        )

    def _oof_margins(
        self,
        feats: sp.csr_matrix,
        target: np.ndarray,
        groups: Sequence[str] | None,
        weight: np.ndarray | None,
    ) -> np.ndarray:
        margins = np.zeros(feats.shape[0])
        if groups is not None and len(set(groups)) >= self.calibration_folds:
            splits = GroupKFold(self.calibration_folds).split(feats, target, np.asarray(groups))
        else:
            skf = StratifiedKFold(
                self.calibration_folds, shuffle=True, random_state=self.random_state
            )
            splits = skf.split(feats, target)
        for tr, te in splits:
            w = None if weight is None else weight[tr]
            clf = self._linear().fit(feats[tr], target[tr], sample_weight=w)
            margins[te] = clf.decision_function(feats[te])
        return margins

    # -- prediction -----------------------------------------------------
    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        return self.margins(self.features(X))

    def margins(self, feats: sp.csr_matrix) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return np.asarray(feats @ self.coef_).ravel() + self.intercept_

    def calibrate(self, margins: np.ndarray) -> np.ndarray:
        """P(``classes_[1]``) from raw margins."""
        a, b = self.calibration_
        return _sigmoid(a * margins + b)

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        p = self.calibrate(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]

    # -- explanation ----------------------------------------------------
    def ngram_weights(self, counts_row: sp.csr_matrix) -> dict[int, float]:
        """Per-column contribution to the margin, per single occurrence.

        Column j contributes ``coef_j * x_j`` to the margin; dividing by the
        count spreads that over its occurrences, so sentences can be credited
        in proportion to the occurrences they hold.
        """
        feats = self._weight(counts_row)
        count = dict(zip(counts_row.indices.tolist(), counts_row.data.tolist(), strict=True))
        return {
            int(j): float(self.coef_[j] * xj / count[int(j)])
            for j, xj in zip(feats.indices, feats.data, strict=True)
        }

    def explain_sentences(
        self, counts_row: sp.csr_matrix, sentences: Sequence[str]
    ) -> list[tuple[float, dict[str, float]]]:
        """Each sentence's push on the raw margin, and the n-grams that carry it.

        A sentence is credited with the n-gram occurrences it holds (see
        :meth:`ngram_weights`); n-grams that straddle two sentences go uncredited.
        """
        weights = self.ngram_weights(counts_row)
        hasher = self._hasher()
        out = []
        for grams in self._sentence_grams(hasher, sentences):
            per_gram: dict[str, float] = {}
            for gram in grams:
                w = weights.get(hasher.index(gram), 0.0)
                if w:
                    per_gram[gram] = per_gram.get(gram, 0.0) + w
            out.append((sum(per_gram.values()), per_gram))
        return out

    def _sentence_grams(self, hasher: NgramHasher, sentences: Sequence[str]) -> list[list[str]]:
        """The n-grams each sentence holds, as the features count them."""
        return [hasher.ngrams(tokens(text)) for text in sentences]

    # -- persistence ----------------------------------------------------
    def to_bundle(self) -> Bundle:
        check_is_fitted(self, "coef_")
        return Bundle(
            arrays={"linear": {"coef": self.coef_, "idf": self.idf_}},
            data={
                "linear": {
                    "params": _jsonable(self.get_params()),
                    "classes": [str(c) for c in self.classes_],
                    "intercept": self.intercept_,
                    "calibration": self.calibration_.tolist(),
                }
            },
        )

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> LinearNgram:
        meta = bundle.data["linear"]
        params = dict(meta["params"])
        params["ngram_range"] = tuple(params["ngram_range"])
        model = cls(**params)
        model.classes_ = np.array(meta["classes"])
        model.coef_ = bundle.arrays["linear"]["coef"].astype(np.float32)
        model.idf_ = bundle.arrays["linear"]["idf"].astype(np.float32)
        width = model.coef_.shape[0] - model.n_features
        if model.coef_.ndim != 1 or model.idf_.shape != (model.n_features,) or width < 0:
            raise ValueError("array shapes do not match the model's n_features")
        model.intercept_ = float(meta["intercept"])
        model.calibration_ = np.array(meta["calibration"], dtype=np.float64)
        return model


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}
