"""Sentence splitting: exact offsets, the corpus form, glued sentences, guards."""

from __future__ import annotations

from pathlib import Path

import pysbd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.data.pipeline import load_articles
from veracity.text import sentences as sentences_module
from veracity.text.sentences import PYSBD_MAX_RUN, Sentence, span_ends, split_sentences

# Invented text in the research-corpus form: lower-cased, tokenised, one
# sentence per line, with sentences glued at a period the way scraped corpora
# glue them.
CORPUS = (
    "the rebels shelled the town on friday , officials said , as talks stalled.only a week ago "
    "the two sides had agreed to a truce .\n"
    "it looks like the skeptics were right.wire services reported : the army said it would "
    "respond .\n"
    "asked whether the truce was over , the country s u.n .\n"
    "envoy said : we will see .\n"
    "luckily nobody was hurt , as far as we know.h/t [ wire ]\n"
)

# fmt: off
WORDS = [
    "The", "U.S.", "Mr.", "Dr.", "St.", "Gov.", "Jan.", "No.", "5", "p.m.", "e.g.", "said",
    "envoy", "left.", "over.\"", "Why?", "yes!", "\"Quote", "it's", "example.com", "escalated.Just",
    "right.reuters", "...", "\u2026", "(a)", "1.", "[12]", "\u0645\u0631\u062d\u0628\u0627.",
    "\u05e9\u05dc\u05d5\u05dd", "\U0001f600.", "caf\u00e9", ",", ".", ":", "\u2019", "A.",
]
# fmt: on
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\u2028", " \n "]
WORDY_TEXT = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=80
).map(lambda parts: "".join(w + s for w, s in parts))


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def check_spans(text: str, sentences: list[Sentence]) -> None:
    """Offsets map back, sentences are stripped, ordered, disjoint and lose no text."""
    end = 0
    for i, s in enumerate(sentences):
        assert s.index == i
        assert text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= end
        end = s.end
    kept = "".join("".join(s.text.split()) for s in sentences)
    assert kept == "".join(text.split())


def test_sentences_abbreviations_do_not_split() -> None:
    text = "U.S. officials met the U.N. envoy. Gov. Smith said so."
    assert texts(text) == ["U.S. officials met the U.N. envoy.", "Gov. Smith said so."]
    assert len(texts("Mr. Lee met Dr. Ray on St. Mark's Square on Jan. 5 at 3 p.m. today.")) == 1
    assert len(texts("He wore shirt No. 5 and led the U.S. team, e.g. in the final.")) == 1


def test_sentences_glued_sentence_splits() -> None:
    assert texts("tensions escalated.Just a few days ago") == [
        "tensions escalated.",
        "Just a few days ago",
    ]
    assert texts("tensions escalated.just a few days ago .") == [
        "tensions escalated.",
        "just a few days ago .",
    ]


def test_sentences_domains_and_files_are_not_glued_sentences() -> None:
    text = "Read it at example.com, ria.ru or news.bbc.co.uk and open report.pdf today."
    assert len(texts(text)) == 1
    assert len(texts("Gov.Smith and St.Louis fans met Mr.Jones at www.example.org/page now.")) == 1


def test_sentences_closing_quote_stays_with_its_sentence() -> None:
    text = 'He said: "It\'s over." Then he left.'
    assert texts(text) == ['He said: "It\'s over."', "Then he left."]
    assert texts('"Why?" he asked. Nobody knew.') == ['"Why?" he asked.', "Nobody knew."]


def test_sentences_terminal_punctuation_variants() -> None:
    assert texts("Stop! Who goes there? Nobody... The end.") == [
        "Stop!",
        "Who goes there?",
        "Nobody...",
        "The end.",
    ]
    assert texts("It grew in 2016. The next year it fell.") == [
        "It grew in 2016.",
        "The next year it fell.",
    ]


def test_sentences_corpus_form_lines_are_sentences() -> None:
    got = texts(CORPUS)
    assert got == [
        "the rebels shelled the town on friday , officials said , as talks stalled.",
        "only a week ago the two sides had agreed to a truce .",
        "it looks like the skeptics were right.",
        "wire services reported : the army said it would respond .",
        "asked whether the truce was over , the country s u.n .",
        "envoy said : we will see .",
        "luckily nobody was hurt , as far as we know.",
        "h/t [ wire ]",
    ]
    check_spans(CORPUS, split_sentences(CORPUS))


def test_sentences_prose_line_rules() -> None:
    text = (
        "Council Delays Vote\n\n"
        "The council met on Monday and\ndecided to wait. A vote is due\nnext week.\n"
        "Critics were angry:\nthey wanted it now\n\nMr.\nLee disagreed."
    )
    assert texts(text) == [
        "Council Delays Vote",
        "The council met on Monday and\ndecided to wait.",
        "A vote is due\nnext week.",
        "Critics were angry:",
        "they wanted it now",
        "Mr.\nLee disagreed.",
    ]


