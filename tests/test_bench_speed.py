"""The speed benchmark's test articles: what every throughput in BENCHMARKS.md is measured on."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _bench_speed() -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_speed
    finally:
        sys.path.remove(str(BENCHMARKS))
    return bench_speed


def test_bench_speed_test_articles_are_distinct_and_full_length() -> None:
    bench_speed = _bench_speed()
    texts = [" ".join(f"w{i}x{j % 7}" for j in range(40 + 90 * (i % 9))) for i in range(30)]
    articles = bench_speed._test_articles(texts, 400)
    assert len(articles) == 400
    assert len(set(articles)) == 400
    assert {len(a.split()) for a in articles} == {bench_speed.WORDS}


def test_bench_speed_test_articles_stop_when_texts_run_out() -> None:
    with pytest.raises(SystemExit, match="distinct articles"):
        _bench_speed()._test_articles(["same words " * 250], 10)
