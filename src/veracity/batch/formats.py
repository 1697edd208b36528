"""Chunked readers and writers for batch scoring: memory stays flat whatever the size.

Inputs (``--format``): CSV (pandas ``read_csv(chunksize=)``), JSON Lines (line by
line), Parquet (``ParquetFile.iter_batches``) and a folder of ``.txt`` /
``.html`` files (id = path relative to the folder, sorted).  Each reader yields
:class:`Chunk` s of :class:`~veracity.batch.rows.Row` s ``(id, value,
title)`` plus how far into the input it is, for the progress bar.  A table
without the id column gets the row number (from 0) as id.  The title column is
``title`` when the table has one, unless the caller names another or ``""``
(none).  A JSON line or CSV record over :data:`~veracity.config.MAX_ROW_BYTES`
and a Parquet cell over :data:`~veracity.config.MAX_INPUT_BYTES` become that
row's E004 without being turned into a string (see :mod:`.bounded`).

Outputs follow the extension of the output path (``.csv``, ``.jsonl``,
``.parquet``).  Rows are first appended to a JSON Lines partial file (one
record per line, the full report nested as an object, so an interrupted run
leaves a clean prefix); the finisher turns it into the final file, streaming.
CSV and Parquet hold the report as a JSON string.  Readers and finishers are
registered under versioned names, e.g. ``veracity.batch.input.csv.v1``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import MAX_INPUT_BYTES, MAX_ROW_BYTES
from ..errors import E, InputError, NotFoundError, TooLargeError
from ..registry import Registry
from .bounded import BoundedCsv, bounded_lines, count_csv_rows, parquet_cells
from .rows import Record, Row, RowError

#: File suffixes a folder input reads.
FOLDER_SUFFIXES = (".txt", ".html", ".htm")
INPUT_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
OUTPUT_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet"}
#: The title column used when the caller names none and the table has it.
DEFAULT_TITLE_COLUMN = "title"


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


@dataclass(frozen=True)
class Columns:
    """The columns a run reads; ``title`` ``None`` means ``title`` when present, ``""`` none."""

    text: str = "text"
    id: str = "id"
    title: str | None = None

    def check(self, names: list[str], source: object) -> str | None:
        """The title column of a table with columns ``names``; E006 when a named one is missing."""
        title = DEFAULT_TITLE_COLUMN if self.title is None else self.title
        missing = [c for c in (self.text, self.title) if c and c not in names]
        if missing:
            raise InputError(E.E006, missing=missing, source=source, found=names)
        return title if title in names else None


SourceFactory = Callable[[Path, Columns], Source]
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


def open_source(
    path: Path, fmt: str, text_column: str, id_column: str, title_column: str | None = None
) -> Source:
    """Open ``path`` as input format ``fmt`` (``csv``, ``jsonl``, ``parquet``, ``dir``).

    Columns are checked here, before anything is scored or written.
    """
    if not path.exists():
        raise NotFoundError(E.E001, path=path)
    factory = inputs.get(f"veracity.batch.input.{fmt}.v1")
    return factory(path, Columns(text_column, id_column, title_column))


def clean_id(value: object) -> str:
    """An id as text; undecodable bytes become U+FFFD so every output can hold it."""
    text = value if isinstance(value, str) else str(value)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _row_error(code: E, **fields: object) -> RowError:
    return RowError(str(InputError(code, **fields)))


def _too_large(size: object, limit: int, what: str) -> RowError:
    return RowError(str(TooLargeError(E.E004, size=size, limit=limit, what=what)))


def _read_csv(stream: BoundedCsv, **options: Any) -> Any:
    import pandas as pd

    return pd.read_csv(
        io.BufferedReader(stream),
        dtype=object,
        keep_default_na=False,
        encoding="utf-8",
        encoding_errors="surrogateescape",
        **options,
    )


def _csv_header(path: Path) -> list[str] | None:
    """The CSV's column names (``None`` for an empty file)."""
    import pandas as pd

    with BoundedCsv(path, MAX_ROW_BYTES) as stream:
        try:
            return [str(c) for c in _read_csv(stream, nrows=0).columns]
        except pd.errors.EmptyDataError:
            return None
        except (pd.errors.ParserError, UnicodeError) as err:
            raise _bad_csv(path, err) from None


