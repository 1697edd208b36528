"""Reliability of ``Analyzer.analyze``: any text gives a valid report or a coded refusal.

Every report's sentence spans map back onto the analysed document text
(``document_from_text(text).text``, which ``analyze(str)`` analyses), every
cue and technique span lies inside it, and the report validates against
``report_schema.json``.  Heavy inputs run under a hang guard; nothing asserts
on wall-clock time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reliability_support import hang_guard
from veracity.analyze import Analyzer
from veracity.config import MAX_INPUT_BYTES
from veracity.errors import InputError, TooLargeError
from veracity.report import VERDICTS, Report, json_schema
from veracity.text.inputs import Document, document_from_bytes, document_from_text

PROPERTY = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SCHEMA = json_schema()
REFUSALS = {"E002", "E003", "E014"}

pieces = st.sampled_from(
    [
        "The minister said on Monday that the bridge would reopen. ",
        "\"It is a disgrace,\" he told reporters! ", "Why? ", "Mr. Smith of the U.S. Navy. ",
        "\u05d4\u05e9\u05e8 \u05d0\u05de\u05e8. ", "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631. ",
        "\U0001f600\U0001f1fa\U0001f1e6 ", "\u200f\u202e", "\x00\x07\x1b", "\n\n", "\r\n", "<p>",
        "</p>", "&amp; ", "WAKE UP PEOPLE!!! ", "allegedly ", "x" * 300, "1. 2. 3. ",
    ]
)  # fmt: skip
text_strategy = st.lists(
    pieces | st.text(st.characters(exclude_categories=()), max_size=60), max_size=14
).map("".join)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


def check_report(report: Report, doc: Document, schema: bool = True) -> None:
    """Spans map back and stay inside the text; values are finite; the schema holds."""
    text = doc.text
    last = 0
    for i, s in enumerate(report.sentences):
        assert s.index == i
        assert last <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        last = s.end
        for span in s.role_cues:
            assert s.start <= span.start <= span.end <= s.end, (span, s)
        for span in s.techniques:
            assert 0 <= span.start <= span.end <= len(text), span
        for word in s.words:
            assert s.start <= word.start < word.end <= s.end, (word, s)
            assert text[word.start : word.end] == word.text
        for value in (s.bias, s.subjectivity, s.checkworthy, s.contribution, s.share):
            assert value is None or math.isfinite(value)
    assert 0.0 <= report.probability <= 1.0
    assert report.verdict in VERDICTS
    assert report.input_kind == doc.kind
    assert all(math.isfinite(sig.value) for sig in report.signals)
    for reason in report.reasons:
        assert reason.sentences and all(text[e.start : e.end] == e.text for e in reason.evidence)
    if schema:
        data = report.to_dict()
        jsonschema.validate(data, SCHEMA)
        assert Report.from_dict(data).to_dict() == data


def analyze_or_refuse(
    analyzer: Analyzer, make: Callable[[], Document], schema: bool = True
) -> tuple[Report, Document] | None:
    """Analyse ``make()``'s document and check the report; None when input is refused."""
    try:
        doc = make()
    except InputError as err:
        assert err.code in REFUSALS, err
        return None
    with hang_guard():
        report = analyzer.analyze(doc)
    check_report(report, doc, schema)
    return report, doc


@PROPERTY
@given(text=text_strategy)
def test_reliability_analyzer_any_text_gives_a_valid_report(analyzer: Analyzer, text: str) -> None:
    result = analyze_or_refuse(analyzer, lambda: document_from_text(text))
    if result is None:
        with pytest.raises(InputError):
            analyzer.analyze(text)
        return
    report, doc = result
    direct = analyzer.analyze(text)
    assert [(s.start, s.end) for s in direct.sentences] == [
        (s.start, s.end) for s in report.sentences
    ]


@PROPERTY
@given(data=st.binary(max_size=400))
def test_reliability_analyzer_any_bytes_give_a_valid_report(
    analyzer: Analyzer, data: bytes
) -> None:
    analyze_or_refuse(analyzer, lambda: document_from_bytes(data, "<bytes>"))


@settings(PROPERTY, max_examples=25)
@given(texts=st.lists(text_strategy, min_size=1, max_size=5))
def test_reliability_analyzer_batch_equals_one_by_one(analyzer: Analyzer, texts: list[str]) -> None:
    docs = []
    for text in texts:
        try:
            docs.append(document_from_text(text))
        except InputError:
            continue
    assume(docs)
    with hang_guard():
        together = analyzer.analyze_many(docs)
        alone = [analyzer.analyze(doc) for doc in docs]
    for a, b in zip(together, alone, strict=True):
        a.created = b.created
        assert a.to_dict() == b.to_dict()


