"""The archive's SQLite file: schema, connection and every statement that writes it.

Layout (one file, WAL journal so readers never wait for a writer):

* ``documents``: one row per archived article (``doc_id`` unique, ``source``,
  ``date``, ``title``, ``hash`` = sha256 of its canonical text);
* ``sentences``: one row per sentence (document, index, readable ``passage``,
  ``canon`` = canonical tokens, ``minhash`` = signature blob);
* ``sentences_fts``: an FTS5 index over ``canon`` (external content, bm25);
* ``terms``: how many sentences hold each token, to pick a query's rare tokens
  without scanning the FTS5 vocabulary;
* ``meta``: schema version and MinHash parameters, checked on open.

Any SQLite failure (not a database, locked past the busy timeout, disk
full...) surfaces as :class:`ArchiveError` E015, never as a traceback.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import E, VeracityError
from .minhash import NUM_PERM, SHINGLE

SCHEMA_VERSION = "1"
_META = {"schema": SCHEMA_VERSION, "minhash": f"numpy-crc32-ms/{NUM_PERM}/{SHINGLE}"}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    date TEXT NOT NULL,
    title TEXT NOT NULL,
    hash TEXT NOT NULL,
    n_sentences INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(hash);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    passage TEXT NOT NULL,
    canon TEXT NOT NULL,
    minhash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sentences_doc ON sentences(doc);
CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5(
    canon, content='sentences', content_rowid='id', detail='none',
    tokenize='unicode61 remove_diacritics 0'
);
CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
"""


#: Per-connection settings: WAL-safe durability, a 64 MB page cache, fewer checkpoints.
_PRAGMAS = (
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-65536",
    "PRAGMA wal_autocheckpoint=10000",
    "PRAGMA temp_store=MEMORY",
)


#: An add of at least this share of the archive's sentences merges the FTS5 index.
MERGE_SHARE = 0.1


class ArchiveError(VeracityError):
    """The archive database cannot be opened, read or written."""

    status = 503


@dataclass(frozen=True)
class DocumentRow:
    """One article ready to store: metadata and its prepared sentences."""

    doc_id: str
    source: str
    date: str
    title: str
    hash: str
    passages: list[str]
    canons: list[str]
    minhashes: list[bytes]


@dataclass(frozen=True)
class Batch:
    """Prepared documents and their term counts (counted where the CPU work is done)."""

    docs: list[DocumentRow]
    terms: Counter[str]

    def terms_of(self, kept: Sequence[DocumentRow]) -> Counter[str]:
        """Term counts of the ``kept`` documents of this batch."""
        if len(kept) == len(self.docs):
            return self.terms
        return term_counts(c for doc in kept for c in doc.canons)


def _reason(err: sqlite3.Error, timeout: float) -> str:
    name = getattr(err, "sqlite_errorname", "")
    if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
        return f"it is locked by another process (waited {timeout:g} s)"
    if name == "SQLITE_NOTADB":
        return "the file is not a database"
    if name.startswith("SQLITE_CORRUPT"):
        return "the database file is corrupted"
    return str(err) or name or type(err).__name__


@contextmanager
def translate_errors(path: Path, timeout: float) -> Iterator[None]:
    """Turn any SQLite or file-system error raised inside the block into :class:`ArchiveError`."""
    try:
        yield
    except sqlite3.Error as err:
        raise ArchiveError(E.E015, path=path, reason=_reason(err, timeout)) from None
    except OSError as err:
        raise ArchiveError(E.E015, path=path, reason=err.strerror or str(err)) from None


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    """Open (creating if needed) the archive at ``path`` and check its schema."""
    if path.is_dir():
        raise ArchiveError(E.E015, path=path, reason="it is a folder")
    with translate_errors(path, timeout):
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(path), timeout=timeout, isolation_level=None, check_same_thread=False
        )
        try:
            _initialise(conn, path)
        except BaseException:
            conn.close()
            raise
    return conn


def _initialise(conn: sqlite3.Connection, path: Path) -> None:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "meta" not in tables:
        conn.execute("PRAGMA journal_mode=WAL")
        with transaction(conn):
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", _META.items())
    for pragma in _PRAGMAS:
        conn.execute(pragma)
    found = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    for key, expected in _META.items():
        if found.get(key) != expected:
            reason = f"{key} is {found.get(key)!r}, this veracity needs {expected!r}"
            raise ArchiveError(E.E015, path=path, reason=reason)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back if the block raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def as_list(items: Iterable[object]) -> str:
    """A JSON array for ``IN (SELECT value FROM json_each(?))``: one parameter, any length."""
    return json.dumps(list(items))


#: The only canonical tokens that are not words (see ``veracity.text.normalize``);
#: FTS5 does not index them.
NON_WORDS = frozenset("!?")


