"""Analysis history in SQLite (stdlib ``sqlite3``, WAL mode).

One row per content hash and :class:`Maker` (the model fingerprint, the
pipeline and the fingerprint of the pipeline's sentence models): the report
JSON (compact, no indentation), the article text and the columns the recent
list needs.  The content hash covers the cleaned text and the title, when
there is one.  Identical content analysed by the same model and pipeline is
found again instead of recomputed, never that of the other pipeline; a
repeated submission under a new name renames the stored analysis
(:meth:`History.rename`).  A report's id is its content hash's start, so the
fast and the deep analysis of one text share it: a permalink names the
pipeline too.  A database written before pipelines existed is migrated when
opened (its rows become ``fast`` rows of no known sentence models, so they are
still shown but never answer a new request).  One connection is shared behind
a lock, so any thread of the service may call any method.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import E, NotFoundError, VeracityError
from ..report import Report
from ..text.inputs import content_hash

_TABLE = """
CREATE TABLE IF NOT EXISTS analyses (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    pipeline TEXT NOT NULL DEFAULT 'fast',
    signals_sha256 TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    verdict TEXT NOT NULL,
    probability REAL NOT NULL,
    words INTEGER NOT NULL,
    input_name TEXT NOT NULL,
    input_kind TEXT NOT NULL,
    report_json TEXT NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (content_hash, model_sha256, pipeline, signals_sha256)
)
"""
_INDEX = "CREATE INDEX IF NOT EXISTS analyses_id ON analyses (id)"
#: A table written before pipelines existed, its rows copied as they are into the new one.
_COPY_V1 = """
INSERT INTO analyses (seq, id, content_hash, model_sha256, created, verdict, probability, words,
    input_name, input_kind, report_json, text)
SELECT seq, id, content_hash, model_sha256, created, verdict, probability, words,
    input_name, input_kind, report_json, text FROM analyses_v1
"""


class HistoryError(VeracityError):
    """The history database cannot be opened or written."""

    status = 503


def compact_json(data: dict[str, Any]) -> str:
    """JSON without indentation or spaces after separators (what the service stores and sends)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Maker:
    """What made an analysis: the detector model, the pipeline and its sentence models."""

    model_sha256: str
    pipeline: str = "fast"
    signals_sha256: str = ""

    def row(self) -> tuple[str, str, str]:
        return (self.model_sha256, self.pipeline, self.signals_sha256)


@dataclass(frozen=True)
class Stored:
    """A stored analysis: its id, its report as JSON text and the article text it describes."""

    id: str
    report_json: str
    text: str

    @cached_property
    def report(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.report_json)
        return parsed

    def as_report(self) -> Report:
        return Report.from_dict(self.report)


class History:
    """The analyses table of one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30.0)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._create()
        except (OSError, sqlite3.Error) as err:
            raise HistoryError(E.E019, path=self.path, reason=str(err)) from None
        self._lock = threading.Lock()

    def _create(self) -> None:
        """Create the table, or rebuild one written before pipelines existed (its rows kept)."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(analyses)")}
            if columns and "pipeline" not in columns:
                conn.execute("ALTER TABLE analyses RENAME TO analyses_v1")
                conn.execute(_TABLE)
                conn.execute(_COPY_V1)
                conn.execute("DROP TABLE analyses_v1")
            conn.execute(_TABLE)
            conn.execute(_INDEX)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return list(self._conn.execute(sql, args).fetchall())
            except sqlite3.Error as err:
                raise HistoryError(E.E019, path=self.path, reason=str(err)) from None

    def find(self, digest: str, maker: Maker) -> Stored | None:
        """The stored analysis of this content by this maker, if any."""
        rows = self._query(
            "SELECT id, report_json, text FROM analyses WHERE content_hash = ?"
            " AND model_sha256 = ? AND pipeline = ? AND signals_sha256 = ?",
            (digest, *maker.row()),
        )
        return _stored(rows[0]) if rows else None

    def add(
        self,
        report: Report,
        text: str,
        report_json: str | None = None,
        signals_sha256: str = "",
    ) -> Stored:
        """Store ``report`` of ``text``; return what is stored (the first writer wins).

        ``report_json`` is the report already serialised by :meth:`Report.to_json`, if at hand;
        ``signals_sha256`` fingerprints the sentence models of the report's pipeline.  A new
        row is returned as written, without reading it back.
        """
        digest = content_hash(text, report.title or "")
        maker = Maker(report.model.sha256, report.model.pipeline, signals_sha256)
        report_json = report_json or report.to_json()
        with self._lock:
            try:
                with self._conn:
                    inserted = self._conn.execute(
                        "INSERT OR IGNORE INTO analyses (id, content_hash, model_sha256, pipeline,"
                        " signals_sha256, created, verdict, probability, words, input_name,"
                        " input_kind, report_json, text)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        (
                            report.id,
                            digest,
                            *maker.row(),
                            report.created,
                            report.verdict,
                            report.probability,
                            report.words,
                            report.input_name,
                            report.input_kind,
                            report_json,
                            text,
                        ),
                    ).fetchall()
            except sqlite3.Error as err:
                raise HistoryError(E.E019, path=self.path, reason=str(err)) from None
        if inserted:
            return Stored(id=str(inserted[0][0]), report_json=report_json, text=text)
        found = self.find(digest, maker)
        if found is None:
            raise HistoryError(E.E019, path=self.path, reason="row vanished after insert")
        return found

    def rename(self, digest: str, maker: Maker, name: str) -> Stored:
        """Give the stored analysis of this content by this maker the name ``name``."""
        found = self.find(digest, maker)
        if found is None:
            raise HistoryError(E.E019, path=self.path, reason="row vanished before rename")
        report_json = compact_json({**found.report, "input_name": name})
        with self._lock:
            try:
                with self._conn:
                    self._conn.execute(
                        "UPDATE analyses SET input_name = ?, report_json = ? WHERE content_hash = ?"
                        " AND model_sha256 = ? AND pipeline = ? AND signals_sha256 = ?",
                        (name, report_json, digest, *maker.row()),
                    )
            except sqlite3.Error as err:
                raise HistoryError(E.E019, path=self.path, reason=str(err)) from None
        return Stored(id=found.id, report_json=report_json, text=found.text)

    def get(self, analysis_id: str, model_sha256: str = "", pipeline: str | None = None) -> Stored:
        """The analysis with this id: of ``pipeline`` only when one is named, else preferring
        ``fast`` (permalinks made before pipelines existed); then preferring ``model_sha256``'s,
        then the newest."""
        rows = self._query(
            "SELECT id, report_json, text FROM analyses WHERE id = ? AND (? IS NULL OR pipeline = ?)"
            " ORDER BY pipeline = ? DESC, model_sha256 = ? DESC, seq DESC LIMIT 1",
            (analysis_id, pipeline, pipeline, pipeline or "fast", model_sha256),
        )
        if not rows:
            raise NotFoundError(E.E017, id=analysis_id)
        return _stored(rows[0])

    def recent(self, limit: int) -> list[dict[str, Any]]:
        """Summaries of the ``limit`` newest analyses, newest first."""
        rows = self._query(
            "SELECT id, created, verdict, probability, words, input_name, input_kind,"
            " model_sha256, pipeline FROM analyses ORDER BY seq DESC LIMIT ?",
            (limit,),
        )
        return [dict(r) for r in rows]

    def count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM analyses", ())[0][0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _stored(row: sqlite3.Row) -> Stored:
    return Stored(id=str(row["id"]), report_json=str(row["report_json"]), text=str(row["text"]))
