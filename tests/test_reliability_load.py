"""The loopback load test of ``benchmarks/bench_service.py``, short and bounded, inside the suite.

It starts ``veracity serve --processes 2`` with the bundled model (two server
processes sharing one history database), runs concurrent clients for a
few seconds per phase (every request a fresh analysis of repeated sentences, then
of unseen ones, then the same article from history) and checks that every request
was answered 200.  Latency is printed by the benchmark, never asserted: tests do
not assert on time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmark_support import import_benchmark
from reliability_support import hang_guard
from veracity.text.sentences import split_sentences

pytestmark = pytest.mark.slow


def test_reliability_load_fresh_articles_share_no_sentence() -> None:
    bench_service = import_benchmark("bench_service")
    seen: set[str] = set()
    for seed in range(1, 41):
        article = bench_service.fresh_article(600, seed)
        sentences = [s.text for s in split_sentences(article)]
        assert 590 <= len(article.split()) <= 640
        assert not seen.intersection(sentences), seed
        seen.update(sentences)


def test_reliability_load_concurrent_clients_get_no_errors(tmp_path: Path) -> None:
    bench_service = import_benchmark("bench_service")
    out = tmp_path / "load.json"
    with hang_guard(180):
        code = bench_service.main(
            ["--clients", "8", "--seconds", "3", "--processes", "2", "--json", str(out)]
        )
    summary = json.loads(out.read_text(encoding="utf-8"))
    phases = {p["phase"]: p for p in summary["phases"]}
    assert set(phases) == {"uncached", "fresh", "cached"}
    for phase in phases.values():
        assert phase["requests"] > 0, phase
        assert phase["errors"] == 0, phase["error_kinds"]
    assert code == 0
