"""Service settings: one frozen dataclass, validated when built.

Every limit the service enforces is here, with its default.  The history
database defaults to ``$VERACITY_HISTORY`` or
``~/.local/share/veracity/history.sqlite``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..config import MAX_INPUT_BYTES
from ..errors import E, InputError

#: Environment variable that hands the settings to the server processes of ``serve --processes N``.
SETTINGS_ENV = "VERACITY_SERVE_SETTINGS"
_PATHS = ("db_path", "model_dir", "archive_path")

#: Largest batch ``POST /v1/analyze/batch`` accepts.
MAX_BATCH = 100


def default_db_path() -> Path:
    """``$VERACITY_HISTORY`` or ``~/.local/share/veracity/history.sqlite``."""
    env = os.environ.get("VERACITY_HISTORY")
    if env:
        return Path(env)
    return Path.home() / ".local" / "share" / "veracity" / "history.sqlite"


@dataclass(frozen=True)
class Settings:
    """Everything ``create_app`` needs; all sizes in bytes, all times in seconds."""

    db_path: Path = field(default_factory=default_db_path)
    model_dir: Path | None = None
    archive_path: Path | None = None
    max_body_bytes: int = 8 * MAX_INPUT_BYTES
    max_input_bytes: int = MAX_INPUT_BYTES
    max_batch: int = MAX_BATCH
    request_timeout: float = 30.0
    workers: int = 16
    #: Requests with more text than this (characters, all documents together) are analysed in the
    #: bulk lane, on a thread of their own, so they never delay the small requests.
    bulk_chars: int = 100_000
    allow_url: bool = False
    allow_private_urls: bool = False
    url_max_bytes: int = MAX_INPUT_BYTES
    url_max_redirects: int = 5
    url_timeout: float = 10.0
    #: Report JSON per response (one report, or a batch's together); past it: E031.
    max_response_bytes: int = 32_000_000
    #: Open connections per server process (uvicorn's ``limit_concurrency``); one more is
    #: closed as soon as it is accepted, and a request past the limit gets 503.
    max_connections: int = 256
    #: Seconds a connection may sit without a complete request head: a new connection, one
    #: trickling its head, or one kept alive between requests.
    idle_timeout: int = 5
    #: Seconds for a request body to arrive in full, counted from its head (408, E028).
    body_timeout: float = 60.0
    #: Cores of the deep pipeline's encoder (0: all), loaded on the first deep request.
    deep_threads: int = 0

    def __post_init__(self) -> None:
        positive = {
            "max_body_bytes": self.max_body_bytes,
            "max_input_bytes": self.max_input_bytes,
            "max_batch": self.max_batch,
            "request_timeout": self.request_timeout,
            "workers": self.workers,
            "bulk_chars": self.bulk_chars,
            "url_max_bytes": self.url_max_bytes,
            "url_timeout": self.url_timeout,
            "max_response_bytes": self.max_response_bytes,
            "max_connections": self.max_connections,
            "idle_timeout": self.idle_timeout,
            "body_timeout": self.body_timeout,
        }
        for name, value in positive.items():
            if not value > 0:
                raise InputError(E.E013, field=f"Settings.{name}", reason=f"{value} is not > 0")
        for name in ("url_max_redirects", "deep_threads"):
            if getattr(self, name) < 0:
                raise InputError(E.E013, field=f"Settings.{name}", reason="must be >= 0")
        if self.max_batch > MAX_BATCH:
            raise InputError(E.E013, field="Settings.max_batch", reason=f"at most {MAX_BATCH}")

    def to_json(self) -> str:
        """The settings as JSON (paths as strings); :meth:`from_json` reads it back."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in values.items()})

    @classmethod
    def from_json(cls, text: str) -> Settings:
        raw = json.loads(text)
        for name in _PATHS:
            if raw.get(name) is not None:
                raw[name] = Path(raw[name])
        return cls(**raw)
