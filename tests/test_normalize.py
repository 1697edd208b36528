"""The canonical normalisation: one token stream for prose and the research form."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.text.normalize import (
    canonical,
    clean,
    is_corpus_form,
    sentence_tokens,
    tokens,
    word_count,
)

# Invented fixtures in the two forms the corpora use.
PROSE = "The U.S. envoy doesn\u2019t agree, Mr. Smith said. \u201cIt\u2019s over!\u201d"
CORPUS = "the u.s. envoy doesn t agree , mr. smith said .\nit s over !"
CORPUS_LINES = (
    "the council met on monday to discuss the budget .\n"
    "officials said the plan , which costs millions , would be delayed .\n"
    "critics called the move reckless : it is a mistake , one said .\n"
)

ASCII_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,'!?\n-", max_size=200)


def test_normalize_apostrophe_forms_give_same_tokens() -> None:
    expected = ["obama", "s", "plan"]
    assert tokens("Obama's plan") == expected
    assert tokens("Obama\u2019s plan") == expected
    assert tokens("obama s plan") == expected
    assert tokens("OBAMA\u02bcS PLAN") == expected


def test_normalize_prose_and_corpus_form_give_same_tokens() -> None:
    assert tokens(PROSE) == tokens(CORPUS)
    assert "!" in tokens(PROSE)


def test_normalize_digits_are_folded() -> None:
    assert tokens("In 2016, 15 troops") == ["in", "0000", "00", "troops"]
    assert tokens("1234567") == ["0000"]
    assert tokens("COVID19 and F-16s") == ["covid00", "and", "f", "00s"]
    assert tokens("\u0663\u0664 units") == ["00", "units"]


def test_normalize_compatibility_forms_fold() -> None:
    assert tokens("\ufb01nance \uff21\uff22\uff23") == ["finance", "abc"]
    assert canonical("  Hello,   World!  ") == "hello world !"


def test_normalize_clean_spells_every_line_break_as_newline() -> None:
    assert clean("a\r\nb\rc\u2028d\x0ce\x85f") == "a\nb\nc\nd\ne\nf"


def test_normalize_clean_removes_invisible_characters() -> None:
    assert clean("news\u00adpaper\u200b \ufeffok\x00\x07") == "newspaper ok"
    assert clean("lone \ud800 surrogate") == "lone  surrogate"
    assert clean("\u201cquote\u201d \u2014 dash\u2026") == '"quote" - dash...'


def test_normalize_is_corpus_form_detects_research_form() -> None:
    assert is_corpus_form(CORPUS_LINES)
    assert is_corpus_form(CORPUS)
    assert not is_corpus_form(PROSE)
    assert not is_corpus_form("all lower case, but written like prose. nothing spaced.")
    assert not is_corpus_form("no punctuation at all\njust words")
    assert not is_corpus_form("")
    assert not is_corpus_form("The Council Met . Officials Said .\nCritics Called It Bad .")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_clean_never_raises_and_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_tokens_idempotent_on_canonical(text: str) -> None:
    assert tokens(canonical(text)) == tokens(text)


@settings(max_examples=200, deadline=None)
@given(ASCII_TEXT)
def test_normalize_tokens_ignore_case(text: str) -> None:
    assert tokens(text.upper()) == tokens(text) == tokens(text.lower())


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.ascii_letters + "'\u2019 ", max_size=80))
def test_normalize_tokens_ignore_apostrophe_style(text: str) -> None:
    expected = tokens(text)
    assert tokens(text.replace("'", "\u2019")) == expected
    assert tokens(text.replace("\u2019", "'")) == expected
    assert tokens(text.replace("'", " ").replace("\u2019", " ")) == expected


_TYPOGRAPHIC = "\u00a0\u00ab\u00b7\u00bb\u2009\u200a\u2010\u2013\u2014\u2015\u2018\u2019\u201a\u201c\u201d\u201f\u2022\u2026\u2032\u2033\u2039\u203a\u202f\u2212"


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.characters(max_codepoint=127) | st.sampled_from(_TYPOGRAPHIC), max_size=80)
)
def test_normalize_ascii_tokens_take_the_short_way_to_the_same_result(text: str) -> None:
    # ASCII with typographic punctuation takes a short way; one accented word, the Unicode one.
    assert tokens(text) == tokens(text + " é")[:-1]
    assert tokens(text + " é")[-1] == "é"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=120))
def test_normalize_clean_of_ascii_takes_the_short_way_to_the_same_result(text: str) -> None:
    # "é" sends the text the Unicode way, and nothing there joins it to the ASCII before it.
    assert clean(text) == clean(text + "é")[:-1]


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.characters(max_codepoint=127) | st.sampled_from(_TYPOGRAPHIC + "é0123456789"),
        max_size=120,
    ),
    st.lists(st.tuples(st.integers(0, 120), st.integers(0, 120)), max_size=6),
)
def test_normalize_sentence_tokens_equal_tokens_of_each_span(
    text: str, cuts: list[tuple[int, int]]
) -> None:
    spans = [(min(a, b), max(a, b)) for a, b in cuts]
    assert sentence_tokens(text, spans) == [tokens(text[a:b]) for a, b in spans]


def test_normalize_sentence_tokens_fold_long_numbers_once() -> None:
    text = "Sales hit 1234567 units, up 12 percent. Code a1234567 shipped."
    spans = [(0, 39), (40, len(text))]
    assert sentence_tokens(text, spans) == [tokens(text[a:b]) for a, b in spans]
    assert sentence_tokens(text, spans)[0][2] == "0000"


def test_normalize_word_count_leaves_out_the_marks() -> None:
    assert word_count(tokens("Who knew?! Nobody, really!!")) == 4
    assert word_count(tokens("who knew ? ! nobody , really ! !")) == 4
    assert word_count([]) == 0
