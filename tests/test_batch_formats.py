"""Chunked readers and finishers of veracity.batch.formats (no model needed)."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from veracity.batch.formats import (
    finish_csv,
    finish_jsonl,
    finish_parquet,
    input_format,
    materialize,
    open_source,
    output_format,
    record_line,
)
from veracity.batch.rows import COLUMNS, Row, RowError
from veracity.errors import InputError, NotFoundError


def _rows(path: Path, fmt: str, size: int = 2, **kw: str) -> list[list[Row]]:
    source = open_source(path, fmt, kw.get("text", "text"), kw.get("id", "id"))
    return [chunk.rows for chunk in source.chunks(size)]


def test_batch_formats_csv_reads_in_chunks_with_ids(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    pd.DataFrame({"id": ["x", "y", "z"], "text": ["one, two", "", "three\nfour"]}).to_csv(
        path, index=False
    )
    chunks = _rows(path, "csv")
    assert chunks == [[("x", "one, two", None), ("y", "", None)], [("z", "three\nfour", None)]]


def test_batch_formats_csv_without_id_column_numbers_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("body\nalpha\nbeta\ngamma\n", encoding="utf-8")
    rows = [r for chunk in _rows(path, "csv", text="body") for r in chunk]
    assert rows == [("0", "alpha", None), ("1", "beta", None), ("2", "gamma", None)]


def test_batch_formats_csv_missing_text_column_is_coded(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,body\n1,alpha\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E006\]"):
        _rows(path, "csv")


def test_batch_formats_csv_bad_bytes_reach_the_row_not_the_run(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,text\n1,caf\xe9 latte\n2,fine\n")
    rows = [r for chunk in _rows(path, "csv") for r in chunk]
    assert rows[1] == ("2", "fine", None)
    assert isinstance(rows[0][1], str) and "\udce9" in rows[0][1]


def test_batch_formats_empty_csv_has_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"")
    assert _rows(path, "csv") == []


def test_batch_formats_jsonl_marks_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "first"}\n\n{not json\n[1, 2]\n{"text": 7}\n'
        b'{"id": 9, "text": null}\n\xff\xfe\n'
    )
    rows = [r for chunk in _rows(path, "jsonl", size=3) for r in chunk]
    assert [r[0] for r in rows] == ["a", "1", "2", "3", "9", "5"]
    assert rows[0][1] == "first"
    assert isinstance(rows[1][1], RowError) and "[E013]" in rows[1][1].message
    assert isinstance(rows[2][1], RowError) and "not a JSON object" in rows[2][1].message
    assert rows[3][1] == 7 and rows[4][1] is None
    assert isinstance(rows[5][1], RowError) and "[E007]" in rows[5][1].message


def test_batch_formats_parquet_iterates_batches(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": ["a", "b", "c", None], "key": ["k1", None, "k3", "k4"]}), path)
    source = open_source(path, "parquet", "text", "key")
    assert source.total == 4
    rows = [r for chunk in source.chunks(3) for r in chunk.rows]
    assert rows == [("k1", "a", None), ("1", "b", None), ("k3", "c", None), ("k4", None, None)]


def test_batch_formats_folder_ids_are_sorted_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "two.html").write_text("<p>two</p>", encoding="utf-8")
    (tmp_path / "one.txt").write_text("one", encoding="utf-8")
    (tmp_path / "skip.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden" / "x.txt").write_text("x", encoding="utf-8")
    source = open_source(tmp_path, "dir", "text", "id")
    assert source.total == 2
    rows = [r for chunk in source.chunks(10) for r in chunk.rows]
    assert [r[0] for r in rows] == ["b/two.html", "one.txt"]
    read = materialize(rows, limit=5)
    assert isinstance(read[0][1], RowError) and "[E004]" in read[0][1].message
    assert read[1] == ("one.txt", b"one", None)


def test_batch_formats_detects_formats_and_refuses_others(tmp_path: Path) -> None:
    assert input_format(tmp_path) == "dir"
    assert input_format(tmp_path / "x.JSONL") == "jsonl"
    assert input_format(tmp_path / "x.txt", "csv") == "csv"
    assert output_format(tmp_path / "o.parquet") == "parquet"
    with pytest.raises(InputError, match=r"\[E012\]"):
        input_format(tmp_path / "x.xlsx")
    with pytest.raises(InputError, match=r"\[E013\]"):
        output_format(tmp_path / "o.txt")
    with pytest.raises(NotFoundError, match=r"\[E001\]"):
        open_source(tmp_path / "missing.csv", "csv", "text", "id")


def test_batch_formats_finishers_write_the_same_records(tmp_path: Path) -> None:
    columns = COLUMNS["verdict"]
    records: list[dict[str, Any]] = [
        {
            "id": "a,1",
            "probability": 0.1234,
            "verdict": "reliable",
            "abstain_reason": None,
            "error": None,
        },
        {
            "id": 'b"2',
            "probability": None,
            "verdict": None,
            "abstain_reason": None,
            "error": "[E002] input is empty: b",
        },
    ]
    lines = b"".join(record_line(r) for r in records)
    outs = {}
    for name, finish in (("csv", finish_csv), ("parquet", finish_parquet), ("jsonl", finish_jsonl)):
        partial = tmp_path / f"p.{name}.partial"
        partial.write_bytes(lines)
        finish(partial, tmp_path / f"out.{name}", columns)
        outs[name] = tmp_path / f"out.{name}"
    from_csv = pd.read_csv(outs["csv"], dtype=object, keep_default_na=False)
    assert list(from_csv.columns) == list(columns)
    assert from_csv["id"].tolist() == ["a,1", 'b"2']
    assert float(from_csv["probability"][0]) == 0.1234 and from_csv["probability"][1] == ""
    assert pq.read_table(outs["parquet"]).to_pylist() == records
    assert [json.loads(x) for x in outs["jsonl"].read_text("utf-8").splitlines()] == records


def _peak_bytes(read: Any) -> tuple[Any, int]:
    """What ``read()`` returns and the most memory Python held while it ran."""
    tracemalloc.start()
    try:
        result = read()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


#: The oversized row of the bounded-reading tests: far over the patched limit.
HUGE = 16_000_000


def test_batch_formats_jsonl_oversized_line_is_its_row_error_and_never_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("veracity.batch.formats.MAX_ROW_BYTES", 65_536, raising=False)
    path = tmp_path / "in.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "a", "text": "first"}) + "\n")
        handle.write('{"id": "b", "text": "' + "x" * HUGE + '"}\n')
        handle.write(json.dumps({"id": "c", "text": "third"}) + "\n")
    rows, peak = _peak_bytes(lambda: [r for chunk in _rows(path, "jsonl") for r in chunk])
    assert peak < HUGE / 2
    assert [r.id for r in rows] == ["a", "1", "c"]
    assert isinstance(rows[1].value, RowError) and rows[1].value.message.startswith("[E004]")
    assert "line 2" in rows[1].value.message
    assert rows[2].value == "third"


def test_batch_formats_csv_oversized_record_is_its_row_error_and_never_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("veracity.batch.formats.MAX_ROW_BYTES", 65_536, raising=False)
    path = tmp_path / "in.csv"
    quoted = "words, commas and\nline breaks " * (HUGE // 30) + 'then ""a quote""'
    path.write_text(f'id,text\nx,first\ny,"{quoted}"\nz,"third, ""quoted"""\n', encoding="utf-8")
    rows, peak = _peak_bytes(lambda: [r for chunk in _rows(path, "csv") for r in chunk])
    assert peak < HUGE / 2
    assert [r.id for r in rows] == ["x", "1", "z"]
    assert isinstance(rows[1].value, RowError) and rows[1].value.message.startswith("[E004]")
    assert rows[2].value == 'third, "quoted"'


