"""Every reason kind, declared once: name, plain-words template, lean, what it rests on, and the
function that finds it in a report's sentences.

A reason is a pattern of the article that carries part of the verdict's push, said in plain
words ("7 of 10 sentences are unattributed claims or opinion", "two calls to action"). Each
:class:`ReasonKind` reads the report's sentences (role, role cues, technique spans,
contribution, provenance) through a :class:`ReasonView` and returns :class:`Finding` s: the values
of its template, the sentences it rests on and evidence spans in the article's own words
(offsets into the input text). :mod:`veracity.explain.reasons` weighs each finding by the push of
its sentences and keeps the main ones. A new kind is one entry of :data:`REASON_KINDS` and its
function.

A kind that leans one way (``lean``) is a reason only when its sentences push that way: a
pattern the model does not weigh towards its lean explains nothing about the verdict.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Collection

from . import roles, sentiment
from .propaganda import LOADED_LANGUAGE
from .reasoning import (
    MAX_EVIDENCE,
    RELIABLE,
    UNRELIABLE,
    Finding,
    ReasonKind,
    ReasonView,
    SentenceLike,
    Spot,
    counted,
    cues,
    openings,
    spot,
)

#: Roles without a named source: the author's own voice, or sources left unnamed.
UNSOURCED = frozenset(
    (roles.UNNAMED_SOURCE, roles.CLAIM, roles.OPINION, roles.APPEAL, roles.QUESTION)
)
SOURCED = frozenset((roles.ATTRIBUTED, roles.QUOTE))
#: Role cues that name or mark a source (not the quotation marks or a whole continued quote).
SOURCE_CUES = frozenset(
    (
        "according_to",
        "as_saying",
        "statement",
        "told",
        "outlet",
        "spokesperson",
        "sayers_say",
        "speech_verb",
    )
)
#: The cues of a call to action.
APPEAL_CUES = frozenset(("lets", "pray", "must", "call_to_action", "imperative"))
#: Loaded-language spans the tagger is at least this sure of, of at most this many words, with
#: a word of at least this valence in VADER's lexicon (-4 to 4): the tagger alone marks many
#: plain words ("of", "central").
LOADED_MIN_SCORE = 0.3
LOADED_MAX_WORDS = 2
EMOTIVE_VALENCE = 1.5
#: Words listed in a reason's text.
MAX_WORDS_LISTED = 4
#: Sentences of the strongest push offered as reasons of their own: the first competes, the
#: others fill in up to three reasons.
MAX_STRONG = 3

_EXCLAIMS = re.compile("!+")
#: From the first word character to the last.
_WORDS = re.compile(r"\w(?:.*\w)?", re.DOTALL)
_LETTERS = re.compile(r"[^\W\d_]+")
#: Up to four words before an exclamation mark, the last one touching it (searched in
#: :data:`LEAD_CHARS` characters before it).
_LEAD = re.compile(r"(?:\S+\s+){0,3}\S*\Z")
LEAD_CHARS = 60
ROLE_PHRASES = {
    roles.ATTRIBUTED: "attributed reporting",
    roles.QUOTE: "a direct quote",
    roles.UNNAMED_SOURCE: "a claim from unnamed sources",
    roles.CLAIM: "an unattributed claim",
    roles.OPINION: "opinion",
    roles.APPEAL: "a call to action",
    roles.QUESTION: "a question",
    roles.BOILERPLATE: "boilerplate",
}


def _share_of_sentences(view: ReasonView, picked: list[SentenceLike]) -> dict[str, object]:
    """Template values for ``picked`` among the article's sentences: the counts, the verb, the
    plural ending and the article a singular noun takes."""
    one = len(picked) == 1
    values: dict[str, object] = {"count": len(picked), "total": len(view.sentences)}
    return (
        values
        | {"are": "is" if one else "are", "s": "" if one else "s"}
        | ({"a": "a ", "an": "an "} if one else {"a": "", "an": ""})
    )


def _unsourced(view: ReasonView) -> list[Finding]:
    picked = view.having((roles.UNNAMED_SOURCE, roles.CLAIM, roles.OPINION))
    if not picked:
        return []
    return [Finding(_share_of_sentences(view, picked), picked, openings(picked, UNRELIABLE))]


def _plain_claims(view: ReasonView) -> list[Finding]:
    """Unattributed claims whose wording pushes towards reliable."""
    picked = [s for s in view.by_role.get(roles.CLAIM, ()) if s.contribution < 0]
    if not picked:
        return []
    return [Finding(_share_of_sentences(view, picked), picked, openings(picked, RELIABLE))]


def _sourced(view: ReasonView) -> list[Finding]:
    picked = view.having(SOURCED)
    if not picked:
        return []
    return [Finding(_share_of_sentences(view, picked), picked, cues(picked, RELIABLE, SOURCE_CUES))]


def _loaded(view: ReasonView) -> list[Finding]:
    """Evaluative words of opinion sentences, and emotive loaded-language spans in the author's
    voice; the words of the sentences pushing hardest towards unreliable first."""
    marked = []
    for s in view.having(UNSOURCED):
        spans = [c for c in s.role_cues if c.label == "evaluative"]
        spans += [
            t for t in s.techniques if t.label == LOADED_LANGUAGE and t.score >= LOADED_MIN_SCORE
        ]
        if spans:
            marked.append((s, spans))
    words: dict[str, Spot] = {}
    sentences = []
    for s, spans in sorted(marked, key=lambda m: -m[0].contribution):
        found = [_word_spot(s, span.start, span.end) for span in spans]
        found = [
            f
            for f, span in zip(found, spans, strict=True)
            if span.label == "evaluative"
            or (len(f[2].split()) <= LOADED_MAX_WORDS and _emotive(f[2]))
        ]
        for f in _joined(s, found):
            words.setdefault(f[2].lower(), f)
        if found:
            sentences.append(s)
    if not words:
        return []
    listed = list(words)[:MAX_WORDS_LISTED]
    more = len(words) - len(listed)
    shown = ", ".join(listed) + (f" and {more} more" if more else "")
    return [Finding({"words": shown}, sentences, lambda: [words[w] for w in listed])]


def _joined(s: SentenceLike, spots: list[Spot]) -> list[Spot]:
    """``spots`` in text order, those that overlap or are one space apart joined ("epic failure")."""
    out: list[Spot] = []
    for f in sorted(spots):
        if (
            out
            and f[0] - out[-1][1] <= 1
            and not s.text[out[-1][1] - s.start : f[0] - s.start].strip()
        ):
            out[-1] = spot(s, out[-1][0], max(out[-1][1], f[1]))
        else:
            out.append(f)
    return out


def _word_spot(s: SentenceLike, start: int, end: int) -> Spot:
    """The span without the punctuation and spaces around its words."""
    a, b, text = spot(s, start, end)
    words = _WORDS.search(text)
    return spot(s, a + words.start(), a + words.end()) if words else (a, a, "")


def _emotive(text: str) -> bool:
    valence = sentiment.lexicon()
    return any(abs(valence.get(w, 0.0)) >= EMOTIVE_VALENCE for w in _LETTERS.findall(text.lower()))


def _by_role(role: str, cue_labels: Collection[str]) -> Callable[[ReasonView], list[Finding]]:
    """Sentences of ``role``, counted in words; their cues of ``cue_labels`` as evidence (their
    openings without such cues)."""

    def find(view: ReasonView) -> list[Finding]:
        picked = view.by_role.get(role, [])
        if not picked:
            return []
        return [Finding(counted(len(picked)), picked, cues(picked, UNRELIABLE, cue_labels))]

    return find


def _unnamed_sources(view: ReasonView) -> list[Finding]:
    """Sentences that credit only unnamed sources ("sources say", "it was reported")."""
    cited = view.by_role.get(roles.UNNAMED_SOURCE, [])
    if not cited:
        return []
    values = {**counted(len(cited)), "cite": "cites" if len(cited) == 1 else "cite"}
    return [Finding(values, cited, cues(cited, UNRELIABLE, ("vague_source",)))]


def _exclaiming(s: SentenceLike) -> list[Spot]:
    """Each run of exclamation marks in ``s`` with up to four words before it."""
    spots = []
    for m in _EXCLAIMS.finditer(s.text):
        lead = _LEAD.search(s.text, max(0, m.start() - LEAD_CHARS), m.start())
        start = lead.start() if lead else m.start()
        spots.append(spot(s, s.start + start, s.start + m.end()))
    return spots


def _exclamations(view: ReasonView) -> list[Finding]:
    marks = [(s, _exclaiming(s)) for s in view.having(UNSOURCED) if "!" in s.text]
    if not marks:
        return []
    n = sum(f[2].count("!") for _, found in marks for f in found)
    evidence = [f for _, found in marks for f in found][:MAX_EVIDENCE]
    return [Finding(counted(n), [s for s, _ in marks], lambda: evidence)]


def _strength(contribution: float) -> str:
    size = abs(contribution)
    return "strongly" if size >= 0.4 else "moderately" if size >= 0.15 else "slightly"


def _strong_sentences(view: ReasonView) -> list[Finding]:
    """The sentences that push hardest, one finding each (the first competes, the rest fill in)."""
    pushed = heapq.nlargest(
        MAX_STRONG, (s for s in view.sentences if s.contribution), key=lambda s: abs(s.contribution)
    )
    return [
        Finding(
            {
                "number": s.index + 1,
                "role": ROLE_PHRASES[s.role],
                "strength": _strength(s.contribution),
                "side": UNRELIABLE if s.contribution > 0 else RELIABLE,
            },
            [s],
            openings([s], UNRELIABLE),
        )
        for s in pushed
    ]


def _copied_wire(view: ReasonView) -> list[Finding]:
    """With an archive: sentences found there, and sentences in the author's voice that are not."""
    supported = [
        s for s in view.sentences if s.provenance is not None and s.provenance.status == "supported"
    ]
    added = [
        s
        for s in view.having(UNSOURCED)
        if s.provenance is not None and s.provenance.status == "added"
    ]
    if not supported or not added:
        return []
    sources = [m.source for s in supported for m in s.provenance.matches[:1] if m.source]
    source = max(set(sources), key=sources.count) if sources else "archived"
    values = {"source": source, "n": len(added), "s": "" if len(added) == 1 else "s"}
    return [Finding(values, added, openings(added, UNRELIABLE))]


