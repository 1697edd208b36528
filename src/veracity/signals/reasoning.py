"""What a reason kind is made of: the report's sentences as it reads them (:class:`ReasonView`),
what it finds (:class:`Finding`: template values, sentences, evidence spans) and its declaration
(:class:`ReasonKind`), with the helpers that cut evidence out of the input. The kinds themselves
are declared in :mod:`veracity.signals.reasons_table`.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol

Direction = Literal["unreliable", "reliable"]
UNRELIABLE: Final = "unreliable"
RELIABLE: Final = "reliable"

#: Evidence items per reason; words of a sentence's opening (a whole sentence's evidence).
MAX_EVIDENCE = 3
OPENING_WORDS = 12

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_OPENING = re.compile(rf"\S+(?:\s+\S+){{0,{OPENING_WORDS - 1}}}")


class SpanLike(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def label(self) -> str: ...

    @property
    def score(self) -> float: ...


class SentenceLike(Protocol):
    """What a reason reads of a report's sentence (:class:`veracity.report.SentenceBase`)."""

    @property
    def index(self) -> int: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def contribution(self) -> float: ...

    @property
    def provenance(self) -> Any: ...

    role: str
    role_cues: Sequence[SpanLike]
    techniques: Sequence[SpanLike]


#: An evidence span: start, end (offsets into the input text) and the text between them.
Spot = tuple[int, int, str]


def share(push: float, total: float) -> float:
    """``|push|`` as a share of the article's ``total`` push, to 4 places."""
    return min(1.0, round(abs(push) / total, 4)) if total else 0.0


@dataclass(frozen=True)
class ReasonView:
    """A report's sentences as the reason kinds read them: all of them, by role, their push."""

    sentences: Sequence[SentenceLike]
    by_role: dict[str, list[SentenceLike]]
    #: The sum of the sentences' absolute contributions.
    total: float
    #: How many sentences push at all (a share of the push of at least 0.0001).
    pushed: int

    @classmethod
    def of(cls, sentences: Sequence[SentenceLike]) -> ReasonView:
        by_role: dict[str, list[SentenceLike]] = {}
        total = 0.0
        for s in sentences:
            by_role.setdefault(s.role, []).append(s)
            total += abs(s.contribution)
        pushed = sum(1 for s in sentences if share(s.contribution, total))
        return cls(sentences, by_role, total, pushed)

    def having(self, found_roles: Collection[str]) -> list[SentenceLike]:
        """The sentences of ``found_roles``, in article order."""
        return [s for s in self.sentences if s.role in found_roles]


@dataclass(frozen=True)
class Finding:
    """What a kind found: its template's values, the sentences it rests on (at least one) and
    how to make its evidence, spans of the input text (made only for the reasons kept)."""

    values: Mapping[str, object]
    sentences: Sequence[SentenceLike]
    evidence: Callable[[], Iterable[Spot]]


@dataclass(frozen=True)
class ReasonKind:
    """One kind of reason: how people read it and how a report's sentences make it."""

    name: str
    #: The reason in plain words, filled with the finding's values.
    template: str
    #: The direction the pattern speaks for; None: its sentences' push decides.
    lean: Direction | None
    #: The sentence data it rests on (roles, role cues, technique spans, provenance).
    rests_on: str
    #: Its findings, strongest first; the first competes for a place, the others fill in.
    find: Callable[[ReasonView], list[Finding]]


def in_words(n: int) -> str:
    """``n`` in words below ten, in digits from ten on."""
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


def counted(n: int) -> dict[str, object]:
    """Template values for a count: ``n`` in words, ``s`` its plural ending."""
    return {"n": in_words(n), "s": "" if n == 1 else "s"}


def spot(s: SentenceLike, start: int, end: int) -> Spot:
    """The span ``start``-``end`` of the input, within sentence ``s``, with its text."""
    start, end = max(start, s.start), min(end, s.end)
    return (start, end, s.text[start - s.start : end - s.start])


def opening(s: SentenceLike) -> Spot:
    """The sentence's first :data:`OPENING_WORDS` words (the whole sentence when shorter)."""
    m = _OPENING.search(s.text)
    return spot(s, s.start + m.start(), s.start + m.end()) if m else spot(s, s.start, s.end)


def distinct(spots: Iterable[Spot]) -> list[Spot]:
    """At most :data:`MAX_EVIDENCE` of ``spots``, skipping repeated words and overlapping spans."""
    kept: list[Spot] = []
    for found in spots:
        if len(kept) == MAX_EVIDENCE:
            break
        words = found[2].lower()
        if not any(k[2].lower() == words or (k[0] < found[1] and found[0] < k[1]) for k in kept):
            kept.append(found)
    return kept


def pushing(sentences: Iterable[SentenceLike], lean: str) -> list[SentenceLike]:
    """``sentences``, those pushing hardest towards ``lean`` first."""
    sign = 1.0 if lean == UNRELIABLE else -1.0
    return sorted(sentences, key=lambda s: -sign * s.contribution)


def openings(sentences: Sequence[SentenceLike], lean: str) -> Callable[[], list[Spot]]:
    """The openings of the :data:`MAX_EVIDENCE` sentences pushing hardest towards ``lean``."""
    sign = 1.0 if lean == UNRELIABLE else -1.0
    return lambda: [
        opening(s)
        for s in heapq.nsmallest(MAX_EVIDENCE, sentences, key=lambda s: -sign * s.contribution)
    ]


def cues(
    sentences: Sequence[SentenceLike], lean: str, labels: Collection[str]
) -> Callable[[], list[Spot]]:
    """The distinct cues of ``labels`` in ``sentences``, hardest pushing first; else openings."""

    def evidence() -> list[Spot]:
        found = distinct(
            spot(s, c.start, c.end)
            for s in pushing(sentences, lean)
            for c in s.role_cues
            if c.label in labels
        )
        return found or openings(sentences, lean)()

    return evidence
