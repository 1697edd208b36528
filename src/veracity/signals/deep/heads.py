"""The deep pipeline's task heads, applied with numpy to the encoder's token states.

Each head is one matrix and one bias (``heads.npz``, written by
:mod:`veracity.training.deep_model`): three sentence heads on the masked mean of
a sentence's token states (bias, subjectivity, check-worthiness, in
:data:`SENTENCE_HEADS` order; each threshold is folded into its bias, so 0.5 is the
line), a token head (inside a propaganda span) and a technique head on a span's mean
state beside its sentence's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...estimator import sigmoid

#: The sentence heads, in the column order of ``sentence_weight``.
SENTENCE_HEADS = ("bias", "subjectivity", "checkworthy")
#: The arrays ``heads.npz`` holds.
ARRAYS = (
    "sentence_weight",
    "sentence_bias",
    "tag_weight",
    "tag_bias",
    "technique_weight",
    "technique_bias",
)


def masked_mean(states: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each row's mean token state over its ``mask``."""
    weights = mask.astype(np.float32)[:, :, None]
    return np.asarray((states * weights).sum(1) / np.maximum(weights.sum(1), 1.0))


@dataclass(frozen=True)
class Heads:
    sentence_weight: np.ndarray
    sentence_bias: np.ndarray
    tag_weight: np.ndarray
    tag_bias: np.ndarray
    technique_weight: np.ndarray
    technique_bias: np.ndarray

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Heads:
        """The heads from ``heads.npz``'s arrays (a missing one raises ``KeyError``)."""
        return cls(**{name: np.asarray(arrays[name], dtype=np.float32) for name in ARRAYS})

    @property
    def size(self) -> int:
        """The encoder's state width."""
        return int(self.sentence_weight.shape[0])

    def sentence_probabilities(self, states: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """P(positive) of each sentence head, one column each."""
        logits = masked_mean(states, mask) @ self.sentence_weight + self.sentence_bias
        return np.asarray(sigmoid(logits.astype(np.float64)))

    def tag_probabilities(self, states: np.ndarray) -> np.ndarray:
        """P(inside a propaganda span) of every token."""
        logits = (states @ self.tag_weight)[..., 0] + self.tag_bias[0]
        return np.asarray(sigmoid(logits.astype(np.float64)))

    def technique_probabilities(
        self, span_means: np.ndarray, sentence_means: np.ndarray
    ) -> np.ndarray:
        """Softmax over the techniques for spans (their mean state, their sentence's)."""
        logits = np.hstack([span_means, sentence_means]) @ self.technique_weight
        logits = logits + self.technique_bias
        logits = logits - logits.max(1, keepdims=True)
        odds = np.exp(logits.astype(np.float64))
        return np.asarray(odds / odds.sum(1, keepdims=True))
