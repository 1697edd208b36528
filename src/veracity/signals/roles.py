"""Rule-based sentence roles: who speaks in a sentence, and how.

Each sentence gets one role from :data:`ROLES` and the cues (character spans
relative to the sentence) that triggered it:

* ``boilerplate``: share/subscribe/cookie/credit lines (short, or starting so),
  and scraped page furniture: a caption or credit label opening the sentence
  ("Image:", "Photo: ..."), a bracketed credit ("(Photo by ...)"), a video
  player's "Play" glued to the headline it links ("PlayVideo", "PlayFBI
  Completes Review..."; in the research form, where case is gone, only
  "playvideo");
* ``quote``: a quoted stretch with a speech verb, or (research form, where
  quotation marks are stripped) a first-person sentence that continues a
  quote opened by "X said :" or closed by ", X told reporters" next door;
* ``attributed``: a named source ("X said", "according to", "told reporters",
  "in a statement", "quoted ... as saying", "Reuters reported");
* ``unnamed_source``: no named source, but an unnamed or vague one ("it was
  reported", "sources said", "people familiar with the matter", "a nurse who
  asked not to be named"), quoted or not: a speech verb inside such a cue
  names no one;
* ``question``: ends with a question mark;
* ``appeal``: call to action, prayer, exhortation, imperative;
* ``opinion``: first-person views, evaluative words, speculative hedges;
* ``claim``: everything else, an unattributed statement of fact.

Rules run on the sentence as given, case-insensitively, so cased prose and
the lower-cased tokenised research form give the same roles.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import NamedTuple

from ..text.normalize import printable_ascii
from . import lexicons as lx

ATTRIBUTED = "attributed"
QUOTE = "quote"
UNNAMED_SOURCE = "unnamed_source"
CLAIM = "claim"
OPINION = "opinion"
APPEAL = "appeal"
QUESTION = "question"
BOILERPLATE = "boilerplate"
ROLES = (ATTRIBUTED, QUOTE, UNNAMED_SOURCE, CLAIM, OPINION, APPEAL, QUESTION, BOILERPLATE)

#: Boilerplate cues decide the role only in short sentences or at the start.
_BOILERPLATE_MAX_WORDS = 12
_CONTINUABLE = frozenset((CLAIM, OPINION, APPEAL))

Cue = tuple[int, int, str]

#: Page furniture on lower-cased text: a caption or credit label that opens the sentence,
#: a bracketed credit anywhere (it decides the role only at the start or in a short
#: sentence), a video player's "PlayVideo".
_FURNITURE_START = re.compile(
    r"\W{0,3}(?:(?:featured\s+)?(?:image|photo|picture|video|graphic)s?\s*"
    r"(?:credit|source|courtesy)?\s*:|playvideo)"
)
_CREDIT = re.compile(r"\(\s*(?:photo|image|picture)s?\s*(?::|(?:by|credit|courtesy|via)\b)")
#: A video player's "Play" glued to a headline cut short: needs the case ("PlayStation" is
#: a word, so the ellipsis of the cut headline is required too).
_PLAYER = re.compile(r"^\W{0,3}Play[A-Z]\S*.*(?:\.\.\.|\u2026)\W{0,3}$")


class RoleResult(NamedTuple):
    """A sentence's role, its triggering cues and its hedge count (a named tuple, as an
    article makes dozens)."""

    role: str
    cues: tuple[Cue, ...]
    hedges: int = 0
    quoted: bool = False


def lower_same_length(text: str) -> str:
    """``text`` lower-cased, keeping every offset (the rare multi-char folds are kept as is)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def scan_cues(low: str, words: Collection[str] | None = None) -> dict[str, list[Cue]]:
    """Every cue in lower-cased ``low``, by family (see :mod:`veracity.signals.lexicons`).

    ``words``, the sentence's canonical tokens when the caller has them, tell which trigger
    words to look for (:func:`_triggers`).
    """
    found: dict[str, list[Cue]] = {}
    size = len(low)
    for pos, end, word in _triggers(low, words):
        for rule in lx.TRIGGERS[word]:
            cue: Cue | None = None
            if rule.pattern is None:
                cue = (pos, end, rule.kind)
            elif rule.anchored:
                m = rule.pattern.match(low, pos)
                cue = (pos, m.end(), rule.kind) if m else None
            else:
                lo, hi = max(0, pos - lx.WINDOW_BEFORE), min(size, end + lx.WINDOW_AFTER)
                for m in rule.pattern.finditer(low, lo, hi):
                    if m.start() > pos:
                        break
                    if pos < m.end():
                        cue = (m.start(), m.end(), rule.kind)
                        break
            if cue is not None:
                bucket = found.setdefault(rule.family, [])
                if cue not in bucket:
                    bucket.append(cue)
    return found


def _triggers(low: str, words: Collection[str] | None) -> list[tuple[int, int, str]]:
    """``(start, end, word)`` of every trigger word of ``low``, in order.

    In printable ASCII a word that stands alone (between non-word characters) is one of the
    canonical tokens, so ``words`` name every trigger there is and each is found by ``find``;
    any other text is scanned with :data:`~veracity.signals.lexicons.TRIGGER_SCAN`.
    """
    if words is None or not printable_ascii(low):
        return [(m.start(), m.end(), m.group()) for m in lx.TRIGGER_SCAN.finditer(low)]
    found = []
    for word in lx.TRIGGER_WORDS.intersection(words):
        at = low.find(word)
        while at >= 0:
            end = at + len(word)
            if (at == 0 or not _is_word(low[at - 1])) and (
                end == len(low) or not _is_word(low[end])
            ):
                found.append((at, end, word))
            at = low.find(word, at + 1)
    found.sort()
    return found


