"""Chunked readers and writers for batch scoring: memory stays flat whatever the size.

Inputs (``--format``): CSV (pandas ``read_csv(chunksize=)``), JSON Lines (line by
line), Parquet (``ParquetFile.iter_batches``) and a folder of ``.txt`` /
``.html`` files (id = path relative to the folder, sorted).  Each reader yields
:class:`Chunk` s of ``(id, value)`` rows plus how far into the input it is, for
the progress bar.  A table without the id column gets the row number (from 0)
as id.

Outputs follow the extension of the output path (``.csv``, ``.jsonl``,
``.parquet``).  Rows are first appended to a JSON Lines partial file (one
record per line, so an interrupted run leaves a clean prefix); the finisher
turns it into the final file, streaming.  Readers and finishers are registered
under versioned names, e.g. ``veracity.batch.input.csv.v1``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import E, InputError, NotFoundError, TooLargeError
from ..registry import Registry
from .scoring import Record, Row, RowError

#: File suffixes a folder input reads.
FOLDER_SUFFIXES = (".txt", ".html", ".htm")
INPUT_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
OUTPUT_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}


@dataclass
class Chunk:
    """Rows read together; ``done`` is the fraction of the input read so far."""

    rows: list[Row]
    done: float


@dataclass
class Source:
    """An opened input: ``total`` rows when known up front, and its chunks."""

    total: int | None
    chunks: Callable[[int], Iterator[Chunk]]


SourceFactory = Callable[[Path, str, str], Source]
Finisher = Callable[[Path, Path, tuple[str, ...]], None]

inputs: Registry[SourceFactory] = Registry("batch input format")
outputs: Registry[Finisher] = Registry("batch output format")


def input_format(path: Path, requested: str = "auto") -> str:
    """The input format name: ``requested`` unless ``auto``, else from ``path``."""
    if requested != "auto":
        return requested
    if path.is_dir():
        return "dir"
    fmt = INPUT_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        allowed = ", ".join([*INPUT_SUFFIXES, "a folder"])
        raise InputError(E.E012, path=path, allowed=allowed)
    return fmt


def output_format(path: Path) -> str:
    fmt = OUTPUT_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        allowed = ", ".join(OUTPUT_SUFFIXES)
        raise InputError(E.E013, field="output", reason=f"{path.name} does not end in {allowed}")
    return fmt


def open_source(path: Path, fmt: str, text_column: str, id_column: str) -> Source:
    """Open ``path`` as input format ``fmt`` (``csv``, ``jsonl``, ``parquet``, ``dir``)."""
    if not path.exists():
        raise NotFoundError(E.E001, path=path)
    return inputs.get(f"veracity.batch.input.{fmt}.v1")(path, text_column, id_column)


def clean_id(value: object) -> str:
    """An id as text; undecodable bytes become U+FFFD so every output can hold it."""
    text = value if isinstance(value, str) else str(value)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _missing(columns: list[str], wanted: str, path: Path) -> None:
    if wanted not in columns:
        raise InputError(E.E006, missing=[wanted], source=path, found=columns)


@inputs.register("veracity.batch.input.csv.v1")
def csv_source(path: Path, text_column: str, id_column: str) -> Source:
    import pandas as pd

    size = max(path.stat().st_size, 1)

    def chunks(chunk_size: int) -> Iterator[Chunk]:
        start = 0
        with path.open("rb") as handle:
            try:
                reader = pd.read_csv(
                    handle,
                    chunksize=chunk_size,
                    dtype=object,
                    keep_default_na=False,
                    encoding="utf-8",
                    encoding_errors="surrogateescape",
                )
            except pd.errors.EmptyDataError:
                return
            except (pd.errors.ParserError, UnicodeError) as err:
                raise _bad_csv(path, err) from None
            try:
                for frame in reader:
                    columns = [str(c) for c in frame.columns]
                    _missing(columns, text_column, path)
                    ids = frame[id_column].tolist() if id_column in columns else None
                    texts = frame[text_column].tolist()
                    rows = [
                        (clean_id(ids[k] if ids is not None else start + k), texts[k])
                        for k in range(len(texts))
                    ]
                    start += len(rows)
                    yield Chunk(rows, min(handle.tell() / size, 1.0))
            except (pd.errors.ParserError, UnicodeError) as err:
                raise _bad_csv(path, err) from None

    return Source(None, chunks)


def _bad_csv(path: Path, err: Exception) -> InputError:
    """A CSV pandas cannot parse; invalid UTF-8 reaches here only from the header row."""
    if isinstance(err, UnicodeError):
        return InputError(E.E013, field=f"CSV {path}", reason="the header row is not valid UTF-8")
    return InputError(E.E013, field=f"CSV {path}", reason=" ".join(str(err).split()))


def _jsonl_row(line: bytes, n: int, text_column: str, id_column: str) -> Row:
    try:
        item = json.loads(line.decode("utf-8"))
    except RecursionError:
        message = E.E013.value.format(field=f"line {n + 1}", reason="JSON nested too deeply")
        return str(n), RowError(f"[{E.E013.name}] {message}")
    except UnicodeDecodeError:
        return str(n), RowError(f"[{E.E007.name}] {E.E007.value.format(what=f'line {n + 1}')}")
    except (json.JSONDecodeError, ValueError) as err:
        reason = f"not valid JSON ({getattr(err, 'msg', err)})"
        message = E.E013.value.format(field=f"line {n + 1}", reason=reason)
        return str(n), RowError(f"[{E.E013.name}] {message}")
    if not isinstance(item, dict):
        message = E.E013.value.format(field=f"line {n + 1}", reason="not a JSON object")
        return str(n), RowError(f"[{E.E013.name}] {message}")
    row_id = clean_id(item[id_column]) if item.get(id_column) is not None else str(n)
    return row_id, item.get(text_column)


@inputs.register("veracity.batch.input.jsonl.v1")
def jsonl_source(path: Path, text_column: str, id_column: str) -> Source:
    size = max(path.stat().st_size, 1)

    def chunks(chunk_size: int) -> Iterator[Chunk]:
        rows: list[Row] = []
        n = 0
        with path.open("rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                rows.append(_jsonl_row(line, n, text_column, id_column))
                n += 1
                if len(rows) == chunk_size:
                    yield Chunk(rows, handle.tell() / size)
                    rows = []
        if rows:
            yield Chunk(rows, 1.0)

    return Source(None, chunks)


@inputs.register("veracity.batch.input.parquet.v1")
def parquet_source(path: Path, text_column: str, id_column: str) -> Source:
    import pyarrow.parquet as pq

    names = list(pq.ParquetFile(path).schema_arrow.names)
    _missing(names, text_column, path)
    columns = [text_column, *([id_column] if id_column in names else [])]
    total = pq.ParquetFile(path).metadata.num_rows

    def chunks(chunk_size: int) -> Iterator[Chunk]:
        start = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_size, columns=columns):
            texts = batch.column(text_column).to_pylist()
            ids = batch.column(id_column).to_pylist() if id_column in columns else None
            rows = [
                (
                    clean_id(ids[k] if ids is not None and ids[k] is not None else start + k),
                    texts[k],
                )
                for k in range(len(texts))
            ]
            start += len(rows)
            yield Chunk(rows, start / max(total, 1))

    return Source(total, chunks)


def folder_files(root: Path) -> list[Path]:
    """The ``.txt`` / ``.html`` files under ``root`` (hidden ones skipped), sorted by path."""
    found = [
        p
        for p in root.rglob("*")
        if p.suffix.lower() in FOLDER_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


@inputs.register("veracity.batch.input.dir.v1")
def folder_source(path: Path, text_column: str, id_column: str) -> Source:
    if not path.is_dir():
        raise InputError(E.E013, field="format", reason=f"'dir' needs a folder, {path} is a file")
    files = folder_files(path)

    def chunks(chunk_size: int) -> Iterator[Chunk]:
        for start in range(0, len(files), chunk_size):
            part = files[start : start + chunk_size]
            rows: list[Row] = [(p.relative_to(path).as_posix(), p) for p in part]
            yield Chunk(rows, (start + len(part)) / max(len(files), 1))

    return Source(len(files), chunks)


def materialize(rows: list[Row], limit: int) -> list[Row]:
    """Read the files a folder source names (skipped rows are never read)."""
    out: list[Row] = []
    for row_id, value in rows:
        if isinstance(value, Path):
            size = value.stat().st_size
            if size > limit:
                err = TooLargeError(E.E004, size=size, limit=limit, what=row_id)
                value = RowError(str(err))
            else:
                value = value.read_bytes()
        out.append((row_id, value))
    return out


# -- outputs ------------------------------------------------------------------
def record_line(record: Record) -> bytes:
    """One partial-file line: the record as compact JSON."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def read_records(partial: Path) -> Iterator[dict[str, Any]]:
    with partial.open("rb") as handle:
        for line in handle:
            yield json.loads(line)


@outputs.register("veracity.batch.output.jsonl.v1")
def finish_jsonl(partial: Path, target: Path, columns: tuple[str, ...]) -> None:
    """The partial file already is the JSON Lines output: move it into place."""
    partial.replace(target)


@outputs.register("veracity.batch.output.csv.v1")
def finish_csv(partial: Path, target: Path, columns: tuple[str, ...]) -> None:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for record in read_records(partial):
            writer.writerow(["" if record[c] is None else record[c] for c in columns])


@outputs.register("veracity.batch.output.parquet.v1")
def finish_parquet(partial: Path, target: Path, columns: tuple[str, ...]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"probability": pa.float64()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    with pq.ParquetWriter(target, schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in read_records(partial):
            batch.append(record)
            if len(batch) == 10_000:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
