"""Cooperative stop checks for long work.

A stop check is a function the work calls between its stages: it returns
when the work may go on and raises when it must stop (the service's checks
raise once the request's time has run out, see ``service/batcher.py``).
Work that runs to its end is given :func:`go_on`.
"""

from __future__ import annotations

from collections.abc import Callable

#: A stop check: returns when the work may go on, raises when it must stop.
Stop = Callable[[], None]


def go_on() -> None:
    """The stop check of work that runs to its end."""