@inputs.register("veracity.batch.input.csv.v1")
def csv_source(path: Path, columns: Columns) -> Source:
    import pandas as pd

    names = _csv_header(path)
    if names is None:
        return Source(0, lambda chunk_size: iter(()))
    title = columns.check(names, path)
    total = count_csv_rows(path)

    def chunks(chunk_size: int) -> Iterator[Chunk]:
        start = 0
        with BoundedCsv(path, MAX_ROW_BYTES) as stream:
            try:
                for frame in _read_csv(stream, chunksize=chunk_size):
                    rows = _csv_rows(frame, start, columns, title, stream)
                    start += len(rows)
                    yield Chunk(rows, min(start / max(total, 1), 1.0))
            except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as err:
                raise _bad_csv(path, err) from None

    return Source(total, chunks)


def _csv_rows(
    frame: Any, start: int, columns: Columns, title: str | None, stream: BoundedCsv
) -> list[Row]:
    """The rows of one pandas chunk; a record :class:`BoundedCsv` skipped is its E004."""
    n = len(frame)
    first = frame.iloc[:, 0].tolist()
    ids = frame[columns.id].tolist() if columns.id in frame.columns else None
    texts = frame[columns.text].tolist()
    titles = frame[title].tolist() if title else [None] * n
    rows = []
    for k in range(n):
        if first[k] == stream.marker:
            oversized = _too_large(f"more than {stream.limit}", stream.limit, f"row {start + k}")
            rows.append(Row(str(start + k), oversized))
        else:
            row_id = clean_id(ids[k] if ids is not None else start + k)
            rows.append(Row(row_id, texts[k], titles[k]))
    return rows


def _bad_csv(path: Path, err: Exception) -> InputError:
    """A CSV pandas cannot parse; invalid UTF-8 reaches here only from the header row."""
    if isinstance(err, UnicodeError):
        return InputError(E.E013, field=f"CSV {path}", reason="the header row is not valid UTF-8")
    return InputError(E.E013, field=f"CSV {path}", reason=" ".join(str(err).split()))


def _jsonl_row(line: bytes, n: int, columns: Columns, title: str) -> Row:
    try:
        item = json.loads(line.decode("utf-8"))
    except RecursionError:
        return Row(
            str(n), _row_error(E.E013, field=f"line {n + 1}", reason="JSON nested too deeply")
        )
    except UnicodeDecodeError:
        return Row(str(n), _row_error(E.E007, what=f"line {n + 1}"))
    except (json.JSONDecodeError, ValueError) as err:
        reason = f"not valid JSON ({getattr(err, 'msg', err)})"
        return Row(str(n), _row_error(E.E013, field=f"line {n + 1}", reason=reason))
    if not isinstance(item, dict):
        return Row(str(n), _row_error(E.E013, field=f"line {n + 1}", reason="not a JSON object"))
    row_id = clean_id(item[columns.id]) if item.get(columns.id) is not None else str(n)
    return Row(row_id, item.get(columns.text), item.get(title) if title else None)


@inputs.register("veracity.batch.input.jsonl.v1")
def jsonl_source(path: Path, columns: Columns) -> Source:
    size = max(path.stat().st_size, 1)
    title = DEFAULT_TITLE_COLUMN if columns.title is None else columns.title

    def chunks(chunk_size: int) -> Iterator[Chunk]:
        rows: list[Row] = []
        n = 0
        limit = MAX_ROW_BYTES
        with path.open("rb") as handle:
            for line in bounded_lines(handle, limit):
                if line is None:
                    oversized = _too_large(f"more than {limit}", limit, f"line {n + 1}")
                    rows.append(Row(str(n), oversized))
                elif not line.strip():
                    continue
                else:
                    rows.append(_jsonl_row(line, n, columns, title))
                n += 1
                if len(rows) == chunk_size:
                    yield Chunk(rows, handle.tell() / size)
                    rows = []
        if rows:
            yield Chunk(rows, 1.0)

    return Source(None, chunks)