def term_counts(canons: Iterable[str]) -> Counter[str]:
    """How many of the sentences hold each word token."""
    counts: Counter[str] = Counter()
    for canon in canons:
        counts.update(set(canon.split()) - NON_WORDS)
    return counts


def existing(
    conn: sqlite3.Connection, docs: Sequence[DocumentRow]
) -> tuple[dict[str, str], set[str]]:
    """Stored ``doc_id -> hash`` for the docs' ids, and which of their hashes are stored."""
    ids = conn.execute(
        "SELECT doc_id, hash FROM documents WHERE doc_id IN (SELECT value FROM json_each(?))",
        (as_list(d.doc_id for d in docs),),
    ).fetchall()
    hashes = conn.execute(
        "SELECT hash FROM documents WHERE hash IN (SELECT value FROM json_each(?))",
        (as_list(d.hash for d in docs),),
    ).fetchall()
    return dict(ids), {row[0] for row in hashes}


def insert_documents(
    conn: sqlite3.Connection, docs: Sequence[DocumentRow], counts: Counter[str]
) -> None:
    """Insert ``docs`` (ids not yet stored) with their sentences and FTS rows; add ``counts``."""
    doc_next = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM documents").fetchone()[0]
    sent_next = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM sentences").fetchone()[0]
    doc_rows, sent_rows, fts_rows = [], [], []
    for doc in docs:
        doc_rows.append(
            (doc_next, doc.doc_id, doc.source, doc.date, doc.title, doc.hash, len(doc.canons))
        )
        for idx, (passage, canon, blob) in enumerate(
            zip(doc.passages, doc.canons, doc.minhashes, strict=True)
        ):
            sent_rows.append((sent_next, doc_next, idx, passage, canon, blob))
            fts_rows.append((sent_next, canon))
            sent_next += 1
        doc_next += 1
    conn.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)", doc_rows)
    conn.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?)", sent_rows)
    conn.executemany("INSERT INTO sentences_fts(rowid, canon) VALUES (?, ?)", fts_rows)
    conn.executemany(
        "INSERT INTO terms VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
        counts.items(),
    )


#: Deletes the FTS5 rows, then the sentences, of the documents whose ids are given.
_DELETE_STATEMENTS = (
    "INSERT INTO sentences_fts(sentences_fts, rowid, canon) SELECT 'delete', id, canon "
    "FROM sentences WHERE doc IN (SELECT id FROM documents "
    "WHERE doc_id IN (SELECT value FROM json_each(?)))",
    "DELETE FROM sentences WHERE doc IN (SELECT id FROM documents "
    "WHERE doc_id IN (SELECT value FROM json_each(?)))",
)


def delete_documents(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> int:
    """Delete documents by ``doc_id`` with everything derived from them; return how many."""
    selected = (as_list(doc_ids),)
    canons = [
        row[0]
        for row in conn.execute(
            "SELECT canon FROM sentences WHERE doc IN (SELECT id FROM documents "
            "WHERE doc_id IN (SELECT value FROM json_each(?)))",
            selected,
        )
    ]
    for statement in _DELETE_STATEMENTS:
        conn.execute(statement, selected)
    removed: int = conn.execute(
        "DELETE FROM documents WHERE doc_id IN (SELECT value FROM json_each(?))", selected
    ).rowcount
    conn.executemany(
        "UPDATE terms SET df = df - ? WHERE term = ?",
        [(n, term) for term, n in term_counts(canons).items()],
    )
    conn.execute("DELETE FROM terms WHERE df <= 0")
    return removed


def merge_index(conn: sqlite3.Connection, added: int) -> None:
    """Merge the FTS5 index into one segment after a bulk add (faster lookups).

    Only when ``added`` sentences are at least :data:`MERGE_SHARE` of the
    archive: merging rewrites the whole index, and FTS5's automerge keeps the
    segment count low after smaller adds.
    """
    total = conn.execute("SELECT COALESCE(MAX(id), 0) FROM sentences").fetchone()[0]
    if added and added >= MERGE_SHARE * total:
        conn.execute("INSERT INTO sentences_fts(sentences_fts) VALUES ('optimize')")


def doc_ids_of_source(conn: sqlite3.Connection, source: str) -> list[str]:
    sql = "SELECT doc_id FROM documents WHERE source = ?"
    return [row[0] for row in conn.execute(sql, (source,))]


def term_frequencies(conn: sqlite3.Connection, terms: Sequence[str]) -> dict[str, int]:
    """Sentence frequency of each of ``terms`` that the archive holds."""
    rows = conn.execute(
        "SELECT term, df FROM terms WHERE term IN (SELECT value FROM json_each(?))",
        (as_list(terms),),
    ).fetchall()
    return dict(rows)
