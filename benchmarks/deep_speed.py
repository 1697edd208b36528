"""The deep pipeline's rows of ``bench_speed.py`` (issue 19), measured in the same run.

* full reports of ``veracity score --fields full --pipeline deep`` on every core, file to file;
* the naive reference: the same encoder in torch fp32, run once per task head (five passes:
  bias, subjectivity, check-worthiness, span tagging, techniques) over the same sentences,
  sorted by length and batched as the deep pipeline batches them, what separately fine-tuned
  models would cost; it needs the ``train`` extra (torch) and is left out without it;
* the cold start of ``veracity check FILE --pipeline deep`` (median of 5);
* the peak memory of the process tree of a deep ``veracity score`` of 2,000 articles.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from veracity.batch import score_file
from veracity.doc import make_doc

#: Encoder passes of the naive reference: one per task head.
NAIVE_PASSES = 5
#: Sentences per naive batch (the deep encoder's batches hold about as many at these lengths).
NAIVE_BATCH = 64


def naive_torch_rate(articles: Sequence[str]) -> float | None:
    """Articles per second of the naive reference over ``articles``' sentences (None without
    torch and the base model)."""
    try:
        import torch

        from veracity.training.deep_model import base_model_dir, build
    except ImportError:
        return None
    torch.set_num_threads(max(1, torch.get_num_threads()))
    model = build(14, base_model_dir()).eval()
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(96)
    sentences = [s.text for text in articles for s in make_doc(text).sentences]
    rows = sorted((e.ids for e in tokenizer.encode_batch(sentences)), key=len)
    start = time.perf_counter()
    with torch.no_grad():
        for _ in range(NAIVE_PASSES):
            for at in range(0, len(rows), NAIVE_BATCH):
                batch = rows[at : at + NAIVE_BATCH]
                width = len(batch[-1])
                ids = torch.zeros((len(batch), width), dtype=torch.long)
                mask = torch.zeros_like(ids)
                for i, r in enumerate(batch):
                    ids[i, : len(r)] = torch.tensor(r)
                    mask[i, : len(r)] = 1
                model.states(ids, mask)
    return len(articles) / (time.perf_counter() - start)


def measure_deep(
    tmp: Path,
    articles: Sequence[str],
    workers: int,
    model: Path | None,
    write_jsonl: Callable[[Path, Sequence[str]], Path],
    timed: Callable[[Callable[[], Any]], float],
    cold_start: Callable[..., float],
    peak_memory: Callable[..., dict[str, float]],
    n_full: int,
    n_memory: int,
) -> dict[str, float]:
    """The deep rows' figures (see the module doc)."""
    figures: dict[str, float] = {}
    sample = list(articles[:n_full])
    src = write_jsonl(tmp / "deep.jsonl", sample)
    seconds = timed(
        lambda: score_file(
            src, tmp / "deep-out.jsonl", workers=workers, model_dir=model, fields="full",
            pipeline="deep",
        )
    )  # fmt: skip
    figures["deep_full"] = len(sample) / seconds
    naive = naive_torch_rate(sample[: min(len(sample), 100)])
    if naive is not None:
        figures["naive_torch"] = naive
    figures["deep_cold_start"] = cold_start(tmp, articles[0], model, pipeline="deep")
    memory_src = write_jsonl(tmp / "deep-memory.jsonl", list(articles[:n_memory]))
    memory = peak_memory(
        memory_src, tmp / "deep-memory.csv", workers, model,
        extra=["--pipeline", "deep", "--fields", "full"],
    )  # fmt: skip
    figures["deep_mem_tree"] = memory["tree"]
    figures["deep_mem_rate"] = n_memory / memory["seconds"]
    return figures
