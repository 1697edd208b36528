"""Invented articles and a tiny fitted model for the batch tests (no shared data)."""

from __future__ import annotations

import random
from pathlib import Path

SOBER_TEXT = (
    "officials said the council approved the budget on tuesday according to minutes "
    "published by the city the report noted that spending rose two percent and a spokesperson "
    "confirmed the figures in a statement analysts at the university said the estimate was "
    "consistent with earlier data"
)
LOUD_TEXT = (
    "shocking truth they do not want you to know wake up people the elites are lying again "
    "this outrageous scandal will destroy everything share before it gets deleted nobody is "
    "talking about this disgusting cover up you will not believe what happened next"
)
SOBER = SOBER_TEXT.split()
LOUD = LOUD_TEXT.split()


def article(seed: int, loud: bool, words: int = 60) -> str:
    """A made-up article of ``words`` words in the sober or the loud register."""
    rng = random.Random(seed)
    pool = LOUD if loud else SOBER
    sentences, sentence = [], []
    for _ in range(words):
        sentence.append(rng.choice(pool))
        if len(sentence) >= rng.randint(8, 14):
            sentences.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    if sentence:
        sentences.append(" ".join(sentence).capitalize() + ".")
    return " ".join(sentences)


def corpus(n: int, offset: int = 0) -> list[tuple[str, str]]:
    """``n`` (id, text) pairs alternating sober and loud."""
    return [(f"a{offset + i:05d}", article(offset + i, loud=i % 2 == 1)) for i in range(n)]


def make_model(folder: Path) -> Path:
    """Fit and save the tiny detector the batch tests score with."""
    from veracity.models.folder import save_model
    from veracity.models.linear import LinearNgram

    texts = [article(1000 + i, loud=i % 2 == 1) for i in range(80)]
    labels = ["unreliable" if i % 2 == 1 else "reliable" for i in range(80)]
    detector = LinearNgram(n_features=2**16, min_df=1, calibration_folds=3).fit(texts, labels)
    card = {"name": "t", "detector": "veracity.LinearNgram.v1", "uncertain_band": [0.35, 0.65]}
    save_model(folder, detector, card)
    return folder
