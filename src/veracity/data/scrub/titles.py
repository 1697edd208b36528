"""Headlines: scrubbing the ``title`` column and joining a title to its text.

Titles get the text's own per-corpus scrubbing steps (:mod:`veracity.data.scrub.steps`)
except the two that judge whole documents (``repeated_sentences`` and
``min_words``), then steps of their own, each closing a publisher leak:

- media tags: a leading series label (``Factbox:``, ``Exclusive:``,
  ``Commentary:``, ``Notes from the Field:``... :data:`SERIES_LABELS`) and any
  bracket holding only format words (``(VIDEO)``, ``[PHOTOS]``, ``(TWEETS)``,
  ``(DETAILS)``... :data:`MEDIA_WORDS`) or a date (``(Dec 28)``): one site's
  template each (24% of ISOT Fake titles carry a bracket tag, no Reuters title
  does; 27 Reuters titles open with ``Factbox:``).  Clickbait words
  (``BREAKING:``, ``WATCH:``) are kept: they are the signal titles are read for;
- site segments: the first or last part of a title cut at `` | ``, `` - ``,
  `` * ``, `` :: ``... while it names the row's publisher (``Eagle Rising`` for
  eaglerising.com) or is a short part of :data:`SEGMENT_MIN_TITLES` distinct cut
  titles of the corpus (``Jordan Times``, ``Region - World - Ahram Online``,
  ``Celeb Dirty Laundry``), then separators left dangling at either end;
- repeated titles: a title shared by :data:`REPEAT_MIN_DOCS` rows of one corpus
  with different texts is a page title, not a headline, and is emptied
  ("Access denied | www.webmd.com ...", "Log In or Sign Up to View").

:func:`headline_text` is what a model reads when it scores titles: the title as
its own first line, unless the text already opens with it.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from .cleaners import tidy_whitespace
from .steps import REPEAT_MIN_DOCS, scrubber_for

#: Steps of a corpus scrubber that titles skip: they judge whole documents.
DOCUMENT_STEPS = frozenset({"repeated_sentences", "min_words"})
#: An edge segment that recurs in this many distinct titles of a corpus is a site name.
SEGMENT_MIN_TITLES = 2
#: Longer edge segments are kept: they are headline, not site name.
SEGMENT_MAX_WORDS = 6
#: Words a bracket may hold and still be a format tag, not part of the headline.
MEDIA_WORDS = frozenset(
    {
        "VIDEO", "VIDEOS", "PHOTO", "PHOTOS", "PIC", "PICS", "PICTURE", "PICTURES", "IMAGE",
        "IMAGES", "GRAPHIC", "SCREENSHOT", "SCREENSHOTS", "TWEET", "TWEETS", "AUDIO", "DETAILS",
        "EXCLUSIVE", "REPORT", "UPDATE", "UPDATED", "LIVE", "OPINION", "POLL", "GALLERY",
        "INFOGRAPHIC", "MAP", "MAPS", "CHART", "CHARTS", "FULL", "PROOF",
    }
)  # fmt: skip
#: Last words of a trailing title segment that is a masthead ("- City Herald").
SITE_WORDS = frozenset(
    {
        "news", "post", "herald", "times", "daily", "report", "online", "journal", "tribune",
        "gazette", "press", "wire", "insider", "today", "rumour", "rumours", "rumors", "info",
    }
)  # fmt: skip
#: Series labels that open a title ("Factbox: ..."): one publisher's template each.
SERIES_LABELS = (
    "factbox", "exclusive", "instant view", "special report", "story withdrawn", "explainer",
    "timeline", "breakingviews", "analysis", "commentary", "opinion", "editorial",
    "transcript", "covid-19 daily", "cdc library", "notes from the field", "the recovery room",
)  # fmt: skip

_BRACKET = re.compile(r"\s*(?:\[([^\[\]()]{1,40})\]|\(([^\[\]()]{1,40})\))")
_DATE = re.compile(
    r"(?i)(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*\d{1,2}(?:,?\s*\d{4})?"
)
_SEP = r"(?:\||-{1,2}|[*~\u2022\u22c6\u00ab\u00bb\u2039\u203a]|::)"
_SEPARATOR = re.compile(rf"\s+{_SEP}\s+")
_DANGLING = re.compile(rf"^(?:{_SEP}\s+)+|(?:\s+{_SEP})+$")
_SERIES = re.compile(
    r"(?i)^(?:" + "|".join(re.escape(label) for label in SERIES_LABELS) + r")\s*[:|-]\s+"
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DOMAIN = re.compile(r"(?i)\w\.(?:com|org|net|co|info|news|us|uk)\b")


def _letters(value: str) -> str:
    return _NOT_ALNUM.sub("", value.lower())


def _tag(match: re.Match[str]) -> str:
    inner = match.group(1) or match.group(2) or ""
    words = re.findall(r"[A-Za-z]+", inner)
    if _DATE.fullmatch(inner.strip()) or (words and all(w.upper() in MEDIA_WORDS for w in words)):
        return ""
    return match.group(0)


def strip_media_tags(title: str) -> str:
    """``title`` without a leading series label or brackets holding only format words or a date."""
    title = _SERIES.sub("", title)
    return _BRACKET.sub(_tag, title) if ("(" in title or "[" in title) else title


def clean_titles(titles: list[str], corpus: str) -> list[str]:
    """``titles`` through ``corpus``'s per-text scrubbing steps and :func:`strip_media_tags`.

    Each title is judged alone; any other corpus (or ``"default"``) gets the
    shared steps only.
    """
    frame = pd.DataFrame({"text": [" ".join(t.split()) for t in titles]})
    for step in scrubber_for(corpus).steps:
        if step.name not in DOCUMENT_STEPS:
            frame = step.run(frame)
    return [tidy_whitespace(strip_media_tags(t)) for t in frame["text"]]


def _publisher(source: str) -> set[str]:
    """Letter keys a site name of ``source`` (a domain or a name) can take."""
    source = source.strip().lower()
    keys = {_letters(source), _letters(source.rsplit(".", 1)[0]) if "." in source else ""}
    return keys - {""}


def _site_names(titles: list[str]) -> set[str]:
    """Letter keys of short segments of cut titles found in enough distinct titles."""
    seen: Counter[str] = Counter()
    for title in dict.fromkeys(titles):
        parts = _SEPARATOR.split(title)
        if len(parts) > 1:
            seen.update({_letters(p) for p in parts if len(p.split()) <= SEGMENT_MAX_WORDS})
    return {key for key, n in seen.items() if key and n >= SEGMENT_MIN_TITLES}


def _is_site(
    part: str, common: set[str], publisher: set[str], last: bool = False, after_pipe: bool = False
) -> bool:
    """A title segment is a site name (see :func:`strip_site_segments`)."""
    key, words = _letters(part), part.split()
    if not key or len(words) > SEGMENT_MAX_WORDS:
        return False
    named = any(
        key == p or (len(key) >= 5 and p.startswith(key)) or (len(p) >= 4 and p in key)
        for p in publisher
    )
    if key in common or named:
        return True
    if not last or len(words) > 4:
        return False
    masthead = all(w[:1].isupper() or w[:1].isdigit() for w in words)
    domain = _DOMAIN.search(part) is not None
    return after_pipe or domain or (masthead and words[-1].lower() in SITE_WORDS)


def _cut_edges(title: str, common: set[str], publisher: set[str]) -> str:
    while cuts := list(_SEPARATOR.finditer(title)):
        pipe = cuts[-1].group().strip() == "|"
        if _is_site(title[cuts[-1].end() :], common, publisher, last=True, after_pipe=pipe):
            title = title[: cuts[-1].start()]
        elif _is_site(title[: cuts[0].start()], common, publisher):
            title = title[cuts[0].end() :]
        else:
            break
    return _DANGLING.sub("", title).strip()


def strip_site_segments(titles: list[str], sources: list[str]) -> list[str]:
    """Cut the edge segments that name a publisher, outside in.

    A first or last segment (at most :data:`SEGMENT_MAX_WORDS` words) is a site
    name when it is a segment of :data:`SEGMENT_MIN_TITLES` distinct cut titles,
    or its letters are, begin or hold the row's publisher domain.  A last
    segment of up to four words is one too after `` | ``, when it holds a domain
    name, or when its words are capitalised and the last is a masthead word
    (:data:`SITE_WORDS`).
    """
    common = _site_names(titles)
    return [_cut_edges(t, common, _publisher(s)) for t, s in zip(titles, sources, strict=True)]


def drop_repeated_titles(titles: list[str], texts: list[str]) -> list[str]:
    """Empty the titles that :data:`REPEAT_MIN_DOCS` or more different texts share."""
    texts_of: dict[str, set[str]] = {}
    for title, text in zip(titles, texts, strict=True):
        texts_of.setdefault(_letters(title), set()).add(text)
    repeated = {key for key, group in texts_of.items() if key and len(group) >= REPEAT_MIN_DOCS}
    return ["" if _letters(t) in repeated else t for t in titles]


def scrub_titles(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every corpus's titles scrubbed (rows and texts untouched)."""
    if frame.empty:
        return frame
    titles = pd.Series("", index=frame.index, dtype=object)
    for corpus, part in frame.groupby("corpus", sort=False):
        cleaned = clean_titles(part["title"].tolist(), str(corpus))
        cleaned = strip_site_segments(cleaned, part["source"].tolist())
        titles.loc[part.index] = drop_repeated_titles(cleaned, part["text"].tolist())
    return frame.assign(title=titles.astype(str))


def headline_text(title: str, text: str) -> str:
    """What a model reads for a titled article: the title, a blank line, the text.

    The text alone when there is no title or the text already opens with it.
    """
    title = " ".join(title.split())
    key = _letters(title)
    if not key or _letters(text[: 2 * len(title) + 20]).startswith(key):
        return text
    return f"{title}\n\n{text}"


def with_titles(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` whose ``text`` is :func:`headline_text` of each row's title and text."""
    texts = [headline_text(t, x) for t, x in zip(frame["title"], frame["text"], strict=True)]
    return frame.assign(text=texts)
