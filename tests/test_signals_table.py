"""Every signal is declared once: a new one is a table entry (and, for a sentence signal, a field
of the component that makes it), and the report, its schema and every face show it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import jsonschema
import pytest

from veracity.analyze import Analyzer
from veracity.doc import Doc
from veracity.models.folder import load_model
from veracity.report import Report, generate_schema, json_schema
from veracity.signals import SentenceSignals, SignalAnalyzer, table
from veracity.signals.article import SIGNALS, article_signals
from veracity.signals.table import (
    ARTICLE_SIGNALS,
    PROBABILITY,
    SENTENCE_SIGNALS,
    ArticleSignal,
    ArticleView,
    SentenceSignal,
    signal_table,
)
from veracity.stopping import Stop, go_on
from veracity.views.html import render_html
from veracity.views.terminal import render_terminal

TEXT = (
    "The council said on Monday that the harbour bridge would reopen in May after repairs. "
    "We all know they never keep their word! Officials declined to comment on the delay. "
    "Residents should demand answers before it is too late."
)


def _question_share(view: ArticleView) -> float:
    return view.role_share("question")


QUESTIONS = ArticleSignal(
    "question_share",
    "Questions",
    "share of sentences that ask a question",
    "roles",
    _question_share,
)


def test_signals_table_names_are_unique_and_every_signal_has_a_label() -> None:
    assert len(signal_table()) == len(ARTICLE_SIGNALS)
    assert tuple(signal_table()) == SIGNALS
    assert all(s.label and s.description and s.made_by for s in ARTICLE_SIGNALS)


def test_signals_table_a_new_signal_is_one_entry_and_every_face_shows_it() -> None:
    """Adding a signal touches the table only: the report, its schema check, the terminal and
    the HTML view, and the round trip all carry it with no other change."""
    table = (*ARTICLE_SIGNALS, QUESTIONS)
    analyzer = Analyzer(load_model(), signal_table=table)
    report = analyzer.analyze(TEXT + " Who will pay for it?")
    got = {s.name: s for s in report.signals}
    assert list(got) == [*SIGNALS, "question_share"]
    assert got["question_share"].label == "Questions" and got["question_share"].value > 0
    jsonschema.validate(report.to_dict(), json_schema())
    assert Report.from_dict(report.to_dict()).to_dict() == report.to_dict()
    assert "Questions" in render_terminal(report, color=False)
    assert 'data-signal="question_share"' in render_html(report, TEXT)


def test_signals_table_default_report_reads_labels_from_the_table() -> None:
    report = Analyzer.load().analyze(TEXT)
    labels = {s.name: s.label for s in ARTICLE_SIGNALS}
    assert [(s.name, s.label) for s in report.signals] == list(labels.items())
    assert article_signals(TEXT, []) == dict.fromkeys(SIGNALS, 0.0)


def test_signals_table_sentence_signals_are_declared_with_their_article_summary() -> None:
    article = signal_table()
    assert len({s.name for s in SENTENCE_SIGNALS}) == len(SENTENCE_SIGNALS)
    for s in SENTENCE_SIGNALS:
        assert s.level == "sentence" and s.label and s.description and s.made_by
        assert all(article[name].made_by == s.made_by for name in s.aggregated_by)
        assert s.name in {f.name for f in fields(SentenceSignals)}
    assert {s.level for s in ARTICLE_SIGNALS} == {"article"}


@dataclass
class _ExclaimSignals(SentenceSignals):
    exclaims: float = 0.0


def _exclaiming(real: object) -> object:
    """A toy component: the real sentence signals plus ``exclaims``, 1 when a sentence ends
    with "!"."""

    def analyze_many(
        self: SignalAnalyzer, docs: Sequence[Doc], stop: Stop = go_on
    ) -> list[list[SentenceSignals]]:
        out = real(self, docs, stop)  # type: ignore[operator]
        return [
            [
                _ExclaimSignals(
                    **{f.name: getattr(s, f.name) for f in fields(s)},
                    exclaims=float(doc.text[s.start : s.end].rstrip().endswith("!")),
                )
                for s in sentences
            ]
            for doc, sentences in zip(docs, out, strict=True)
        ]

    return analyze_many


def test_signals_table_a_new_sentence_signal_is_one_entry_and_every_face_shows_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Adding a sentence signal touches the table and the component only: each sentence of the
    report, the generated schema, the round trip, the terminal and the HTML view carry it."""
    exclaims = SentenceSignal(
        "exclaims", "exclamation", "1 when the sentence ends with !", "toy", PROBABILITY
    )
    monkeypatch.setattr(table, "SENTENCE_SIGNALS", (*SENTENCE_SIGNALS, exclaims))
    monkeypatch.setattr(SignalAnalyzer, "analyze_many", _exclaiming(SignalAnalyzer.analyze_many))
    report = Analyzer(load_model()).analyze(TEXT)
    data = report.to_dict()
    assert [s["exclaims"] for s in data["sentences"]] == [0.0, 1.0, 0.0, 0.0]
    assert list(data["sentences"][0])[-6:] == [
        *("exclaims", "contribution", "share", "words", "provenance", "debug")
    ]
    schema = generate_schema(type(report))
    assert schema["$defs"]["SentenceReport"]["properties"]["exclaims"]["title"] == "exclamation"
    jsonschema.validate(data, schema)
    assert type(report).from_dict(data).to_dict() == data
    assert "exclamation 1.00" in render_terminal(report, color=False)
    assert "exclamation 1.00" in render_html(report, TEXT)
