"""The vectorised n-gram hashing gives exactly the strings' MurmurHash3, occurrence for occurrence."""

from __future__ import annotations

import mmh3
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.models.features import FUNCTION_WORDS, MaskedNgramHasher, NgramHasher
from veracity.text import grams, murmur_jit
from veracity.text.grams import JIT_MIN_ROWS, WIDE, char_wb_table, gram_table, murmur_spans
from veracity.text.murmur_jit import murmur_spans_jit

#: Function words, artifact tokens, non-ASCII words and words long enough to take the slow path.
WORDS = st.sampled_from(
    ["the", "of", "!", "0000", "s", "war", "naïve", "日本語", "reuters", "x" * 70, "ab", "_"]
) | st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=9)
SEGMENTS = st.lists(st.lists(WORDS, max_size=14), max_size=6)
PREFIXES = st.sampled_from(["", "s:", "c:", "s:m:", "longer:"])


def _by_segment(table: object, n: int) -> list[list[str]]:
    grams = [table.gram(i) for i in range(len(table.hashes))]  # type: ignore[attr-defined]
    seg = table.segment.tolist()  # type: ignore[attr-defined]
    return [[g for g, s in zip(grams, seg, strict=True) if s == k] for k in range(n)]


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=200),
    st.lists(st.tuples(st.integers(0, 200), st.integers(0, 90))),
    st.lists(st.binary(max_size=6), min_size=1, max_size=4),
    st.data(),
)
def test_grams_murmur_spans_equal_mmh3(
    data: bytes, spans: list[tuple[int, int]], prefixes: list[bytes], draw: st.DataObject
) -> None:
    spans = [(min(a, len(data)), min(n, len(data) - min(a, len(data)))) for a, n in spans]
    pid = np.array([draw.draw(st.integers(0, len(prefixes) - 1)) for _ in spans], np.int64)
    starts = np.array([a for a, _ in spans], np.int64)
    lengths = np.array([n for _, n in spans], np.int64)
    expected = [
        mmh3.hash(prefixes[p] + data[a : a + n]) for (a, n), p in zip(spans, pid, strict=True)
    ]
    assert murmur_spans(data, starts, lengths, prefixes, pid).tolist() == expected
    assert murmur_spans_jit(data, starts, lengths, prefixes, pid).tolist() == expected


def test_grams_a_batch_sized_table_is_hashed_compiled_and_agrees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(grams, "_COMPILED", None)
    grams.use_compiled_hashing()
    calls = []

    def compiled(*args: object) -> np.ndarray:
        calls.append(len(args[1]))  # type: ignore[arg-type]
        return murmur_spans_jit(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(grams, "_COMPILED", compiled)
    words = [f"w{'x' * (i % 9)}{chr(97 + i % 26)}" for i in range(JIT_MIN_ROWS)] + [
        "日本語",
        "y" * 70,
    ]
    table = gram_table([words], ["s:m:"], (1, 2), (2, 4), FUNCTION_WORDS)
    assert len(table.hashes) >= JIT_MIN_ROWS
    sample = range(0, len(table.hashes), 97)
    assert [int(table.hashes[i]) for i in sample] == [mmh3.hash(table.gram(i)) for i in sample]
    assert table.hashes[-3:].tolist() == [mmh3.hash(table.gram(i)) for i in (-3, -2, -1)]
    assert calls == [len(table.hashes)]


@settings(max_examples=200, deadline=None)
@given(SEGMENTS, st.data())
def test_grams_tables_hold_the_hashers_ngrams(
    segments: list[list[str]], draw: st.DataObject
) -> None:
    prefixes = [draw.draw(PREFIXES) for _ in segments]
    for hasher in (NgramHasher(2**10), MaskedNgramHasher(2**10), NgramHasher(2**10, (2, 3))):
        table = hasher.table(segments, prefixes)
        expected = [
            [p + g for g in hasher.ngrams(s)] for s, p in zip(segments, prefixes, strict=True)
        ]
        assert _by_segment(table, len(segments)) == expected
        assert table.hashes.tolist() == [mmh3.hash(table.gram(i)) for i in range(len(table.hashes))]


def test_grams_long_ngrams_take_the_slow_path_and_agree() -> None:
    words = ["y" * WIDE, "the", "z" * (WIDE // 2)]
    table = gram_table([words], ["s:"], (1, 2), (2, 4), FUNCTION_WORDS)
    assert table.hashes.tolist() == [mmh3.hash(table.gram(i)) for i in range(len(table.hashes))]
    assert "s:" + "y" * WIDE + " the" in _by_segment(table, 1)[0]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=5), st.sampled_from([(1, 3), (3, 5), (2, 2)]))
def test_grams_char_wb_table_holds_padded_word_windows(
    texts: list[str], ngram_range: tuple[int, int]
) -> None:
    table = char_wb_table(texts, ngram_range)
    lo, hi = ngram_range
    for k, text in enumerate(texts):
        expected: list[str] = []
        for word in text.split():
            w = f" {word} "
            for n in range(lo, hi + 1):
                expected.extend(w[i : i + n] for i in range(max(len(w) - n, 0) + 1))
                if len(w) <= n:
                    break
        assert sorted(_by_segment(table, len(texts))[k]) == sorted(expected)
    assert table.hashes.tolist() == [mmh3.hash(table.gram(i)) for i in range(len(table.hashes))]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["the", "a", "vote", "of", "fell", "but", "it", "!"]), max_size=9),
        min_size=1,
        max_size=4,
    )
)
def test_grams_place_points_at_each_ngram_in_its_segment(segments: list[list[str]]) -> None:
    prefixes = [("", "s:")[k % 2] for k in range(len(segments))]
    table = gram_table(segments, prefixes, (1, 2), (2, 4), FUNCTION_WORDS)
    assert table.token_first is not None and table.token_count is not None
    for i in range(len(table.hashes)):
        first, size = int(table.token_first[i]), int(table.token_count[i])
        words = segments[int(table.segment[i])][first : first + size]
        gram = table.gram(i).removeprefix("s:")
        if gram.startswith("m:"):
            masked = [w if w in FUNCTION_WORDS else "_" for w in words]
            assert gram == "m:" + " ".join(masked)
        else:
            assert gram == " ".join(words)


def test_grams_the_compiled_loop_compiles_where_numba_has_no_cache_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from numba.core import caching

    monkeypatch.setattr(caching.CacheImpl, "_locator_classes", [])

    def add_one(x: int) -> int:
        return x + 1

    assert murmur_jit._compiled()(add_one)(1) == 2
