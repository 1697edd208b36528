"""What the service does per request: inputs to documents, cache, analysis, history.

:class:`Analyses` holds the app's :class:`~veracity.service.pipeline_lanes.Pipelines`
(an :class:`~veracity.analyze.Analyzer` per pipeline, ``fast`` and ``deep``) and
its :class:`~veracity.service.history.History`.  Its methods block (fetching,
analysing, SQLite), so the app calls them through its thread pool, with the
request's :class:`~veracity.service.batcher.Budget`.  Inputs are turned into
documents (and URLs fetched) in the calling thread, the budget checked before
each; documents already in the history from the same pipeline are answered
from it; the rest are analysed through a :class:`~veracity.service.batcher.Batcher`
of their pipeline, so concurrent requests are analysed together (never two
pipelines in one step), and stored by the calling thread only while its budget
lasts, so nothing of a timed-out request is stored.

Each pipeline has two batchers, two lanes: requests carrying more than
``Settings.bulk_chars`` of text to analyse (a huge article, a full batch)
take the bulk lane, everything else the interactive lane, so a large
analysis never holds up the small ones queued behind it.  Within a lane,
requests take turns item by item, and a step analyses at most
``bulk_chars`` characters (or one document), so no request waits for the
whole of another.

A report's ``id`` is the start of its history key
(:func:`~veracity.text.inputs.content_hash`: the text's sha256, and its
title's when there is one), so the same text under two titles has two
permalinks, and ``veracity check`` gives the same id (the fast and the deep
analysis of one text share it; a permalink names its pipeline).  Every report
sent is bounded: ``Settings.max_response_bytes`` of report JSON per request
(E031 for a report, or a batch item, that would pass it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..analyze import Analyzer
from ..errors import E, InputError, TooLargeError, VeracityError
from ..report import Report
from ..signals.pipelines import FAST
from ..text.html_extract import html_to_text
from ..text.inputs import (
    Document,
    clean_label,
    content_hash,
    document_from_bytes,
    document_from_text,
)
from .batcher import Budget
from .fetch import FetchLimits, UrlRefusedError, fetch_url
from .history import History, Stored
from .pipeline_lanes import Pipelines
from .schemas import API_PIPELINE, DocumentIn, PipelineName
from .settings import Settings

#: Characters of the opening words that name an analysis given no name or title.
OPENING_CHARS = 60


@dataclass(frozen=True)
class Upload:
    """A file uploaded through the page: raw bytes, the file's (checked) name, a title."""

    data: bytes
    name: str
    title: str | None = None
    pipeline: PipelineName = API_PIPELINE


@dataclass(frozen=True)
class Outcome:
    """One analysed document: the stored report, its text, and whether it came from history."""

    stored: Stored
    cached: bool

    @property
    def id(self) -> str:
        return self.stored.id


Result = Outcome | VeracityError
#: A document's history key within a request: its pipeline and its content hash.
Key = tuple[str, str]


