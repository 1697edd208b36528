"""Connections spread over server processes: the load board and Connection: close."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import numpy as np

from veracity.service.balance import LoadBoard, Rebalance, board_path, open_board


def test_balance_board_share_is_the_even_split_rounded_up(tmp_path: Path) -> None:
    path = tmp_path / "serve.load"
    first, second = LoadBoard(path), LoadBoard(path)
    assert first.slot != second.slot
    first.set(10)
    second.set(5)
    assert first.share() == second.share() == 8
    first.close()
    assert second.share() == 5
    second.close()
    assert not path.exists()


def test_balance_board_takes_back_the_slot_of_a_dead_process(tmp_path: Path) -> None:
    path = tmp_path / "serve.load"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    table = np.zeros((256, 2), dtype=np.int64)
    table[0] = (int(dead.stdout), 40)
    table.tofile(path)
    board = LoadBoard(path)
    assert board.slot == 0
    assert board.share() == 0
    board.close()


def test_balance_board_path_names_the_supervisor() -> None:
    assert board_path(1234).name == "veracity-serve-1234.load"


def _serve(board: LoadBoard, cached: list[bool]) -> tuple[list[list[Any]], int]:
    """Serve one request per flag, all in flight at once: the headers of each response, in
    the order they started, and the requests still counted in flight afterwards."""
    started: list[list[Any]] = []

    async def main() -> int:
        release = asyncio.Event()
        arrived = 0

        async def app(scope: Any, receive: Any, send: Any) -> None:
            nonlocal arrived
            arrived += 1
            if arrived == len(cached):
                release.set()
            await release.wait()
            cache = b"hit" if scope["path"] == "/hit" else b"miss"
            headers = [(b"x-veracity-cache", cache)]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b"{}"})

        middleware = Rebalance(app, board)

        async def one(hit: bool) -> None:
            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": b"", "more_body": False}

            async def send(message: MutableMapping[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    started.append(list(message["headers"]))

            scope: dict[str, Any] = {
                "type": "http",
                "path": "/hit" if hit else "/miss",
                "headers": [],
            }
            await middleware(scope, receive, send)

        await asyncio.gather(*(one(hit) for hit in cached))
        return middleware.active

    active = asyncio.run(main())
    return started, active


CLOSE = (b"connection", b"close")


def test_balance_rebalance_closes_analyses_only_over_the_share(tmp_path: Path) -> None:
    path = tmp_path / "serve.load"
    other, board = LoadBoard(path), LoadBoard(path)
    other.set(1)
    # Four requests here, one in the other process: the share is 3, this process is over it.
    busy, active = _serve(board, [True, False, False, False])
    assert active == 0
    assert any(CLOSE in headers for headers in busy)
    assert not any(CLOSE in h for h in busy if (b"x-veracity-cache", b"hit") in h)
    # The hit alone over the share is not closed either: only analyses are.
    assert not any(CLOSE in h for h in _serve(board, [True, True, True])[0])
    # One request at a time keeps its connection.
    assert not any(CLOSE in h for h in _serve(board, [False])[0])
    other.close()
    board.close()


def test_balance_open_board_without_a_writable_folder_serves_without_one(tmp_path: Path) -> None:
    assert open_board(tmp_path / "missing" / "serve.load") is None
    board = open_board(tmp_path / "serve.load")
    assert board is not None
    board.close()
