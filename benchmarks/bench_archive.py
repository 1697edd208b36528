"""Scale benchmark of the provenance archive: index N articles, time article lookups.

    .venv/bin/python benchmarks/bench_archive.py                 # 100k articles
    .venv/bin/python benchmarks/bench_archive.py --articles 20000 --queries 100
    .venv/bin/python benchmarks/bench_archive.py --shared        # + real-text ingest rate

Articles are synthetic, generated in-process from a seeded vocabulary (a Zipf
law over made-up words, sentence and article lengths like wire copy), so the
figures need no data and are repeatable.  Each query article copies
:data:`COPIED` sentences of an archived article with light edits, lower-cased
and one per line, and adds :data:`INVENTED` sentences of fresh words.
``--shared`` also indexes the reliable ISOT articles (Reuters copy) to report
the ingest rate on real text, where sentence splitting costs more.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from veracity.archive import Archive
from veracity.mdsections import update_section

SEED = 7
VOCAB = 200_000
ZIPF = 1.1
SENTENCES = (8, 25)
TOKENS = (8, 40)
COPIED = 14
INVENTED = 4


def make_vocab(rng: np.random.Generator) -> np.ndarray:
    """Made-up lower-case words of 3-11 letters, distinct, in a seeded order."""
    letters = np.array(list(string.ascii_lowercase))
    words: set[str] = set()
    while len(words) < VOCAB:
        for n in rng.integers(3, 12, size=VOCAB):
            words.add("".join(rng.choice(letters, size=n)))
    return np.array(sorted(words)[:VOCAB], dtype=object)[rng.permutation(VOCAB)]


def sentence_stream(rng: np.random.Generator, vocab: np.ndarray, n_tokens: int) -> np.ndarray:
    """``n_tokens`` words drawn from the vocabulary's Zipf law."""
    return vocab[rng.choice(len(vocab), size=n_tokens, p=_zipf(len(vocab)))]


@functools.cache
def _zipf(n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** ZIPF
    result: np.ndarray = weights / weights.sum()
    return result


def make_articles(n: int, rng: np.random.Generator, vocab: np.ndarray) -> pd.DataFrame:
    n_sent = rng.integers(*SENTENCES, size=n, endpoint=True)
    lengths = rng.integers(*TOKENS, size=int(n_sent.sum()), endpoint=True)
    words = sentence_stream(rng, vocab, int(lengths.sum()))
    ends = np.cumsum(lengths)
    sentences = [
        " ".join(words[e - k : e]).capitalize() + "." for e, k in zip(ends, lengths, strict=True)
    ]
    bounds = np.concatenate([[0], np.cumsum(n_sent)])
    texts = [" ".join(sentences[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return pd.DataFrame(
        {
            "id": [f"syn:{i}" for i in range(n)],
            "title": [f"Synthetic article {i}" for i in range(n)],
            "text": texts,
            "label": "",
            "original_label": "",
            "corpus": "synthetic",
            "source": [f"wire{i % 7}" for i in range(n)],
            "date": "2024-01-01",
        }
    )


def query_article(
    text: str, rng: np.random.Generator, vocab: np.ndarray
) -> tuple[list[str], list[bool]]:
    """Seed-like copy and which lines are copied: lower-cased lines, a word dropped or
    replaced in half of them, and invented lines of fresh words."""
    lines, copied = [], []
    for sentence in text.split(". ")[:COPIED]:
        words = sentence.rstrip(".").lower().split()
        roll = rng.random()
        if roll < 0.25 and len(words) > 10:
            del words[int(rng.integers(len(words)))]
        elif roll < 0.5 and len(words) > 10:
            words[int(rng.integers(len(words)))] = str(sentence_stream(rng, vocab, 1)[0])
        lines.append(" ".join(words) + " .")
        copied.append(True)
    for _ in range(INVENTED):
        at = int(rng.integers(len(lines) + 1))
        lines.insert(at, " ".join(sentence_stream(rng, vocab, 18)))
        copied.insert(at, False)
    return lines, copied


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def shared_rate(db: Path) -> str:
    from veracity.config import data_root
    from veracity.data.readers import load_corpus

    root = data_root(required=False)
    if not (root / "datasets").is_dir():
        return "shared datasets not found; real-text rate skipped"
    frame = load_corpus("isot", root)
    reliable = frame.loc[frame["label"] == "reliable"]
    with Archive(db) as archive:
        start = time.perf_counter()
        added = archive.add_frame(reliable)
        seconds = time.perf_counter() - start
    return f"real text (ISOT Reuters, {added} articles): {added / seconds:.0f} articles/s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", type=Path, help="keep the archive here (default: a temp folder)")
    parser.add_argument("--shared", action="store_true", help="also time real shared articles")
    parser.add_argument("--write", type=Path, help="regenerate this file's archive section")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(SEED)
    vocab = make_vocab(rng)
    start = time.perf_counter()
    frame = make_articles(args.articles, rng, vocab)
    print(f"generated {len(frame)} articles in {time.perf_counter() - start:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="veracity-bench-") as tmp:
        db = args.db or Path(tmp) / "archive.sqlite"
        with Archive(db, timeout=30) as archive:
            start, cpu = time.perf_counter(), cpu_seconds()
            added = archive.add_frame(frame)
            index_s, index_cpu = time.perf_counter() - start, cpu_seconds() - cpu
            stats = archive.stats()
            picks = rng.choice(len(frame), size=args.queries, replace=False)
            queries = [query_article(frame["text"].iat[i], rng, vocab) for i in picks]
            archive.lookup(queries[0][0])
            times: list[float] = []
            verdicts: list[tuple[bool, str]] = []
            for lines, copied in queries:
                start = time.perf_counter()
                results = archive.lookup(lines)
                times.append((time.perf_counter() - start) * 1000)
                verdicts += [(c, r.status) for c, r in zip(copied, results, strict=True)]
        real = shared_rate(Path(tmp) / "real.sqlite") if args.shared else ""
    times.sort()
    n_copied = sum(c for c, _ in verdicts)
    found = sum(c and s == "supported" for c, s in verdicts)
    false = sum(not c and s == "supported" for c, s in verdicts)
    lines = [
        "## Provenance archive scale",
        "",
        "Regenerate: `.venv/bin/python benchmarks/bench_archive.py --write BENCHMARKS.md` "
        "(synthetic articles from a seeded Zipf vocabulary, wire-copy lengths).",
        "",
        f"- index {added} articles ({stats['sentences']} sentences) on {os.cpu_count()} cores: "
        f"{index_s:.1f} s wall ({added / index_s:.0f} articles/s), {index_cpu:.0f} CPU s; "
        f"file {stats['bytes'] / 1e6:.0f} MB; load average {os.getloadavg()[0]:.1f}",
        f"- lookup of one article ({COPIED} copied + {INVENTED} invented lines), "
        f"{args.queries} articles: median {statistics.median(times):.1f} ms, "
        f"p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms",
        f"- copied lines supported {found}/{n_copied}; invented lines supported "
        f"{false}/{len(verdicts) - n_copied}",
    ]
    if real:
        lines.append(f"- {real}")
    body = "\n".join(lines)
    print(body)
    if args.write:
        update_section(args.write, "archive-scale", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
