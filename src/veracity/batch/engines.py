"""Engines run :func:`~veracity.batch.rows.score_rows` over chunks, in parallel.

An engine is a context manager with ``submit(rows, job) -> future`` and a
``slots`` count (how many chunks to keep in flight).  The runner keeps at most
``slots`` chunks in flight and collects them in submission order, so output
order equals input order and memory stays flat.

``veracity.engine.local.v1`` uses every core of this machine: a
``ProcessPoolExecutor`` whose initializer loads the analyser once per worker.
Workers are started by a fork server that has already imported the analyser's
modules (for the fast pipeline, also the compiled hashing loop of
:mod:`veracity.text.murmur_jit`), once per scoring process, so they start fast and never
inherit the parent's threads.  Each
worker watches the scoring process (its parent is the fork server, so it is
given the scoring process's pid) and exits as soon as that process is gone,
even after ``kill -9``; the fork server and resource tracker then exit too,
as they live only while a client holds their pipes.  The workers share the
machine's cores, so each one's deep encoder runs on :data:`WORKER_THREADS`
core; with one worker it scores in-process, its encoder on every core.
``veracity.engine.dask.v1`` lives in :mod:`veracity.batch.dask_engine`.

The fork server's imports take about a second, on one core, before the first worker
exists.  A fast pipeline's scoring process uses the core that leaves idle: it starts the
workers from a thread and scores chunks itself until one of them is ready (at most
:data:`WARM_UP_CHUNKS`), then hands every chunk to the pool.  A deep one does not, as a
third encoder would cost its memory.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from ..processes import pid_alive, tune_for_analysis
from ..registry import Registry
from ..signals.pipelines import FAST
from ..text.grams import use_compiled_hashing
from .rows import Job, Record, Row, analyzer_for, score_rows

#: Chunks kept in flight per worker: enough to keep every worker busy.
IN_FLIGHT_PER_WORKER = 2
#: Most chunks the scoring process scores itself while the pool's workers start.
WARM_UP_CHUNKS = 64
#: Cores of the deep encoder in each of several worker processes on one machine, so that
#: the workers do not fight over the cores (scoring in-process uses them all: 0).
WORKER_THREADS = 1


class ResultFuture(Protocol):
    def result(self) -> list[Record]: ...

    def done(self) -> bool: ...


@dataclass(frozen=True)
class EngineOptions:
    workers: int
    model_dir: str | None
    pipeline: str
    scheduler: str | None = None


class Engine(Protocol):
    slots: int

    def __enter__(self) -> Engine: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        err: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def submit(self, rows: list[Row], job: Job) -> ResultFuture: ...


engines: Registry[Callable[[EngineOptions], Engine]] = Registry("batch engine")


def available_cores() -> int:
    """Cores this process may run on (respects CPU affinity and cgroup pinning)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


#: Seconds between checks that the scoring process is alive, where pidfd is unavailable.
PARENT_POLL_SECONDS = 1.0


def _exit_when_gone(pid: int) -> None:
    """Wait until process ``pid`` has exited, then end this process at once."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        while pid_alive(pid):
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)
    select.select([handle], [], [])
    os._exit(1)


def _start_worker(model_dir: str | None, parent: int, pipeline: str = FAST) -> None:
    """Pool initializer: exit with the scoring process ``parent``; load the analyser once (its
    deep encoder on :data:`WORKER_THREADS`; for the fast pipeline, the compiled hashing loop of
    :func:`~veracity.text.grams.use_compiled_hashing`), then tune the collector for analysis
    (:mod:`veracity.processes`)."""
    threading.Thread(target=_exit_when_gone, args=(parent,), daemon=True).start()
    analyzer_for(model_dir, pipeline, WORKER_THREADS)
    if pipeline == FAST:
        use_compiled_hashing()
    tune_for_analysis()


class LocalEngine:
    """All local cores through a process pool (in-process when ``workers == 1``)."""

    def __init__(self, options: EngineOptions) -> None:
        self.options = options
        self.slots = max(1, options.workers) * IN_FLIGHT_PER_WORKER
        self._pool: ProcessPoolExecutor | None = None
        self._ready: list[Future[Any]] = []
        self._started = threading.Event()
        self._warm_up = WARM_UP_CHUNKS if options.pipeline == FAST else 0

    def __enter__(self) -> LocalEngine:
        if self.options.workers > 1:
            context = multiprocessing.get_context("forkserver")
            preload = ["veracity.analyze", "veracity.batch.rows"]
            if self.options.pipeline == FAST:
                preload.append("veracity.text.murmur_jit")
            context.set_forkserver_preload(preload)
            self._pool = ProcessPoolExecutor(
                max_workers=self.options.workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(self.options.model_dir, os.getpid(), self.options.pipeline),
            )
            threading.Thread(target=self._start_workers, daemon=True).start()
        return self

    def _start_workers(self) -> None:
        """Start the workers now: the pool starts one per task it is given, and the first
        start waits for the fork server's imports."""
        pool = self._pool
        ready: list[Future[Any]] = []
        while pool is not None and len(ready) < self.options.workers:
            try:
                ready.append(pool.submit(os.getpid))
            except RuntimeError:  # shut down (or broken) first: the run ended before them
                break
        self._ready = ready
        self._started.set()

    def _warming_up(self) -> bool:
        """Whether no worker is ready yet and this process may score the next chunk itself
        (see the module doc)."""
        if self._warm_up <= 0:
            return False
        if self._started.is_set() and any(f.done() for f in self._ready):
            self._warm_up = 0
            return False
        self._warm_up -= 1
        return True

    def __exit__(
        self,
        kind: type[BaseException] | None,
        err: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def submit(self, rows: list[Row], job: Job) -> ResultFuture:
        if self._pool is not None and not self._warming_up():
            return self._pool.submit(score_rows, rows, job, WORKER_THREADS)
        done: Future[Any] = Future()
        done.set_result(score_rows(rows, job))
        return done


engines.register("veracity.engine.local.v1")(LocalEngine)
engines.register_module("veracity.engine.dask.v1", "veracity.batch.dask_engine")
