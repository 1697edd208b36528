"""Fitting the propaganda models on PTC train articles (dev stays for evaluation).

Steps: a sentence model "contains a propaganda span" (out-of-fold logits feed
the tagger, so the tagger does not learn from over-confident in-sample
scores); the token tagger; its threshold and gap chosen on 15% of the train
articles held out by id; a refit on all train articles; the technique
classifier on the gold train spans.

:func:`calibrate_thresholds` cross-fits the tagger and the technique classifier over
three folds of the train articles, tags each fold with the parts fitted on the others
and sets each technique's drawing levels from how often its spans overlap a gold span.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..signals.propaganda import (
    Prepared,
    SpanContext,
    SpanTagger,
    TechniqueClassifier,
    predict_spans,
    prepare,
    span_context,
    token_logits,
    token_range,
)
from ..signals.sentence_models import SentenceLinear
from ..signals.technique_thresholds import TechniqueThresholds, fit_levels, has_content
from ..text.normalize import canonical
from .sentence_corpora import PtcArticle, bucket
from .span_metrics import merge_spans, si_scores

Spans = list[tuple[int, int]]
#: Share of the train articles (by id) held out to tune the tagger and calibrate the levels.
TUNING_SHARE = 0.15
#: Folds of the train articles (by id) the drawing levels are cross-fitted over.
CALIBRATION_FOLDS = 3


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


def _tuning_split(arts: list[PtcArticle]) -> tuple[list[int], list[int]]:
    """Indices of the articles the probes fit on, and of the 15% held out by id."""
    held = [bucket(a.id) < TUNING_SHARE for a in arts]
    return [i for i, h in enumerate(held) if not h], [i for i, h in enumerate(held) if h]


def _technique_classifier(
    arts: list[PtcArticle], preps: list[Prepared], params: dict[str, Any]
) -> TechniqueClassifier:
    items: list[SpanContext] = []
    labels: list[str] = []
    for art, prep in zip(arts, preps, strict=True):
        more, more_labels = technique_items(art, prep.sentences)
        items += more
        labels += more_labels
    return TechniqueClassifier(**params).fit(items, labels)


def _held_out_spans(
    tagger: SpanTagger,
    classifier: TechniqueClassifier,
    arts: list[PtcArticle],
    preps: list[Prepared],
    logits: list[np.ndarray],
) -> tuple[list[str], list[float], list[bool]]:
    """Technique, score and hit (overlaps a gold span) of every span tagged in ``arts``."""
    labels: list[str] = []
    scores: list[float] = []
    hits: list[bool] = []
    for art, prep, lg in zip(arts, preps, logits, strict=True):
        canon_text = " ".join(prep.tokens)
        gold = merge_spans([(a, b) for a, b, _ in art.techniques] + art.spans)
        items: list[SpanContext] = []
        for start, end, score in predict_spans(tagger, prep, lg):
            a, b = token_range(prep, start, end)
            if not has_content(prep.tokens[a:b]):
                continue
            k = int(prep.sentence_ids[min(a, len(prep.starts) - 1)])
            sentence = " ".join(prep.tokens[slice(*token_range(prep, *prep.sentences[k]))])
            items.append(span_context(" ".join(prep.tokens[a:b]), sentence, canon_text))
            scores.append(score)
            hits.append(any(start < ge and end > gs for gs, ge in gold))
        if items:
            labels += [str(t) for t in classifier.predict(items)]
    return labels, scores, hits


def calibrate_thresholds(
    arts: list[PtcArticle],
    sentence_config: dict[str, Any],
    tagger_params: dict[str, Any],
    technique_params: dict[str, Any],
) -> tuple[TechniqueThresholds, dict[str, Any]]:
    """Drawing levels of each technique, cross-fitted over :data:`CALIBRATION_FOLDS` of ``arts``.

    For each fold (by article id) a tagger and a technique classifier are fitted on the
    other folds and tag the fold; ``tagger_params`` carry the shipped tagger's
    ``threshold`` and ``gap``.  A held-out span is a hit when it overlaps a gold span of
    any technique (span identification); spans of function words alone are left out, as
    they are never drawn.
    """
    bits = int(tagger_params["bits"])
    preps = [prepare(a.text, a.id, line_sentences(a.text), bits) for a in arts]
    logits = _oof_logits(arts, preps, sentence_config)
    fold_of = [int(bucket(a.id) * CALIBRATION_FOLDS) for a in arts]
    labels: list[str] = []
    scores: list[float] = []
    hits: list[bool] = []
    for fold in range(CALIBRATION_FOLDS):
        fit = [i for i, f in enumerate(fold_of) if f != fold]
        held = [i for i, f in enumerate(fold_of) if f == fold]
        pick = [arts[i] for i in fit], [preps[i] for i in fit]
        tagger = _fit_tagger(*pick, [logits[i] for i in fit], tagger_params)
        classifier = _technique_classifier(*pick, technique_params)
        more = _held_out_spans(
            tagger,
            classifier,
            [arts[i] for i in held],
            [preps[i] for i in held],
            [logits[i] for i in held],
        )
        labels += more[0]
        scores += more[1]
        hits += more[2]
    levels = fit_levels(labels, np.asarray(scores), np.asarray(hits))
    record = {
        "folds": CALIBRATION_FOLDS,
        "held_out_articles": len(arts),
        "held_out_spans": len(scores),
        "held_out_hit_rate": round(float(np.mean(hits)) if hits else 0.0, 4),
        "spans_by_technique": {t: labels.count(t) for t in sorted(set(labels))},
    }
    return levels, record


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
    fit_idx, val_idx = _tuning_split(arts)
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
    techniques = _technique_classifier(arts, preps, technique_params)
    record = {
        "threshold": threshold,
        "gap": gap,
        "tuning_si_f1": round(tune_f1, 4),
        "tuning_articles": len(val_idx),
        "train_articles": len(arts),
        "train_tokens": int(sum(len(p.starts) for p in preps)),
        "train_technique_spans": int(sum(len(a.techniques) for a in arts)),
    }
    return sentence_model, tagger, techniques, record