def _is_word(ch: str) -> bool:
    """A character of ``\\w``, as ``\\b`` reads it."""
    return ch.isalnum() or ch == "_"


def _furniture(text: str, low: str) -> list[Cue]:
    """Page-furniture cues of :data:`_FURNITURE_START`, :data:`_CREDIT` and :data:`_PLAYER`
    (``low``: lower-cased)."""
    label = _FURNITURE_START.match(low)
    after = label.end() if label else 0
    found = []
    if "(" in low:
        found = [(m.start(), m.end(), "boilerplate") for m in _CREDIT.finditer(low, after)]
    if label:
        found.append((0, after, "boilerplate"))
    if "Play" in text and _PLAYER.match(text.strip()):
        start = text.index("Play")
        found.append((start, start + 4, "boilerplate"))
    return found


def _outside(cues: list[Cue], zones: list[Cue]) -> list[Cue]:
    return [c for c in cues if not any(z[0] <= c[0] and c[1] <= z[1] for z in zones)]


def classify_role(text: str, words: Collection[str] | None = None) -> RoleResult:
    """The role of one sentence on its own (see :func:`assign_roles` for context; ``words``:
    its canonical tokens, if known, see :func:`scan_cues`)."""
    low = lower_same_length(text)
    cues = scan_cues(low, words)
    hedges = len(cues.get(lx.HEDGE, ()))
    quoted = lx.may_quote(text) and lx.QUOTED_SPAN.search(text) is not None
    boiler = cues.get(lx.BOILERPLATE, []) + _furniture(text, low)
    if lx.COPYRIGHT_SIGN in text:
        at = text.index(lx.COPYRIGHT_SIGN)
        boiler.append((at, at + 1, "boilerplate"))
    first = min(boiler, default=None)
    if first and (first[0] <= 3 or len(text.split()) <= _BOILERPLATE_MAX_WORDS):
        return RoleResult(BOILERPLATE, (first,), hedges)
    vague = cues.get(lx.VAGUE, [])
    attribution = _outside(cues.get(lx.ATTRIBUTION, []), vague + cues.get(lx.IDIOM, []))
    marks = []
    if quoted and (attribution or vague):
        marks = [(m.start(), m.end(), "quotation") for m in lx.QUOTED_SPAN.finditer(text)]
    if attribution:
        attribution.sort()
        if quoted:
            return RoleResult(QUOTE, tuple(marks + attribution), hedges, quoted)
        return RoleResult(ATTRIBUTED, tuple(attribution), hedges, quoted)
    if vague:
        return RoleResult(UNNAMED_SOURCE, tuple(marks + sorted(vague)), hedges, quoted)
    question = lx.QUESTION_END.search(low) if "?" in low else None
    if question:
        return RoleResult(
            QUESTION, ((question.start(), question.start() + 1, "question"),), hedges, quoted
        )
    appeal = sorted(cues.get(lx.APPEAL, []))
    start = lx.IMPERATIVE_START.match(low)
    if start:
        word = start.group().rstrip()
        appeal.insert(0, (start.end() - len(word.split()[-1]), start.end(), "imperative"))
    if appeal:
        return RoleResult(APPEAL, tuple(appeal), hedges, quoted)
    opinion = sorted(cues.get(lx.OPINION, []))
    if opinion:
        return RoleResult(OPINION, tuple(opinion), hedges, quoted)
    return RoleResult(CLAIM, (), hedges, quoted)


def _continues_quote(
    text: str,
    prev: str | None,
    prev_role: RoleResult | None,
    nxt: str | None,
    next_role: RoleResult | None,
) -> bool:
    sourced = (ATTRIBUTED, QUOTE)
    if not any(r is not None and r.role in sourced for r in (prev_role, next_role)):
        return False
    opens_quote = text.lstrip()[:1] in lx.QUOTE_CHARS
    if not opens_quote and lx.FIRST_PERSON.search(text.lower()) is None:
        return False
    if (
        prev is not None
        and prev_role is not None
        and prev_role.role in sourced
        and any(
            c[2] == "quote_continuation" or prev[c[1] :].lstrip().startswith(":")
            for c in prev_role.cues
        )
    ):
        return True
    return (
        nxt is not None
        and next_role is not None
        and next_role.role in sourced
        and lx.TRAILING_ATTRIBUTION.search(nxt.lower().rstrip(" .\"'\u201d")) is not None
    )


def assign_roles(
    texts: Sequence[str], tokens: Sequence[Collection[str]] | None = None
) -> list[RoleResult]:
    """Roles of consecutive sentences of one article, with quote continuation (``tokens``: each
    sentence's canonical tokens, if known, see :func:`scan_cues`).

    A first-person sentence right after "X said :" (or after such a
    continuation), or right before a sentence that ends ", X told reporters",
    is the speaker's voice, not the author's: it becomes ``quote``.  Only a
    named source (``attributed``, ``quote``) starts or carries a continuation;
    an ``unnamed_source`` sentence does neither.
    """
    words = [None] * len(texts) if tokens is None else tokens
    results = [classify_role(t, w) for t, w in zip(texts, words, strict=True)]
    n = len(texts)
    for i in range(n):
        res = results[i]
        if res.role not in _CONTINUABLE:
            continue
        prev, prev_role = (texts[i - 1], results[i - 1]) if i else (None, None)
        nxt, next_role = (texts[i + 1], results[i + 1]) if i + 1 < n else (None, None)
        if _continues_quote(texts[i], prev, prev_role, nxt, next_role):
            end = len(texts[i].rstrip())
            results[i] = RoleResult(
                QUOTE, ((0, end, "quote_continuation"),), res.hedges, res.quoted
            )
    return results
