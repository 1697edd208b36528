"""Timing and memory helpers shared by the speed benchmarks (``bench_speed.py``, ``deep_speed.py``)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def cpu(fn: Callable[[], Any]) -> float:
    """CPU seconds of this process while ``fn`` runs (robust to other load on the machine)."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def median_time(fn: Callable[[], Any], repeats: int) -> float:
    return statistics.median(timed(fn) for _ in range(repeats))


def veracity_exe() -> str:
    exe = Path(sys.executable).with_name("veracity")
    return str(exe) if exe.exists() else "veracity"


def model_args(model: Path | None) -> list[str]:
    return ["--model", str(model)] if model is not None else []


def cold_start(folder: Path, article: str, model: Path | None, pipeline: str = "fast") -> float:
    path = folder / "article.txt"
    path.write_text(article, encoding="utf-8")
    cmd = [veracity_exe(), "check", str(path), "--pipeline", pipeline, *model_args(model)]
    subprocess.run(cmd, check=True, capture_output=True)  # warm the file cache
    return median_time(lambda: subprocess.run(cmd, check=True, capture_output=True), 5)


def score_command(
    source: Path, out: Path, model: Path | None, extra: Sequence[str] = ()
) -> list[str]:
    """``veracity score SOURCE -o OUT --quiet`` with the model and ``extra`` options."""
    return [
        veracity_exe(),
        "score",
        str(source),
        "-o",
        str(out),
        "--quiet",
        *model_args(model),
        *extra,
    ]


def cli_seconds(source: Path, out: Path, model: Path | None, extra: Sequence[str] = ()) -> float:
    """Seconds of ``veracity score SOURCE`` run as a new process, its start included."""
    cmd = score_command(source, out, model, extra)
    return timed(lambda: subprocess.run(cmd, check=True, capture_output=True))


def peak_memory(
    big: Path, out: Path, workers: int, model: Path | None, extra: Sequence[str] = ()
) -> dict[str, float]:
    import psutil

    cmd = score_command(big, out, model, ["--workers", str(workers), *extra])
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE)
    root = psutil.Process(proc.pid)
    peaks: dict[int, float] = {}
    cpu: dict[int, float] = {}
    tree_peak = 0.0
    while proc.poll() is None:
        try:
            members = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        total = 0.0
        for member in members:
            try:
                rss = member.memory_info().rss / 2**20
                times = member.cpu_times()
            except psutil.NoSuchProcess:
                continue
            cpu[member.pid] = times.user + times.system
            peaks[member.pid] = max(peaks.get(member.pid, 0.0), rss)
            total += rss
        tree_peak = max(tree_peak, total)
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"veracity score failed: {err.decode()}")
    others = [v for pid, v in peaks.items() if pid != proc.pid]
    return {
        "parent": peaks.get(proc.pid, 0.0),
        "worker": max(others, default=0.0),
        "tree": tree_peak,
        "seconds": seconds,
        "cpu": sum(cpu.values()),
    }
