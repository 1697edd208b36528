"""Reading what a user hands veracity: a file, standard input or a string.

Every way in ends in :class:`Document`: the text after mojibake repair, HTML
extraction (when the input is HTML) and :func:`~veracity.text.normalize.clean`,
stripped, plus its name and kind (``"text"``, ``"html"`` or ``"corpus"`` for
the research form, see :func:`~veracity.text.normalize.is_corpus_form`).

Bytes are decoded by BOM (UTF-8, UTF-16, UTF-32), else as UTF-8; bytes that
are not valid UTF-8 and hold no valid multi-byte UTF-8 sequence at all are
read as Windows-1252 (legacy "smart quotes"), otherwise invalid sequences
become U+FFFD.

The decoded text is then repaired before it is judged (:func:`repair_mojibake`):
ftfy undoes UTF-8 that was read as Latin-1, Windows-1252 or another one-byte
code page, once or twice over (``heâ\\x80\\x99s``, ``Ã©``, ``â€œ``), and turns
C1 controls that stand for Windows-1252 punctuation back into it.  Only those
encoding fixes run (quotes, ligatures, widths, HTML entities and normalisation
are left to :func:`~veracity.text.normalize.clean` and the HTML extraction), so
clean text comes out unchanged, and ftfy is not called at all on a text without
a character a mis-decoded UTF-8 byte turns into (plain English with typographic
quotes and dashes skips it).  :attr:`Document.repaired` counts what changed.

Input is refused with a coded error when it is missing (E001), empty (E002),
binary (E003: a NUL byte outside UTF-16/32, or, after the repair, more than
:data:`BINARY_SHARE` of its characters, and at least two, are control or
replacement characters), over the size limit (E004, checked before a file is
read and by reading at most ``limit + 1`` bytes of a stream), a directory
(E024), not a regular file (E026: a FIFO, socket or device, refused without
opening it, since reading a FIFO nobody writes to never ends), unreadable
(E025) or left without text by HTML extraction (E014).
"""

from __future__ import annotations

import codecs
import hashlib
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from ftfy import TextFixerConfig, fix_text
from rapidfuzz.distance import Levenshtein

from ..config import MAX_INPUT_BYTES
from ..errors import E, InputError, NotFoundError, TooLargeError
from .html_extract import html_to_text, looks_like_html
from .normalize import clean, is_corpus_form, unchanged_by_clean

__all__ = [
    "BINARY_SHARE",
    "Document",
    "Kind",
    "document_from_bytes",
    "document_from_text",
    "is_corpus_form",
    "read_input",
    "repair_mojibake",
]

Kind = Literal["text", "html", "corpus"]

#: Above this share of control or replacement characters, input counts as binary.
BINARY_SHARE = 0.01

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BAD = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffd]")
_DECODED_MULTIBYTE = re.compile("[^\x00-\x7f\ufffd]")

#: ftfy's encoding fixes only: every other fixer would change clean text (curly quotes,
#: ligatures, full-width letters, HTML entities, line breaks, normalisation), and
#: :func:`~veracity.text.normalize.clean` or the HTML extraction already does what is
#: wanted of those.
_FTFY = TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)
#: What a mis-decoded UTF-8 lead byte becomes in the code pages ftfy undoes (C1 controls,
#: Latin-1 letters, Latin Extended, Greek, Cyrillic, box drawing, Mac Roman's ¬ √ ≈ ∆).
#: A segment holding none of these is left alone without calling ftfy.
_MOJIBAKE_CHARS = re.compile(
    "[\x80-\x9f\xac\xc0-\u024f\u0370-\u04ff\u2206\u221a\u2248\u2500-\u259f]"
)
#: Longest piece repaired (and compared) at once: lines, and longer lines cut after a space.
REPAIR_SEGMENT_CHARS = 4096


def clean_label(value: str) -> str:
    """A label (a headline, a name) as one clean line: mojibake repaired, then cleaned like
    article text (no control, zero-width or bidi character), every whitespace run one space."""
    return " ".join(clean(repair_mojibake(value)[0]).split())


