"""``veracity.MaskedNgram.v1``: word n-grams plus topic-masked n-grams.

Topic masking (text distortion) keeps function words and punctuation and turns
every content word into ``_``.  Its n-grams describe how an article is written
rather than what it is about, which is what has to transfer from one corpus
(COVID-19, the Syrian war, celebrity gossip) to another.
"""

from __future__ import annotations

from ..registry import detectors
from .features import MaskedNgramHasher, NgramHasher
from .linear import LinearNgram
from .style import NgramStyle


@detectors.register("veracity.MaskedNgram.v1")
class MaskedNgram(LinearNgram):
    """:class:`LinearNgram` over word n-grams and topic-masked 2-4-grams."""

    def _hasher(self) -> NgramHasher:
        return MaskedNgramHasher(self.n_features, tuple(self.ngram_range))  # type: ignore[arg-type]


@detectors.register("veracity.MaskedStyle.v1")
class MaskedStyle(NgramStyle):
    """:class:`NgramStyle` over word and topic-masked n-grams."""

    def _hasher(self) -> NgramHasher:
        return MaskedNgramHasher(self.n_features, tuple(self.ngram_range))  # type: ignore[arg-type]
