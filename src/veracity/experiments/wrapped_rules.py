"""What a commentary rule would cost: the trade-off behind the wrapped-copy target.

Issue 18 asks that at most 10% of the wrapped articles (:mod:`.wrapped`) be judged reliable.
The most direct lever is an article rule: *at least k unsourced sentences (roles claim,
opinion, appeal or question) with subjectivity of at least t make the verdict at least
uncertain*.  For a grid of ``(k, t)`` this measures, on each pipeline's own reports:

- the share of the wrapped articles the rule would leave judged reliable (the target's figure);
- the share of the same articles with their commentary lines removed (wire copy alone) that
  are judged reliable and that the rule would move out of "reliable";
- the same share for a seeded sample of reliable articles from every shared corpus.

No rule is applied to any verdict: the table is the measurement that decides whether one is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..report import Report
from ..signals.roles import APPEAL, CLAIM, OPINION, QUESTION

#: The roles of a sentence that no source speaks.
UNSOURCED = frozenset((CLAIM, OPINION, APPEAL, QUESTION))
#: The rules measured: (at least k sentences, subjectivity at least t).
RULES: tuple[tuple[int, float], ...] = (
    (1, 0.5),
    (1, 0.7),
    (1, 0.9),
    (2, 0.5),
    (2, 0.7),
    (2, 0.9),
    (3, 0.5),
    (3, 0.7),
)


def unsourced_subjective(report: Report, threshold: float) -> int:
    """How many of the report's sentences are unsourced with subjectivity >= ``threshold``."""
    return sum(s.role in UNSOURCED and float(s.subjectivity) >= threshold for s in report.sentences)


def _moved(reports: Sequence[Report], k: int, t: float) -> float | None:
    """Of the reports judged reliable, the share the rule would move out of "reliable"."""
    judged = [r for r in reports if r.verdict == "reliable"]
    if not judged:
        return None
    return round(sum(unsourced_subjective(r, t) >= k for r in judged) / len(judged), 4)


def rule_rows(
    wrapped: Sequence[Report], controls: Sequence[Report], reliable: Sequence[Report]
) -> list[dict[str, Any]]:
    """A row for today's verdicts, then one per rule of :data:`RULES`: wrapped articles left
    reliable, and the share of reliable-judged controls and reliable articles the rule moves."""
    reliable_now = sum(r.verdict == "reliable" for r in wrapped)
    rows: list[dict[str, Any]] = [
        {
            "at_least": None,
            "subjectivity": None,
            "wrapped_left_reliable": round(reliable_now / len(wrapped), 4) if wrapped else None,
            "controls_moved": 0.0,
            "reliable_moved": 0.0,
        }
    ]
    for k, t in RULES:
        left = sum(r.verdict == "reliable" and unsourced_subjective(r, t) < k for r in wrapped)
        rows.append(
            {
                "at_least": k,
                "subjectivity": t,
                "wrapped_left_reliable": round(left / len(wrapped), 4) if wrapped else None,
                "controls_moved": _moved(controls, k, t),
                "reliable_moved": _moved(reliable, k, t),
            }
        )
    return rows


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _rule(row: dict[str, Any]) -> str:
    if row["at_least"] is None:
        return "no rule (today's verdicts)"
    return f"k = {row['at_least']}, t = {row['subjectivity']:.1f}"


def markdown(rows: Sequence[dict[str, Any]], n_wrapped: int, n_reliable: int) -> str:
    """The trade-off table of one pipeline."""
    lines = [
        "| rule: at least k unsourced sentences with subjectivity >= t | wrapped articles left "
        "reliable (target <= 10%) | their copy alone, judged reliable: moved by the rule | "
        "reliable articles of every corpus, judged reliable: moved by the rule |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {_rule(r)} | {_share(r['wrapped_left_reliable'])} | {_share(r['controls_moved'])} | "
        f"{_share(r['reliable_moved'])} |"
        for r in rows
    ]
    lines += [
        "",
        f"{n_wrapped} wrapped articles and their copy alone; {n_reliable} reliable articles "
        "sampled from every shared corpus (the bundled model was trained on them, so its "
        "verdicts on them are kinder than on new articles; the rule reads sentence signals "
        "trained on other data).",
    ]
    return "\n".join(lines)
