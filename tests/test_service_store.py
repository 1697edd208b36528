"""The SQLite history: store, find, get, recent, WAL, concurrency."""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.errors import NotFoundError
from veracity.report import Report
from veracity.report_records import ModelInfo
from veracity.service.history import History, HistoryError, Maker
from veracity.text.inputs import content_hash

MODEL_A = ModelInfo(name="m", version="1", detector="d", sha256="a" * 64)
MODEL_B = ModelInfo(name="m", version="2", detector="d", sha256="b" * 64)


def _report(text: str, model: ModelInfo = MODEL_A, verdict: str = "reliable") -> Report:
    return Report(
        id=content_hash(text)[:16],
        created="2024-05-01T10:00:00+00:00",
        model=model,
        input_name="invented",
        input_kind="text",
        words=len(text.split()),
        probability=0.2,
        verdict=verdict,
        uncertain_band=(0.35, 0.65),
        abstain_reason=None,
    )


def test_service_store_add_find_get_roundtrip(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    text = "The port reopened on Friday, officials said."
    stored = history.add(_report(text), text)
    assert stored.text == text
    assert history.find(content_hash(text), Maker(MODEL_A.sha256)) == stored
    assert history.find(content_hash(text), Maker(MODEL_B.sha256)) is None
    got = history.get(stored.report["id"])
    assert got.as_report() == _report(text)


def test_service_store_uses_wal_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "h.sqlite"
    History(path).add(_report("Kept text."), "Kept text.")
    reopened = History(path)
    assert reopened.count() == 1
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_service_store_first_writer_wins(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    first = history.add(_report("Same."), "Same.")
    second = history.add(_report("Same.", verdict="unreliable"), "Same.")
    assert second == first
    assert history.count() == 1


def test_service_store_same_text_other_model_is_a_new_row(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    history.add(_report("Text."), "Text.")
    newer = _report("Text.", MODEL_B).model_copy(
        update={"probability": 0.9, "verdict": "unreliable"}
    )
    history.add(newer, "Text.")
    analysis_id = content_hash("Text.")[:16]
    assert history.get(analysis_id, MODEL_A.sha256).report["model"]["sha256"] == MODEL_A.sha256
    assert history.get(analysis_id, MODEL_B.sha256).report["verdict"] == "unreliable"
    assert history.count() == 2


def test_service_store_missing_id_raises_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="E017"):
        History(tmp_path / "h.sqlite").get("ffffffffffffffff")


def test_service_store_recent_is_newest_first(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    for i in range(5):
        history.add(_report(f"Article {i}."), f"Article {i}.")
    recent = history.recent(3)
    assert [r["id"] for r in recent] == [content_hash(f"Article {i}.")[:16] for i in (4, 3, 2)]
    assert recent[0]["verdict"] == "reliable"


def test_service_store_concurrent_writers_and_readers(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    texts = [f"Story number {i % 20}." for i in range(200)]

    def work(text: str) -> str:
        stored = history.add(_report(text), text)
        history.recent(5)
        return str(history.get(stored.report["id"]).report["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(work, texts))
    assert ids == [content_hash(t)[:16] for t in texts]
    assert history.count() == 20


def test_service_store_unusable_path_is_coded_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(HistoryError, match="E019"):
        History(blocker / "h.sqlite")


def test_service_store_title_is_part_of_the_content_key(tmp_path: Path) -> None:
    text = "The port reopened on Friday, officials said."
    assert content_hash(text, "") == content_hash(text)
    assert content_hash(text, "Port reopens") != content_hash(text)
    history = History(tmp_path / "h.sqlite")
    titled = _report(text).model_copy(update={"title": "Port reopens"})
    history.add(_report(text), text)
    history.add(titled, text)
    assert history.count() == 2
    found = history.find(content_hash(text, "Port reopens"), Maker(MODEL_A.sha256))
    assert found is not None and found.report["title"] == "Port reopens"


def test_service_store_rename_changes_the_name_and_nothing_else(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    text = "Kept text."
    stored = history.add(_report(text), text)
    renamed = history.rename(content_hash(text), Maker(MODEL_A.sha256), "new name")
    assert renamed.report == {**stored.report, "input_name": "new name"}
    assert history.get(stored.id) == renamed
    assert history.recent(5)[0]["input_name"] == "new name"
    assert "\n" not in renamed.report_json and '", "' not in renamed.report_json


@pytest.mark.parametrize("probability", [0.2, 1e-05, 0.123456789, 2.5e-07, 1.0])
def test_service_store_report_json_is_compact_and_parses_to_the_report(probability: float) -> None:
    report = _report("Caf\u00e9 \u201cquotes\u201d and a line\nbreak").model_copy(
        update={"probability": probability, "input_name": 'say "1e-5", 2e16'}
    )
    text = report.to_json()
    assert json.loads(text) == report.to_dict()
    assert "\n" not in text and text.startswith('{"id":"')


@settings(max_examples=300, deadline=None)
@given(st.floats(0.0, 1.0), st.text(max_size=20))
def test_service_store_report_json_any_probability_and_name(probability: float, name: str) -> None:
    report = _report("text").model_copy(update={"probability": probability, "input_name": name})
    assert json.loads(report.to_json()) == report.to_dict()


def test_service_store_pipelines_are_separate_rows(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    deep_model = MODEL_A.model_copy(update={"pipeline": "deep"})
    fast = history.add(_report("Text."), "Text.", signals_sha256="f" * 64)
    deep = history.add(_report("Text.", deep_model), "Text.", signals_sha256="d" * 64)
    assert history.count() == 2 and fast.id == deep.id
    assert history.find(content_hash("Text."), Maker(MODEL_A.sha256, "deep", "d" * 64)) == deep
    assert history.find(content_hash("Text."), Maker(MODEL_A.sha256, "deep", "e" * 64)) is None
    assert history.get(fast.id, pipeline="deep") == deep
    assert history.get(fast.id) == fast
    assert [r["pipeline"] for r in history.recent(5)] == ["deep", "fast"]
    with pytest.raises(NotFoundError):
        History(tmp_path / "other.sqlite").get(fast.id, pipeline="fast")


def test_service_store_table_from_before_pipelines_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE analyses (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, content_hash TEXT NOT NULL,
            model_sha256 TEXT NOT NULL, created TEXT NOT NULL, verdict TEXT NOT NULL,
            probability REAL NOT NULL, words INTEGER NOT NULL, input_name TEXT NOT NULL,
            input_kind TEXT NOT NULL, report_json TEXT NOT NULL, text TEXT NOT NULL,
            UNIQUE (content_hash, model_sha256)
        );
        CREATE INDEX analyses_id ON analyses (id);
        """
    )
    report = _report("Old text.")
    old.execute(
        "INSERT INTO analyses (id, content_hash, model_sha256, created, verdict, probability,"
        " words, input_name, input_kind, report_json, text) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (report.id, content_hash("Old text."), MODEL_A.sha256, report.created, "reliable",
         0.2, 2, "invented", "text", report.to_json(), "Old text."),
    )  # fmt: skip
    old.commit()
    old.close()
    history = History(path)
    assert history.get(report.id).as_report() == report
    assert history.recent(1)[0]["pipeline"] == "fast"
    assert history.find(content_hash("Old text."), Maker(MODEL_A.sha256)) is not None
    deep = _report("Old text.", MODEL_A.model_copy(update={"pipeline": "deep"}))
    history.add(deep, "Old text.")
    assert History(path).count() == 2
