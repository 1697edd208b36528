"""Propaganda spans (SemEval-2020 Task 11 style): find them, then name the technique.

* :class:`SpanTagger` scores every token with a linear model over hashed
  features of the token and its +-2 neighbours (unigrams and bigrams), plus
  the logit of a sentence-level "contains propaganda" model; tokens over a
  threshold are merged into character spans.  Scoring is a numpy gather,
  no sparse matrix is built at prediction time.
* :class:`TechniqueClassifier` labels a span with one of the 14 PTC
  techniques from its n-grams, its sentence and how often it is repeated.

Both store their weights as float16 (the shipped folder stays small).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp

from ..estimator import ClassifierEstimator, Estimator, sigmoid
from ..text.hashing import SPACE_SPLIT, NgramVectorizer
from .sentence_models import probabilities
from .tokens import sentence_token_offsets, token_hashes, token_offsets

LOADED_LANGUAGE = "Loaded_Language"
_UNI_OFFSETS = (-2, -1, 0, 1, 2)
_BI_OFFSETS = (-1, 0)
_PAD = 2
_EDGE = np.uint64(0x5BD1E995)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_PAIR = np.uint64(0x01000193)


def _mix(values: np.ndarray, salt: int, bits: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = (values ^ (np.uint64(salt) * _GOLDEN)) * _MIX
        x ^= x >> np.uint64(33)
        x = x * _MIX
    return (x >> np.uint64(64 - bits)).astype(np.int64)


def token_feature_index(hashes: np.ndarray, bits: int) -> np.ndarray:
    """``(n_tokens, 7)`` hashed feature ids: 5 context unigrams, 2 bigrams."""
    return feature_index_many(hashes, np.asarray([len(hashes)]), bits)


def feature_index_many(hashes: np.ndarray, lengths: np.ndarray, bits: int) -> np.ndarray:
    """:func:`token_feature_index` of consecutive articles of ``lengths`` tokens, in one pass.

    Each article is padded on its own, so no context feature reaches into its neighbour.
    """
    n = len(hashes)
    lengths = np.asarray(lengths, dtype=np.int64)
    article = np.repeat(np.arange(len(lengths)), lengths)
    where = np.arange(n) + 2 * _PAD * article + _PAD
    pad = np.full(n + 2 * _PAD * len(lengths), _EDGE)
    pad[where] = hashes
    ends = np.cumsum(lengths + 2 * _PAD) - _PAD
    pad[ends] = pad[ends + 1] = _EDGE + np.uint64(1)
    cols = [_mix(pad[where + k], k + 3, bits) for k in _UNI_OFFSETS]
    with np.errstate(over="ignore"):
        for k in _BI_OFFSETS:
            cols.append(_mix(pad[where + k] * _PAIR ^ pad[where + k + 1], k + 11, bits))
    return np.stack(cols, axis=1).reshape(n, len(cols))


def token_matrix(index: np.ndarray, sentence_logit: np.ndarray, bits: int) -> sp.csr_matrix:
    """Training design matrix: hashed one-hots plus the sentence logit column."""
    n, width = index.shape
    cols = np.concatenate([index, np.full((n, 1), 2**bits)], axis=1).ravel()
    data = np.concatenate([np.ones((n, width)), sentence_logit[:, None]], axis=1).ravel()
    indptr = np.arange(0, n * (width + 1) + 1, width + 1)
    return sp.csr_matrix((data.astype(np.float32), cols, indptr), shape=(n, 2**bits + 1))


def merge_runs(positive: np.ndarray, sentence_ids: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs of positive tokens within a sentence, bridging up to ``gap`` negatives."""
    runs: list[tuple[int, int]] = []
    idx = np.flatnonzero(positive)
    for i in idx.tolist():
        if runs and i - runs[-1][1] - 1 <= gap and sentence_ids[i] == sentence_ids[runs[-1][1]]:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


