"""Batch scoring on a Dask cluster (optional extra: ``pip install 'veracity[dask]'``).

Two ways in:

* :func:`score_dask_dataframe` maps the analyser over the partitions of a
  Dask DataFrame you already have and returns a lazy Dask DataFrame of
  results (one row per input row, same index).
* ``veracity score IN -o OUT --engine dask --scheduler ADDRESS`` streams IN
  from this machine, ships chunks to the cluster's workers and writes OUT here,
  with the same output, ``--resume`` and bad-row handling as the local engine.
  Without ``--scheduler`` it starts a local cluster of ``--workers`` processes.

Each worker loads the analyser once per model folder and pipeline (cached in
the worker's process, see :func:`veracity.batch.rows.analyzer_for`), its deep
encoder on one core per task (:data:`~veracity.batch.engines.WORKER_THREADS`);
the model folder must exist on the workers (the bundled model always does).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any

import pandas as pd

from ..errors import E, NotFoundError
from ..signals.pipelines import FAST
from .engines import WORKER_THREADS, EngineOptions, ResultFuture, engines
from .formats import Columns, clean_id
from .rows import Job, Row, check_fields, check_pipeline, score_rows


def _import(module: str) -> ModuleType:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise NotFoundError(
            E.E023, feature="Dask scoring", package="dask[distributed]", extra="dask"
        ) from None


def result_meta(fields: str) -> pd.DataFrame:
    """The empty frame describing :func:`score_dask_dataframe`'s columns and dtypes."""
    columns = check_fields(fields)
    return pd.DataFrame(
        {c: pd.Series(dtype="float64" if c == "probability" else object) for c in columns}
    )


def score_frame(frame: pd.DataFrame, columns: Columns, job: Job) -> pd.DataFrame:
    """Score one pandas partition; the result keeps the partition's index."""
    texts = frame[columns.text].tolist()
    ids = frame[columns.id].tolist() if columns.id in frame.columns else list(frame.index)
    titles = frame[columns.title].tolist() if columns.title else [None] * len(texts)
    rows = [Row(clean_id(i), t, h) for i, t, h in zip(ids, texts, titles, strict=True)]
    meta = result_meta(job.fields)
    records = score_rows(rows, job, WORKER_THREADS)
    out = pd.DataFrame(records, columns=list(meta.columns), index=frame.index)
    return out.astype(meta.dtypes.to_dict())


def score_dask_dataframe(
    ddf: Any,
    text_column: str = "text",
    id_column: str = "id",
    fields: str = "verdict",
    model_dir: Path | str | None = None,
    title_column: str | None = None,
    pipeline: str = FAST,
) -> Any:
    """Score every row of the Dask DataFrame ``ddf``; return a lazy Dask DataFrame.

    Columns: ``id, probability, verdict, abstain_reason, error`` (plus ``title``
    and ``report``, the full report as a JSON string, with ``fields="full"``),
    one row per input row with the input's index.  Without ``id_column`` in
    ``ddf`` the index is the id.  ``title_column`` defaults to ``title`` when
    ``ddf`` has it (``""``: no title).  ``pipeline`` names the sentence signals
    (``fast`` or ``deep``).  Bad rows get their coded message in ``error``.
    Nothing runs until you call ``.compute()`` or write the result
    (``.to_parquet(...)``).
    """
    _import("dask.dataframe")
    check_pipeline(pipeline)
    names = [str(c) for c in ddf.columns]
    wanted = Columns(text_column, id_column, title_column)
    columns = Columns(text_column, id_column, wanted.check(names, "the Dask DataFrame") or "")
    created = datetime.now(UTC).isoformat(timespec="seconds")
    model = str(Path(model_dir).resolve()) if model_dir is not None else None
    job = Job(fields, model, created, pipeline)
    return ddf.map_partitions(
        score_frame, columns, job, meta=result_meta(fields), enforce_metadata=False
    )


class DaskEngine:
    """Chunks scored on a Dask cluster: ``--scheduler`` address or a local cluster."""

    def __init__(self, options: EngineOptions) -> None:
        self.options = options
        self.slots = 2 * max(1, options.workers)
        self._client: Any = None
        self._cluster: Any = None

    def __enter__(self) -> DaskEngine:
        distributed = _import("distributed")
        if self.options.scheduler:
            self._client = distributed.Client(self.options.scheduler)
            self.slots = 2 * max(1, len(self._client.scheduler_info().get("workers", {})))
        else:
            self._cluster = distributed.LocalCluster(
                n_workers=self.options.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                host="127.0.0.1",
            )
            self._client = distributed.Client(self._cluster)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        err: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def submit(self, rows: list[Row], job: Job) -> ResultFuture:
        future: ResultFuture = self._client.submit(
            score_rows, rows, job, WORKER_THREADS, pure=False
        )
        return future


engines.register("veracity.engine.dask.v1")(DaskEngine)
