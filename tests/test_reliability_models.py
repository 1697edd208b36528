"""Hostile model folders: tampered, truncated or re-signed files fail with ModelError, run no code.

``tests/test_models.py`` already covers a flipped byte in ``linear.npz``, a
truncated ``linear.npz`` and a missing card.  Here the attacker also rewrites
the card's sha256 table ("re-signed"), so only the loader's own checks stand
between the file and the process.  Pickle payloads would create a marker file
if they were ever unpickled; the marker must never appear.

The card's own decision fields (uncertain band, coverage floor...) are
checked too: an edit fails ``decision_sha256`` (E034), a malformed value is
E033, and an edit whose sha256 is recorded changes the model fingerprint, so
the service's history never answers with the old model's verdict.
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
from typing import Any, cast

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from service_support import article, make_client, make_model
from veracity.analyze import Analyzer
from veracity.cli.main import cli
from veracity.config import DEFAULT_MODEL_DIR
from veracity.errors import ModelError
from veracity.models.folder import load_model

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


#: The card fields that decide or label a verdict, as the card format defines them.
DECISION_FIELDS = (
    "name",
    "created",
    "detector",
    "config",
    "label_map",
    "uncertain_band",
    "threshold",
    "min_coverage",
)


def edit_card(folder: Path, record: bool = True, **fields: Any) -> None:
    """Set card fields; with ``record``, also record the sha256 of the decision fields."""
    data = card(folder)
    data.update(fields)
    if record:
        decision = {key: data[key] for key in DECISION_FIELDS if key in data}
        canonical = json.dumps(decision, sort_keys=True, separators=(",", ":")).encode("ascii")
        data["decision_sha256"] = hashlib.sha256(canonical).hexdigest()
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
    [name for name in sorted(PAYLOADS)],
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
    assert cast(Any, model.detector).model.coef_.ndim == 1


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


#: Edits of the bundled card that change what a verdict is (or what it is reported as).
DECISION_EDITS: dict[str, dict[str, Any]] = {
    "band emptied": {"uncertain_band": [0.0, 0.0]},
    "band widened": {"uncertain_band": [0.1, 0.9]},
    "coverage floor": {"min_coverage": 0.0},
    "threshold": {"threshold": 0.9},
    "config": {"config": {"min_coverage": 0.0}},
    "label map": {"label_map": {"reliable": 1, "unreliable": 0}},
    "name": {"name": "someone else's model"},
    "created": {"created": "2030-01-01T00:00:00+00:00"},
}


@pytest.mark.parametrize("edit", sorted(DECISION_EDITS))
def test_reliability_models_edited_decision_field_fails_its_sha256(edit: str) -> None:
    with model_copy() as folder:
        edit_card(folder, record=False, **DECISION_EDITS[edit])
        with pytest.raises(ModelError) as info:
            load_model(folder)
    assert info.value.code == "E034" and "decision_sha256" in info.value.message


def test_reliability_models_edited_detector_name_fails_its_sha256() -> None:
    with model_copy() as folder:
        edit_card(folder, record=False, detector="veracity.LinearNgram.v1")
        with pytest.raises(ModelError) as info:
            load_model(folder)
    assert info.value.code == "E034"


@pytest.mark.parametrize("edit", sorted(DECISION_EDITS))
def test_reliability_models_fingerprint_follows_every_decision_field(edit: str) -> None:
    original = load_model().fingerprint
    with model_copy() as folder:
        edit_card(folder, **DECISION_EDITS[edit])
        edited = load_model(folder)
        assert edited.fingerprint != original
        edit_card(folder, **{key: card(DEFAULT_MODEL_DIR)[key] for key in DECISION_EDITS[edit]})
        assert load_model(folder).fingerprint == original


def test_reliability_models_fingerprint_ignores_fields_that_decide_nothing() -> None:
    original = load_model().fingerprint
    with model_copy() as folder:
        edit_card(folder, limits=["edited"], metrics={}, command="edited")
        assert load_model(folder).fingerprint == original


def test_reliability_models_edited_band_is_not_answered_from_history(tmp_path: Path) -> None:
    """The issue's probe: same text, same P, band emptied; the history must not answer."""
    first_dir = make_model(tmp_path / "first")
    second_dir = tmp_path / "second"
    shutil.copytree(first_dir, second_dir)
    edit_card(second_dir, uncertain_band=[0.0, 0.0])
    text = article(3, loud=False, sentences=10)
    reports = []
    for folder in (first_dir, second_dir):
        with make_client(tmp_path, Analyzer(load_model(folder))) as client:
            response = client.post("/v1/analyze", json={"text": text})
        assert response.status_code == 200, response.text
        reports.append(response.json())
        assert response.headers["X-Veracity-Cache"] == "miss"
    first, second = reports
    assert first["probability"] == second["probability"]
    assert first["verdict"] != "unreliable" and second["verdict"] == "unreliable"
    assert first["model"]["sha256"] != second["model"]["sha256"]


MALFORMED: dict[str, dict[str, Any]] = {
    "band of letters": {"uncertain_band": "ab"},
    "band of strings": {"uncertain_band": ["nan", "inf"]},
    "band of NaN": {"uncertain_band": [float("nan"), float("inf")]},
    "band reversed": {"uncertain_band": [0.7, 0.3]},
    "band of one": {"uncertain_band": [0.2]},
    "band below 0": {"uncertain_band": [-0.1, 0.5]},
    "band of booleans": {"uncertain_band": [False, True]},
    "threshold above 1": {"threshold": 1.5},
    "coverage as text": {"min_coverage": "0.5"},
    "name as number": {"name": 5},
    "labels as text": {"label_map": {"reliable": "0", "unreliable": "1"}},
    "empty detector": {"detector": ""},
    "config as list": {"config": [1, 2]},
}


@pytest.mark.parametrize("edit", sorted(MALFORMED))
def test_reliability_models_malformed_decision_field_is_coded_error(edit: str) -> None:
    with model_copy() as folder:
        edit_card(folder, **MALFORMED[edit])
        with pytest.raises(ModelError) as info:
            load_model(folder)
    assert info.value.code == "E033"
    assert repr(next(iter(MALFORMED[edit]))) in info.value.message


def test_reliability_models_card_without_decision_sha256_is_coded_error() -> None:
    with model_copy() as folder:
        data = card(folder)
        del data["decision_sha256"]
        (folder / "card.json").write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(ModelError) as info:
            load_model(folder)
    assert info.value.code == "E033" and "decision_sha256" in info.value.message


@pytest.mark.parametrize("edit", ["band of letters", "band of strings"])
def test_reliability_models_cli_malformed_card_is_one_line_exit_2(edit: str) -> None:
    with model_copy() as folder:
        edit_card(folder, **MALFORMED[edit])
        result = CliRunner().invoke(
            cli, ["check", "--model", str(folder), "-"], input=article(1, loud=False).encode()
        )
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("veracity: error: [E033]"), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
