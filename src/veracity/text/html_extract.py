"""Readable article text out of an HTML page, offline and without raising.

:func:`html_to_text` asks trafilatura for the main text (precision first, no
comments, no tables, no metadata, no URL, so nothing is ever fetched).  When
trafilatura fails, finds less than :data:`MIN_EXTRACT_CHARS` characters, or
the page has more than :data:`MAX_TRAFILATURA_TAGS` tags, a linear-time tag
stripper is tried and the longer result kept.  (Not :mod:`html.parser`: on
CPython 3.11 it is quadratic on unclosed constructs such as repeated
``<a b='``, minutes for 100 kB.)  Script, style and similar elements never
contribute text.  Each block of the result (paragraph, heading, list item)
becomes its own paragraph, separated by a blank line, so sentence splitting
never joins two blocks.
"""

from __future__ import annotations

import logging
import re
from html import unescape
from itertools import islice

#: Below this many characters trafilatura's result is checked against the fallback.
MIN_EXTRACT_CHARS = 200
#: Pages with more ``<`` than this skip trafilatura (about 0.1 ms per element).
MAX_TRAFILATURA_TAGS = 50_000

_SKIP = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas"}
)
# fmt: off
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th",
    "title", "tr", "ul",
})
# fmt: on
_HTML_START = re.compile(r"<(?:!doctype\s+html|html[\s>])", re.I)
_KNOWN_TAG = re.compile(
    r"</?(?:a|p|div|span|br|b|i|em|strong|body|head|article|section|script|style|meta|link|li|ul"
    r"|ol|h[1-6]|table|tr|td|img|title|header|footer|nav|main|figure|blockquote)(?:\s[^<>]*)?/?>",
    re.I,
)
_MARKUP = re.compile(r"<!--|<(/?)([a-zA-Z][\w:-]*+)[^<>]*+>|<[!?][^<>]*+>")
_CLOSING = {name: re.compile(rf"</{name}\s*>", re.I) for name in _SKIP}
#: How much of a text :func:`looks_like_html` inspects.
SNIFF_CHARS = 20_000

logging.getLogger("trafilatura").addHandler(logging.NullHandler())


def looks_like_html(text: str) -> bool:
    """True for an HTML document or fragment, False for prose that mentions a tag.

    A document opening (``<!DOCTYPE html>``, ``<html>``) decides at once;
    otherwise at least three well-known tags in the first
    :data:`SNIFF_CHARS` characters are required.
    """
    head = text[:SNIFF_CHARS].lstrip("\ufeff \t\r\n")
    while True:
        closer = "-->" if head.startswith("<!--") else "?>" if head.startswith("<?") else ""
        end = head.find(closer) if closer else -1
        if end < 0:
            break
        head = head[end + len(closer) :].lstrip()
    if _HTML_START.match(head):
        return True
    return len(list(islice(_KNOWN_TAG.finditer(head), 3))) == 3


def html_to_text(html: str) -> str:
    """The main text of ``html``, blocks separated by blank lines; "" if none.

    Never raises on malformed, hostile or deeply nested markup.
    """
    extracted = ""
    if html.count("<") <= MAX_TRAFILATURA_TAGS:
        extracted = _trafilatura_text(html) or ""
    if len(extracted) < MIN_EXTRACT_CHARS:
        fallback = _stripped_text(html)
        if len(fallback) > len(extracted):
            extracted = fallback
    return _paragraphs(extracted)


def _trafilatura_text(html: str) -> str | None:
    import trafilatura  # deferred: importing it takes ~0.2 s

    try:
        return trafilatura.extract(
            html,
            url=None,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            with_metadata=False,
            output_format="txt",
        )
    except Exception:  # third-party parser on untrusted markup: fall back
        return None


def _paragraphs(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _stripped_text(html: str) -> str:
    """Text outside tags, comments and skipped elements, in one linear scan."""
    parts: list[str] = []
    pos, size = 0, len(html)
    while pos < size:
        m = _MARKUP.search(html, pos)
        if m is None:
            parts.append(html[pos:])
            break
        parts.append(html[pos : m.start()])
        pos = m.end()
        name = (m.group(2) or "").lower()
        if m.group() == "<!--":
            end = html.find("-->", pos)
            pos = size if end < 0 else end + 3
        elif name in _SKIP and not m.group(1):
            close = _CLOSING[name].search(html, pos)
            pos = size if close is None else close.end()
        elif name in _BLOCKS:
            parts.append("\n")
    return unescape("".join(parts))
