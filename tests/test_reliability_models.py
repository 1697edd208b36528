"""Hostile model folders: tampered, truncated or re-signed files fail with ModelError, run no code.

``tests/test_models.py`` already covers a flipped byte in ``linear.npz``, a
truncated ``linear.npz`` and a missing card.  Here the attacker also rewrites
the card's sha256 table ("re-signed"), so only the loader's own checks stand
between the file and the process.  Pickle payloads would create a marker file
if they were ever unpickled; the marker must never appear.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from veracity.config import DEFAULT_MODEL_DIR
from veracity.errors import ModelError
from veracity.models.store import load_model

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Payload:
    """Unpickling this creates ``path``: proof that code ran."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.mkdir, (str(self.path),))


@contextmanager
def model_copy() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "model"
        shutil.copytree(DEFAULT_MODEL_DIR, folder)
        yield folder


def card(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    return data


def resign(folder: Path) -> None:
    """Rewrite the card's sha256 table to match the files as they are now."""
    data = card(folder)
    data["files"] = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in data["files"]
    }
    (folder / "card.json").write_text(json.dumps(data), encoding="utf-8")


def npz_bytes(**arrays: Any) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def object_npz(marker: Path) -> bytes:
    arr = np.empty(1, dtype=object)
    arr[0] = Payload(marker)
    buf = io.BytesIO()
    np.savez(buf, coef=arr, idf=arr)
    return buf.getvalue()


def npy_object(marker: Path) -> bytes:
    arr = np.empty(1, dtype=object)
    arr[0] = Payload(marker)
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=True)
    return buf.getvalue()


def zipped_pickle(marker: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("coef.npy", pickle.dumps(Payload(marker)))
    return buf.getvalue()


PAYLOADS = {
    "object array inside the npz": object_npz,
    "object .npy in place of the npz": npy_object,
    "raw pickle stream": lambda marker: pickle.dumps(Payload(marker)),
    "pickle stored as a zip member": zipped_pickle,
}


@pytest.mark.parametrize(
    "name",
    [
        name
        for name in sorted(PAYLOADS)
    ],
)
def test_reliability_models_pickle_payloads_never_run(name: str, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    raised: BaseException | None = None
    with model_copy() as folder:
        (folder / "linear.npz").write_bytes(PAYLOADS[name](marker))
        resign(folder)
        try:
            load_model(folder)
        except Exception as err:
            raised = err
    assert not marker.exists(), "a pickle payload ran"
    assert isinstance(raised, ModelError), repr(raised)
    assert raised.code == "E010"
    assert "linear.npz" in raised.message


def test_reliability_models_unknown_file_type_in_card_is_refused_unread(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    with model_copy() as folder:
        (folder / "extra.pkl").write_bytes(pickle.dumps(Payload(marker)))
        data = card(folder)
        data["files"]["extra.pkl"] = ""
        (folder / "card.json").write_text(json.dumps(data), encoding="utf-8")
        resign(folder)
        with pytest.raises(ModelError, match="unknown file type"):
            load_model(folder)
    assert not marker.exists()


def test_reliability_models_every_listed_file_is_checked(tmp_path: Path) -> None:
    with model_copy() as folder:
        meta = folder / "linear.json"
        meta.write_bytes(meta.read_bytes().replace(b'"classes"', b'"classes" '))
        with pytest.raises(ModelError) as info:
            load_model(folder)
        assert info.value.code == "E008" and "linear.json" in info.value.message
    with model_copy() as folder:
        (folder / "linear.json").unlink()
        with pytest.raises(ModelError) as info:
            load_model(folder)
        assert info.value.code == "E009" and "linear.json" in info.value.message


@PROPERTY
@given(cut=st.floats(0, 1, exclude_max=True))
def test_reliability_models_truncated_card_is_model_error(cut: float) -> None:
    with model_copy() as folder:
        blob = (folder / "card.json").read_bytes()
        (folder / "card.json").write_bytes(blob[: int(len(blob) * cut)])
        with pytest.raises(ModelError):
            load_model(folder)


@PROPERTY
@given(junk=st.binary(max_size=200) | st.text(max_size=100).map(str.encode))
def test_reliability_models_junk_card_is_model_error(junk: bytes) -> None:
    with model_copy() as folder:
        (folder / "card.json").write_bytes(junk)
        with pytest.raises(ModelError):
            load_model(folder)


@PROPERTY
@given(cut=st.floats(0, 1, exclude_max=True))
def test_reliability_models_truncated_resigned_npz_is_model_error(cut: float) -> None:
    with model_copy() as folder:
        blob = (folder / "linear.npz").read_bytes()
        (folder / "linear.npz").write_bytes(blob[: int(len(blob) * cut)])
        resign(folder)
        with pytest.raises(ModelError) as info:
            load_model(folder)
        assert info.value.code == "E010"


@settings(PROPERTY, max_examples=25)
@given(where=st.floats(0, 1, exclude_max=True), flip=st.integers(1, 255))
@example(where=0.5421143319470592, flip=8)  # a flipped bit in compressed data: zlib.error
def test_reliability_models_corrupted_resigned_npz_is_model_error_or_loads(
    where: float, flip: int
) -> None:
    with model_copy() as folder:
        blob = bytearray((folder / "linear.npz").read_bytes())
        blob[int(len(blob) * where)] ^= flip
        (folder / "linear.npz").write_bytes(bytes(blob))
        resign(folder)
        try:
            model = load_model(folder)
        except ModelError as err:
            assert err.code == "E010"
            return
    assert model.detector.coef_.ndim == 1


@pytest.mark.parametrize(
    "blob",
    [b"{not json", b"\xff\xfe\x00"],
    ids=["invalid JSON", "invalid UTF-8"],
)
def test_reliability_models_resigned_json_part_is_model_error(blob: bytes) -> None:
    with model_copy() as folder:
        (folder / "linear.json").write_bytes(blob)
        resign(folder)
        with pytest.raises(ModelError):
            load_model(folder)


def test_reliability_models_plain_npy_in_place_of_npz_is_model_error() -> None:
    buf = io.BytesIO()
    np.save(buf, np.zeros(3))
    with model_copy() as folder:
        (folder / "linear.npz").write_bytes(buf.getvalue())
        resign(folder)
        with pytest.raises(ModelError):
            load_model(folder)


def test_reliability_models_resigned_wrong_shape_is_model_error_at_load() -> None:
    with model_copy() as folder:
        with np.load(folder / "linear.npz") as npz:
            arrays = {key: npz[key] for key in npz.files}
        arrays["coef"] = arrays["coef"][:10]
        (folder / "linear.npz").write_bytes(npz_bytes(**arrays))
        resign(folder)
        with pytest.raises(ModelError):
            load_model(folder)


def test_reliability_models_card_cannot_name_files_outside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text('{"secret": 1}', encoding="utf-8")
    with model_copy() as folder:
        data = card(folder)
        rel = os.path.relpath(outside, folder)
        data["files"][rel] = hashlib.sha256(outside.read_bytes()).hexdigest()
        (folder / "card.json").write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(ModelError):
            load_model(folder)
