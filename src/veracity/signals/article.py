"""Article-level signals from the per-sentence output, and their reliable range.

Every signal is a plain float.  Rates are per 100 words (canonical word
tokens, ``!``/``?`` not counted); shares are over sentences.
:func:`reliable_ranges` gives the 10th, 50th and 90th percentile of each
signal over reliable training articles, so a report can say "outside what
reliable news usually shows".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import lexicons as lx
from . import roles
from .propaganda import LOADED_LANGUAGE

if TYPE_CHECKING:
    import pandas as pd

    from .analyzer import SentenceSignals, SignalAnalyzer

SIGNALS = (
    "attributed_share",
    "quote_share",
    "opinion_share",
    "appeal_share",
    "loaded_language_per_100w",
    "propaganda_spans_per_100w",
    "sentiment_extremity",
    "exclamations_per_100w",
    "all_caps_per_100w",
    "hedges_per_100w",
    "mean_bias",
    "mean_subjectivity",
    "mean_checkworthy",
)


def article_signals(text: str, signals: Sequence[SentenceSignals]) -> dict[str, float]:
    """The article-level signals (see :data:`SIGNALS`) of one analysed article."""
    n = len(signals)
    words = sum(s.words for s in signals)
    if not n or not words:
        return dict.fromkeys(SIGNALS, 0.0)
    per_100 = 100.0 / words
    role_list = [s.role for s in signals]
    spans = [t for s in signals for t in s.techniques]
    return {
        "attributed_share": role_list.count(roles.ATTRIBUTED) / n,
        "quote_share": role_list.count(roles.QUOTE) / n,
        "opinion_share": role_list.count(roles.OPINION) / n,
        "appeal_share": role_list.count(roles.APPEAL) / n,
        "loaded_language_per_100w": sum(t[2] == LOADED_LANGUAGE for t in spans) * per_100,
        "propaganda_spans_per_100w": len(spans) * per_100,
        "sentiment_extremity": float(np.mean([abs(s.sentiment) for s in signals])),
        "exclamations_per_100w": text.count("!") * per_100,
        "all_caps_per_100w": len(lx.ALL_CAPS_WORD.findall(text)) * per_100,
        "hedges_per_100w": sum(s.hedges for s in signals) * per_100,
        "mean_bias": float(np.mean([s.bias for s in signals])),
        "mean_subjectivity": float(np.mean([s.subjectivity for s in signals])),
        "mean_checkworthy": float(np.mean([s.checkworthy for s in signals])),
    }


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
