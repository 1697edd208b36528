"""``veracity.MaskedStyle.v2``: who is speaking, and no page furniture.

Version 1 reads an article as one stream.  An intensifier or a loaded phrase
counts the same whether the writer uses it or quotes an official using it,
and credit lines count as sentences, so "boilerplate" became one of its
strongest cues for "reliable" (a publisher's page furniture, not a
credibility signal).  Version 2 reads it sentence by sentence, by role:

- boilerplate sentences are left out: no n-grams, no weight in the style profile;
- n-grams of attributed and quoted sentences (a source's words) are hashed
  apart from the author's, prefixed ``s:``, so the model weighs what sources
  say separately from how the article itself is written;
- each lexical style cue is counted twice, in the author's voice (claims,
  opinion, appeals, questions) and in a source's voice.

:class:`VoiceGrams` is the featuriser that reads an article this way.  With
``shared_source_grams`` it counts a source's n-grams twice: once as plain
n-grams, shared with the author's, and once prefixed ``s:``.  The plain column
then learns what a phrase says wherever it appears (what transfers to the next
corpus) and the ``s:`` column how much a source saying it differs
(``veracity.VoiceEmbed.v1``).

No n-gram straddles two sentences, so the per-sentence credit of a detector
that reads by voice adds up exactly to the margin less the intercept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..doc import Doc
from ..estimator import Estimator
from ..registry import detectors
from ..signals.roles import ROLES
from ..text.hashing import count_table
from .annotations import annotated_rows
from .composed import ComposedDetector
from .credit import SentenceGrams, sentence_grams
from .features import TABLE_CHUNK, MaskedNgramHasher, NgramHasher, Runs, pair
from .style import CUE_ROWS, LEXICAL_CUES, StyleSpec, cue_bits, styled

#: Roles in which the words are a source's, not the author's.
SOURCE_ROLES = frozenset({"attributed", "quote"})
_ROLES = tuple(r for r in ROLES if r != "boilerplate")
_ROLE_COLUMN = {role: i for i, role in enumerate(_ROLES)}
VOICE_FEATURES = (
    tuple(f"role_{r}" for r in _ROLES)
    + tuple(f"author_{c}" for c in LEXICAL_CUES)
    + tuple(f"source_{c}" for c in LEXICAL_CUES)
)


def voice_rows(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """One :data:`VOICE_FEATURES` row per sentence, and its weight in the profile."""
    n_sentences = len(doc.sentences)
    rows = np.zeros((n_sentences, len(VOICE_FEATURES)), dtype=np.float64)
    k, c = len(_ROLES), len(LEXICAL_CUES)
    roles = [role.role for role in doc.roles]
    kept = [i for i, role in enumerate(roles) if role != "boilerplate"]
    counted = np.zeros(n_sentences)
    counted[kept] = 1.0
    rows[kept, [_ROLE_COLUMN[roles[i]] for i in kept]] = 1.0
    cued = [(i, bits) for i in kept if (bits := cue_bits(doc.tokens[i]))]
    if cued:
        at = np.array([i for i, _ in cued])
        start = np.array([k + c if roles[i] in SOURCE_ROLES else k for i, _ in cued])
        rows[at[:, None], start[:, None] + np.arange(c)] = CUE_ROWS[[b for _, b in cued]]
    n = counted.sum()
    return rows, counted / n if n else counted


STYLE_V2 = StyleSpec("v2", VOICE_FEATURES, voice_rows)


def voice_segments(doc: Doc, shared: bool = False) -> Runs:
    """The token runs each sentence contributes n-grams from: runs, prefixes, sentence of each.

    A source's words are prefixed ``s:`` (with ``shared``, also counted
    unprefixed); page furniture contributes nothing.
    """
    runs: list[Sequence[str]] = []
    prefixes: list[str] = []
    owner: list[int] = []
    for i, (toks, role) in enumerate(zip(doc.tokens, doc.roles, strict=True)):
        if role.role == "boilerplate":
            continue
        for prefix in _voice_prefixes(role.role in SOURCE_ROLES, shared):
            runs.append(toks)
            prefixes.append(prefix)
            owner.append(i)
    return runs, prefixes, owner


def _voice_prefixes(source: bool, shared: bool) -> tuple[str, ...]:
    if not source:
        return ("",)
    return ("", "s:") if shared else ("s:",)


def voice_grams(hasher: NgramHasher, doc: Doc, shared: bool = False) -> tuple[tuple[str, ...], ...]:
    """Each sentence's n-grams as strings (what :func:`voice_segments` gives the hasher)."""
    runs, prefixes, owner = voice_segments(doc, shared)
    table = hasher.table(runs, prefixes)
    out: list[list[str]] = [[] for _ in doc.sentences]
    every = table.strings(np.arange(len(table.hashes)))
    for gram, segment in zip(every, table.segment.tolist(), strict=True):
        out[owner[segment]].append(gram)
    return tuple(tuple(grams) for grams in out)


class VoiceGrams(Estimator):
    """Reads an article sentence by sentence, by voice (see module doc)."""

    def __init__(self, hasher: NgramHasher, shared_source_grams: bool = False) -> None:
        self.hasher = hasher
        self.shared_source_grams = shared_source_grams

    def counts(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """Raw voice n-gram counts, one row per Doc (kept on it, see :mod:`.annotations`)."""
        return annotated_rows(
            f"voice_counts:{self.shared_source_grams}:{self.hasher._key()}", docs, self._counts
        )

    def _counts(self, docs: Sequence[Doc]) -> sp.csr_matrix:
        """The counts of :meth:`counts_from`, hashed :data:`TABLE_CHUNK` Docs at a time."""
        blocks = [
            self.counts_from(sentence_grams(self, chunk), chunk)
            for chunk in (docs[lo : lo + TABLE_CHUNK] for lo in range(0, len(docs), TABLE_CHUNK))
        ]
        if not blocks:
            return sp.csr_matrix((0, self.hasher.n_features))
        return sp.vstack(blocks, format="csr")

    def sentence_runs(self, doc: Doc) -> Runs:
        return voice_segments(doc, self.shared_source_grams)

    def counts_from(self, grams: SentenceGrams, docs: Sequence[Doc]) -> sp.csr_matrix:
        """The counts are those of the sentence runs themselves: one row per Doc of ``grams``."""
        return count_table(grams.table, self.hasher.n_features, grams.segment_doc, len(docs))

    def config(self) -> dict[str, object]:
        """The hasher's config (the version fixes ``shared_source_grams``)."""
        return self.hasher.config()


@detectors.register("veracity.MaskedStyle.v2")
def masked_voice(
    n_features: int = 2**20,
    ngram_range: tuple[int, int] = (1, 2),
    masked_range: tuple[int, int] = (2, 4),
    style_weight: float = 0.3,
    **linear: Any,
) -> ComposedDetector:
    """Word and topic-masked n-grams and the style profile, split by voice, in one linear model."""
    hasher = MaskedNgramHasher(n_features, pair(ngram_range), pair(masked_range))
    return styled(VoiceGrams(hasher), STYLE_V2, style_weight, stacked=False, linear=linear)
