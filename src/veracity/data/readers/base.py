"""Helpers every corpus reader shares: locating folders, decoding, finishing frames."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from ...errors import DataError, E, NotFoundError
from ..schema import RECORD_COLUMNS, validate_frame


def dataset_dir(root: Path, *parts: str) -> Path:
    """``root/datasets/<parts>``, or a :class:`DataError` naming the missing folder."""
    folder = Path(root, "datasets", *parts)
    if not folder.is_dir():
        raise DataError(E.E011, path=folder)
    return folder


def require_file(path: Path) -> Path:
    """``path`` itself, or :class:`NotFoundError` E001 when it is not a file."""
    if not path.is_file():
        raise NotFoundError(E.E001, path=path)
    return path


def read_text(path: Path) -> str:
    """A text file as UTF-8, falling back to cp1252 for the legacy files some corpora hold."""
    data = require_file(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], path: Path) -> pd.DataFrame:
    """``frame`` itself, or :class:`DataError` E006 naming the ``columns`` it lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(E.E006, missing=missing, source=path, found=list(frame.columns))
    return frame


def url_domain(url: str) -> str:
    """Host of ``url`` without ``www.``, lower-cased; ``""`` when there is none."""
    url = (url or "").strip()
    if not url:
        return ""
    if "//" not in url:
        url = "//" + url
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def epoch_ms_date(value: object) -> str:
    """ISO date of a ``{"$date": <ms since epoch>}`` value (newspaper3k dumps); else ``""``."""
    if isinstance(value, dict):
        value = value.get("$date")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC).date().isoformat()
    return ""


def text_or_empty(value: object) -> str:
    """A cell as text; NaN and None become ``""``."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def finish(
    rows: Iterable[dict[str, str]] | pd.DataFrame, source: str, labelled: bool = True
) -> pd.DataFrame:
    """Rows -> a validated record frame without blank-text rows, with unique ids."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    for col in RECORD_COLUMNS:
        if col not in frame.columns:
            frame[col] = ""
    frame = validate_frame(frame, source=source, labelled=labelled)
    if frame.empty:
        return frame
    frame = frame.loc[frame["text"].str.strip() != ""].reset_index(drop=True)
    frame["id"] = unique_ids(frame["id"].tolist())
    return frame


def unique_ids(ids: list[str]) -> list[str]:
    """``ids`` with the 2nd, 3rd... copy of a repeated id suffixed ``#1``, ``#2``..."""
    seen: dict[str, int] = {}
    out = []
    for item in ids:
        n = seen.get(item, 0)
        seen[item] = n + 1
        out.append(f"{item}#{n}" if n else item)
    return out
