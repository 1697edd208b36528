"""The reference pipeline every speed figure of ``bench_speed.py`` is compared with.

A plain scikit-learn text classifier, the typical public baseline:
``TfidfVectorizer(ngram_range=(1, 2))`` followed by ``LogisticRegression``,
fitted on the same training texts as veracity's model and timed on the same
articles, on the same machine, in the same run.  It predicts in one process
(scikit-learn's vectoriser and ``predict_proba`` are single-threaded).

scikit-learn is imported where the reference is fitted, not at the top: the batch
workers of the measured ``veracity score`` runs re-import the benchmark's main module,
as every multiprocessing worker does, and importing scikit-learn there would add more
than a second to each worker's start that ``veracity score`` itself never pays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline


def fit_reference(texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    """TF-IDF word (1, 2)-grams + logistic regression, fitted on ``texts``."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    pipeline = Pipeline(
        [
            ("tfidf", TfidfVectorizer(ngram_range=(1, 2))),
            ("lr", LogisticRegression(max_iter=1000)),
        ]
    )
    return pipeline.fit(list(texts), list(labels))


def predict_reference(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """P(second class) for every text: the reference's whole prediction path."""
    return np.asarray(pipeline.predict_proba(list(texts))[:, 1])
