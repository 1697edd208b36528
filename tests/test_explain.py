"""The sentence map of the seed: roles, and which sentences push the verdict."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from veracity.analyze import Analyzer
from veracity.report import Report
from veracity.text.normalize import canonical

pytestmark = pytest.mark.data

#: The seed's three commentary sentences named in issue 3, identified by the sha256
#: (first 16 hex digits) of their canonical text, so none of the seed's text is copied here.
COMMENTARY = ("5ab4eb1bf90c858e", "8ae7a24d66909382", "d3ead818415c4918")


def _by_hash(report: Report, digest: str) -> list[int]:
    return [
        i
        for i, s in enumerate(report.sentences)
        if hashlib.sha256(canonical(s.text).encode()).hexdigest()[:16] == digest
    ]


@pytest.fixture(scope="module")
def seed_report(seed_path: Path) -> Report:
    return Analyzer.load().analyze(seed_path.read_text(encoding="utf-8"))


def _find(report: Report, needle: str) -> list[int]:
    return [i for i, s in enumerate(report.sentences) if needle in s.text]


def test_explain_reuters_sentences_are_attributed_or_quotes(seed_report: Report) -> None:
    needles = (
        "press secretary",
        "told reporters",
        "said in an emailed statement",
        "quoted russian",
    )
    for needle in needles:
        hits = _find(seed_report, needle)
        assert hits, needle
        for i in hits:
            assert seed_report.sentences[i].role in ("attributed", "quote"), seed_report.sentences[
                i
            ]


def test_explain_commentary_is_opinion_or_appeal(seed_report: Report) -> None:
    for needle in COMMENTARY:
        hits = _by_hash(seed_report, needle)
        assert len(hits) == 1, needle
        assert seed_report.sentences[hits[0]].role in ("opinion", "appeal")


@pytest.mark.parametrize("needle", COMMENTARY)
def test_explain_commentary_pushes_harder_than_any_attributed_sentence(
    seed_report: Report, needle: str
) -> None:
    attributed = [s.contribution for s in seed_report.sentences if s.role in ("attributed", "quote")]
    s = seed_report.sentences[_by_hash(seed_report, needle)[0]]
    assert s.contribution > 0
    assert s.contribution > max(attributed), (needle, s.contribution, max(attributed))


def test_explain_shares_sum_to_one_in_absolute_value(seed_report: Report) -> None:
    total = sum(abs(s.share) for s in seed_report.sentences)
    assert total == pytest.approx(1.0, abs=0.01)


def test_explain_page_furniture_moves_nothing(seed_report: Report) -> None:
    furniture = [s for s in seed_report.sentences if s.role == "boilerplate"]
    assert furniture
    assert all(s.contribution == 0 and not s.terms for s in furniture)