def test_sentences_offsets_refer_to_the_given_string() -> None:
    text = "  \n First one.   Second one!  \n\n"
    got = split_sentences(text)
    assert [(s.start, s.end) for s in got] == [(4, 14), (17, 28)]
    check_spans(text, got)
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


def test_sentences_numbered_list_items_stay_whole() -> None:
    assert texts("1. The first point. 2. The second point.") == [
        "1. The first point.",
        "2. The second point.",
    ]


def test_sentences_pysbd_backtracking_input_is_guarded() -> None:
    text = "See the note.[" + "111 " * 40 + "] Next sentence here."
    check_spans(text, split_sentences(text))


@pytest.mark.parametrize(
    "unit",
    ["a", ".", "a.", "ab.", "ab.Cd", ")", "\u00e9\u2019", "U.S."],
)
def test_sentences_one_megabyte_line_without_spaces(unit: str) -> None:
    text = unit * (1_000_000 // len(unit))
    got = split_sentences(text)
    check_spans(text, got)


def test_sentences_long_runs_skip_glued_detection() -> None:
    token = "x" * PYSBD_MAX_RUN + "end.Start"
    assert texts(f"Before {token} after.") == [f"Before {token} after."]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_sentences_spans_map_back_for_any_text(text: str) -> None:
    check_spans(text, split_sentences(text))


@settings(max_examples=300, deadline=None)
@given(WORDY_TEXT)
def test_sentences_spans_map_back_for_wordy_text(text: str) -> None:
    check_spans(text, split_sentences(text))


@settings(max_examples=100, deadline=None)
@given(WORDY_TEXT.map(str.lower))
def test_sentences_spans_map_back_for_corpus_like_text(text: str) -> None:
    check_spans(text, split_sentences(text))


@pytest.mark.data
def test_sentences_seed_article_every_line_is_split(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    got = split_sentences(text)
    check_spans(text, got)
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(got) > len(lines)
    starts = {s.start for s in got}
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            assert offset + len(line) - len(line.lstrip()) in starts
        offset += len(line)


def _pysbd_char_span_ends(text: str) -> list[int]:
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return [span.start + len(span.sent.rstrip()) for span in segmenter.segment(text)]


@settings(max_examples=300, deadline=None)
@given(st.one_of(WORDY_TEXT, st.text(alphabet=" .a!?\n\"'ab", max_size=80)))
def test_sentences_span_ends_match_pysbd_char_spans(text: str) -> None:
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    sents = segmenter.processor(text).process() if text else []
    assert span_ends(text, sents) == _pysbd_char_span_ends(text)


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Smith arrived. He said no. He said no.",
        "aa. aa. aa.  aaa.",
        "It rose 3.5 percent in the U.S. on Monday. Then it fell.",
    ],
)
def test_sentences_span_ends_match_pysbd_on_repeats_and_abbreviations(text: str) -> None:
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    assert span_ends(text, segmenter.processor(text).process()) == _pysbd_char_span_ends(text)


def _pysbd_cuts_at(text: str, lo: int, hi: int) -> bool:
    """Whether pysbd, run on the whole text, ends a sentence between ``lo`` and ``hi``."""
    return any(lo < end <= hi for end in _pysbd_char_span_ends(text))


@pytest.mark.parametrize(
    ("text", "known"),
    [
        ("The meeting on Nov. 5 went well. It ended late.", False),
        ("He lives in the U.S. Senate district. It is large.", False),
        ("That is how it is. Then it ended.", True),
        ("It happened in the U.S. The vote came later.", None),
        ("They met at 5 p.m. Friday. It rained.", True),
        ("The rule is in Art. Five of the code. It is old.", True),
    ],
)
def test_sentences_pysbd_shortcuts_give_pysbd_answers(text: str, known: bool | None) -> None:
    _, asks = sentences_module._candidates(text, False)
    assert len(asks) == 1
    lo, hi, answer = asks[0]
    expected = {None: sentences_module._UNKNOWN, False: sentences_module._NO_CUT}
    assert answer == expected.get(known, sentences_module._CUT_UNLESS_QUOTED)
    if known is not None:
        assert _pysbd_cuts_at(text, lo, hi) is known


def test_sentences_quotes_send_the_question_to_pysbd(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def pysbd_ends(piece: str) -> list[int]:
        asked.append(piece)
        return []

    monkeypatch.setattr(sentences_module, "_pysbd_ends", pysbd_ends)
    assert len(split_sentences("That is how it is. Then it ended.")) == 2
    assert not asked
    assert len(split_sentences('"That is how it is. Then it ended."')) == 1
    assert asked == ['"That is how it is. Then it ended."']


@pytest.mark.data
@pytest.mark.slow
def test_sentences_pysbd_shortcuts_agree_on_the_corpora(
    data_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every article of the shared corpora splits the same with pysbd asked every question."""
    frame, _ = load_articles(data_root, scrub=False, dedup=False)
    texts = list(frame["text"].astype(str))
    quick = [split_sentences(text) for text in texts]
    monkeypatch.setattr(
        sentences_module, "_pysbd_answer", lambda tok, following: sentences_module._UNKNOWN
    )
    assert [split_sentences(text) for text in texts] == quick
