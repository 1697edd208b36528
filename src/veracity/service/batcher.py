"""Micro-batching: requests that arrive while an analysis runs share the next one.

:class:`Batcher` owns one thread.  Each :meth:`Batcher.submit` queues a list
of items and blocks for its results; the thread takes everything queued (up
to ``max_items``), calls ``fn`` once on the lot and hands each caller its
slice.  No timer waits for a batch to fill: under light load every batch is a
single request, under heavy load batches grow by themselves and the
vectorised analysis does less work per article.  If a batch of several
requests raises, each request is retried alone, so one bad input cannot fail
its neighbours.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class _Job(Generic[T, R]):
    items: Sequence[T]
    future: Future[list[R]] = field(default_factory=Future)


class Batcher(Generic[T, R]):
    """Run ``fn`` over the items of every caller waiting, one batch at a time."""

    def __init__(
        self, fn: Callable[[list[T]], list[R]], max_items: int = 32, name: str = "veracity-batcher"
    ) -> None:
        self.fn = fn
        self.max_items = max_items
        self._queue: queue.SimpleQueue[_Job[T, R] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, items: Sequence[T]) -> list[R]:
        """``fn(items)``, computed together with whatever else is waiting."""
        job: _Job[T, R] = _Job(items)
        self._queue.put(job)
        return job.future.result()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _take(self, first: _Job[T, R]) -> tuple[list[_Job[T, R]], bool]:
        """``first`` plus the jobs already queued, up to ``max_items``; and whether to stop."""
        jobs, count = [first], len(first.items)
        while count < self.max_items:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return jobs, True
            jobs.append(job)
            count += len(job.items)
        return jobs, False

    def _loop(self) -> None:
        stop = False
        while not stop:
            first = self._queue.get()
            if first is None:
                return
            jobs, stop = self._take(first)
            self._run(jobs)

    def _run(self, jobs: list[_Job[T, R]]) -> None:
        items = [item for job in jobs for item in job.items]
        try:
            results = self.fn(items)
        except BaseException as err:
            if len(jobs) == 1:
                reason = RuntimeError(repr(err)) if isinstance(err, StopIteration) else err
                jobs[0].future.set_exception(reason)
            else:
                for job in jobs:
                    self._run([job])
            return
        start = 0
        for job in jobs:
            job.future.set_result(results[start : start + len(job.items)])
            start += len(job.items)
