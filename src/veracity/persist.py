"""Safe persistence of fitted parts: npz arrays + JSON, verified by sha256.

No pickle anywhere.  A model folder holds:

* ``card.json``: the model card (name, config, data, metrics, the command
  that built it) and ``files``, a map of every other file to its sha256;
* ``<part>.npz`` files loaded with ``allow_pickle=False``;
* ``<part>.json`` files of plain data;
* ``<part>.onnx`` networks, handed to onnxruntime as bytes once their sha256 holds.

:func:`load_folder` checks every file against the card's sha256 before it
parses a byte of it, so a truncated or tampered file fails with a clear
:class:`~veracity.errors.ModelError` and runs no code.

Limits, checked before the bytes they guard are read or unpacked (``E032``):

* ``card.json``: at most :data:`MAX_CARD_BYTES` (1 MiB) on disk;
* every other file: at most :data:`MAX_PART_BYTES` (64 MiB) on disk;
* an ``.npz``: its members unpack to at most :data:`MAX_NPZ_UNPACKED`
  (256 MiB) in all, and no ``.npy`` header declares more data than its
  member holds;
* JSON nests at most :data:`MAX_JSON_DEPTH` (32) levels (``E010`` beyond).

The bundled files are far below them: the largest ``.npz`` is 3.6 MB on disk
and unpacks to 8.4 MB, the largest card 4 KB, the deepest JSON 5 levels.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from .atomic import atomic_write_bytes
from .errors import E, ModelError

CARD = "card.json"
#: Largest ``card.json`` read, in bytes.
MAX_CARD_BYTES = 1 << 20
#: Largest ``.npz`` or ``.json`` part read, in bytes.
MAX_PART_BYTES = 64 << 20
#: Largest total the members of one ``.npz`` may unpack to, in bytes.
MAX_NPZ_UNPACKED = 256 << 20
#: A sha256 as the card records it.
SHA256_HEX = re.compile("[0-9a-f]{64}")
#: Deepest nesting of objects and arrays in a JSON file.
MAX_JSON_DEPTH = 32
#: File types kept as bytes, checked by sha256 and parsed by their own reader (onnxruntime).
RAW_EXTENSIONS = ("onnx",)


@dataclass
class Bundle:
    """Everything a fitted part needs: arrays, plain data and its card."""

    arrays: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)
    #: Files kept as bytes, by file name (an ``.onnx`` network).
    raw: dict[str, bytes] = field(default_factory=dict)


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
    for name, blob in sorted(bundle.raw.items()):
        if name.rpartition(".")[2] not in RAW_EXTENSIONS:
            raise ValueError(f"raw file {name!r} must end in one of {RAW_EXTENSIONS}")
        atomic_write_bytes(folder / name, blob)
        files[name] = sha256_bytes(blob)
    card = dict(bundle.card, files=files)
    atomic_write_bytes(folder / CARD, _json_bytes(card))
    return files


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, refused unread when its size on disk is over ``limit``."""
    if not path.is_file():
        raise ModelError(E.E009, path=path.parent, what=path.name)
    try:
        size = path.stat().st_size
        if size > limit:
            raise ModelError(E.E032, path=path, reason=f"{size} bytes, over the limit of {limit}")
        with path.open("rb") as handle:
            blob = handle.read(size + 1)
    except OSError as err:
        raise ModelError(E.E010, path=path, reason=err.strerror or str(err)) from None
    if len(blob) > limit:
        raise ModelError(E.E032, path=path, reason=f"grew past the limit of {limit} bytes")
    return blob


def read_card(folder: Path) -> dict[str, Any]:
    path = Path(folder) / CARD
    card = load_json(path, read_bounded(path, MAX_CARD_BYTES))
    files = card.get("files") if isinstance(card, dict) else None
    if not isinstance(files, dict):
        raise ModelError(E.E010, path=path, reason="no 'files' table")
    for name, digest in files.items():
        if not (isinstance(digest, str) and SHA256_HEX.fullmatch(digest)):
            raise ModelError(E.E010, path=path, reason=f"file entry {name!r} has no sha256")
    return card


