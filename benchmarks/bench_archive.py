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
    weights = 1.0 / np.arange(1, len(vocab) + 1) ** ZIPF
    return vocab[rng.choice(len(vocab), size=n_tokens, p=weights / weights.sum())]


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


def query_article(text: str, rng: np.random.Generator, vocab: np.ndarray) -> list[str]:
    """Seed-like copy: lower-cased lines, one word dropped or replaced in some, plus invented lines."""
    lines = []
    for sentence in text.split(". ")[:COPIED]:
        words = sentence.rstrip(".").lower().split()
        roll = rng.random()
        if roll < 0.25 and len(words) > 10:
            del words[int(rng.integers(len(words)))]
        elif roll < 0.5 and len(words) > 10:
            words[int(rng.integers(len(words)))] = str(vocab[int(rng.integers(len(vocab)))])
        lines.append(" ".join(words) + " .")
    for _ in range(INVENTED):
        lines.insert(int(rng.integers(len(lines) + 1)), " ".join(sentence_stream(rng, vocab, 18)))
    return lines


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
            start = time.perf_counter()
            added = archive.add_frame(frame)
            index_s = time.perf_counter() - start
            stats = archive.stats()
            picks = rng.choice(len(frame), size=args.queries, replace=False)
            queries = [query_article(frame["text"].iat[i], rng, vocab) for i in picks]
            archive.lookup(queries[0])
            times, supported, total = [], 0, 0
            for lines in queries:
                start = time.perf_counter()
                results = archive.lookup(lines)
                times.append((time.perf_counter() - start) * 1000)
                supported += sum(r.status == "supported" for r in results)
                total += len(results)
        real = shared_rate(Path(tmp) / "real.sqlite") if args.shared else ""
    times.sort()
    copied = args.queries * COPIED
    lines = [
        "## Provenance archive scale",
        "",
        "Regenerate: `.venv/bin/python benchmarks/bench_archive.py --write BENCHMARKS.md` "
        "(synthetic articles, seeded; 2 cores).",
        "",
        f"- index {added} articles ({stats['sentences']} sentences): {index_s:.1f} s "
        f"({added / index_s:.0f} articles/s); file {stats['bytes'] / 1e6:.0f} MB",
        f"- lookup of one article ({COPIED} copied + {INVENTED} invented lines), "
        f"{args.queries} articles: median {statistics.median(times):.1f} ms, "
        f"p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms",
        f"- lines judged supported: {supported}/{total} (copied lines: {copied})",
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
