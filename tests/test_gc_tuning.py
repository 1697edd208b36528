"""A worker process tunes its garbage collector once its model is loaded; the caller's does not."""

from __future__ import annotations

import gc
import subprocess
import sys

from veracity.gc_tuning import OLDER_THRESHOLDS, YOUNG_THRESHOLD

_WORKER = """
import gc, os
from veracity.batch.engines import _start_worker
before = gc.get_threshold()
_start_worker(None, os.getpid())
print(before, gc.get_threshold(), gc.get_freeze_count() > 0)
"""


def test_gc_tuning_batch_worker_collects_young_objects_less_often() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _WORKER], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split("\n")[0]
    assert out == f"(700, 10, 10) {(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)} True"


def test_gc_tuning_library_use_leaves_the_callers_collector_alone() -> None:
    from veracity.analyze import Analyzer

    before = gc.get_threshold()
    Analyzer.load().analyze("A short text about the harbour and the ferry, said the mayor.")
    assert gc.get_threshold() == before
