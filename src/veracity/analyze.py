"""The analyser: text, HTML or a file in, one :class:`~veracity.report.Report` out.

The CLI, the service, the web page and batch scoring all hold one
:class:`Analyzer` and call :meth:`Analyzer.analyze_many` (full report) or
:meth:`Analyzer.probabilities` (verdict only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from . import models  # noqa: F401  (registers the detectors)
from .doc import Doc, make_doc
from .explain.contributions import Contribution, sentence_contributions
from .explain.reasons import find_reasons
from .explain.words import article_words
from .models.detector import Detector
from .models.folder import LoadedModel, load_model, verdict_band
from .report import Report, SentenceReport, report_model
from .report_records import ModelInfo, Provenance, SentenceDebug, Signal, Word
from .signals import SentenceSignals, article_signals
from .signals.pipelines import FAST, SentenceSignalModel, VerdictModel, load_signals
from .signals.table import ARTICLE_SIGNALS, ArticleSignal
from .stopping import Stop, go_on
from .text.inputs import Document, content_hash, document_from_text
from .text.sentences import Sentence
from .wording import counted

#: Articles shorter than this many words get the verdict "uncertain".
MIN_WORDS = 30
#: Articles analysed together: each chunk's n-grams are hashed and its sentences scored in one
#: pass, and only one chunk's Docs are held at a time.
CHUNK = 64


@dataclass(frozen=True)
class Verdict:
    probability: float
    verdict: str
    reason: str | None


def own_verdict(verdict: VerdictModel | None, fast_sha256: str) -> VerdictModel | None:
    """A pipeline's own verdict, if it has one fitted on the loaded fast model's margins;
    beside any other fast model the fast verdict stands."""
    return verdict if verdict is not None and verdict.fast_sha256 == fast_sha256 else None


class Analyzer:
    """A loaded model plus the sentence-signal models, ready to analyse."""

    def __init__(
        self,
        model: LoadedModel,
        signals: SentenceSignalModel | None = None,
        archive: Any = None,
        signal_table: Sequence[ArticleSignal] = ARTICLE_SIGNALS,
    ) -> None:
        """``archive`` (a :class:`veracity.archive.Archive`) adds sentence provenance;
        ``signal_table`` lists the article signals a report carries, in order."""
        self.model = model
        self.archive = archive
        self.signal_table = tuple(signal_table)
        self.detector: Detector = model.detector
        self.signals = signals if signals is not None else load_signals(FAST)
        self.ranges = self.signals.ranges
        self.verdict_model = own_verdict(self.signals.verdict, model.fingerprint)
        self.band = (
            verdict_band(model.card) if self.verdict_model is None else self.verdict_model.band
        )
        self.min_coverage = float(model.card.get("min_coverage", 0.0))
        detector = str(model.card.get("detector", ""))
        self.info = ModelInfo(
            name=str(model.card.get("name", "veracity")),
            version=str(model.card.get("created", "")),
            detector=detector,
            sha256=model.fingerprint,
            pipeline=self.signals.pipeline,
            signals_version=str(self.signals.cards.get("deep", {}).get("created", "")),
            verdict=detector if self.verdict_model is None else self.verdict_model.name,
        )

    @classmethod
    def load(
        cls,
        model_dir: Path | None = None,
        archive_path: Path | None = None,
        pipeline: str = FAST,
        threads: int = 0,
    ) -> Analyzer:
        """The model of ``model_dir`` (default: bundled) with the sentence signals of
        ``pipeline`` (``threads``: cores for the deep encoder, 0 for all)."""
        archive = None
        if archive_path is not None:
            from .archive import Archive

            archive = Archive(archive_path, create=False)
        signals = load_signals(pipeline, threads)
        return cls(load_model(model_dir), signals=signals, archive=archive)

    # -- verdict only ---------------------------------------------------
    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated P(unreliable) for each text."""
        return np.asarray([v.probability for v in self.verdicts(texts)], dtype=np.float64)

    def verdicts(self, texts: Sequence[str]) -> list[Verdict]:
        """Verdicts, in chunks of :data:`CHUNK` articles, each parsed once."""
        texts = list(texts)
        return [
            verdict
            for start in range(0, len(texts), CHUNK)
            for verdict in self._score([make_doc(t) for t in texts[start : start + CHUNK]])
        ]

    def _score(self, docs: list[Doc], counts: Any = None) -> list[Verdict]:
        """Verdicts, from the n-gram ``counts`` when the full report already has them."""
        counts = self.detector.counts(docs) if counts is None else counts
        margins = self.detector.margins(self.detector.features(docs, counts))
        if self.verdict_model is None:
            proba = self.detector.calibrate(margins)
        else:
            proba = self.verdict_model.probabilities(margins, self.signals.vectors(docs))
        coverage = self.detector.coverage(counts)
        verdicts = [
            self._verdict(float(p), float(c), d.words)
            for p, c, d in zip(proba, coverage, docs, strict=True)
        ]
        return verdicts

    def _verdict(self, p: float, coverage: float, words: int) -> Verdict:
        lo, hi = self.band
        if words < MIN_WORDS:
            return Verdict(
                p, "uncertain", f"too short to judge ({counted(words, 'word')} < {MIN_WORDS})"
            )
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
    def analyze(self, doc: Document | str, debug: bool = False) -> Report:
        return self.analyze_many([doc], debug=debug)[0]

    def analyze_many(
        self, docs: Sequence[Document | str], stop: Stop = go_on, debug: bool = False
    ) -> list[Report]:
        """Full reports, in chunks of :data:`CHUNK` articles, each parsed once.

        ``stop`` is called between the stages of the analysis (and inside the long ones);
        when it raises, the analysis ends there and the exception propagates: this is how the
        service stops the work of a request whose time ran out.  ``debug`` adds each
        sentence's n-gram features (its ``debug`` key).
        """
        return [
            report
            for start in range(0, len(docs), CHUNK)
            for report in self._analyze_chunk(docs[start : start + CHUNK], stop, debug)
        ]

    def _analyze_chunk(
        self, docs: Sequence[Document | str], stop: Stop, debug: bool
    ) -> list[Report]:
        stop()
        documents = [d if isinstance(d, Document) else document_from_text(d) for d in docs]
        parsed = [make_doc(d.text, stop=stop) for d in documents]
        counts, grams = self.detector.counts_and_grams(parsed)
        sentence_signals = self.signals.analyze_many(parsed, stop)
        stop()
        verdicts = self._score(parsed, counts)
        stop()
        created = datetime.now(UTC).isoformat(timespec="seconds")
        credit = self._credit(parsed, counts, grams)
        stop()
        reports = []
        for i, (doc, contribs) in enumerate(zip(documents, credit, strict=True)):
            total = sum(abs(c.logit) for c in contribs) or 1.0
            words = article_words(parsed[i], contribs)
            sentences = []
            for s, w, sig, c in zip(
                parsed[i].sentences, words, sentence_signals[i], contribs, strict=True
            ):
                stop()
                sentences.append(self._sentence(s, w, sig, c, total, debug))
            signals = self._signals(doc.text, sentence_signals[i])
            added_share = self._provenance(sentences) if self.archive is not None else None
            v = verdicts[i]
            reports.append(
                report_model()(
                    id=content_hash(doc.text, doc.title)[:16],
                    created=created,
                    model=self.info,
                    input_name=doc.name,
                    input_kind=doc.kind,
                    words=parsed[i].words,
                    probability=round(v.probability, 4),
                    verdict=v.verdict,
                    uncertain_band=self.band,
                    abstain_reason=v.reason,
                    reasons=find_reasons(sentences),
                    sentences=sentences,
                    signals=signals,
                    added_share=added_share,
                    title=doc.title or None,
                    repaired_chars=doc.repaired,
                )
            )
        return reports

    def _credit(self, docs: list[Doc], counts: Any, grams: Any) -> list[list[Contribution]]:
        """Each sentence's push in reported log-odds: its share of the fast margin, plus its
        share of the embedding logit when the pipeline has its own verdict."""
        if self.verdict_model is None:
            scale = self.detector.log_odds_scale()
            return sentence_contributions(self.detector, counts, docs, scale, grams=grams)
        verdict = self.verdict_model
        credit = sentence_contributions(
            self.detector, counts, docs, verdict.log_odds_scale, grams=grams
        )
        return [
            [
                Contribution(c.logit + float(extra), c.grams, c.weights, c.places)
                for c, extra in zip(article, verdict.sentence_pushes(vectors), strict=True)
            ]
            for article, vectors in zip(credit, self.signals.vectors(docs), strict=True)
        ]

    def _sentence(
        self,
        s: Sentence,
        words: list[Word],
        sig: SentenceSignals,
        c: Contribution,
        total: float,
        debug: bool,
    ) -> SentenceReport:
        return report_model().sentence(
            sig,
            index=s.index,
            start=s.start,
            end=s.end,
            text=s.text,
            contribution=round(c.logit, 4),
            share=round(c.logit / total, 4),
            words=words,
            debug=SentenceDebug(terms=c.terms()) if debug else None,
        )

    def _signals(self, text: str, per_sentence: list[SentenceSignals]) -> list[Signal]:
        out = []
        declared = {s.name: s for s in self.signal_table}
        for name, value in article_signals(text, per_sentence, self.signal_table).items():
            lo, mid, hi = self.ranges.get(name, (None, None, None))
            out.append(
                Signal(
                    name=name,
                    value=round(float(value), 4),
                    label=declared[name].label,
                    description=declared[name].description,
                    reliable_p10=lo,
                    reliable_p50=mid,
                    reliable_p90=hi,
                )
            )
        return out

    def _provenance(self, sentences: list[SentenceReport]) -> float:
        """Mark each sentence supported or added; return the added share of words."""
        from .archive.match import added_share

        found = self.archive.lookup([s.text for s in sentences])
        for s, prov in zip(sentences, found, strict=True):
            s.provenance = Provenance(prov.status, list(prov.matches))
        return round(added_share(found), 4)
