"""Fast sentence sentiment from VADER's shipped lexicon, on canonical tokens.

``vaderSentiment`` costs ~0.1 ms per sentence in pure Python; this scorer
keeps its lexicon (the ``vader_lexicon.txt`` file inside the installed
package, read once, never downloaded) and its core arithmetic: the sum of
token valences, a valence flipped and damped (x -0.74) when one of the three
previous tokens negates, ``!`` adding emphasis, and
``compound = s / sqrt(s^2 + 15)``.  Boosters and "but" shifts are left out.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

from ..text.normalize import tokens

NEGATION_SCALAR = -0.74
EXCLAMATION_BOOST = 0.292
ALPHA = 15.0
#: Negators in canonical-token form ("don't" -> "don", "t").
NEGATORS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "nowhere",
        "cannot",
        "without",
        "t",
        "nt",
        "rarely",
        "seldom",
        "hardly",
        "despite",
    ]
)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, float]:
    """VADER's word valences for entries that are one canonical token."""
    text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8")
    out: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        toks = tokens(parts[0])
        if len(toks) == 1 and toks[0] == parts[0].casefold():
            out[toks[0]] = float(parts[1])
    return out


def compound(toks: list[str]) -> float:
    """VADER-style compound score in [-1, 1] of one sentence's canonical tokens."""
    lex = lexicon()
    total = 0.0
    for i, tok in enumerate(toks):
        valence = lex.get(tok)
        if valence is None:
            continue
        if any(t in NEGATORS for t in toks[max(0, i - 3) : i]):
            valence *= NEGATION_SCALAR
        total += valence
    if total:
        total += math.copysign(EXCLAMATION_BOOST * min(toks.count("!"), 4), total)
    return total / math.sqrt(total * total + ALPHA)
