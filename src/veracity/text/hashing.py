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

import mmh3
import numpy as np
import scipy.sparse as sp

from .grams import GramTable, char_wb_table, gram_table

_WHITE_SPACES = re.compile(r"\s\s+")
#: Words of canonical text (tokens joined by single spaces).
SPACE_SPLIT = r"[^ ]+"


def hash_columns(grams: Sequence[str], n_features: int) -> np.ndarray:
    """The column of each string."""
    return np.abs(np.fromiter(map(mmh3.hash, grams), np.int64, len(grams))) % n_features


def count_table(
    table: GramTable,
    n_features: int,
    rows: np.ndarray | None = None,
    n_rows: int | None = None,
    dtype: type = np.float32,
) -> sp.csr_matrix:
    """Counts of a table's n-grams, one row per segment, or per ``rows[segment]`` of ``n_rows``.

    The (row, column) pairs of every occurrence are counted in one sort, of 32-bit keys
    when ``row * n_features + column`` fits (twice as fast as 64-bit ones).
    """
    n = table.n_segments if n_rows is None else n_rows
    row = table.segment if rows is None else np.asarray(rows, np.int64)[table.segment]
    keys = row * n_features + table.columns(n_features)
    if n * n_features <= np.iinfo(np.int32).max:
        keys = keys.astype(np.int32)
    keys.sort()
    new = np.empty(len(keys), bool)
    new[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    at = np.flatnonzero(new)
    counts = np.diff(np.append(at, len(keys)))
    keys = keys[at]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(keys // n_features, minlength=n))])
    return sp.csr_matrix(
        (counts.astype(dtype), (keys % n_features).astype(np.int32), indptr),
        shape=(n, n_features),
    )


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


def word_ngrams(words: Sequence[str], ngram_range: tuple[int, int]) -> list[str]:
    """Word n-grams joined by single spaces, lowest order first (``analyzer="word"``)."""
    lo, hi = ngram_range
    return [
        " ".join(words[i : i + n]) for n in range(lo, hi + 1) for i in range(len(words) - n + 1)
    ]


#: Texts (sentences) hashed in one numpy pass by :class:`NgramVectorizer`.
TEXT_CHUNK = 256
#: Below about this many n-grams, :class:`NgramVectorizer` hashes the strings one by one:
#: a numpy pass has a fixed cost of about 0.4 ms, which ``mmh3`` only reaches at ~1,000 n-grams
#: (a few spans or sentences, as the technique classifier sees per article).
SMALL_TABLE = 1_000


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

    def table(self, texts: Sequence[str]) -> GramTable:
        """The n-grams of each text, hashed (string by string when there are few)."""
        orders = self.ngram_range[1] - self.ngram_range[0] + 1
        if self.analyzer == "char_wb":
            if sum(map(len, texts)) * orders < SMALL_TABLE:
                return GramTable.from_strings([char_wb_ngrams(t, self.ngram_range) for t in texts])
            return char_wb_table(texts, self.ngram_range)
        words = [self._words(t) for t in texts]
        if sum(map(len, words)) * orders < SMALL_TABLE:
            return GramTable.from_strings([word_ngrams(w, self.ngram_range) for w in words])
        return gram_table(words, [""] * len(words), self.ngram_range)

    def _words(self, text: str) -> list[str]:
        """The words of ``text`` (on canonical text, its tokens, split without a regex)."""
        if self.token_pattern.pattern == SPACE_SPLIT:
            return [w for w in text.split(" ") if w]
        return list(self.token_pattern.findall(text))

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        items = list(texts)
        chunks = (items[lo : lo + TEXT_CHUNK] for lo in range(0, len(items), TEXT_CHUNK))
        blocks = [count_table(self.table(c), self.n_features, dtype=np.float64) for c in chunks]
        x = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, self.n_features))
        if self.norm == "l2":
            per_row = np.diff(x.indptr)
            rows = np.repeat(np.arange(len(per_row)), per_row)
            norms = np.sqrt(np.bincount(rows, weights=x.data**2, minlength=len(per_row)))
            norms[norms == 0] = 1.0
            x.data /= np.repeat(norms, per_row)
        return x
