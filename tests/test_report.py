"""Every report validates against the versioned JSON schema, and round-trips."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from veracity.analyze import Analyzer
from veracity.report import (
    SCHEMA_VERSION,
    Report,
    SentenceReport,
    generate_schema,
    json_schema,
    schema_text,
)
from veracity.signals.table import SENTENCE_SIGNALS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.load()


def test_report_schema_is_versioned() -> None:
    schema = json_schema()
    version = schema["properties"]["schema_version"]
    assert version["default"] == SCHEMA_VERSION and version["enum"] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        SCHEMA_VERSION,
    ]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_report_schema_file_is_generated_from_the_models() -> None:
    shipped = Path(__file__).resolve().parents[1] / "src" / "veracity" / "report_schema.json"
    assert shipped.read_text(encoding="utf-8") == schema_text(), "run: python -m veracity.report"
    assert json_schema() == generate_schema()


def test_report_sentence_fields_follow_the_signal_table() -> None:
    signals = [s.name for s in SENTENCE_SIGNALS]
    assert list(SentenceReport.model_fields) == [
        *("index", "start", "end", "text"),
        *signals,
        *("contribution", "share", "words", "provenance", "debug"),
    ]
    described = generate_schema()["$defs"]["SentenceReport"]["properties"]
    assert [described[s.name]["title"] for s in SENTENCE_SIGNALS] == [
        s.label for s in SENTENCE_SIGNALS
    ]


@pytest.mark.parametrize("name", ["wrapped_wire_story.txt", "wire_report.txt"])
def test_report_examples_validate_and_round_trip(analyzer: Analyzer, name: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    report = analyzer.analyze(text)
    data = report.to_dict()
    jsonschema.validate(data, json_schema())
    assert Report.from_dict(data).to_dict() == data
    assert Report.from_dict(data) == report
    assert [list(s) for s in data["sentences"]] == [list(SentenceReport.model_fields)] * len(
        report.sentences
    )
    assert json.loads(report.to_json()) == data


def test_report_sentence_offsets_map_back(analyzer: Analyzer) -> None:
    text = (EXAMPLES / "wrapped_wire_story.txt").read_text(encoding="utf-8")
    report = analyzer.analyze(text)
    for s in report.sentences:
        assert text[s.start : s.end] == s.text
        for span in s.techniques + s.role_cues:
            assert s.start <= span.start < span.end <= s.end


def test_report_short_text_is_uncertain(analyzer: Analyzer) -> None:
    report = analyzer.analyze("The mayor said the road reopened.")
    assert report.verdict == "uncertain"
    assert report.abstain_reason and "too short" in report.abstain_reason
    jsonschema.validate(report.to_dict(), json_schema())


@pytest.mark.data
def test_report_seed_validates(analyzer: Analyzer, seed_path: Path) -> None:
    report = analyzer.analyze(seed_path.read_text(encoding="utf-8"))
    jsonschema.validate(report.to_dict(), json_schema())


def test_report_verdicts_in_chunks_equal_one_at_a_time(
    analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import veracity.analyze

    texts = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.txt"))]
    texts += ["Too short.", texts[0] + " Officials said so on Friday."]
    alone = [analyzer.verdicts([t])[0] for t in texts]
    monkeypatch.setattr(veracity.analyze, "CHUNK", 2)
    assert analyzer.verdicts(texts) == alone
    assert analyzer.probabilities(texts).tolist() == [v.probability for v in alone]


def test_report_id_covers_the_title_as_the_service_history_does(analyzer: Analyzer) -> None:
    from dataclasses import replace

    from veracity.text.inputs import content_hash, document_from_text

    doc = document_from_text(
        "The council said on Monday that the harbour bridge would reopen in May after repairs."
    )
    plain = analyzer.analyze(doc)
    titled = analyzer.analyze(replace(doc, title="Harbour bridge to reopen"))
    assert plain.id == content_hash(doc.text)[:16]
    assert titled.id == content_hash(doc.text, "Harbour bridge to reopen")[:16] != plain.id
    assert titled.title == "Harbour bridge to reopen" and plain.title is None
