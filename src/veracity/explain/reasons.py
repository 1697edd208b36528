"""The main reasons for a verdict, in plain words, each with its direction, its share of the push,
and the sentences and spans of the input it rests on.

The reason kinds are declared in :mod:`veracity.signals.reasons_table`; this module weighs what
they find by the push of the sentences each rests on (the sentences' contributions, in log-odds)
and keeps the main ones, :data:`MIN_REASONS` to :data:`MAX_REASONS`, strongest first.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..report import SentenceBase
from ..report_records import Evidence, Reason
from ..signals.reasoning import (
    RELIABLE,
    UNRELIABLE,
    Direction,
    Finding,
    ReasonKind,
    ReasonView,
    share,
)
from ..signals.reasons_table import REASON_KINDS

MIN_REASONS = 3
MAX_REASONS = 5
#: A finding with a smaller share of the push only fills in (up to :data:`MIN_REASONS`).
MIN_SHARE = 0.02


#: A finding weighed: its share of the push, its direction, its kind.
Weighed = tuple[float, Direction, ReasonKind, Finding]


def _weigh(kind: ReasonKind, finding: Finding, total: float) -> Weighed | None:
    """``finding`` weighed, or None when its sentences do not push, or not the way its kind
    leans."""
    push = sum(s.contribution for s in finding.sentences)
    direction: Direction = UNRELIABLE if push > 0 else RELIABLE
    weight = share(push, total)
    if not weight or (kind.lean is not None and kind.lean != direction):
        return None
    return (weight, direction, kind, finding)


def _reason(weighed: Weighed) -> Reason:
    weight, direction, kind, finding = weighed
    return Reason(
        kind=kind.name,
        text=kind.template.format(**finding.values),
        direction=direction,
        share=weight,
        sentences=sorted(s.index for s in finding.sentences),
        evidence=[Evidence(start, end, text) for start, end, text in finding.evidence()],
    )


def _by_share(weighed: Weighed) -> float:
    return -weighed[0]


def find_reasons(
    sentences: Sequence[SentenceBase], kinds: Sequence[ReasonKind] = REASON_KINDS
) -> list[Reason]:
    """The main reasons of a report's ``sentences``, largest share of the push first.

    Each kind's first finding that pushes its way with at least :data:`MIN_SHARE` of the push
    competes for the :data:`MAX_REASONS` places; the other findings fill in up to
    :data:`MIN_REASONS` (or the number of sentences that push at all, when fewer).
    """
    view = ReasonView.of(sentences)
    if not view.total:
        return []
    leading: list[Weighed] = []
    reserve: list[Weighed] = []
    for kind in kinds:
        found = (_weigh(kind, f, view.total) for f in kind.find(view))
        weighed = [w for w in found if w is not None]
        if weighed and weighed[0][0] >= MIN_SHARE:
            leading.append(weighed.pop(0))
        reserve += weighed
    chosen = sorted(leading, key=_by_share)[:MAX_REASONS]
    wanted = min(MIN_REASONS, view.pushed)
    chosen += sorted(reserve, key=_by_share)[: max(0, wanted - len(chosen))]
    return [_reason(w) for w in sorted(chosen, key=_by_share)]
