"""How much each sentence moves the verdict, and the words that carry it.

The detector splits its raw margin over the sentences
(``explain_sentences``); this module turns that into calibrated log-odds and
keeps the strongest n-grams.  Positive pushes towards "unreliable".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..report import Term


@dataclass
class Contribution:
    logit: float
    terms: list[Term]


def sentence_contributions(
    detector: Any, counts_row: Any, sentences: Sequence[str], scale: float, top: int = 4
) -> list[Contribution]:
    """Per-sentence push in log-odds (``scale`` maps raw margin to log-odds)."""
    out = []
    for margin, grams in detector.explain_sentences(counts_row, sentences):
        best = sorted(grams.items(), key=lambda kv: -abs(kv[1]))[:top]
        out.append(Contribution(margin * scale, [Term(g, round(v * scale, 4)) for g, v in best]))
    return out
