"""The on-disk cache of load_articles: hits, misses on change, off switch, bad entries."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pandas as pd
import pytest

from veracity.data import cache, pipeline
from veracity.data.pipeline import load_articles

WORDS = [f"{a}{b}" for a in ("ba", "de", "fi", "go", "hu", "ja", "ke", "li") for b in "aeiou"]


def _text(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(40)) + "."


@pytest.fixture
def root(tmp_path: Path) -> Path:
    base = tmp_path / "shared" / "datasets" / "articles" / "perez_rosas_fakenewsamt_celebrity"
    for n, kind in enumerate(("fake", "legit")):
        path = base / "celebrityDataset" / kind / f"00{n}{kind}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Title\n\n{_text(n)}", encoding="utf-8")
    return tmp_path / "shared"


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("VERACITY_CACHE", str(folder))
    return folder


def _no_build(*_: object) -> None:
    raise AssertionError("the cached entry should have been used")


def test_cache_second_call_is_a_hit_with_equal_results(
    root: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame, stats = load_articles(root, ["celebrity"])
    assert len(list(cache_folder.glob("*.parquet"))) == 1
    monkeypatch.setattr(pipeline, "_build", _no_build)
    again, stats_again = load_articles(root, ["celebrity"])
    pd.testing.assert_frame_equal(again, frame, check_dtype=False)
    assert stats_again.to_dict() == stats.to_dict()


def test_cache_misses_when_data_or_options_change(root: Path, cache_folder: Path) -> None:
    load_articles(root, ["celebrity"])
    load_articles(root, ["celebrity"], dedup=False)
    assert len(list(cache_folder.glob("*.json"))) == 2
    path = next(root.rglob("000fake.txt"))
    path.write_text(f"Title\n\n{_text(7)}", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    frame, _ = load_articles(root, ["celebrity"])
    assert _text(7) in set(frame["text"])
    assert len(list(cache_folder.glob("*.json"))) == 3


def test_cache_off_writes_nothing(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERACITY_CACHE", "off")
    assert cache.cache_dir() is None
    load_articles(root, ["celebrity"])
    assert not list(tmp_path.rglob("*.parquet"))


def test_cache_bad_entry_is_ignored(root: Path, cache_folder: Path) -> None:
    frame, _ = load_articles(root, ["celebrity"])
    for path in cache_folder.glob("*.parquet"):
        path.write_bytes(b"not parquet")
    again, _ = load_articles(root, ["celebrity"])
    pd.testing.assert_frame_equal(again, frame, check_dtype=False)
