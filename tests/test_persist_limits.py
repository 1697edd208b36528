"""Limits of model files: oversized or deeply nested files are refused before they are parsed.

A 1 GB sparse file costs no disk and no RAM to make; reading it would cost a
gigabyte.  ``tracemalloc`` counts every byte Python and numpy allocate, so a
peak of a few MiB proves the loader never read the file.
"""

from __future__ import annotations

import io
import json
import shutil
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from veracity.config import DEFAULT_MODEL_DIR
from veracity.errors import ModelError
from veracity.models.embed import BUNDLED_NPZ, StaticEmbedder
from veracity.models.folder import load_model
from veracity.persist import sha256_bytes

GIB = 1 << 30
#: Far below a gigabyte, far above what loading a refused folder needs.
PEAK_BOUND = 16 << 20


def model_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    return folder


def sparse(path: Path, size: int) -> None:
    with path.open("r+b") as handle:
        handle.truncate(size)


def resign(folder: Path, name: str) -> None:
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    card["files"][name] = sha256_bytes((folder / name).read_bytes())
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")


def refused(load: Callable[[], object]) -> tuple[ModelError, int]:
    """The ModelError ``load`` raises and the peak bytes allocated meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(ModelError) as info:
            load()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value, peak


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [200_000, 100], ids=["past the recursion limit", "100 levels"])
def test_persist_limits_deeply_nested_card_is_coded_error(levels: int, tmp_path: Path) -> None:
    folder = model_copy(tmp_path)
    text = (folder / "card.json").read_text(encoding="utf-8").rstrip().removesuffix("}")
    for body in (deep(levels), f'{text}, "nested": {deep(levels)}}}'):
        (folder / "card.json").write_text(body, encoding="utf-8")
        with pytest.raises(ModelError) as info:
            load_model(folder)
        assert info.value.code == "E010" and "nests deeper" in info.value.message


@pytest.mark.parametrize("name", ["card.json", "linear.json", "linear.npz"])
def test_persist_limits_sparse_gigabyte_file_is_refused_unread(name: str, tmp_path: Path) -> None:
    folder = model_copy(tmp_path)
    sparse(folder / name, GIB)
    err, peak = refused(lambda: load_model(folder))
    assert err.code == "E032" and name in err.message and str(GIB) in err.message
    assert peak < PEAK_BOUND


def test_persist_limits_sparse_gigabyte_embedding_card_is_refused_unread(tmp_path: Path) -> None:
    npz = tmp_path / BUNDLED_NPZ.name
    shutil.copy(BUNDLED_NPZ, npz)
    shutil.copy(BUNDLED_NPZ.with_suffix(".json"), npz.with_suffix(".json"))
    sparse(npz.with_suffix(".json"), GIB)
    err, peak = refused(lambda: StaticEmbedder.load(npz))
    assert err.code == "E032"
    assert peak < PEAK_BOUND


def test_persist_limits_card_limit_is_inclusive(tmp_path: Path) -> None:
    from veracity.persist import MAX_CARD_BYTES

    folder = model_copy(tmp_path)
    card = (folder / "card.json").read_bytes()
    (folder / "card.json").write_bytes(card + b" " * (MAX_CARD_BYTES - len(card)))
    load_model(folder)
    (folder / "card.json").write_bytes(card + b" " * (MAX_CARD_BYTES + 1 - len(card)))
    with pytest.raises(ModelError) as info:
        load_model(folder)
    assert info.value.code == "E032"


def npy_header(shape: tuple[int, ...]) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    return buf.getvalue()


def test_persist_limits_npz_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    """300 MiB of zeros deflate to about a megabyte: the declared size gives it away."""
    folder = model_copy(tmp_path)
    chunk = bytes(1 << 20)
    count = 300 * len(chunk) // 8
    archive = zipfile.ZipFile(folder / "linear.npz", "w", zipfile.ZIP_DEFLATED, compresslevel=1)
    with archive, archive.open("coef.npy", "w", force_zip64=True) as member:
        member.write(npy_header((count,)))
        for _ in range(300):
            member.write(chunk)
    resign(folder, "linear.npz")
    err, peak = refused(lambda: load_model(folder))
    assert err.code == "E032" and "unpacks to" in err.message
    assert peak < PEAK_BOUND


def test_persist_limits_npy_header_larger_than_its_data_is_refused(tmp_path: Path) -> None:
    """A header declaring 8 TB would make numpy reserve it before reading a byte."""
    folder = model_copy(tmp_path)
    with zipfile.ZipFile(folder / "linear.npz", "w") as zf:
        zf.writestr("coef.npy", npy_header((1 << 40,)) + bytes(16))
    resign(folder, "linear.npz")
    err, peak = refused(lambda: load_model(folder))
    assert err.code == "E010" and "declares" in err.message
    assert peak < PEAK_BOUND
