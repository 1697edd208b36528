"""Training: one validated config per experiment, saved with the model card."""

from __future__ import annotations

import hashlib
import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..config import HELD_OUT_DIR, PACKAGE_DIR, held_out_files
from ..data.corpora import LODO_CORPORA
from ..errors import E, InputError
from ..models.composed import ComposedDetector
from ..models.folder import BALANCED_BAND, OLD_BALANCED_BAND, LoadedModel, save_model
from ..registry import detectors
from .binary_metrics import binary_metrics

#: The configuration the bundled model is built from.
DEFAULT_CONFIG = PACKAGE_DIR / "models" / "default_config.json"

LIMITS = [
    "Scores credibility signals learned from labelled corpora, not the truth of claims.",
    "English news prose only; trained on US/UK political, health (COVID-19), Syrian-war and "
    "celebrity stories from 2016-2020.",
    "Articles under about 30 words, or far from the training data, are returned as 'uncertain'.",
    "Satire and hyperpartisan opinion are not separate classes.",
    "Cross-corpus accuracy is far below in-domain accuracy: see the LODO figures.",
    "P(unreliable) is calibrated to the training mix of reliable and unreliable articles; "
    "on a feed where unreliable articles are rarer or commoner it reads high or low.",
]


class TrainConfig(BaseModel):
    """Everything that defines a training run; saved as the model's ``config``."""

    model_config = ConfigDict(extra="forbid")

    name: str = "veracity"
    detector: str = "veracity.LinearNgram.v1"
    params: dict[str, Any] = Field(default_factory=dict)
    corpora: list[str] = Field(default_factory=lambda: list(LODO_CORPORA))
    scrub: bool = True
    dedup: bool = True
    seed: int = 0
    test_size: float = 0.2
    balance: bool = True
    calibration_groups: Literal["source", "corpus"] = "source"
    #: Publisher-disjoint folds for the out-of-fold margins the calibration is fitted on.
    calibration_folds: int = Field(default=3, ge=2)
    #: "sampled": probabilities follow the training rows' own label mix, so they are
    #: calibrated in-domain; "weighted": they follow the balanced row weights (both
    #: labels equally likely).  The verdict threshold is the same either way.
    calibration_prior: Literal["weighted", "sampled"] = "sampled"
    #: The uncertain band on the balanced scale (both labels equally likely); the card's
    #: ``uncertain_band`` is it as reported probabilities, the band the verdict is decided by
    #: (see :meth:`~veracity.models.composed.ComposedDetector.from_balanced`).  Older configs
    #: and cards call it ``uncertain_band``.
    uncertain_band_balanced: tuple[float, float] = Field(
        default=(0.35, 0.65),
        validation_alias=AliasChoices(BALANCED_BAND, OLD_BALANCED_BAND),
    )
    min_coverage: float = 0.5
    #: Score each article's title with its text: the title as its own first line
    #: (:func:`~veracity.data.scrub.titles.headline_text`).  BENCHMARKS.md "Headlines"
    #: measures it; the default leaves it off.
    titles: bool = False

    @field_validator("detector")
    @classmethod
    def _known_detector(cls, value: str) -> str:
        detectors.get(value)
        return value

    @field_validator("uncertain_band_balanced")
    @classmethod
    def _band(cls, value: tuple[float, float]) -> tuple[float, float]:
        lo, hi = value
        if not 0.0 <= lo <= 0.5 <= hi <= 1.0:
            raise ValueError(f"{BALANCED_BAND} must satisfy 0 <= low <= 0.5 <= high <= 1")
        return value

    @classmethod
    def from_file(cls, path: Path) -> TrainConfig:
        try:
            return cls.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError, ValidationError) as err:
            raise InputError(E.E018, path=path, reason=str(err).splitlines()[0]) from None

    def build(self) -> ComposedDetector:
        """A fresh, unfitted detector: the registered factory called with ``params``."""
        params: dict[str, Any] = {
            "random_state": self.seed,
            "calibration_prior": self.calibration_prior,
            "calibration_folds": self.calibration_folds,
        }
        params.update(self.params)
        return detectors.get(self.detector)(**params)


def data_fingerprint(root: Path, corpora: list[str]) -> dict[str, Any]:
    """A revision id for the shared data: sha256 over file names and sizes."""
    digest = hashlib.sha256()
    base = root / "datasets" / "articles"
    for path in sorted(base.rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(base)}:{path.stat().st_size}\n".encode())
    return {"root": "datasets/articles", "revision": digest.hexdigest()[:16], "corpora": corpora}


def held_out_record(root: Path) -> dict[str, Any]:
    """What the card says was kept out of training: the held-out folder and the sha256 of each
    of its texts (de-duplication drops them and their near-copies from every corpus)."""
    return {
        "folder": HELD_OUT_DIR,
        "sha256": {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in held_out_files(root)
        },
    }


