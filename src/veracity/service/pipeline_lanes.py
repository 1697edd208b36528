"""The service's pipelines: one :class:`~veracity.analyze.Analyzer` and two lanes each.

The analyser the app is built with serves its own pipeline (``fast`` unless
told otherwise) and is ready when the app starts.  The other pipeline is
loaded on its first request, under a lock that requests of a loaded pipeline
never take, from the same detector model and the bundled sentence models of
that pipeline (``Settings.deep_threads`` cores for the deep encoder).  So the
app starts as fast as it did with one pipeline, and no fast request waits for
the deep model.  A pipeline's two lanes (:class:`Engine`) analyse only with
its own analyser: one step of a batcher never mixes pipelines.

:attr:`Engine.maker` keys the history (:class:`~veracity.service.history.Maker`):
the detector's fingerprint, the pipeline and the sha256 of the pipeline's
sentence-model cards, so a report of one pipeline, or of sentence models since
replaced, never answers a request for another.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..analyze import Analyzer
from ..errors import VeracityError
from ..models.folder import canonical_json, decision_block
from ..persist import read_card
from ..report import Report
from ..signals.deep.model import DEEP_DIR
from ..signals.pipelines import DEEP, FAST, PIPELINES, load_signals
from ..text.inputs import Document
from .batcher import Batcher, check_step
from .history import Maker
from .settings import Settings

#: What ``GET /v1/model`` shows of the deep model's card.
DEEP_CARD_FIELDS = ("name", "created", "architecture")


def _doc_size(doc: Document) -> float:
    return float(len(doc.text))


def signals_sha256(analyzer: Analyzer) -> str:
    """sha256 of the analyser's sentence-model cards (their file tables included)."""
    return hashlib.sha256(canonical_json(analyzer.signals.cards)).hexdigest()


@dataclass(frozen=True)
class Engine:
    """One pipeline: its analyser, its history key and its two lanes."""

    analyzer: Analyzer
    maker: Maker
    interactive: Batcher[Document, Report]
    bulk: Batcher[Document, Report]

    @classmethod
    def start(cls, analyzer: Analyzer, settings: Settings) -> Engine:
        def analyze_many(docs: list[Document]) -> list[Report]:
            """A lane's step: stops between stages once every request of it is out of time."""
            return analyzer.analyze_many(docs, stop=check_step)

        def lane(name: str) -> Batcher[Document, Report]:
            """A lane whose steps hold at most ``bulk_chars`` characters (or one document)."""
            return Batcher(
                analyze_many,
                max_items=settings.max_batch,
                name=name,
                max_size=settings.bulk_chars,
                size=_doc_size,
            )

        pipeline = analyzer.info.pipeline
        maker = Maker(analyzer.info.sha256, pipeline, signals_sha256(analyzer))
        suffix = "" if pipeline == FAST else f"-{pipeline}"
        return cls(
            analyzer, maker, lane(f"veracity-interactive{suffix}"), lane(f"veracity-bulk{suffix}")
        )

    def lane(self, chars: int, bulk_chars: int) -> Batcher[Document, Report]:
        """The bulk lane for more than ``bulk_chars`` characters of text, else the interactive."""
        return self.bulk if chars > bulk_chars else self.interactive

    def close(self) -> None:
        self.interactive.close()
        self.bulk.close()


class Pipelines:
    """Every pipeline's :class:`Engine`; all but the first analyser's are built on first use."""

    def __init__(
        self, analyzer: Analyzer, settings: Settings, preloaded: Sequence[Analyzer] = ()
    ) -> None:
        self.base = analyzer
        self.settings = settings
        self._lock = threading.Lock()
        self._engines: dict[str, Engine] = {}
        for each in (analyzer, *preloaded):
            self._engines[each.info.pipeline] = Engine.start(each, settings)

    def get(self, pipeline: str) -> Engine:
        """The engine of ``pipeline``, loading it on first use (an unknown name: E005)."""
        engine = self._engines.get(pipeline)
        if engine is not None:
            return engine
        with self._lock:
            engine = self._engines.get(pipeline)
            if engine is None:
                base = self.base
                signals = load_signals(pipeline, self.settings.deep_threads)
                analyzer = Analyzer(
                    base.model,
                    signals=signals,
                    archive=base.archive,
                    signal_table=base.signal_table,
                )
                engine = self._engines[pipeline] = Engine.start(analyzer, self.settings)
        return engine

    def loaded(self) -> list[str]:
        """The pipelines loaded so far, in :data:`PIPELINES` order."""
        return [name for name in PIPELINES if name in self._engines]

    def engines(self) -> list[Engine]:
        return list(self._engines.values())

    def queued(self) -> dict[str, int]:
        """Documents waiting in each kind of lane, all pipelines together."""
        engines = self.engines()
        return {
            "interactive": sum(e.interactive.pending() for e in engines),
            "bulk": sum(e.bulk.pending() for e in engines),
        }

    def deep_card(self) -> dict[str, Any] | None:
        """Name, created and architecture of the deep model, and ``decision``: its own verdict's
        band and threshold (None when it uses the fast verdict: it ships none, or it was fitted
        beside another fast model than the one loaded; the whole view is None when the card is
        unreadable)."""
        engine = self._engines.get(DEEP)
        try:
            card = engine.analyzer.signals.cards[DEEP] if engine else read_card(DEEP_DIR)
        except (VeracityError, KeyError):
            return None
        view: dict[str, Any] = {key: card.get(key) for key in DEEP_CARD_FIELDS}
        found = card.get("verdict")
        verdict: dict[str, Any] = found if isinstance(found, dict) else {}
        holds = bool(verdict.get("shipped")) and verdict.get("fast_sha256") == self.base.info.sha256
        view["decision"] = None
        if holds:
            band = {"uncertain_band": verdict["band"], "threshold": verdict["threshold"]}
            view["decision"] = {"verdict": verdict.get("name"), **decision_block(band)}
        return view

    def close(self) -> None:
        for engine in self.engines():
            engine.close()
