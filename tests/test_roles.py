"""Rule-based sentence roles, on sentences written for these tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.signals import lexicons as lx
from veracity.signals.roles import (
    APPEAL,
    ATTRIBUTED,
    BOILERPLATE,
    CLAIM,
    OPINION,
    QUESTION,
    QUOTE,
    UNNAMED_SOURCE,
    assign_roles,
    classify_role,
    lower_same_length,
    scan_cues,
)
from veracity.text.normalize import canonical, tokens

CASES = [
    ("The mayor said the bridge would reopen in May.", ATTRIBUTED),
    ("According to the county clerk, turnout fell by a third.", ATTRIBUTED),
    ("The budget is balanced, the treasurer told reporters on Monday.", ATTRIBUTED),
    ("The agency said in a statement that no staff were hurt.", ATTRIBUTED),
    ("A local paper quoted the fire chief as saying the blaze was contained.", ATTRIBUTED),
    ("Officials say the dam is safe.", ATTRIBUTED),
    ('"We will not back down," the union leader said.', QUOTE),
    ("The river rose two metres overnight.", CLAIM),
    ("It was reported that the minister resigned.", UNNAMED_SOURCE),
    ("This plan is an obvious and epic failure.", OPINION),
    ("It seems the council was right all along.", OPINION),
    ("We have always believed that the senator lies.", OPINION),
    ("Clearly the tax is a disgusting grab.", OPINION),
    ("Let's hope and pray the storm passes.", APPEAL),
    ("Share this with everyone you know before it is deleted!", APPEAL),
    ("We must stand up against this now.", APPEAL),
    ("Wake up, people!", APPEAL),
    ("Who is paying for all of this?", QUESTION),
    ("Featured image via a stock library.", BOILERPLATE),
    ("Click here to subscribe to our newsletter.", BOILERPLATE),
    ("H/t a reader.", BOILERPLATE),
    ("Copyright 2024 Example Media. All rights reserved.", BOILERPLATE),
]


@pytest.mark.parametrize(("sentence", "role"), CASES)
def test_roles_cased_prose(sentence: str, role: str) -> None:
    assert classify_role(sentence).role == role


@pytest.mark.parametrize(("sentence", "role"), CASES)
def test_roles_research_form_matches_prose(sentence: str, role: str) -> None:
    # The research form lower-cases, drops quotation marks and splits on apostrophes.
    research = canonical(sentence).replace(" s ", " s ")
    expected = ATTRIBUTED if role == QUOTE else role
    if role == BOILERPLATE and "/" in sentence:
        research = sentence.lower()
    assert classify_role(research).role == expected


def test_roles_cues_point_at_trigger_words() -> None:
    sentence = "The council voted, a spokeswoman said in an emailed statement."
    result = classify_role(sentence)
    assert result.role == ATTRIBUTED
    found = {sentence[a:b].lower() for a, b, _ in result.cues}
    assert "said" in found
    assert "in an emailed statement" in found
    assert "spokeswoman" in found


def test_roles_idioms_of_said_are_not_attribution() -> None:
    assert classify_role("That said, the plan has merit.").role != ATTRIBUTED
    assert classify_role("When all is said and done, prices rose.").role != ATTRIBUTED


def test_roles_long_sentence_with_late_credit_is_not_boilerplate() -> None:
    sentence = (
        "Lets hope the talks go well and that nobody gets hurt in the coming weeks "
        "of negotiation h/t a reader"
    )
    assert classify_role(sentence).role == APPEAL


#: Scraped page furniture, as it appears in cased prose and in the research form.
PAGE_FURNITURE = [
    ("Image:", "image :"),
    ("Featured image via Getty Images", "featured image via getty images"),
    ("Featured Image: Screenshot", "featured image : screenshot"),
    ("Photo: Getty Images", "photo : getty images"),
    ("Photo: Splash", "photo : splash"),
    ("(Photo by Alex Wong/Getty Images)", "( photo by alex wong / getty images )"),
    ("(Photo courtesy of the harbour trust.)", "( photo courtesy of the harbour trust . )"),
    ("(Image by a reader)", "( image by a reader )"),
    ("PlayVideo", "playvideo"),
    ("Share this article", "share this article"),
    ("Advertisement", "advertisement"),
    ("Click here to subscribe", "click here to subscribe"),
    ("Read more: Senate passes the harbour bill", "read more : senate passes the harbour bill"),
]


@pytest.mark.parametrize(("prose", "research"), PAGE_FURNITURE)
def test_roles_page_furniture_is_boilerplate(prose: str, research: str) -> None:
    assert classify_role(prose).role == BOILERPLATE
    assert classify_role(research).role == BOILERPLATE


@pytest.mark.parametrize(
    "line", ["PlayFBI Completes Review Of Harbour Files\u2026", "PlayTrump Speaks At Rally..."]
)
def test_roles_video_player_label_glued_to_a_headline_is_boilerplate(line: str) -> None:
    result = classify_role(line)
    assert result.role == BOILERPLATE
    assert [line[a:b] for a, b, _ in result.cues] == ["Play"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The photo showed the mayor at the pier.",
        "Photographs of the flood were shared widely on Monday.",
        "He showed one photo: the mayor at the pier, smiling.",
        "Video footage shows the driver was speeding.",
        "Imagine a town without a harbour.",
        "PlayStation sales rose by a third in Japan last year.",
        "Players waited for the rain to stop...",
        "Play resumed after the rain stopped...",
        "The mayor, seen at the pier (photo by a council aide), said the harbour would reopen "
        "in May after the repairs.",
    ],
)
def test_roles_real_sentences_are_not_page_furniture(sentence: str) -> None:
    assert classify_role(sentence).role != BOILERPLATE
    assert classify_role(canonical(sentence)).role != BOILERPLATE


#: Unnamed or vague sources (issue 18), in cased prose; the research form must agree.
UNNAMED = [
    "It has been widely reported that the deal is off.",
    "It was reported that the minister resigned.",
    "It's been reported that the minister resigned.",
    "It is widely reported that the deal is off.",
    "It is believed the fire started in the kitchen.",
    "Sources say the minister will resign.",
    "Sources said the minister will resign.",
    "Two sources told Reuters the minister will resign.",
    "Insiders say the board is split.",
    "Reports suggest the board is split.",
    "According to reports, the talks failed.",
    "According to unnamed officials, the talks failed.",
    "According to two people familiar with the matter, the talks failed.",
    "People familiar with the matter said the talks failed.",
    "The talks failed, said a person familiar with the matter.",
    "A nurse who asked not to be named said the ward was full.",
    "A nurse, who asked not to be named, told the BBC the ward was full.",
    "An official who spoke on condition of anonymity said the talks failed.",
    "The talks failed, an official said on condition of anonymity.",
    "An anonymous official said the talks failed.",
    "An unnamed nurse said the ward was full.",
    "Some people say the board is split.",
    "Many experts believe the board is split.",
    "People are saying the board is split.",
]


@pytest.mark.parametrize("sentence", UNNAMED)
def test_roles_unnamed_sources_in_prose_and_research_form(sentence: str) -> None:
    assert classify_role(sentence).role == UNNAMED_SOURCE
    assert classify_role(canonical(sentence)).role == UNNAMED_SOURCE
    tokenised = re.sub(r"(\w)([.,])", r"\1 \2", sentence.lower()).replace("'", " ")
    assert classify_role(tokenised).role == UNNAMED_SOURCE


def test_roles_vague_cue_covers_the_speech_verb() -> None:
    sentence = "It has been widely reported that the deal is off."
    result = classify_role(sentence)
    assert "It has been widely reported" in [sentence[a:b] for a, b, _ in result.cues]
    assert all(kind == "vague_source" for _, _, kind in result.cues)


def test_roles_quote_of_an_unnamed_speaker_is_not_a_quote() -> None:
    sentence = '"No true Republican would vote for this," a source close to the campaign said.'
    result = classify_role(sentence)
    assert result.role == UNNAMED_SOURCE and result.quoted
    assert [k for _, _, k in result.cues] == ["quotation", "vague_source"]
    assert classify_role(canonical(sentence)).role == UNNAMED_SOURCE
    inverted = '"No true Republican would vote for this," said a source close to the campaign.'
    assert classify_role(inverted).role == UNNAMED_SOURCE
    assert classify_role(canonical(inverted)).role == UNNAMED_SOURCE


@pytest.mark.parametrize(
    ("sentence", "named"),
    [
        ("The minister said on Tuesday that taxes would rise.", True),
        ("According to Reuters, the talks failed.", True),
        ("Officials say the dam is safe.", True),
        ("The mayor said the board is split, though sources close to the council disagree.", True),
        ("The ministry said in a statement that it was widely reported abroad.", True),
        ("An unidentified man was hurt in the blast.", False),
        ("The reports were filed on Monday.", False),
        ("He asked the court not to delay the case.", False),
    ],
)
def test_roles_named_source_stays_attributed_and_no_source_is_not_unnamed(
    sentence: str, named: bool
) -> None:
    """A named source keeps ``attributed`` even beside an unnamed one; words that only look like
    an unnamed source ("an unidentified man was hurt") are not one."""
    for form in (sentence, canonical(sentence)):
        role = classify_role(form).role
        assert role == ATTRIBUTED if named else role != UNNAMED_SOURCE


def test_roles_unnamed_source_starts_no_quote_continuation() -> None:
    sentences = [
        "a source close to the minister said : this is a serious moment .",
        "we are not going to accept that .",
        "nobody will accept this , sources told reporters .",
    ]
    roles = [r.role for r in assign_roles(sentences)]
    assert roles == [UNNAMED_SOURCE, CLAIM, UNNAMED_SOURCE]
    named = ["the minister said : this is a serious moment .", sentences[1]]
    assert [r.role for r in assign_roles(named)] == [ATTRIBUTED, QUOTE]


def test_roles_quote_continuation_in_research_form() -> None:
    sentences = [
        "the minister said : this is a serious moment .",
        "i would like to see the figures before we decide .",
        "we are not going to accept that .",
        "nobody will accept this , the spokesman told reporters .",
        "the vote was held on friday .",
    ]
    roles = [r.role for r in assign_roles(sentences)]
    assert roles == [ATTRIBUTED, QUOTE, QUOTE, ATTRIBUTED, CLAIM]


def test_roles_first_person_without_speaker_stays_opinion() -> None:
    roles = assign_roles(["the storm hit on monday .", "we think the response was too slow ."])
    assert [r.role for r in roles] == [CLAIM, OPINION]


def test_roles_hedges_are_counted() -> None:
    sentence = "It is possible that prices may be higher, perhaps much higher."
    assert classify_role(sentence).hedges >= 2


def test_roles_triggers_are_lower_case_words_of_letters() -> None:
    assert all(re.fullmatch("[a-z]+", word) for word in lx.TRIGGER_WORDS)


#: Trigger words and their near misses, glued to digits, underscores, apostrophes and marks.
_PIECES = st.sampled_from(
    ["said", "Said", "SAID", "claims", "must", "share", "we", "i", "think", "according", "to"]
    + ["unsaid", "said_", "_said", "said2", "2said", "it", "reported", "sources", "photo", ":"]
) | st.text(alphabet=st.characters(max_codepoint=0x2030), max_size=4)
_SEPARATORS = st.sampled_from(
    [" ", "  ", "'", "\u2019", ", ", ".", "\t", "\x01", "-", "\u00a0", "\n"]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(_PIECES, _SEPARATORS), max_size=14))
def test_roles_cues_found_from_tokens_equal_the_full_scan(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in pieces)
    words = tokens(text)
    low = lower_same_length(text)
    assert scan_cues(low, words) == scan_cues(low)
    assert classify_role(text, words) == classify_role(text)
    assert assign_roles([text, text], [words, words]) == assign_roles([text, text])


def _seed_sentences(path: Path) -> list[list[str]]:
    """The seed's lines, each split where research-form sentences are glued by a period."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        [p for p in re.split(r"(?<=[a-z]{2})\.(?=[a-z]{2})", line) if p.strip()] for line in lines
    ]


@pytest.mark.data
def test_roles_seed_reported_speech_is_attributed(seed_path: Path) -> None:
    parts = _seed_sentences(seed_path)
    flat = [p for line in parts for p in line]
    roles = assign_roles(flat)
    speech = re.compile(r"\b(said|told|quoted|reported :)\b")
    reported = [
        (s, r.role)
        for s, r in zip(flat, roles, strict=True)
        if speech.search(s) and not re.search(r"\bit was reported\b", s)
    ]
    assert len(reported) >= 8
    assert all(role in (ATTRIBUTED, QUOTE) for _, role in reported)


@pytest.mark.data
def test_roles_seed_commentary_is_opinion_or_appeal(seed_path: Path) -> None:
    parts = _seed_sentences(seed_path)
    flat = [p for line in parts for p in line]
    roles = assign_roles(flat)
    role_of = dict(zip(flat, (r.role for r in roles), strict=True))
    # The author's commentary: the hedge glued after line 1, and the first part of the
    # last two lines (the "we have all felt" line and the "lets hope" line).
    commentary = [parts[1][0], parts[-2][0], parts[-1][0]]
    assert all(role_of[s] in (OPINION, APPEAL) for s in commentary)