class SpanTagger(Estimator):
    """Token-level propaganda tagger over hashed context features."""

    def __init__(
        self,
        bits: int = 18,
        C: float = 0.5,
        threshold: float = 0.5,
        gap: int = 1,
        max_iter: int = 1000,
        random_state: int = 0,
    ) -> None:
        self.bits = bits
        self.C = C
        self.threshold = threshold
        self.gap = gap
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, index: np.ndarray, sentence_logit: np.ndarray, y: np.ndarray) -> SpanTagger:
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(
            C=self.C, solver="liblinear", max_iter=self.max_iter, random_state=self.random_state
        )
        clf.fit(token_matrix(index, sentence_logit, self.bits), y)
        coef = clf.coef_[0]
        self.weights_ = coef[: 2**self.bits].astype(np.float32)
        self.sentence_weight_ = float(coef[2**self.bits])
        self.intercept_ = float(clf.intercept_[0])
        return self

    def token_proba(self, index: np.ndarray, sentence_logit: np.ndarray) -> np.ndarray:
        score = self.weights_[index].sum(axis=1, dtype=np.float64)
        score += self.sentence_weight_ * sentence_logit + self.intercept_
        return sigmoid(score)

    def spans(
        self, proba: np.ndarray, sentence_ids: np.ndarray, starts: np.ndarray, ends: np.ndarray
    ) -> list[tuple[int, int, float]]:
        """Character spans ``(start, end, mean token probability)``."""
        runs = merge_runs(proba >= self.threshold, sentence_ids, self.gap)
        return [(int(starts[a]), int(ends[b]), float(proba[a : b + 1].mean())) for a, b in runs]

    def to_arrays(self) -> dict[str, np.ndarray]:
        nz = np.flatnonzero(self.weights_)
        return {
            "index": nz.astype(np.int32),
            "value": self.weights_[nz].astype(np.float16),
            "scalars": np.asarray([self.sentence_weight_, self.intercept_]),
        }

    @classmethod
    def from_arrays(cls, params: dict[str, Any], arrays: dict[str, np.ndarray]) -> SpanTagger:
        tagger = cls(**params)
        tagger.weights_ = np.zeros(2**tagger.bits, dtype=np.float32)
        tagger.weights_[arrays["index"]] = arrays["value"].astype(np.float32)
        tagger.sentence_weight_ = float(arrays["scalars"][0])
        tagger.intercept_ = float(arrays["scalars"][1])
        return tagger


