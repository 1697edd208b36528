"""The report's reasons: each kind on small reports written here, the choice of the three to five
main ones, and on analysed articles (random ones, and 400 from the corpora) every reason names a
sentence and every evidence span slices the input to the text shown."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any, Literal

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from veracity.analyze import Analyzer
from veracity.explain.reasons import MAX_REASONS, MIN_REASONS, find_reasons
from veracity.report import Report, SentenceReport, json_schema
from veracity.report_records import Match, Provenance, Reason, Span, TechniqueSpan
from veracity.signals.reasoning import RELIABLE, Finding, ReasonKind, ReasonView, counted
from veracity.signals.reasons_table import REASON_KINDS
from veracity.text.inputs import document_from_text

#: One sentence of a report written by hand: its text, role, push, and its cues and technique
#: spans as (words, label) found in the text.
Line = tuple[str, str, float, Sequence[tuple[str, str]], Sequence[tuple[str, str]]]


def _report(
    lines: Sequence[Line], archive: Sequence[Literal["supported", "added"]] = ()
) -> tuple[str, list[SentenceReport]]:
    """The text and the sentences of ``lines``; ``archive`` gives each sentence's provenance."""
    text = " ".join(line[0] for line in lines)
    total = sum(abs(line[2]) for line in lines) or 1.0
    sentences, pos = [], 0
    for i, (words, role, push, cues, techniques) in enumerate(lines):
        start = text.index(words, pos)
        pos = start + len(words)

        def spans(
            found: Sequence[tuple[str, str]],
            make: type[Span] = Span,
            start: int = start,
            words: str = words,
        ) -> list[Span]:
            return [
                make(start + words.index(w), start + words.index(w) + len(w), label, 0.6)
                for w, label in found
            ]

        status = archive[i] if archive else None
        sentences.append(
            SentenceReport.model_validate(
                {
                    "index": i,
                    "start": start,
                    "end": pos,
                    "text": words,
                    "role": role,
                    "role_cues": spans(cues),
                    "techniques": spans(techniques, TechniqueSpan),
                    "bias": 0.5,
                    "subjectivity": 0.5,
                    "checkworthy": 0.5,
                    "contribution": push,
                    "share": round(push / total, 4),
                    "words": [],
                    "provenance": None
                    if status is None
                    else Provenance(status, [Match("w1", "wire", "2026-01-05", "T", "p", 0.9)]),
                }
            )
        )
    return text, sentences


def _by_kind(reasons: Sequence[Reason]) -> dict[str, Reason]:
    return {r.kind: r for r in reasons}


def _check(text: str, reasons: Sequence[Reason], sentences: Sequence[Any]) -> None:
    """Every reason names a sentence and its evidence slices ``text`` to the text shown; 3-5
    reasons (fewer only when fewer sentences push), largest share first."""
    pushed = ReasonView.of(sentences).pushed
    assert min(MIN_REASONS, pushed) <= len(reasons) <= MAX_REASONS
    assert [r.share for r in reasons] == sorted((r.share for r in reasons), reverse=True)
    for r in reasons:
        assert r.sentences and all(0 <= i < len(sentences) for i in r.sentences)
        assert 0 < r.share <= 1 and r.direction in ("reliable", "unreliable")
        assert r.evidence and r.text
        for e in r.evidence:
            assert text[e.start : e.end] == e.text


CLAIM = ("Prices rose again this year in the city.", "claim", 0.3, (), ())


def test_reasons_unsourced_counts_claims_and_opinion() -> None:
    lines: list[Line] = [CLAIM] * 5 + [
        ("I think the plan is bad.", "opinion", 0.4, [("I think", "first_person_view")], ()),
        ("We believe it will fail.", "opinion", 0.2, [("We believe", "first_person_view")], ()),
        ("The mayor said it would pass.", "attributed", -0.1, [("said", "speech_verb")], ()),
        ("Officials said so too.", "attributed", -0.1, [("said", "speech_verb")], ()),
        ("Share this now.", "boilerplate", 0.0, [("Share this", "boilerplate")], ()),
    ]
    text, sentences = _report(lines)
    reasons = find_reasons(sentences)
    unsourced = _by_kind(reasons)["unsourced"]
    assert unsourced.text == "7 of 10 sentences are unattributed claims or opinion"
    assert unsourced.direction == "unreliable" and unsourced.sentences == list(range(7))
    assert unsourced.share == pytest.approx(2.1 / 2.3, abs=1e-4)
    assert unsourced.evidence[0].text == "I think the plan is bad."
    _check(text, reasons, sentences)