def verified_bytes(folder: Path, name: str, expected: str) -> bytes:
    path = folder / name
    blob = read_bounded(path, MAX_PART_BYTES)
    actual = sha256_bytes(blob)
    if actual != expected:
        raise ModelError(E.E008, path=path, expected=expected, actual=actual)
    return blob


def _declared_bytes(member: IO[bytes]) -> int:
    """The data size an ``.npy`` member's header declares (its shape times its item size)."""
    version = np.lib.format.read_magic(member)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(member)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(member)
    else:
        raise ValueError(f".npy format version {version} is not supported")
    return math.prod(shape) * dtype.itemsize


def _check_npz(path: Path, blob: bytes) -> None:
    """Refuse an archive that would unpack past :data:`MAX_NPZ_UNPACKED`, before unpacking it.

    A member's ``file_size`` bounds what zipfile inflates from it, so the
    declared sizes bound the work; a header declaring more than its member
    holds would make numpy reserve the declared size first.
    """
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        members = archive.infolist()
        total = sum(member.file_size for member in members)
        if total > MAX_NPZ_UNPACKED:
            raise ModelError(
                E.E032,
                path=path,
                reason=f"unpacks to {total} bytes, over the limit of {MAX_NPZ_UNPACKED}",
            )
        for member in members:
            with archive.open(member) as handle:
                declared = _declared_bytes(handle)
            if declared > member.file_size:
                raise ValueError(
                    f"member {member.filename!r} declares {declared} bytes but holds {member.file_size}"
                )


def load_npz(path: Path, blob: bytes) -> dict[str, np.ndarray]:
    try:
        _check_npz(path, blob)
        loaded = np.load(io.BytesIO(blob), allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("not an npz archive")
        with loaded as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (
        ValueError,
        OSError,
        zipfile.BadZipFile,
        EOFError,
        zlib.error,
        NotImplementedError,
        RuntimeError,
    ) as err:
        raise ModelError(E.E010, path=path, reason=str(err)) from None
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            raise ModelError(E.E010, path=path, reason=f"member {key!r} is not a numeric array")
    return arrays


def _depth(value: Any) -> int:
    """How deep objects and arrays nest in parsed JSON (iterative: no recursion limit)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def load_json(path: Path, blob: bytes) -> Any:
    too_deep = ModelError(
        E.E010, path=path, reason=f"JSON nests deeper than {MAX_JSON_DEPTH} levels"
    )
    try:
        value = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelError(E.E010, path=path, reason=f"invalid JSON ({err})") from None
    except RecursionError:
        raise too_deep from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise too_deep
    return value


def load_folder(folder: Path, check: Callable[[dict[str, Any]], None] | None = None) -> Bundle:
    """Load and verify a folder written by :func:`save_folder`.

    ``check`` sees the card before any other file is read, and may raise.
    """
    folder = Path(folder)
    card = read_card(folder)
    if check is not None:
        check(card)
    bundle = Bundle(card=card)
    for name, expected in sorted(card["files"].items()):
        stem, _, ext = name.rpartition(".")
        if Path(name).name != name or name.startswith("."):
            raise ModelError(
                E.E010, path=folder / CARD, reason=f"file entry {name!r} leaves the folder"
            )
        if ext not in ("npz", "json", *RAW_EXTENSIONS):
            raise ModelError(E.E010, path=folder / name, reason="unknown file type")
        blob = verified_bytes(folder, name, expected)
        if ext in RAW_EXTENSIONS:
            bundle.raw[name] = blob
        elif ext == "npz":
            bundle.arrays[stem] = load_npz(folder / name, blob)
        else:
            bundle.data[stem] = load_json(folder / name, blob)
    return bundle
