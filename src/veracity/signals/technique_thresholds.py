"""Which tagged propaganda spans are drawn, and how strongly.

Each technique has two calibrated span scores (the tagger's mean token probability):
spans below its ``weak`` level are dropped, spans at or above its ``strong`` level are
drawn ``strong``, the rest ``weak``.  The levels are fitted on held-out PTC train
articles (:func:`veracity.training.propaganda_fit.calibrate_thresholds`) and shipped in
``signals/trained/technique_thresholds`` (JSON + sha256 card).  A span of function
words alone ("under", "the", the ``s`` of "that's") is never drawn, whatever its score;
overlapping or adjacent spans of one technique are merged, duplicates removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import E, ModelError
from ..persist import load_folder

THRESHOLDS = "technique_thresholds"
STRONG = "strong"
WEAK = "weak"
#: Share of drawn spans that must overlap a gold propaganda span (held-out) for each level.
PRECISION = {WEAK: 0.4, STRONG: 0.6}
#: No span under this score is drawn, whatever the held-out precision.
FLOOR = 0.3
#: Fewest held-out spans a technique needs for levels of its own (else the pooled ones).
MIN_SUPPORT = 30
#: Fewest held-out spans that must remain at or above a level for it to count.
MIN_KEPT = 10

_FUNCTION_WORDS = """
    a an the this that these those some any each every no all both either neither
    i me my mine we us our ours you your yours he him his she her hers it its they them their
    theirs who whom whose which what there here
    about above across after against along among around as at before behind below beneath
    beside between beyond by down during except for from in inside into like near of off on
    onto out outside over past since through throughout till to toward towards under until up
    upon with within without
    and but or nor so yet if than then because while although though whether once when where
    am is are was were be been being have has had having do does did done will would shall
    should can could may might must
    not too very just only also even still more most less much many such own same other
    s t d ll m re ve
"""
#: Closed-class words: a span of these alone marks no technique.
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


def has_content(tokens: Sequence[str]) -> bool:
    """Whether the (canonical) tokens hold a word other than a function word or punctuation."""
    words = ("".join(c for c in t if c.isalnum()).lower() for t in tokens)
    return any(w and w not in FUNCTION_WORDS for w in words)


@dataclass(frozen=True)
class TechniqueThresholds:
    """The weak and strong span-score levels of each technique; ``default`` for the others."""

    weak: Mapping[str, float]
    strong: Mapping[str, float]
    default_weak: float
    default_strong: float

    def strength(self, technique: str, score: float) -> str | None:
        """``"strong"``, ``"weak"`` or None (not drawn) for a span of ``technique``."""
        if score >= self.strong.get(technique, self.default_strong):
            return STRONG
        if score >= self.weak.get(technique, self.default_weak):
            return WEAK
        return None

    def lowest(self, techniques: Iterable[str]) -> float:
        """The lowest score at which a span of any of ``techniques`` is drawn."""
        return min(
            min(self.weak.get(t, self.default_weak), self.strong.get(t, self.default_strong))
            for t in techniques
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "weak": dict(sorted(self.weak.items())),
            "strong": dict(sorted(self.strong.items())),
            "default": {WEAK: self.default_weak, STRONG: self.default_strong},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TechniqueThresholds:
        return cls(
            weak={str(k): float(v) for k, v in data["weak"].items()},
            strong={str(k): float(v) for k, v in data["strong"].items()},
            default_weak=float(data["default"][WEAK]),
            default_strong=float(data["default"][STRONG]),
        )


def load_thresholds(folder: Path) -> TechniqueThresholds:
    """The sha256-verified thresholds in ``folder`` (``ModelError`` when tampered or malformed)."""
    bundle = load_folder(folder)
    try:
        return TechniqueThresholds.from_dict(bundle.data[THRESHOLDS])
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ModelError(E.E010, path=folder, reason=f"bad thresholds: {err}") from None


#: A drawn span: ``(start, end, technique, score, strength)``.
Drawn = tuple[int, int, str, float, str]


def merge_drawn(spans: Iterable[Drawn], text: str) -> list[Drawn]:
    """Spans of one technique that overlap or touch (only spaces between) merged, in order.

    A merged span keeps the highest score and strength of its parts; exact duplicates go.
    """
    out: list[Drawn] = []
    last: dict[str, int] = {}
    for span in sorted(set(spans), key=lambda s: (s[0], -s[1], s[2])):
        start, end, technique, score, strength = span
        k = last.get(technique)
        if k is not None and not text[out[k][1] : start].strip():
            a, b, _, old_score, old_strength = out[k]
            best = STRONG if STRONG in (strength, old_strength) else WEAK
            out[k] = (a, max(b, end), technique, max(score, old_score), best)
            continue
        last[technique] = len(out)
        out.append(span)
    return out


def fit_levels(
    techniques: Sequence[str], scores: np.ndarray, hits: np.ndarray
) -> TechniqueThresholds:
    """Per technique, the lowest score whose spans at or above it reach each :data:`PRECISION`.

    ``hits[i]`` says whether held-out span ``i`` (labelled ``techniques[i]``, scored
    ``scores[i]``) overlaps a gold propaganda span; only spans at or above :data:`FLOOR`
    count.  Techniques with fewer than :data:`MIN_SUPPORT` spans take the levels of all
    spans pooled; a level that is never reached is 1 (nothing drawn at it).
    """
    labels = np.asarray(techniques)
    scores = np.asarray(scores, dtype=np.float64)
    hits = np.asarray(hits, dtype=bool)
    default = {level: _lowest(scores, hits, p) for level, p in PRECISION.items()}
    levels: dict[str, dict[str, float]] = {WEAK: {}, STRONG: {}}
    for technique in sorted(set(labels.tolist())):
        mine = labels == technique
        if mine.sum() < MIN_SUPPORT:
            continue
        for level, p in PRECISION.items():
            levels[level][technique] = _lowest(scores[mine], hits[mine], p)
    for technique, weak in levels[WEAK].items():
        levels[STRONG][technique] = max(levels[STRONG][technique], weak)
    return TechniqueThresholds(
        levels[WEAK], levels[STRONG], default[WEAK], max(default[STRONG], default[WEAK])
    )


def _lowest(scores: np.ndarray, hits: np.ndarray, precision: float) -> float:
    above = scores >= FLOOR
    scores, hits = scores[above], hits[above]
    order = np.argsort(-scores, kind="stable")
    kept = np.arange(1, len(order) + 1)
    running = np.cumsum(hits[order]) / kept
    ok = (running >= precision) & (kept >= MIN_KEPT)
    if not ok.any():
        return 1.0
    return round(float(scores[order][np.flatnonzero(ok)[-1]]), 4)
