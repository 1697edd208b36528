"""``score_file``: stream an input file through an engine into an output file.

Reading, scoring and writing overlap: the runner keeps a bounded number of
chunks in flight and writes results in input order to ``OUT.partial``; the
final ``OUT`` appears (atomically) only once every row is written.  See
:mod:`veracity.batch.resume` for ``--resume``.  The input and its columns are
checked before any file is created; a coded error later in a fresh run (a CSV
line pandas cannot parse) removes the partial files it started, while a
failed ``--resume`` leaves the earlier partial files as they were.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ..atomic import atomic_path
from ..config import DEFAULT_MODEL_DIR, MAX_INPUT_BYTES
from ..errors import E, InputError, ModelError, VeracityError
from ..models.folder import load_model
from ..persist import read_card
from ..signals.pipelines import FAST
from .engines import Engine, EngineOptions, ResultFuture, available_cores, engines
from .formats import (
    Chunk,
    Columns,
    Source,
    input_format,
    materialize,
    open_source,
    output_format,
    outputs,
    record_line,
)
from .resume import Progress, begin, clear, partial_paths, resumable
from .rows import Job, check_fields, check_pipeline

#: Rows per chunk sent to a worker.
DEFAULT_CHUNK_SIZE = 64


@dataclass(frozen=True)
class ScoreSummary:
    """What a run did: rows in ``out``, rows taken over from an earlier run, bad rows."""

    out: Path
    rows: int
    resumed: int
    errors: int


def model_fingerprint(model_dir: Path | None) -> str:
    """sha256 of the model folder's card (which lists every file's sha256), without loading it."""
    folder = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
    card = json.dumps(read_card(folder), sort_keys=True).encode("utf-8")
    return hashlib.sha256(card).hexdigest()


def _positive(name: str, value: int) -> int:
    if value < 1:
        raise InputError(E.E013, field=name, reason=f"must be at least 1, got {value}")
    return value


def _after(chunks: Iterator[Chunk], done: Progress) -> Iterator[Chunk]:
    """The chunks left once the first ``done.rows`` rows are skipped (ids checked)."""
    seen = 0
    for chunk in chunks:
        if seen >= done.rows:
            yield chunk
            continue
        cut = done.rows - seen
        seen += len(chunk.rows)
        if seen >= done.rows:
            if chunk.rows[cut - 1][0] != done.last_id:
                reason = (
                    f"row {done.rows} of the input has id {chunk.rows[cut - 1][0]!r}, "
                    f"the partial output {done.last_id!r}; run without --resume to start over"
                )
                raise InputError(E.E013, field="--resume", reason=reason)
            if chunk.rows[cut:]:
                yield Chunk(chunk.rows[cut:], chunk.done)
    if seen < done.rows:
        reason = f"the input has {seen} rows, the partial output {done.rows}"
        raise InputError(E.E013, field="--resume", reason=reason)


def _settings(
    source: Path, fmt: str, columns: Columns, fields: str, model_dir: Path | None, pipeline: str
) -> dict[str, Any]:
    stat = source.stat()
    return {
        "input": str(source.resolve()),
        "input_size": stat.st_size,
        "input_mtime_ns": stat.st_mtime_ns,
        "format": fmt,
        "text_column": columns.text,
        "id_column": columns.id,
        "title_column": columns.title,
        "fields": fields,
        "model": model_fingerprint(model_dir),
        "pipeline": pipeline,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


class _Writer:
    """Appends finished chunks to the partial file in order and tracks progress."""

    def __init__(
        self,
        handle: Any,
        bar: tqdm[Any],
        source: Source,
        done: Progress,
        on_chunk: Callable[[int], None] | None,
    ) -> None:
        self.handle, self.bar, self.source, self.on_chunk = handle, bar, source, on_chunk
        self.rows, self.errors, self.read = done.rows, done.errors, done.rows

    def read_chunk(self, chunk: Chunk) -> None:
        self.read += len(chunk.rows)
        if self.source.total is None and chunk.done > 0:
            self.bar.total = max(self.read, round(self.read / chunk.done))

    def write(self, future: ResultFuture) -> None:
        records = future.result()
        self.handle.write(b"".join(record_line(r) for r in records))
        self.handle.flush()
        self.rows += len(records)
        self.errors += sum(1 for r in records if r["error"])
        self.bar.update(len(records))
        if self.on_chunk is not None:
            self.on_chunk(self.rows)


def score_file(
    source: Path,
    out: Path,
    *,
    input_format_name: str = "auto",
    text_column: str = "text",
    id_column: str = "id",
    title_column: str | None = None,
    fields: str = "verdict",
    resume: bool = False,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    engine: str = "local",
    scheduler: str | None = None,
    model_dir: Path | None = None,
    pipeline: str = FAST,
    progress: bool = False,
    on_chunk: Callable[[int], None] | None = None,
) -> ScoreSummary:
    """Score every row of ``source`` into ``out`` (format from its extension).

    ``source`` is a CSV, JSON Lines or Parquet file, or a folder of ``.txt`` /
    ``.html`` files.  ``fields="verdict"`` writes ``id, probability, verdict,
    abstain_reason, error``; ``"full"`` adds ``title`` and ``report`` (the
    Report).  ``title_column`` ``None`` reads ``title`` when the input has it;
    ``""`` reads no title.  ``pipeline`` names the sentence signals (``fast`` or
    ``deep``); ``--resume`` refuses a partial run of another pipeline.
    ``on_chunk`` is called with the number of rows written after each chunk.
    """
    source, out = Path(source), Path(out)
    columns = check_fields(fields)
    pipeline = check_pipeline(pipeline)
    chunk_size = _positive("chunk size", chunk_size)
    workers = _positive("workers", workers if workers is not None else available_cores())
    fmt = input_format(source, input_format_name)
    finish = outputs.get(f"veracity.batch.output.{output_format(out)}.v1")
    make_engine = engines.get(f"veracity.engine.{engine}.v1")
    opened = open_source(source, fmt, text_column, id_column, title_column)
    if out.resolve() == source.resolve():
        raise InputError(E.E013, field="output", reason="it is the input file")
    settings = _settings(
        source, fmt, Columns(text_column, id_column, title_column), fields, model_dir, pipeline
    )
    # Verified here, so a bad model is one coded line before any file is written, not a
    # worker pool that breaks as each worker fails to load it.
    load_model(model_dir)
    resumed = resume and resumable(out)
    state, done = begin(out, settings, resume)
    model = str(Path(model_dir).resolve()) if model_dir is not None else None
    job = Job(fields, model, state["created"], pipeline)
    options = EngineOptions(workers, job.model_dir, pipeline, scheduler)
    try:
        written = _run(opened, out, job, done, make_engine(options), chunk_size, progress, on_chunk)
        with atomic_path(out) as tmp:
            finish(partial_paths(out)[0], tmp, columns)
    except VeracityError:
        if not resumed:
            clear(out)
        raise
    clear(out)
    return ScoreSummary(out, written.rows, done.rows, written.errors)


def _run(
    opened: Source,
    out: Path,
    job: Job,
    done: Progress,
    engine: Engine,
    chunk_size: int,
    progress: bool,
    on_chunk: Callable[[int], None] | None,
) -> _Writer:
    """Score every chunk not yet in ``OUT.partial`` and append it there, in input order."""
    bar = tqdm(
        total=opened.total,
        initial=done.rows,
        unit=" articles",
        disable=not progress,
        dynamic_ncols=True,
        smoothing=0.05,
    )
    with bar, engine as pool, partial_paths(out)[0].open("ab") as handle:
        writer = _Writer(handle, bar, opened, done, on_chunk)
        pending: deque[ResultFuture] = deque()
        try:
            for chunk in _after(opened.chunks(chunk_size), done):
                writer.read_chunk(chunk)
                pending.append(pool.submit(materialize(chunk.rows, MAX_INPUT_BYTES), job))
                if len(pending) >= pool.slots:
                    writer.write(pending.popleft())
            while pending:
                writer.write(pending.popleft())
        except BrokenProcessPool as err:
            raise ModelError(E.E035, reason=str(err) or "killed") from None
    return writer
