"""What the service does per request: inputs to documents, cache, analysis, history.

:class:`Analyses` holds the app's one :class:`~veracity.analyze.Analyzer` and
its :class:`~veracity.service.store.History`.  Its methods block (fetching,
analysing, SQLite), so the app calls them through its thread pool.  Inputs
are turned into documents (and URLs fetched) in the calling thread; the
analysis itself goes through a :class:`~veracity.service.batcher.Batcher`,
so concurrent requests are analysed together.  There are two batchers, two
lanes: requests carrying more than ``Settings.bulk_chars`` of text (a huge
article, a full batch) take the bulk lane, everything else the interactive
lane, so a large analysis never holds up the small ones queued behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..analyze import Analyzer
from ..errors import E, InputError, TooLargeError, VeracityError
from ..text.html import html_to_text
from ..text.inputs import Document, document_from_bytes, document_from_text
from .batcher import Batcher
from .fetch import FetchLimits, UrlRefusedError, fetch_url
from .schemas import DocumentIn
from .settings import Settings
from .store import History, Stored, content_hash


@dataclass(frozen=True)
class Upload:
    """A file uploaded through the page: raw bytes and the file's name."""

    data: bytes
    name: str


@dataclass(frozen=True)
class Outcome:
    """One analysed document: the stored report, its text, and whether it came from history."""

    stored: Stored
    cached: bool

    @property
    def id(self) -> str:
        return self.stored.id


Result = Outcome | VeracityError


class Analyses:
    """Turn request items into stored reports."""

    def __init__(self, analyzer: Analyzer, history: History, settings: Settings) -> None:
        self.analyzer = analyzer
        self.history = history
        self.settings = settings
        self.limits = FetchLimits(
            max_bytes=settings.url_max_bytes,
            max_redirects=settings.url_max_redirects,
            timeout=settings.url_timeout,
            allow_private=settings.allow_private_urls,
        )
        self.interactive: Batcher[Document | VeracityError, Result] = Batcher(
            self.analyze, max_items=settings.max_batch, name="veracity-interactive"
        )
        self.bulk: Batcher[Document | VeracityError, Result] = Batcher(
            self.analyze, max_items=settings.max_batch, name="veracity-bulk"
        )

    @property
    def model_sha256(self) -> str:
        return self.analyzer.info.sha256

    def document(self, item: DocumentIn | Upload) -> Document:
        """The cleaned document an item describes (fetching a URL if allowed)."""
        limit = self.settings.max_input_bytes
        if isinstance(item, Upload):
            return document_from_bytes(item.data, item.name, limit)
        if item.text is not None:
            return document_from_text(item.text, item.name or "<text>", limit, sniff_html=False)
        if item.html is not None:
            return self.from_html(item.html, item.name or "<html>")
        return self.fetch(str(item.url), item.name)

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

    def fetch(self, url: str, name: str | None = None) -> Document:
        if not self.settings.allow_url:
            raise UrlRefusedError(E.E016, reason="URL input is switched off on this server")
        page = fetch_url(url, self.limits)
        return document_from_bytes(page.data, name or page.url, self.settings.max_input_bytes)

    def run(self, items: Sequence[DocumentIn | Upload | VeracityError]) -> list[Result]:
        """Analyse every item that is not an error; identical content is analysed once."""
        docs: list[Document | VeracityError] = []
        for item in items:
            try:
                docs.append(item if isinstance(item, VeracityError) else self.document(item))
            except VeracityError as err:
                docs.append(err)
        size = sum(len(doc.text) for doc in docs if isinstance(doc, Document))
        lane = self.bulk if size > self.settings.bulk_chars else self.interactive
        return lane.submit(docs)

    def analyze(self, docs: Sequence[Document | VeracityError]) -> list[Result]:
        """Stored or fresh reports for ``docs`` (errors pass through); runs in the batcher."""
        sha = self.model_sha256
        found: dict[str, Stored] = {}
        todo: dict[str, Document] = {}
        for doc in docs:
            if isinstance(doc, VeracityError):
                continue
            digest = content_hash(doc.text)
            if digest in found or digest in todo:
                continue
            hit = self.history.find(digest, sha)
            if hit is not None:
                found[digest] = hit
            else:
                todo[digest] = doc
        reports = self.analyzer.analyze_many(list(todo.values())) if todo else []
        fresh = dict(zip(todo, reports, strict=True))
        for digest, report in fresh.items():
            found[digest] = self.history.add(report, todo[digest].text)
        results: list[Result] = []
        for doc in docs:
            if isinstance(doc, VeracityError):
                results.append(doc)
            else:
                digest = content_hash(doc.text)
                results.append(Outcome(found[digest], cached=digest not in fresh))
        return results

    def get(self, analysis_id: str) -> Stored:
        return self.history.get(analysis_id, self.model_sha256)

    def recent(self, limit: int) -> list[dict[str, Any]]:
        return self.history.recent(limit)

    def close(self) -> None:
        self.interactive.close()
        self.bulk.close()
