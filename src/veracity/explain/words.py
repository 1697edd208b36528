"""The n-grams that carry a sentence's push, found in the sentence's own words.

The detector credits hashed n-grams: ``s:`` marks a source's words, ``m:`` a
topic-masked pattern whose ``_`` stands for any content word.  A reader needs
the words of the article instead.  The hasher knows where each n-gram first
occurs among the sentence's tokens (artifact tokens skipped, as it skips
them), so each is reported as that span of the input ("March but" for
``m:_ but``); overlapping spans become one, their pushes added.  The n-grams
themselves stay available under a report's ``debug`` key.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

from ..doc import Doc
from ..models.features import ARTIFACT_TOKENS
from ..report_records import Word
from ..signals.tokens import doc_token_offsets, token_offsets
from ..text.sentences import Sentence
from .contributions import Contribution


def article_words(doc: Doc, contributions: Sequence[Contribution]) -> list[list[Word]]:
    """Each sentence's words: the spans of the input its credited n-grams first occur at,
    overlapping spans merged, strongest push first.

    The tokens are located in the text once per Doc (:func:`doc_token_offsets`); where those
    are not its sentences' tokens, sentence by sentence (a sentence that still does not line
    up gets no words).
    """
    located, starts_at, ends_at = doc_token_offsets(doc)
    aligned = located == list(chain.from_iterable(doc.tokens))
    starts, ends = starts_at.tolist(), ends_at.tolist()
    out: list[list[Word]] = []
    at = 0
    for sentence, toks, credit in zip(doc.sentences, doc.tokens, contributions, strict=True):
        n = len(toks)
        if not credit.grams:
            out.append([])
        elif aligned:
            out.append(_words(sentence, toks, credit, starts[at : at + n], ends[at : at + n]))
        else:
            own, own_starts, own_ends = token_offsets(sentence.text)
            if own == list(toks):
                shift = sentence.start
                own_at = (own_starts + shift).tolist(), (own_ends + shift).tolist()
                out.append(_words(sentence, toks, credit, *own_at))
            else:
                out.append([])
        at += n
    return out


def _words(
    sentence: Sentence,
    toks: Sequence[str],
    credit: Contribution,
    starts: Sequence[int],
    ends: Sequence[int],
) -> list[Word]:
    """The spans of ``credit``'s n-grams; ``starts``/``ends``: each token's offsets into the input."""
    kept: Sequence[int] = range(len(toks))
    if not ARTIFACT_TOKENS.isdisjoint(toks):
        kept = [i for i, t in enumerate(toks) if t not in ARTIFACT_TOKENS]
    spans: list[list[float]] = []
    for weight, place in zip(credit.weights, credit.places, strict=True):
        if place is not None:
            first, size = place
            spans.append([starts[kept[first]], ends[kept[first + size - 1]], weight])
    words = []
    for lo, hi, weight in sorted(_merged(spans), key=lambda s: (-abs(s[2]), s[0])):
        a, b = int(lo), int(hi)
        text = sentence.text[a - sentence.start : b - sentence.start]
        words.append(Word(start=a, end=b, text=text, weight=round(weight, 4)))
    return words


def _merged(spans: list[list[float]]) -> list[list[float]]:
    """Overlapping spans as one, their pushes added."""
    out: list[list[float]] = []
    for lo, hi, w in sorted(spans):
        if out and lo < out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
            out[-1][2] += w
        else:
            out.append([lo, hi, w])
    return out