def test_reasons_loaded_words_from_evaluative_cues_and_emotive_loaded_spans() -> None:
    lines: list[Line] = [
        (
            "This is a disgrace and a betrayal.",
            "opinion",
            0.8,
            [("disgrace", "evaluative"), ("betrayal", "evaluative")],
            (),
        ),
        (
            "The hateful insiders won again.",
            "claim",
            0.5,
            (),
            [("hateful insiders", "Loaded_Language")],
        ),
        ("The central office opened.", "claim", 0.2, (), [("central", "Loaded_Language")]),
        ("Critics said it was a disgrace.", "attributed", 0.1, [("said", "speech_verb")], ()),
    ]
    text, sentences = _report(lines)
    loaded = _by_kind(find_reasons(sentences))["loaded_words"]
    assert loaded.text == "loaded words: disgrace, betrayal, hateful insiders"
    assert [e.text for e in loaded.evidence] == ["disgrace", "betrayal", "hateful insiders"]
    assert loaded.sentences == [0, 1]
    _check(text, find_reasons(sentences), sentences)


def test_reasons_calls_to_action_and_questions_in_words() -> None:
    lines: list[Line] = [
        CLAIM,
        ("We must act now.", "appeal", 0.6, [("We must", "must")], ()),
        ("Share the truth today.", "appeal", 0.5, [("Share", "imperative")], ()),
        ("Who pays for this?", "question", 0.4, [("?", "question")], ()),
    ]
    text, sentences = _report(lines)
    found = _by_kind(find_reasons(sentences))
    assert found["calls_to_action"].text == "two calls to action"
    assert [e.text for e in found["calls_to_action"].evidence] == ["We must", "Share"]
    assert found["questions"].text == "one question in the author's own voice"
    assert [e.text for e in found["questions"].evidence] == ["Who pays for this?"]
    _check(text, find_reasons(sentences), sentences)


def test_reasons_unnamed_sources_and_exclamations() -> None:
    lines: list[Line] = [
        (
            "Sources say the deal is dead!",
            "unnamed_source",
            0.7,
            [("Sources say", "vague_source")],
            (),
        ),
        (
            "It was reported that he left!!",
            "unnamed_source",
            0.6,
            [("It was reported", "vague_source")],
            (),
        ),
        ("The firm said profits rose.", "attributed", -0.2, [("said", "speech_verb")], ()),
    ]
    text, sentences = _report(lines)
    found = _by_kind(find_reasons(sentences))
    assert found["unnamed_sources"].text == "two sentences cite only unnamed sources"
    assert [e.text for e in found["unnamed_sources"].evidence] == ["Sources say", "It was reported"]
    assert found["exclamations"].text == "three exclamation marks in the author's own voice"
    assert [e.text for e in found["exclamations"].evidence] == [
        "the deal is dead!",
        "reported that he left!!",
    ]


def test_reasons_unnamed_sources_are_unsourced_not_sourced() -> None:
    lines: list[Line] = [
        CLAIM,
        (
            '"It is over," a source close to the club said.',
            "unnamed_source",
            0.5,
            [('"It is over,"', "quotation"), ("source close to the club said", "vague_source")],
            (),
        ),
        ("The club said it would appeal.", "attributed", -0.2, [("said", "speech_verb")], ()),
    ]
    text, sentences = _report(lines)
    found = _by_kind(find_reasons(sentences))
    assert found["unsourced"].text == "2 of 3 sentences are unattributed claims or opinion"
    assert found["unsourced"].sentences == [0, 1]
    assert found["unnamed_sources"].text == "one sentence cites only unnamed sources"
    assert [e.text for e in found["unnamed_sources"].evidence] == ["source close to the club said"]
    assert found["sourced"].sentences == [2]
    _check(text, find_reasons(sentences), sentences)


