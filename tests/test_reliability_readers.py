"""Reliability of the file readers: any cell content gives records or a coded error.

Covers the generic labelled-corpus readers (``veracity.reader.csv.v1`` /
``jsonl.v1``) and the batch input readers (``veracity.batch.input.*.v1``).
Well-formed files with arbitrary cell contents must round-trip; junk files may
be refused, but only with a :class:`~veracity.errors.VeracityError`.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reliability_support import hang_guard
from veracity.batch.formats import open_source
from veracity.batch.rows import Row, RowError
from veracity.data.readers.base import unique_ids
from veracity.data.readers.generic import read_csv, read_jsonl
from veracity.errors import VeracityError

PROPERTY = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: Any character a UTF-8 file can hold: control characters and NUL included.
cell = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
label = st.sampled_from(["1", "0", "fake", "REAL", " true ", "Unreliable", "pants-fire"])
row = st.tuples(cell, cell, label, cell)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
json_row = st.dictionaries(
    st.sampled_from(["id", "text", "label", "title", "source", "date", "x"]), json_value
)


def _write_csv(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "label", "note"])
        writer.writerows(rows)


def _records_or_coded(read: Callable[[Path], pd.DataFrame], path: Path) -> pd.DataFrame | None:
    try:
        with hang_guard():
            return read(path)
    except VeracityError as err:
        assert err.code.startswith("E")
        return None


def _batch_rows(path: Path, fmt: str) -> list[Row] | None:
    try:
        with hang_guard():
            source = open_source(path, fmt, "text", "id")
            return [r for chunk in source.chunks(7) for r in chunk.rows]
    except VeracityError as err:
        assert err.code.startswith("E")
        return None


@PROPERTY
@given(rows=st.lists(row, min_size=1, max_size=12))
def test_reliability_readers_csv_cells_round_trip(rows: list[tuple[str, str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.csv"
        _write_csv(path, rows)
        frame = read_csv(path)
    kept = [r for r in rows if r[1].strip()]
    assert frame["text"].tolist() == [r[1] for r in kept]
    assert frame["id"].tolist() == unique_ids([r[0] for r in kept])
    assert set(frame["label"]) <= {"reliable", "unreliable"}


@PROPERTY
@given(rows=st.lists(json_row, max_size=8))
def test_reliability_readers_jsonl_values_give_records_or_coded_error(
    rows: list[dict[str, Any]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        frame = _records_or_coded(read_jsonl, path)
        unlabelled = _records_or_coded(lambda p: read_jsonl(p, labelled=False), path)
    for result in (frame, unlabelled):
        if result is not None:
            assert (result["text"].str.strip() != "").all()
            assert result["id"].is_unique


@PROPERTY
@given(rows=st.lists(st.tuples(cell, cell), max_size=12))
def test_reliability_readers_batch_csv_cells_round_trip(rows: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            writer.writerows(rows)
        read = _batch_rows(path, "csv")
    assert read == [(i, t, None) for i, t in rows]


#: CSV text with the characters that move record boundaries: quotes, commas, line breaks.
csv_text = st.text(st.sampled_from(['"', ",", "\n", "\r", " ", "\t", "a", "é"]), max_size=12)


@PROPERTY
@given(
    rows=st.lists(st.tuples(csv_text, csv_text), max_size=12),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_NONNUMERIC, csv.QUOTE_ALL]),
    end=st.sampled_from(["\n", "\r\n"]),
    blank=st.sampled_from(["", "\n", "  \n", "\t\r\n"]),
)
def test_reliability_readers_batch_csv_total_is_the_row_count(
    rows: list[tuple[str, str]], quoting: int, end: str, blank: str
) -> None:
    # A bare CR that the writer leaves unquoted is a line break to pandas: another file.
    bare_cr = any("\r" in cell for row in rows for cell in row)
    assume(end == "\r\n" or quoting != csv.QUOTE_MINIMAL or not bare_cr)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, quoting=quoting, lineterminator=end)  # type: ignore[arg-type]
            writer.writerow(["id", "text"])
            for row in rows:
                writer.writerow(row)
                handle.write(blank)
        try:
            with hang_guard():
                source = open_source(path, "csv", "text", "id")
                read = [r for chunk in source.chunks(5) for r in chunk.rows]
        except VeracityError as err:
            assert err.code.startswith("E")
            return
    assert source.total == len(read)


@PROPERTY
@given(rows=st.lists(json_row, max_size=10))
def test_reliability_readers_batch_jsonl_rows_are_values_or_row_errors(
    rows: list[dict[str, Any]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        read = _batch_rows(path, "jsonl")
    assert read is not None and len(read) == len(rows)
    for (row_id, value, title), item in zip(read, rows, strict=True):
        assert isinstance(row_id, str)
        assert value == item.get("text")
        assert title == item.get("title")


@PROPERTY
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".jsonl"]))
def test_reliability_readers_junk_files_give_records_or_coded_error(
    data: bytes, suffix: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"junk{suffix}"
        path.write_bytes(data)
        _records_or_coded(read_csv if suffix == ".csv" else read_jsonl, path)
        _batch_rows(path, suffix[1:])


DEEP_JSON = b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b', "label": "1", "id": "1"}\n'
GENERIC_REPRODUCERS = {
    "empty CSV (pandas EmptyDataError)": ("c.csv", b""),
    "header-only CSV (AttributeError in finish)": ("c.csv", b"id,text,label\n"),
    "unterminated quote (pandas ParserError)": ("c.csv", b'text,label\n"abc,1\n'),
    "invalid UTF-8 in JSONL (UnicodeDecodeError)": (
        "c.jsonl",
        b'{"text": "a\xff", "label": "1"}\n',
    ),
    "deeply nested JSON line (RecursionError)": ("c.jsonl", DEEP_JSON),
}
BATCH_REPRODUCERS = {
    "unterminated quote (pandas ParserError)": ("in.csv", b'text,id\n"abc,1\n'),
    "invalid UTF-8 in the CSV header (UnicodeEncodeError from pyarrow)": ("in.csv", b"\x80\n1\n"),
    "deeply nested JSON line (RecursionError)": ("in.jsonl", DEEP_JSON),
    "5000-digit id (ValueError from int conversion)": (
        "in.jsonl",
        b'{"text": "The pier reopened.", "id": ' + b"9" * 5000 + b"}\n",
    ),
}


@pytest.mark.parametrize("case", sorted(GENERIC_REPRODUCERS))
def test_reliability_readers_generic_reproducers_give_coded_errors(
    case: str, tmp_path: Path
) -> None:
    name, data = GENERIC_REPRODUCERS[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(VeracityError):
        (read_csv if name.endswith(".csv") else read_jsonl)(path)


@pytest.mark.parametrize("case", sorted(BATCH_REPRODUCERS))
def test_reliability_readers_batch_reproducers_give_rows_or_coded_errors(
    case: str, tmp_path: Path
) -> None:
    name, data = BATCH_REPRODUCERS[case]
    path = tmp_path / name
    path.write_bytes(data)
    rows = _batch_rows(path, name.rsplit(".", 1)[1])
    assert rows is None or all(isinstance(r.value, str | RowError) for r in rows)
