"""Micro-batching under deadlines: waiting requests share each analysis, late ones are dropped.

:class:`Batcher` owns one thread.  :meth:`Batcher.submit` queues a request's
items with its :class:`Budget` (a deadline and a cancel flag) and waits for
their results, never past the deadline.  The thread works in steps: it takes
items from the waiting requests in turn, one item from each (round robin),
until the step holds ``max_items`` items or ``max_size`` units of work
(characters of text), calls ``fn`` once on the lot and hands every request
its results once all of its items are done.  A request of many large items
therefore takes many steps, interleaved with everyone else's: a request
waits for at most one item of each request ahead of it, never for a whole
large request.  No timer waits for a step to fill: under light load a step
is one request, under heavy load steps grow by themselves and the
vectorised analysis does less work per article.

A request whose budget runs out (its deadline passes, or its caller cancels
it) gets :class:`WorkStopped`; its items still queued are dropped before the
next step and the results of its items already running are discarded.  The
step itself stops too once none of its requests is live: ``fn`` may call
:func:`check_step` between its stages (the analyser does), which raises
:class:`WorkStopped` on the batcher's thread, so no analysis runs on after
its request's time is up.  :meth:`Batcher.close` stops the same way: queued and
running requests get :class:`WorkStopped` at once and the thread is not
waited for.  If a step of several requests raises, each request's items are
retried alone, so one bad input cannot fail its neighbours.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class WorkStopped(TimeoutError):
    """A request's work was stopped: its deadline passed, it was cancelled or the lane closed."""


class Budget:
    """A request's deadline and cancel flag, shared by the request thread and the lanes."""

    def __init__(self, seconds: float | None = None) -> None:
        self.deadline = math.inf if seconds is None else time.monotonic() + seconds
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    def remaining(self) -> float:
        """Seconds left (``inf`` without a deadline, 0 once expired)."""
        if self._cancelled.is_set():
            return 0.0
        return max(self.deadline - time.monotonic(), 0.0)

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def check(self) -> None:
        """Raise :class:`WorkStopped` once the budget has run out."""
        if self.expired:
            raise WorkStopped("the request's time ran out")


def _one(item: object) -> float:
    return 1.0


_step_jobs = threading.local()


def check_step() -> None:
    """Raise :class:`WorkStopped` when no request of the step running on this thread is live.

    Called from inside ``fn`` (a stop check, see :mod:`veracity.stopping`); outside a step
    it returns.
    """
    jobs: list[_Job[object, object]] | None = getattr(_step_jobs, "jobs", None)
    if jobs is not None and not any(job.live for job in jobs):
        raise WorkStopped("every request of this step ran out of time")


@dataclass(eq=False)
class _Job(Generic[T, R]):
    items: Sequence[T]
    budget: Budget
    taken: int = 0
    results: dict[int, R] = field(default_factory=dict)
    future: Future[list[R]] = field(default_factory=Future)

    @property
    def live(self) -> bool:
        return not self.future.done() and not self.budget.expired

    def fail(self, err: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(err)

    def deliver(self, index: int, result: R) -> None:
        if not self.live:
            self.fail(WorkStopped("the request's time ran out"))
            return
        self.results[index] = result
        if len(self.results) == len(self.items):
            self.future.set_result([self.results[i] for i in range(len(self.items))])


Step = list[tuple[_Job[T, R], int]]


class Batcher(Generic[T, R]):
    """Run ``fn`` over the items of every request waiting, one bounded step at a time."""

    def __init__(
        self,
        fn: Callable[[list[T]], list[R]],
        max_items: int = 32,
        name: str = "veracity-batcher",
        max_size: float = math.inf,
        size: Callable[[T], float] = _one,
    ) -> None:
        self.fn = fn
        self.max_items = max_items
        self.max_size = max_size
        self.size = size
        self._waiting: deque[_Job[T, R]] = deque()
        self._running: list[_Job[T, R]] = []
        self._closed = False
        self._ready = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, items: Sequence[T], budget: Budget | None = None) -> list[R]:
        """``fn(items)``, computed together with whatever else is waiting, within ``budget``."""
        budget = budget if budget is not None else Budget()
        if not items:
            return []
        budget.check()
        job: _Job[T, R] = _Job(list(items), budget)
        with self._ready:
            if self._closed:
                raise WorkStopped("the service is shutting down")
            self._waiting.append(job)
            self._ready.notify()
        wait = budget.remaining()
        try:
            return job.future.result(timeout=None if math.isinf(wait) else wait)
        except TimeoutError as err:
            budget.cancel()
            if isinstance(err, WorkStopped):
                raise
            raise WorkStopped("the request's time ran out") from None

    def pending(self) -> int:
        """Items of live requests not yet taken into a step."""
        with self._ready:
            return sum(len(job.items) - job.taken for job in self._waiting if job.live)

    def close(self, wait: float = 1.0) -> None:
        """Stop: every queued or running request gets :class:`WorkStopped` now."""
        with self._ready:
            self._closed = True
            for job in [*self._waiting, *self._running]:
                job.fail(WorkStopped("the service is shutting down"))
            self._waiting.clear()
            self._ready.notify_all()
        self._thread.join(timeout=wait)

    def _step(self) -> Step[T, R]:
        """The next step's (request, item index) pairs, round robin over live requests."""
        live = [job for job in self._waiting if job.live]
        for job in self._waiting:
            if not job.live:
                job.fail(WorkStopped("the request's time ran out"))
        self._waiting = deque(live)
        step: Step[T, R] = []
        total = 0.0
        while self._waiting and len(step) < self.max_items and total < self.max_size:
            job = self._waiting.popleft()
            step.append((job, job.taken))
            total += self.size(job.items[job.taken])
            job.taken += 1
            if job.taken < len(job.items):
                self._waiting.append(job)
        self._running = list(dict.fromkeys(job for job, _ in step))
        return step

    def _loop(self) -> None:
        while True:
            with self._ready:
                while not self._waiting and not self._closed:
                    self._ready.wait()
                if self._closed:
                    return
                step = self._step()
            if step:
                self._run(step)
            with self._ready:
                self._running = []

    def _run(self, step: Step[T, R]) -> None:
        _step_jobs.jobs = list(dict.fromkeys(job for job, _ in step))
        try:
            results = self.fn([job.items[index] for job, index in step])
            if len(results) != len(step):
                raise RuntimeError(f"{len(results)} results for {len(step)} items")
        except WorkStopped:
            for job, _ in step:
                job.fail(WorkStopped("the request's time ran out"))
            return
        except BaseException as err:
            jobs = list(dict.fromkeys(job for job, _ in step))
            if len(jobs) == 1:
                jobs[0].fail(RuntimeError(repr(err)) if isinstance(err, StopIteration) else err)
            else:
                for job in jobs:
                    if job.live:
                        self._run([(j, index) for j, index in step if j is job])
                    else:
                        job.fail(WorkStopped("the request's time ran out"))
            return
        finally:
            _step_jobs.jobs = None
        for (job, index), result in zip(step, results, strict=True):
            job.deliver(index, result)
