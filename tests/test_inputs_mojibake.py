"""Mojibake is repaired before the binary test; clean text and real binary are left as they were.

Every sentence here is invented.  Each variant is made the way scraped text
gets it: UTF-8 read as Latin-1 or Windows-1252 (ftfy's "sloppy" codec, which
keeps the five undefined bytes as C1 controls, as browsers and scrapers do),
once or twice over, alone or mixed with clean text.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

import veracity.text.inputs as inputs_module
from reliability_support import hang_guard
from veracity.errors import InputError
from veracity.signals.roles import QUOTE, classify_role
from veracity.text.inputs import (
    REPAIR_SEGMENT_CHARS,
    document_from_bytes,
    document_from_text,
    repair_mojibake,
)
from veracity.text.normalize import clean

#: Most characters a repaired variant may differ from its clean text by.
TOLERANCE = 2

CLEAN = {
    "apostrophe": "The harbour master\u2019s boat wasn\u2019t ready, so the crew waited until dawn.",
    "quotes": "\u201cWe will rebuild the pier,\u201d said Marta Kowalski, the port\u2019s director.",
    "dashes": "The vote \u2014 the third this year \u2014 passed by 41 to 38 after a long debate.",
    "names": "Zo\u00eb M\u00fcller, Jos\u00e9 N\u00fa\u00f1ez and Fran\u00e7ois Lef\u00e8vre met in "
    "S\u00e3o Paulo on Friday.",
    "money": "Tickets now cost \u20ac12.50, up from \u20ac9, and a season pass costs \u00a3180.",
    "emoji": "The mayor posted a \U0001f389 and a \U0001f44d after the council approved the park.",
    "ellipsis": "The forecast said\u2026 nothing useful, and the ferry left at 7 a.m.",
    "nbsp": "The bridge is 1\u00a0200 metres long and opened in 1998.",
    "symbols": "The company\u2019s Fastboat\u2122 engine runs at 90 \u00b0C without trouble.",
    "cyrillic": "The delegation from \u041c\u043e\u0441\u043a\u0432\u0430 arrived at the harbour "
    "before noon.",
    "greek": "The ferry \u0391\u03b8\u03b7\u03bd\u03ac docked at the northern quay on Tuesday.",
    "french": "Critics called the plan na\u00efve and the budget a fa\u00e7ade.",
    "a_la": "The chef served the fish \u00e0 la carte at the harbour caf\u00e9.",
}


def as_latin1(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def as_cp1252(text: str) -> str:
    return text.encode("utf-8").decode("sloppy-windows-1252")


def as_macroman(text: str) -> str:
    return text.encode("utf-8").decode("mac-roman")


Variant = tuple[str, Callable[[str], str], str]

#: (name, how the clean text was damaged, which clean text): twenty-one variants.
VARIANTS: list[Variant] = [
    ("latin1-apostrophe", as_latin1, "apostrophe"),
    ("cp1252-apostrophe", as_cp1252, "apostrophe"),
    ("latin1-curly-quotes", as_latin1, "quotes"),
    ("cp1252-curly-quotes", as_cp1252, "quotes"),
    ("cp1252-dashes", as_cp1252, "dashes"),
    ("cp1252-accented-names", as_cp1252, "names"),
    ("latin1-accented-names", as_latin1, "names"),
    ("cp1252-euro-pound", as_cp1252, "money"),
    ("cp1252-emoji", as_cp1252, "emoji"),
    ("cp1252-ellipsis", as_cp1252, "ellipsis"),
    ("cp1252-no-break-space", as_cp1252, "nbsp"),
    ("cp1252-trademark-degree", as_cp1252, "symbols"),
    ("cp1252-cyrillic-name", as_cp1252, "cyrillic"),
    ("cp1252-greek-name", as_cp1252, "greek"),
    ("double-cp1252-apostrophe", lambda t: as_cp1252(as_cp1252(t)), "apostrophe"),
    ("double-cp1252-names", lambda t: as_cp1252(as_cp1252(t)), "names"),
    ("latin1-then-cp1252-quotes", lambda t: as_cp1252(as_latin1(t)), "quotes"),
    ("mixed-on-one-line", lambda t: t[:30] + as_cp1252(t[30:]), "names"),
    ("cp1252-bytes-read-as-latin1", lambda t: t.encode("cp1252").decode("latin-1"), "quotes"),
    ("a0-as-space", lambda t: as_cp1252(t).replace("\u00a0", " "), "a_la"),
    ("mac-roman", as_macroman, "french"),
]


@pytest.mark.parametrize(("name", "damage", "key"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_inputs_mojibake_variant_repairs_to_clean_text(
    name: str, damage: Callable[[str], str], key: str
) -> None:
    original = CLEAN[key]
    broken = damage(original)
    assert broken != original
    expected = document_from_text(original).text
    for doc in (document_from_text(broken), document_from_bytes(broken.encode(), name)):
        assert Levenshtein.distance(doc.text, expected) <= TOLERANCE, (broken, doc.text)
        assert doc.repaired > 0


def test_inputs_mojibake_mixed_with_clean_paragraphs() -> None:
    article = "\n\n".join(
        [CLEAN["names"], as_cp1252(CLEAN["quotes"]), CLEAN["dashes"], as_latin1(CLEAN["money"])]
    )
    expected = "\n\n".join(CLEAN[k] for k in ("names", "quotes", "dashes", "money"))
    doc = document_from_text(article)
    assert doc.text == document_from_text(expected).text
    assert doc.repaired == Levenshtein.distance(article, expected)


def test_inputs_mojibake_count_is_the_edit_distance() -> None:
    assert repair_mojibake("he\u00e2\x80\x99s") == ("he\u2019s", 3)
    assert repair_mojibake("Caf\u00c3\u00a9 owners") == ("Caf\u00e9 owners", 2)
    assert document_from_text("The mayor\u00e2\x80\x99s plan.").repaired == 3


def test_inputs_mojibake_quote_rules_see_the_repaired_quotes() -> None:
    # Before the repair, clean() dropped the C1 controls and left "â...â the mayorâs".
    broken = as_latin1("\u201cWe will wait,\u201d the mayor\u2019s spokesman said on Monday.")
    doc = document_from_text(broken)
    assert doc.text == '"We will wait," the mayor\'s spokesman said on Monday.'
    assert classify_role(doc.text).role == QUOTE


def test_inputs_mojibake_heavy_text_is_no_longer_binary() -> None:
    # Over 1% C1 controls: refused as binary (E003) before the repair.
    broken = as_latin1("\u201cNo,\u201d she said. \u201cIt\u2019s the council\u2019s call.\u201d")
    doc = document_from_bytes(broken.encode(), "quotes.txt")
    assert doc.text == '"No," she said. "It\'s the council\'s call."'


CLEAN_TEXTS = [
    "Plain ASCII: the council met on Monday.",
    "\u201cCurly\u201d \u2018quotes\u2019, dashes \u2013 and \u2014, an ellipsis\u2026",
    "Ligatures and widths stay as written: \ufb01nal \uff21\uff22\uff23 caf\u00e9.",
    "Entities stay too: AT&amp;T, &lt;b&gt; and &#8217; in plain text.",
    "Names: \u0141\u00f3d\u017a, Dvo\u0159\u00e1k, Kraków, Reykjav\u00edk, \u00c6r\u00f8 and Stra\u00dfe.",
    "Numbers: \u00bd cup, 90 \u00b0C, \u00a9 2024, \u00a3180, \u20ac12 and 1\u00a0200 m.",
    "\u041c\u043e\u0441\u043a\u0432\u0430, \u0391\u03b8\u03ae\u03bd\u03b1, \u05e9\u05dc\u05d5\u05dd, "
    "\u4e2d\u6587 and \U0001f389.",
]


@pytest.mark.parametrize("text", CLEAN_TEXTS)
def test_inputs_mojibake_clean_text_is_untouched(text: str) -> None:
    assert repair_mojibake(text) == (text, 0)
    doc = document_from_text(text, sniff_html=False)
    assert doc.text == clean(text).strip()
    assert doc.repaired == 0


def test_inputs_mojibake_english_typography_skips_ftfy(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("ftfy was called")

    monkeypatch.setattr(inputs_module, "fix_text", refuse)
    text = CLEAN["apostrophe"] + "\n" + CLEAN["dashes"] + " \u201cQuoted\u2026\u201d \U0001f389"
    assert document_from_text(text).repaired == 0


@pytest.mark.parametrize(
    "data",
    [
        b"The council\x00 met on Monday.",
        bytes(range(1, 256)) * 8,
        random.Random(11).randbytes(4000).replace(b"\x00", b"\x01"),
        as_latin1("\x07\x08 binary \x01\x02 garbage \x03\x04").encode(),
    ],
)
def test_inputs_mojibake_binary_is_still_e003(data: bytes) -> None:
    with pytest.raises(InputError) as info:
        document_from_bytes(data, "blob.bin")
    assert info.value.code == "E003"


@pytest.mark.parametrize(
    ("words", "edits"),
    [
        (CLEAN["apostrophe"], 6),
        # No space follows an ASCII character: the line is cut after other spaces.
        ("\u041c\u043e\u0441\u043a\u0432\u0430 \u0438 \u041a\u0438\u0435\u0432", 22),
    ],
)
def test_inputs_mojibake_long_lines_are_repaired_in_segments(words: str, edits: int) -> None:
    copies = 3 * REPAIR_SEGMENT_CHARS // len(as_cp1252(words))
    line = " ".join([as_cp1252(words)] * copies)
    fixed, changed = repair_mojibake(line)
    assert fixed == " ".join([words] * copies)
    assert changed == edits * copies


@pytest.mark.slow
@pytest.mark.parametrize("separator", ["\n", " "])
def test_inputs_mojibake_two_megabytes_finish(separator: str) -> None:
    unit = as_cp1252(CLEAN["names"]) + separator + CLEAN["quotes"] + separator
    text = unit * (1_900_000 // len(unit.encode()))
    with hang_guard():
        doc = document_from_text(text)
    assert doc.repaired == 16 * text.count(unit)


#: Words of invented sentences; "™" alone is left out (ftfy keeps a lone "â„¢" as it is).
WORDS = [
    "The", "harbour", "master", "caf\u00e9", "na\u00efve", "Zo\u00eb", "M\u00fcller", "Jos\u00e9",
    "S\u00e3o", "Krak\u00f3w", "Dvo\u0159\u00e1k", "\u20ac12", "\u00a35", "90 \u00b0C", "\u00bd",
    "\u00a9", "\u201cwe", "wait\u201d", "\u2018yes\u2019", "it\u2019s", "\u2014", "\u2013",
    "\u2026", "\U0001f389", "\U0001f44d", "\u041c\u043e\u0441\u043a\u0432\u0430",
    "\u0391\u03b8\u03ae\u03bd\u03b1", "fa\u00e7ade", "\u00c6r\u00f8", "stra\u00dfe", "1,200",
    "said", "on", "Friday", "(see", "p.", "4)",
]  # fmt: skip
sentences = st.lists(st.sampled_from(WORDS), min_size=5, max_size=25).map(" ".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=sentences,
    codec=st.sampled_from(["latin-1", "sloppy-windows-1252"]),
    twice=st.booleans(),
)
def test_inputs_mojibake_invented_sentences_round_trip(text: str, codec: str, twice: bool) -> None:
    assert repair_mojibake(text) == (text, 0)
    broken = text.encode("utf-8").decode(codec)
    if twice:
        broken = broken.encode("utf-8").decode(codec)
    fixed, changed = repair_mojibake(broken)
    assert Levenshtein.distance(fixed, text) <= TOLERANCE, (broken, fixed)
    assert changed > 0 or text.isascii()


def test_inputs_mojibake_titles_are_repaired_wherever_they_enter() -> None:
    from veracity.batch.rows import title_of
    from veracity.service.schemas import Labels
    from veracity.text.inputs import clean_label

    broken = "Mayorâ€™s \u202eplan\u202c  for the\nharbour"
    assert clean_label(broken) == "Mayor's plan for the harbour"
    assert title_of(broken, "row 1") == clean_label(broken)
    assert Labels(title=broken).title == clean_label(broken)
