"""The micro-batcher: callers get their own results; waiting callers share a batch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from veracity.service.batcher import Batcher, Budget, WorkStopped


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
        _wait_until(lambda: batcher.pending() >= 5)
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
        _wait_until(lambda: batcher.pending() >= 2)
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


def _gated(calls: list[list[str]], gate: threading.Event) -> Callable[[list[str]], list[str]]:
    """A step function that records its items and blocks on ``gate`` while ``a0`` runs."""

    def fn(items: list[str]) -> list[str]:
        calls.append(list(items))
        if "a0" in items:
            gate.wait(10)
        return [item.upper() for item in items]

    return fn


def test_service_batcher_timed_out_request_is_dropped_unanalysed() -> None:
    calls: list[list[str]] = []
    gate = threading.Event()
    batcher: Batcher[str, str] = Batcher(_gated(calls, gate), max_items=1)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(batcher.submit, ["a0"])
        _wait_until(lambda: bool(calls))
        with pytest.raises(WorkStopped):
            batcher.submit(["b0", "b1", "b2"], Budget(0.2))
        assert batcher.pending() == 0
        gate.set()
        assert first.result() == ["A0"]
    assert batcher.submit(["c0"]) == ["C0"]
    batcher.close()
    assert calls == [["a0"], ["c0"]]


def test_service_batcher_results_arriving_after_the_deadline_are_not_handed_back() -> None:
    calls: list[list[str]] = []
    gate = threading.Event()
    batcher: Batcher[str, str] = Batcher(_gated(calls, gate))
    budget = Budget(0.2)
    with pytest.raises(WorkStopped):
        batcher.submit(["a0"], budget)
    assert budget.expired
    gate.set()
    assert batcher.submit(["b0"]) == ["B0"]
    batcher.close()


def test_service_batcher_requests_take_turns_item_by_item() -> None:
    calls: list[list[str]] = []
    gate = threading.Event()
    batcher: Batcher[str, str] = Batcher(_gated(calls, gate), max_items=1)
    with ThreadPoolExecutor(max_workers=2) as pool:
        big = pool.submit(batcher.submit, [f"a{i}" for i in range(6)])
        _wait_until(lambda: bool(calls))
        small = pool.submit(batcher.submit, ["b0"])
        _wait_until(lambda: batcher.pending() == 6)
        gate.set()
        assert small.result() == ["B0"]
        assert big.result() == [f"A{i}" for i in range(6)]
    batcher.close()
    assert calls.index(["b0"]) <= 2, calls


def test_service_batcher_step_holds_at_most_max_size() -> None:
    calls: list[list[str]] = []
    gate = threading.Event()
    gate.set()
    batcher: Batcher[str, str] = Batcher(_gated(calls, gate), max_items=100, max_size=10, size=len)
    assert batcher.submit(["xxxx", "yyyy", "zzzz", "w" * 30, "v"]) == [
        "XXXX", "YYYY", "ZZZZ", "W" * 30, "V"
    ]  # fmt: skip
    batcher.close()
    assert calls == [["xxxx", "yyyy", "zzzz"], ["w" * 30], ["v"]]


def test_service_batcher_close_releases_waiting_callers_at_once() -> None:
    calls: list[list[str]] = []
    gate = threading.Event()
    batcher: Batcher[str, str] = Batcher(_gated(calls, gate), max_items=1)
    with ThreadPoolExecutor(max_workers=2) as pool:
        running = pool.submit(batcher.submit, ["a0"])
        _wait_until(lambda: bool(calls))
        queued = pool.submit(batcher.submit, ["b0"])
        _wait_until(lambda: batcher.pending() == 1)
        batcher.close(wait=0.1)
        with pytest.raises(WorkStopped):
            queued.result(timeout=5)
        with pytest.raises(WorkStopped):
            running.result(timeout=5)
        with pytest.raises(WorkStopped):
            batcher.submit(["c0"])
        gate.set()
    assert calls == [["a0"]]
