"""How much each sentence moves the verdict, and the words that carry it.

For a linear detector the article's margin is a sum over n-gram occurrences.
Each sentence is credited with the occurrences it holds, so the sentence
contributions add up to the margin less the intercept (up to n-grams that
straddle a sentence boundary).  Values are in calibrated log-odds: positive
pushes towards "unreliable".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models.features import NgramHasher
from ..report import Term
from ..text.normalize import tokens


@dataclass
class Contribution:
    logit: float
    terms: list[Term]


def sentence_contributions(
    weights: dict[int, float],
    hasher: NgramHasher,
    sentences: Sequence[str],
    scale: float,
    extra: Sequence[float] | None = None,
    top: int = 4,
) -> list[Contribution]:
    """Credit each sentence with its n-grams' share of the margin.

    ``weights`` maps a feature column to its per-occurrence push on the raw
    margin; ``extra`` is any further raw margin a sentence carries (its style
    profile); ``scale`` turns raw margin into calibrated log-odds.
    """
    out = []
    for i, text in enumerate(sentences):
        per_term: dict[str, float] = {}
        total = float(extra[i]) * scale if extra is not None else 0.0
        for gram in hasher.ngrams(tokens(text)):
            w = weights.get(hasher.index(gram), 0.0) * scale
            if w:
                total += w
                per_term[gram] = per_term.get(gram, 0.0) + w
        best = sorted(per_term.items(), key=lambda kv: -abs(kv[1]))[:top]
        out.append(Contribution(total, [Term(g, round(v, 4)) for g, v in best]))
    return out
