"""The corpus table: one record per corpus, and every corpus list derived from it."""

from __future__ import annotations

from dataclasses import replace

from veracity.data.corpora import (
    ALL_CORPORA,
    ARTICLE_CORPORA,
    ARTICLE_READERS,
    CLAIM_CORPORA,
    CORPORA,
    CORPUS_FOLDERS,
    LODO_CORPORA,
    Corpus,
    corpus_names,
    corpus_table,
    lodo_names,
)
from veracity.data.scrub.steps import COAID, scrubber_for, scrubber_name
from veracity.registry import readers, scrubbers


def test_data_corpora_every_record_has_a_registered_reader_and_scrubber() -> None:
    for name, corpus in CORPORA.items():
        assert corpus.name == name
        assert corpus.reader == f"veracity.reader.{name}.v1"
        assert corpus.reader in readers
        assert scrubber_name(name) in scrubbers
        assert scrubber_for(name).name == name


def test_data_corpora_the_lists_derive_from_the_table() -> None:
    assert tuple(n for n, c in CORPORA.items() if c.kind == "articles") == ARTICLE_CORPORA
    assert CLAIM_CORPORA == ("liar",)
    assert ALL_CORPORA == ARTICLE_CORPORA + CLAIM_CORPORA
    assert set(ALL_CORPORA) == set(CORPORA)
    assert tuple(CORPORA[n].reader for n in ARTICLE_CORPORA) == ARTICLE_READERS
    assert {n: c.folder for n, c in CORPORA.items()} == CORPUS_FOLDERS
    assert set(LODO_CORPORA) == {n for n, c in CORPORA.items() if c.lodo}
    assert [CORPORA[n].lodo_row for n in LODO_CORPORA] == list(range(len(LODO_CORPORA)))


def test_data_corpora_order_is_kept() -> None:
    # De-duplication keeps the first copy and the LODO tables list rows in this order.
    assert ARTICLE_CORPORA[:4] == (
        "isot",
        "fa_kes",
        "fakenewsnet_politifact",
        "fakenewsnet_buzzfeed",
    )
    assert LODO_CORPORA[:4] == ("isot", "fa_kes", "fakenewsnet_buzzfeed", "fakenewsnet_politifact")
    assert "golbeck" not in LODO_CORPORA and "liar" not in LODO_CORPORA


def test_data_corpora_scrubber_puts_the_corpus_steps_in_the_shared_pipeline() -> None:
    isot = [s.name for s in CORPORA["isot"].scrubber().steps]
    assert isot[:3] == ["unicode", "markup", "reuters_dateline"]
    assert isot[-3:] == ["double_quotes", "whitespace", "min_words"]
    liar = [s.name for s in CORPORA["liar"].scrubber().steps]
    assert liar == ["unicode", "markup", "urls", "apostrophes", "whitespace", "min_words"]


def test_data_corpora_a_new_record_is_picked_up() -> None:
    extra = Corpus("toy_news", "articles/toy", scrub_steps=(COAID,), lodo_row=len(LODO_CORPORA))
    claims = Corpus("toy_claims", "claims/toy", kind="claims")
    table = corpus_table(*CORPORA.values(), extra, claims)
    assert corpus_names(table, "articles") == (*ARTICLE_CORPORA, "toy_news")
    assert corpus_names(table, "claims") == (*CLAIM_CORPORA, "toy_claims")
    assert lodo_names(table) == (*LODO_CORPORA, "toy_news")
    moved = corpus_table(*CORPORA.values(), replace(extra, lodo_row=-1))
    assert lodo_names(moved)[0] == "toy_news"
    assert extra.reader == "veracity.reader.toy_news.v1"
    assert "coaid_framing" in [s.name for s in extra.scrubber().steps]
    # Building a table registers nothing.
    assert extra.reader not in readers
    assert scrubber_name("toy_news") not in scrubbers
    assert "toy_news" not in CORPORA
