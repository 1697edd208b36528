"""Worker processes: the collector tuned once the model is loaded (the caller's is not), pid checks."""

from __future__ import annotations

import gc
import subprocess
import sys

from veracity.processes import OLDER_THRESHOLDS, YOUNG_THRESHOLD

_WORKER = """
import gc, os
from veracity.batch.engines import _start_worker
before = gc.get_threshold()
_start_worker(None, os.getpid())
print(before, gc.get_threshold(), gc.get_freeze_count() > 0)
"""


def test_processes_batch_worker_collects_young_objects_less_often() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _WORKER], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split("\n")[0]
    assert out == f"(700, 10, 10) {(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)} True"


def test_processes_library_use_leaves_the_callers_collector_alone() -> None:
    from veracity.analyze import Analyzer

    before = gc.get_threshold()
    Analyzer.load().analyze("A short text about the harbour and the ferry, said the mayor.")
    assert gc.get_threshold() == before


def test_processes_pid_alive_tells_a_live_process_from_a_finished_one() -> None:
    import os

    from veracity.processes import pid_alive

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=60)
    assert pid_alive(os.getpid())
    assert not pid_alive(child.pid)
