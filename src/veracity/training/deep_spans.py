"""How the deep pipeline draws propaganda spans, tuned on what SemEval scores: spans.

Fine-tuning sets the token head's ``weak`` level where token F1 peaks on the tuning tenth
(:func:`veracity.training.deep_fit.tune`).  The SI score of SemEval-2020 Task 11 counts
spans, though, and a level tuned on tokens draws many short spans (about 40 an article
against 12 annotated), each one a precision loss.  This step reads the tuning articles
(the tenth of PTC train kept out of fine-tuning) once with the saved int8 model, then
draws their spans as the run time does (:func:`veracity.signals.deep.deep_signals.runs`)
for every ``weak`` level and ``gap`` (words below the level bridged inside a run), and
keeps the pair with the best SI F1.  ``strong`` stays the fine-tuning's precision level
while it is above ``weak``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..signals.deep.deep_signals import runs
from ..signals.deep.model import DeepModel
from ..signals.technique_thresholds import has_content
from . import sentence_corpora as corpora
from .deep_data import tuning_article
from .propaganda_fit import line_sentences
from .span_metrics import si_scores

#: ``weak`` levels and gaps tried.
LEVELS = tuple(float(v) for v in np.round(np.arange(0.5, 0.91, 0.05), 2))
GAPS = (0, 1, 2, 3, 4, 6, 8)

#: A read word: ``(start, end, mean tag probability)``, offsets into the article.
Word = tuple[int, int, float]


def tuning_articles(root: Path) -> list[corpora.PtcArticle]:
    """The PTC train articles kept out of fine-tuning (:mod:`.deep_data`)."""
    return [a for a in corpora.ptc(root, "train") if tuning_article(a)]


def _read(model: DeepModel, article: corpora.PtcArticle) -> list[tuple[Any, int, np.ndarray, int]]:
    """Each line's batch, row, tag probabilities and start offset."""
    lines = line_sentences(article.text)
    texts = [article.text[a:b] for a, b in lines]
    out = []
    for rows, batch, states in model.encoder.batches(texts):
        tags = model.heads.tag_probabilities(states)
        out += [(batch, j, tags[j], lines[row][0]) for j, row in enumerate(rows)]
    return out


def _spans(
    text: str, read: list[tuple[Any, int, np.ndarray, int]], level: float, gap: int
) -> list[tuple[int, int]]:
    found = []
    for batch, j, tags, base in read:
        for first, end, _ in runs(batch, j, tags, level, gap):
            a, b = batch.offsets[j][first][0], batch.offsets[j][end - 1][1]
            if has_content(text[base + a : base + b].split()):
                found.append((base + a, base + b))
    return found


def tune_spans(
    root: Path, model: DeepModel, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """The ``spans`` settings (``weak``, ``strong``, ``gap``) with their tuning SI scores."""
    articles = tuning_articles(root)
    reads = [_read(model, a) for a in articles]
    gold = {a.id: a.spans for a in articles}
    scores = {}
    for level, gap in itertools.product(LEVELS, GAPS):
        pred = {a.id: _spans(a.text, r, level, gap) for a, r in zip(articles, reads, strict=True)}
        scores[(level, gap)] = si_scores(pred, gold)["f1"]
    (weak, gap), best = max(scores.items(), key=lambda kv: (kv[1], kv[0][0], -kv[0][1]))
    before = model.levels
    pred = {
        a.id: _spans(a.text, r, before.weak, before.gap)
        for a, r in zip(articles, reads, strict=True)
    }
    old = si_scores(pred, gold)["f1"]
    strong = before.strong if before.strong > weak else round(min(0.95, weak + 0.1), 2)
    progress(f"spans: weak {weak}, gap {gap}: tuning SI F1 {best:.4f}")
    return {
        "weak": weak,
        "strong": strong,
        "gap": gap,
        "tuning_articles": len(articles),
        "tuning_si_f1": round(best, 4),
        "before": {"weak": before.weak, "gap": before.gap, "tuning_si_f1": round(old, 4)},
    }
