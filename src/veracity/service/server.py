"""uvicorn with bounded connections, a quiet log when they run out, and a port checked first.

uvicorn limits what a request may do, not what a connection may hold, so
:class:`GuardedH11Protocol` (uvicorn's h11 protocol) adds two limits:

* every request head must be complete within ``timeout_keep_alive`` seconds
  (:attr:`Settings.idle_timeout`): uvicorn applies that timeout only between
  requests, so a connection that sends nothing, or trickles its head, used
  to stay open for ever;
* a connection past ``limit_concurrency`` (:attr:`Settings.max_connections`,
  lowered to what the file-descriptor limit leaves) is closed as soon as it
  is accepted, so idle connections cannot take every descriptor.

When connections are refused that way, or ``accept()`` fails for want of
descriptors (asyncio then logs a traceback per failed accept, up to the
listen backlog each time it retries: a log flood), :data:`TABLE` logs one
line, and one more when connections are accepted again.
"""

from __future__ import annotations

import asyncio
import logging
import math
import resource
import socket
import sys
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import E, VeracityError
from ..processes import tune_for_analysis
from .limits import GRACE_SECONDS
from .settings import Settings

log = logging.getLogger("uvicorn.error")

#: File descriptors kept for everything but connections (database, model files, logs, pipes).
RESERVED_FDS = 32
#: Seconds a thread may hold the GIL while another waits for it (Python's default: 0.005).
SWITCH_INTERVAL = 0.001
_ACCEPT_FAILED = "socket.accept() out of system resource"


class ServeError(VeracityError):
    """The server cannot start."""


class ConnectionTable:
    """Logs one line when connections start being refused, one when they are accepted again."""

    def __init__(self) -> None:
        self.refused = 0

    def full(self, reason: str) -> None:
        self.refused += 1
        if self.refused == 1:
            log.warning("connection table full (%s): refusing connections until one closes", reason)

    def clear(self) -> None:
        if self.refused:
            log.warning("accepting connections again (%d refused while full)", self.refused)
            self.refused = 0


#: The one table of this process.
TABLE = ConnectionTable()


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head timeout and a hard connection limit."""

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        limit = self.limit_concurrency
        if limit is not None and len(self.connections) > limit:
            TABLE.full(f"{limit} connections open")
            transport.close()
            return
        TABLE.clear()
        self._watch_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._unwatch_head()
        elif self.conn.trailing_data[0]:
            self._watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._unwatch_head()
        super().connection_lost(exc)

    def _watch_head(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.timeout_keep_alive, self._head_late)

    def _unwatch_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_late(self) -> None:
        """Close the connection if its request head is still incomplete."""
        self._head_timer = None
        started = self.cycle is None or bool(self.conn.trailing_data[0])
        if self.conn.their_state is h11.IDLE and started:
            self.timeout_keep_alive_handler()


def quiet_accept_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Report failed accepts through :data:`TABLE`, not one traceback each, on ``loop``."""
    previous = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") == _ACCEPT_FAILED:
            TABLE.full(f"accept() failed: {context.get('exception')}")
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)


def connection_limit(settings: Settings) -> int:
    """``max_connections``, lowered so that connections leave :data:`RESERVED_FDS` free."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return settings.max_connections
    return max(1, min(settings.max_connections, soft - RESERVED_FDS))


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` that apply the connection limits.

    On SIGTERM uvicorn waits for the requests in flight, at most as long as a request
    may take (``request_timeout`` and the grace of :data:`~.limits.GRACE_SECONDS`).
    """
    return {
        "http": GuardedH11Protocol,
        "limit_concurrency": connection_limit(settings),
        "timeout_keep_alive": settings.idle_timeout,
        "timeout_graceful_shutdown": math.ceil(settings.request_timeout + GRACE_SECONDS),
    }


def check_port(host: str, port: int) -> None:
    """Raise E029 unless ``host:port`` can be bound (as uvicorn will bind it) right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((host, port))
    except OSError as err:
        reason = err.strerror or str(err)
        raise ServeError(E.E029, host=host, port=port, reason=reason) from None


def tune_process() -> None:
    """Settle a server process once its app is built (the model loaded).

    * The GIL is handed over every :data:`SWITCH_INTERVAL` s, not every 5 ms: a request
      passes between the event loop, a worker thread and the analysing thread several
      times, and each hand-over may wait a whole interval while an analysis runs.
    * The garbage collector is tuned for analysis (:mod:`veracity.processes`): what is
      loaded is frozen, and young objects are collected less often.
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
    tune_for_analysis()
