"""Sentence signals from one encoder pass per sentence (the ``deep`` pipeline).

:class:`DeepSignalAnalyzer` gives the same :class:`~veracity.signals.SentenceSignals`
as the fast :class:`~veracity.signals.SignalAnalyzer`, from the Doc's sentences: the
sentences of a whole chunk of articles are encoded together (sorted by length, dynamic
padding, :meth:`Encoder.batches`), and each batch's token states feed every head before
the next batch runs: bias, subjectivity and check-worthiness from the sentence heads;
propaganda spans from the token head (runs of whole words whose mean tag probability
reaches the ``weak`` level, bridging up to ``gap`` words below it, drawn ``strong`` from
the ``strong`` level; a run of function words alone is dropped), each span's technique
from the technique head averaged with the fast pipeline's technique classifier (which
reads the span's n-grams and context; alone, the head is the weaker of the two).  Each sentence's mean token state stays on its Doc
(``doc.annotations[VECTORS]``), where the deep verdict reads it.  Roles, hedges,
sentiment and word counts come from the Doc and the rules, as in the fast pipeline.  A
sentence longer than the encoder's token limit is read up to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ...registry import pipelines
from ...stopping import Stop, go_on
from .. import sentiment
from ..analyzer import (
    SentenceLike,
    SentenceSignals,
    load_propaganda,
    sentence_row,
    technique_probabilities,
)
from ..pipelines import DEEP, PIPELINES
from ..propaganda import TechniqueClassifier
from ..technique_thresholds import STRONG, WEAK, has_content, merge_drawn
from .encoder import Batch
from .heads import SENTENCE_HEADS, masked_mean
from .model import DEEP_DIR, DeepModel

if TYPE_CHECKING:
    from ...doc import Doc

#: The Doc annotation holding each sentence's mean token state.
VECTORS = "deep.vectors"
#: The fast technique classifier's share of a span's technique probabilities: fixed, not
#: tuned (PTC dev is the evaluation split, and the fast classifier saw all of PTC train).
FAST_TECHNIQUE_WEIGHT = 0.5


class FastTechniques(NamedTuple):
    """The fast pipeline's technique classifier and the hash width its contexts are read with."""

    classifier: TechniqueClassifier
    bits: int


@dataclass
class _Read:
    """What the heads say of one sentence (offsets relative to the sentence)."""

    probs: np.ndarray
    #: ``(start, end, technique probabilities, score, strength)``.
    spans: list[tuple[int, int, np.ndarray, float, str]]
    #: The sentence's mean token state (what the sentence heads and the verdict read).
    vector: np.ndarray


