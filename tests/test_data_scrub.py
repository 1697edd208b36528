"""Every scrubbing step on short invented texts; no shared data needed."""

from __future__ import annotations

import pandas as pd
import pytest

from veracity.data.schema import RELIABLE, UNRELIABLE, Record, to_frame
from veracity.data.scrub import cleaners as st
from veracity.data.scrub import framing as sc
from veracity.data.scrub.steps import (
    MIN_WORDS,
    REPEAT_MIN_DOCS,
    drop_repeated_sentences,
    scrub_frame,
    scrubber_for,
)
from veracity.registry import scrubbers
from veracity.text.normalize import clean, tokens

FILLER = " ".join(f"word{i}" for i in range(40))


def _frame(texts: list[str], corpus: str = "toy", label: str = RELIABLE) -> pd.DataFrame:
    return to_frame(
        [Record(f"{corpus}:{i}", "", t, label, label, corpus) for i, t in enumerate(texts)]
    )


def test_scrub_markup_unescapes_and_drops_tags_and_mid_markers() -> None:
    raw = "<p>Tom &amp;amp; Jerry</p> {MID-161793} said <a href='x'>hi</a> \ufffd"
    out = st.strip_markup(raw)
    assert "<" not in out and "{MID-" not in out and "&amp;" not in out and "\ufffd" not in out
    assert "Tom & Jerry" in out and "hi" in out


def test_scrub_urls_removes_links_and_emptied_brackets() -> None:
    raw = "Read it at https://example.org/a?b=1 or www.example.org (bit.ly/2abcDEF) now"
    raw += " pic.twitter.com/AbCdEfGhIj and t.co/xYz12"
    out = st.strip_urls(raw)
    for junk in ("http", "www.", "bit.ly", "pic.twitter", "t.co/", "()", "( )"):
        assert junk not in out
    assert out.split() == ["Read", "it", "at", "or", "now", "and"]


def test_scrub_tweets_removes_signature_and_unglues_date() -> None:
    raw = "Great day for us!  Jane Q. Public (@janeqp) March 3, 2017The mayor left early."
    out = st.strip_tweet_signatures(raw)
    assert "(@" not in out and "March 3" not in out
    assert "Great day for us!" in out and "The mayor left early." in out
    bare = "It burns. Some Body (somebody) July 27 2016 Crews arrived."
    assert "(somebody)" not in st.strip_tweet_signatures(bare)


def test_scrub_image_credits_removes_credits_but_keeps_prose() -> None:
    raw = (
        "The rally ended.Featured image via Pat Doe/Getty Images. "
        "A photo by the agency showed the crowd. (Photo credit: Sam Roe) It rained. "
        "Photo by Win McNamee/Getty Images."
    )
    out = st.strip_image_credits(raw)
    assert "Featured image" not in out and "Getty" not in out and "Sam Roe" not in out
    assert "A photo by the agency showed the crowd." in out
    assert "It rained." in out


def test_scrub_boilerplate_removes_share_bars_and_notices() -> None:
    raw = (
        "804 SHARES Share Tweet The council met. Click here to subscribe today! "
        "No Pill Can Stop Tinnitus, But This 1 Weird Trick Can The vote passed. "
        "21st Century Wire says the plan failed. We've detected that JavaScript is disabled "
        "in your browser. READ MORE: Some Other Site"
    )
    out = st.strip_boilerplate(raw)
    for junk in ("SHARES", "Click here", "Tinnitus", "21st Century Wire", "JavaScript", "READ"):
        assert junk not in out
    assert "The council met." in out and "The vote passed." in out
    assert "the plan failed." in out


def test_scrub_sentence_pieces_round_trip_and_keep_abbreviations() -> None:
    text = "The U.S. Senate met on Nov. 3 in Washington. Mr. Lee spoke!\nA new line"
    pieces = st.sentence_pieces(text)
    assert "".join(pieces) == text
    assert pieces[0].startswith("The U.S. Senate met on Nov. 3")
    assert len(pieces) == 3


@pytest.mark.parametrize(
    ("stripped", "kept"),
    [
        ("Obama s fault", "Obama's fault"),
        ("Obama’s fault", "Obama's fault"),
        ("they couldn t stay", "they couldn't stay"),
        ("we ve seen it", "we've seen it"),
        ("it 's here", "it's here"),
        ("they are nt ready", "they aren't ready"),
        ("I m sure", "I'm sure"),
    ],
)
def test_scrub_apostrophes_make_both_classes_identical(stripped: str, kept: str) -> None:
    assert st.restore_apostrophes(clean(stripped)) == kept
    assert st.restore_apostrophes(clean(kept)) == kept
    assert tokens(st.restore_apostrophes(clean(stripped))) == tokens(kept)


