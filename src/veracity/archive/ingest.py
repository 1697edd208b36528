"""Articles -> rows the archive stores: sentences, canonical text, MinHash, content hash.

Input is a record frame (:mod:`veracity.data.schema`), or files: CSV, JSON
Lines and Parquet go through the generic readers registered as
``veracity.reader.{csv,jsonl,parquet}.v1`` (labels optional); a ``.txt`` or
``.html`` file, or a folder of them (searched recursively), is one article per
file, decoded and extracted like ``veracity check`` input (hidden files are
skipped); its id is the folder name and the path inside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pandas as pd

from ..data.schema import RECORD_COLUMNS
from ..errors import DataError, E, InputError, NotFoundError
from ..registry import readers
from ..text.inputs import document_from_bytes
from ..text.normalize import tokens
from ..text.sentences import split_sentences
from .database import NON_WORDS, Batch, DocumentRow, term_counts
from .minhash import signatures, to_blob

#: Table files and the registered reader for each.
TABLE_READERS = {
    ".csv": "veracity.reader.csv.v1",
    ".jsonl": "veracity.reader.jsonl.v1",
    ".parquet": "veracity.reader.parquet.v1",
}
#: One-article-per-file suffixes (HTML is recognised by content, as for ``veracity check``).
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm")
ALLOWED = ", ".join(sorted([*TABLE_READERS, *DOCUMENT_SUFFIXES]))


def prepare(records: list[dict[str, str]]) -> Batch:
    """Split, canonicalise and sign articles given as record dicts (schema columns).

    A top-level function of plain data in and out, so a process pool can run
    it.  Articles without a single word token are left out.
    """
    passages: list[str] = []
    token_lists: list[list[str]] = []
    kept: list[tuple[dict[str, str], int]] = []
    for record in records:
        count = 0
        for sentence in split_sentences(str(record["text"])):
            toks = tokens(sentence.text)
            if not NON_WORDS.issuperset(toks):
                passages.append(sentence.text)
                token_lists.append(toks)
                count += 1
        if count:
            kept.append((record, count))
    blobs = [to_blob(sig) for sig in signatures(token_lists)]
    all_canons = [" ".join(t) for t in token_lists]
    docs: list[DocumentRow] = []
    at = 0
    for record, count in kept:
        canons = all_canons[at : at + count]
        digest = hashlib.sha256("\n".join(canons).encode("utf-8")).hexdigest()
        docs.append(
            DocumentRow(
                doc_id=str(record["id"]).strip(),
                source=str(record["source"]).strip(),
                date=str(record["date"]).strip(),
                title=str(record["title"]).strip(),
                hash=digest,
                passages=passages[at : at + count],
                canons=canons,
                minhashes=blobs[at : at + count],
            )
        )
        at += count
    return Batch(docs, term_counts(all_canons))


def records(frame: pd.DataFrame) -> list[dict[str, str]]:
    """A record frame as plain dicts of its schema columns."""
    missing = [c for c in ("id", "text") if c not in frame.columns]
    if missing:
        raise DataError(E.E006, missing=missing, source="frame", found=list(frame.columns))
    out = frame.reindex(columns=list(RECORD_COLUMNS), fill_value="").fillna("").astype(str)
    rows: list[dict[str, str]] = out.to_dict("records")
    return rows


def _documents_frame(files: list[tuple[str, Path]]) -> pd.DataFrame:
    """``(doc_id, path)`` pairs of one-article files -> a frame of ``id`` and ``text``."""
    rows = [
        {"id": doc_id, "text": document_from_bytes(path.read_bytes(), str(path)).text}
        for doc_id, path in files
    ]
    return pd.DataFrame(rows, columns=["id", "text"])


def _folder_frame(folder: Path) -> pd.DataFrame:
    named = sorted(
        (f"{folder.name}/{p.relative_to(folder).as_posix()}", p)
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in DOCUMENT_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    return _documents_frame(named)


def read_paths(paths: list[Path], mapping: dict[str, str] | None = None) -> Iterator[pd.DataFrame]:
    """One frame of articles per input path (see the module docstring for formats)."""
    for path in map(Path, paths):
        suffix = path.suffix.lower()
        if path.is_dir():
            yield _folder_frame(path)
        elif not path.exists():
            raise NotFoundError(E.E001, path=path)
        elif suffix in TABLE_READERS:
            reader = readers.get(TABLE_READERS[suffix])
            yield cast(pd.DataFrame, reader(path, mapping=mapping, labelled=False))
        elif suffix in DOCUMENT_SUFFIXES:
            yield _documents_frame([(path.name, path)])
        else:
            raise InputError(E.E012, path=path, allowed=f"{ALLOWED} or a folder")
