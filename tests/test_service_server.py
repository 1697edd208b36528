"""Connections: silent, trickling and slow-body clients are cut off, the table is bounded,
and running out of file descriptors gives one log line, not one per accept.

The in-process tests run the app on uvicorn in a thread with the protocol of
``veracity serve``; the last one runs ``veracity serve`` itself under a low
file-descriptor limit.  Every bound below is a hang guard, many times the
timeout it checks, never a speed claim.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service_support import article, make_analyzer, make_model, served, uvicorn_thread
from veracity.service.app import create_app
from veracity.service.server import TABLE, GuardedH11Protocol, quiet_accept_errors
from veracity.service.settings import Settings

#: Seconds a test waits for something that should happen after a 1 s timeout.
BOUND = 15.0


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_analyzer(tmp_path_factory.mktemp("model"))


def _serve(tmp_path: Path, analyzer: Any, idle: int, limit: int) -> Any:
    settings = Settings(db_path=tmp_path / "history.sqlite", body_timeout=1.0)
    app = create_app(settings, analyzer=analyzer)
    return uvicorn_thread(
        app,
        http=GuardedH11Protocol,
        timeout_keep_alive=idle,
        limit_concurrency=limit,
        log_config=None,
    )


@pytest.fixture
def base(tmp_path: Path, analyzer: Any) -> Iterator[str]:
    with _serve(tmp_path, analyzer, idle=1, limit=16) as url:
        yield url


def _address(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


def _closed(sock: socket.socket, seconds: float = BOUND) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (reading and dropping any answer)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            if not sock.recv(65536):
                return True
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True
    return False


def test_service_server_silent_connection_is_closed(base: str) -> None:
    with socket.create_connection(_address(base)) as sock:
        assert _closed(sock)
    assert httpx.get(f"{base}/v1/health").status_code == 200


def test_service_server_trickled_request_head_is_closed(base: str) -> None:
    with socket.create_connection(_address(base)) as sock:
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
        deadline = time.monotonic() + BOUND
        closed = False
        while not closed and time.monotonic() < deadline:
            try:
                sock.sendall(b"X")
            except OSError:
                closed = True
                break
            closed = _closed(sock, 0.3)
        assert closed


def test_service_server_keep_alive_requests_still_work(base: str) -> None:
    host, port = _address(base)
    conn = http.client.HTTPConnection(host, port, timeout=BOUND)
    for method in ("GET", "HEAD", "GET"):
        conn.request(method, "/")
        resp = conn.getresponse()
        assert resp.status == 200
        assert bool(resp.read()) == (method == "GET")
    conn.close()


def test_service_server_slow_body_gets_408(base: str) -> None:
    with socket.create_connection(_address(base)) as sock:
        head = b"POST /v1/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        sock.sendall(head + b"Content-Length: 100\r\n\r\n" + b'{"text": "')
        sock.settimeout(BOUND)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    status, _, rest = answer.partition(b"\r\n")
    assert status.startswith(b"HTTP/1.1 408")
    assert json.loads(rest.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "E028"


def test_service_server_connections_past_the_limit_are_closed_at_once(
    tmp_path: Path, analyzer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    TABLE.clear()
    caplog.set_level(logging.WARNING, logger="uvicorn.error")
    with _serve(tmp_path, analyzer, idle=60, limit=3) as url:
        held = [socket.create_connection(_address(url)) for _ in range(3)]
        time.sleep(0.2)
        extra = [socket.create_connection(_address(url)) for _ in range(5)]
        assert all(_closed(sock) for sock in extra)
        assert not any(_closed(sock, 0.2) for sock in held)
        for sock in [*held, *extra]:
            sock.close()
        deadline = time.monotonic() + BOUND
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
    messages = [r.getMessage() for r in caplog.records if r.name == "uvicorn.error"]
    assert sum("connection table full" in m for m in messages) == 1, messages
    assert sum("accepting connections again (5 refused" in m for m in messages) == 1, messages


def test_service_server_failed_accepts_log_one_line(caplog: pytest.LogCaptureFixture) -> None:
    TABLE.clear()
    caplog.set_level(logging.WARNING)
    loop = asyncio.new_event_loop()
    try:
        quiet_accept_errors(loop)
        for _ in range(2048):
            loop.call_exception_handler(
                {
                    "message": "socket.accept() out of system resource",
                    "exception": OSError(24, "Too many open files"),
                }
            )
        loop.call_exception_handler({"message": "something else"})
    finally:
        loop.close()
    TABLE.clear()
    messages = [r.getMessage() for r in caplog.records]
    assert sum("connection table full" in m for m in messages) == 1, messages[:5]
    assert sum("Too many open files" in m for m in messages) == 1
    assert sum("accepting connections again (2048 refused" in m for m in messages) == 1
    assert any("something else" in m for m in messages)


@pytest.mark.slow
def test_service_server_low_fd_limit_keeps_health_and_a_short_log(tmp_path: Path) -> None:
    model = make_model(tmp_path / "model")
    args = ("--model", str(model), "--idle-timeout", "1", "--workers", "2")
    with served(tmp_path, *args, nofile=64) as server:
        host, port = _address(server.base)
        idle = []
        for _ in range(80):
            try:
                idle.append(socket.create_connection((host, port), timeout=BOUND))
            except OSError:
                break
        deadline = time.monotonic() + 4 * BOUND
        healthy = False
        while not healthy and time.monotonic() < deadline:
            try:
                healthy = httpx.get(f"{server.base}/v1/health", timeout=5).status_code == 200
            except httpx.TransportError:
                time.sleep(0.2)
        answer = httpx.post(f"{server.base}/v1/analyze", json={"text": article(1, loud=False)})
        for sock in idle:
            sock.close()
        assert healthy
        assert answer.status_code == 200
    log = server.log.read_text(errors="replace")
    assert len(log) < 100_000, log[-2000:]
    assert 1 <= log.count("connection table full") <= 5
    assert "Traceback" not in log


def test_service_server_tune_process_shortens_the_switch_interval_and_freezes_the_heap() -> None:
    code = (
        "import gc, sys\n"
        "from veracity.service.server import SWITCH_INTERVAL, tune_process\n"
        "tune_process()\n"
        "assert sys.getswitchinterval() == SWITCH_INTERVAL, sys.getswitchinterval()\n"
        "assert gc.get_freeze_count() > 0\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
