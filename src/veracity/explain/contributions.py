"""How much each sentence moves the verdict, and the words that carry it.

The detector splits its raw margin over the sentences
(``explain_many``); this module turns that into calibrated log-odds and
keeps the strongest n-grams.  Positive pushes towards "unreliable".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..doc import Doc
from ..models.credit import SentenceGrams
from ..models.detector import Detector
from ..report_records import Term


@dataclass
class Contribution:
    logit: float
    #: The sentence's strongest n-grams and each one's push in log-odds (rounded, as reported).
    grams: list[str]
    weights: list[float]
    #: Where each n-gram first occurs among the sentence's kept tokens (first, count), if known.
    places: list[tuple[int, int] | None]

    def terms(self) -> list[Term]:
        """The n-grams as the report's debug terms."""
        return [Term(term=g, weight=w) for g, w in zip(self.grams, self.weights, strict=True)]


def sentence_contributions(
    detector: Detector,
    counts: Any,
    docs: Sequence[Doc],
    scale: float,
    top: int = 4,
    grams: SentenceGrams | None = None,
) -> list[list[Contribution]]:
    """Per article (a row of ``counts``), each sentence's push in log-odds (``scale`` maps
    the raw margin to log-odds) and its ``top`` strongest n-grams (``grams``: the sentence
    n-grams of :meth:`~veracity.models.detector.Detector.counts_and_grams`, if at hand)."""
    return [
        [
            Contribution(
                margin * scale,
                list(grams),
                [round(v.weight * scale, 4) for v in grams.values()],
                [v.place for v in grams.values()],
            )
            for margin, grams in article
        ]
        for article in detector.explain_many(counts, docs, top, grams)
    ]
