"""Detectors that stack hashed n-grams with static MiniLM embeddings.

Hashed n-grams only know words they have seen; a corpus about celebrities and
one about the Syrian war share few.  An embedding (:mod:`veracity.models.embed`)
puts "outrageous" near "disgraceful" and "officials" near "authorities", so
what the model learns on one vocabulary can reach another.

The embedding enters as a style profile (a weighted mean of sentence rows),
so its part of the margin still splits exactly over sentences.  It is stacked
(:class:`~veracity.models.linear.LinearModel` with ``stacked``): the n-gram model
is fitted alone and a second model weighs its out-of-fold margin against the
dense dimensions.  In one model with the n-grams, the dense, correlated dimensions
left liblinear's solver taking minutes a fit.

- ``veracity.NgramEmbed.v1``: word n-grams, and the article's mean token vector.
- ``veracity.VoiceEmbed.v1``: word n-grams read by voice (a source's n-grams
  counted both plain and apart; no topic-masked n-grams), and
  the voice profile with the author's and the sources' mean vectors apart.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..doc import Doc
from ..registry import detectors
from .composed import ComposedDetector
from .embed import bundled_embedder
from .features import NgramHasher, TokenGrams, pair
from .style import StyleSpec, styled
from .voice import SOURCE_ROLES, VOICE_FEATURES, VoiceGrams, voice_rows

#: Width of the bundled embedding (its card's ``dim``).
EMBED_DIM = 128
EMBED_FEATURES = tuple(f"embed_{i}" for i in range(EMBED_DIM))
_SOURCE_COLUMNS = [VOICE_FEATURES.index(f"role_{r}") for r in sorted(SOURCE_ROLES)]


def embed_rows(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's mean token vector, weighted by its share of the article's tokens."""
    return bundled_embedder().sentence_rows(doc.sentence_texts)


def voice_embed_rows(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """Voice rows, then the sentence's vector in the author's or in a source's columns.

    Sentences weigh as in the voice profile (page furniture 0, every other
    sentence alike), so the author columns hold the author's share of the
    article times the mean vector of the author's sentences.
    """
    rows, weights = voice_rows(doc)
    vectors, _ = bundled_embedder().sentence_rows(doc.sentence_texts)
    source = rows[:, _SOURCE_COLUMNS].sum(axis=1, keepdims=True) > 0
    counted = (weights > 0)[:, None]
    return np.hstack([rows, vectors * (counted & ~source), vectors * source]), weights


EMBED_V1 = StyleSpec("embed-v1", EMBED_FEATURES, embed_rows)
VOICE_EMBED = StyleSpec(
    "voice-embed-v1",
    VOICE_FEATURES
    + tuple(f"author_{f}" for f in EMBED_FEATURES)
    + tuple(f"source_{f}" for f in EMBED_FEATURES),
    voice_embed_rows,
)


@detectors.register("veracity.NgramEmbed.v1")
def ngram_embed(
    n_features: int = 2**20,
    ngram_range: tuple[int, int] = (1, 2),
    style_weight: float = 0.3,
    **linear: Any,
) -> ComposedDetector:
    """Word n-grams stacked with the article's static embedding (see module doc)."""
    hasher = NgramHasher(n_features, pair(ngram_range))
    return styled(TokenGrams(hasher), EMBED_V1, style_weight, stacked=True, linear=linear)


@detectors.register("veracity.VoiceEmbed.v1")
def voice_embed(
    n_features: int = 2**20,
    ngram_range: tuple[int, int] = (1, 2),
    style_weight: float = 0.3,
    **linear: Any,
) -> ComposedDetector:
    """Word n-grams by voice stacked with the voice profile and the embeddings by voice.

    The author's sentences and the sources' sentences each have their own
    mean vector, so what officials are quoted saying and how the article
    itself is written are weighed apart.
    """
    hasher = NgramHasher(n_features, pair(ngram_range))
    grams = VoiceGrams(hasher, shared_source_grams=True)
    return styled(grams, VOICE_EMBED, style_weight, stacked=True, linear=linear)
