"""Text-level scrubbing functions: each ``str -> str`` removes one kind of artifact.

These are the building blocks of the named steps in :mod:`veracity.data.scrub.steps`;
``docs/data.md`` says which label leak each one closes.  All of them expect text
already passed through :func:`veracity.text.normalize.clean` (curly quotes and
dashes folded to ASCII), which the ``unicode`` step does first.
"""

from __future__ import annotations

import html
import re

#: A month, spelled out or abbreviated (dates in tweets here, datelines in :mod:`.framing`).
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"

# --- markup ---------------------------------------------------------------
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,500})?/?>")
_MID = re.compile(r"\{MID-\d+\}")
_MOJIBAKE = re.compile("(?:\u00ef\u00bf\u00bd)+|\ufffd+")


def strip_markup(text: str) -> str:
    """Unescape HTML entities (twice, for ``&amp;amp;``), drop tags, ``{MID-123}`` and mojibake."""
    text = html.unescape(html.unescape(text))
    text = _TAG.sub(" ", text)
    if "{MID-" in text:
        text = _MID.sub(" ", text)
    if "\ufffd" in text or "\u00ef" in text:
        text = _MOJIBAKE.sub("", text)
    return text


# --- links and embeds -----------------------------------------------------
#: (literal that must occur, pattern) pairs; the literal check keeps clean texts cheap.
_URLS = (
    ("://", re.compile(r"(?:https?|ftp)://\S*")),
    ("www.", re.compile(r"\bwww\.\S+")),
    ("pic.twitter.com", re.compile(r"\bpic\.twitter\.com/?\w{10}")),
    *(
        (f"{host}/", re.compile(rf"\b{re.escape(host)}/[\w./?=&%#-]+"))
        for host in ("twitter.com", "t.co", "bit.ly", "goo.gl", "youtu.be", "fb.me", "ow.ly")
    ),
)


_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")


def strip_urls(text: str) -> str:
    """Remove URLs, short links and ``pic.twitter.com/...`` links, then emptied brackets."""
    found = False
    for literal, pattern in _URLS:
        if literal in text:
            text = pattern.sub(" ", text)
            found = True
    return _EMPTY_BRACKETS.sub(" ", text) if found else text


_TWEET_NAME = r"(?:-\s*)?(?:\b[A-Z][\w'.,-]*\s+){0,4}"
_TWEET_SIGNATURE = re.compile(
    _TWEET_NAME + r"\(@\w{1,15}\)\s*" + rf"(?:{MONTH}\s+\d{{1,2}},?\s+\d{{4}})?"
)
#: The same signature in corpora that stripped the ``@`` and comma (FA-KES): date required.
_BARE_TWEET_SIGNATURE = re.compile(
    _TWEET_NAME + r"\(\w{1,15}\)\s*" + rf"{MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
)


def strip_tweet_signatures(text: str) -> str:
    """Remove embedded-tweet signatures: ``- Name (@handle) Month D, YYYY``.

    Fake-site copy often glues the date to the next sentence ("2017Trump"); the
    signature is replaced by a line break so the tweets stay apart.
    """
    if "(@" in text:
        text = _TWEET_SIGNATURE.sub("\n", text)
    if ") " in text:
        text = _BARE_TWEET_SIGNATURE.sub("\n", text)
    return text


# --- picture credits --------------------------------------------------------
_FEATURED = r"(?i:featured|header|feature)\s+(?i:image|photo)s?"
_CREDIT_HEAD = r"(?i:image|photo|photograph|picture|screenshot|screen\s+capture|screen\s*grab)s?"
_CREDIT_LINK = r"(?:(?i:via|by|from|courtesy\s+of|credits?|is|of)\b|:)"
#: Where a credit ends: a bracket, a full stop, a line end, a word glued to the next
#: sentence ("FacebookHe"), or the last part of an agency path ("Getty/Handout Next").
_CREDIT_END = (
    r"[)\]]|(?<!\s[A-Z])\.(?![a-z0-9])|(?=\n)|$|(?<=[a-z]{3})(?=[A-Z][a-z]+\s)"
    r"|/[\w.-]+(?:\s+(?i:images?)(?:/[\w.-]+)*)?(?=\s+(?!(?i:images?)\b)[A-Z])"
)
_IMAGE_CREDIT = re.compile(
    r"[(\[]?(?:" + _FEATURED + r"(?:\s*" + _CREDIT_LINK + ")?"
    r"|\b" + _CREDIT_HEAD + r"(?:\s+(?i:credits?))?\s*" + _CREDIT_LINK + ")"
    r"[^\n]{0,150}?(?:" + _CREDIT_END + ")"
)
#: Lower-cased words at which a credit can start.
_CREDIT_WORDS = ("featured", "feature ", "header", "image", "photo", "picture", "screen")
_SENTENCE_END = frozenset('\n.!?:])"')


