"""The speed benchmark's test articles: what every throughput in BENCHMARKS.md is measured on."""

from __future__ import annotations

import pytest

from benchmark_support import import_benchmark


def test_bench_speed_test_articles_are_distinct_and_full_length() -> None:
    bench_speed = import_benchmark("bench_speed")
    texts = [" ".join(f"w{i}x{j % 7}" for j in range(40 + 90 * (i % 9))) for i in range(30)]
    articles = bench_speed._test_articles(texts, 400)
    assert len(articles) == 400
    assert len(set(articles)) == 400
    assert {len(a.split()) for a in articles} == {bench_speed.WORDS}


def test_bench_speed_test_articles_stop_when_texts_run_out() -> None:
    with pytest.raises(SystemExit, match="distinct articles"):
        import_benchmark("bench_speed")._test_articles(["same words " * 250], 10)
