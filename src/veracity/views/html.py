"""The standalone HTML report: highlighted sentences, details on hover/focus, no external assets.

All article text goes through Jinja2 autoescaping: an article containing
``<script>`` shows those characters and runs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..report import Report, SentenceReport
from ..report_records import TechniqueSpan
from .terminal import (
    LISTED_SENTENCES,
    TECHNIQUE_NOTE,
    TERMS_NOTE,
    evidence_texts,
    named_techniques,
    near_the_line,
    push_numbers,
    push_words,
    technique_words,
)

if TYPE_CHECKING:
    from jinja2 import Environment

ROLE_LABELS = {
    "attributed": "attributed reporting",
    "quote": "direct quote",
    "unnamed_source": "unnamed source",
    "claim": "unattributed claim",
    "opinion": "opinion / editorialising",
    "appeal": "appeal / call to action",
    "question": "question",
    "boilerplate": "boilerplate",
}


@dataclass
class Piece:
    """A run of article text: plain, or inside a technique mark."""

    text: str
    technique: str | None = None
    score: float = 0.0
    strength: str = ""


@cache
def _env() -> Environment:
    # Imported here: ``veracity check`` loads this module but renders HTML only with --html,
    # and Jinja2 costs about 40 ms of its cold start.
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("veracity.views", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _pieces(sentence: SentenceReport, text: str) -> list[Piece]:
    """Split a sentence into plain and technique-marked runs (no overlaps)."""
    out: list[Piece] = []
    pos = sentence.start
    spans: list[TechniqueSpan] = sorted(sentence.techniques, key=lambda s: (s.start, -s.end))
    for span in spans:
        start, end = max(span.start, pos), min(span.end, sentence.end)
        if start >= end:
            continue
        if start > pos:
            out.append(Piece(text[pos:start]))
        out.append(Piece(text[start:end], span.label, span.score, span.strength))
        pos = end
    if pos < sentence.end:
        out.append(Piece(text[pos : sentence.end]))
    return out


def article_blocks(report: Report, text: str) -> list[dict[str, object]]:
    """The article as a list of gaps and sentences, ready for a template."""
    blocks: list[dict[str, object]] = []
    pos = 0
    for s in report.sentences:
        if s.start > pos:
            blocks.append({"gap": text[pos : s.start]})
        blocks.append(
            {"sentence": s, "pieces": _pieces(s, text), "role_label": ROLE_LABELS[s.role]}
        )
        pos = s.end
    if pos < len(text):
        blocks.append({"gap": text[pos:]})
    return blocks


def _render(template: str, report: Report, text: str) -> str:
    return (
        _env()
        .get_template(template)
        .render(
            report=report,
            blocks=article_blocks(report, text),
            role_labels=ROLE_LABELS,
            terms_note=TERMS_NOTE,
            technique_note=TECHNIQUE_NOTE,
            near=near_the_line(report),
            push_words=push_words,
            push_numbers=push_numbers,
            technique_words=technique_words,
            named_techniques=named_techniques,
            evidence_texts=evidence_texts,
            listed=LISTED_SENTENCES,
        )
    )


def render_html(report: Report, text: str) -> str:
    """A complete, self-contained HTML page for ``report``."""
    return _render("report.html.j2", report, text)


def render_fragment(report: Report, text: str) -> str:
    """Only the report body (reasons, verdict, signals, article), for embedding in the service
    page."""
    return _render("fragment.html.j2", report, text)
