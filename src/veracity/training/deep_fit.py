"""Fine-tuning the deep pipeline's encoder on every sentence task at once (the ``train`` extra).

Each step takes one batch of one task (batches of all tasks shuffled together with the
seed) and adds that task's loss: binary cross-entropy for the sentence heads (each
weighted to balance its classes), per-token binary cross-entropy for span
identification, cross-entropy over the techniques of the gold spans in the batch.
AdamW with linear warm-up and decay; the heads learn faster than the encoder.
Batches are cut from blocks sorted by length, so padding stays short.  Given its seed
the run is deterministic (one process, torch's deterministic algorithms).

After training, :func:`tune` sets each head's threshold on the tuning tenth of its
pool (:mod:`.deep_data`): a sentence head's threshold is folded into its bias, so the
run time reads every probability against 0.5 as the fast pipeline does.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from ..signals.deep.heads import SENTENCE_HEADS
from .deep_data import Example, TaskData
from .deep_model import MultiTask

#: Token-tag levels tried when the span threshold is tuned.
LEVELS = np.round(np.arange(0.05, 0.96, 0.01), 2)
#: Token precision (tuning tenth) a span must reach to be drawn ``strong``.
STRONG_PRECISION = 0.6


@dataclass(frozen=True)
class DeepConfig:
    seed: int = 13
    epochs: int = 3
    batch_size: int = 32
    max_length: int = 64
    ptc_max_length: int = 96
    lr: float = 5e-5
    head_lr: float = 1e-3
    warmup: float = 0.06
    #: Rows of ClaimBuster's training pool used (a seeded sample when the pool is larger, to
    #: fit the time budget; its 7,966 rows fit).
    claimbuster_rows: int = 8000
    #: The subjectivity head's tuning sentences: ``checkthat2025_dev_test`` (the CheckThat!
    #: 2025 dev-test split, kept out of training), or ``tenth`` (the pool's hash tenth).
    subjectivity_tuning: str = "checkthat2025_dev_test"
    threads: int = 2

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def pad(rows: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids padded with 0 to the longest row, and their attention mask."""
    width = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r, dtype=torch.long)
        mask[i, : len(r)] = 1
    return ids, mask


def batches(examples: Sequence[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Shuffled batches cut from blocks of 20 batches sorted by length."""
    order = list(examples)
    rng.shuffle(order)
    out = []
    block = size * 20
    for start in range(0, len(order), block):
        chunk = sorted(order[start : start + block], key=lambda e: len(e.ids))
        out += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    return out


class Losses:
    """The loss of one batch of any task."""

    def __init__(self, data: dict[str, TaskData]) -> None:
        self.pos_weight = {}
        for task in SENTENCE_HEADS:
            labels = [e.label for e in data[task].train]
            pos = max(1, sum(labels))
            self.pos_weight[task] = torch.tensor((len(labels) - pos) / pos)
        tags = [t for e in data["ptc"].train for t in e.tags]
        pos = max(1, sum(tags))
        self.tag_weight = torch.tensor((len(tags) - pos) / pos)

    def __call__(self, model: MultiTask, batch: list[Example]) -> torch.Tensor:
        ids, mask = pad([e.ids for e in batch])
        states = model.states(ids, mask)
        task = batch[0].task
        if task in SENTENCE_HEADS:
            logits = model.sentence_logits(states, mask)[:, SENTENCE_HEADS.index(task)]
            target = torch.tensor([float(e.label) for e in batch])
            loss_fn = nn.BCEWithLogitsLoss(pos_weight=self.pos_weight[task])
            return loss_fn(logits, target)
        tags = torch.zeros(ids.shape, dtype=torch.float32)
        for i, e in enumerate(batch):
            tags[i, : len(e.tags)] = torch.tensor(e.tags, dtype=torch.float32)
        per_token = nn.functional.binary_cross_entropy_with_logits(
            model.tag_logits(states), tags, pos_weight=self.tag_weight, reduction="none"
        )
        loss = (per_token * mask).sum() / mask.sum()
        spans = [(i, a, b, t) for i, e in enumerate(batch) for a, b, t in e.spans]
        if spans:
            logits = model.technique_logits(states, mask, spans)
            target = torch.tensor([t for *_, t in spans])
            loss = loss + nn.functional.cross_entropy(logits, target)
        return loss


def fit(
    model: MultiTask,
    data: dict[str, TaskData],
    config: DeepConfig,
    progress: Callable[[str], None] = print,
) -> MultiTask:
    """Train ``model`` in place on every task's ``train`` examples; return it."""
    seed_everything(config.seed, config.threads)
    rng = random.Random(config.seed)  # noqa: S311 - reproducible batches, not security
    losses = Losses(data)
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": list(model.encoder.parameters()), "lr": config.lr},
            {"params": head_params, "lr": config.head_lr},
        ],
        weight_decay=0.01,
    )
    plan = [
        [b for task in data.values() for b in batches(task.train, config.batch_size, rng)]
        for _ in range(config.epochs)
    ]
    for epoch in plan:
        rng.shuffle(epoch)
    total = sum(len(epoch) for epoch in plan)
    warm = max(1, int(total * config.warmup))

    def factor(step: int) -> float:
        return step / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    model.train()
    step, started, running = 0, time.monotonic(), 0.0
    for number, epoch in enumerate(plan, 1):
        for batch in epoch:
            loss = losses(model, batch)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            value = float(loss.detach())
            running = 0.98 * running + 0.02 * value if step > 1 else value
            if step % 100 == 0 or step == total:
                minutes = (time.monotonic() - started) / 60
                progress(f"epoch {number} step {step}/{total} loss {running:.3f} {minutes:.1f} min")
    model.eval()
    return model


