"""Article-level signals from the per-sentence output, and their reliable range.

Every signal is a plain float, declared once in :mod:`veracity.signals.table`.
:func:`reliable_ranges` gives the 10th, 50th and 90th percentile of each
signal over reliable training articles, so a report can say "outside what
reliable news usually shows".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .table import ARTICLE_SIGNALS, ArticleSignal, ArticleView

if TYPE_CHECKING:
    import pandas as pd

    from .analyzer import SentenceSignals, SignalAnalyzer

#: The article signals' names, in report order (declared in :mod:`veracity.signals.table`).
SIGNALS = tuple(s.name for s in ARTICLE_SIGNALS)


def article_signals(
    text: str,
    signals: Sequence[SentenceSignals],
    table: Sequence[ArticleSignal] = ARTICLE_SIGNALS,
) -> dict[str, float]:
    """The article-level signals of ``table`` (default: :mod:`veracity.signals.table`'s) of one
    analysed article, in table order."""
    words = sum(s.words for s in signals)
    if not signals or not words:
        return {s.name: 0.0 for s in table}
    view = ArticleView(text, signals, words)
    return {s.name: s.compute(view) for s in table}


def reliable_ranges(
    frame: pd.DataFrame, analyzer: SignalAnalyzer, batch: int = 64, limit: int = 4000, seed: int = 0
) -> dict[str, Any]:
    """(p10, p50, p90) of each signal over the reliable articles of ``frame``.

    ``frame`` has the record schema (``text``, ``label``...); at most
    ``limit`` reliable articles are drawn (fixed ``seed``) to keep it quick.
    """
    from ..doc import make_doc

    reliable = frame[frame["label"] == "reliable"]
    if len(reliable) > limit:
        reliable = reliable.sample(n=limit, random_state=seed)
    texts = [str(t) for t in reliable["text"] if str(t).strip()]
    rows: list[dict[str, float]] = []
    for i in range(0, len(texts), batch):
        chunk = texts[i : i + batch]
        analysed = analyzer.analyze_many([make_doc(t) for t in chunk])
        rows += [article_signals(t, sig) for t, sig in zip(chunk, analysed, strict=True)]
    ranges = (
        {
            name: [round(float(np.percentile([r[name] for r in rows], q)), 4) for q in (10, 50, 90)]
            for name in SIGNALS
        }
        if rows
        else {}
    )
    corpora = sorted({str(c) for c in reliable.get("corpus", [])})
    return {"ranges": ranges, "articles": len(rows), "corpora": corpora}
