"""The character n-gram detector's hasher."""

from __future__ import annotations

from sklearn.feature_extraction.text import CountVectorizer

from veracity.models.chars import CharNgramHasher, char_ngram
from veracity.models.features import NgramHasher


def test_chars_hasher_adds_scikit_learn_char_wb_grams_to_word_grams() -> None:
    toks = ["they", "won't", "tell", "you", "this", "!"]
    grams = CharNgramHasher(2**12).ngrams(toks)
    words = NgramHasher(2**12).ngrams(toks)
    assert grams[: len(words)] == words
    chars = [g.removeprefix("c:") for g in grams[len(words) :]]
    analyse = CountVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), lowercase=False
    ).build_analyzer()
    assert sorted(chars) == sorted(analyse(" ".join(toks)))
    assert all(g.startswith("c:") for g in grams[len(words) :])


def test_chars_hasher_leaves_out_artifact_tokens() -> None:
    grams = CharNgramHasher(2**12).ngrams(["the", "reuters", "report"])
    assert not [g for g in grams if "reut" in g]


def test_chars_detector_hasher_follows_its_params() -> None:
    hasher = char_ngram(n_features=2**10, ngram_range=(1, 1)).featurizer.hasher
    assert hasher.config() == {"n_features": 2**10, "ngram_range": [1, 1], "char_range": [3, 5]}
