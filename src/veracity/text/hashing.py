"""Hashed n-gram vectors, placed exactly where scikit-learn's ``HashingVectorizer`` puts them.

Every hashed feature in veracity (the detectors' word and masked n-grams, the
sentence models' word and character n-grams) goes through here.  Columns are
32-bit MurmurHash3 (seed 0) of the UTF-8 n-gram, ``|h| mod n_features``, each
occurrence counting +1 (scikit-learn's ``alternate_sign=False``); with
``n_features`` a power of two, ``h = -2**31`` lands on column 0 in both.  The
tests compare every function here with scikit-learn's, which is not imported
to score: importing it takes about two seconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import chain

import mmh3
import numpy as np
import scipy.sparse as sp

_WHITE_SPACES = re.compile(r"\s\s+")
#: Words of canonical text (tokens joined by single spaces).
SPACE_SPLIT = r"[^ ]+"


def hash_columns(grams: Sequence[str], n_features: int) -> np.ndarray:
    """The column of each string."""
    return np.abs(np.fromiter(map(mmh3.hash, grams), np.int64, len(grams))) % n_features


def hash_counts(
    gram_lists: Iterable[Sequence[str]], n_features: int, dtype: type = np.float32
) -> sp.csr_matrix:
    """Counts of hashed strings, one row per list (scikit-learn's ``FeatureHasher``).

    Every string of every list is hashed in one pass and the (row, column)
    pairs are counted in one ``np.unique``, instead of one call per row.
    """
    lists = list(gram_lists)
    lengths = np.fromiter(map(len, lists), np.int64, len(lists))
    columns = hash_columns(list(chain.from_iterable(lists)), n_features)
    keys = np.repeat(np.arange(len(lists), dtype=np.int64), lengths) * n_features + columns
    keys, counts = np.unique(keys, return_counts=True)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(keys // n_features, minlength=len(lists)))])
    return sp.csr_matrix(
        (counts.astype(dtype), (keys % n_features).astype(np.int32), indptr),
        shape=(len(lists), n_features),
    )


def word_ngrams(tokens: Sequence[str], ngram_range: tuple[int, int]) -> list[str]:
    """Word n-grams in scikit-learn's order: every n-gram of the lowest order first."""
    lo, hi = ngram_range
    out: list[str] = []
    for n in range(lo, min(hi, len(tokens)) + 1):
        if n == 1:
            out.extend(tokens)
        else:
            out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def char_wb_ngrams(text: str, ngram_range: tuple[int, int]) -> list[str]:
    """Character n-grams inside word boundaries, padded with one space (``analyzer="char_wb"``)."""
    lo, hi = ngram_range
    out: list[str] = []
    for word in _WHITE_SPACES.sub(" ", text).split():
        w = f" {word} "
        for n in range(lo, hi + 1):
            out.extend(w[i : i + n] for i in range(max(len(w) - n, 0) + 1))
            if len(w) <= n:
                break
    return out


class NgramVectorizer:
    """``HashingVectorizer(lowercase=False, alternate_sign=False)`` for word or char_wb n-grams.

    ``token_pattern`` splits words (``analyzer="word"``); ``norm`` is ``"l2"`` or
    ``None``; rows are float64, as scikit-learn's default.
    """

    def __init__(
        self,
        n_features: int,
        ngram_range: tuple[int, int] = (1, 1),
        analyzer: str = "word",
        token_pattern: str = SPACE_SPLIT,
        norm: str | None = "l2",
    ) -> None:
        if analyzer not in ("word", "char_wb") or norm not in ("l2", None):
            raise ValueError(f"unsupported analyzer {analyzer!r} or norm {norm!r}")
        self.n_features = n_features
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.token_pattern = re.compile(token_pattern)
        self.norm = norm

    def grams(self, text: str) -> list[str]:
        if self.analyzer == "char_wb":
            return char_wb_ngrams(text, self.ngram_range)
        return word_ngrams(self.token_pattern.findall(text), self.ngram_range)

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        x = hash_counts((self.grams(t) for t in texts), self.n_features, dtype=np.float64)
        if self.norm == "l2":
            per_row = np.diff(x.indptr)
            rows = np.repeat(np.arange(len(per_row)), per_row)
            norms = np.sqrt(np.bincount(rows, weights=x.data**2, minlength=len(per_row)))
            norms[norms == 0] = 1.0
            x.data /= np.repeat(norms, per_row)
        return x
