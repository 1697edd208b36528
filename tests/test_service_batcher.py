"""The micro-batcher: callers get their own results; waiting callers share a batch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from veracity.service.batcher import Batcher


def _wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def test_service_batcher_each_caller_gets_its_own_results() -> None:
    batcher: Batcher[int, int] = Batcher(lambda items: [i * 10 for i in items])
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda n: batcher.submit([n, n + 1]), range(50)))
    batcher.close()
    assert answers == [[n * 10, (n + 1) * 10] for n in range(50)]


def test_service_batcher_waiting_callers_share_one_call() -> None:
    gate = threading.Event()
    calls: list[list[int]] = []

    def fn(items: list[int]) -> list[int]:
        calls.append(list(items))
        gate.wait(5)
        return items

    batcher: Batcher[int, int] = Batcher(fn, max_items=32)
    with ThreadPoolExecutor(max_workers=6) as pool:
        first = pool.submit(batcher.submit, [0])
        _wait_until(lambda: bool(calls))
        rest = [pool.submit(batcher.submit, [i]) for i in range(1, 6)]
        _wait_until(lambda: batcher._queue.qsize() >= 5)
        gate.set()
        assert first.result() == [0]
        assert [f.result() for f in rest] == [[i] for i in range(1, 6)]
    batcher.close()
    assert calls == [[0], [1, 2, 3, 4, 5]]


def test_service_batcher_failing_item_fails_only_its_caller() -> None:
    gate = threading.Event()
    started = threading.Event()

    def fn(items: list[int]) -> list[int]:
        started.set()
        gate.wait(5)
        if -1 in items:
            raise ValueError("bad item")
        return items

    batcher: Batcher[int, int] = Batcher(fn)
    with ThreadPoolExecutor(max_workers=4) as pool:
        blocker = pool.submit(batcher.submit, [7])
        assert started.wait(10)
        good = pool.submit(batcher.submit, [1])
        bad = pool.submit(batcher.submit, [-1])
        _wait_until(lambda: batcher._queue.qsize() >= 2)
        gate.set()
        assert blocker.result() == [7]
        assert good.result() == [1]
        with pytest.raises(ValueError, match="bad item"):
            bad.result()
    batcher.close()


def test_service_batcher_close_stops_the_thread() -> None:
    batcher: Batcher[int, int] = Batcher(lambda items: items)
    assert batcher.submit([3]) == [3]
    batcher.close()
    assert not batcher._thread.is_alive()


class _Abort(BaseException):
    """Not an Exception: the kind that used to kill the batcher thread and strand its callers."""


def test_service_batcher_base_exception_reaches_the_caller_and_thread_lives() -> None:
    def fn(items: list[int]) -> list[int]:
        if 0 in items:
            raise _Abort
        return items

    batcher: Batcher[int, int] = Batcher(fn)
    with pytest.raises(_Abort):
        batcher.submit([0])
    assert batcher.submit([5]) == [5]
    batcher.close()
