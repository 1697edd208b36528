"""The partial output of a run and what ``--resume`` needs to continue it.

Beside ``OUT`` a run keeps ``OUT.partial`` (records appended as JSON lines, in
input order) and ``OUT.partial.json`` (the run's settings and start time).
``--resume`` checks that the settings match, cuts a torn last line, and
continues after the rows already written; because rows are written in input
order, the finished output equals that of an uninterrupted run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_text
from ..errors import E, InputError

#: 2: the report is nested in each line, full output has a title (1.x partial files restart).
STATE_VERSION = 2


@dataclass
class Progress:
    """Rows already in the partial file, how many hold an error, the last one's id."""

    rows: int
    last_id: str | None
    errors: int = 0


def partial_paths(out: Path) -> tuple[Path, Path]:
    """``OUT.partial`` and ``OUT.partial.json``."""
    return out.with_name(out.name + ".partial"), out.with_name(out.name + ".partial.json")


def _trim(partial: Path) -> Progress:
    """Cut anything after the last complete line; count the rows kept."""
    done, good = Progress(0, None), 0
    with partial.open("rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                record = json.loads(line)
            except ValueError:
                break
            done = Progress(done.rows + 1, str(record["id"]), done.errors + bool(record["error"]))
            good += len(line)
    with partial.open("r+b") as handle:
        handle.truncate(good)
    return done


def resumable(out: Path) -> bool:
    """Whether ``OUT`` has the partial files of an earlier run to continue."""
    return all(path.is_file() for path in partial_paths(out))


def begin(out: Path, settings: dict[str, Any], resume: bool) -> tuple[dict[str, Any], Progress]:
    """Start (or with ``resume``, continue) a run; return its state and progress.

    ``settings`` must include ``created``; a resumed run keeps the original one.
    """
    partial, state_path = partial_paths(out)
    if resume and resumable(out):
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            state = {}
        if not isinstance(state, dict) or not isinstance(state.get("settings"), dict):
            reason = f"{state_path.name} is unreadable; run without --resume to start over"
            raise InputError(E.E013, field="--resume", reason=reason)
        changed = sorted(
            k
            for k in settings
            if k != "created" and state.get("settings", {}).get(k) != settings[k]
        )
        if state.get("version") != STATE_VERSION:
            changed = ["the partial file format"]
        if changed:
            reason = (
                f"{partial.name} was written with different settings ({', '.join(changed)}); "
                "run without --resume to start over"
            )
            raise InputError(E.E013, field="--resume", reason=reason)
        return dict(state["settings"]), _trim(partial)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"")
    atomic_write_text(state_path, json.dumps({"version": STATE_VERSION, "settings": settings}))
    return dict(settings), Progress(0, None)


def clear(out: Path) -> None:
    """Remove the run's sidecar files once ``OUT`` is complete."""
    for path in partial_paths(out):
        path.unlink(missing_ok=True)
