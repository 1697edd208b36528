"""On-disk cache of :func:`~veracity.data.pipeline.load_articles` results.

Reading, scrubbing and de-duplicating every corpus takes over ten seconds, and
training, evaluation and ``veracity data stats`` all start with it.  A result
is stored as Parquet (the frame) + JSON (the statistics) under the user cache
folder, keyed by a SHA-256 over: the veracity version, the source of the data
and normalisation modules, the datasketch version, the call's arguments, and
the path, size and mtime of every file in the corpora's folders.  Any change to
code, options or data gives a new key.  No pickle is involved.

The folder is ``$VERACITY_CACHE``, else ``$XDG_CACHE_HOME/veracity/data``, else
``~/.cache/veracity/data``; ``VERACITY_CACHE=off`` disables the cache.  An
unreadable entry is ignored and an unwritable folder only skips the write.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..atomic import atomic_path, atomic_write_text
from ..config import HELD_OUT_DIR, held_out_files
from .corpora import CORPUS_FOLDERS
from .schema import RECORD_COLUMNS

CACHE_ENV = "VERACITY_CACHE"
#: Most recent entries kept; older ones are deleted when a new one is written.
KEEP = 6
_CODE = (
    *sorted(Path(__file__).parent.rglob("*.py")),
    Path(__file__).parents[1] / "text" / "normalize.py",
)


def cache_dir() -> Path | None:
    """Where entries live, or ``None`` when ``VERACITY_CACHE=off``."""
    env = os.environ.get(CACHE_ENV, "")
    if env.lower() in ("off", "0", "no", "false"):
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "veracity" / "data"


def cache_key(root: Path, corpora: list[str], options: dict[str, Any]) -> str:
    """SHA-256 over code, versions, options and the corpora's files (see module docs)."""
    digest = hashlib.sha256()
    head = {"veracity": __version__, "datasketch": version("datasketch"), "options": options}
    digest.update(json.dumps(head, sort_keys=True).encode())
    for path in _CODE:
        digest.update(path.name.encode() + path.read_bytes())
    for path in held_out_files(root):
        info = path.stat()
        digest.update(f"{HELD_OUT_DIR}/{path.name}|{info.st_size}|{info.st_mtime_ns}".encode())
    datasets = Path(root) / "datasets"
    for corpus in corpora:
        digest.update(corpus.encode())
        folder = datasets / CORPUS_FOLDERS[corpus]
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = path.stat()
            digest.update(
                f"{path.relative_to(datasets)}|{info.st_size}|{info.st_mtime_ns}".encode()
            )
    return digest.hexdigest()


def load(key: str) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """The cached frame and statistics dict for ``key``, or ``None``."""
    folder = cache_dir()
    if folder is None:
        return None
    frame_path, stats_path = folder / f"{key}.parquet", folder / f"{key}.json"
    if not (frame_path.is_file() and stats_path.is_file()):
        return None
    try:
        frame = pd.read_parquet(frame_path)
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if tuple(frame.columns) != RECORD_COLUMNS or not isinstance(stats, dict):
        return None
    return frame.astype(str), stats


def save(key: str, frame: pd.DataFrame, stats: dict[str, Any]) -> None:
    """Store an entry (atomically) and prune old ones; an unwritable folder is skipped."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(folder / f"{key}.parquet") as tmp:
            frame.to_parquet(tmp, index=False)
        atomic_write_text(folder / f"{key}.json", json.dumps(stats))
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".parquet").unlink(missing_ok=True)
    except OSError:
        return
