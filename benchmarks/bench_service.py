"""Bounded load test of ``veracity serve`` on loopback.

Starts the service in a subprocess on 127.0.0.1 (a fresh history database in
a temp folder), runs N concurrent clients for T seconds per phase, stops the
server and prints requests/s, p50/p99 latency and errors:

* ``uncached``: every request sends a different 600-word article (a request
  number is appended), so every request is a full analysis; its sentences
  repeat from request to request, so the server's per-sentence memos help;
* ``fresh``: every request a full analysis of a 600-word article none of
  whose sentences the server has seen (names and numbers drawn per request):
  the cost of real, unseen articles;
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


#: The same kinds of sentence with slots, so that no two requests share a sentence.
TEMPLATES = (
    "The {place} harbour authority said on {day} that the new ferry terminal will open in {month}.",
    "According to a statement from the {place} county council, repairs cost {n} million.",
    '"We expect the first results by {month}," the lead engineer told reporters in {place}.',
    "A spokesperson for the {place} ministry confirmed the {n} figures in an email on {day}.",
    "The report, published by the {place} statistics office, shows a {n} percent rise.",
    "We have all felt that the promises made in {place} last year were empty.",
    "This is an outrageous disgrace for {place} and everyone knows it.",
    "Officials said the water supply was restored to {n} districts of {place} by {day} evening.",
    "Frankly, it is the most shameful cover-up {place} has ever seen.",
    "The mayor of {place} told the council that the budget would be reviewed in {month}.",
    "Researchers at the {place} university said the estimate of {n} matched earlier data.",
    "Share this before they delete it, {place}!",
)
SYLLABLES = (
    "al",
    "bex",
    "cor",
    "dun",
    "el",
    "fen",
    "gal",
    "har",
    "ives",
    "kel",
    "lin",
    "mar",
    "nor",
    "ol",
    "pen",
    "ross",
    "stan",
    "tor",
    "wick",
    "yar",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _paragraphs(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))


def make_article(words: int = 600, seed: int = 7) -> str:
    """An invented article of about ``words`` words, in paragraphs of four sentences."""
    rng = random.Random(seed)
    picked: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(SENTENCES)
        picked.append(sentence)
        count += len(sentence.split())
    return _paragraphs(picked)


def place_name(k: int) -> str:
    """A made-up two-word place name; different ``k`` give different names."""
    digits: list[str] = []
    while k or len(digits) < 4:
        k, d = divmod(k, len(SYLLABLES))
        digits.append(SYLLABLES[d])
    return f"{''.join(digits[:2]).capitalize()} {''.join(digits[2:]).capitalize()}"


def fresh_article(words: int, seed: int) -> str:
    """Like :func:`make_article`, but every sentence names its own place (one per sentence
    and ``seed``), so articles of different seeds share no sentence."""
    rng = random.Random(seed)
    picked: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(TEMPLATES).format(
            place=place_name(seed * 1000 + len(picked)),
            day=rng.choice(DAYS),
            month=rng.choice(MONTHS),
            n=rng.randint(2, 999),
        )
        picked.append(sentence)
        count += len(sentence.split())
    return _paragraphs(picked)


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
    """Thread-safe request bodies: the same article (``same``), the article with the request
    number appended (``numbered``), or a :func:`fresh_article` per request (``fresh``)."""

    def __init__(self, text: str, mode: str) -> None:
        self.text = text
        self.mode = mode
        self.words = len(text.split())
        self.n = 0
        self.lock = threading.Lock()

    def __iter__(self) -> Bodies:
        return self

    def __next__(self) -> bytes:
        with self.lock:
            self.n += 1
            n = self.n
        if self.mode == "fresh":
            text = fresh_article(self.words, seed=n)
        elif self.mode == "numbered":
            text = f"{self.text}\n\nRequest number {n}."
        else:
            text = self.text
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
            warm = phase(port, "warm-up", Bodies(text, "numbered"), 2, 1.0)
            results = [
                phase(port, name, Bodies(text, mode), args.clients, args.seconds)
                for name, mode in (
                    ("uncached", "numbered"),
                    ("fresh", "fresh"),
                    ("cached", "same"),
                )
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