def test_reliability_analyzer_empty_batch_gives_no_reports(analyzer: Analyzer) -> None:
    assert analyzer.analyze_many([]) == []
    assert len(analyzer.verdicts([])) == 0


HOSTILE = {
    "control characters": "The mayor\x00 said\x07 the\x1b pier\x7f is\x85 safe.\x0c It is." * 20,
    "right-to-left and emoji": (
        "\u05d4\u05e9\u05e8 \u05d0\u05de\u05e8 \u05e9\u05d4\u05d2\u05e9\u05e8 \u05d9\u05d9\u05e4\u05ea\u05d7. "
        "\u200f\u202b\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064a\u0631!\u202c "
        "The mayor \U0001f1fa\U0001f1e6 said \U0001f468\u200d\U0001f469\u200d\U0001f467 it opens. "
    ) * 30,
    "ten thousand nested divs": (
        "<div>" * 10_000 + "<p>The harbour master said the pier was safe.</p>" + "</div>" * 10_000
    ),
    "unclosed markup": "<html><body>" + "<b><i><a href='" * 5_000,
    "only punctuation": "?!.\u2026" * 5_000,
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_reliability_analyzer_hostile_inputs(analyzer: Analyzer, name: str) -> None:
    data = HOSTILE[name].encode("utf-8")
    result = analyze_or_refuse(analyzer, lambda: document_from_bytes(data, name))
    if name == "ten thousand nested divs":
        assert result is not None
        report, doc = result
        assert doc.kind == "html"
        assert [s.text for s in report.sentences] == ["The harbour master said the pier was safe."]


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["x", "\U0001f600", "\u0634", "a."])
def test_reliability_analyzer_long_line_without_a_space(analyzer: Analyzer, unit: str) -> None:
    sizes = (250_000, 1_000_000) if unit == "a." else (500_000, MAX_INPUT_BYTES)
    for size in sizes:
        line = unit * (size // len(unit.encode()))
        result = analyze_or_refuse(analyzer, partial(document_from_text, line), False)
        assert result is not None
        assert len(result[0].sentences) == 1


@pytest.mark.slow
def test_reliability_analyzer_four_times_the_prose_finishes(analyzer: Analyzer) -> None:
    sentence = "The council said on Monday that the bridge would reopen in May, officials told us. "
    for size in (100_000, 400_000):
        text = (sentence * (size // len(sentence) + 1))[:size]
        result = analyze_or_refuse(analyzer, partial(document_from_text, text), False)
        assert result is not None
        assert len(result[0].sentences) == text.count(". ") + (not text.endswith(". "))


def test_reliability_analyzer_size_limit_and_empty_input(analyzer: Analyzer) -> None:
    with pytest.raises(TooLargeError) as over:
        analyzer.analyze("a" * (MAX_INPUT_BYTES + 1))
    assert over.value.code == "E004"
    with pytest.raises(InputError) as empty:
        analyzer.analyze(" \n\u200b\t")
    assert empty.value.code == "E002"
    at_limit = analyzer.analyze("a" * MAX_INPUT_BYTES)
    assert at_limit.sentences[0].end == MAX_INPUT_BYTES


def test_reliability_analyzer_chunked_batch_equals_one_by_one(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import veracity.analyze

    monkeypatch.setattr(veracity.analyze, "CHUNK", 2)
    texts = [
        f"The mayor said on day {i} that the bridge would reopen. We think it never will! "
        "Officials declined to comment."
        for i in range(5)
    ]
    together = analyzer.analyze_many(texts)
    alone = [analyzer.analyze(text) for text in texts]
    assert len(together) == 5
    for a, b in zip(together, alone, strict=True):
        a.created = b.created
        assert a.to_dict() == b.to_dict()


def test_reliability_analyzer_stop_is_checked_for_every_sentence_of_the_report(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Assembling a long article's report takes about a third of its analysis; a stop check
    between its sentences lets the service stop it there once the request's time has run out
    (before, the last check came before the assembly, and a late deadline went unseen)."""
    checks: list[bool] = []
    credited = False
    credit = analyzer._credit

    def note_credit(docs: Any, counts: Any, grams: Any) -> Any:
        nonlocal credited
        out = credit(docs, counts, grams)
        credited = True
        return out

    monkeypatch.setattr(analyzer, "_credit", note_credit)
    text = " ".join(f"Harbour {i} reopens. Council {i} agrees." for i in range(40))
    (report,) = analyzer.analyze_many([text], stop=lambda: checks.append(credited))
    assert sum(checks) > len(report.sentences) >= 80