REASON_KINDS: tuple[ReasonKind, ...] = (
    ReasonKind(
        "unsourced",
        "{count} of {total} sentences {are} {an}unattributed claim{s} or opinion",
        UNRELIABLE,
        "role: unnamed_source, claim, opinion",
        _unsourced,
    ),
    ReasonKind(
        "loaded_words",
        "loaded words: {words}",
        UNRELIABLE,
        "role cues: evaluative (opinion sentences); technique spans: Loaded_Language",
        _loaded,
    ),
    ReasonKind(
        "calls_to_action",
        "{n} call{s} to action",
        UNRELIABLE,
        "role: appeal; its cues",
        _by_role(roles.APPEAL, APPEAL_CUES),
    ),
    ReasonKind(
        "questions",
        "{n} question{s} in the author's own voice",
        UNRELIABLE,
        "role: question",
        _by_role(roles.QUESTION, ()),
    ),
    ReasonKind(
        "unnamed_sources",
        "{n} sentence{s} {cite} only unnamed sources",
        UNRELIABLE,
        "role: unnamed_source; its vague_source cues",
        _unnamed_sources,
    ),
    ReasonKind(
        "exclamations",
        "{n} exclamation mark{s} in the author's own voice",
        UNRELIABLE,
        "'!' in unnamed_source, claim, opinion, appeal and question sentences",
        _exclamations,
    ),
    ReasonKind(
        "sourced",
        "{count} of {total} sentences {are} attributed reporting or {a}quote{s}",
        RELIABLE,
        "role: attributed, quote; their source cues",
        _sourced,
    ),
    ReasonKind(
        "plain_claims",
        "{count} of {total} sentences {are} {a}plain statement{s} worded like reliable reporting",
        RELIABLE,
        "role: claim, the claims that push towards reliable",
        _plain_claims,
    ),
    ReasonKind(
        "copied_wire",
        "copies {source} reporting but adds {n} unsourced sentence{s}",
        UNRELIABLE,
        "provenance: supported, added (with an archive); role: unnamed_source, claim, opinion, "
        "appeal, question",
        _copied_wire,
    ),
    ReasonKind(
        "strong_sentence",
        "sentence {number}, {role}, pushes {strength} towards {side}",
        None,
        "contribution of one sentence",
        _strong_sentences,
    ),
)


def reason_table() -> dict[str, ReasonKind]:
    """The reason kinds by name, in table order."""
    return {k.name: k for k in REASON_KINDS}
