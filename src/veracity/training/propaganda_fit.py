"""Fitting the propaganda models on PTC train articles (dev stays for evaluation).

Steps: a sentence model "contains a propaganda span" (out-of-fold logits feed
the tagger, so the tagger does not learn from over-confident in-sample
scores); the token tagger; its threshold and gap chosen on 15% of the train
articles held out by id; a refit on all train articles; the technique
classifier on the gold train spans.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..signals.propaganda import (
    Prepared,
    SpanContext,
    SpanTagger,
    TechniqueClassifier,
    prepare,
    span_context,
    token_logits,
)
from ..signals.sentence_models import SentenceLinear
from ..text.normalize import canonical
from .sentence_corpora import PtcArticle, bucket
from .span_metrics import si_scores

Spans = list[tuple[int, int]]


def line_sentences(text: str) -> Spans:
    """PTC's sentences: one per non-empty line, as (start, end) offsets."""
    out: Spans = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _overlaps(starts: np.ndarray, ends: np.ndarray, spans: Spans) -> np.ndarray:
    hit = np.zeros(len(starts), dtype=bool)
    for a, b in spans:
        hit |= (starts < b) & (ends > a)
    return hit


def _sentence_data(arts: list[PtcArticle], preps: list[Prepared]) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    labels: list[int] = []
    for art, prep in zip(arts, preps, strict=True):
        s = np.asarray([a for a, _ in prep.sentences])
        e = np.asarray([b for _, b in prep.sentences])
        texts += [art.text[a:b] for a, b in prep.sentences]
        labels += _overlaps(s, e, art.spans).astype(int).tolist()
    return texts, labels


def _oof_logits(
    arts: list[PtcArticle], preps: list[Prepared], config: dict[str, Any], folds: int = 5
) -> list[np.ndarray]:
    """Per article, out-of-fold sentence logits (one per sentence)."""
    fold_of = [int(bucket(a.id) * folds) for a in arts]
    out: list[np.ndarray] = [np.zeros(0)] * len(arts)
    for fold in range(folds):
        train = [i for i, f in enumerate(fold_of) if f != fold]
        texts, labels = _sentence_data([arts[i] for i in train], [preps[i] for i in train])
        model = SentenceLinear(**config).fit(texts, labels)
        for i, f in enumerate(fold_of):
            if f == fold:
                sents = [arts[i].text[a:b] for a, b in preps[i].sentences]
                out[i] = model.decision_function(sents) if sents else np.zeros(0)
    return out


def _fit_tagger(
    arts: list[PtcArticle], preps: list[Prepared], logits: list[np.ndarray], params: dict[str, Any]
) -> SpanTagger:
    index = np.concatenate([p.index for p in preps])
    sent = np.concatenate([token_logits(p, lg) for p, lg in zip(preps, logits, strict=True)])
    y = np.concatenate(
        [_overlaps(p.starts, p.ends, a.spans) for a, p in zip(arts, preps, strict=True)]
    ).astype(int)
    return SpanTagger(**params).fit(index, sent, y)


def _tune(
    tagger: SpanTagger, arts: list[PtcArticle], preps: list[Prepared], logits: list[np.ndarray]
) -> tuple[float, int, float]:
    probas = [
        tagger.token_proba(p.index, token_logits(p, lg))
        for p, lg in zip(preps, logits, strict=True)
    ]
    gold = {a.id: a.spans for a in arts}
    best = (0.5, 0, -1.0)
    for gap in (0, 1, 2, 3):
        for threshold in np.arange(0.2, 0.65, 0.025):
            tagger.set_params(threshold=float(threshold), gap=gap)
            pred = {
                p.id: [(a, b) for a, b, _ in tagger.spans(pr, p.sentence_ids, p.starts, p.ends)]
                for p, pr in zip(preps, probas, strict=True)
            }
            f1 = si_scores(pred, gold)["f1"]
            if f1 > best[2]:
                best = (float(threshold), gap, f1)
    return best


def technique_items(art: PtcArticle, sentences: Spans) -> tuple[list[SpanContext], list[str]]:
    """One item per gold technique span of ``art``."""
    canon = canonical(art.text)
    starts = [a for a, _ in sentences]
    items: list[SpanContext] = []
    labels: list[str] = []
    for start, end, technique in art.techniques:
        k = max(int(np.searchsorted(starts, start, side="right")) - 1, 0)
        a, b = sentences[k]
        items.append(span_context(canonical(art.text[start:end]), canonical(art.text[a:b]), canon))
        labels.append(technique)
    return items, labels


def fit_propaganda(
    arts: list[PtcArticle],
    sentence_config: dict[str, Any],
    tagger_params: dict[str, Any],
    technique_params: dict[str, Any],
) -> tuple[SentenceLinear, SpanTagger, TechniqueClassifier, dict[str, Any]]:
    """Fit the three propaganda parts on ``arts``; return them and the tuning record."""
    bits = int(tagger_params["bits"])
    preps = [prepare(a.text, a.id, line_sentences(a.text), bits) for a in arts]
    logits = _oof_logits(arts, preps, sentence_config)
    tune_mask = [bucket(a.id) < 0.15 for a in arts]
    fit_idx = [i for i, m in enumerate(tune_mask) if not m]
    val_idx = [i for i, m in enumerate(tune_mask) if m]
    probe = _fit_tagger(
        [arts[i] for i in fit_idx],
        [preps[i] for i in fit_idx],
        [logits[i] for i in fit_idx],
        tagger_params,
    )
    threshold, gap, tune_f1 = _tune(
        probe, [arts[i] for i in val_idx], [preps[i] for i in val_idx], [logits[i] for i in val_idx]
    )
    tagger = _fit_tagger(arts, preps, logits, dict(tagger_params, threshold=threshold, gap=gap))
    sentence_model = SentenceLinear(**sentence_config).fit(*_sentence_data(arts, preps))
    items: list[SpanContext] = []
    labels: list[str] = []
    for art, prep in zip(arts, preps, strict=True):
        more, more_labels = technique_items(art, prep.sentences)
        items += more
        labels += more_labels
    techniques = TechniqueClassifier(**technique_params).fit(items, labels)
    record = {
        "threshold": threshold,
        "gap": gap,
        "tuning_si_f1": round(tune_f1, 4),
        "tuning_articles": len(val_idx),
        "train_articles": len(arts),
        "train_tokens": int(sum(len(p.starts) for p in preps)),
        "train_technique_spans": len(items),
    }
    return sentence_model, tagger, techniques, record
