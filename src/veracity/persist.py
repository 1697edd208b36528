"""Safe persistence of fitted parts: npz arrays + JSON, verified by sha256.

No pickle anywhere.  A model folder holds:

* ``card.json``: the model card (name, config, data, metrics, the command
  that built it) and ``files``, a map of every other file to its sha256;
* ``<part>.npz`` files loaded with ``allow_pickle=False``;
* ``<part>.json`` files of plain data.

:func:`load_folder` checks every file against the card's sha256 before it
parses a byte of it, so a truncated or tampered file fails with a clear
:class:`~veracity.errors.ModelError` and runs no code.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import atomic_write_bytes
from .errors import E, ModelError

CARD = "card.json"


@dataclass
class Bundle:
    """Everything a fitted part needs: arrays, plain data and its card."""

    arrays: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)  # type: ignore[arg-type]
    return buf.getvalue()


def _json_bytes(obj: Any) -> bytes:
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")


def save_folder(folder: Path, bundle: Bundle) -> dict[str, str]:
    """Write ``bundle`` into ``folder``; return the sha256 of every file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    for name, arrays in sorted(bundle.arrays.items()):
        blob = _npz_bytes(arrays)
        atomic_write_bytes(folder / f"{name}.npz", blob)
        files[f"{name}.npz"] = sha256_bytes(blob)
    for name, obj in sorted(bundle.data.items()):
        blob = _json_bytes(obj)
        atomic_write_bytes(folder / f"{name}.json", blob)
        files[f"{name}.json"] = sha256_bytes(blob)
    card = dict(bundle.card, files=files)
    atomic_write_bytes(folder / CARD, _json_bytes(card))
    return files


def read_card(folder: Path) -> dict[str, Any]:
    path = Path(folder) / CARD
    if not path.is_file():
        raise ModelError(E.E009, path=folder, what=CARD)
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelError(E.E010, path=path, reason=f"invalid JSON ({err})") from None
    if not isinstance(card, dict) or not isinstance(card.get("files"), dict):
        raise ModelError(E.E010, path=path, reason="no 'files' table")
    return card


def verified_bytes(folder: Path, name: str, expected: str) -> bytes:
    path = folder / name
    if not path.is_file():
        raise ModelError(E.E009, path=folder, what=name)
    blob = path.read_bytes()
    actual = sha256_bytes(blob)
    if actual != expected:
        raise ModelError(E.E008, path=path, expected=expected, actual=actual)
    return blob


def load_npz(path: Path, blob: bytes) -> dict[str, np.ndarray]:
    try:
        loaded = np.load(io.BytesIO(blob), allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("not an npz archive")
        with loaded as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, zlib.error) as err:
        raise ModelError(E.E010, path=path, reason=str(err)) from None
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            raise ModelError(E.E010, path=path, reason=f"member {key!r} is not a numeric array")
    return arrays


def load_json(path: Path, blob: bytes) -> Any:
    try:
        return json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise ModelError(E.E010, path=path, reason=f"invalid JSON ({err})") from None


def load_folder(folder: Path) -> Bundle:
    """Load and verify a folder written by :func:`save_folder`."""
    folder = Path(folder)
    card = read_card(folder)
    bundle = Bundle(card=card)
    for name, expected in sorted(card["files"].items()):
        stem, _, ext = name.rpartition(".")
        if Path(name).name != name or name.startswith("."):
            raise ModelError(E.E010, path=folder / CARD, reason=f"file entry {name!r} leaves the folder")
        if ext not in ("npz", "json"):
            raise ModelError(E.E010, path=folder / name, reason="unknown file type")
        blob = verified_bytes(folder, name, str(expected))
        if ext == "npz":
            bundle.arrays[stem] = load_npz(folder / name, blob)
        else:
            bundle.data[stem] = load_json(folder / name, blob)
    return bundle