def test_batch_formats_csv_oversized_header_is_coded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("veracity.batch.formats.MAX_ROW_BYTES", 100, raising=False)
    path = tmp_path / "in.csv"
    path.write_text("text," + "x" * 200 + "\nfine,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E004\].*header row"):
        _rows(path, "csv")


def test_batch_formats_parquet_oversized_cell_is_its_row_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("veracity.batch.formats.MAX_INPUT_BYTES", 1000, raising=False)
    path = tmp_path / "in.parquet"
    texts = ["short", "y" * 5000, None, "also short"]
    pq.write_table(pa.table({"text": texts, "title": ["t0", "t1", None, "z" * 2000]}), path)
    rows = [r for chunk in _rows(path, "parquet", size=3) for r in chunk]
    for (_, value, *_), what in (
        (rows[1], "5000 bytes, over the limit of 1000 bytes: 1"),
        (rows[3], "title of 3"),
    ):
        assert isinstance(value, RowError) and value.message.startswith("[E004]")
        assert what in value.message
    assert rows[0] == ("0", "short", "t0") and rows[2] == ("2", None, None)


def test_batch_formats_csv_total_is_counted_up_front(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(
        b'id,text\r\n1,"two\r\nlines"\r\n\r\n   \r\n2,"a ""quote"", then, commas"\r\n'
        b'3,5" screen\n4,"no newline at the end"'
    )
    source = open_source(path, "csv", "text", "id")
    rows = [r for chunk in source.chunks(2) for r in chunk.rows]
    assert source.total == len(rows) == 4
    assert rows[2].value == '5" screen'


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_batch_formats_titles_default_to_a_title_column(tmp_path: Path, fmt: str) -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "text": ["one", "two"], "title": ["T1", None]})
    frame["headline"] = ["H1", "H2"]
    path = tmp_path / f"in.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_parquet(path, index=False)
    titles = {
        name: [
            r.title for r in open_source(path, fmt, "text", "id", name).chunks(5).__next__().rows
        ]
        for name in (None, "headline", "")
    }
    empty = "" if fmt == "csv" else None
    assert titles == {None: ["T1", empty], "headline": ["H1", "H2"], "": [None, None]}
    if fmt != "jsonl":
        with pytest.raises(InputError, match=r"\[E006\].*'heading'"):
            open_source(path, fmt, "text", "id", "heading")


