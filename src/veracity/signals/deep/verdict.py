"""``veracity.DeepVerdict.v1``: the deep pipeline's article verdict.

Two stages, both linear, so every sentence's push is its exact share:

1. an **embedding model**: a logistic regression on the mean of the article's sentence
   states (the int8 encoder's mean-pooled token states, the ones the sentence heads read);
   its logit is the mean of the sentences' own logits, ``weight . state_i + bias``;
2. a **stack**: ``a * fast margin + b * embedding logit + c``, weighed on out-of-fold
   values of both (:mod:`veracity.training.deep_verdict`), then Platt-calibrated to the
   training rows' own label mix, as the fast model's probability is.

Sentence ``i`` of ``n`` pushes ``scale * (a * margin_i + b * weight . state_i / n)`` in
log-odds, where ``margin_i`` is its share of the fast detector's margin (its n-grams) and
``scale`` the calibration's slope.  The verdict was fitted on one fast model's margins, so
it holds only beside that model (:attr:`DeepVerdict.fast_sha256`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...estimator import sigmoid

NAME = "veracity.DeepVerdict.v1"


@dataclass(frozen=True)
class DeepVerdict:
    """The fitted verdict (see the module doc)."""

    weight: np.ndarray
    bias: float
    #: ``(a, b, c)``: fast margin, embedding logit, intercept (balanced log-odds).
    stack: tuple[float, float, float]
    #: ``(slope, intercept)`` from balanced log-odds to the reported log-odds.
    calibration: tuple[float, float]
    #: Reported probabilities: the uncertain band and the even-odds threshold.
    band: tuple[float, float]
    threshold: float
    #: The fast model whose margins it was fitted on.
    fast_sha256: str
    name: str = NAME

    @classmethod
    def from_bundle(cls, arrays: dict[str, np.ndarray], data: dict[str, Any]) -> DeepVerdict:
        """From ``verdict.npz`` and ``verdict.json`` (a missing key raises ``KeyError``)."""
        a, b, c = (float(v) for v in data["stack"])
        slope, intercept = (float(v) for v in data["calibration"])
        lo, hi = (float(v) for v in data["band"])
        return cls(
            weight=np.asarray(arrays["weight"], dtype=np.float32),
            bias=float(data["bias"]),
            stack=(a, b, c),
            calibration=(slope, intercept),
            band=(lo, hi),
            threshold=float(data["threshold"]),
            fast_sha256=str(data["fast_sha256"]),
            name=str(data.get("name", NAME)),
        )

    def to_bundle(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        data = {
            "name": self.name,
            "bias": self.bias,
            "stack": list(self.stack),
            "calibration": list(self.calibration),
            "band": list(self.band),
            "threshold": self.threshold,
            "fast_sha256": self.fast_sha256,
        }
        return {"weight": self.weight}, data

    def embedding_logits(self, vectors: Sequence[np.ndarray]) -> np.ndarray:
        """The embedding model's logit of each article (its sentence states, one row each)."""
        return np.asarray(
            [float(article_mean(v, len(self.weight)) @ self.weight) + self.bias for v in vectors],
            dtype=np.float64,
        )

    def balanced_logits(self, margins: np.ndarray, vectors: Sequence[np.ndarray]) -> np.ndarray:
        a, b, c = self.stack
        return a * np.asarray(margins, dtype=np.float64) + b * self.embedding_logits(vectors) + c

    def probabilities(self, margins: np.ndarray, vectors: Sequence[np.ndarray]) -> np.ndarray:
        """Reported P(unreliable) from the fast margins and each article's sentence states."""
        slope, intercept = self.calibration
        return np.asarray(sigmoid(slope * self.balanced_logits(margins, vectors) + intercept))

    @property
    def log_odds_scale(self) -> float:
        """Reported log-odds per unit of fast margin."""
        return self.calibration[0] * self.stack[0]

    def sentence_pushes(self, vectors: np.ndarray) -> np.ndarray:
        """Each sentence's push from the embedding model, in reported log-odds (the fast
        margin's share comes on top, scaled by :attr:`log_odds_scale`)."""
        if not len(vectors):
            return np.zeros(0)
        scale = self.calibration[0] * self.stack[1] / len(vectors)
        return np.asarray(scale * (np.asarray(vectors, dtype=np.float32) @ self.weight))


def article_mean(vectors: np.ndarray, size: int) -> np.ndarray:
    """An article's mean sentence state (``size`` zeros without a sentence)."""
    if not len(vectors):
        return np.zeros(size, dtype=np.float32)
    return np.asarray(np.asarray(vectors, dtype=np.float32).mean(0))