def test_scrub_apostrophes_leave_ordinary_words() -> None:
    text = "The letters a and b were sent to you and me."
    assert st.restore_apostrophes(text) == text


def test_scrub_whitespace_collapses_double_spaces_and_blank_lines() -> None:
    assert st.tidy_whitespace("He said  the  plan .\n\n\n\nNext   line ") == (
        "He said the plan.\n\nNext line"
    )


def test_scrub_double_quotes_are_removed() -> None:
    assert '"' not in st.strip_double_quotes('He said "no" twice.')


def test_scrub_reuters_dateline_and_tags() -> None:
    raw = "(This story corrects a name) NEW YORK (Reuters) - Stocks rose (Reuters) today."
    out = sc.strip_reuters_framing(raw)
    assert "Reuters" not in out and "NEW YORK" not in out and "corrects" not in out
    assert out.strip().startswith("Stocks rose")
    assert sc.strip_reuters_framing("WASHINGTON - The bill passed.").startswith("The bill")


def test_scrub_fa_kes_framing_strips_lead_dates_and_signoffs() -> None:
    raw = "Wed 05 Apr 2017 at 0914 Crews worked all night in the town. - REUTERS"
    out = sc.strip_fa_kes_framing(raw)
    assert out.strip() == "Crews worked all night in the town."
    raw2 = "Published February 18 2015 Crews worked. Source TRTWorld and agencies"
    assert sc.strip_fa_kes_framing(raw2).strip() == "Crews worked."


def test_scrub_coaid_framing_strips_chrome_even_truncated() -> None:
    raw = (
        "what your doctor is reading on medscape.com april 30 2020 -- clinics reopened. "
        "all data and stat. some information may be out of date. jane doe via getty images "
        "nurses returned."
    )
    out = sc.strip_coaid_framing(raw)
    assert out.strip().startswith("clinics reopened.")
    for junk in ("medscape", "all data", "out of date", "getty"):
        assert junk not in out
    assert "nurses returned." in out


def test_scrub_wrapping_quotes_only_when_whole_body_is_quoted() -> None:
    assert sc.strip_wrapping_quotes('"The whole story."') == "The whole story."
    inner = 'He said "yes" and left.'
    assert sc.strip_wrapping_quotes(inner) == inner


def test_scrub_repeated_sentences_removed_across_documents() -> None:
    chrome = "Subscribe to the Daily Widget for more stories."
    texts = [f"Story number {i} is unique here. {chrome}" for i in range(REPEAT_MIN_DOCS)]
    texts.append("A rare story stands alone. Nothing repeats here.")
    out = drop_repeated_sentences(texts)
    assert all("Daily Widget" not in t for t in out)
    assert out[-1] == texts[-1]
    assert drop_repeated_sentences(texts[: REPEAT_MIN_DOCS - 1]) == texts[: REPEAT_MIN_DOCS - 1]


def test_scrub_min_words_drops_short_rows_and_counts_each_step() -> None:
    texts = [f"WASHINGTON (Reuters) - {FILLER}.", "Too short to keep."]
    frame, counts = scrubber_for("isot")(_frame(texts, "isot"))
    assert len(frame) == 1 and "(Reuters)" not in frame["text"][0]
    by_step = {c.step: c for c in counts}
    assert by_step["min_words"].dropped == 1
    assert by_step["reuters_dateline"].changed == 1
    assert sum(c.dropped for c in counts) == 1
    assert len(frame["text"][0].split()) >= MIN_WORDS


def test_scrub_frame_uses_each_corpus_scrubber_and_default_for_unknown() -> None:
    texts = [f'"{FILLER}"']
    frame = pd.concat([_frame(texts, "fakenewsamt", UNRELIABLE), _frame(texts, "mine")])
    out, counts = scrub_frame(frame)
    assert set(counts) == {"fakenewsamt", "mine"}
    assert "wrapping_quotes" in [c.step for c in counts["fakenewsamt"]]
    assert "wrapping_quotes" not in [c.step for c in counts["mine"]]
    assert out.loc[out["corpus"] == "fakenewsamt", "text"].iloc[0].startswith("word0")
    assert "veracity.scrub.default.v1" in scrubbers