def test_batch_formats_csv_missing_column_is_found_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,body\n1,alpha\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E006\]"):
        open_source(path, "csv", "text", "id")


def test_batch_formats_full_report_is_nested_in_jsonl_and_a_string_elsewhere(
    tmp_path: Path,
) -> None:
    columns = COLUMNS["full"]
    report = {"verdict": "reliable", "sentences": [{"text": 'a "quoted"\nline'}]}
    records: list[dict[str, Any]] = [
        {"id": "a", "title": "T", "probability": 0.1, "verdict": "reliable",
         "abstain_reason": None, "error": None, "report": json.dumps(report)},
        {"id": "b", "title": None, "probability": None, "verdict": None,
         "abstain_reason": None, "error": "[E002] input is empty: b", "report": None},
    ]  # fmt: skip
    lines = b"".join(record_line(r) for r in records)
    got = {}
    for name, finish in (("csv", finish_csv), ("parquet", finish_parquet), ("jsonl", finish_jsonl)):
        partial = tmp_path / f"p.{name}.partial"
        partial.write_bytes(lines)
        finish(partial, tmp_path / f"out.{name}", columns)
        got[name] = tmp_path / f"out.{name}"
    nested = [json.loads(x) for x in got["jsonl"].read_text("utf-8").splitlines()]
    assert [r["report"] for r in nested] == [report, None]
    assert list(nested[0]) == list(columns)
    table = pq.read_table(got["parquet"]).to_pylist()
    assert json.loads(table[0]["report"]) == report and table[1]["report"] is None
    flat = pd.read_csv(got["csv"], dtype=object, keep_default_na=False)
    assert json.loads(flat["report"][0]) == report and flat["report"][1] == ""
