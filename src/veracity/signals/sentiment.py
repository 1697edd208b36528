"""Fast sentence sentiment from VADER's shipped lexicon, on canonical tokens.

``vaderSentiment`` costs ~0.1 ms per sentence in pure Python; this scorer
keeps its lexicon (the ``vader_lexicon.txt`` file inside the installed
package, read once, never downloaded) and its core arithmetic: the sum of
token valences, a valence flipped and damped (x -0.74) when one of the three
previous tokens negates, ``!`` adding emphasis, and
``compound = s / sqrt(s^2 + 15)``.  Boosters and "but" shifts are left out.
:func:`compound_many` scores many sentences with numpy, adding the valences of
each sentence in the same order as :func:`compound`, so the scores are equal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from itertools import chain, repeat

import numpy as np

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


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
    """Row of each token that matters, and per row: valence, negator?, ``!``?."""
    lex = lexicon()
    words = sorted(set(lex) | NEGATORS | {"!"})
    rows = {w: i + 1 for i, w in enumerate(words)}
    valence = np.asarray([0.0] + [lex.get(w, 0.0) for w in words])
    negator = np.asarray([False] + [w in NEGATORS for w in words])
    bang = np.asarray([False] + [w == "!" for w in words])
    return rows, valence, negator, bang


def compound_many(sentences: Sequence[Sequence[str]]) -> np.ndarray:
    """:func:`compound` of every sentence's tokens (equal values, one numpy pass)."""
    rows, valence, negator, bang = _table()
    lengths = np.fromiter(map(len, sentences), np.int64, len(sentences))
    flat = np.fromiter(
        map(rows.get, chain.from_iterable(sentences), repeat(0)),
        np.int64,
        int(lengths.sum()),
    )
    owner = np.repeat(np.arange(len(sentences)), lengths)
    pos = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    negated = np.zeros(len(flat), dtype=bool)
    for k in (1, 2, 3):
        back = np.flatnonzero(pos >= k)
        negated[back] |= negator[flat[back - k]]
    hit = np.flatnonzero(valence[flat] != 0.0)
    values = valence[flat[hit]] * np.where(negated[hit], NEGATION_SCALAR, 1.0)
    # Sentence by sentence, valences are added left to right, as compound() adds them: one
    # row per sentence, its valences in order, zeros after them, summed by a running sum.
    rank = np.arange(len(hit)) - np.searchsorted(owner[hit], owner[hit], side="left")
    table = np.zeros((len(sentences), int(rank.max()) + 1 if len(hit) else 1))
    table[owner[hit], rank] = values
    total = np.add.accumulate(table, axis=1)[:, -1]
    bangs = np.bincount(owner, weights=bang[flat], minlength=len(sentences))
    boost = EXCLAMATION_BOOST * np.minimum(bangs, 4)
    total = np.where(total != 0.0, total + np.copysign(boost, total), total)
    return np.asarray(total / np.sqrt(total * total + ALPHA))


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
