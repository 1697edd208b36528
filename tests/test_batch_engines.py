"""The local engine's worker processes: how many cores each one's deep encoder takes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from batch_support import make_model

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
