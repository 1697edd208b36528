"""Sentences with exact character offsets into the text they came from.

:func:`split_sentences` guarantees ``text[s.start:s.end] == s.text`` for every
sentence, strips surrounding white space, never returns an empty sentence and
runs in time linear in the input.  Its rules, in order:

1. **Line breaks.**  In the research-corpus form (see
   :func:`~veracity.text.normalize.is_corpus_form`) every line break ends a
   sentence.  In other text a blank line ends a sentence, and so does a line
   break after a line ending in ``. ! ? :`` (closing quotes and brackets
   allowed), unless its last word is an abbreviation or an initial; any other
   single line break is plain white space (hard-wrapped prose).
2. **Glued sentences.**  A period with no space between a word of two or more
   letters and a following letter ends a sentence (``escalated.Just``,
   ``right.reuters reported``, ``yet.h/t``), unless the word is an
   abbreviation (``Gov.Smith``, ``St.Louis``), the dotted run is a domain or a
   file name (``example.com``, ``ria.ru``, ``news.bbc.co.uk``, ``report.pdf``),
   the token is a URL or an e-mail address, or the token is longer than
   :data:`PYSBD_MAX_RUN` characters.
3. **Terminal punctuation before white space.**  A token ending in ``.``,
   ``!``, ``?`` or an ellipsis (closing quotes and brackets after it stay in
   the sentence) is a sure cut, a sure non-cut or a question, decided by
   :func:`_decide` from the word before the punctuation and the case of the
   next word.
4. **Questions go to pysbd**, run on the stretch between sure cuts that holds
   them; pysbd's verdict is used only at those positions.  Stretches longer
   than :data:`PYSBD_MAX_CHARS`, with a white-space-free run longer than
   :data:`PYSBD_MAX_RUN`, or with a bracketed digit run (which sends pysbd's
   numbered-reference regex into exponential backtracking) are not given to
   pysbd, nor is anything once :data:`PYSBD_BUDGET_CHARS` characters of one
   text have been: those questions are answered "no cut".
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import pysbd
from pysbd.lang.english import English

from .normalize import is_corpus_form

#: Longest stretch of text handed to pysbd.
PYSBD_MAX_CHARS = 2_000
#: Longest white-space-free run handed to pysbd or checked for glued sentences.
PYSBD_MAX_RUN = 200
#: Most characters one :func:`split_sentences` call hands to pysbd in total;
#: each call is charged :data:`PYSBD_CALL_CHARS` more for its fixed cost.
PYSBD_BUDGET_CHARS = 50_000
PYSBD_CALL_CHARS = 250

_CUT, _KEEP, _ASK = 0, 1, 2
_NORMAL, _NUMBER, _PREPOSITIVE, _ABBREVIATION, _DOTTED, _INITIAL = range(6)

_PREPOSITIVE_WORDS = frozenset(English.Abbreviation.PREPOSITIVE_ABBREVIATIONS) | {
    "gov",
    "pres",
    "hon",
    "sen",
    "rep",
}
_ABBREVIATIONS = (
    frozenset(English.Abbreviation.ABBREVIATIONS)
    | frozenset(English.Abbreviation.NUMBER_ABBREVIATIONS)
    | {"approx", "est", "vol", "cf", "pct", "govt", "dept", "jr", "sr", "inc", "ltd", "corp"}
)
# fmt: off
_TLDS = frozenset({
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "uk", "ru",
    "de", "fr", "es", "nl", "ch", "se", "pl", "br", "cn", "jp", "eu", "ca", "au", "dk", "fi",
    "gr", "ie", "il", "kr", "mx", "nz", "pt", "tr", "ua", "za", "ly", "tv", "news", "online",
    "html", "htm", "php", "asp", "aspx", "txt", "pdf", "doc", "docx", "xls", "xlsx", "csv",
    "json", "xml", "jpg", "jpeg", "png", "gif", "svg", "mp3", "mp4", "zip", "exe", "py", "js",
})
# fmt: on
# fmt: off
#: Top-level domains that are also English words: a domain only in a longer dotted run.
_WORD_TLDS = frozenset({
    "it", "in", "me", "no", "to", "us", "be", "is", "at", "by", "do", "go", "so", "as", "an",
    "am", "my",
})
# fmt: on

_CLOSERS = "\"'\u201d\u2019\u00bb)]}*"
_OPENERS = "\"'\u201c\u2018\u00ab([{*"
_TERMINALS = ".!?\u2026"
_ENDINGS = frozenset(_CLOSERS + _TERMINALS + ":")
_STRIP = _OPENERS + _CLOSERS + _TERMINALS
_TOKEN = re.compile(r"\S+")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_NUMERIC = re.compile(r"[$\u20ac\u00a3#]?\d[\d.,]*%?")
_GLUED = re.compile(r"(?<![^\W\d_])([^\W\d_]{2,}+)\.(?=[^\W\d_])")
_CHAIN = re.compile(r"(?:\.[^\W_]++)++")
_URLISH = re.compile(r"://|@|(?:^|\W)www\.", re.IGNORECASE)
_PYSBD_RISK = re.compile(r"\[[\d,\s-]{8,}")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its position in the document and ``text[start:end]``."""

    index: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets into ``text`` itself."""
    if not text or text.isspace():
        return []
    cuts, asks = _candidates(text, is_corpus_form(text))
    if asks:
        cuts.extend(_answer(text, sorted(set(cuts)), asks))
    return _sentences(text, sorted(set(cuts)))


def _sentences(text: str, cuts: list[int]) -> list[Sentence]:
    out: list[Sentence] = []
    bounds = [0, *cuts, len(text)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = text[a:b]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            out.append(Sentence(len(out), a + left, a + right, piece[left:right]))
    return out


def _candidates(text: str, corpus: bool) -> tuple[list[int], list[tuple[int, int]]]:
    """Sure cuts, and questions as ``(first terminal index, token end)``."""
    cuts: list[int] = []
    asks: list[tuple[int, int]] = []
    spans = [m.span() for m in _TOKEN.finditer(text)]
    spans.append((len(text), len(text)))
    first = True
    for i in range(len(spans) - 1):
        start, end = spans[i]
        nstart, nend = spans[i + 1]
        tok = text[start:end]
        plain_gap = nstart == end + 1 and text[end] == " "
        if plain_gap and tok[-1] not in _ENDINGS and "." not in tok:
            first = False
            continue
        glued = _glued(tok) if "." in tok and len(tok) <= PYSBD_MAX_RUN else []
        cuts.extend(start + g for g in glued)
        if nstart == nend:
            break
        breaks = 0 if plain_gap else len(_LINE_BREAK.findall(text, end, nstart))
        parsed = _terminal(tok[glued[-1] :] if glued else tok)
        if breaks >= 2 or (breaks == 1 and corpus):
            decision = _CUT
        elif parsed is None:
            line_end = breaks == 1 and tok.rstrip(_CLOSERS).endswith(":")
            decision = _CUT if line_end else _KEEP
        else:
            word, term, closed = parsed
            if not word and i:
                word = text[spans[i - 1][0] : spans[i - 1][1]].strip(_STRIP)
            kind = _kind(word)
            if breaks == 1 and (kind in (_NORMAL, _NUMBER) or term != "."):
                decision = _CUT
            else:
                lower = _starts_lower(text[nstart:nend])
                decision = _decide(kind, word, term, closed, lower, first)
            if decision == _ASK:
                asks.append((end - closed - len(term), end))
        if decision == _CUT:
            cuts.append(end)
        first = decision == _CUT
    return cuts, asks


def _terminal(tok: str) -> tuple[str, str, int] | None:
    """``(word, terminal punctuation, number of closers)`` or None."""
    body = tok.rstrip(_CLOSERS)
    stem = body.rstrip(_TERMINALS)
    if len(stem) == len(body):
        return None
    word = stem.lstrip(_OPENERS).rstrip(_CLOSERS)
    return word, body[len(stem) :], len(tok) - len(body)


def _kind(word: str) -> int:
    low = word.casefold()
    if _NUMERIC.fullmatch(word):
        return _NUMBER
    if "." in word:
        return _DOTTED
    if len(word) == 1 and word.isalpha():
        return _INITIAL
    if low in _PREPOSITIVE_WORDS:
        return _PREPOSITIVE
    if low in _ABBREVIATIONS:
        return _ABBREVIATION
    return _NORMAL


def _decide(kind: int, word: str, term: str, closed: int, next_lower: bool, first: bool) -> int:
    """Cut, keep or ask at a token ending in terminal punctuation.

    ``!``/``?``: cut, except a quoted question or exclamation followed by a
    lower-case word (``"Why?" he asked``).  Ellipsis: cut before an upper-case
    word.  Period: closed quote + lower-case word -> keep; ordinary word ->
    cut; number -> cut, ask when it opens its block (``1. The ...``);
    prepositive title (Mr, Gov, St) -> keep; upper-case initial -> keep;
    abbreviation, dotted word (U.S, p.m) or lower-case initial -> keep before a
    lower-case word, else ask pysbd.
    """
    if "!" in term or "?" in term:
        return _KEEP if closed and next_lower else _CUT
    if term != ".":
        return _KEEP if next_lower else _CUT
    if closed and next_lower:
        return _KEEP
    if kind == _NORMAL:
        return _CUT
    if kind == _NUMBER:
        return _ASK if first else _CUT
    if kind == _PREPOSITIVE or (kind == _INITIAL and word.isupper()):
        return _KEEP
    return _KEEP if next_lower else _ASK


def _starts_lower(tok: str) -> bool:
    for ch in tok:
        if ch.isalnum():
            return ch.islower()
    return False


def _glued(tok: str) -> list[int]:
    """Offsets inside ``tok`` just after a period that glues two sentences."""
    if _URLISH.search(tok):
        return []
    out = []
    for m in _GLUED.finditer(tok):
        if m.group(1).casefold() in _ABBREVIATIONS or _is_domain(tok, m.end() - 1):
            continue
        out.append(m.end())
    return out


def _is_domain(tok: str, dot: int) -> bool:
    """True when the dotted run starting at ``tok[dot]`` names a host or a file."""
    chain = _CHAIN.match(tok, dot)
    if chain is None:
        return False
    parts = chain.group()[1:].split(".")
    right = parts[0]
    if right[:1].isupper() and not right.isupper():
        return False
    last = parts[-1].casefold()
    if last in _WORD_TLDS:
        return len(parts) > 1 or tok.startswith("/", chain.end())
    return last in _TLDS


def _answer(text: str, cuts: list[int], asks: list[tuple[int, int]]) -> list[int]:
    """The questions pysbd answers with a cut."""
    bounds = [0, *cuts, len(text)]
    out: list[int] = []
    ends: list[int] = []
    piece = -1
    budget = PYSBD_BUDGET_CHARS
    for lo, hi in asks:
        k = bisect_right(bounds, lo)
        if k != piece:
            piece = k
            chunk = text[bounds[k - 1] : bounds[k]]
            offset = bounds[k - 1] + len(chunk) - len(chunk.lstrip())
            chunk = chunk.strip()
            budget -= len(chunk) + PYSBD_CALL_CHARS
            ends = [offset + e for e in _pysbd_ends(chunk)] if budget >= 0 else []
        j = bisect_left(ends, lo + 1)
        if j < len(ends) and ends[j] <= hi:
            out.append(hi)
    return out


def _pysbd_ends(piece: str) -> list[int]:
    """Sorted ends (after stripping) of pysbd's sentences in ``piece``; [] if unsafe."""
    if len(piece) > PYSBD_MAX_CHARS or _PYSBD_RISK.search(piece):
        return []
    if max(map(len, piece.split()), default=0) > PYSBD_MAX_RUN:
        return []
    # A Segmenter keeps the text it is working on, so one per call keeps this
    # thread-safe; building one costs well under a microsecond.
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return sorted(span_ends(piece, segmenter.processor(piece).process()))


def span_ends(text: str, sentences: list[str]) -> list[int]:
    """Where each of pysbd's sentences ends in ``text`` (trailing space excluded).

    The same matching as pysbd's ``char_span`` (each sentence plus the space
    after it, first occurrence ending past the previous one), without the
    regular expression it compiles for every sentence, which took a third of
    the time of a split.
    """
    ends: list[int] = []
    prior = 0
    for sent in sentences:
        pos = 0
        while (i := text.find(sent, pos)) >= 0:
            e = i + len(sent)
            while e < len(text) and text[e].isspace():
                e += 1
            if e > prior:
                ends.append(i + len(text[i:e].rstrip()))
                prior = e
                break
            pos = e if e > i else i + 1
    return ends