def load_frame(root: Path, config: TrainConfig) -> pd.DataFrame:
    """The rows ``config`` trains and tests on: its corpora, scrubbed and de-duplicated.

    With ``config.titles`` each text opens with its (scrubbed) title; the rows
    are the same either way.
    """
    from ..data.pipeline import load_articles
    from ..data.scrub.titles import with_titles

    frame, _ = load_articles(root, corpora=config.corpora, scrub=config.scrub, dedup=config.dedup)
    return with_titles(frame) if config.titles else frame


def balanced_weights(frame: pd.DataFrame) -> np.ndarray:
    """Row weights giving every (corpus, label) cell the same total weight.

    Without this, a corpus's label balance becomes a topic cue: CoAID is 94%
    reliable, so COVID vocabulary would read as "reliable" everywhere.
    """
    sizes = frame.groupby(["corpus", "label"])["id"].transform("size").to_numpy(dtype=float)
    weights = 1.0 / sizes
    return weights / weights.mean()


def publisher_groups(frame: pd.DataFrame) -> list[str]:
    """Each row's publisher, within its corpus (the row itself when the source is unknown):
    the groups that calibration folds keep on one side."""
    source = frame["source"].where(frame["source"] != "", frame["id"])
    return (frame["corpus"] + "/" + source).tolist()


def frame_docs(frame: pd.DataFrame) -> list[Any]:
    """The frame's articles as Docs: its ``doc`` column when a loop parsed them already
    (:class:`veracity.doc.DocCache`), else each text parsed now."""
    if "doc" in frame.columns:
        return frame["doc"].tolist()
    from ..doc import as_docs

    return as_docs(frame["text"].tolist())


def fit_frame(config: TrainConfig, frame: pd.DataFrame) -> ComposedDetector:
    """Fit a fresh detector on a record frame.

    The calibration folds keep a group on one side: a publisher (else the row),
    or with ``calibration_groups="corpus"`` a whole corpus, so out-of-fold
    margins reflect how the n-grams transfer to a corpus never seen.  With
    publisher groups, a corpus whose label lives in one publisher is never held
    out (see :func:`~veracity.data.splits.pinned_rows`), as in the in-domain split.
    """
    from ..data.splits import pinned_rows

    pinned = None
    if config.calibration_groups == "corpus":
        groups = frame["corpus"].tolist()
    else:
        groups = publisher_groups(frame)
        pinned = pinned_rows(frame)
    weight = balanced_weights(frame) if config.balance else None
    return config.build().fit(
        frame_docs(frame),
        frame["label"].tolist(),
        groups=groups,
        sample_weight=weight,
        pinned=pinned,
        corpora=frame["corpus"].tolist(),
    )


def score_frame(detector: ComposedDetector, frame: pd.DataFrame) -> dict[str, float]:
    proba = detector.predict_proba(frame_docs(frame))[:, 1]
    y = (frame["label"] == "unreliable").to_numpy().astype(int)
    return binary_metrics(y, proba, threshold=detector.threshold_)


def probability_band(detector: ComposedDetector, band: tuple[float, float]) -> list[float]:
    """A balanced-scale band (the config's ``uncertain_band_balanced``) as the detector's
    reported probabilities: the card's ``uncertain_band``."""
    return [round(float(p), 4) for p in detector.from_balanced(np.array(band))]


def train(
    config: TrainConfig,
    root: Path,
    out: Path,
    command: str,
    extra_metrics: dict[str, Any] | None = None,
) -> LoadedModel:
    """Train on ``config.corpora``; record an in-domain source-disjoint figure; save."""
    from ..data.splits import source_disjoint_split

    frame = load_frame(root, config)
    tr, te = source_disjoint_split(frame, test_size=config.test_size, seed=config.seed)
    held = fit_frame(config, frame.iloc[tr])
    metrics: dict[str, Any] = {"in_domain_source_disjoint": score_frame(held, frame.iloc[te])}
    metrics.update(extra_metrics or {})
    detector = fit_frame(config, frame)
    counts = frame.groupby(["corpus", "label"]).size().unstack(fill_value=0)
    card = {
        "name": config.name,
        "detector": config.detector,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "config": json.loads(config.model_dump_json()),
        "data": {
            **data_fingerprint(root, config.corpora),
            "rows": {c: {k: int(v) for k, v in row.items()} for c, row in counts.iterrows()},
            "held_out": held_out_record(root),
        },
        "label_map": {"reliable": 0, "unreliable": 1},
        "uncertain_band": probability_band(detector, config.uncertain_band_balanced),
        "threshold": round(float(detector.threshold_), 4),
        "min_coverage": config.min_coverage,
        "metrics": metrics,
        "limits": LIMITS,
        "environment": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    return save_model(out, detector, card)