@torch.no_grad()
def _outputs(
    model: MultiTask, examples: Sequence[Example], size: int = 64
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each example's sentence-head probabilities and token-tag probabilities, in order."""
    found: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    ordered = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    for start in range(0, len(ordered), size):
        rows = ordered[start : start + size]
        ids, mask = pad([examples[i].ids for i in rows])
        states = model.states(ids, mask)
        sent = torch.sigmoid(model.sentence_logits(states, mask)).numpy()
        tags = torch.sigmoid(model.tag_logits(states)).numpy()
        for k, i in enumerate(rows):
            found[i] = (sent[k], tags[k, : len(examples[i].ids)])
    return [found[i] for i in range(len(examples))]


def _f1(labels: np.ndarray, pred: np.ndarray, average: str) -> float:
    """F1 of ``pred``; the binary one on the class-balanced mix (see :func:`tune`)."""
    from sklearn.metrics import f1_score

    weight = None
    if average == "binary" and 0 < labels.sum() < len(labels):
        weight = np.where(labels == 1, (len(labels) - labels.sum()) / labels.sum(), 1.0)
    return float(f1_score(labels, pred, average=average, sample_weight=weight, zero_division=0))


def tune(model: MultiTask, data: dict[str, TaskData]) -> dict[str, Any]:
    """Thresholds from the tuning tenths: each sentence head's (folded into its bias) and
    the token tagger's weak and strong levels; returns them with their tuning scores.

    The heads learn class-balanced (``pos_weight``), so the check-worthy head's binary F1 is
    taken on the class-balanced tuning mix too: unweighted, the pool's 25% of check-worthy
    sentences pulled its threshold to 0.73-0.78, which lost 0.024 F1 on ClaimBuster's
    balanced test.  Macro-F1 (bias, subjectivity) weighs both classes already."""
    report: dict[str, Any] = {}
    for j, task in enumerate(SENTENCE_HEADS):
        examples = data[task].tuning
        probs = np.asarray([o[0][j] for o in _outputs(model, examples)])
        labels = np.asarray([e.label for e in examples])
        average = "binary" if task == "checkworthy" else "macro"
        scored = "balanced_binary" if average == "binary" else average
        scores = [_f1(labels, (probs >= t).astype(int), average) for t in LEVELS]
        best = float(LEVELS[int(np.argmax(scores))])
        best = min(max(best, 0.2), 0.8)
        with torch.no_grad():
            model.sentence.bias[j] -= math.log(best / (1 - best))
        report[task] = {
            "threshold": best,
            f"tuning_{scored}_f1": round(max(scores), 4),
            "tuning_rows": len(examples),
        }
    ptc = data["ptc"].tuning
    outs = _outputs(model, ptc)
    probs = np.concatenate([o[1][1:-1] for o in outs])
    tags = np.concatenate([np.asarray(e.tags[1:-1]) for e in ptc])
    f1s, precisions = [], []
    for t in LEVELS:
        pred = probs >= t
        hit = float((pred & (tags == 1)).sum())
        precision = hit / max(1.0, float(pred.sum()))
        recall = hit / max(1.0, float(tags.sum()))
        precisions.append(precision)
        f1s.append(2 * precision * recall / max(1e-9, precision + recall))
    weak = float(LEVELS[int(np.argmax(f1s))])
    strong = next(
        (
            float(t)
            for t, p in zip(LEVELS, precisions, strict=True)
            if t > weak and p >= STRONG_PRECISION
        ),
        min(0.95, weak + 0.2),
    )
    report["spans"] = {"weak": weak, "strong": strong, "tuning_token_f1": round(max(f1s), 4)}
    report["techniques"] = _technique_accuracy(model, ptc)
    return report


@torch.no_grad()
def _technique_accuracy(model: MultiTask, examples: Sequence[Example]) -> dict[str, Any]:
    hits = total = 0
    for start in range(0, len(examples), 64):
        batch = list(examples[start : start + 64])
        spans = [(i, a, b, t) for i, e in enumerate(batch) for a, b, t in e.spans]
        if not spans:
            continue
        ids, mask = pad([e.ids for e in batch])
        logits = model.technique_logits(model.states(ids, mask), mask, spans)
        hits += int((logits.argmax(1) == torch.tensor([t for *_, t in spans])).sum())
        total += len(spans)
    return {"tuning_accuracy": round(hits / max(1, total), 4), "tuning_spans": total}
