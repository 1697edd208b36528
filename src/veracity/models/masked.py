"""``veracity.MaskedNgram.v1`` and ``veracity.MaskedStyle.v1``: word plus topic-masked n-grams.

Topic masking (text distortion) keeps function words and punctuation and turns
every content word into ``_``.  Its n-grams describe how an article is written
rather than what it is about, which is what has to transfer from one corpus
(COVID-19, the Syrian war, celebrity gossip) to another.
"""

from __future__ import annotations

from typing import Any

from ..registry import detectors
from .composed import ComposedDetector
from .features import MaskedNgramHasher, TokenGrams, pair
from .linear import LinearModel
from .style import STYLE_V1, styled


def masked_grams(
    n_features: int, ngram_range: tuple[int, int], masked_range: tuple[int, int]
) -> TokenGrams:
    """The article's stream read for word and topic-masked n-grams."""
    return TokenGrams(MaskedNgramHasher(n_features, pair(ngram_range), pair(masked_range)))


@detectors.register("veracity.MaskedNgram.v1")
def masked_ngram(
    n_features: int = 2**20,
    ngram_range: tuple[int, int] = (1, 2),
    masked_range: tuple[int, int] = (2, 4),
    **linear: Any,
) -> ComposedDetector:
    """A linear model over word n-grams and topic-masked n-grams."""
    return ComposedDetector(
        masked_grams(n_features, ngram_range, masked_range), LinearModel(**linear)
    )


@detectors.register("veracity.MaskedStyle.v1")
def masked_style(
    n_features: int = 2**20,
    ngram_range: tuple[int, int] = (1, 2),
    masked_range: tuple[int, int] = (2, 4),
    style_weight: float = 0.3,
    **linear: Any,
) -> ComposedDetector:
    """Word and topic-masked n-grams and the article's style profile in one linear model."""
    grams = masked_grams(n_features, ngram_range, masked_range)
    return styled(grams, STYLE_V1, style_weight, stacked=False, linear=linear)