def content_hash(text: str, title: str = "") -> str:
    """The full sha256 of an article's text, and of its title when it has one.

    A report's ``id`` is its first 16 hex digits, and the service's history is keyed by it,
    so the same text under two headlines is two analyses.
    """
    digest = hashlib.sha256(text.encode("utf-8"))
    if title:
        digest.update(b"\x00title\x00" + title.encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Document:
    """Text ready for analysis, with where it came from and what it looked like."""

    text: str
    name: str
    kind: Kind
    #: The headline, when the caller gave one ("" otherwise).
    title: str = ""
    #: Characters changed by mojibake repair before analysis (0: the text was clean): the
    #: edit distance between the decoded input and its repair (see :func:`repair_mojibake`).
    repaired: int = 0


def read_input(source: str | Path, *, limit: int = MAX_INPUT_BYTES) -> Document:
    """Read a file, or standard input's bytes when ``source`` is ``"-"``."""
    if str(source) == "-":
        data = _read_stream(sys.stdin.buffer, "<stdin>", limit)
        return document_from_bytes(data, "<stdin>", limit)
    path = Path(source)
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise NotFoundError(E.E001, path=path) from None
    except OSError as err:
        raise InputError(E.E025, path=path, reason=err.strerror or err) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(E.E024, path=path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(E.E026, path=path, kind=_file_kind(info.st_mode))
    if info.st_size > limit:
        raise TooLargeError(E.E004, size=info.st_size, limit=limit, what=path)
    try:
        with path.open("rb") as stream:
            data = _read_stream(stream, str(path), limit)
    except OSError as err:
        raise InputError(E.E025, path=path, reason=err.strerror or err) from None
    return document_from_bytes(data, str(path), limit)


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def document_from_bytes(data: bytes, name: str, limit: int = MAX_INPUT_BYTES) -> Document:
    """A :class:`Document` from raw bytes (see the module docstring for decoding)."""
    if len(data) > limit:
        raise TooLargeError(E.E004, size=len(data), limit=limit, what=name)
    return _document(_decode(data, name), name)


def document_from_text(
    text: str, name: str = "<text>", limit: int = MAX_INPUT_BYTES, sniff_html: bool = True
) -> Document:
    """A :class:`Document` from a string; ``limit`` applies to its UTF-8 size.

    With ``sniff_html=False`` the text is taken literally even when it holds
    markup (a pasted article that quotes ``<script>`` stays as written).
    """
    size = len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > limit else len(text)
    if size > limit:
        raise TooLargeError(E.E004, size=size, limit=limit, what=name)
    return _document(text, name, sniff_html)


def _read_stream(stream: BinaryIO, name: str, limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream``; E004 as soon as there are more."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(limit + 1 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise TooLargeError(E.E004, size=f"more than {limit}", limit=limit, what=name)
    return b"".join(chunks)


def _decode(data: bytes, name: str) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    if b"\x00" in data:
        raise InputError(E.E003, what=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
    if _DECODED_MULTIBYTE.search(text):
        return text
    return data.decode("cp1252", errors="replace")


def repair_mojibake(text: str) -> tuple[str, int]:
    """``text`` with its mojibake undone by ftfy, and how many characters that changed.

    The text is repaired in segments: lines, and lines over
    :data:`REPAIR_SEGMENT_CHARS` characters cut after a space (see :func:`_segments`).
    The count is the Levenshtein distance (insertions, deletions, substitutions)
    between each segment and its repair, summed: ``heâ\\x80\\x99s`` -> ``he’s``
    counts 3.  ASCII text and segments without a character of :data:`_MOJIBAKE_CHARS`
    are not given to ftfy.
    """
    if text.isascii():
        return text, 0
    out: list[str] = []
    changed = 0
    for segment in _segments(text):
        fixed = fix_text(segment, _FTFY) if _MOJIBAKE_CHARS.search(segment) else segment
        if fixed != segment:
            changed += Levenshtein.distance(segment, fixed)
        out.append(fixed)
    return ("".join(out), changed) if changed else (text, 0)


def _segments(text: str) -> list[str]:
    """``text`` cut into lines of at most :data:`REPAIR_SEGMENT_CHARS` characters.

    A longer line is cut after its last space that follows an ASCII character
    (mojibake never spans such a space: only a space right after a mis-decoded lead or
    continuation byte can stand for a lost U+00A0), else after its last space, else
    at the limit.
    """
    pieces: list[str] = []
    pos, size = 0, len(text)
    while pos < size:
        end = text.find("\n", pos, pos + REPAIR_SEGMENT_CHARS) + 1
        if not end:
            end = min(size, pos + REPAIR_SEGMENT_CHARS)
            if end < size:
                end = _cut(text, pos, end)
        pieces.append(text[pos:end])
        pos = end
    return pieces


def _cut(text: str, pos: int, end: int) -> int:
    """Where a segment starting at ``pos`` ends, at most at ``end`` (see :func:`_segments`)."""
    last = cut = text.rfind(" ", pos + 1, end)
    while cut > pos and not text[cut - 1].isascii():
        cut = text.rfind(" ", pos + 1, cut)
    if cut > pos:
        return cut + 1
    return last + 1 if last > pos else end


def _document(text: str, name: str, sniff_html: bool = True) -> Document:
    text, repaired = repair_mojibake(text)
    if not unchanged_by_clean(text):  # else it holds no character of _BAD either
        bad = len(_BAD.findall(text))
        if bad >= 2 and bad > BINARY_SHARE * len(text):
            raise InputError(E.E003, what=name)
        text = clean(text)
    text = text.strip()
    if not text:
        raise InputError(E.E002, what=name)
    kind: Kind = "text"
    if sniff_html and looks_like_html(text):
        text, kind = clean(html_to_text(text)).strip(), "html"
        if not text:
            raise InputError(E.E014, what=name)
    elif is_corpus_form(text):
        kind = "corpus"
    return Document(text=text, name=name, kind=kind, repaired=repaired)
