"""The analyser: text, HTML or a file in, one :class:`~veracity.report.Report` out.

The CLI, the service, the web page and batch scoring all hold one
:class:`Analyzer` and call :meth:`Analyzer.analyze_many` (full report) or
:meth:`Analyzer.probabilities` (verdict only).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .explain.contributions import sentence_contributions
from . import models  # noqa: F401  (registers the detectors)
from .models.store import LoadedModel, load_model
from .report import ModelInfo, Report, SentenceReport, Signal
from .signals.analyzer import SignalAnalyzer
from .text.inputs import Document, document_from_text
from .text.normalize import tokens
from .text.sentences import split_sentences

#: Articles shorter than this many words get the verdict "uncertain".
MIN_WORDS = 30


@dataclass(frozen=True)
class Verdict:
    probability: float
    verdict: str
    reason: str | None


class Analyzer:
    """A loaded model plus the sentence-signal models, ready to analyse."""

    def __init__(self, model: LoadedModel, signals: SignalAnalyzer | None = None) -> None:
        self.model = model
        self.detector: Any = model.detector
        self.signals = signals if signals is not None else SignalAnalyzer.load()
        lo, hi = model.card.get("uncertain_band", (0.35, 0.65))
        self.band = (float(lo), float(hi))
        self.min_coverage = float(model.card.get("min_coverage", 0.0))
        self.info = ModelInfo(
            name=str(model.card.get("name", "veracity")),
            version=str(model.card.get("created", "")),
            detector=str(model.card.get("detector", "")),
            sha256=model.fingerprint,
        )

    @classmethod
    def load(cls, model_dir: Path | None = None) -> Analyzer:
        return cls(load_model(model_dir))

    # -- verdict only ---------------------------------------------------
    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated P(unreliable) for each text."""
        return np.asarray(self.detector.predict_proba(list(texts))[:, 1])

    def verdicts(self, texts: Sequence[str]) -> list[Verdict]:
        texts = list(texts)
        counts = self.detector.counts(texts)
        margins = self.detector.margins(self.detector.features(texts, counts))
        proba = self.detector.calibrate(margins)
        return [
            self._verdict(float(p), counts[i], len(tokens(t)))
            for i, (p, t) in enumerate(zip(proba, texts, strict=True))
        ]

    def _verdict(self, p: float, counts_row: Any, words: int) -> Verdict:
        lo, hi = self.band
        if words < MIN_WORDS:
            return Verdict(p, "uncertain", f"too short to judge ({words} words < {MIN_WORDS})")
        total = counts_row.data.sum()
        seen = counts_row.data[self.detector.idf_[counts_row.indices] > 0].sum()
        coverage = float(seen / total) if total else 0.0
        if coverage < self.min_coverage:
            return Verdict(
                p,
                "uncertain",
                f"far from the training data ({coverage:.0%} of its word pairs were seen in training)",
            )
        if lo < p < hi:
            return Verdict(p, "uncertain", f"probability {p:.2f} is inside the uncertain band")
        return Verdict(p, "unreliable" if p >= hi else "reliable", None)

    # -- full report ----------------------------------------------------
    def analyze(self, doc: Document | str) -> Report:
        return self.analyze_many([doc])[0]

    def analyze_many(self, docs: Sequence[Document | str]) -> list[Report]:
        documents = [d if isinstance(d, Document) else document_from_text(d) for d in docs]
        texts = [d.text for d in documents]
        verdicts = self.verdicts(texts)
        counts = self.detector.counts(texts)
        scale = float(self.detector.calibration_[0])
        split = [split_sentences(t) for t in texts]
        sentence_signals = self.signals.analyze_many(list(zip(texts, split, strict=True)))
        created = datetime.now(UTC).isoformat(timespec="seconds")
        reports = []
        for i, doc in enumerate(documents):
            weights = self.detector.ngram_weights(counts[i])
            sentence_texts = [s.text for s in split[i]]
            style = getattr(self.detector, "style_sentence_margins", None)
            contribs = sentence_contributions(
                weights,
                self.detector._hasher(),
                sentence_texts,
                scale,
                extra=style(sentence_texts) if style is not None else None,
            )
            total = sum(abs(c.logit) for c in contribs) or 1.0
            sentences = [
                SentenceReport(
                    index=s.index,
                    start=s.start,
                    end=s.end,
                    text=s.text,
                    role=sig.role,
                    role_cues=sig.role_cues,
                    techniques=sig.techniques,
                    bias=sig.bias,
                    subjectivity=sig.subjectivity,
                    checkworthy=sig.checkworthy,
                    contribution=round(c.logit, 4),
                    share=round(c.logit / total, 4),
                    terms=c.terms,
                )
                for s, sig, c in zip(split[i], sentence_signals[i], contribs, strict=True)
            ]
            signals = [Signal(**g) for g in self.signals.article_signals(doc.text, split[i], sentence_signals[i])]
            v = verdicts[i]
            reports.append(
                Report(
                    id=hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16],
                    created=created,
                    model=self.info,
                    input_name=doc.name,
                    input_kind=doc.kind,
                    words=len(tokens(doc.text)),
                    probability=round(v.probability, 4),
                    verdict=v.verdict,
                    uncertain_band=self.band,
                    abstain_reason=v.reason,
                    sentences=sentences,
                    signals=signals,
                )
            )
        return reports