def _hashed_rows(vectorizer: NgramVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    """``vectorizer.transform(texts)``, each distinct text hashed once.

    A hashed row depends on its text only, so the spans of one sentence share its row.
    """
    rows: dict[str, int] = {}
    index = [rows.setdefault(t, len(rows)) for t in texts]
    matrix = vectorizer.transform(list(rows))
    return matrix if len(rows) == len(texts) else matrix[index]


class SpanContext(NamedTuple):
    """What the technique classifier sees of one span (texts in canonical form)."""

    span: str
    sentence: str
    repeats: int


def span_context(span: str, sentence: str, canonical_text: str) -> SpanContext:
    """A span and its sentence (canonical), and how often the span occurs in the article."""
    return SpanContext(span, sentence, canonical_text.count(span) if span else 0)


class TechniqueClassifier(ClassifierEstimator):
    """Multinomial logistic regression over span n-grams, sentence words and shape."""

    def __init__(
        self, n_features: int = 2**17, C: float = 2.0, max_iter: int = 3000, random_state: int = 0
    ) -> None:
        self.n_features = n_features
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state

    def _matrix(self, items: Sequence[SpanContext]) -> sp.csr_matrix:
        n = self.n_features
        spans = [it.span for it in items]
        words = NgramVectorizer(n, (1, 2), token_pattern=SPACE_SPLIT)
        chars = NgramVectorizer(n, (3, 5), analyzer="char_wb")
        sentence = NgramVectorizer(n, token_pattern=SPACE_SPLIT)
        lengths = np.asarray([len(s.split()) for s in spans], dtype=np.float64)
        sent_len = np.asarray([max(len(it.sentence.split()), 1) for it in items], dtype=np.float64)
        repeats = np.asarray([it.repeats for it in items], dtype=np.float64)
        shape = np.column_stack(
            [
                np.log1p(lengths),
                lengths <= 1,
                lengths <= 3,
                np.minimum(lengths / sent_len, 1.0),
                repeats > 1,
                np.log1p(np.maximum(repeats - 1, 0)),
                np.asarray(["!" in s for s in spans]),
                np.asarray(["?" in s for s in spans]),
            ]
        ).astype(np.float32)
        parts = [
            _hashed_rows(words, spans),
            _hashed_rows(chars, spans),
            _hashed_rows(sentence, [it.sentence for it in items]) * 0.5,
            sp.csr_matrix(shape),
        ]
        return sp.hstack(parts, format="csr", dtype=np.float32)

    def fit(self, items: Sequence[SpanContext], y: Sequence[str]) -> TechniqueClassifier:
        from sklearn.linear_model import LogisticRegression

        clf = LogisticRegression(C=self.C, max_iter=self.max_iter, random_state=self.random_state)
        clf.fit(self._matrix(items), np.asarray(y))
        self.classes_ = clf.classes_
        self.coef_ = clf.coef_.T.astype(np.float32)
        self.intercept_ = clf.intercept_.astype(np.float32)
        return self

    def predict_proba(self, items: Sequence[SpanContext]) -> np.ndarray:
        if not items:
            return np.zeros((0, len(self.classes_)))
        scores = np.asarray(self._matrix(items) @ self.coef_, dtype=np.float64)
        return probabilities(scores + self.intercept_)

    def predict(self, items: Sequence[SpanContext]) -> np.ndarray:
        return np.asarray(self.classes_[self.predict_proba(items).argmax(axis=1)])

    def to_arrays(self) -> dict[str, np.ndarray]:
        coo = sp.csr_matrix(self.coef_).tocoo()
        return {
            "row": coo.row.astype(np.int32),
            "col": coo.col.astype(np.int16),
            "value": coo.data.astype(np.float16),
            "shape": np.asarray(coo.shape, dtype=np.int64),
            "intercept": self.intercept_,
        }

    @classmethod
    def from_arrays(
        cls, params: dict[str, Any], classes: list[str], arrays: dict[str, np.ndarray]
    ) -> TechniqueClassifier:
        model = cls(**params)
        shape = tuple(int(v) for v in arrays["shape"])
        model.coef_ = sp.csr_matrix(
            (arrays["value"].astype(np.float32), (arrays["row"], arrays["col"].astype(np.int32))),
            shape=shape,
        ).toarray()
        model.intercept_ = arrays["intercept"].astype(np.float32)
        model.classes_ = np.asarray(classes)
        return model


Spans = list[tuple[int, int]]


@dataclass
class Prepared:
    """One article turned into token arrays for the tagger."""

    id: str
    text: str
    tokens: list[str]
    sentences: Spans
    sentence_ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    index: np.ndarray


def prepare(text: str, art_id: str, sentences: Spans, bits: int) -> Prepared:
    """Tokens, their sentence ids and hashed feature ids for one article."""
    toks, starts, ends = token_offsets(text)
    bounds = np.asarray([s for s, _ in sentences] or [0], dtype=np.int64)
    sentence_ids = np.maximum(np.searchsorted(bounds, starts, side="right") - 1, 0)
    index = token_feature_index(token_hashes(toks), bits)
    return Prepared(art_id, text, toks, sentences, sentence_ids, starts, ends, index)


def prepare_many(
    texts: Sequence[str],
    sentences: Sequence[Spans],
    sentence_tokens: Sequence[Sequence[Sequence[str]]],
    bits: int,
) -> list[Prepared]:
    """:func:`prepare` of many articles whose sentences are already tokenised, hashed at once.

    ``sentence_tokens[i][k]`` are the canonical tokens of ``sentences[i][k]``; they are
    the article's tokens when they cover it (:func:`~.tokens.sentence_token_offsets`).
    """
    found = [
        sentence_token_offsets(text, spans, toks)
        for text, spans, toks in zip(texts, sentences, sentence_tokens, strict=True)
    ]
    lengths = np.fromiter((len(f[0]) for f in found), np.int64, len(found))
    hashes = token_hashes(list(chain.from_iterable(f[0] for f in found)))
    index = feature_index_many(hashes, lengths, bits)
    cuts = np.concatenate([[0], np.cumsum(lengths)]).tolist()
    out = []
    for i, (text, spans, (toks, starts, ends)) in enumerate(
        zip(texts, sentences, found, strict=True)
    ):
        bounds = np.asarray([s for s, _ in spans] or [0], dtype=np.int64)
        sentence_ids = np.maximum(np.searchsorted(bounds, starts, side="right") - 1, 0)
        rows = index[cuts[i] : cuts[i + 1]]
        out.append(Prepared(str(i), text, toks, spans, sentence_ids, starts, ends, rows))
    return out


def token_range(prep: Prepared, start: int, end: int) -> tuple[int, int]:
    """Indices ``[a, b)`` of the tokens lying inside ``text[start:end]``."""
    a = int(np.searchsorted(prep.starts, start, side="left"))
    return a, max(a, int(np.searchsorted(prep.ends, end, side="right")))


def token_ranges(prep: Prepared, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """:func:`token_range` of every ``(start, end)`` span at once."""
    if not spans:
        return []
    bounds = np.asarray(spans, dtype=np.int64)
    a = np.searchsorted(prep.starts, bounds[:, 0], side="left")
    b = np.maximum(a, np.searchsorted(prep.ends, bounds[:, 1], side="right"))
    return list(zip(a.tolist(), b.tolist(), strict=True))


def token_logits(prep: Prepared, sentence_logits: np.ndarray) -> np.ndarray:
    if len(sentence_logits) == 0:
        return np.zeros(len(prep.starts))
    return np.asarray(sentence_logits[prep.sentence_ids], dtype=np.float64)


def predict_spans(
    tagger: SpanTagger, prep: Prepared, sentence_logits: np.ndarray
) -> list[tuple[int, int, float]]:
    proba = tagger.token_proba(prep.index, token_logits(prep, sentence_logits))
    return tagger.spans(proba, prep.sentence_ids, prep.starts, prep.ends)


#: Runs shorter than this get their mean probability in one vectorised pass; numpy sums a
#: slice of fewer than 8 values from left to right, so the pass adds in the same order.
_SHORT_RUN = 8


def run_means(values: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """``values[a : b + 1].mean()`` of every run ``(a, b)``, bit for bit."""
    lengths = last - first + 1
    total = values[first].copy()
    for k in range(1, _SHORT_RUN - 1):
        more = lengths > k
        total[more] += values[first[more] + k]
    means = total / lengths
    for r in np.flatnonzero(lengths >= _SHORT_RUN).tolist():
        means[r] = values[first[r] : last[r] + 1].mean()
    return np.asarray(means, dtype=np.float64)


def predict_spans_many(
    tagger: SpanTagger, preps: Sequence[Prepared], sentence_logits: Sequence[np.ndarray]
) -> list[list[tuple[int, int, float]]]:
    """:func:`predict_spans` of every article, its tokens scored and merged in one pass."""
    if not preps:
        return []
    lengths = np.fromiter((len(p.starts) for p in preps), np.int64, len(preps))
    cuts = np.concatenate([[0], np.cumsum(lengths)])
    # One sentence-id range per article (an article without sentences scores with logit 0).
    sizes = [max(len(logits), 1) for logits in sentence_logits]
    first_sentence = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    logits_all = np.concatenate(
        [logits if len(logits) else np.zeros(1) for logits in sentence_logits]
    ).astype(np.float64)
    sid = np.concatenate([p.sentence_ids + first_sentence[i] for i, p in enumerate(preps)])
    proba = tagger.token_proba(np.concatenate([p.index for p in preps]), logits_all[sid])
    idx = np.flatnonzero(proba >= tagger.threshold)
    out: list[list[tuple[int, int, float]]] = [[] for _ in preps]
    if not len(idx):
        return out
    new = np.ones(len(idx), dtype=bool)
    new[1:] = (np.diff(idx) - 1 > tagger.gap) | (sid[idx[1:]] != sid[idx[:-1]])
    first = idx[new]
    last = idx[np.append(new[1:], True)]
    means = run_means(proba, first, last).tolist()
    article = (np.searchsorted(cuts, first, side="right") - 1).tolist()
    local_a = (first - cuts[article]).tolist()
    local_b = (last - cuts[article]).tolist()
    for art, a, b, mean in zip(article, local_a, local_b, means, strict=True):
        prep = preps[art]
        out[art].append((int(prep.starts[a]), int(prep.ends[b]), mean))
    return out
