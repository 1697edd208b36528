"""The local engine's worker processes: how many cores each one's deep encoder takes, and the
scoring process's warm-up while they start."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from batch_support import make_model
from veracity.batch import engines
from veracity.batch.engines import EngineOptions, LocalEngine
from veracity.batch.rows import Job, Row, score_rows
from veracity.signals.pipelines import DEEP, FAST

#: Loads the deep analyser as a pool worker does, then scores in-process, recording the
#: ``(pipeline, threads)`` of every analyser load.
_LOADS = """
import os, sys
from veracity.analyze import Analyzer
from veracity.batch.engines import EngineOptions, LocalEngine, _start_worker
from veracity.batch.rows import Job, Row

loads = []
load = Analyzer.load.__func__


def spy(cls, model_dir=None, archive_path=None, pipeline="fast", threads=0):
    loads.append((pipeline, threads))
    return load(cls, model_dir, archive_path, pipeline, threads)


Analyzer.load = classmethod(spy)
_start_worker(None, os.getpid(), "deep")
model = sys.argv[1]
with LocalEngine(EngineOptions(1, model, "deep")) as engine:
    engine.submit([Row("a", "The mayor said the pier will reopen.")], Job("full", model, "t", "deep"))
print(loads)
"""


def test_batch_engines_deep_encoder_takes_one_core_per_pool_worker_and_all_in_process(
    tmp_path: Path,
) -> None:
    model = make_model(tmp_path / "model")
    out = subprocess.run(
        [sys.executable, "-c", _LOADS, str(model)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.strip() == "[('deep', 1), ('deep', 0)]"


def _chunk(i: int) -> list[Row]:
    return [Row(f"r{i}", f"The council said on Monday that bridge {i} will reopen in May.")]


def test_batch_engines_worker_start_after_the_pool_shut_down_is_quiet(tmp_path: Path) -> None:
    """A run shorter than its pool's start (a few rows scored during the warm-up, or an error
    in the first chunk) shuts the pool down while the thread that starts the workers may still
    be submitting to it: that thread then stops without an exception."""
    engine = LocalEngine(EngineOptions(2, str(make_model(tmp_path / "model")), FAST))
    engine._pool = ProcessPoolExecutor(max_workers=2)
    engine._pool.shutdown()
    engine._start_workers()
    assert engine._started.is_set() and engine._ready == []


def test_batch_engines_scoring_process_scores_while_the_workers_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until a worker is ready, a fast pipeline's chunks are scored in the scoring process (at
    most ``WARM_UP_CHUNKS`` of them), with the records the workers give; a deep one's never."""
    model = str(make_model(tmp_path / "model"))
    job = Job("verdict", model, "t", FAST)
    release = threading.Event()
    start = LocalEngine._start_workers

    def start_late(engine: LocalEngine) -> None:
        release.wait(60)
        start(engine)

    monkeypatch.setattr(engines, "WARM_UP_CHUNKS", 2)
    monkeypatch.setattr(LocalEngine, "_start_workers", start_late)
    with LocalEngine(EngineOptions(2, model, FAST)) as engine:
        futures = [engine.submit(_chunk(i), job) for i in range(3)]
        here = [f.done() for f in futures]
        release.set()
        records = [f.result() for f in futures]
    assert here == [True, True, False]
    assert records == [score_rows(_chunk(i), job) for i in range(3)]
    release.clear()
    with LocalEngine(EngineOptions(2, model, DEEP)) as engine:
        deep = engine.submit(_chunk(0), Job("verdict", model, "t", DEEP))
        assert not deep.done()
        release.set()
        assert deep.result() == score_rows(_chunk(0), Job("verdict", model, "t", DEEP))
