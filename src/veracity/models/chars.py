"""``veracity.CharNgram.v1``: word n-grams plus character n-grams.

Character 3-5-grams inside word boundaries (scikit-learn's ``char_wb``) see
spelling, morphology and punctuation habits below the word: "-ly" adverbs,
"!!!", "n't", a publisher's odd transliteration.  They are a classic lever for
style transfer, and are reported as a row of the generalisation study.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..registry import detectors
from ..text.grams import GramTable
from ..text.hashing import char_wb_ngrams
from .composed import ComposedDetector
from .features import ARTIFACT_TOKENS, NgramHasher, TokenGrams, pair
from .linear import LinearModel


class CharNgramHasher(NgramHasher):
    """Word n-grams plus character n-grams of the same tokens (prefixed ``c:``)."""

    def __init__(
        self,
        n_features: int = 2**20,
        ngram_range: tuple[int, int] = (1, 2),
        char_range: tuple[int, int] = (3, 5),
    ) -> None:
        super().__init__(n_features, ngram_range)
        self.char_range = char_range

    def ngrams(self, toks: Sequence[str]) -> list[str]:
        kept = " ".join(t for t in toks if t not in ARTIFACT_TOKENS)
        return super().ngrams(toks) + ["c:" + g for g in char_wb_ngrams(kept, self.char_range)]

    def table(self, segments: Sequence[Sequence[str]], prefixes: Sequence[str]) -> GramTable:
        """Character n-grams are not spans of the joined tokens: hashed string by string."""
        return GramTable.from_strings(
            [[p + g for g in self.ngrams(s)] for s, p in zip(segments, prefixes, strict=True)]
        )

    def config(self) -> dict[str, object]:
        return {**super().config(), "char_range": list(self.char_range)}


@detectors.register("veracity.CharNgram.v1")
def char_ngram(
    n_features: int = 2**20,
    ngram_range: tuple[int, int] = (1, 2),
    char_range: tuple[int, int] = (3, 5),
    **linear: Any,
) -> ComposedDetector:
    """A linear model over word n-grams and character 3-5-grams."""
    hasher = CharNgramHasher(n_features, pair(ngram_range), pair(char_range))
    return ComposedDetector(TokenGrams(hasher), LinearModel(**linear))
