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
   them; pysbd's verdict is used only at those positions.  The commonest
   questions have an answer known to be pysbd's (:func:`_pysbd_answer`:
   ``Nov. 5``, ``U.S. Senate``, ``it is. Then``), and a stretch whose answers
   are all known is not given to pysbd.  Stretches longer
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
from itertools import groupby

from pysbd.lang.english import English

from .normalize import is_corpus_form, printable_ascii
from .pysbd_english import pysbd_sentences

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

_PYSBD_ABBREVIATIONS = frozenset(a.strip().casefold() for a in English.Abbreviation.ABBREVIATIONS)
_PYSBD_STARTERS = frozenset(English.AbbreviationReplacer.SENTENCE_STARTERS)
#: Abbreviations pysbd keeps before a capitalised word: titles (``Dr. Smith``), and ``p.``.
_PYSBD_TITLES = frozenset(
    a.strip().casefold() for a in English.Abbreviation.PREPOSITIVE_ABBREVIATIONS
) | {"p"}
_UNKNOWN, _NO_CUT, _CUT_UNLESS_QUOTED = range(3)
_QUOTE_OR_BRACKET = re.compile("[\"'\u201c\u201d\u2018\u2019()\\[\\]{}\u00ab\u00bb]")
_WORD_DOT = re.compile(r"[A-Za-z]+\.")
_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")

_CLOSERS = "\"'\u201d\u2019\u00bb)]}*"
_OPENERS = "\"'\u201c\u2018\u00ab([{*"
_TERMINALS = ".!?\u2026"
_ENDINGS = frozenset(_CLOSERS + _TERMINALS + ":")
_STRIP = _OPENERS + _CLOSERS + _TERMINALS
_TOKEN = re.compile(r"\S+")
#: Where the tokens of :func:`_candidate_tokens` end: after a dotted run, after a final
#: terminal, colon or closer, and before a gap other than one plain space.
_PERIOD_RUN = re.compile(r"\.\S*")
_ENDING = re.compile("[" + re.escape(_CLOSERS + _TERMINALS + ":") + r"](?!\S)")
_WIDE_GAP = re.compile(r"[^\S ]|  ")
_SPACE = re.compile(r"\s")
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_NUMERIC = re.compile(r"[$\u20ac\u00a3#]?\d[\d.,]*%?")
#: The signs a :data:`_NUMERIC` match may start with (else it starts with a decimal digit).
_NUMBER_SIGNS = "$\u20ac\u00a3#"
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


def _candidates(text: str, corpus: bool) -> tuple[list[int], list[tuple[int, int, int]]]:
    """Sure cuts, and questions as ``(first terminal index, token end, known answer)``.

    Only the tokens of :data:`_CANDIDATE` can end a sentence, so the others are never visited;
    ``first`` is true at a token that opens the text or follows a cut.
    """
    cuts: list[int] = []
    asks: list[tuple[int, int, int]] = []
    size = len(text)
    opening = _TOKEN.search(text)
    after_cut = opening.start() if opening else 0
    for start, end in _candidate_tokens(text):
        tok = text[start:end]
        nxt = _TOKEN.search(text, end)
        nstart, nend = nxt.span() if nxt else (size, size)
        # A period in the closing run of terminals and closers is followed by no letter.
        dotted = "." in tok.rstrip(_CLOSERS + _TERMINALS)
        glued = _glued(tok) if dotted and len(tok) <= PYSBD_MAX_RUN else []
        if glued:
            cuts.extend(start + g for g in glued)
        if nstart == nend:
            break
        plain_gap = nstart == end + 1 and text[end] == " "
        breaks = 0 if plain_gap else len(_LINE_BREAK.findall(text, end, nstart))
        parsed = _terminal(tok[glued[-1] :] if glued else tok)
        if breaks >= 2 or (breaks == 1 and corpus):
            decision = _CUT
        elif parsed is None:
            line_end = breaks == 1 and tok.rstrip(_CLOSERS).endswith(":")
            decision = _CUT if line_end else _KEEP
        else:
            word, term, closed = parsed
            if not word and start != (opening.start() if opening else 0):
                word = _token_before(text, start).strip(_STRIP)
            kind = _kind(word)
            if breaks == 1 and (kind in (_NORMAL, _NUMBER) or term != "."):
                decision = _CUT
            else:
                lower = _starts_lower(text[nstart:nend])
                decision = _decide(kind, word, term, closed, lower, start == after_cut)
            if decision == _ASK:
                known = _pysbd_answer(tok, text[nstart:nend]) if plain_gap else _UNKNOWN
                asks.append((end - closed - len(term), end, known))
        if decision == _CUT:
            cuts.append(end)
            after_cut = nstart
    return cuts, asks


