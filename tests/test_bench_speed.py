"""The speed benchmark's test articles: what every throughput in BENCHMARKS.md is measured on."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmark_support import BENCHMARKS, import_benchmark


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


def test_bench_speed_import_leaves_scikit_learn_and_torch_out() -> None:
    """Every batch worker of the measured runs re-imports the benchmark's main module (as
    multiprocessing does); the reference's scikit-learn there would slow each worker's start
    by more than a second that ``veracity score`` itself never pays."""
    code = (
        f"import sys; sys.path.insert(0, {str(BENCHMARKS)!r}); import bench_speed; "
        "print(sorted(m for m in ('sklearn', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
