"""Each sentence's share of the n-gram part of a linear margin, and the n-grams that carry it.

A sentence is credited with the n-gram occurrences its token runs hold (see
:meth:`~veracity.models.linear.LinearModel.occurrence_weights`); n-grams that
straddle two sentences go uncredited.  The runs of all the articles are
hashed in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..doc import Doc
from ..text.grams import GramTable
from .detector import GramCredit, SentenceCredit

if TYPE_CHECKING:
    from .features import Featurizer


@dataclass(frozen=True)
class SentenceGrams:
    """The n-gram occurrences of some Docs' sentence runs, hashed in one pass.

    Sentences are numbered across the Docs: Doc ``a`` holds sentences ``starts[a]`` to
    ``starts[a + 1] - 1``; each run (segment of :attr:`table`) has its sentence and its Doc.
    """

    table: GramTable
    segment_sentence: np.ndarray
    segment_doc: np.ndarray
    starts: np.ndarray

    @property
    def sentence(self) -> np.ndarray:
        """Each occurrence's sentence."""
        return self.segment_sentence[self.table.segment]

    @property
    def article(self) -> np.ndarray:
        """Each occurrence's Doc."""
        return self.segment_doc[self.table.segment]


def sentence_grams(featurizer: Featurizer, docs: Sequence[Doc]) -> SentenceGrams:
    """The featuriser's sentence runs of ``docs`` (see :meth:`Featurizer.sentence_runs`), hashed."""
    runs: list[Sequence[str]] = []
    prefixes: list[str] = []
    owner: list[int] = []
    segment_doc: list[int] = []
    starts = np.zeros(len(docs) + 1, np.int64)
    for a, doc in enumerate(docs):
        more, marks, held = featurizer.sentence_runs(doc)
        runs += more
        prefixes += marks
        owner += [starts[a] + k for k in held]
        segment_doc += [a] * len(more)
        starts[a + 1] = starts[a] + len(doc.sentences)
    table = featurizer.hasher.table(runs, prefixes)
    return SentenceGrams(table, np.array(owner, np.int64), np.array(segment_doc, np.int64), starts)


def ngram_credit(
    grams: SentenceGrams,
    n_features: int,
    keys: np.ndarray,
    weights: np.ndarray,
    top: int | None = None,
) -> SentenceCredit:
    """Per article, each sentence's push on the raw margin and its n-grams, strongest first.

    ``keys`` (``row * n_features + column``, sorted) and ``weights`` (the push of
    one occurrence) come from the model; only the ``top`` strongest n-grams of a
    sentence are kept if set.
    """
    table, sentence, starts = grams.table, grams.sentence, grams.starts
    occ = _looked_up(grams.article, table.columns(n_features), n_features, keys, weights)
    margins = np.bincount(sentence, weights=occ, minlength=int(starts[-1])).tolist()
    terms = _terms(table, sentence, occ, int(starts[-1]), top)
    pairs = list(zip(margins, terms, strict=True))
    return [pairs[starts[a] : starts[a + 1]] for a in range(len(starts) - 1)]


def _looked_up(
    article: np.ndarray,
    columns: np.ndarray,
    n_features: int,
    keys: np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """Each occurrence's weight: that of key ``article * n_features + column`` (0 if absent).

    Article by article, the article's weights are spread over one dense row of columns and
    its occurrences read from it: a few array operations per article instead of a binary
    search of the keys per occurrence (a tenth of the time).
    """
    occ = np.zeros(len(columns), dtype=np.float64)
    if not len(keys) or not len(columns):
        return occ
    n_articles = int(article.max()) + 1
    small = np.uint16 if n_articles <= np.iinfo(np.uint16).max else np.int64
    order = np.argsort(article.astype(small), kind="stable")
    row_starts = np.arange(n_articles + 1, dtype=np.int64)
    at = np.searchsorted(article[order], row_starts).tolist()
    key_at = np.searchsorted(keys, row_starts * n_features).tolist()
    row = np.zeros(n_features, dtype=weights.dtype)
    for a in range(n_articles):
        lo, hi = key_at[a], key_at[a + 1]
        if lo == hi or at[a] == at[a + 1]:
            continue
        held = keys[lo:hi] - a * n_features
        row[held] = weights[lo:hi]
        mine = order[at[a] : at[a + 1]]
        occ[mine] = row[columns[mine]]
        row[held] = 0
    return occ


def _terms(
    table: GramTable, sentence: np.ndarray, occ: np.ndarray, n_sentences: int, top: int | None
) -> list[dict[str, GramCredit]]:
    """Per sentence, each credited n-gram's summed credit (and where it first occurs): strongest
    first, ties in text order."""
    out: list[dict[str, GramCredit]] = [{} for _ in range(n_sentences)]
    live = np.flatnonzero(occ)
    if not len(live):
        return out
    keys = (sentence[live] << 32) | (table.hashes[live].astype(np.int64) & 0xFFFFFFFF)
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    sums = np.bincount(inverse, weights=occ[live])
    owner = uniq >> 32
    order = strongest(owner, np.abs(sums), first, top)
    ats = live[first[order]]
    places: list[tuple[int, int] | None] = [None] * len(ats)
    if table.token_first is not None and table.token_count is not None:
        places = list(
            zip(table.token_first[ats].tolist(), table.token_count[ats].tolist(), strict=True)
        )
    for who, gram, weight, place in zip(
        owner[order].tolist(), table.strings(ats), sums[order].tolist(), places, strict=True
    ):
        out[who][gram] = GramCredit(weight, place)
    return out


def strongest(
    owner: np.ndarray, strength: np.ndarray, first: np.ndarray, top: int | None
) -> np.ndarray:
    """Indices of each owner's ``top`` strongest entries (all if None): by owner, then
    strength, strongest first, ties by lowest ``first`` (distinct values); ``owner`` sorted.

    With ``top``, each round takes every owner's strongest entry left (a few passes over the
    arrays) instead of sorting all of them.
    """
    if top is None or not len(owner):
        return np.lexsort((first, -strength, owner))
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    group = np.cumsum(np.r_[False, owner[1:] != owner[:-1]])
    left = strength.astype(np.float64)
    never = np.iinfo(np.int64).max
    picks = []
    for _ in range(top):
        best = np.maximum.reduceat(left, starts)[group]
        tied = (left == best) & (best > -np.inf)
        lowest = np.minimum.reduceat(np.where(tied, first, never), starts)[group]
        chosen = np.flatnonzero(tied & (first == lowest))
        if not len(chosen):
            break
        picks.append(chosen)
        left[chosen] = -np.inf
    chosen = np.concatenate(picks)
    rank = np.repeat(np.arange(len(picks)), [len(p) for p in picks])
    return chosen[np.lexsort((rank, owner[chosen]))]
