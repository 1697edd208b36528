"""Per-corpus scrubbing: named steps that remove label-leaking artifacts.

A :class:`Scrubber` is an ordered tuple of :class:`Step` objects; running it on a
frame returns the cleaned frame and, per step, how many rows it changed and how
many it dropped.  Each corpus's scrubber is built from its record in
:mod:`veracity.data.corpora` and registered as ``veracity.scrub.<corpus>.v1``;
``veracity.scrub.default.v1``, registered here, holds the shared steps only, for
your own corpora.  ``docs/data.md`` lists every step and the leak it closes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import cast

import pandas as pd

from ...registry import scrubbers
from ...text.normalize import clean
from . import cleaners as st
from . import framing as sc

#: Texts with fewer white-space-separated pieces than this are dropped by ``min_words``.
MIN_WORDS = 30
#: Claims (LIAR) shorter than this are dropped.
MIN_CLAIM_WORDS = 3
#: A sentence of at least ``REPEAT_MIN_WORDS`` words seen in this many distinct
#: documents of one corpus is site boilerplate and is removed everywhere.
REPEAT_MIN_DOCS = 5
REPEAT_MIN_WORDS = 3


@dataclass(frozen=True)
class StepCount:
    """What one step did to one corpus."""

    step: str
    changed: int
    dropped: int

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Step:
    """A named cleaning step over a record frame; ``leak`` says what it closes."""

    name: str
    leak: str
    run: Callable[[pd.DataFrame], pd.DataFrame]


def text_step(name: str, fn: Callable[[str], str], leak: str) -> Step:
    """A step applying ``fn`` to every text."""

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(text=[fn(t) for t in frame["text"]])

    return Step(name, leak, run)


def min_words_step(minimum: int) -> Step:
    """A step dropping stubs: rows with fewer than ``minimum`` white-space-separated pieces.

    A filter on the raw text, not the word count of a report
    (:func:`veracity.text.normalize.word_count`): it counts the research form's spaced
    punctuation too.  The shipped model was trained with this filter, so it stays until the
    model is retrained (changing it keeps 15 more rows of the article corpora).
    """

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        keep = [len(t.split()) >= minimum for t in frame["text"]]
        return frame.loc[keep]

    return Step(
        "min_words",
        f"drops texts under {minimum} words: stubs, paywalls and pages that were only chrome",
        run,
    )


def drop_repeated_sentences(texts: list[str]) -> list[str]:
    """Remove sentences that recur in :data:`REPEAT_MIN_DOCS` or more distinct texts."""
    pieces = {t: st.sentence_pieces(t) for t in dict.fromkeys(texts)}
    seen: Counter[str] = Counter()
    for parts in pieces.values():
        seen.update({st.sentence_key(p) for p in parts})
    common = {
        key
        for key, n in seen.items()
        if n >= REPEAT_MIN_DOCS and len(key.split()) >= REPEAT_MIN_WORDS
    }
    if not common:
        return texts
    cleaned = {
        t: "".join(p for p in parts if st.sentence_key(p) not in common)
        for t, parts in pieces.items()
    }
    return [cleaned[t] for t in texts]


UNICODE = text_step(
    "unicode", clean, "folds curly quotes, dashes and invisible characters that differ by source"
)
MARKUP = text_step(
    "markup", st.strip_markup, "HTML tags and entities, {MID-...} ad markers, mojibake"
)
URLS = text_step("urls", st.strip_urls, "links and pic.twitter.com picture links (site names)")
TWEETS = text_step(
    "tweets", st.strip_tweet_signatures, "embedded-tweet signatures '- Name (@handle) date'"
)
IMAGE_CREDITS = text_step(
    "image_credits", st.strip_image_credits, "'Featured image via', 'Photo by' picture credits"
)
BOILERPLATE = text_step(
    "boilerplate", st.strip_boilerplate, "share bars, ads, 'click here', site and cookie notices"
)
REPEATED = Step(
    "repeated_sentences",
    "sentences recurring in many documents of a corpus: site boilerplate (publisher fingerprint)",
    lambda frame: frame.assign(text=drop_repeated_sentences(frame["text"].tolist())),
)
APOSTROPHES = text_step(
    "apostrophes",
    st.restore_apostrophes,
    "stripped or spaced apostrophes ('Obama s') restored so both classes read 'Obama's'",
)
WHITESPACE = text_step(
    "whitespace", st.tidy_whitespace, "double spaces left where a corpus stripped quote marks"
)
REUTERS = text_step(
    "reuters_dateline", sc.strip_reuters_framing, "'CITY (Reuters) -' leads and '(Reuters)' tags"
)
DOUBLE_QUOTES = text_step(
    "double_quotes",
    st.strip_double_quotes,
    "quote marks, which ISOT stripped from its fake class only",
)
FA_KES = text_step("fa_kes_framing", sc.strip_fa_kes_framing, "per-site date lines and sign-offs")
COAID = text_step(
    "coaid_framing", sc.strip_coaid_framing, "Medscape/CDC/MNT page chrome in real items"
)
WRAPPING_QUOTES = text_step(
    "wrapping_quotes", sc.strip_wrapping_quotes, "quote marks wrapping whole AMT fake bodies"
)


@dataclass(frozen=True)
class Scrubber:
    """An ordered list of steps for one corpus."""

    name: str
    steps: tuple[Step, ...]

    def __call__(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[StepCount]]:
        counts = []
        for step in self.steps:
            before = frame
            frame = step.run(before)
            kept = before.loc[frame.index, "text"]
            changed = int((kept.to_numpy() != frame["text"].to_numpy()).sum())
            counts.append(StepCount(step.name, changed, len(before) - len(frame)))
        return frame.reset_index(drop=True), counts


def article_steps(*corpus_steps: Step, after: tuple[Step, ...] = ()) -> tuple[Step, ...]:
    """The shared article pipeline with ``corpus_steps`` after markup and ``after`` late."""
    return (
        UNICODE,
        MARKUP,
        *corpus_steps,
        URLS,
        TWEETS,
        IMAGE_CREDITS,
        BOILERPLATE,
        REPEATED,
        APOSTROPHES,
        *after,
        WHITESPACE,
        min_words_step(MIN_WORDS),
    )


def claim_steps(*corpus_steps: Step, after: tuple[Step, ...] = ()) -> tuple[Step, ...]:
    """The shared claim pipeline (no site chrome to strip), placed as in :func:`article_steps`."""
    return (
        UNICODE,
        MARKUP,
        *corpus_steps,
        URLS,
        APOSTROPHES,
        *after,
        WHITESPACE,
        min_words_step(MIN_CLAIM_WORDS),
    )


def scrubber_name(corpus: str) -> str:
    """Registered scrubber name of ``corpus`` (``"isot"`` -> ``"veracity.scrub.isot.v1"``)."""
    return f"veracity.scrub.{corpus}.v1"


_DEFAULT = scrubber_name("default")
scrubbers.register(_DEFAULT)(Scrubber("default", article_steps()))


def scrubber_for(corpus: str) -> Scrubber:
    """The registered scrubber of ``corpus``, or the default one for other corpora."""
    name = scrubber_name(corpus)
    return cast(Scrubber, scrubbers.get(name if name in scrubbers else _DEFAULT))


def scrub_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[StepCount]]]:
    """Scrub every corpus in ``frame`` with its own scrubber; counts per corpus."""
    parts = []
    counts: dict[str, list[StepCount]] = {}
    for corpus, part in frame.groupby("corpus", sort=False):
        cleaned, counts[str(corpus)] = scrubber_for(str(corpus))(part.reset_index(drop=True))
        parts.append(cleaned)
    if not parts:
        return frame.reset_index(drop=True), counts
    return pd.concat(parts, ignore_index=True), counts
