"""The :class:`Archive`: trusted reporting to check articles against.

>>> with Archive(tmp_path / "archive.sqlite") as archive:      # doctest: +SKIP
...     archive.add_frame(frame)
...     results = archive.lookup(["a sentence", "another one"])
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from ..errors import E, InputError, NotFoundError
from ..text.sentences import split_sentences
from . import database
from .database import Batch, DocumentRow, translate_errors
from .ingest import prepare, read_paths, records
from .match import THRESHOLD, Matcher, SentenceProvenance

#: Environment variable naming the archive file.
ENV_VAR = "VERACITY_ARCHIVE"
#: Seconds a call waits for another process's lock before it fails with E015.
DEFAULT_TIMEOUT = 5.0
#: Articles prepared and written per transaction.
BATCH = 2_000


def _prepared(batches: list[list[dict[str, str]]], workers: int) -> Iterator[Batch]:
    """:func:`prepare` each batch, in order; in forked workers when there are several.

    At most two batches per worker are in flight, so memory stays flat.
    """
    if workers < 2 or len(batches) < 2:
        yield from map(prepare, batches)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: deque[Future[Batch]] = deque()
        for batch in batches:
            pending.append(pool.submit(prepare, batch))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def default_path() -> Path:
    """``$VERACITY_ARCHIVE`` or ``~/.local/share/veracity/archive.sqlite``."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path.home() / ".local" / "share" / "veracity" / "archive.sqlite"


class Archive:
    """An archive of trusted articles in one SQLite file (see :mod:`.database`).

    ``timeout`` is the SQLite busy timeout: how long a call waits for another
    process holding a lock before failing with E015.  With ``create=False`` a
    missing file is an error (E001) instead of a new, empty archive.  One
    instance may be shared by threads; its calls run one at a time.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        threshold: float = THRESHOLD,
        create: bool = True,
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        if not create and not self.path.exists():
            raise NotFoundError(E.E001, path=self.path)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._conn = database.connect(self.path, timeout)
        self._matcher = Matcher(self._conn, threshold)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        with self._lock, translate_errors(self.path, self.timeout):
            yield

    def add_frame(self, frame: pd.DataFrame, workers: int | None = None) -> int:
        """Archive every article of a record frame; return how many were new or changed.

        An article whose ``id`` is stored with the same content, or whose
        content is stored under any id, is skipped; an ``id`` stored with other
        content is replaced.  Only ``id`` and ``text`` columns are required.
        Frames of more than :data:`BATCH` articles are prepared (split,
        tokenised, signed) by ``workers`` forked processes (default: one per
        core) while this one writes; ``workers=1`` keeps it in one process.
        """
        rows = records(frame)
        batches = [rows[lo : lo + BATCH] for lo in range(0, len(rows), BATCH)]
        seen: set[str] = set()
        added = sentences = 0
        for batch in _prepared(batches, workers or os.cpu_count() or 1):
            with self._guarded():
                new = self._write(batch, seen)
            added += len(new)
            sentences += sum(len(d.canons) for d in new)
        with self._guarded():
            database.merge_index(self._conn, sentences)
        return added

    def _write(self, batch: Batch, seen: set[str]) -> list[DocumentRow]:
        with database.transaction(self._conn):
            ids, hashes = database.existing(self._conn, batch.docs)
            new, replaced = [], []
            for doc in batch.docs:
                if doc.hash in hashes or doc.hash in seen or doc.doc_id in seen:
                    continue
                seen.update((doc.hash, doc.doc_id))
                if doc.doc_id in ids:
                    replaced.append(doc.doc_id)
                new.append(doc)
            database.delete_documents(self._conn, replaced)
            database.insert_documents(self._conn, new, batch.terms_of(new))
        return new

    def add_paths(
        self,
        paths: Sequence[Path | str],
        mapping: dict[str, str] | None = None,
        source: str | None = None,
    ) -> int:
        """Archive CSV / JSONL / Parquet files, .txt / .html files or folders of them.

        ``mapping`` maps record fields to table columns (see the generic
        readers); ``source``, when given, is recorded for every article.
        """
        added = 0
        for frame in read_paths([Path(p) for p in paths], mapping):
            if source is not None:
                frame = frame.assign(source=source)
            added += self.add_frame(frame)
        return added

    def remove(self, doc_ids: Sequence[str] | None = None, source: str | None = None) -> int:
        """Remove documents by id, or every document of ``source``; return how many."""
        if (doc_ids is None) == (source is None):
            reason = "give document ids or a source, not both"
            raise InputError(E.E013, field="remove", reason=reason)
        with self._guarded(), database.transaction(self._conn):
            targets = list(doc_ids) if doc_ids is not None else None
            if targets is None:
                targets = database.doc_ids_of_source(self._conn, str(source))
            return database.delete_documents(self._conn, targets)

    def stats(self) -> dict[str, Any]:
        """Counts of documents, sentences and terms, documents per source, file size."""
        with self._guarded():
            one = self._conn.execute
            sources = dict(
                one(
                    "SELECT source, COUNT(*) FROM documents GROUP BY source ORDER BY 2 DESC, 1"
                ).fetchall()
            )
            return {
                "path": str(self.path),
                "documents": one("SELECT COUNT(*) FROM documents").fetchone()[0],
                "sentences": one("SELECT COUNT(*) FROM sentences").fetchone()[0],
                "terms": one("SELECT COUNT(*) FROM terms").fetchone()[0],
                "sources": sources,
                "bytes": sum(
                    p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists()
                ),
            }

    def lookup(self, sentences: Sequence[str]) -> list[SentenceProvenance]:
        """Provenance of each sentence, in order."""
        with self._guarded():
            self._conn.execute("BEGIN")
            try:
                return self._matcher.lookup(list(sentences))
            finally:
                self._conn.execute("COMMIT")

    def lookup_text(self, text: str) -> list[SentenceProvenance]:
        """Split ``text`` into sentences and look each up."""
        return self.lookup([s.text for s in split_sentences(text)])
