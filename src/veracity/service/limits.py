"""Request limits: body size (checked while the body streams in) and time.

:class:`BodyLimit` is a pure ASGI middleware: a declared ``Content-Length``
over the limit is refused at once, and a streamed body is counted chunk by
chunk and refused as soon as it passes the limit, so an oversized body is
never read whole.  :class:`Runner` runs blocking work (fetching, analysing,
storing) in a bounded thread pool under a wall-clock limit.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import E, TooLargeError, VeracityError

T = TypeVar("T")

#: Headers every response carries; no script runs on any page of the service.
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class AnalysisTimeoutError(VeracityError):
    """The work did not finish within the request time limit."""

    status = 504


def error_response(err: VeracityError) -> JSONResponse:
    """The JSON body of every error: ``{"error": {"code": ..., "message": ...}}``."""
    return JSONResponse({"error": err.to_dict()}, status_code=err.status)


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, before reading them whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(int(declared), scope, receive, send)
            return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await self._refuse(f"over {self.max_bytes}", scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replay: list[Message] = [
            {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        ]

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)

    async def _refuse(self, size: int | str, scope: Scope, receive: Receive, send: Send) -> None:
        err = TooLargeError(E.E004, size=size, limit=self.max_bytes, what="request body")
        await error_response(err)(scope, receive, send)


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() not in SECURITY_HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Runner:
    """A bounded thread pool with a per-call time limit."""

    def __init__(self, workers: int, timeout: float) -> None:
        self.timeout = timeout
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="veracity-work")

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` in the pool; :class:`AnalysisTimeoutError` after ``timeout`` s."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, functools.partial(fn, *args))
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            raise AnalysisTimeoutError(E.E021, seconds=self.timeout) from None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
