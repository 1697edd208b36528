"""Corpus-specific scrubbing functions (``str -> str``): framing one corpus adds.

ISOT's Reuters datelines, FA-KES's per-site date lines and sign-offs, CoAID's
page chrome, the quote marks wrapping FakeNewsAMT fakes.  Shared artifacts live
in :mod:`veracity.data.scrub.cleaners`.
"""

from __future__ import annotations

import re

from .cleaners import MONTH, drop_sentences

_WEEKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?"

# --- ISOT / Reuters ---------------------------------------------------------
_REUTERS_CORRECTION = re.compile(
    r"^\s*\(+[^()]{0,400}?\b(?:[Cc]orrect|[Rr]efile|[Rr]epeat)[^()]{0,400}\)+\s*"
)
_REUTERS_DATELINE = re.compile(
    r"^\s*(?:By [A-Z][^()\n]{2,80}?\s+)?[^()\n]{0,80}?"
    r"\((?:Reuters|LPC/IFR|Reuters on \w+\s*)?\)\s*-\s*"
)
_CAPS_DATELINE = re.compile(r"^\s*[A-Z][A-Z .,'/]{2,40}?\s+-\s+")
_REUTERS_TAG = re.compile(r"\(Reuters\)")


def strip_reuters_framing(text: str) -> str:
    """Remove Reuters' lead: correction notes, byline, ``CITY (Reuters) -``, every ``(Reuters)``."""
    text = _REUTERS_CORRECTION.sub("", text)
    text = _REUTERS_DATELINE.sub("", text, count=1)
    text = _CAPS_DATELINE.sub("", text, count=1)
    return _REUTERS_TAG.sub(" ", text)


# --- FA-KES -----------------------------------------------------------------
_FA_KES_DATE = (
    rf"(?:{_WEEKDAY}\s+)?(?:\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+\d{{1,2}},?\s*\d{{4}}"
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{4})"
)
_FA_KES_LEAD = re.compile(
    r"^\s*(?:Date of publication|Published|Posted on|Last updated at|Last Update:?)?\s*"
    + _FA_KES_DATE
    + r"(?:\s*\(updated[^)]*\))?(?:\s*(?:at\s+)?\d{1,2}:?\d{2}(?:\s*(?:UTC|GMT)[+-]?\d*)?)?"
    r"(?:\s+by\s+[^.\n]{3,80}?(?=\s[A-Z\"]))?\s*"
)
_FA_KES_SIGNOFF = re.compile(
    r"\s*(?:-+\s*REUTERS|--Reuters|Source:? TRTWorld and agencies.*"
    r"|Reporting by [^.]*?(?:Editing by [^.]*?)?Our Standards:\s*The Thomson Reuters Trust"
    r" Principles\.?|Our Standards:\s*The Thomson Reuters Trust Principles\.?"
    r"|\w*\s*Community standards\s*Discussion.*|Comment via Facebook.*"
    r"|\(Source: Syrian Coalition[^)]*\)\s*Twitter|This article is an edited translation.*"
    r"|Last Update:.*|Get short URL(?:\s+\d+)*)\s*$",
    re.IGNORECASE,
)
#: Sign-offs are looked for in the last this-many characters only.
_SIGNOFF_SPAN = 400
_FA_KES_INLINE = re.compile(r"Get short URL(?:\s+\d)*|\(Source: Syrian Coalition[^)]*\)")


def strip_fa_kes_framing(text: str) -> str:
    """Remove FA-KES's leading publication date lines and per-site sign-offs."""
    text = _FA_KES_LEAD.sub("", text, count=1)
    text = _FA_KES_INLINE.sub(" ", text)
    cut = max(0, len(text) - _SIGNOFF_SPAN)
    body, tail = text[:cut], text[cut:]
    previous = None
    while previous != tail:
        previous = tail
        tail = _FA_KES_SIGNOFF.sub("", tail)
    return body + tail


# --- CoAID --------------------------------------------------------------------
_COAID_LEAD = re.compile(
    r"^\s*(?:what your doctor is reading on medscape\.com\s*)?"
    r"(?:[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}\s*--\s*|--\s*)",
    re.IGNORECASE,
)
_COAID_CHROME = (
    "all data and stat",
    "some information may be out of",
    "visit our coronavir",
    "stay informed with live updates",
    "cdc twenty four seven",
    "saving lives protecting people",
    "what your doctor is reading on medscape",
)


_COAID_CAPTION = re.compile(r"(?:\b[a-z][\w-]* ){0,4}via getty images|\bgetty images\b")


def strip_coaid_framing(text: str) -> str:
    """Remove CoAID page chrome: Medscape/dateline leads, site notices (even truncated)
    and the lower-cased "... via getty images" captions of its real items."""
    text = _COAID_LEAD.sub("", text, count=1)
    if "getty images" in text:
        text = _COAID_CAPTION.sub(" ", text)
    return drop_sentences(text, _COAID_CHROME)


# --- Pérez-Rosas ----------------------------------------------------------------
def strip_wrapping_quotes(text: str) -> str:
    """Drop one pair of quote marks wrapping the whole body (some AMT fakes have it)."""
    body = text.strip()
    if len(body) > 1 and body[0] == body[-1] == '"':
        return body[1:-1]
    return text