def test_reasons_sourced_and_plain_claims_push_towards_reliable() -> None:
    lines: list[Line] = [
        ("The ministry said exports rose.", "attributed", -0.6, [("said", "speech_verb")], ()),
        (
            "According to the agency, prices fell.",
            "attributed",
            -0.4,
            [("According to", "according_to")],
            (),
        ),
        (
            '"We are pleased," the chief told reporters.',
            "quote",
            -0.3,
            [("told reporters", "told")],
            (),
        ),
        ("Trade grew in the third quarter.", "claim", -0.5, (), ()),
        ("Imports were flat.", "claim", 0.1, (), ()),
    ]
    text, sentences = _report(lines)
    found = _by_kind(find_reasons(sentences))
    sourced = found["sourced"]
    assert sourced.text == "3 of 5 sentences are attributed reporting or quotes"
    assert sourced.direction == "reliable" and sourced.share == pytest.approx(1.3 / 1.9, abs=1e-4)
    assert [e.text for e in sourced.evidence] == ["said", "According to", "told reporters"]
    plain = found["plain_claims"]
    assert plain.text == "1 of 5 sentences is a plain statement worded like reliable reporting"
    assert plain.sentences == [3] and plain.direction == "reliable"
    _check(text, find_reasons(sentences), sentences)


def test_reasons_strongest_sentence_and_its_direction() -> None:
    lines: list[Line] = [
        CLAIM,
        ("The court said the law stands.", "attributed", -1.5, [("said", "speech_verb")], ()),
        ("Rents went up.", "claim", 0.2, (), ()),
    ]
    text, sentences = _report(lines)
    strong = _by_kind(find_reasons(sentences))["strong_sentence"]
    assert strong.text == "sentence 2, attributed reporting, pushes strongly towards reliable"
    assert strong.sentences == [1] and strong.evidence[0].text == "The court said the law stands."


def test_reasons_copied_wire_with_added_unsourced_sentences() -> None:
    lines: list[Line] = [
        (
            "The port authority said volumes rose.",
            "attributed",
            -0.2,
            [("said", "speech_verb")],
            (),
        ),
        ("A spokeswoman said Asia led.", "attributed", -0.1, [("said", "speech_verb")], ()),
        ("They are hiding the real numbers.", "claim", 0.9, (), ()),
        ("Everyone knows it is a scam.", "opinion", 0.8, [("scam", "evaluative")], ()),
    ]
    text, sentences = _report(lines, archive=["supported", "supported", "added", "added"])
    copied = _by_kind(find_reasons(sentences))["copied_wire"]
    assert copied.text == "copies wire reporting but adds 2 unsourced sentences"
    assert copied.sentences == [2, 3] and copied.direction == "unreliable"
    assert copied.evidence[0].text == "They are hiding the real numbers."
    _, without_archive = _report(lines)
    assert "copied_wire" not in _by_kind(find_reasons(without_archive))


def test_reasons_a_kind_pushed_against_its_lean_is_no_reason() -> None:
    lines: list[Line] = [
        ("We must plant more trees.", "appeal", -0.9, [("We must", "must")], ()),
        ("The council said it agrees.", "attributed", 0.4, [("said", "speech_verb")], ()),
        ("Rents went up.", "claim", 0.2, (), ()),
    ]
    text, sentences = _report(lines)
    found = _by_kind(find_reasons(sentences))
    assert "calls_to_action" not in found and "sourced" not in found
    _check(text, find_reasons(sentences), sentences)


def test_reasons_three_to_five_largest_share_first() -> None:
    lines: list[Line] = [
        ("Sources say it is a disgrace!", "unnamed_source", 0.9, [("Sources say", "vague_source"), ("disgrace", "evaluative")], ()),
        ("We must stop them.", "appeal", 0.7, [("We must", "must")], ()),
        ("Who benefits?", "question", 0.5, [("?", "question")], ()),
        ("The agency said costs rose.", "attributed", -0.4, [("said", "speech_verb")], ()),
        ("Costs rose by four percent.", "claim", -0.3, (), ()),
    ]  # fmt: skip
    text, sentences = _report(lines)
    reasons = find_reasons(sentences)
    assert len(reasons) == MAX_REASONS
    _check(text, reasons, sentences)
    _check(text, find_reasons(sentences[:2]), sentences[:2])
    _, quiet = _report([("Share this.", "boilerplate", 0.0, (), ())])
    assert find_reasons(quiet) == []


