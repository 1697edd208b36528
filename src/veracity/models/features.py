"""Hashed word n-gram features, and the featuriser that reads an article as one stream.

A hasher is stateless: its configuration is a few integers, so a model
stores it as JSON.  Columns are exactly those scikit-learn's
``HashingVectorizer`` (no alternate sign) gives the same n-grams, computed
without importing scikit-learn; :meth:`NgramHasher.index` maps one n-gram to its
column, which lets explanations map a sentence's n-grams back to model weights.

A featuriser (:class:`Featurizer`) is the part of a detector that decides which
token runs of a Doc a hasher reads: :class:`TokenGrams` reads the whole
canonical stream; :class:`~veracity.models.voice.VoiceGrams` reads it by voice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, Protocol

import scipy.sparse as sp

from ..doc import Doc
from ..estimator import Estimator
from ..text.grams import GramTable, gram_table
from ..text.hashing import count_table, hash_columns, word_ngrams
from .annotations import annotated_rows
from .stopwords import ENGLISH_STOP_WORDS

if TYPE_CHECKING:
    from .credit import SentenceGrams

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


def pair(value: Sequence[int]) -> tuple[int, int]:
    """An n-gram range as a tuple (a JSON config holds it as a list)."""
    lo, hi = value
    return (int(lo), int(hi))


#: Token lists hashed in one numpy pass: a few dozen articles keep its arrays in cache.
TABLE_CHUNK = 32


#: The token runs a featuriser reads from one Doc: runs, their prefixes and each one's sentence.
Runs = tuple[list[Sequence[str]], list[str], list[int]]


class NgramHasher(Estimator):
    """Counts hashed word n-grams of canonical (space-joined token) text."""

    def __init__(self, n_features: int = 2**20, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.n_features = n_features
        self.ngram_range = ngram_range

    def transform(self, canonical_texts: Iterable[str]) -> sp.csr_matrix:
        """Raw n-gram counts, one row per canonical text (artifact tokens removed)."""
        segments = [t.split() for t in canonical_texts]
        chunks = (segments[lo : lo + TABLE_CHUNK] for lo in range(0, len(segments), TABLE_CHUNK))
        blocks = [count_table(self.table(c, [""] * len(c)), self.n_features) for c in chunks]
        return sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, self.n_features))

    def table(self, segments: Sequence[Sequence[str]], prefixes: Sequence[str]) -> GramTable:
        """Every n-gram of each token list, prefixed with its prefix, hashed in one pass.

        Occurrence for occurrence the same n-grams as :meth:`ngrams` (see
        :mod:`veracity.text.grams`), without making their strings.
        """
        return gram_table([_kept(s) for s in segments], prefixes, self.ngram_range)

    def ngrams(self, toks: Sequence[str]) -> list[str]:
        """The n-grams of one token list, in the hasher's own order."""
        return word_ngrams(_kept(toks), self.ngram_range)

    def index(self, ngram: str) -> int:
        """Column of ``ngram``; identical to ``HashingVectorizer``'s."""
        return int(hash_columns([ngram], self.n_features)[0])

    def config(self) -> dict[str, object]:
        """The hasher's parameters as JSON values (a detector's config holds them)."""
        return {"n_features": self.n_features, "ngram_range": list(self.ngram_range)}

    def _key(self) -> tuple[str, str]:
        return type(self).__qualname__, repr(self.config())

    def __eq__(self, other: object) -> bool:
        """Hashers with the same class and configuration give the same n-grams."""
        return isinstance(other, NgramHasher) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


def _kept(toks: Sequence[str]) -> Sequence[str]:
    if ARTIFACT_TOKENS.isdisjoint(toks):
        return toks
    return [t for t in toks if t not in ARTIFACT_TOKENS]


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
        """Masked n-grams that keep at least one function word (all-``_`` ones say nothing)."""
        masked = mask_topic(_kept(toks))
        kept = [0, *accumulate(t != MASK for t in masked)]
        lo, hi = self.masked_range
        out: list[str] = []
        for n in range(lo, hi + 1):
            out.extend(
                "m:" + " ".join(masked[i : i + n])
                for i in range(len(masked) - n + 1)
                if kept[i + n] > kept[i]
            )
        return out

    def ngrams(self, toks: Sequence[str]) -> list[str]:
        return super().ngrams(toks) + self._masked(toks)

    def table(self, segments: Sequence[Sequence[str]], prefixes: Sequence[str]) -> GramTable:
        return gram_table(
            [_kept(s) for s in segments],
            prefixes,
            self.ngram_range,
            self.masked_range,
            FUNCTION_WORDS,
            MASK,
        )

    def config(self) -> dict[str, object]:
        return {**super().config(), "masked_range": list(self.masked_range)}


class Featurizer(Protocol):
    """A detector's featuriser: which token runs of a Doc its hasher reads."""

    hasher: NgramHasher

    def counts(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """Raw n-gram counts, one row per Doc (``hasher.n_features`` columns)."""
        ...

    def sentence_runs(self, doc: Doc) -> Runs:
        """The token runs whose n-grams are credited to sentences (see :mod:`.credit`)."""
        ...

    def counts_from(self, grams: SentenceGrams, docs: Sequence[Doc]) -> sp.csr_matrix:
        """:meth:`counts` of ``docs``, given their sentence n-grams already hashed."""
        ...

    def config(self) -> dict[str, object]:
        """The parameters a registered detector takes for this part (JSON values)."""
        ...


class TokenGrams(Estimator):
    """Reads an article as one token stream: n-grams of its canonical text.

    N-grams that straddle two sentences count towards the verdict but are
    credited to no sentence (each sentence's own tokens are its runs).
    """

    def __init__(self, hasher: NgramHasher) -> None:
        self.hasher = hasher

    def counts(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """Raw n-gram counts, one row per Doc (kept on it, see :mod:`.annotations`)."""
        hasher = self.hasher
        return annotated_rows(
            f"counts:{hasher._key()}",
            docs,
            lambda batch: hasher.transform(d.canonical for d in batch),
        )

    def sentence_runs(self, doc: Doc) -> Runs:
        n = len(doc.tokens)
        return list(doc.tokens), [""] * n, list(range(n))

    def counts_from(self, grams: SentenceGrams, docs: Sequence[Doc]) -> sp.csr_matrix:
        """The whole stream's counts: its n-grams across sentences are not in ``grams``."""
        return self.counts(docs)

    def config(self) -> dict[str, object]:
        return self.hasher.config()
