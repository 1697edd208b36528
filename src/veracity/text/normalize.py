"""The one canonical text normalisation, shared by training and prediction.

Two layers:

* :func:`clean` keeps the text readable and offset-friendly: Unicode NFC,
  curly quotes and dashes folded to ASCII, control, zero-width and lone
  surrogate characters removed, every line break spelled ``\\n``, whitespace
  runs kept (so the text still reads like the original).
* :func:`tokens` is what every model sees: NFKC case-folded word tokens in
  which an apostrophe splits a word, so "Obama's", "Obama’s" and the
  research-corpus form "obama s" all give ``["obama", "s"]``.  Punctuation is
  dropped except ``!`` and ``?``, which survive tokenised corpora unchanged.
  Every digit becomes ``0``; a number of five or more digits is cut to four.

:func:`is_corpus_form` recognises the research-corpus form itself: lower-cased,
punctuation split off by spaces (``" , "``, ``" ."``), one sentence per line.

Nothing else in veracity lower-cases or tokenises text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\uff07": "'",
        "\u0060": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\uff02": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2026": "...",
        "\r": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
        "\x1c": "\n",
        "\x1d": "\n",
        "\x1e": "\n",
        "\x85": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
    }
)
# Control characters except tab/newline, soft hyphen, zero-width and bidi
# marks, BOM and lone surrogates (which no encoder can write).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ufffe\ud800-\udfff]"
)
_TOKEN = re.compile(r"[^\W_]+|[!?]")
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+")
_SPACED_PUNCT = re.compile(r"(?<=\s)[,.!?;:](?=\s|$)", re.MULTILINE)
_ATTACHED_PUNCT = re.compile(r"(?<=[^\W_])[,!?;:](?=\s|$)|(?<=[^\W\d_]{2})\.(?=\s|$)", re.MULTILINE)
#: How much of a text :func:`is_corpus_form` looks at.
CORPUS_SAMPLE_CHARS = 20_000


def clean(text: str) -> str:
    """Return ``text`` in canonical Unicode form, still readable.

    The result has the same line structure as the input; only characters that
    carry no content are removed and typographic variants are folded.
    """
    if unchanged_by_clean(text):
        return text
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    return text.replace("\r\n", "\n").translate(_TRANSLATE)


def tokens(text: str) -> list[str]:
    """Canonical lower-cased tokens of ``text`` (see module docstring).

    Digits are folded to ``0`` so that specific figures and dates do not
    become features; a number keeps at most four digits (``2016`` and
    ``20160`` both give ``0000``), a mixed token keeps its shape (``covid19``
    gives ``covid00``).
    """
    plain = text if text.isascii() else _SEPARATORS.sub(" ", text)
    if plain.isascii():
        # NFC, NFKC and casefold leave ASCII as lower() does, and what clean() translates
        # in ASCII (line breaks, the backtick) is neither a word character nor "!" or "?".
        folded = (_ASCII_INVISIBLE.sub("", plain) if _ascii_invisible(plain) else plain).lower()
    else:
        folded = unicodedata.normalize("NFKC", clean(text)).casefold()
        folded = unicodedata.normalize("NFKC", folded).translate(_TRANSLATE)
    return [t if t.isalpha() else _fold_digits(t) for t in _TOKEN.findall(folded)]


def word_count(toks: tuple[str, ...] | list[str]) -> int:
    """The one word count: canonical tokens (:func:`tokens`) other than the marks ``!`` and ``?``.

    Reports, per-100-word rates and the "too short to judge" rule all count this way.
    """
    return len(toks) - toks.count("!") - toks.count("?")


def sentence_tokens(text: str, spans: Sequence[tuple[int, int]]) -> list[list[str]]:
    """``[tokens(text[a:b]) for a, b in spans]``, folding the text once for all its spans.

    For a text with a :func:`plain_ascii` form, lower-casing that form keeps every offset, so
    each span's tokens are found in it; any other text is tokenised span by span.
    """
    plain = plain_ascii(text)
    if plain is None:
        return [tokens(text[a:b]) for a, b in spans]
    folded = plain.lower().translate(_ASCII_FOLD)
    out = [_ascii_tokens(folded[a:b]) for a, b in spans]
    if "00000" in folded:
        out = [[_LONG_ZEROS.sub("0000", t) for t in toks] for toks in out]
    return out


def _ascii_tokens(folded: str) -> list[str]:
    """The tokens of lower-cased ASCII folded by :data:`_ASCII_FOLD`: its words, and then each
    "!" and "?" on its own."""
    if "!" in folded or "?" in folded:
        return _ASCII_TOKEN.findall(folded)
    return folded.split()


def printable_ascii(text: str) -> bool:
    """Printable ASCII: no white space but the plain space, and canonical tokens that are its
    runs of letters and digits (and each "!" and "?"), so a word standing alone is a token."""
    return text.isascii() and text.isprintable()


def plain_ascii(text: str) -> str | None:
    """``text`` with its typographic separators as spaces, when that is ASCII without a character
    :func:`clean` deletes; else None.  One character for one, so offsets hold, and
    :func:`tokens` reads it by lower-casing alone."""
    plain = text if text.isascii() else _SEPARATORS.sub(" ", text)
    if not plain.isascii() or _ascii_invisible(plain):
        return None
    return plain


def _ascii_invisible(plain: str) -> bool:
    """Whether ASCII ``plain`` holds a character of :data:`_ASCII_INVISIBLE` (found by deleting
    every other byte: a fifth of the time of the regex)."""
    return bool(plain.encode("ascii").translate(None, _ASCII_VISIBLE))


def unchanged_by_clean(text: str) -> bool:
    """Whether ``text`` is ASCII without a character :func:`clean` deletes or translates (so
    ``clean(text) == text``), checked without a regex."""
    return text.isascii() and not text.encode("ascii").translate(None, _ASCII_UNCHANGED)


#: :data:`_TOKEN` on lower-cased ASCII, where ``[^\W_]`` is ``[a-z0-9]`` (a plain class is faster).
_ASCII_TOKEN = re.compile(r"[!?]|[a-z0-9]+")
#: Every ASCII digit as ``0`` (a run of five or more that is a whole token is then cut to four),
#: and every character that is neither a letter, a digit, "!" nor "?" as a space.
_ASCII_FOLD = str.maketrans(
    {c: "0" if chr(c).isdigit() else " " for c in range(128) if not chr(c).isalpha()}
    | {ord("!"): "!", ord("?"): "?"}
)
_LONG_ZEROS = re.compile(r"^0{5,}$")
#: The ASCII characters :func:`clean` removes.
_ASCII_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f]")
#: The ASCII bytes :data:`_ASCII_INVISIBLE` does not match, and those :func:`clean` leaves as
#: they are (neither deleted by :data:`_INVISIBLE` nor translated by :data:`_TRANSLATE`).
_ASCII_VISIBLE = bytes(c for c in range(128) if not _ASCII_INVISIBLE.match(chr(c)))
_ASCII_UNCHANGED = bytes(
    c for c in range(128) if not _INVISIBLE.match(chr(c)) and c not in _TRANSLATE
)
#: Typographic quotes, dashes, the ellipsis and spaces: every Unicode fold below maps them to
#: characters that are neither word characters nor "!" or "?", so they only separate tokens.
_SEPARATORS = re.compile(
    "[\u00a0\u00ab\u00b7\u00bb\u2009\u200a\u2010-\u2015\u2018-\u201f"
    "\u2022\u2026\u2032\u2033\u2039\u203a\u202f\u2212]"
)


def _fold_digits(token: str) -> str:
    if _NUMBER.fullmatch(token):
        return "0" * min(len(token), 4)
    return _DIGIT.sub("0", token)


def canonical(text: str) -> str:
    """Tokens joined by single spaces: the string every vectoriser sees."""
    return " ".join(tokens(text))


def is_corpus_form(text: str) -> bool:
    """True when ``text`` looks like the lower-cased, tokenised research form.

    Looks at the first :data:`CORPUS_SAMPLE_CHARS` characters: at least 90% of
    the non-blank lines have no upper-case letter, and punctuation split off by
    spaces (``"word , word ."``) outnumbers punctuation attached to a word.
    """
    sample = text[:CORPUS_SAMPLE_CHARS]
    lines = [line for line in sample.splitlines() if line.strip()]
    if not lines:
        return False
    lower = sum(1 for line in lines if line == line.lower())
    if lower < 0.9 * len(lines):
        return False
    spaced = len(_SPACED_PUNCT.findall(sample))
    return spaced > 0 and spaced > len(_ATTACHED_PUNCT.findall(sample))
