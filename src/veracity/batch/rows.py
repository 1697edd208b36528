"""One chunk of rows in, one output record per row out: the unit every engine runs.

A :class:`Row` is ``(id, value, title)``.  ``value`` is the article text
(``str``) read from a table, the raw bytes of a file read from a folder, or a
:class:`RowError` the reader already found; ``title`` is the headline cell
(``None`` without one).  A bad row (empty, binary, too long, not a string, a
bad title) gets its one-line coded message in the ``error`` column and never
stops the run.

The title travels on the :class:`~veracity.text.inputs.Document`: the full
path hands Documents to :meth:`~veracity.analyze.Analyzer.analyze_many` (the
report's ``title``), and the verdict path calls
:meth:`~veracity.analyze.Analyzer.verdicts` in :func:`_verdict_records`, the
one place to pass titles once the analyser scores them.

The :class:`~veracity.analyze.Analyzer` is loaded once per process and cached
by model folder and pipeline, so pool workers and Dask workers pay the load
only once.  Its module is imported on first use, so a process that only reads,
ships and writes rows (the parent of a worker pool) need not import it.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..config import MAX_INPUT_BYTES, MAX_TITLE_CHARS
from ..errors import E, InputError, NotFoundError, VeracityError
from ..signals.pipelines import PIPELINES
from ..text.inputs import clean_label, document_from_bytes

if TYPE_CHECKING:
    from ..analyze import Analyzer
    from ..text.inputs import Document

#: Output columns of each ``fields`` choice, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "verdict": ("id", "probability", "verdict", "abstain_reason", "error"),
    "full": ("id", "title", "probability", "verdict", "abstain_reason", "error", "report"),
}

Record = dict[str, Any]


@dataclass(frozen=True)
class RowError:
    """A row the reader could not turn into a value (bad JSON, undecodable bytes)."""

    message: str


class Row(NamedTuple):
    """One input row: its id, its value and its headline cell."""

    id: str
    value: object
    title: object = None


@dataclass(frozen=True)
class Job:
    """What every chunk of one run is scored with.

    ``created`` is the run's start time: every report of a run (and of its
    resumed continuation) carries it, so reruns give identical rows.
    ``pipeline`` names the sentence signals (:data:`~veracity.signals.pipelines.PIPELINES`).
    """

    fields: str
    model_dir: str | None
    created: str
    pipeline: str


_ANALYZERS: dict[tuple[str, str], Analyzer] = {}
_LOCK = threading.Lock()


def analyzer_for(model_dir: str | None, pipeline: str, threads: int = 0) -> Analyzer:
    """The process-wide analyser of ``model_dir`` (default: the bundled model) and ``pipeline``.

    ``threads``: the deep encoder's cores if this call loads it (0: all; 1 where several
    worker processes share the machine).
    """
    from ..analyze import Analyzer

    key = (model_dir or "", pipeline)
    with _LOCK:
        if key not in _ANALYZERS:
            folder = Path(model_dir) if model_dir else None
            _ANALYZERS[key] = Analyzer.load(folder, pipeline=pipeline, threads=threads)
        return _ANALYZERS[key]


def check_fields(fields: str) -> tuple[str, ...]:
    """The columns of ``fields``; an :class:`InputError` for an unknown choice."""
    if fields not in COLUMNS:
        raise InputError(E.E013, field="fields", reason=f"{fields!r} is not one of {list(COLUMNS)}")
    return COLUMNS[fields]


def check_pipeline(pipeline: str) -> str:
    """``pipeline`` if it is one of :data:`~veracity.signals.pipelines.PIPELINES`, else a
    :class:`NotFoundError`."""
    if pipeline not in PIPELINES:
        raise NotFoundError(E.E005, kind="pipeline", name=pipeline, known=", ".join(PIPELINES))
    return pipeline


def document(value: object, name: str) -> Document:
    """The analysable document of one row's value, or an :class:`InputError`.

    Text is turned back into bytes (undecodable input bytes a reader kept as
    surrogates included), so a row is decoded and checked exactly as
    ``veracity check`` treats a file.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise InputError(E.E002, what=name)
    if isinstance(value, str):
        try:
            value = value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raise InputError(E.E007, what=name) from None
    if not isinstance(value, bytes):
        kind = type(value).__name__
        raise InputError(E.E013, field=f"text of {name}", reason=f"expected a string, got {kind}")
    return document_from_bytes(value, name, MAX_INPUT_BYTES)


