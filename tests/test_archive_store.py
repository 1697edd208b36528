"""The archive file: add, stats, remove, idempotence and clear errors on bad files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from veracity.archive import Archive, ArchiveError, default_path
from veracity.errors import DataError, InputError, NotFoundError

# Invented articles (not from any corpus).
RIVER = (
    "The Harlow river burst its banks on Tuesday after three days of heavy rain. "
    "Emergency crews evacuated forty families from the low-lying Millbrook estate. "
    "Mayor Ines Okafor said the new flood barrier had held along the eastern quay. "
    "Forecasters expect the water level to fall slowly by the weekend."
)
ORCHARD = (
    "Apple growers in the Vennel valley reported a record harvest this autumn. "
    "The cooperative said mild spring weather and fewer frosts had helped the blossom. "
    "Prices at the regional market fell by a tenth as crates piled up in the depots."
)
BRIDGE = (
    "Engineers closed the Caskett suspension bridge for urgent repairs to two cables. "
    "Commuters were told to expect delays of up to an hour on the ring road."
)


def frame(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"id": i, "text": t, "source": s, "title": f"title of {i}", "date": "2024-05-01"}
            for i, t, s in rows
        ]  # fmt: skip
    )


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "a.sqlite", timeout=0.2) as arc:
        arc.add_frame(frame(("river", RIVER, "gazette"), ("orchard", ORCHARD, "courier")))
        yield arc


def test_archive_add_and_stats(archive: Archive) -> None:
    info = archive.stats()
    assert info["documents"] == 2
    assert info["sentences"] == 7
    assert info["sources"] == {"courier": 1, "gazette": 1}
    assert info["terms"] > 30
    assert info["bytes"] > 0


def test_archive_add_is_idempotent(archive: Archive) -> None:
    assert archive.add_frame(frame(("river", RIVER, "gazette"))) == 0
    assert archive.add_frame(frame(("river-copy", RIVER.upper(), "gazette"))) == 0
    assert archive.stats()["documents"] == 2


def test_archive_add_replaces_changed_content(archive: Archive) -> None:
    assert archive.add_frame(frame(("river", BRIDGE, "gazette"))) == 1
    info = archive.stats()
    assert info["documents"] == 2
    assert info["sentences"] == 5
    assert archive.lookup([BRIDGE.split(". ")[0]])[0].status == "supported"
    assert archive.lookup([RIVER.split(". ")[0]])[0].status == "added"


def test_archive_add_skips_duplicates_within_one_frame(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.sqlite") as arc:
        rows = frame(("a", RIVER, "x"), ("b", RIVER, "x"), ("a", ORCHARD, "x"))
        assert arc.add_frame(rows) == 1
        assert arc.stats()["documents"] == 1


def test_archive_remove_by_id_and_source(archive: Archive) -> None:
    archive.add_frame(frame(("bridge", BRIDGE, "gazette")))
    terms_before = archive.stats()["terms"]
    assert archive.remove(["orchard", "no-such-id"]) == 1
    assert archive.stats()["terms"] < terms_before
    assert archive.lookup([ORCHARD.split(". ")[0]])[0].status == "added"
    assert archive.remove(source="gazette") == 2
    info = archive.stats()
    assert (info["documents"], info["sentences"], info["terms"]) == (0, 0, 0)


def test_archive_remove_needs_ids_or_source(archive: Archive) -> None:
    with pytest.raises(InputError):
        archive.remove()
    with pytest.raises(InputError):
        archive.remove(["river"], source="gazette")


def test_archive_reopens_with_its_content(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "a.sqlite"
    with Archive(path) as arc:
        arc.add_frame(frame(("river", RIVER, "gazette")))
    with Archive(path, create=False) as arc:
        assert arc.stats()["documents"] == 1
        assert arc.lookup([RIVER.split(". ")[1]])[0].status == "supported"


def test_archive_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="E001"):
        Archive(tmp_path / "absent.sqlite", create=False)
    assert not (tmp_path / "absent.sqlite").exists()


def test_archive_corrupted_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database at all \x00\x01\x02" * 200)
    with pytest.raises(ArchiveError, match=r"E015.*not a database"):
        Archive(path)


def test_archive_folder_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="E015"):
        Archive(tmp_path)


def test_archive_foreign_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("INSERT INTO meta VALUES ('schema', '999')")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="E015.*schema"):
        Archive(path)


def test_archive_locked_for_writing_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    Archive(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Archive(path, timeout=0.05) as arc:
            with pytest.raises(ArchiveError, match="E015.*locked"):
                arc.add_frame(frame(("river", RIVER, "gazette")))
            assert arc.lookup([RIVER])[0].status == "added"
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_archive_locked_exclusively_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    with Archive(path) as arc:
        arc.add_frame(frame(("river", RIVER, "gazette")))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE meta SET value = value")
    try:
        with pytest.raises(ArchiveError, match="E015.*locked"), Archive(path, timeout=0.05) as arc:
            arc.stats()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_archive_default_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VERACITY_ARCHIVE", str(tmp_path / "env.sqlite"))
    assert default_path() == tmp_path / "env.sqlite"
    monkeypatch.delenv("VERACITY_ARCHIVE")
    assert default_path().name == "archive.sqlite"


def test_archive_frame_needs_id_and_text(archive: Archive) -> None:
    with pytest.raises(DataError, match="E006"):
        archive.add_frame(pd.DataFrame({"body": [RIVER]}))


def test_archive_add_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("veracity.archive.api.BATCH", 2)
    texts = [RIVER, ORCHARD, BRIDGE] + [
        f"{BRIDGE} Traffic was diverted via route {n}." for n in "ABCD"
    ]
    rows = frame(*[(f"doc{i}", text, "wire") for i, text in enumerate(texts)])
    with Archive(tmp_path / "par.sqlite") as par, Archive(tmp_path / "seq.sqlite") as seq:
        assert par.add_frame(rows, workers=2) == seq.add_frame(rows, workers=1) == 7
        for key in ("documents", "sentences", "terms"):
            assert par.stats()[key] == seq.stats()[key]
        probe = [ORCHARD.split(". ")[1], "Traffic was diverted via route C."]
        assert [r.to_dict() for r in par.lookup(probe)] == [r.to_dict() for r in seq.lookup(probe)]


def test_archive_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(ArchiveError, match="E015"):
        Archive(blocker / "sub" / "a.sqlite")