@inputs.register("veracity.batch.input.parquet.v1")
def parquet_source(path: Path, columns: Columns) -> Source:
    import pyarrow.parquet as pq

    names = list(pq.ParquetFile(path).schema_arrow.names)
    title = columns.check(names, path)
    wanted = list(dict.fromkeys(c for c in (columns.text, columns.id, title) if c in names))
    total = pq.ParquetFile(path).metadata.num_rows

    def chunks(chunk_size: int) -> Iterator[Chunk]:
        start = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=chunk_size, columns=wanted):
            texts, big = _parquet_column(batch, columns.text)
            titles, big_titles = _parquet_column(batch, title)
            has_id = columns.id in names
            ids = batch.column(columns.id).to_pylist() if has_id else [None] * batch.num_rows
            rows = []
            for k in range(batch.num_rows):
                row_id = clean_id(ids[k] if ids[k] is not None else start + k)
                value: object = texts[k]
                if k in big:
                    value = _too_large(big[k], MAX_INPUT_BYTES, row_id)
                elif k in big_titles:
                    value = _too_large(big_titles[k], MAX_INPUT_BYTES, f"title of {row_id}")
                rows.append(Row(row_id, value, titles[k]))
            start += len(rows)
            yield Chunk(rows, start / max(total, 1))

    return Source(total, chunks)


def _parquet_column(batch: Any, name: str | None) -> tuple[list[Any], dict[int, int]]:
    """A column of a record batch (all ``None`` without ``name``), oversized cells apart."""
    if name is None:
        return [None] * batch.num_rows, {}
    return parquet_cells(batch.column(name), MAX_INPUT_BYTES)


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
def folder_source(path: Path, columns: Columns) -> Source:
    if not path.is_dir():
        raise InputError(E.E013, field="format", reason=f"'dir' needs a folder, {path} is a file")
    files = folder_files(path)

    def chunks(chunk_size: int) -> Iterator[Chunk]:
        for start in range(0, len(files), chunk_size):
            part = files[start : start + chunk_size]
            rows = [Row(p.relative_to(path).as_posix(), p) for p in part]
            yield Chunk(rows, (start + len(part)) / max(len(files), 1))

    return Source(len(files), chunks)


def materialize(rows: list[Row], limit: int) -> list[Row]:
    """Read the files a folder source names (skipped rows are never read)."""
    out: list[Row] = []
    for row in rows:
        value = row.value
        if isinstance(value, Path):
            size = value.stat().st_size
            value = _too_large(size, limit, row.id) if size > limit else value.read_bytes()
        out.append(row._replace(value=value))
    return out


# -- outputs ------------------------------------------------------------------
def record_line(record: Record) -> bytes:
    """One partial-file line: the record as compact JSON, its ``report`` nested as an object.

    Workers send the report as JSON text, so it is spliced in as is, not parsed again.
    """
    line = json.dumps({k: v for k, v in record.items() if k != "report"}, ensure_ascii=False)
    if "report" in record:
        line = f'{line[:-1]}, "report": {record["report"] or "null"}}}'
    return (line + "\n").encode("utf-8")


def read_records(partial: Path) -> Iterator[dict[str, Any]]:
    with partial.open("rb") as handle:
        for line in handle:
            yield json.loads(line)


def _cell(value: Any) -> Any:
    """A value for a flat table: the nested report becomes a JSON string."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


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
            writer.writerow(["" if record[c] is None else _cell(record[c]) for c in columns])


@outputs.register("veracity.batch.output.parquet.v1")
def finish_parquet(partial: Path, target: Path, columns: tuple[str, ...]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"probability": pa.float64()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    with pq.ParquetWriter(target, schema) as writer:
        batch: list[dict[str, Any]] = []
        for record in read_records(partial):
            batch.append({c: _cell(record[c]) for c in columns})
            if len(batch) == 10_000:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
