"""The generalisation levers: one training config each, and the seed check.

Every lever runs under the same leave-one-corpus-out protocol
(:func:`veracity.experiments.lever_study.lever_study`); the last one is the shipped
default (``models/default_config.json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..training.detector_fit import DEFAULT_CONFIG, TrainConfig


@dataclass(frozen=True)
class Lever:
    name: str
    description: str
    config: TrainConfig


LEVERS = (
    Lever(
        "ngrams",
        "hashed word 1-2-grams, TF-IDF, logistic regression; scrubbed, de-duplicated",
        TrainConfig(balance=False),
    ),
    Lever(
        "ngrams+balance",
        "as above, every (corpus, label) cell given equal weight",
        TrainConfig(balance=True),
    ),
    Lever(
        "ngrams+style",
        "plus per-sentence style signals (roles, hedges, pronouns) in one model",
        TrainConfig(detector="veracity.NgramStyle.v1"),
    ),
    Lever(
        "ngrams+style stacked",
        "n-gram margin and style profile stacked by a second model",
        TrainConfig(detector="veracity.NgramStyle.v2", params={"style_weight": 1.0}),
    ),
    Lever(
        "ngrams+chars",
        "plus character 3-5-grams inside word boundaries",
        TrainConfig(detector="veracity.CharNgram.v1"),
    ),
    Lever(
        "ngrams+embeddings",
        "n-gram margin stacked with the article's mean static MiniLM embedding (128 dims, "
        "distilled with model2vec)",
        TrainConfig(detector="veracity.NgramEmbed.v1", params={"style_weight": 1.0}),
    ),
    Lever(
        "masked",
        "plus topic-masked 2-4-grams (content words -> _), C=4",
        TrainConfig(detector="veracity.MaskedNgram.v1", params={"C": 4.0}),
    ),
    Lever(
        "masked+style",
        "topic-masked n-grams and style signals, C=4",
        TrainConfig(detector="veracity.MaskedStyle.v1", params={"C": 4.0, "style_weight": 1.0}),
    ),
    Lever(
        "masked+style by voice",
        "as above, read by voice: a source's words hashed apart from the author's, style cues "
        "split author/source, page furniture left out",
        TrainConfig(
            detector="veracity.MaskedStyle.v2",
            params={"C": 4.0, "style_weight": 1.0},
            uncertain_band_balanced=(0.4, 0.6),
        ),
    ),
    Lever(
        "by voice, sources shared, + embeddings stacked",
        "word n-grams by voice, a source's also counted as plain ones; stacked with the voice "
        "profile and the author's and sources' static embeddings; C=1, cross-corpus support, "
        "five calibration folds",
        TrainConfig(
            detector="veracity.VoiceEmbed.v1",
            params={"C": 1.0, "style_weight": 1.0, "min_corpora": 2},
            calibration_folds=5,
            uncertain_band_balanced=(0.4, 0.6),
        ),
    ),
    Lever(
        "by voice + cross-corpus support (default)",
        "as above, n-grams held by fewer than two training corpora dropped: they cannot tell a "
        "label from a corpus; five calibration folds (models/default_config.json)",
        TrainConfig.from_file(DEFAULT_CONFIG),
    ),
)
DEFAULT_LEVER = LEVERS[-1]


#: The shared seed article: a fake-site story wrapping wire copy in invented commentary.
SEED_ARTICLE = Path("seed") / "000_58977a3383289371.txt"
AUTHOR_ROLES = ("opinion", "appeal")
SOURCE_ROLES = ("attributed", "quote")


def seed_check(root: Path, config: TrainConfig, detector: Any) -> dict[str, object]:
    """What ``detector`` (trained with ``config``) makes of the seed article; empty without it.

    The sentence map (issue 3) needs the seed judged unreliable, and its
    commentary (opinion, appeals) pushing harder than any sentence a source
    speaks.  A lever that ranks corpora better but loses this has learned
    that wire copy means "reliable", whatever wraps it.
    """
    from ..analyze import Analyzer
    from ..models.folder import LoadedModel
    from ..training.detector_fit import probability_band

    path = root / SEED_ARTICLE
    if not path.is_file():
        return {}
    card = {
        "detector": config.detector,
        "uncertain_band": probability_band(detector, config.uncertain_band_balanced),
        "min_coverage": config.min_coverage,
    }
    report = Analyzer(LoadedModel(detector, card, path.parent)).analyze(path.read_text("utf-8"))

    def strongest(roles: tuple[str, ...]) -> float:
        return max((s.contribution for s in report.sentences if s.role in roles), default=0.0)

    return {
        "seed_p": report.probability,
        "seed_verdict": report.verdict,
        "seed_author_push": strongest(AUTHOR_ROLES),
        "seed_source_push": strongest(SOURCE_ROLES),
    }