def _candidate_tokens(text: str) -> list[tuple[int, int]]:
    """Spans of the tokens that may end a sentence, in order: a token holding a period, one
    ending in terminal punctuation, a colon or a closer, and one followed by white space other
    than one plain space."""
    ends = {m.end() for m in _PERIOD_RUN.finditer(text)}
    ends.update(m.end() for m in _ENDING.finditer(text))
    if printable_ascii(text) and "  " not in text:
        # No gap is wide, and a token starts after the last plain space before its end.
        return [(text.rfind(" ", 0, end) + 1, end) for end in sorted(ends)]
    for m in _WIDE_GAP.finditer(text):
        end = m.start()
        while end and text[end - 1] == " ":
            end -= 1
        if end and not text[end - 1].isspace():
            ends.add(end)
    spans = []
    for end in sorted(ends):
        start = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end)) + 1
        if _SPACE.search(text, start, end):
            start = end
            while start and not text[start - 1].isspace():
                start -= 1
        spans.append((start, end))
    return spans


def _token_before(text: str, start: int) -> str:
    """The white-space-delimited token that ends before ``start``."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    begin = end
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:end]


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
    first = word[:1]
    if (first.isdecimal() or (first and first in _NUMBER_SIGNS)) and _NUMERIC.fullmatch(word):
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


def _pysbd_answer(tok: str, following: str) -> int:
    """What pysbd is known to answer at a token standing alone before one plain space.

    * :data:`_NO_CUT`: an abbreviation of pysbd's list before a number (``Nov. 5``, ``No.
      10``), which its abbreviation rules protect; a run of initials (``U.S.``, ``D.C.``; not
      ``a.m.``/``p.m.``, which have rules of their own) before a capitalised word that is not
      one of pysbd's sentence starters (``U.S. Senate``; ``U.S. The`` still asks).
    * :data:`_CUT_UNLESS_QUOTED`: a word of pysbd's list other than a title or ``p.`` (``is``,
      ``me``, ``man``, ``no``, ``art``) before a capitalised word other than ``I``, and
      ``a.m.``/``p.m.`` before a capitalised word: pysbd cuts there unless quotes or brackets
      in the stretch protect it, so the answer is "cut" when the stretch holds none.
    * :data:`_UNKNOWN` otherwise: pysbd is asked.

    Over every article of the shared corpora these answers are pysbd's
    (``test_sentences_pysbd_shortcuts_agree_on_the_corpora``).
    """
    if _WORD_DOT.fullmatch(tok):
        word = tok[:-1].casefold()
        if word not in _PYSBD_ABBREVIATIONS:
            return _UNKNOWN
        if following[:1].isdigit():
            return _NO_CUT
        if (
            following[:1].isupper()
            and word not in _PYSBD_TITLES
            and following != "I"
            and not following.startswith("I'")
        ):
            return _CUT_UNLESS_QUOTED
        return _UNKNOWN
    if tok.casefold() in ("a.m.", "p.m.") and following[:1].isupper():
        return _CUT_UNLESS_QUOTED
    if (
        following[:1].isupper()
        and _INITIALS.fullmatch(tok) is not None
        and tok.casefold() not in ("a.m.", "p.m.")
        and following not in _PYSBD_STARTERS
    ):
        return _NO_CUT
    return _UNKNOWN


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


def _answer(text: str, cuts: list[int], asks: list[tuple[int, int, int]]) -> list[int]:
    """The questions answered with a cut: by their known answer (:func:`_pysbd_answer`), else
    by pysbd run on the stretch between sure cuts that holds them.

    A stretch whose answers are all known is not given to pysbd.  Every stretch that holds a
    question is charged to the budget all the same, so that which questions are answered does
    not depend on which answers were known.
    """
    bounds = [0, *cuts, len(text)]
    out: list[int] = []
    budget = PYSBD_BUDGET_CHARS
    for k, group in groupby(asks, key=lambda ask: bisect_right(bounds, ask[0])):
        chunk = text[bounds[k - 1] : bounds[k]]
        offset = bounds[k - 1] + len(chunk) - len(chunk.lstrip())
        chunk = chunk.strip()
        budget -= len(chunk) + PYSBD_CALL_CHARS
        if budget < 0:
            continue
        quoted = _QUOTE_OR_BRACKET.search(chunk) is not None
        questions = []
        for lo, hi, known in group:
            if known == _CUT_UNLESS_QUOTED and not quoted:
                out.append(hi)
            elif known != _NO_CUT:
                questions.append((lo, hi))
        ends = [offset + e for e in _pysbd_ends(chunk)] if questions else []
        for lo, hi in questions:
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
    return sorted(span_ends(piece, pysbd_sentences(piece)))


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