def test_reasons_a_kind_with_a_tiny_share_only_fills_in() -> None:
    lines: list[Line] = [
        ("The agency said costs rose.", "attributed", -2.0, [("said", "speech_verb")], ()),
        ("Costs rose by four percent.", "claim", -1.5, (), ()),
        ("Prices fell in May.", "claim", -1.0, (), ()),
        ("Who pays?", "question", 0.01, [("?", "question")], ()),
    ]
    text, sentences = _report(lines)
    reasons = find_reasons(sentences)
    assert "questions" not in _by_kind(reasons)
    _check(text, reasons, sentences)


def _long_sentences(view: ReasonView) -> list[Finding]:
    long = [s for s in view.sentences if len(s.text.split()) >= 6]
    return [Finding(counted(len(long)), long, lambda: [(s.start, s.end, s.text) for s in long])]


def test_reasons_a_new_kind_is_one_table_entry() -> None:
    kind = ReasonKind("long", "{n} long sentence{s}", RELIABLE, "sentence length", _long_sentences)
    lines: list[Line] = [
        (
            "The ministry said exports rose again.",
            "attributed",
            -0.6,
            [("said", "speech_verb")],
            (),
        ),
        ("Rents went up.", "claim", 0.1, (), ()),
    ]
    text, sentences = _report(lines)
    reasons = _by_kind(find_reasons(sentences, (*REASON_KINDS, kind)))
    assert reasons["long"].text == "one long sentence" and reasons["long"].sentences == [0]


def test_reasons_kinds_are_declared_once_in_plain_words() -> None:
    names = [k.name for k in REASON_KINDS]
    assert len(set(names)) == len(names)
    for kind in REASON_KINDS:
        plain = re.sub(r"\{\w+\}", "", kind.template)
        assert "_" not in plain and ":" not in plain.replace("loaded words:", "")
        assert kind.rests_on and kind.lean in (None, "reliable", "unreliable")


def test_reasons_a_1_1_report_without_reasons_still_loads() -> None:
    data = Analyzer.load().analyze(" ".join(line[0] for line in [CLAIM] * 8)).to_dict()
    old = {k: v for k, v in data.items() if k != "reasons"} | {"schema_version": "1.1"}
    report = Report.from_dict(old)
    assert report.reasons == [] and report.schema_version == "1.1"
    jsonschema.validate(report.to_dict(), json_schema())
    assert list(data)[list(data).index("abstain_reason") + 1] == "reasons"


WORDS = (
    "the", "minister", "said", "according to", "!", "\"we", "will\"", "must", "disgrace",
    "sources say", "?", "we", "think", "corrupt", "officials", "told reporters", "share this",
    "Let's", "pray", "disaster", "bridge", "reopen", "Monday", "it was reported", ".", ",",
    "\u201cno", "comment,\u201d", "hateful", "betrayal",
)  # fmt: skip
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(
    lambda words: " ".join(words).capitalize() + "."
)
article = st.lists(sentence, min_size=1, max_size=12).map(" ".join)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(article)
def test_reasons_of_random_articles_name_sentences_and_slice_the_input(
    analyzer: Analyzer, article: str
) -> None:
    doc = document_from_text(article)
    report = analyzer.analyze(doc)
    _check(doc.text, report.reasons, report.sentences)


@pytest.mark.data
@pytest.mark.slow
def test_reasons_of_400_corpus_articles_name_sentences_and_slice_the_input(
    analyzer: Analyzer, data_root: Any
) -> None:
    from veracity.data.pipeline import load_articles

    frame, _ = load_articles(data_root)
    rows = random.Random(18).sample(range(len(frame)), 400)
    docs = [document_from_text(frame["text"].iloc[i]) for i in rows]
    reports = analyzer.analyze_many(docs)
    located = 0
    for doc, report in zip(docs, reports, strict=True):
        _check(doc.text, report.reasons, report.sentences)
        for s in report.sentences:
            located += bool(s.words)
            assert all(doc.text[w.start : w.end] == w.text for w in s.words)
    # Each pushed sentence's words are found in it (none only where tokens and text disagree).
    pushed = sum(1 for r in reports for s in r.sentences if s.contribution)
    assert located >= 0.95 * pushed
