"""Generic readers for your own labelled files: CSV, JSON Lines and Parquet.

``mapping`` maps a schema field to a file column; unmapped fields look for a
column of their own name (``id``, ``title``, ``text``, ``label``, ``source``,
``date``).  ``text`` is always required and ``label`` unless ``labelled=False``;
a mapped column must exist.  A missing ``id`` column gets ``<corpus>:<row>`` ids.

Labels go through :data:`DEFAULT_LABEL_MAP` (case-insensitive) updated by
``label_map``.  The 0/1 convention is **1 = fake = unreliable, 0 = reliable**
(as in dEFEND and most fake-news CSVs); pass ``label_map={"1": "reliable",
"0": "unreliable"}`` for corpora such as FA-KES that use the opposite.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import DataError, E
from ...registry import readers
from ..schema import LABELS, RELIABLE, UNRELIABLE
from .base import finish, require_file, text_or_empty

FIELDS = ("id", "title", "text", "label", "source", "date")

#: Raw values read as unreliable / reliable (compared lower-cased and stripped).
UNRELIABLE_VALUES = (
    "1", "fake", "false", "unreliable", "untrue", "pants-fire", "pants on fire",
    "barely-true", "satire", "hyperpartisan", "misleading",
)  # fmt: skip
RELIABLE_VALUES = (
    "0", "real", "true", "reliable", "legit", "legitimate", "credible",
    "half-true", "mostly-true",
)  # fmt: skip
DEFAULT_LABEL_MAP: dict[str, str] = {
    **dict.fromkeys(UNRELIABLE_VALUES, UNRELIABLE),
    **dict.fromkeys(RELIABLE_VALUES, RELIABLE),
}


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")


def _read_jsonl(path: Path) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(E.E013, field=f"line {n} of {path}", reason=str(err)) from None
            if not isinstance(item, dict):
                raise DataError(E.E013, field=f"line {n} of {path}", reason="not a JSON object")
            rows.append(item)
    return pd.DataFrame(rows)


def _label_lookup(label_map: dict[str, str] | None) -> dict[str, str]:
    lookup = dict(DEFAULT_LABEL_MAP)
    for raw, label in (label_map or {}).items():
        if label not in LABELS:
            raise DataError(E.E013, field="label_map", reason=f"{label!r} is not one of {LABELS}")
        lookup[str(raw).strip().lower()] = label
    return lookup


def records_from_table(
    table: pd.DataFrame,
    path: Path,
    mapping: dict[str, str] | None = None,
    corpus: str | None = None,
    label_map: dict[str, str] | None = None,
    labelled: bool = True,
) -> pd.DataFrame:
    """Map an already-loaded table onto the record schema (see module docstring)."""
    mapping = dict(mapping or {})
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise DataError(E.E013, field="mapping", reason=f"{unknown} are not among {FIELDS}")
    columns = {field: mapping.get(field, field) for field in FIELDS}
    required = ["text", "label"] if labelled else ["text"]
    required += [f for f in mapping if f not in required]
    missing = [columns[f] for f in required if columns[f] not in table.columns]
    if missing:
        raise DataError(E.E006, missing=missing, source=path, found=list(table.columns))
    corpus = corpus or path.stem
    frame = pd.DataFrame(
        {
            field: [text_or_empty(v) for v in table[columns[field]]]
            if columns[field] in table.columns
            else [""] * len(table)
            for field in FIELDS
        }
    )
    if columns["id"] not in table.columns:
        frame["id"] = [f"{corpus}:{i}" for i in range(len(frame))]
    raw = frame["label"].astype(str).str.strip()
    frame["original_label"] = raw
    frame["corpus"] = corpus
    if labelled or raw.ne("").any():
        lookup = _label_lookup(label_map)
        mapped = raw.str.lower().map(lookup)
        unmapped = mapped.isna() if labelled else mapped.isna() & raw.ne("")
        bad = sorted(set(raw[unmapped]))
        if bad:
            raise DataError(
                E.E013,
                field=f"label in {path}",
                reason=f"values {bad[:10]} are not in the label map; pass label_map",
            )
        frame["label"] = mapped.fillna("")
    return finish(frame, source=str(path), labelled=labelled)


def _reader(kind: str, loader: Callable[[Path], pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    def read(
        path: Path,
        mapping: dict[str, str] | None = None,
        corpus: str | None = None,
        label_map: dict[str, str] | None = None,
        labelled: bool = True,
    ) -> pd.DataFrame:
        path = require_file(Path(path))
        try:
            table = loader(path)
        except (ValueError, UnicodeDecodeError, RecursionError, OSError) as err:
            raise DataError(E.E013, field=str(path), reason=f"unreadable {kind} ({err})") from None
        if table.empty:
            raise DataError(E.E002, what=path)
        return records_from_table(table, path, mapping, corpus, label_map, labelled)

    read.__doc__ = f"Read a {kind} file into the record schema (see the module docstring)."
    return read


read_csv = readers.register("veracity.reader.csv.v1")(_reader("CSV", _read_csv))
read_jsonl = readers.register("veracity.reader.jsonl.v1")(_reader("JSON Lines", _read_jsonl))
read_parquet = readers.register("veracity.reader.parquet.v1")(_reader("Parquet", pd.read_parquet))