def _credit_starts(text: str, low: str) -> list[int]:
    """Offsets where a credit may start: a sentence or line start, a bracket, or anywhere
    for the unmistakable "Featured image"."""
    found = set()
    for word in _CREDIT_WORDS:
        at = low.find(word)
        while at >= 0:
            found.add(at)
            at = low.find(word, at + 1)
    starts = []
    for at in sorted(found):
        if at and text[at - 1] in "([":
            starts.append(at - 1)
            continue
        before = text[:at].rstrip(" \t")
        if not before or before[-1] in _SENTENCE_END or low.startswith("featured", at):
            starts.append(at)
    return starts


def strip_image_credits(text: str) -> str:
    """Remove picture credits ("Featured image via ...", "Photo by ...", "(Image credit: ...)").

    A credit is only removed where it starts a sentence or line (or is bracketed),
    so prose such as "a photo by the agency shows" survives.
    """
    low = text.lower()
    if not any(word in low for word in _CREDIT_WORDS):
        return text
    out = []
    pos = 0
    for at in _credit_starts(text, low):
        if at < pos:
            continue
        match = _IMAGE_CREDIT.match(text, at)
        if match:
            out.append(text[pos:at])
            out.append(" ")
            pos = match.end()
    out.append(text[pos:])
    return "".join(out)


# --- boilerplate ------------------------------------------------------------
#: Phrases removed on their own (share bars, ads, fake-site bylines), each guarded by
#: literals one of which must occur, so a clean text costs a few substring searches.
_BOILER_PHRASES = (
    (("SHARE",), re.compile(r"\d[\d,.]*[Kk]?\s+SHARES?\b(?:\s*Share)?(?:\s*Tweet)?")),
    (
        ("Tinnitus", "Indoor Odor"),
        re.compile(
            r"No Pill Can Stop Tinnitus, But This 1 Weird Trick Can"
            r"|No More Tinnitus \(Ear Ringing\) If You Do This Immediately"
            r"|How To Easily Kill All Indoor Odor, Mold, And Bacteria - Without Lifting A Finger"
        ),
    ),
    (("Century Wire",), re.compile(r"21st Century Wire says\b:?")),
    (("Originally Posted",), re.compile(r"Originally Posted by\s*\S*")),
    (("Story highlights",), re.compile(r"\bStory highlights\b")),
    (
        ("READ", "SEE", "WATCH", "Read", "See", "Watch"),
        re.compile(
            r"\b(?:READ|Read|SEE|See|WATCH|Watch)\s+(?:MORE|More|more|ALSO|Also|also|HERE|Here|here)"
            r"\s*:[^\n.!?]*[.!?]?"
        ),
    ),
    (
        ("Share on", "Tweet on", "Email on", "Pin on"),
        re.compile(r"\b(?:Share|Tweet|Email|Pin)(?:\s+on\s+(?:Facebook|Twitter|Pinterest))+"),
    ),
)
#: Sentences removed whole when, lower-cased, they contain one of these.
BOILER_SENTENCE_CUES = (
    "javascript is disabled",
    "enable javascript",
    "security service to protect itself from online attacks",
    "connection issue between cloudflare",
    "do you want to join facebook",
    "you must log in to continue",
    "proceed to legacy twitter",
    "join this group to post and comment",
    "share this article",
    "share this story",
    "click here to ",
    "newsletter",
    "story continued below",
    "all rights reserved",
    "may not be published, broadcast, rewritten",
    "please enable cookies",
    "have a tip we should know",
    "protected by recaptcha",
    "recaptcha requires verification",
    "no compatible source was found for this video",
    "html5 is not supported",
    "unable to play video",
    "this is a modal window",
    "remaining time -0",
    "follow us on twitter",
    "follow us on facebook",
    "follow us on instagram",
    "like us on facebook",
    " on facebook.",
    "advertisement",
    "continue reading",
    "for entire story",
    "last 5 posts by",
    "mutevolume",
    "this live video has ended",
    "will be available to watch shortly",
    "see what else is new",
    "on facebook, twitter",
)