def title_of(value: object, name: str) -> str:
    """A row's headline as one clean line (``""`` for none), or an :class:`InputError`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if not isinstance(value, str):
        kind = type(value).__name__
        raise InputError(E.E013, field=f"title of {name}", reason=f"expected a string, got {kind}")
    title = clean_label(value)
    if len(title) > MAX_TITLE_CHARS:
        reason = f"{len(title)} characters, over the limit of {MAX_TITLE_CHARS}"
        raise InputError(E.E013, field=f"title of {name}", reason=reason)
    return title


def one_line(err: Exception) -> str:
    """An error as the single line the ``error`` column holds."""
    return " ".join(str(err).split())


def _error_record(row_id: str, message: str, title: str = "") -> Record:
    return {"id": row_id, "title": title or None, "error": message}


def _verdict_records(
    analyzer: Analyzer, ids: Sequence[str], docs: Sequence[Document], job: Job
) -> list[Record]:
    """Verdicts of the text alone: :meth:`Analyzer.verdicts` takes strings."""
    verdicts = analyzer.verdicts([d.text for d in docs])
    return [
        {
            "id": i,
            "probability": round(v.probability, 4),
            "verdict": v.verdict,
            "abstain_reason": v.reason,
        }
        for i, v in zip(ids, verdicts, strict=True)
    ]


def _full_records(
    analyzer: Analyzer, ids: Sequence[str], docs: Sequence[Document], job: Job
) -> list[Record]:
    out = []
    for i, report in zip(ids, analyzer.analyze_many(list(docs)), strict=True):
        report.created = job.created
        out.append(
            {
                "id": i,
                "title": report.title,
                "probability": report.probability,
                "verdict": report.verdict,
                "abstain_reason": report.abstain_reason,
                "report": report.to_json(),
            }
        )
    return out


Scorer = Callable[["Analyzer", Sequence[str], Sequence["Document"], Job], list[Record]]
SCORERS: dict[str, Scorer] = {"verdict": _verdict_records, "full": _full_records}


def _score_valid(
    analyzer: Analyzer, ids: list[str], docs: list[Document], job: Job
) -> list[Record]:
    """Score a batch; if the analyser rejects a document, isolate it row by row."""
    scorer = SCORERS[job.fields]
    try:
        return scorer(analyzer, ids, docs, job)
    except VeracityError as err:
        if len(docs) == 1:
            return [_error_record(ids[0], one_line(err), docs[0].title)]
    out: list[Record] = []
    for i, doc in zip(ids, docs, strict=True):
        out.extend(_score_valid(analyzer, [i], [doc], job))
    return out


def score_rows(rows: Sequence[Row], job: Job, threads: int = 0) -> list[Record]:
    """One output record per row, in row order (see the module docstring); ``threads`` as
    :func:`analyzer_for`."""
    columns = check_fields(job.fields)
    analyzer = analyzer_for(job.model_dir, job.pipeline, threads)
    records: list[Record | None] = [None] * len(rows)
    valid: list[int] = []
    docs: list[Document] = []
    for n, (row_id, value, raw_title) in enumerate(rows):
        title = ""
        try:
            title = title_of(raw_title, row_id)
            if isinstance(value, RowError):
                records[n] = _error_record(row_id, value.message, title)
                continue
            docs.append(dataclasses.replace(document(value, row_id), title=title))
        except VeracityError as err:
            records[n] = _error_record(row_id, one_line(err), title)
            continue
        valid.append(n)
    if docs:
        scored = _score_valid(analyzer, [rows[n].id for n in valid], docs, job)
        for n, record in zip(valid, scored, strict=True):
            records[n] = record
    return [{c: r.get(c) for c in columns} for r in records if r is not None]
