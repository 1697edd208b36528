"""The commentary-rule trade-off of the wrapped task (``experiments/wrapped_rules.py``)."""

from __future__ import annotations

import pytest

from veracity.analyze import Analyzer
from veracity.experiments.wrapped_rules import (
    RULES,
    UNSOURCED,
    markdown,
    rule_rows,
    unsourced_subjective,
)
from veracity.report import Report

SOURCED = " ".join(
    f"The Corby council said on Monday that the budget for road {k} would rise by {k} percent, "
    "according to a statement from its finance office."
    for k in range(12)
)
OPINIONATED = SOURCED + (
    " Honestly, this is the most shameful waste of money we have ever seen."
    " Wake up, people, before these clowns ruin everything you love!"
    " Nobody with a shred of sense could possibly believe their pathetic excuses."
)


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    return Analyzer.load().analyze_many([SOURCED, OPINIONATED])


def test_wrapped_rules_count_unsourced_sentences_at_or_above_the_threshold(
    reports: list[Report],
) -> None:
    for report in reports:
        unsourced = [s for s in report.sentences if s.role in UNSOURCED]
        assert unsourced_subjective(report, 0.0) == len(unsourced)
        assert unsourced_subjective(report, 1.01) == 0
        counts = [unsourced_subjective(report, t) for t in (0.0, 0.3, 0.5, 0.7, 0.9)]
        assert counts == sorted(counts, reverse=True)
    assert unsourced_subjective(reports[1], 0.5) > unsourced_subjective(reports[0], 0.5)


def test_wrapped_rules_rows_start_from_todays_verdicts_and_only_remove_reliable(
    reports: list[Report],
) -> None:
    rows = rule_rows(reports, reports[:1], reports)
    assert len(rows) == len(RULES) + 1
    today = sum(r.verdict == "reliable" for r in reports) / len(reports)
    assert rows[0]["at_least"] is None and rows[0]["wrapped_left_reliable"] == round(today, 4)
    assert rows[0]["controls_moved"] == rows[0]["reliable_moved"] == 0.0
    for row, (k, t) in zip(rows[1:], RULES, strict=True):
        assert (row["at_least"], row["subjectivity"]) == (k, t)
        assert row["wrapped_left_reliable"] <= rows[0]["wrapped_left_reliable"]
        for key in ("controls_moved", "reliable_moved"):
            assert row[key] is None or 0.0 <= row[key] <= 1.0


def test_wrapped_rules_moved_share_is_none_without_a_reliable_verdict(
    reports: list[Report],
) -> None:
    unreliable = [r.model_copy(update={"verdict": "unreliable"}) for r in reports]
    rows = rule_rows(unreliable, unreliable, unreliable)
    assert all(row["wrapped_left_reliable"] == 0.0 for row in rows)
    assert all(row["controls_moved"] is None for row in rows[1:])


def test_wrapped_rules_markdown_has_a_row_per_rule(reports: list[Report]) -> None:
    text = markdown(rule_rows(reports, reports, reports), 2, 2)
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(table) == len(RULES) + 2
    assert "no rule" in table[1] and "k = 1, t = 0.5" in table[2]
    assert "2 wrapped articles" in text