def opening(text: str) -> str:
    """The first words of ``text`` on one line, cut near :data:`OPENING_CHARS` with an ellipsis."""
    line = clean_label(text[: OPENING_CHARS * 4])
    if len(line) <= OPENING_CHARS:
        return line
    head = line[: OPENING_CHARS + 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head[:OPENING_CHARS]
    return cut.rstrip() + "\u2026"


def _named(item: DocumentIn | Upload | VeracityError) -> bool:
    """Whether the caller named the item (an uploaded file is named by its file name)."""
    return isinstance(item, Upload) or (isinstance(item, DocumentIn) and item.name is not None)


class Analyses:
    """Turn request items into stored reports."""

    def __init__(
        self,
        analyzer: Analyzer,
        history: History,
        settings: Settings,
        preloaded: Sequence[Analyzer] = (),
    ) -> None:
        """``analyzer`` serves its pipeline from the start, as does each of ``preloaded``;
        any other pipeline is loaded on its first request."""
        self.analyzer = analyzer
        self.pipelines = Pipelines(analyzer, settings, preloaded)
        self.history = history
        self.settings = settings
        self.limits = FetchLimits(
            max_bytes=settings.url_max_bytes,
            max_redirects=settings.url_max_redirects,
            timeout=settings.url_timeout,
            allow_private=settings.allow_private_urls,
        )

    @property
    def model_sha256(self) -> str:
        return self.analyzer.info.sha256

    def document(self, item: DocumentIn | Upload, budget: Budget | None = None) -> Document:
        """The cleaned document an item describes (fetching a URL if allowed).

        Its name is the one given, else a fetched page's URL, else the title, else
        the article's opening words.
        """
        limit = self.settings.max_input_bytes
        if isinstance(item, Upload):
            doc = document_from_bytes(item.data, item.name, limit)
        elif item.text is not None:
            doc = document_from_text(item.text, item.name or "<text>", limit, sniff_html=False)
        elif item.html is not None:
            doc = self.from_html(item.html, item.name or "<html>")
        else:
            doc = self.fetch(str(item.url), item.name, budget)
        if item.name is None and not (isinstance(item, DocumentIn) and item.url is not None):
            doc = replace(doc, name=item.title or opening(doc.text))
        return replace(doc, title=item.title or "")

    def from_html(self, html: str, name: str) -> Document:
        """The main text of an HTML page given as such (never sniffed as plain text)."""
        limit = self.settings.max_input_bytes
        size = len(html.encode("utf-8"))
        if size > limit:
            raise TooLargeError(E.E004, size=size, limit=limit, what=name)
        text = html_to_text(html)
        if not text.strip():
            raise InputError(E.E014, what=name)
        return replace(document_from_text(text, name, limit), kind="html")

    def fetch(self, url: str, name: str | None = None, budget: Budget | None = None) -> Document:
        if not self.settings.allow_url:
            raise UrlRefusedError(E.E016, reason="URL input is switched off on this server")
        limits = self.limits
        if budget is not None:
            limits = replace(limits, timeout=max(min(limits.timeout, budget.remaining()), 0.001))
        page = fetch_url(url, limits)
        return document_from_bytes(page.data, name or page.url, self.settings.max_input_bytes)

    def run(
        self, items: Sequence[DocumentIn | Upload | VeracityError], budget: Budget | None = None
    ) -> list[Result]:
        """Analyse every item that is not an error, within ``budget``, each by its pipeline;
        identical content once per pipeline.

        Raises :class:`~veracity.service.batcher.WorkStopped` once the budget runs out.
        """
        budget = budget if budget is not None else Budget()
        docs: list[Document | VeracityError] = []
        for item in items:
            budget.check()
            try:
                docs.append(
                    item if isinstance(item, VeracityError) else self.document(item, budget)
                )
            except VeracityError as err:
                docs.append(err)
        pipelines = [FAST if isinstance(item, VeracityError) else item.pipeline for item in items]
        return self.analyze(docs, budget, [_named(item) for item in items], pipelines)

    def analyze(
        self,
        docs: Sequence[Document | VeracityError],
        budget: Budget | None = None,
        named: Sequence[bool] = (),
        pipelines: Sequence[str] = (),
    ) -> list[Result]:
        """Stored or fresh reports for ``docs`` (errors pass through), each by its pipeline
        (default ``fast``).

        A document whose name was given (``named``) renames a stored analysis found
        under another name.
        """
        budget = budget if budget is not None else Budget()
        chosen = list(pipelines) or [FAST] * len(docs)
        keys = {
            i: (chosen[i], content_hash(doc.text, doc.title))
            for i, doc in enumerate(docs)
            if not isinstance(doc, VeracityError)
        }
        found: dict[Key, Stored | VeracityError] = {}
        todo: dict[str, dict[Key, Document]] = {}
        for i, doc in enumerate(docs):
            if isinstance(doc, VeracityError) or keys[i] in found:
                continue
            pipeline, digest = key = keys[i]
            waiting = todo.setdefault(pipeline, {})
            if key in waiting:
                continue
            hit = self.history.find(digest, self.pipelines.get(pipeline).maker)
            if hit is not None:
                found[key] = hit
            else:
                waiting[key] = doc
        for pipeline, waiting in todo.items():
            engine = self.pipelines.get(pipeline)
            size = sum(len(doc.text) for doc in waiting.values())
            reports = engine.lane(size, self.settings.bulk_chars).submit(
                list(waiting.values()), budget
            )
            for (key, doc), report in zip(waiting.items(), reports, strict=True):
                budget.check()
                found[key] = self._store(report, doc, engine.maker.signals_sha256)
        fresh = {key for waiting in todo.values() for key in waiting}
        return self._results(docs, keys, found, fresh, list(named) or [False] * len(docs))

    def _store(self, report: Report, doc: Document, signals_sha256: str) -> Stored | VeracityError:
        report_json = report.to_json()
        size = len(report_json.encode("utf-8"))
        limit = self.settings.max_response_bytes
        if size > limit:
            return TooLargeError(
                E.E031, what=doc.name, size=size, limit=limit, hint="send less text"
            )
        return self.history.add(report, doc.text, report_json, signals_sha256)

    def _results(
        self,
        docs: Sequence[Document | VeracityError],
        keys: dict[int, Key],
        found: dict[Key, Stored | VeracityError],
        fresh: set[Key],
        named: list[bool],
    ) -> list[Result]:
        """Outcomes in input order, renamed where asked, within the response size limit."""
        results: list[Result] = []
        limit = self.settings.max_response_bytes
        used = 0
        for i, (doc, given) in enumerate(zip(docs, named, strict=True)):
            if isinstance(doc, VeracityError):
                results.append(doc)
                continue
            key = keys[i]
            stored = found[key]
            if isinstance(stored, Stored) and given and stored.report["input_name"] != doc.name:
                maker = self.pipelines.get(key[0]).maker
                stored = found[key] = self.history.rename(key[1], maker, doc.name)
            if isinstance(stored, VeracityError):
                results.append(stored)
                continue
            size = len(stored.report_json.encode("utf-8"))
            if used + size > limit:
                hint = f"the response already holds {used} bytes; send fewer documents per request"
                results.append(
                    TooLargeError(E.E031, what=doc.name, size=size, limit=limit - used, hint=hint)
                )
                continue
            used += size
            results.append(Outcome(stored, cached=key not in fresh))
        return results

    def get(self, analysis_id: str, pipeline: str | None = None) -> Stored:
        """The stored analysis ``analysis_id`` of ``pipeline`` (any, preferring fast, if None)."""
        return self.history.get(analysis_id, self.model_sha256, pipeline)

    def recent(self, limit: int) -> list[dict[str, Any]]:
        return self.history.recent(limit)

    def queued(self) -> dict[str, int]:
        """Documents waiting in each lane (requests whose time ran out are not counted)."""
        return self.pipelines.queued()

    def close(self) -> None:
        self.pipelines.close()
