"""Per-sentence signals for whole articles, batched.

:class:`SignalAnalyzer` loads the shipped models once and turns parsed
articles (:class:`~veracity.doc.Doc`: sentences, their tokens and roles) into
:class:`SentenceSignals`.  ``analyze_many`` takes each article's tokens from
its Doc (locating them in the text with numpy, :func:`~.tokens.sentence_token_offsets`),
hashes every sentence of the batch in one ``HashingVectorizer`` transform and
scores bias, subjectivity, check-worthiness and the propaganda sentence prior
with one sparse product; the propaganda tagger scores and merges the tokens of
the whole batch in one numpy pass, all candidate spans get their technique in
one batch, and the sentiment of every sentence is one numpy pass too.  Spans are
kept only at or above their technique's calibrated level, and carry ``strong`` or
``weak`` (:mod:`.technique_thresholds`).  All offsets are relative to the article.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import scipy.sparse as sp

from ..errors import E, ModelError
from ..estimator import sigmoid
from ..persist import load_folder
from ..stopping import Stop, go_on
from ..text.normalize import canonical, word_count
from . import sentiment
from .propaganda import (
    Prepared,
    SpanContext,
    SpanTagger,
    TechniqueClassifier,
    predict_spans_many,
    prepare,
    prepare_many,
    span_context,
    token_range,
    token_ranges,
)
from .sentence_models import SentenceLinear, load_model, stack_models, transform_canonical
from .technique_thresholds import (
    THRESHOLDS,
    Drawn,
    TechniqueThresholds,
    has_content,
    load_thresholds,
    merge_drawn,
)
from .tokens import LOCATED_TOKENS

if TYPE_CHECKING:
    from ..doc import Doc
    from .roles import RoleResult

#: Sentences between two stop checks in the per-sentence loop.
STOP_EVERY = 1024
TRAINED_DIR = Path(__file__).resolve().parent / "trained"
#: Reliable ranges (p10, p50, p90) of the article signals under the fast models.
RANGES = "ranges.json"
#: Sentence models in the order of the stacked score columns.
SENTENCE_SIGNALS = ("bias", "subjectivity", "checkworthy", "propaganda_sentence")
PROPAGANDA = "propaganda"


class SentenceLike(Protocol):
    """What the analyzer needs of a sentence (``veracity.text.sentences.Sentence``)."""

    @property
    def index(self) -> int: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


#: ``(start, end, technique, score, strength)``, strength ``"strong"`` or ``"weak"``.
Technique = Drawn


@dataclass
class SentenceSignals:
    """Everything veracity reports about one sentence (offsets into the article)."""

    index: int
    start: int
    end: int
    role: str
    role_cues: list[tuple[int, int, str]]
    techniques: list[Technique]
    bias: float
    subjectivity: float
    checkworthy: float
    sentiment: float = 0.0
    hedges: int = 0
    words: int = 0


class SignalAnalyzer:
    """The shipped sentence models, rules and propaganda tagger, ready to score."""

    pipeline = "fast"
    #: The fast pipeline's verdict is the fast detector's own.
    verdict = None

    def __init__(
        self,
        sentence: dict[str, SentenceLinear],
        tagger: SpanTagger,
        techniques: TechniqueClassifier,
        cards: dict[str, dict[str, Any]],
        thresholds: TechniqueThresholds,
        ranges: dict[str, list[float]] | None = None,
    ) -> None:
        """``ranges``: the article signals' reliable ranges under these models (none: empty)."""
        self.ranges = ranges or {}
        self.sentence = sentence
        self.tagger = tagger
        self.techniques = techniques
        self.thresholds = thresholds
        self.cards = cards
        models = [sentence[name] for name in SENTENCE_SIGNALS]
        self._config = models[0].config_
        self._coef, self._intercept = stack_models(models)

    @classmethod
    def load(cls, folder: Path = TRAINED_DIR) -> SignalAnalyzer:
        """Load and sha256-verify every model under ``folder``."""
        folder = Path(folder)
        sentence = {name: load_model(folder / name) for name in SENTENCE_SIGNALS}
        tagger, techniques, propaganda_card = load_propaganda(folder)
        cards = {
            name: m.card for name, m in ((n, load_folder(folder / n)) for n in SENTENCE_SIGNALS)
        }
        cards[PROPAGANDA] = propaganda_card
        thresholds = load_thresholds(folder / THRESHOLDS)
        return cls(sentence, tagger, techniques, cards, thresholds, load_ranges(folder / RANGES))

    def sentence_logits(self, canon: Sequence[str]) -> np.ndarray:
        """Decision scores, one column per name in :data:`SENTENCE_SIGNALS`."""
        if not canon:
            return np.zeros((0, len(SENTENCE_SIGNALS)))
        matrix: sp.csr_matrix = transform_canonical(self._config, canon)
        return np.asarray(matrix @ self._coef, dtype=np.float64) + self._intercept

    def sentence_scores(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """P(positive) of each sentence model for raw sentence texts."""
        probs = sigmoid(self.sentence_logits([canonical(t) for t in texts]))
        return {name: probs[:, i] for i, name in enumerate(SENTENCE_SIGNALS)}

    def analyze(self, doc: Doc) -> list[SentenceSignals]:
        return self.analyze_many([doc])[0]

    def vectors(self, docs: Sequence[Doc]) -> list[np.ndarray]:
        """No sentence states: the fast pipeline has no encoder (an empty row per sentence)."""
        return [np.zeros((len(d.sentences), 0), dtype=np.float32) for d in docs]

    def analyze_many(self, docs: Sequence[Doc], stop: Stop = go_on) -> list[list[SentenceSignals]]:
        """Signals for many articles at once (one transform, one product per batch).

        ``stop`` is called between the stages and every :data:`STOP_EVERY` sentences.
        """
        preps = prepare_many(
            [doc.text for doc in docs],
            [[(s.start, s.end) for s in doc.sentences] for doc in docs],
            [doc.tokens for doc in docs],
            self.tagger.bits,
        )
        for doc, prep in zip(docs, preps, strict=True):
            doc.annotations[LOCATED_TOKENS] = (prep.tokens, prep.starts, prep.ends)
        stop()
        toks = [[prep.tokens[a:b] for a, b in token_ranges(prep, prep.sentences)] for prep in preps]
        canon = [[" ".join(t) for t in article] for article in toks]
        logits = self.sentence_logits([c for article in canon for c in article])
        probs = sigmoid(logits)
        stop()
        found = self._spans(preps, canon, logits[:, SENTENCE_SIGNALS.index("propaganda_sentence")])
        stop()
        flat = [t for article in toks for t in article]
        moods = sentiment.compound_many(flat).tolist()
        bias, subj, check = (probs[:, j].tolist() for j in range(3))
        out: list[list[SentenceSignals]] = []
        row = 0
        for doc, spans in zip(docs, found, strict=True):
            by_sentence = _group_spans(spans, doc.sentences)
            result = []
            for k, (sent, role) in enumerate(zip(doc.sentences, doc.roles, strict=True)):
                if row % STOP_EVERY == 0:
                    stop()
                stoks = flat[row]
                scores = (bias[row], subj[row], check[row])
                drawn = by_sentence[k]
                techniques = merge_drawn(drawn, doc.text) if drawn else []
                result.append(sentence_row(sent, role, techniques, scores, moods[row], stoks))
                row += 1
            out.append(result)
        return out

    def _spans(
        self, preps: Sequence[Prepared], canon: Sequence[Sequence[str]], sentence_logits: np.ndarray
    ) -> list[list[Technique]]:
        """Tagged spans with their technique, per article (one tagger pass, one technique batch)."""
        cuts = np.cumsum([0, *map(len, canon)]).tolist()
        keep = [art for art, prep in enumerate(preps) if canon[art] and len(prep.starts)]
        tagged = predict_spans_many(
            self.tagger,
            [preps[art] for art in keep],
            [sentence_logits[cuts[a] : cuts[a + 1]] for a in keep],
        )
        candidates: list[tuple[int, int, int, float]] = []
        contexts: list[SpanContext] = []
        # A span scored below every technique's threshold is never drawn: it is not classified.
        floor = self.thresholds.lowest(map(str, self.techniques.classes_))
        for art, spans in zip(keep, tagged, strict=True):
            if not spans:
                continue
            prep, sents = preps[art], canon[art]
            canon_text = " ".join(prep.tokens)
            owner = prep.sentence_ids.tolist()
            ranges = token_ranges(prep, [(start, end) for start, end, _ in spans])
            for (start, end, score), (a, b) in zip(spans, ranges, strict=True):
                if score < floor or not has_content(prep.tokens[a:b]):
                    continue
                sentence = sents[owner[min(a, len(owner) - 1)]]
                contexts.append(span_context(" ".join(prep.tokens[a:b]), sentence, canon_text))
                candidates.append((art, start, end, score))
        drawn: list[list[Technique]] = [[] for _ in preps]
        if contexts:
            labels = self.techniques.classes_[self.techniques.predict_proba(contexts).argmax(1)]
            for (art, start, end, score), label in zip(candidates, labels, strict=True):
                strength = self.thresholds.strength(str(label), score)
                if strength is not None:
                    drawn[art].append((start, end, str(label), round(score, 4), strength))
        return drawn

    def rank_techniques(
        self, text: str, spans: Sequence[tuple[int, int]], sentences: Sequence[SentenceLike]
    ) -> list[list[str]]:
        """Techniques for given spans, most likely first (the PTC TC task)."""
        probs = technique_probabilities(self.techniques, self.tagger.bits, text, spans, sentences)
        return [[str(self.techniques.classes_[j]) for j in np.argsort(-row)] for row in probs]


def load_propaganda(
    folder: Path = TRAINED_DIR,
) -> tuple[SpanTagger, TechniqueClassifier, dict[str, Any]]:
    """The span tagger, the technique classifier and their card, sha256-verified."""
    bundle = load_folder(Path(folder) / PROPAGANDA)
    try:
        meta = bundle.data["propaganda"]
        tagger = SpanTagger.from_arrays(meta["tagger"], bundle.arrays["tagger"])
        techniques = TechniqueClassifier.from_arrays(
            meta["techniques"], meta["classes"], bundle.arrays["techniques"]
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ModelError(E.E010, path=Path(folder) / PROPAGANDA, reason=str(err)) from None
    return tagger, techniques, bundle.card


def technique_probabilities(
    classifier: TechniqueClassifier,
    bits: int,
    text: str,
    spans: Sequence[tuple[int, int]],
    sentences: Sequence[SentenceLike],
) -> np.ndarray:
    """The technique classifier's probabilities (columns: ``classifier.classes_``) for spans
    of ``text`` (offsets into it), each read with its sentence and the article."""
    if not spans:
        return np.zeros((0, len(classifier.classes_)))
    prep = prepare(text, "", [(s.start, s.end) for s in sentences], bits)
    canon = [" ".join(prep.tokens[slice(*token_range(prep, s.start, s.end))]) for s in sentences]
    canon_text = " ".join(prep.tokens)
    contexts = [_context(prep, canon, canon_text, a, b) for a, b in spans]
    return np.asarray(classifier.predict_proba(contexts))


def _context(
    prep: Prepared, canon: Sequence[str], canon_text: str, start: int, end: int
) -> SpanContext:
    a, b = token_range(prep, start, end)
    k = int(prep.sentence_ids[min(a, len(prep.sentence_ids) - 1)]) if len(prep.starts) else 0
    sentence = canon[k] if canon else ""
    return span_context(" ".join(prep.tokens[a:b]), sentence, canon_text)


def sentence_row(
    sent: SentenceLike,
    role: RoleResult,
    techniques: list[Technique],
    scores: tuple[float, float, float],
    mood: float,
    tokens: tuple[str, ...] | list[str],
) -> SentenceSignals:
    """One sentence's signals: its role and cues from the Doc (offsets made the article's),
    its drawn spans, its (bias, subjectivity, check-worthiness) scores, sentiment, hedges and
    word count; shared by both pipelines."""
    return SentenceSignals(
        index=sent.index,
        start=sent.start,
        end=sent.end,
        role=role.role,
        role_cues=[(sent.start + a, sent.start + b, c) for a, b, c in role.cues],
        techniques=techniques,
        bias=scores[0],
        subjectivity=scores[1],
        checkworthy=scores[2],
        sentiment=mood,
        hedges=role.hedges,
        words=word_count(tokens),
    )


def load_ranges(path: Path) -> dict[str, list[float]]:
    """The ``ranges`` of a reliable-ranges file (empty when there is none)."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    ranges: dict[str, list[float]] = data.get("ranges", {})
    return ranges


def _group_spans(spans: list[Technique], sents: Sequence[SentenceLike]) -> list[list[Technique]]:
    out: list[list[Technique]] = [[] for _ in sents]
    if not spans:
        return out
    starts = np.fromiter((s.start for s in sents), np.int64, len(sents))
    owner = np.searchsorted(starts, [span[0] for span in spans], side="right") - 1
    for span, k in zip(spans, np.maximum(owner, 0).tolist(), strict=True):
        out[k].append(span)
    return out
