"""A fast linear sentence classifier over hashed n-grams of canonical text.

:class:`SentenceLinear` is a scikit-learn estimator: hashed n-grams (placed as
scikit-learn's ``HashingVectorizer`` places them, :mod:`veracity.text.hashing`) over
:func:`veracity.text.normalize.canonical` (word n-grams, optional char
n-grams) + ``LogisticRegression``.  Prediction does not go through sklearn:
the learnt weights are one sparse ``n_features x n_classes`` matrix, so many
models that share a vectoriser config score a batch with one transform and
one sparse product (see :func:`stack_models`).

Persistence is :mod:`veracity.persist` only: the nonzero weights as npz, the
config as JSON.  No pickle.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..errors import E, ModelError
from ..estimator import ClassifierEstimator, sigmoid
from ..persist import Bundle, load_folder, save_folder
from ..registry import sentence_models
from ..text.hashing import SPACE_SPLIT, NgramVectorizer
from ..text.normalize import canonical

NAME = "veracity.SentenceLinear.v1"
VECTOR_KEYS = ("n_features", "ngram_range", "char_ngram_range")


def make_vectorizers(config: dict[str, Any]) -> list[NgramVectorizer]:
    """The hashing vectorisers for a config (word n-grams, then char n-grams if any)."""
    n = int(config["n_features"])
    lo, hi = config["ngram_range"]
    out = [NgramVectorizer(n, (lo, hi), token_pattern=SPACE_SPLIT)]
    if config.get("char_ngram_range"):
        clo, chi = config["char_ngram_range"]
        out.append(NgramVectorizer(n, (clo, chi), analyzer="char_wb"))
    return out


def transform(config: dict[str, Any], texts: Sequence[str]) -> sp.csr_matrix:
    """Hashed features of raw ``texts`` (canonicalised here) for ``config``."""
    return transform_canonical(config, [canonical(t) for t in texts])


def transform_canonical(config: dict[str, Any], canon: Sequence[str]) -> sp.csr_matrix:
    """Hashed features of texts already in :func:`canonical` form."""
    mats = [vec.transform(canon) for vec in make_vectorizers(config)]
    out = mats[0] if len(mats) == 1 else (mats[0] + mats[1]) * np.float32(1 / np.sqrt(2))
    return sp.csr_matrix(out, dtype=np.float32)


def vector_key(config: dict[str, Any]) -> str:
    """Models with equal keys can share one transform."""
    return json.dumps({k: config.get(k) for k in VECTOR_KEYS}, sort_keys=True)


def probabilities(scores: np.ndarray) -> np.ndarray:
    """Decision scores -> probabilities (sigmoid for one column, softmax otherwise)."""
    if scores.shape[1] == 1:
        pos = sigmoid(scores[:, 0])
        return np.column_stack([1.0 - pos, pos])
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


@sentence_models.register(NAME)
class SentenceLinear(ClassifierEstimator):
    """Hashed word (and char) n-grams of canonical text + logistic regression."""

    def __init__(
        self,
        n_features: int = 2**18,
        ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] | None = None,
        C: float = 1.0,
        class_weight: str | None = None,
        max_iter: int = 2000,
        random_state: int = 0,
    ) -> None:
        self.n_features = n_features
        self.ngram_range = ngram_range
        self.char_ngram_range = char_ngram_range
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state

    def _config(self) -> dict[str, Any]:
        return {
            "n_features": int(self.n_features),
            "ngram_range": list(self.ngram_range),
            "char_ngram_range": list(self.char_ngram_range) if self.char_ngram_range else None,
        }

    def fit(self, X: Sequence[str], y: Sequence[Any]) -> SentenceLinear:
        from sklearn.linear_model import LogisticRegression

        matrix = transform(self._config(), X)
        clf = LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=self.max_iter,
            random_state=self.random_state,
        )
        clf.fit(matrix, np.asarray(y))
        self.classes_ = clf.classes_
        self.coef_ = clf.coef_.T.astype(np.float32)
        self.intercept_ = clf.intercept_.astype(np.float32)
        self.config_ = self._config()
        return self

    def scores_from_matrix(self, matrix: sp.csr_matrix) -> np.ndarray:
        """Decision scores for rows already hashed with this model's config."""
        return np.asarray(matrix @ self.coef_, dtype=np.float64) + self.intercept_

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        scores = self.scores_from_matrix(transform(self.config_, X))
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return probabilities(self.scores_from_matrix(transform(self.config_, X)))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])

    def to_bundle(self, card: dict[str, Any] | None = None) -> Bundle:
        coef = sp.csr_matrix(self.coef_)
        coef.eliminate_zeros()
        coo = coef.tocoo()
        arrays = {
            "weights": {
                "row": coo.row.astype(np.int32),
                "col": coo.col.astype(np.int16),
                "value": coo.data.astype(np.float32),
                "shape": np.asarray(coef.shape, dtype=np.int64),
                "intercept": self.intercept_.astype(np.float32),
            }
        }
        params = self.get_params()
        params["ngram_range"] = list(params["ngram_range"])
        if params["char_ngram_range"]:
            params["char_ngram_range"] = list(params["char_ngram_range"])
        data = {
            "model": {
                "params": params,
                "classes": [c.item() if hasattr(c, "item") else c for c in self.classes_],
            }
        }
        return Bundle(arrays=arrays, data=data, card=dict(card or {}, architecture=NAME))

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> SentenceLinear:
        try:
            params = dict(bundle.data["model"]["params"])
            weights = bundle.arrays["weights"]
            shape = tuple(int(v) for v in weights["shape"])
            params["ngram_range"] = tuple(params["ngram_range"])
            if params.get("char_ngram_range"):
                params["char_ngram_range"] = tuple(params["char_ngram_range"])
            model = cls(**params)
            model.coef_ = sp.csr_matrix(
                (weights["value"], (weights["row"], weights["col"].astype(np.int32))),
                shape=shape,
                dtype=np.float32,
            ).toarray()
            model.intercept_ = weights["intercept"].astype(np.float32)
            model.classes_ = np.asarray(bundle.data["model"]["classes"])
        except (KeyError, TypeError, ValueError) as err:
            raise ModelError(
                E.E010,
                path=bundle.card.get("name", NAME),
                reason=f"bad SentenceLinear bundle ({err})",
            ) from None
        model.config_ = model._config()
        return model


def save_model(folder: Path, model: SentenceLinear, card: dict[str, Any]) -> None:
    save_folder(folder, model.to_bundle(card))


def load_model(folder: Path) -> SentenceLinear:
    """Load a verified model folder through the registry entry its card names."""
    bundle = load_folder(folder)
    factory = sentence_models.get(str(bundle.card.get("architecture", NAME)))
    if not (isinstance(factory, type) and issubclass(factory, SentenceLinear)):
        raise ModelError(E.E010, path=folder, reason="not a sentence model")
    return factory.from_bundle(bundle)


def stack_models(models: Sequence[SentenceLinear]) -> tuple[np.ndarray, np.ndarray]:
    """One dense weight matrix and intercept for models sharing a vectoriser config."""
    keys = {vector_key(m.config_) for m in models}
    if len(keys) != 1:
        raise ModelError(E.E010, path="signals", reason="stacked models differ in vectoriser")
    coef = np.hstack([m.coef_ for m in models])
    return coef, np.concatenate([m.intercept_ for m in models])