class DeepSignalAnalyzer:
    """The deep model, ready to give every sentence signal."""

    pipeline = "deep"

    def __init__(self, model: DeepModel, fast: FastTechniques | None = None) -> None:
        """``fast``: the fast pipeline's technique classifier, averaged with the deep head's
        (weight :data:`FAST_TECHNIQUE_WEIGHT`); None: the deep head alone."""
        self.model = model
        self.fast = fast
        self.cards = {"deep": model.card}
        self.ranges = model.ranges
        self.verdict = model.verdict

    @classmethod
    def load(cls, folder: Path = DEEP_DIR, threads: int = 0) -> DeepSignalAnalyzer:
        tagger, techniques, _ = load_propaganda()
        return cls(DeepModel.load(folder, threads), FastTechniques(techniques, tagger.bits))

    def sentence_scores(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """P(positive) of each sentence head for raw sentence texts."""
        probs = np.zeros((len(texts), len(SENTENCE_HEADS)))
        for rows, batch, states in self.model.encoder.batches(texts):
            probs[rows] = self.model.heads.sentence_probabilities(states, batch.mask)
        return {name: probs[:, j] for j, name in enumerate(SENTENCE_HEADS)}

    def vectors(self, docs: Sequence[Doc]) -> list[np.ndarray]:
        """Each Doc's sentence states (a row per sentence): kept in its annotations by
        :meth:`analyze_many`, else read now in one encoder pass over the Docs that lack them."""
        todo = [d for d in docs if VECTORS not in d.annotations]
        texts = [s.text for d in todo for s in d.sentences]
        found = np.zeros((len(texts), self.model.heads.size), dtype=np.float32)
        for rows, batch, states in self.model.encoder.batches(texts):
            found[rows] = masked_mean(states, batch.mask)
        start = 0
        for doc in todo:
            doc.annotations[VECTORS] = found[start : start + len(doc.sentences)]
            start += len(doc.sentences)
        return [d.annotations[VECTORS] for d in docs]

    def analyze(self, doc: Doc) -> list[SentenceSignals]:
        return self.analyze_many([doc])[0]

    def analyze_many(self, docs: Sequence[Doc], stop: Stop = go_on) -> list[list[SentenceSignals]]:
        """Signals for many articles, their sentences encoded together."""
        texts = [s.text for doc in docs for s in doc.sentences]
        reads: dict[int, _Read] = {}
        for rows, batch, states in self.model.encoder.batches(texts):
            stop()
            read_rows = self._read(batch, states, [texts[r] for r in rows])
            for read, row in zip(read_rows, rows, strict=True):
                reads[row] = read
        moods = sentiment.compound_many([t for doc in docs for t in doc.tokens]).tolist()
        out: list[list[SentenceSignals]] = []
        row = 0
        for doc in docs:
            n = len(doc.sentences)
            doc.annotations[VECTORS] = _stack([reads[r].vector for r in range(row, row + n)])
            found = [
                (sent.start + a, sent.start + b, probs, score, strength)
                for k, sent in enumerate(doc.sentences)
                for a, b, probs, score, strength in reads[row + k].spans
            ]
            labels = iter(self._labels(doc.text, found, doc.sentences))
            result = []
            for sent, role, toks in zip(doc.sentences, doc.roles, doc.tokens, strict=True):
                read = reads[row]
                spans = [
                    (sent.start + a, sent.start + b, next(labels), score, strength)
                    for a, b, _, score, strength in read.spans
                ]
                scores = (float(read.probs[0]), float(read.probs[1]), float(read.probs[2]))
                techniques = merge_drawn(spans, doc.text)
                result.append(sentence_row(sent, role, techniques, scores, moods[row], toks))
                row += 1
            out.append(result)
        return out

    def _read(self, batch: Batch, states: np.ndarray, texts: Sequence[str]) -> list[_Read]:
        heads, levels = self.model.heads, self.model.levels
        probs = heads.sentence_probabilities(states, batch.mask)
        tags = heads.tag_probabilities(states)
        means = masked_mean(states, batch.mask)
        found: list[tuple[int, int, int, float]] = []
        pooled: list[np.ndarray] = []
        for i in range(len(batch.ids)):
            for first, end, score in runs(batch, i, tags[i], levels.weak, levels.gap):
                a, b = batch.offsets[i][first][0], batch.offsets[i][end - 1][1]
                if not has_content(texts[i][a:b].split()):
                    continue
                found.append((i, first, end, score))
                pooled.append(states[i, first:end].mean(0))
        reads = [_Read(probs[i], [], means[i]) for i in range(len(batch.ids))]
        if found:
            tech = heads.technique_probabilities(np.stack(pooled), means[[f[0] for f in found]])
            for (i, first, end, score), row in zip(found, tech, strict=True):
                a, b = batch.offsets[i][first][0], batch.offsets[i][end - 1][1]
                strength = STRONG if score >= levels.strong else WEAK
                reads[i].spans.append((a, b, row, round(score, 4), strength))
        return reads

    def _blend(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        sentences: Sequence[SentenceLike],
        deep: np.ndarray,
    ) -> np.ndarray:
        """The deep head's technique probabilities averaged with the fast classifier's."""
        if self.fast is None or not len(spans):
            return deep
        fast = technique_probabilities(self.fast.classifier, self.fast.bits, text, spans, sentences)
        names = [str(c) for c in self.fast.classifier.classes_]
        fast = fast[:, [names.index(t) for t in self.model.techniques]]
        return np.asarray((1 - FAST_TECHNIQUE_WEIGHT) * deep + FAST_TECHNIQUE_WEIGHT * fast)

    def _labels(
        self,
        text: str,
        found: Sequence[tuple[int, int, np.ndarray, float, str]],
        sentences: Sequence[SentenceLike],
    ) -> list[str]:
        """The technique of each span of an article (offsets into ``text``)."""
        if not found:
            return []
        deep = np.stack([f[2] for f in found])
        probs = self._blend(text, [(f[0], f[1]) for f in found], sentences, deep)
        return [self.model.techniques[int(j)] for j in probs.argmax(1)]

    def rank_techniques(
        self, text: str, spans: Sequence[tuple[int, int]], sentences: Sequence[SentenceLike]
    ) -> list[list[str]]:
        """Techniques for given spans of ``text``, most likely first (the PTC TC task)."""
        starts = [s.start for s in sentences]
        owner = [max(0, int(np.searchsorted(starts, a, side="right")) - 1) for a, _ in spans]
        texts = [text[sentences[k].start : sentences[k].end] for k in owner]
        span_means: list[np.ndarray] = [np.empty(0)] * len(spans)
        sent_means: list[np.ndarray] = [np.empty(0)] * len(spans)
        for rows, batch, states in self.model.encoder.batches(texts):
            means = masked_mean(states, batch.mask)
            for j, row in enumerate(rows):
                base = sentences[owner[row]].start
                a, b = spans[row][0] - base, spans[row][1] - base
                inside = [
                    t
                    for t, (s, e) in enumerate(batch.offsets[j])
                    if not batch.special[j][t] and s < b and e > a
                ]
                span_means[row] = states[j, inside].mean(0) if inside else means[j]
                sent_means[row] = means[j]
        if not spans:
            return []
        probs = self.model.heads.technique_probabilities(np.stack(span_means), np.stack(sent_means))
        probs = self._blend(text, spans, sentences, probs)
        return [[self.model.techniques[j] for j in np.argsort(-row)] for row in probs]


def _stack(rows: Sequence[np.ndarray]) -> np.ndarray:
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32)


def runs(
    batch: Batch, i: int, tags: np.ndarray, level: float, gap: int = 0
) -> list[tuple[int, int, float]]:
    """Runs of whole words (token ranges) of row ``i`` whose mean tag probability reaches
    ``level``, with the mean of those words; up to ``gap`` words below it between two that
    reach it are bridged (they join the span, not the mean)."""
    words: list[tuple[int, int]] = []
    for t, special in enumerate(batch.special[i]):
        if special or not batch.mask[i, t]:
            continue
        if batch.continues[i][t] and words:
            words[-1] = (words[-1][0], t + 1)
        else:
            words.append((t, t + 1))
    out: list[tuple[int, int, float]] = []
    run: list[tuple[int, int, float]] = []
    bridged = 0
    for a, b in [*words, (-1, -1)]:
        score = float(tags[a:b].mean()) if a >= 0 else 0.0
        if a >= 0 and score >= level:
            run.append((a, b, score))
            bridged = 0
            continue
        if run and a >= 0 and bridged < gap:
            bridged += 1
            continue
        if run:
            out.append((run[0][0], run[-1][1], float(np.mean([s for *_, s in run]))))
            run, bridged = [], 0
    return out


@pipelines.register(PIPELINES[DEEP])
def _deep(threads: int = 0) -> DeepSignalAnalyzer:
    return DeepSignalAnalyzer.load(threads=threads)
