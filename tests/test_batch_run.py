"""score_file end to end: every input format, bad rows, workers, --resume."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from batch_support import article, corpus, make_model
from veracity.analyze import Analyzer
from veracity.batch import engines, score_file
from veracity.batch.resume import partial_paths
from veracity.config import MAX_INPUT_BYTES
from veracity.errors import InputError, NotFoundError

ROWS = corpus(40)


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_model(tmp_path_factory.mktemp("model"))


@pytest.fixture(scope="module")
def expected(model_dir: Path) -> dict[str, tuple[float, str]]:
    analyzer = Analyzer.load(model_dir)
    verdicts = analyzer.verdicts([t for _, t in ROWS])
    return {
        i: (round(v.probability, 4), v.verdict) for (i, _), v in zip(ROWS, verdicts, strict=True)
    }


def _write_input(folder: Path, fmt: str, rows: list[tuple[str, Any]]) -> Path:
    frame = pd.DataFrame({"id": [r[0] for r in rows], "text": [r[1] for r in rows]})
    if fmt == "csv":
        path = folder / "in.csv"
        frame.to_csv(path, index=False)
    elif fmt == "jsonl":
        path = folder / "in.jsonl"
        path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows))
    elif fmt == "parquet":
        path = folder / "in.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    else:
        path = folder / "docs"
        for i, text in rows:
            target = path / f"{i}.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return path


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "dir"])
def test_batch_run_scores_every_input_format(
    tmp_path: Path, model_dir: Path, expected: dict[str, tuple[float, str]], fmt: str
) -> None:
    source = _write_input(tmp_path, fmt, ROWS)
    out = tmp_path / "out.jsonl"
    summary = score_file(source, out, model_dir=model_dir, workers=1, chunk_size=7)
    records = _records(out)
    ids = [f"{i}.txt" for i, _ in ROWS] if fmt == "dir" else [i for i, _ in ROWS]
    assert [r["id"] for r in records] == ids
    assert [(r["probability"], r["verdict"]) for r in records] == [expected[i] for i, _ in ROWS]
    assert all(r["error"] is None for r in records)
    assert summary.rows == len(ROWS) and summary.errors == 0
    assert not any(p.exists() for p in partial_paths(out))


def test_batch_run_reads_html_files_as_text(tmp_path: Path, model_dir: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    body = article(7, loud=True)
    (folder / "page.html").write_text(
        f"<html><head><title>t</title><script>var x = 1;</script></head>"
        f"<body><article><p>{body}</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "plain.txt").write_text(body, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    score_file(folder, out, model_dir=model_dir, workers=1, fields="full")
    page, plain = _records(out)
    assert page["error"] is None and page["verdict"] in ("reliable", "unreliable", "uncertain")
    assert page["report"]["input_kind"] != plain["report"]["input_kind"]
    assert "var x" not in page["report"]["sentences"][0]["text"]


@pytest.mark.parametrize("suffix", ["csv", "parquet", "jsonl"])
def test_batch_run_output_formats_hold_the_same_rows(
    tmp_path: Path, model_dir: Path, suffix: str
) -> None:
    source = _write_input(tmp_path, "jsonl", ROWS[:10])
    reference = tmp_path / "ref.jsonl"
    score_file(source, reference, model_dir=model_dir, workers=1)
    out = tmp_path / f"out.{suffix}"
    score_file(source, out, model_dir=model_dir, workers=1)
    readers = {
        "csv": lambda p: pd.read_csv(p, dtype={"id": str}),
        "parquet": pd.read_parquet,
        "jsonl": lambda p: pd.read_json(p, lines=True, dtype={"id": str}),
    }
    got = readers[suffix](out)
    want = pd.read_json(reference, lines=True, dtype={"id": str})
    assert list(got.columns) == ["id", "probability", "verdict", "abstain_reason", "error"]
    assert got["id"].tolist() == want["id"].tolist()
    assert got["probability"].tolist() == want["probability"].tolist()
    assert got["verdict"].tolist() == want["verdict"].tolist()


def test_batch_run_bad_rows_get_coded_errors_and_never_stop_the_run(
    tmp_path: Path, model_dir: Path
) -> None:
    good = article(3, loud=False)
    rows: list[tuple[str, Any]] = [
        ("good1", good),
        ("empty", "   "),
        ("binary", "\x00\x01\x02\x03binary\x00\x00\x00\x00\x04\x05"),
        ("long", "word " * (MAX_INPUT_BYTES // 5 + 10)),
        ("number", 42),
        ("null", None),
        ("good2", good),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows) + "{broken\n"
    )
    out = tmp_path / "out.jsonl"
    summary = score_file(source, out, model_dir=model_dir, workers=2, chunk_size=3)
    by_id = {r["id"]: r for r in _records(out)}
    assert list(by_id) == [r[0] for r in rows] + ["7"]
    codes = {i: (r["error"] or "")[:6] for i, r in by_id.items()}
    assert codes == {
        "good1": "",
        "empty": "[E002]",
        "binary": "[E003]",
        "long": "[E004]",
        "number": "[E013]",
        "null": "[E002]",
        "good2": "",
        "7": "[E013]",
    }
    assert by_id["good1"]["probability"] == by_id["good2"]["probability"] is not None
    assert by_id["empty"]["probability"] is None and by_id["empty"]["verdict"] is None
    assert all("\n" not in (r["error"] or "") for r in by_id.values())
    assert summary.errors == 6


@pytest.mark.parametrize("warm_up", [0, engines.WARM_UP_CHUNKS])
def test_batch_run_worker_pool_matches_in_process(
    tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch, warm_up: int
) -> None:
    """With the scoring process's warm-up (it scores while the workers start) and without
    (every chunk scored by the workers)."""
    monkeypatch.setattr(engines, "WARM_UP_CHUNKS", warm_up)
    source = _write_input(tmp_path, "csv", ROWS)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    score_file(source, one, model_dir=model_dir, workers=1, chunk_size=5)
    score_file(source, two, model_dir=model_dir, workers=2, chunk_size=3)
    assert one.read_bytes() == two.read_bytes()


class _Stop(Exception):
    pass


def _stop_after(rows: int) -> Any:
    def hook(done: int) -> None:
        if done >= rows:
            raise _Stop

    return hook


def _strip_created(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for record in records:
        report = dict(record["report"])
        report.pop("created")
        out.append({**record, "report": report})
    return out


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_batch_run_resume_after_interrupt_equals_uninterrupted(
    tmp_path: Path, model_dir: Path, suffix: str
) -> None:
    source = _write_input(tmp_path, "jsonl", ROWS)
    whole, out = tmp_path / f"whole.{suffix}", tmp_path / f"out.{suffix}"
    score_file(source, whole, model_dir=model_dir, workers=2, chunk_size=4)
    with pytest.raises(_Stop):
        score_file(
            source, out, model_dir=model_dir, workers=2, chunk_size=4, on_chunk=_stop_after(12)
        )
    partial, state = partial_paths(out)
    assert not out.exists() and state.exists()
    assert 12 <= len(partial.read_bytes().splitlines()) < len(ROWS)
    with partial.open("ab") as handle:  # a torn last line, as after a kill mid-write
        handle.write(b'{"id": "a00099", "probab')
    summary = score_file(source, out, model_dir=model_dir, workers=2, chunk_size=5, resume=True)
    assert summary.resumed >= 12 and summary.rows == len(ROWS)
    assert out.read_bytes() == whole.read_bytes()
    assert not partial.exists() and not state.exists()


def test_batch_run_resume_of_full_reports_keeps_one_created_time(
    tmp_path: Path, model_dir: Path
) -> None:
    source = _write_input(tmp_path, "csv", ROWS[:12])
    whole, out = tmp_path / "whole.jsonl", tmp_path / "out.jsonl"
    score_file(source, whole, model_dir=model_dir, workers=1, chunk_size=4, fields="full")
    with pytest.raises(_Stop):
        score_file(
            source,
            out,
            model_dir=model_dir,
            workers=1,
            chunk_size=4,
            fields="full",
            on_chunk=_stop_after(4),
        )
    score_file(
        source, out, model_dir=model_dir, workers=1, chunk_size=4, fields="full", resume=True
    )
    resumed = _records(out)
    assert len({r["report"]["created"] for r in resumed}) == 1
    assert _strip_created(resumed) == _strip_created(_records(whole))


def test_batch_run_resume_refuses_other_settings_or_input(tmp_path: Path, model_dir: Path) -> None:
    source = _write_input(tmp_path, "jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    with pytest.raises(_Stop):
        score_file(
            source, out, model_dir=model_dir, workers=1, chunk_size=4, on_chunk=_stop_after(4)
        )
    with pytest.raises(InputError, match=r"\[E013\].*--resume.*fields"):
        score_file(source, out, model_dir=model_dir, workers=1, fields="full", resume=True)
    source.write_text(source.read_text() + json.dumps({"id": "new", "text": "x"}) + "\n")
    with pytest.raises(InputError, match=r"\[E013\].*--resume.*input"):
        score_file(source, out, model_dir=model_dir, workers=1, resume=True)
    summary = score_file(source, out, model_dir=model_dir, workers=1)
    assert summary.resumed == 0 and summary.rows == len(ROWS) + 1


def test_batch_run_rejects_bad_options(tmp_path: Path, model_dir: Path) -> None:
    source = _write_input(tmp_path, "csv", ROWS[:2])
    with pytest.raises(InputError, match=r"\[E013\].*chunk size"):
        score_file(source, tmp_path / "o.csv", model_dir=model_dir, chunk_size=0)
    with pytest.raises(InputError, match=r"\[E013\].*input file"):
        score_file(source, source, model_dir=model_dir, input_format_name="csv")
    with pytest.raises(InputError, match=r"\[E013\].*fields"):
        score_file(source, tmp_path / "o.csv", model_dir=model_dir, fields="everything")


def test_batch_run_unknown_pipeline_is_refused_before_any_file(
    tmp_path: Path, model_dir: Path
) -> None:
    source = _write_input(tmp_path, "csv", ROWS[:2])
    with pytest.raises(
        NotFoundError, match=r"\[E005\] unknown pipeline 'bogus'; known: fast, deep"
    ):
        score_file(source, tmp_path / "o.csv", model_dir=model_dir, pipeline="bogus")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def _titled_input(folder: Path, fmt: str, rows: list[tuple[str, str]], titles: list[Any]) -> Path:
    frame = pd.DataFrame(
        {"id": [r[0] for r in rows], "text": [r[1] for r in rows], "headline": titles}
    )
    path = folder / f"in.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    elif fmt == "jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_parquet(path, index=False)
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_batch_run_title_column_reaches_the_report_in_every_format(
    tmp_path: Path, model_dir: Path, fmt: str
) -> None:
    titles = ["SHOCKING:  they\tlied", None, "x" * 1001, "Council  approves budget"]
    source = _titled_input(tmp_path, fmt, ROWS[:4], titles)
    out = tmp_path / "out.jsonl"
    score_file(source, out, title_column="headline", fields="full", model_dir=model_dir, workers=1)
    records = _records(out)
    cleaned = ["SHOCKING: they lied", None, None, "Council approves budget"]
    assert [r["title"] for r in records] == cleaned
    assert [r["report"]["title"] if r["report"] else None for r in records] == cleaned
    assert records[2]["error"].startswith("[E013] invalid value for title of a00002")
    assert [r["error"] for r in records[:2] + records[3:]] == [None, None, None]
    flat = tmp_path / "out.csv"
    score_file(source, flat, title_column="", fields="full", model_dir=model_dir, workers=1)
    table = pd.read_csv(flat, dtype=object, keep_default_na=False)
    assert table["title"].tolist() == [""] * 4 and table["error"].tolist() == [""] * 4


def test_batch_run_verdict_fields_carry_no_title_column(tmp_path: Path, model_dir: Path) -> None:
    source = _titled_input(tmp_path, "csv", ROWS[:2], ["a", "b"])
    out = tmp_path / "out.jsonl"
    score_file(source, out, title_column="headline", model_dir=model_dir, workers=1)
    assert list(_records(out)[0]) == ["id", "probability", "verdict", "abstain_reason", "error"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_batch_run_missing_column_leaves_no_files(
    tmp_path: Path, model_dir: Path, fmt: str
) -> None:
    source = _write_input(tmp_path, fmt, ROWS[:3])
    out = tmp_path / "out" / "scores.csv"
    with pytest.raises(InputError, match=r"\[E006\]"):
        score_file(source, out, text_column="body", model_dir=model_dir)
    assert sorted(p.name for p in tmp_path.rglob("*")) == [source.name]
    with pytest.raises(InputError, match=r"\[E006\]"):
        score_file(source, out, title_column="headline", model_dir=model_dir)
    assert sorted(p.name for p in tmp_path.rglob("*")) == [source.name]


def test_batch_run_coded_error_mid_run_removes_only_its_own_partial_files(
    tmp_path: Path, model_dir: Path
) -> None:
    source = tmp_path / "in.csv"
    lines = [f"{i},{text}" for i, text in ROWS[:30]]
    source.write_text("id,text\n" + "\n".join(lines) + "\nbad,row,with,extra,fields\n")
    out = tmp_path / "out.csv"
    with pytest.raises(InputError, match=r"\[E013\].*Expected 2 fields"):
        score_file(source, out, model_dir=model_dir, workers=1, chunk_size=4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    partial, state = partial_paths(out)
    with pytest.raises(_Stop):
        score_file(
            source, out, model_dir=model_dir, workers=1, chunk_size=4, on_chunk=_stop_after(4)
        )
    kept = partial.read_bytes()
    with pytest.raises(InputError, match=r"\[E013\]"):
        score_file(source, out, model_dir=model_dir, workers=1, chunk_size=4, resume=True)
    assert partial.read_bytes().startswith(kept) and state.is_file() and not out.exists()


def test_batch_run_oversized_jsonl_line_is_its_row_error_and_the_run_goes_on(
    tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("veracity.batch.formats.MAX_ROW_BYTES", 100_000, raising=False)
    rows = [*ROWS[:2], ("huge", "word " * 60_000), *ROWS[2:4]]
    source = _write_input(tmp_path, "jsonl", rows)
    out = tmp_path / "out.csv"
    summary = score_file(source, out, model_dir=model_dir, workers=1, chunk_size=2)
    table = pd.read_csv(out, dtype=object, keep_default_na=False)
    assert table["id"].tolist() == ["a00000", "a00001", "2", "a00002", "a00003"]
    assert table["error"][2].startswith("[E004]") and "line 3" in table["error"][2]
    assert (table["error"][[0, 1, 3, 4]] == "").all() and summary.errors == 1
