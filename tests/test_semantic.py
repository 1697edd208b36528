"""The embedding detector: its profile, and sentence credit that adds up."""

from __future__ import annotations

import numpy as np
import pytest

from veracity.doc import make_doc
from veracity.models.embed import bundled_embedder
from veracity.models.semantic import EMBED_DIM, EMBED_V1
from veracity.models.style import article_style
from veracity.registry import detectors

TEXT = (
    "The minister said the bridge would reopen in May. "
    "This is an outrageous disgrace and everyone knows it!"
)


def test_semantic_embed_dim_matches_the_bundled_asset() -> None:
    assert bundled_embedder().dim == EMBED_DIM


def test_semantic_profile_is_the_articles_mean_token_vector() -> None:
    rows, weights = EMBED_V1.rows(make_doc(TEXT))
    np.testing.assert_allclose(weights @ rows, article_style(TEXT, EMBED_V1), rtol=1e-6)
    np.testing.assert_allclose(
        article_style(TEXT, EMBED_V1), bundled_embedder().embed([TEXT])[0], rtol=1e-5, atol=1e-6
    )


def test_semantic_stacked_embedding_moves_the_margin() -> None:
    texts = [
        "The council said the plan was approved on Monday, officials told reporters.",
        "Police said the suspect was charged, according to court records.",
        "The bank said rates were unchanged, the governor told a news conference.",
        "Wake up! They are lying to you and everyone knows this disgrace!",
        "This shocking truth is hidden by the elites, share it before it is deleted!",
        "You will never believe this outrageous plot, nobody is talking about it!",
    ] * 3
    labels = (["reliable"] * 3 + ["unreliable"] * 3) * 3
    est = detectors.get("veracity.NgramEmbed.v1")(n_features=2**12, min_df=1, calibration_folds=3)
    est.fit(texts, labels)
    assert est.profile is not None
    w = est.model.coef_[est.featurizer.hasher.n_features :]
    assert np.abs(w).sum() > 0
    doc = make_doc(TEXT)
    shares = est.profile.sentence_margins(doc, w)
    push = est.profile.transform([doc])[0] @ w
    assert shares.sum() == pytest.approx(push, rel=1e-5)
