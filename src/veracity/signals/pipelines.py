"""The two pipelines, one Report: which sentence-signal component an analysis runs.

* ``fast`` (``veracity.pipeline.fast.v1``): hashed n-gram linear models, the span
  tagger and rules (:class:`~veracity.signals.SignalAnalyzer`), for millions of articles;
* ``deep`` (``veracity.pipeline.deep.v1``): one int8 transformer pass per sentence feeds
  every sentence head (:class:`~veracity.signals.deep.deep_signals.DeepSignalAnalyzer`), for
  the best map of one article.

Both read the same Doc and give the same :class:`~veracity.signals.SentenceSignals`.
The article verdict is the fast detector's, unless the pipeline brings a
:class:`VerdictModel` of its own (the deep one does: ``veracity.DeepVerdict.v1`` weighs the
fast margin with the sentence states, and ships only because it measured better).
The deep one is registered lazily, so onnxruntime is imported only when it is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..registry import pipelines
from ..stopping import Stop, go_on

if TYPE_CHECKING:
    from ..doc import Doc
    from .analyzer import SentenceLike, SentenceSignals

FAST = "fast"
DEEP = "deep"
#: The pipeline names a face accepts, and the registered component of each.
PIPELINES = {FAST: "veracity.pipeline.fast.v1", DEEP: "veracity.pipeline.deep.v1"}


class VerdictModel(Protocol):
    """A pipeline's own article verdict, stacked on the fast detector's margin."""

    @property
    def name(self) -> str: ...

    @property
    def band(self) -> tuple[float, float]: ...

    @property
    def threshold(self) -> float: ...

    @property
    def fast_sha256(self) -> str:
        """The fast model whose margins it was fitted on: beside another one it does not hold."""

    def probabilities(self, margins: np.ndarray, vectors: Sequence[np.ndarray]) -> np.ndarray: ...

    @property
    def log_odds_scale(self) -> float: ...

    def sentence_pushes(self, vectors: np.ndarray) -> np.ndarray: ...


class SentenceSignalModel(Protocol):
    """What an analysis needs of a pipeline's sentence-signal component."""

    pipeline: str
    cards: dict[str, dict[str, object]]
    #: (p10, p50, p90) of each article signal over reliable articles, under these models.
    ranges: dict[str, list[float]]

    @property
    def verdict(self) -> VerdictModel | None:
        """The pipeline's own verdict, or None for the fast detector's."""

    def vectors(self, docs: Sequence[Doc]) -> list[np.ndarray]: ...

    def analyze_many(
        self, docs: Sequence[Doc], stop: Stop = go_on
    ) -> list[list[SentenceSignals]]: ...

    def sentence_scores(self, texts: Sequence[str]) -> dict[str, np.ndarray]: ...

    def rank_techniques(
        self, text: str, spans: Sequence[tuple[int, int]], sentences: Sequence[SentenceLike]
    ) -> list[list[str]]: ...


def load_signals(pipeline: str = FAST, threads: int = 0) -> SentenceSignalModel:
    """The bundled sentence-signal component of ``pipeline`` (``threads``: cores for the
    deep encoder, 0 for all); an unknown name raises the registry's coded error."""
    factory = pipelines.get(PIPELINES.get(pipeline, pipeline))
    model: SentenceSignalModel = factory(threads=threads)
    return model


@pipelines.register(PIPELINES[FAST])
def _fast(threads: int = 0) -> SentenceSignalModel:
    del threads
    from .analyzer import SignalAnalyzer

    return SignalAnalyzer.load()


pipelines.register_module(PIPELINES[DEEP], "veracity.signals.deep.deep_signals")
