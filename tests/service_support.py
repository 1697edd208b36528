"""Invented articles, a tiny fitted model, a loopback web site and servers for the service tests.

Nothing here comes from the shared datasets: every sentence is made up.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from veracity.analyze import Analyzer

SOURCED = (
    "The harbour authority said on Monday that the new ferry terminal will open in May.",
    "According to a statement from the county council, repairs to the bridge cost 4 million.",
    '"We expect the first results next spring," the lead engineer told reporters.',
    "A spokesperson for the ministry confirmed the figures in an email.",
    "The report, published by the regional statistics office, shows a two percent rise.",
    "Officials said the water supply was restored to all districts by Tuesday evening.",
    "The mayor told the council that the budget would be reviewed in the autumn.",
    "Researchers at the university said the estimate was consistent with earlier data.",
)
LOUD = (
    "We have all felt that something is deeply wrong with this country.",
    "This is an outrageous disgrace and everyone knows it.",
    "Wake up, people, the elites are lying to you again!",
    "Frankly, it is the most shameful cover-up we have ever seen.",
    "Nobody is talking about this disgusting scandal, but we will.",
    "Share this before they delete it!",
    "Surely only a fool would believe a word they say.",
    "It is obvious that the whole thing was a rigged sham from the start.",
)
XSS_LINES = (
    "The council said the <script>alert(1)</script> tag was found in a comment form.",
    "A second test string, <img src=x onerror=alert(1)>, was reported by the auditors.",
)


def article(seed: int, loud: bool, sentences: int = 8) -> str:
    """A made-up article: sober sourced reporting, or loud opinion mixed with some sourcing."""
    rng = random.Random(seed)
    if loud:
        picked = [rng.choice(LOUD) if i % 3 else rng.choice(SOURCED) for i in range(sentences)]
    else:
        picked = [rng.choice(SOURCED) for _ in range(sentences)]
    return " ".join(picked)


def mixed_article() -> str:
    """The page article: attributed reporting with opinion sentences woven in."""
    return "\n\n".join(
        [
            " ".join(SOURCED[:3]),
            "We have all felt that the promises made last year were empty. " + LOUD[1],
            " ".join(SOURCED[3:6]),
            LOUD[3] + " " + SOURCED[6],
        ]
    )


def xss_articles() -> list[str]:
    """Two articles quoting markup that must be shown, never run."""
    return [" ".join((*SOURCED[:4], line, *SOURCED[4:])) for line in XSS_LINES]


def make_model(folder: Path) -> Path:
    """Fit and save a tiny detector on invented texts (numbers are not meaningful)."""
    from veracity.models.folder import save_model
    from veracity.models.linear import LinearNgram

    texts = [article(i, loud=i % 2 == 1) for i in range(60)]
    labels = ["unreliable" if i % 2 == 1 else "reliable" for i in range(60)]
    detector = LinearNgram(n_features=2**14, min_df=1, calibration_folds=3).fit(texts, labels)
    card = {
        "name": "service-test",
        "detector": "veracity.LinearNgram.v1",
        "uncertain_band": [0.35, 0.65],
        "created": "2024-01-01T00:00:00+00:00",
    }
    save_model(folder, detector, card)
    return folder


Handler = Callable[[BaseHTTPRequestHandler], None]


def page(body: bytes, ctype: str = "text/html; charset=utf-8", status: int = 200) -> Handler:
    def handle(req: BaseHTTPRequestHandler) -> None:
        req.send_response(status)
        req.send_header("Content-Type", ctype)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    return handle


def redirect(location: str, status: int = 302) -> Handler:
    def handle(req: BaseHTTPRequestHandler) -> None:
        req.send_response(status)
        req.send_header("Location", location)
        req.send_header("Content-Length", "0")
        req.end_headers()

    return handle


@contextmanager
def local_site(routes: dict[str, Handler]) -> Iterator[str]:
    """Serve ``routes`` (path -> handler) on 127.0.0.1; yield the base URL."""

    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            handler = routes.get(self.path)
            if handler is None:
                page(b"not here", "text/plain", 404)(self)
            else:
                handler(self)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def make_analyzer(folder: Path) -> Analyzer:
    """An :class:`~veracity.analyze.Analyzer` over the tiny model in ``folder``."""
    from veracity.analyze import Analyzer
    from veracity.models.folder import load_model

    return Analyzer(load_model(make_model(folder)))


def make_client(
    tmp_path: Path, analyzer: Analyzer | Any, raise_errors: bool = True, **settings: Any
) -> TestClient:
    """A TestClient over a fresh app with its own history database."""
    from fastapi.testclient import TestClient

    from veracity.service.app import create_app
    from veracity.service.settings import Settings

    app = create_app(Settings(db_path=tmp_path / "history.sqlite", **settings), analyzer=analyzer)
    return TestClient(app, raise_server_exceptions=raise_errors)


@contextmanager
def uvicorn_thread(app: Any, **config: Any) -> Iterator[str]:
    """``app`` on uvicorn in a thread on a free loopback port; yield the base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    options = {"log_level": "warning", "lifespan": "on", **config}
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


class Served:
    """``veracity serve ARGS`` in its own process group on 127.0.0.1, its output in ``log``."""

    def __init__(self, folder: Path, args: Sequence[str], nofile: int | None = None) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / "serve.log"
        cmd = [sys.executable, "-m", "veracity.cli.main", "serve", "--host", "127.0.0.1",
               "--port", str(self.port), "--db", str(folder / "history.sqlite"), *args]  # fmt: skip

        def limit_fds() -> None:
            if nofile is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=limit_fds,
            )  # fmt: skip

    def wait_healthy(self, seconds: float = 120.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text(errors="replace")[-2000:]
            try:
                if httpx.get(f"{self.base}/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"veracity serve did not answer within {seconds} s")

    def health(self) -> dict[str, Any]:
        resp = httpx.get(f"{self.base}/v1/health", timeout=30)
        assert resp.status_code == 200, resp.text
        body: dict[str, Any] = resp.json()
        return body

    def kill(self) -> None:
        """SIGKILL the process group this object started (if it still runs)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@contextmanager
def served(folder: Path, *args: str, nofile: int | None = None) -> Iterator[Served]:
    """A healthy :class:`Served`, killed on the way out."""
    server = Served(folder, args, nofile)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.kill()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
