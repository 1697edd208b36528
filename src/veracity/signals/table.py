"""Every signal, declared once: name, label, description, level, the component that makes it
and how the article aggregates it.

A sentence signal (:class:`SentenceSignal`) is a field of each sentence of the
report, read from the attribute of the same name of the component's output
(:class:`~veracity.signals.analyzer.SentenceSignals`).  An article signal
(:class:`ArticleSignal`) is computed from what the sentence signals found
(:class:`ArticleView`: the text, each sentence's ``SentenceSignals``, the word
count).  The report and its JSON schema (:mod:`veracity.report`), the reference
ranges (:func:`veracity.signals.article.reliable_ranges`) and every view read
this table, so a new signal is one entry here and, if it needs one, a new
sentence-level field in the component that makes it.

Rates are per 100 words (canonical word tokens, ``!``/``?`` not counted);
shares are over sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from . import lexicons as lx
from . import roles
from .propaganda import LOADED_LANGUAGE

if TYPE_CHECKING:
    from .analyzer import SentenceSignals, Technique


@dataclass(frozen=True)
class ArticleView:
    """What an article signal is computed from (one analysed article with words and sentences)."""

    text: str
    sentences: Sequence[SentenceSignals]
    words: int

    @property
    def per_100(self) -> float:
        return 100.0 / self.words

    def role_share(self, role: str) -> float:
        return sum(s.role == role for s in self.sentences) / len(self.sentences)

    def mean(self, values: Sequence[float]) -> float:
        return float(np.mean(values))


#: The kinds of sentence signal: a probability (0-1, reported to 4 places), one of a few
#: values, or labelled character spans (offsets into the article).
PROBABILITY = "probability"
CATEGORY = "category"
SPANS = "spans"


@dataclass(frozen=True)
class SentenceSignal:
    """One sentence signal: how people read it, what it holds and which article signals sum it up."""

    name: str
    label: str
    description: str
    #: The component that makes it (its output has an attribute ``name``).
    made_by: str
    #: :data:`PROBABILITY`, :data:`CATEGORY` or :data:`SPANS`.
    kind: str
    #: How the article aggregates it: the :class:`ArticleSignal` names that summarise it.
    aggregated_by: tuple[str, ...] = ()
    #: The values a :data:`CATEGORY` signal takes.
    values: tuple[str, ...] = ()
    level: ClassVar[str] = "sentence"


@dataclass(frozen=True)
class ArticleSignal:
    """One article signal: how people read it and how the article's sentences make it."""

    name: str
    label: str
    description: str
    #: The sentence-level component whose output it aggregates.
    made_by: str
    #: How the article aggregates its sentences into this signal.
    compute: Callable[[ArticleView], float]
    level: ClassVar[str] = "article"


SENTENCE_SIGNALS: tuple[SentenceSignal, ...] = (
    SentenceSignal(
        "role",
        "role",
        "what the sentence does: attributed reporting, quote, unnamed source, claim, opinion, "
        "appeal, question or boilerplate",
        "roles",
        CATEGORY,
        ("attributed_share", "quote_share", "opinion_share", "appeal_share"),
        roles.ROLES,
    ),
    SentenceSignal(
        "role_cues", "role cues", "the words that gave the sentence its role", "roles", SPANS
    ),
    SentenceSignal(
        "techniques",
        "propaganda techniques",
        "spans that use a propaganda technique, with the tagger's score",
        "propaganda",
        SPANS,
        ("loaded_language_per_100w", "propaganda_spans_per_100w"),
    ),
    SentenceSignal(
        "bias",
        "bias",
        "probability that the sentence is biased (BABE)",
        "bias",
        PROBABILITY,
        ("mean_bias",),
    ),
    SentenceSignal(
        "subjectivity",
        "subjectivity",
        "probability that the sentence is subjective",
        "subjectivity",
        PROBABILITY,
        ("mean_subjectivity",),
    ),
    SentenceSignal(
        "checkworthy",
        "check-worthy",
        "probability that the sentence holds a check-worthy claim",
        "checkworthy",
        PROBABILITY,
        ("mean_checkworthy",),
    ),
)


def _spans(view: ArticleView) -> list[Technique]:
    return [t for s in view.sentences for t in s.techniques]


ARTICLE_SIGNALS: tuple[ArticleSignal, ...] = (
    ArticleSignal(
        "attributed_share",
        "Sourced sentences",
        "share of sentences that name their source (X said, according to)",
        "roles",
        lambda v: v.role_share(roles.ATTRIBUTED),
    ),
    ArticleSignal(
        "quote_share",
        "Direct quotes",
        "share of sentences that are direct quotes",
        "roles",
        lambda v: v.role_share(roles.QUOTE),
    ),
    ArticleSignal(
        "opinion_share",
        "Opinion",
        "share of sentences of opinion or editorialising",
        "roles",
        lambda v: v.role_share(roles.OPINION),
    ),
    ArticleSignal(
        "appeal_share",
        "Appeals and calls to action",
        "share of sentences that appeal or call to action",
        "roles",
        lambda v: v.role_share(roles.APPEAL),
    ),
    ArticleSignal(
        "loaded_language_per_100w",
        "Loaded language",
        "loaded-language spans per 100 words",
        "propaganda",
        lambda v: sum(t[2] == LOADED_LANGUAGE for t in _spans(v)) * v.per_100,
    ),
    ArticleSignal(
        "propaganda_spans_per_100w",
        "Propaganda techniques",
        "propaganda-technique spans per 100 words",
        "propaganda",
        lambda v: len(_spans(v)) * v.per_100,
    ),
    ArticleSignal(
        "sentiment_extremity",
        "Emotional tone",
        "mean absolute sentiment of the sentences (0-1)",
        "sentiment",
        lambda v: v.mean([abs(s.sentiment) for s in v.sentences]),
    ),
    ArticleSignal(
        "exclamations_per_100w",
        "Exclamation marks",
        "exclamation marks per 100 words",
        "text",
        lambda v: v.text.count("!") * v.per_100,
    ),
    ArticleSignal(
        "all_caps_per_100w",
        "Words in capitals",
        "ALL-CAPS words per 100 words",
        "text",
        lambda v: len(lx.ALL_CAPS_WORD.findall(v.text)) * v.per_100,
    ),
    ArticleSignal(
        "hedges_per_100w",
        "Hedges",
        "hedges (seems, allegedly, reportedly) per 100 words",
        "roles",
        lambda v: sum(s.hedges for s in v.sentences) * v.per_100,
    ),
    ArticleSignal(
        "mean_bias",
        "Biased wording",
        "mean probability that a sentence is biased (BABE)",
        "bias",
        lambda v: v.mean([s.bias for s in v.sentences]),
    ),
    ArticleSignal(
        "mean_subjectivity",
        "Subjectivity",
        "mean probability that a sentence is subjective",
        "subjectivity",
        lambda v: v.mean([s.subjectivity for s in v.sentences]),
    ),
    ArticleSignal(
        "mean_checkworthy",
        "Check-worthy claims",
        "mean probability that a sentence holds a check-worthy claim",
        "checkworthy",
        lambda v: v.mean([s.checkworthy for s in v.sentences]),
    ),
)


def signal_table() -> dict[str, ArticleSignal]:
    """The article signals by name, in report order."""
    return {s.name: s for s in ARTICLE_SIGNALS}
