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

A subclass may set ``shared_source_grams`` to count a source's n-grams twice:
once as plain n-grams, shared with the author's, and once prefixed ``s:``.
The plain column then learns what a phrase says wherever it appears (what
transfers to the next corpus) and the ``s:`` column how much a source saying
it differs (``veracity.VoiceEmbed.v1``).

No n-gram straddles two sentences, so the per-sentence credit of
:meth:`MaskedVoice.explain_sentences` adds up exactly to the margin less the
intercept.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import chain

import numpy as np
import scipy.sparse as sp

from ..registry import detectors
from ..signals.roles import ROLES, assign_roles
from ..text.hashing import hash_counts
from ..text.normalize import tokens
from .features import NgramHasher
from .masked import MaskedStyle
from .memo import memoised_rows
from .style import LEXICAL_CUES, StyleSpec, lexical_cues, sentence_texts

#: Roles in which the words are a source's, not the author's.
SOURCE_ROLES = frozenset({"attributed", "quote"})
_ROLES = tuple(r for r in ROLES if r != "boilerplate")
VOICE_FEATURES = (
    tuple(f"role_{r}" for r in _ROLES)
    + tuple(f"author_{c}" for c in LEXICAL_CUES)
    + tuple(f"source_{c}" for c in LEXICAL_CUES)
)


def voice_rows(sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """One :data:`VOICE_FEATURES` row per sentence, and its weight in the profile."""
    rows = np.zeros((len(sentences), len(VOICE_FEATURES)), dtype=np.float64)
    counted = np.zeros(len(sentences))
    k, c = len(_ROLES), len(LEXICAL_CUES)
    for i, (text, role) in enumerate(zip(sentences, assign_roles(list(sentences)), strict=True)):
        if role.role == "boilerplate":
            continue
        counted[i] = 1.0
        rows[i, _ROLES.index(role.role)] = 1.0
        start = k + c if role.role in SOURCE_ROLES else k
        rows[i, start : start + c] = lexical_cues(text)
    n = counted.sum()
    return rows, counted / n if n else counted


STYLE_V2 = StyleSpec("v2", VOICE_FEATURES, voice_rows)


def _article_grams(hasher: NgramHasher, text: str, shared: bool = False) -> list[str]:
    return list(chain.from_iterable(voice_grams(hasher, sentence_texts(text), shared)))


def voice_grams(
    hasher: NgramHasher, sentences: Sequence[str], shared: bool = False
) -> tuple[tuple[str, ...], ...]:
    """Each sentence's n-grams; a source's words are prefixed ``s:``, page furniture has none.

    With ``shared`` a source's n-grams are also counted unprefixed.  The last
    few articles' n-grams are kept: a full report needs them twice (the
    counts, then the per-sentence credit).
    """
    return _recent_grams(hasher, tuple(sentences), shared)


#: How many articles' n-grams :func:`voice_grams` keeps (a full-report chunk fits).
RECENT_ARTICLES = 128


@lru_cache(maxsize=RECENT_ARTICLES)
def _recent_grams(
    hasher: NgramHasher, sentences: tuple[str, ...], shared: bool
) -> tuple[tuple[str, ...], ...]:
    out: list[tuple[str, ...]] = []
    for text, role in zip(sentences, assign_roles(list(sentences)), strict=True):
        if role.role == "boilerplate":
            out.append(())
            continue
        grams = tuple(hasher.ngrams(tokens(text)))
        if role.role in SOURCE_ROLES:
            apart = tuple(f"s:{g}" for g in grams)
            grams = grams + apart if shared else apart
        out.append(grams)
    return tuple(out)


@detectors.register("veracity.MaskedStyle.v2")
class MaskedVoice(MaskedStyle):
    """:class:`MaskedStyle` with n-grams and style profile split by voice (see module doc)."""

    spec = STYLE_V2
    #: Whether a source's n-grams are also counted as plain n-grams.
    shared_source_grams = False

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw voice n-gram counts, one row per text (memoised inside a ``style_memo``)."""
        hasher, shared = self._hasher(), self.shared_source_grams
        return memoised_rows(
            f"voice_counts:{shared}:{hasher._key()}",
            texts,
            lambda batch: hash_counts(
                [_article_grams(hasher, t, shared) for t in batch], self.n_features
            ),
        )

    def _sentence_grams(
        self, hasher: NgramHasher, sentences: Sequence[str]
    ) -> Sequence[Sequence[str]]:
        return voice_grams(hasher, sentences, self.shared_source_grams)
