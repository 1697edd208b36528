"""Propaganda spans: token offsets, run merging, tagger and SemEval metrics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.signals.propaganda import (
    SpanContext,
    SpanTagger,
    TechniqueClassifier,
    merge_runs,
    predict_spans,
    prepare,
    token_feature_index,
)
from veracity.signals.tokens import token_hashes, token_offsets
from veracity.text.normalize import tokens
from veracity.training.span_metrics import merge_spans, si_scores, tc_micro_f1


def test_propaganda_token_offsets_follow_canonical_tokens() -> None:
    text = "Obama\u2019s  team said: \u201cWe won 2016!\u201d Really?"
    toks, starts, ends = token_offsets(text)
    assert toks == tokens(text)
    assert [text[a:b].casefold() for a, b in zip(starts, ends, strict=True)][:3] == [
        "obama",
        "s",
        "team",
    ]
    assert toks[toks.index("0000")] == "0000"


def test_propaganda_feature_index_is_stable_and_in_range() -> None:
    hashes = token_hashes(["the", "evil", "plan", "the"])
    index = token_feature_index(hashes, 10)
    assert index.shape == (4, 7)
    assert index.min() >= 0 and index.max() < 2**10
    np.testing.assert_array_equal(
        index, token_feature_index(token_hashes(["the", "evil", "plan", "the"]), 10)
    )
    # same token, same centre feature
    assert index[0, 2] == index[3, 2]


def test_propaganda_merge_runs_respects_gap_and_sentences() -> None:
    positive = np.array([1, 1, 0, 1, 0, 0, 1, 1], dtype=bool)
    same = np.zeros(8, dtype=int)
    assert merge_runs(positive, same, gap=0) == [(0, 1), (3, 3), (6, 7)]
    assert merge_runs(positive, same, gap=1) == [(0, 3), (6, 7)]
    split = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    assert merge_runs(positive, split, gap=1) == [(0, 1), (3, 3), (6, 7)]


def test_propaganda_tagger_learns_and_returns_article_offsets() -> None:
    loaded = "monstrous traitors"
    texts = [f"The plan came from {loaded} again.\nThe vote was on Monday." for _ in range(20)]
    preps = [
        prepare(t, str(i), [(0, t.index("\n")), (t.index("\n") + 1, len(t))], 12)
        for i, t in enumerate(texts)
    ]
    y = np.concatenate(
        [
            (p.starts >= texts[0].index(loaded)) & (p.ends <= texts[0].index(loaded) + len(loaded))
            for p in preps
        ]
    ).astype(int)
    index = np.concatenate([p.index for p in preps])
    tagger = SpanTagger(bits=12, C=10.0, threshold=0.5, gap=0).fit(index, np.zeros(len(y)), y)
    spans = predict_spans(tagger, preps[0], np.zeros(2))
    assert [(texts[0][a:b]) for a, b, _ in spans] == [loaded]
    assert all(0.5 <= s <= 1.0 for _, _, s in spans)


def test_propaganda_technique_classifier_roundtrip() -> None:
    items = [
        SpanContext("vile traitors", "they are vile traitors", 1),
        SpanContext("make us great", "make us great make us great", 2),
    ] * 5
    labels = ["Name_Calling,Labeling", "Slogans"] * 5
    model = TechniqueClassifier(n_features=2**10).fit(items, labels)
    again = TechniqueClassifier.from_arrays(
        model.get_params(), list(model.classes_), model.to_arrays()
    )
    # weights are stored as float16
    np.testing.assert_allclose(again.predict_proba(items), model.predict_proba(items), atol=1e-2)
    assert list(model.predict(items[:2])) == labels[:2]


def test_propaganda_si_metric_partial_overlap() -> None:
    gold = {"a": [(0, 10)]}
    assert si_scores({"a": [(0, 10)]}, gold)["f1"] == pytest.approx(1.0)
    half = si_scores({"a": [(0, 5)]}, gold)
    assert half["precision"] == pytest.approx(1.0)
    assert half["recall"] == pytest.approx(0.5)
    assert si_scores({"a": []}, gold)["f1"] == 0.0
    # overlapping predictions are merged first
    assert si_scores({"a": [(0, 6), (4, 10)]}, gold)["f1"] == pytest.approx(1.0)
    assert merge_spans([(5, 8), (0, 6), (9, 12)]) == [(0, 8), (9, 12)]


def test_propaganda_tc_metric_counts_multi_label_spans() -> None:
    gold = [("a", 0, 5, "Doubt"), ("a", 0, 5, "Loaded_Language"), ("a", 7, 9, "Slogans")]
    ranked = {
        ("a", 0, 5): ["Loaded_Language", "Doubt", "Slogans"],
        ("a", 7, 9): ["Doubt", "Slogans"],
    }
    assert tc_micro_f1(ranked, gold) == pytest.approx(2 / 3)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab !?.\n", max_size=60),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=8),
)
def test_propaganda_token_ranges_equal_token_range_span_by_span(
    text: str, spans: list[tuple[int, int]]
) -> None:
    from veracity.signals.propaganda import prepare, token_range, token_ranges

    prep = prepare(text, "a", [(0, len(text))], 8)
    assert token_ranges(prep, spans) == [token_range(prep, a, b) for a, b in spans]


_WORDS = st.sampled_from(
    [
        "Obama",
        "s",
        "2016",
        "traitors",
        "evil",
        "the",
        "caf\u00e9",
        "\ufb01x",
        "a_b",
        "x\x01y",
        "\u00b2",
    ]
)
_GAPS = st.sampled_from(
    [" ", "  ", "\n", ", ", ". ", "! ", "? ", "\u2019", " \u201c", "\u2014", "!?"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORDS, _GAPS), max_size=30))
def test_propaganda_prepare_many_equals_prepare(pieces: list[tuple[str, str]]) -> None:
    from veracity.doc import make_doc
    from veracity.signals.propaganda import prepare_many

    text = "".join(w + g for w, g in pieces)
    docs = [make_doc(text), make_doc("The vote was on Monday! Really?"), make_doc("")]
    bounds = [[(s.start, s.end) for s in doc.sentences] for doc in docs]
    many = prepare_many([d.text for d in docs], bounds, [d.tokens for d in docs], 12)
    for doc, spans, got in zip(docs, bounds, many, strict=True):
        want = prepare(doc.text, "", spans, 12)
        assert got.tokens == want.tokens
        for field in ("starts", "ends", "sentence_ids", "index"):
            np.testing.assert_array_equal(getattr(got, field), getattr(want, field))


def test_propaganda_sentence_token_offsets_fall_back_when_sentences_miss_words() -> None:
    from veracity.signals.tokens import sentence_token_offsets

    text = "Evil plans. The vote was on Monday."
    # The second sentence starts inside "The": its tokens cannot be the article's.
    toks, starts, _ = sentence_token_offsets(text, [(0, 11), (13, 35)], [["evil", "plans"], ["e"]])
    assert toks == tokens(text)
    assert starts.tolist()[:3] == [0, 5, 12]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(0, 39), st.integers(0, 20)), max_size=10),
)
def test_propaganda_run_means_equal_slice_means(
    values: list[float], runs: list[tuple[int, int]]
) -> None:
    from veracity.signals.propaganda import run_means

    proba = np.asarray(values)
    runs = [(a, min(a + n, len(values) - 1)) for a, n in runs if a < len(values)]
    first = np.asarray([a for a, _ in runs], dtype=np.int64)
    last = np.asarray([b for _, b in runs], dtype=np.int64)
    want = [proba[a : b + 1].mean() for a, b in runs]
    assert run_means(proba, first, last).tolist() == want


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.lists(st.integers(0, 3), min_size=1, max_size=3)),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 2**32 - 1),
)
def test_propaganda_predict_spans_many_equals_predict_spans(
    articles: list[tuple[int, list[int]]], seed: int
) -> None:
    from veracity.signals.propaganda import predict_spans_many

    rng = np.random.default_rng(seed)
    tagger = SpanTagger(bits=8, threshold=0.5, gap=1)
    tagger.weights_ = rng.normal(0.0, 2.0, 2**8).astype(np.float32)
    tagger.sentence_weight_, tagger.intercept_ = 0.5, 0.1
    preps, logits = [], []
    for n_words, sentence_words in articles:
        text = " ".join(f"w{rng.integers(0, 40)}" for _ in range(n_words))
        cuts = sorted({0, len(text)} | {min(len(text), 3 * k) for k in sentence_words})
        spans = list(zip(cuts[:-1], cuts[1:], strict=True)) if text else []
        preps.append(prepare(text, "", spans, 8))
        logits.append(rng.normal(0.0, 1.0, len(spans)))
    want = [predict_spans(tagger, p, lg) for p, lg in zip(preps, logits, strict=True)]
    assert predict_spans_many(tagger, preps, logits) == want
