"""Helpers for the reliability tests: a hang guard and a ``veracity serve`` subprocess.

Nothing here reads the shared datasets; every text the tests use is invented.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import httpx
import pytest

#: Generous per-operation limit: a hang fails the test instead of stalling CI.
HANG_SECONDS = 60.0


@contextmanager
def hang_guard(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail the test if the body runs longer than ``seconds`` (SIGALRM, main thread only).

    ``pytest.fail`` raises a ``BaseException``, so code that catches ``Exception``
    cannot swallow the alarm.
    """

    def _fail(signum: int, frame: FrameType | None) -> None:
        pytest.fail(f"still running after {seconds} s: treated as a hang")

    previous = signal.signal(signal.SIGALRM, _fail)
    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            # Re-arm the alarm that was pending before (pytest-timeout's per-test limit).
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``veracity serve`` in its own process group on 127.0.0.1."""

    def __init__(self, db: Path, model: Path, workers: int = 2) -> None:
        self.db, self.model, self.workers = db, model, workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 120.0) -> Server:
        cmd = [
            sys.executable, "-m", "veracity.cli.main", "serve", "--host", "127.0.0.1",
            "--port", str(self.port), "--db", str(self.db), "--model", str(self.model),
            "--workers", str(self.workers),
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"veracity serve exited with {self.proc.returncode} while starting")
            try:
                if httpx.get(f"{self.base}/v1/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"veracity serve did not answer /v1/health within {wait} s")

    def kill(self) -> None:
        """SIGKILL the server's process group (only the processes this object started)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()
