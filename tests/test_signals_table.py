"""The article signals are declared once: a new one is a table entry, and every face shows it."""

from __future__ import annotations

import jsonschema

from veracity.analyze import Analyzer
from veracity.models.folder import load_model
from veracity.report import Report, json_schema
from veracity.signals.article import SIGNALS, article_signals
from veracity.signals.table import ARTICLE_SIGNALS, ArticleSignal, ArticleView, signal_table
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
