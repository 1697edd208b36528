"""pysbd's English segmenter, with its abbreviation scan made cheap and its answers unchanged.

For every line it segments, pysbd's ``AbbreviationReplacer`` walks its whole
list of 188 abbreviations and, for each one found anywhere in the line (``is``
and ``no`` are in most), runs two ``findall`` and a substitution per match,
compiling each pattern anew: about two thirds of the time of a pysbd call.
Every one of those substitutions replaces a period right after the
abbreviation, so an abbreviation never followed by a period in the line
changes nothing, and is skipped here before any pattern is built.

For an abbreviation of letters only, "followed by a period" is checked in the
lower-cased line.  That is exact unless the line holds one of the four
characters that Python's case-insensitive matching equates with an ASCII
letter although lower-casing does not (:data:`_CASE_TRAPS`); such a line gets
pysbd's own scan.  An abbreviation with a period in it (``e.g``, ``u.s``) is
scanned by pysbd only when it occurs as written, and then as a pattern whose
period matches any character; both are checked here.
``tests/test_pysbd_english.py`` compares the two on generated and corpus text.
"""

from __future__ import annotations

import re

from pysbd.lang.english import English
from pysbd.processor import Processor

#: Characters that ``re.IGNORECASE`` matches with an ASCII letter while ``str.lower`` does
#: not turn them into it: dotted and dotless i, long s, the Kelvin sign.
_CASE_TRAPS = re.compile("[\u0130\u0131\u017f\u212a]")


#: pysbd's abbreviations with a period in them, as the patterns pysbd makes of them (the
#: period matches any character), each followed by a period.
_DOTTED = {
    a.strip(): re.compile(r"(?:^|\s)" + a.strip() + r"\.", re.IGNORECASE)
    for a in English.Abbreviation.ABBREVIATIONS
    if "." in a
}


def _needs_scan(abbreviation: str, text: str, lowered: str) -> bool:
    """Whether pysbd's scan for ``abbreviation`` may change ``text``: pysbd scans only when the
    abbreviation occurs in the lower-cased text, and changes only a period that follows it."""
    dotted = _DOTTED.get(abbreviation)
    if dotted is not None:
        return abbreviation in lowered and dotted.search(text) is not None
    return abbreviation + "." in lowered


class _AbbreviationReplacer(English.AbbreviationReplacer):
    def search_for_abbreviations_in_string(self, text: str) -> str:
        if _CASE_TRAPS.search(text):
            return str(super().search_for_abbreviations_in_string(text))
        lowered = text.lower()
        for abbr in self.lang.Abbreviation.ABBREVIATIONS:
            stripped = abbr.strip()
            if not _needs_scan(stripped, text, lowered):
                continue
            found = re.findall(rf"(?:^|\s|\r|\n){stripped}", text, flags=re.IGNORECASE)
            if not found:
                continue
            after = re.findall(r"(?<={" + re.escape(stripped) + "} ).{1}", text)
            for ind, match in enumerate(found):
                text = self.scan_for_replacements(text, match, ind, after)
        return text


class _English(English):
    AbbreviationReplacer = _AbbreviationReplacer


def pysbd_sentences(text: str) -> list[str]:
    """pysbd's English sentences of ``text`` (``clean=False``), as ``Segmenter.segment`` gives."""
    return list(Processor(text, _English, char_span=False).process())
