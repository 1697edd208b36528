"""Spreading keep-alive connections over the processes of ``veracity serve --processes N``.

The N processes accept on one socket, and a burst of new connections (clients
starting together) lands mostly on whichever process wakes first: asyncio
accepts every pending connection per wake-up.  Clients keep their connections,
so that process goes on analysing for most of them on one core while the
others idle, and every request waits for its many neighbours.

Each process writes how many requests it has in flight into a small shared
table, a :class:`LoadBoard` (a memory-mapped file of one slot per process).
:class:`Rebalance` answers an analysis (``X-Veracity-Cache: miss``) with
``Connection: close`` while its process has more requests in flight than its
fair share (the total over the processes, divided evenly, rounded up); that
client's next request is accepted anew, by any process.  Processes at or under
their share keep their connections, so a balanced server keeps all of them.
"""

from __future__ import annotations

import fcntl
import logging
import math
import mmap
import os
import tempfile
from pathlib import Path

import numpy as np
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..processes import pid_alive

log = logging.getLogger("uvicorn.error")

#: Server processes one board has room for.
SLOTS = 256
#: The header telling an analysis (``miss``) from an answer out of the history (``hit``).
CACHE_HEADER = b"x-veracity-cache"
_SLOT_BYTES = 16


def board_path(supervisor: int | None = None) -> Path:
    """The board shared by the processes started by one ``veracity serve`` (their parent)."""
    pid = os.getppid() if supervisor is None else supervisor
    return Path(tempfile.gettempdir()) / f"veracity-serve-{pid}.load"

    return True


class LoadBoard:
    """Requests in flight per process: one ``(pid, active)`` slot each, in a mapped file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_size < SLOTS * _SLOT_BYTES:
                os.ftruncate(fd, SLOTS * _SLOT_BYTES)
            self._map = mmap.mmap(fd, SLOTS * _SLOT_BYTES)
            self._table = np.ndarray((SLOTS, 2), dtype=np.int64, buffer=self._map)
            self.slot = self._claim()
        finally:
            # The map holds a duplicate of fd, so closing fd alone would keep the lock.
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _claim(self) -> int:
        """A free slot (or one of a process that died), taken under the file lock."""
        pids = self._table[:, 0].tolist()
        for i, pid in enumerate(pids):
            if pid and not pid_alive(pid):
                self._table[i] = 0
        free = [i for i, pid in enumerate(self._table[:, 0].tolist()) if pid == 0]
        if not free:
            raise OSError(f"no free slot on the load board {self.path}")
        self._table[free[0]] = (os.getpid(), 0)
        return free[0]

    def set(self, active: int) -> None:
        self._table[self.slot, 1] = active

    def share(self) -> int:
        """Requests in flight over all processes, divided evenly among them, rounded up."""
        table = self._table[self._table[:, 0] != 0]
        return math.ceil(int(table[:, 1].sum()) / max(len(table), 1))

    def close(self) -> None:
        """Give the slot back; the last process removes the file."""
        self._table[self.slot] = 0
        empty = not self._table[:, 0].any()
        del self._table
        self._map.close()
        if empty:
            self.path.unlink(missing_ok=True)


def open_board(path: Path | None = None) -> LoadBoard | None:
    """This process's slot on the board at ``path`` (default :func:`board_path`), or None.

    Without a board (no writable temp folder, every slot taken) the process serves as
    before, keeping every connection; one warning says so.
    """
    path = board_path() if path is None else path
    try:
        return LoadBoard(path)
    except OSError as err:
        log.warning("connections are not spread over the processes: %s", err)
        return None


class Rebalance:
    """ASGI middleware: ``Connection: close`` on an analysis while this process is over its share."""

    def __init__(self, app: ASGIApp, board: LoadBoard) -> None:
        self.app = app
        self.board = board
        self.active = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if (CACHE_HEADER, b"miss") in headers and self.active > self.board.share():
                    message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        self.active += 1
        self.board.set(self.active)
        try:
            await self.app(scope, receive, send_closing)
        finally:
            self.active -= 1
            self.board.set(self.active)