def _has_cue(text: str, cues: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(cue in low for cue in cues)


def drop_sentences(text: str, cues: tuple[str, ...]) -> str:
    """Remove every sentence (see :func:`sentence_pieces`) containing a lower-case cue."""
    if not _has_cue(text, cues):
        return text
    return "".join(p for p in sentence_pieces(text) if not _has_cue(p, cues))


def strip_boilerplate(text: str) -> str:
    """Remove share bars, ad lines and site chrome (see :data:`BOILER_SENTENCE_CUES`)."""
    for literals, pattern in _BOILER_PHRASES:
        if any(literal in text for literal in literals):
            text = pattern.sub(" ", text)
    return drop_sentences(text, BOILER_SENTENCE_CUES)


# --- sentence splitting for repeated-sentence detection --------------------
_SPLIT = re.compile(r"[.!?][\"')\]]*\s+|\n+")
_ABBREV = re.compile(
    r"(?:\b[A-Za-z]|\bU\.S|\bU\.N|\bU\.K|\bD\.C|\bMr|\bMrs|\bMs|\bDr|\bJr|\bSr|\bSt|\bGen|\bSen"
    r"|\bRep|\bGov|\bLt|\bCol|\bNo|\bvs|\betc|\bInc|\bCo|\bCorp|\bLtd|\bJan|\bFeb|\bMar|\bApr"
    r"|\bJun|\bJul|\bAug|\bSep|\bSept|\bOct|\bNov|\bDec)\.[\"')\]]*\s*\Z"
)


def sentence_pieces(text: str) -> list[str]:
    """``text`` cut into sentences, each keeping its trailing space: ``"".join`` gives it back.

    Cuts after ``.!?`` and at line breaks, but not after common abbreviations
    ("U.S.", "Nov.", "Mr.", initials), which would cut names and dates apart.
    """
    pieces: list[str] = []
    ends = [m.end() for m in _SPLIT.finditer(text)]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    pos = 0
    for end in ends:
        piece = text[pos:end]
        last = pieces[-1] if pieces else ""
        if last and "\n" not in last and _ABBREV.search(last[-12:]):
            pieces[-1] = last + piece
        else:
            pieces.append(piece)
        pos = end
    return pieces


def sentence_key(piece: str) -> str:
    """How a sentence is compared across documents: whitespace-normalised."""
    return " ".join(piece.split())


# --- apostrophes, quotes, whitespace ----------------------------------------
_SPACED_APOSTROPHE = re.compile(r"(?<=\w) '(?=(?:s|t|re|ve|ll|d|m)\b)")
_STRIPPED = re.compile(r" (s|t|re|ve|ll|d|m|nt)\b(?!')")
_PRONOUNS = frozenset(["i", "you", "we", "they", "he", "she", "it", "who", "that", "there", "what"])
_NT_WORDS = frozenset(
    [
        "are",
        "is",
        "was",
        "were",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "could",
        "would",
        "should",
        "need",
        "must",
        "might",
        "ca",
        "wo",
        "ai",
    ]
)


def _word_before(text: str, end: int) -> str:
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
        start -= 1
    return text[start:end]


def _apostrophe(word: str, suffix: str) -> str | None:
    """``'suffix`` (or ``n't``) when ``word suffix`` is a stripped contraction, else ``None``."""
    if not word or not word[-1].isalnum():
        return None
    low = word.lower()
    if suffix == "s":
        return "'s"
    if suffix == "t":
        return "'t" if low.endswith("n") else None
    if suffix == "m":
        return "'m" if low == "i" else None
    if suffix == "nt":
        return "n't" if low in _NT_WORDS else None
    return f"'{suffix}" if low in _PRONOUNS else None


def restore_apostrophes(text: str) -> str:
    """Put back apostrophes that corpora stripped or spaced out.

    ``Obama s`` -> ``Obama's``, ``couldn t`` -> ``couldn't``, ``we ve`` -> ``we've``,
    ``it 's`` -> ``it's``, ``are nt`` -> ``aren't``, ``ca nt`` -> ``can't``.  Text that
    kept its apostrophes is unchanged, so every corpus and label ends in the same form.
    """
    if " '" in text:
        text = _SPACED_APOSTROPHE.sub("'", text)

    def fix(match: re.Match[str]) -> str:
        glued = _apostrophe(_word_before(text, match.start()), match.group(1))
        return glued if glued is not None else match.group(0)

    return _STRIPPED.sub(fix, text)


_QUOTE = re.compile(r"\"+")


def strip_double_quotes(text: str) -> str:
    """Remove double quote marks (for corpora where one class had them stripped)."""
    return _QUOTE.sub(" ", text)


_SPACES = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_BLANK_LINES = re.compile(r"\n\s*\n(?:\s*\n)+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([.,;:!?])(?=\s|$)")


def tidy_whitespace(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep at most one blank line, close " ." gaps."""
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()
