"""Hashed word n-gram features over the canonical token stream.

The hasher is stateless: its configuration is a few integers, so a model
stores it as JSON.  :func:`ngram_index` reproduces exactly the column that
scikit-learn's ``HashingVectorizer`` gives an n-gram, which lets explanations
map a sentence's n-grams back to model weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer
from sklearn.utils import murmurhash3_32

#: Tokens that name a corpus's publisher or its page furniture.  They are
#: removed from every feature stream, so no model can key on them even where
#: a scrubber missed one (e.g. "(Reuters)", "Featured image via", "21st Century Wire").
ARTIFACT_TOKENS = frozenset(
    {
        "reuters",
        "featured",
        "getty",
        "images",
        "image",
        "via",
        "photo",
        "credit",
        "wire",
        "21st",
        "century",
        "ap",
        "afp",
        "cnn",
        "breitbart",
        "infowars",
        "pic",
        "twitter",
        "com",
        "http",
        "https",
        "www",
    }
)


def _split(text: str) -> list[str]:
    return text.split()


class NgramHasher:
    """Counts hashed word n-grams of canonical (space-joined token) text."""

    def __init__(self, n_features: int = 2**20, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.n_features = n_features
        self.ngram_range = ngram_range
        self._hv = HashingVectorizer(
            n_features=n_features,
            tokenizer=_split,
            token_pattern=None,
            lowercase=False,
            ngram_range=ngram_range,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )

    def transform(self, canonical_texts: Iterable[str]) -> sp.csr_matrix:
        """Raw n-gram counts, one row per text (artifact tokens removed)."""
        return self._hv.transform(strip_artifacts(t) for t in canonical_texts)

    def ngrams(self, toks: Sequence[str]) -> list[str]:
        """The n-grams of one token list, in the hasher's own order."""
        toks = [t for t in toks if t not in ARTIFACT_TOKENS]
        lo, hi = self.ngram_range
        out: list[str] = []
        for n in range(lo, hi + 1):
            out.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
        return out

    def index(self, ngram: str) -> int:
        """Column of ``ngram``; identical to ``HashingVectorizer``'s."""
        return abs(murmurhash3_32(ngram, seed=0)) % self.n_features

    def config(self) -> dict[str, object]:
        return {"n_features": self.n_features, "ngram_range": list(self.ngram_range)}


def strip_artifacts(canonical_text: str) -> str:
    return " ".join(t for t in canonical_text.split() if t not in ARTIFACT_TOKENS)


#: Words kept by topic masking: English function words, plus "!", "?" and numbers.
FUNCTION_WORDS = frozenset(ENGLISH_STOP_WORDS) | {"!", "?", "0", "00", "000", "0000", "s", "t"}
MASK = "_"


def mask_topic(toks: Sequence[str]) -> list[str]:
    """Text distortion: every content word becomes ``_``; function words stay.

    What survives is how a text is written (hedges, pronouns, negation,
    punctuation rhythm), not what it is about, so it transfers across topics.
    """
    return [t if t in FUNCTION_WORDS else MASK for t in toks]


class MaskedNgramHasher(NgramHasher):
    """Word n-grams plus n-grams of the topic-masked stream (prefixed ``m:``)."""

    def __init__(
        self,
        n_features: int = 2**20,
        ngram_range: tuple[int, int] = (1, 2),
        masked_range: tuple[int, int] = (2, 4),
    ) -> None:
        super().__init__(n_features, ngram_range)
        self.masked_range = masked_range

    def _masked(self, toks: Sequence[str]) -> list[str]:
        masked = mask_topic(t for t in toks if t not in ARTIFACT_TOKENS)  # type: ignore[arg-type]
        lo, hi = self.masked_range
        out: list[str] = []
        for n in range(lo, hi + 1):
            grams = (" ".join(masked[i : i + n]) for i in range(len(masked) - n + 1))
            out.extend(f"m:{g}" for g in grams if g.count(MASK) < n)
        return out

    def transform(self, canonical_texts: Iterable[str]) -> sp.csr_matrix:
        texts = list(canonical_texts)
        words = super().transform(texts)
        masked = self._fh.transform(self._masked(t.split()) for t in texts)
        return (words + masked).tocsr()

    def ngrams(self, toks: Sequence[str]) -> list[str]:
        return super().ngrams(toks) + self._masked(toks)

    @property
    def _fh(self) -> FeatureHasher:
        return FeatureHasher(
            n_features=self.n_features, input_type="string", alternate_sign=False, dtype=np.float32
        )

    def config(self) -> dict[str, object]:
        return {**super().config(), "masked_range": list(self.masked_range)}
