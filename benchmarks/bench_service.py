"""Bounded load test of ``veracity serve`` on loopback.

Starts the service in a subprocess on 127.0.0.1 (a fresh history database in
a temp folder), runs N concurrent clients for T seconds per phase, stops the
server and prints requests/s, p50/p99 latency and errors:

* ``uncached``: every request sends a different 600-word article (a request
  number is appended), so every request is a full analysis;
* ``cached``: every request sends the same article, answered from history.

Usage: ``python benchmarks/bench_service.py [--clients 16] [--seconds 10]
[--processes N] [--model DIR] [--json OUT]`` (``--processes`` defaults to one
server process per core).  Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

SENTENCES = (
    "The harbour authority said on Monday that the new ferry terminal will open in May.",
    "According to a statement from the county council, repairs to the bridge cost 4 million.",
    '"We expect the first results next spring," the lead engineer told reporters.',
    "A spokesperson for the ministry confirmed the figures in an email on Wednesday.",
    "The report, published by the regional statistics office, shows a two percent rise.",
    "We have all felt that the promises made last year were empty.",
    "This is an outrageous disgrace and everyone knows it.",
    "Officials said the water supply was restored to all districts by Tuesday evening.",
    "Frankly, it is the most shameful cover-up we have ever seen.",
    "The mayor told the council that the budget would be reviewed in the autumn.",
    "Researchers at the university said the estimate matched earlier data.",
    "Share this before they delete it!",
)


def make_article(words: int = 600, seed: int = 7) -> str:
    """An invented article of about ``words`` words, in paragraphs of four sentences."""
    rng = random.Random(seed)
    picked: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(SENTENCES)
        picked.append(sentence)
        count += len(sentence.split())
    paragraphs = [" ".join(picked[i : i + 4]) for i in range(0, len(picked), 4)]
    return "\n\n".join(paragraphs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    port: int, db: Path, model: Path | None, workers: int, processes: int = 1
) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "veracity.cli.main",
        "serve",
        "--port",
        str(port),
        "--db",
        str(db),
        "--workers",
        str(workers),
        "--processes",
        str(processes),
    ]
    if model is not None:
        cmd += ["--model", str(model)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"server exited early:\n{err}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/v1/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("server did not become healthy within 120 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def client(port: int, bodies: Any, stop_at: float, out: list[float], errors: list[str]) -> None:
    """One client on one keep-alive connection until ``stop_at``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    while time.monotonic() < stop_at:
        body = next(bodies)
        start = time.perf_counter()
        try:
            conn.request("POST", "/v1/analyze", body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(f"HTTP {resp.status}")
        except (OSError, http.client.HTTPException) as err:
            errors.append(type(err).__name__)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        out.append(time.perf_counter() - start)
    conn.close()


class Bodies:
    """Thread-safe request bodies: the same article, or a unique one per request."""

    def __init__(self, text: str, unique: bool) -> None:
        self.text = text
        self.unique = unique
        self.n = 0
        self.lock = threading.Lock()

    def __iter__(self) -> Bodies:
        return self

    def __next__(self) -> bytes:
        with self.lock:
            self.n += 1
            n = self.n
        text = f"{self.text}\n\nRequest number {n}." if self.unique else self.text
        return json.dumps({"text": text}).encode()


def phase(port: int, name: str, bodies: Bodies, clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(port, bodies, stop_at, latencies, errors))
        for _ in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return 1000 * ordered[min(int(q * len(ordered)), len(ordered) - 1)] if ordered else 0.0

    return {
        "phase": name,
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(1000 * ordered[-1], 1) if ordered else 0.0,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--workers", type=int, default=16, help="request threads of the server")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="server processes (default: one per core)",
    )
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: bundled)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    text = make_article(args.words)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="veracity-bench-") as tmp:
        proc = start_server(
            port, Path(tmp) / "history.sqlite", args.model, args.workers, args.processes
        )
        try:
            warm = phase(port, "warm-up", Bodies(text, unique=True), 2, 1.0)
            results = [
                phase(port, "uncached", Bodies(text, unique=True), args.clients, args.seconds),
                phase(port, "cached", Bodies(text, unique=False), args.clients, args.seconds),
            ]
        finally:
            stop_server(proc)
    summary = {
        "words": len(text.split()),
        "cpus": os.cpu_count(),
        "processes": args.processes,
        "warm_up_requests": warm["requests"],
        "phases": results,
    }
    print(
        f"article: {summary['words']} words; cpus: {summary['cpus']}; "
        f"server processes: {summary['processes']}"
    )
    print(
        f"{'phase':<9} {'clients':>7} {'req':>6} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'errors':>6}"
    )
    for r in results:
        print(
            f"{r['phase']:<9} {r['clients']:>7} {r['requests']:>6} {r['requests_per_s']:>7} "
            f"{r['p50_ms']:>7} {r['p99_ms']:>7} {r['max_ms']:>7} {r['errors']:>6}"
        )
    if args.json is not None:
        from veracity.atomic import atomic_write_text

        atomic_write_text(args.json, json.dumps(summary, indent=2) + "\n")
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
