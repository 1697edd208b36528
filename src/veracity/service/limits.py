"""Request limits: body size and read time (checked while the body streams in), and work time.

:class:`BodyLimit` is a pure ASGI middleware: a declared ``Content-Length``
over the limit is refused at once, and a streamed body is counted chunk by
chunk and refused as soon as it passes the limit, so an oversized body is
never read whole; a body that has not fully arrived ``timeout`` s after the
request head is answered 408 (E028), so a client trickling its body cannot
hold a connection.  :class:`Runner` runs blocking work (fetching, analysing,
storing) in a bounded thread pool under a wall-clock limit; with
:meth:`Runner.run_within` the work gets the request's
:class:`~veracity.service.batcher.Budget` and stops itself at the deadline.
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
from .batcher import Budget

T = TypeVar("T")
A = TypeVar("A")

#: Seconds the event loop waits for a worker past the request deadline.  The worker honours the
#: deadline itself (its queued analysis is dropped, nothing is stored late); this only covers a
#: worker still inside one call that cannot be interrupted (decoding one large document).
GRACE_SECONDS = 1.0

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


class BodyTimeoutError(VeracityError):
    """The request body did not arrive in time."""

    status = 408


class BodyLimit:
    """Refuse bodies over ``max_bytes`` (413) or slower than ``timeout`` s (408), unread."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 60.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

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
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), deadline - loop.time())
            except TimeoutError:
                err = BodyTimeoutError(E.E028, seconds=self.timeout)
                await error_response(err)(scope, receive, send)
                return
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
        return await self._wait(functools.partial(fn, *args), self.timeout)

    async def run_within(self, fn: Callable[[A, Budget], T], arg: A) -> T:
        """``fn(arg, budget)`` in the pool, ``budget`` ending ``timeout`` s from now.

        ``fn`` stops its own work once the budget runs out (raising a ``TimeoutError``,
        answered as E021); the budget is cancelled when this call ends in any way, so
        nothing of the request goes on after its answer.
        """
        budget = Budget(self.timeout)
        try:
            return await self._wait(
                functools.partial(fn, arg, budget), self.timeout + GRACE_SECONDS
            )
        finally:
            budget.cancel()

    async def _wait(self, call: Callable[[], T], limit: float) -> T:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, call)
        try:
            return await asyncio.wait_for(future, limit)
        except TimeoutError:
            raise AnalysisTimeoutError(E.E021, seconds=self.timeout) from None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
