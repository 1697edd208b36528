"""The n-grams that carry a sentence's push, found in the sentence's own words.

The detector credits hashed n-grams: ``s:`` marks a source's words, ``m:`` a
topic-masked pattern whose ``_`` stands for any content word.  A reader needs
the words of the article instead, so each n-gram is located in its sentence
(its first occurrence, artifact tokens skipped as the hasher skips them) and
reported as a span of the input; overlapping spans become one, their pushes
added.  The n-grams themselves stay available under a report's ``debug`` key.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models.features import ARTIFACT_TOKENS, FUNCTION_WORDS, MASK
from ..report import Term, Word
from ..signals.tokens import token_offsets
from ..text.sentences import Sentence

#: Prefixes of a term: a source's words, then a topic-masked pattern.
SOURCE_PREFIX = "s:"
MASKED_PREFIX = "m:"


def term_pattern(term: str) -> tuple[tuple[str, ...], bool]:
    """The tokens of ``term`` without its prefixes, and whether ``_`` in them is a wildcard."""
    body = term.removeprefix(SOURCE_PREFIX)
    masked = body.startswith(MASKED_PREFIX)
    return tuple(body.removeprefix(MASKED_PREFIX).split(" ")), masked


def _fits(pattern: tuple[str, ...], masked: bool, toks: Sequence[str], at: int) -> bool:
    for want, tok in zip(pattern, toks[at : at + len(pattern)], strict=True):
        if masked and want == MASK:
            if tok in FUNCTION_WORDS:
                return False
        elif want != tok:
            return False
    return True


def locate(pattern: tuple[str, ...], masked: bool, toks: Sequence[str]) -> int | None:
    """Index in ``toks`` of the first run that ``pattern`` matches, or None."""
    for at in range(len(toks) - len(pattern) + 1):
        if _fits(pattern, masked, toks, at):
            return at
    return None


def sentence_words(sentence: Sentence, toks: Sequence[str], terms: Sequence[Term]) -> list[Word]:
    """The spans of the input (offsets into it) that ``terms`` of ``sentence`` stand for,
    strongest push first; ``toks`` are the sentence's canonical tokens."""
    if not terms:
        return []
    located, starts, ends = token_offsets(sentence.text)
    if located != list(toks):
        return []
    kept = [i for i, t in enumerate(toks) if t not in ARTIFACT_TOKENS]
    stream = [toks[i] for i in kept]
    spans: list[list[float]] = []
    for term in terms:
        pattern, masked = term_pattern(term.term)
        at = locate(pattern, masked, stream)
        if at is None:
            continue
        lo = sentence.start + int(starts[kept[at]])
        hi = sentence.start + int(ends[kept[at + len(pattern) - 1]])
        spans.append([lo, hi, term.weight])
    return [
        Word(
            start=int(lo),
            end=int(hi),
            text=sentence.text[int(lo) - sentence.start : int(hi) - sentence.start],
            weight=round(w, 4),
        )
        for lo, hi, w in sorted(_merged(spans), key=lambda s: (-abs(s[2]), s[0]))
    ]


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
