"""The hashed n-gram layer gives exactly scikit-learn's columns and values."""

from __future__ import annotations

import re
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer

from veracity.models.features import (
    ARTIFACT_TOKENS,
    FUNCTION_WORDS,
    MaskedNgramHasher,
    NgramHasher,
)
from veracity.models.stopwords import ENGLISH_STOP_WORDS as OURS
from veracity.text import hashing
from veracity.text.grams import GramTable
from veracity.text.hashing import SPACE_SPLIT, NgramVectorizer, count_table

WORDS = st.sampled_from(["the", "war", "said", "!", "0000", "ünïcode", "a", "it's", "reuters", "x"])
TEXTS = st.lists(st.lists(WORDS, max_size=30).map(" ".join), min_size=1, max_size=6)
RAW = st.lists(st.text(max_size=60), min_size=1, max_size=5)
#: ``SMALL_TABLE`` settings that send every table down one path: numpy, or string by string.
PATHS = pytest.mark.parametrize("small_table", [0, 10**9], ids=["numpy", "strings"])


def _same(got: object, expected: object) -> None:
    assert got.shape == expected.shape  # type: ignore[attr-defined]
    assert got.dtype == expected.dtype  # type: ignore[attr-defined]
    np.testing.assert_allclose(got.toarray(), expected.toarray(), rtol=1e-12, atol=0)  # type: ignore[attr-defined]


def test_hashing_stop_words_equal_scikit_learns() -> None:
    assert OURS == ENGLISH_STOP_WORDS
    assert ENGLISH_STOP_WORDS <= FUNCTION_WORDS


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), max_size=30), min_size=1, max_size=5))
def test_hashing_counts_match_feature_hasher(gram_lists: list[list[str]]) -> None:
    expected = FeatureHasher(
        n_features=2**10, input_type="string", alternate_sign=False, dtype=np.float32
    ).transform(gram_lists)
    _same(count_table(GramTable.from_strings(gram_lists), 2**10), expected)


@PATHS
@settings(max_examples=150, deadline=None)
@given(TEXTS, st.sampled_from([(1, 1), (1, 2), (2, 3)]), st.sampled_from(["l2", None]))
def test_hashing_word_ngrams_match_hashing_vectorizer(
    small_table: int, texts: list[str], ngram_range: tuple[int, int], norm: str | None
) -> None:
    expected = HashingVectorizer(
        n_features=2**12,
        ngram_range=ngram_range,
        token_pattern=SPACE_SPLIT,
        lowercase=False,
        alternate_sign=False,
        norm=norm,
    ).transform(texts)
    with patch.object(hashing, "SMALL_TABLE", small_table):
        got = NgramVectorizer(2**12, ngram_range, norm=norm).transform(texts)
    _same(got, expected)


@PATHS
@settings(max_examples=150, deadline=None)
@given(RAW, st.sampled_from([(3, 5), (1, 3), (2, 2)]))
def test_hashing_char_wb_ngrams_match_hashing_vectorizer(
    small_table: int, texts: list[str], ngram_range: tuple[int, int]
) -> None:
    expected = HashingVectorizer(
        n_features=2**12,
        analyzer="char_wb",
        ngram_range=ngram_range,
        lowercase=False,
        alternate_sign=False,
    ).transform(texts)
    with patch.object(hashing, "SMALL_TABLE", small_table):
        got = NgramVectorizer(2**12, ngram_range, analyzer="char_wb").transform(texts)
    _same(got, expected)


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_hashing_detector_hashers_match_hashing_vectorizer(texts: list[str]) -> None:
    words = HashingVectorizer(
        n_features=2**12,
        tokenizer=str.split,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )
    hasher = NgramHasher(2**12)
    stripped = [" ".join(w for w in t.split() if w not in ARTIFACT_TOKENS) for t in texts]
    _same(hasher.transform(texts), words.transform(stripped))
    masked = MaskedNgramHasher(2**12)
    fh = FeatureHasher(
        n_features=2**12, input_type="string", alternate_sign=False, dtype=np.float32
    )
    expected = words.transform(stripped) + fh.transform(masked._masked(t.split()) for t in texts)
    _same(masked.transform(texts), expected.tocsr())


def test_hashing_rejects_unsupported_analyzers() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        NgramVectorizer(16, analyzer="char")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "\n", "\t", "é", "!", "0"]), max_size=40))
def test_hashing_space_split_words_equal_the_pattern_s(text: str) -> None:
    vectorizer = NgramVectorizer(2**8, token_pattern=SPACE_SPLIT)
    assert vectorizer._words(text) == re.findall(SPACE_SPLIT, text)
