"""``veracity.task.deep_verdict.v1``: the deep pipeline's verdict against the fast one.

The LODO protocol and the in-domain split, each fold refitting the fast detector and the deep
verdict on its training side (:func:`veracity.training.deep_verdict.evaluate_verdict`), with
the bundled deep encoder reading the sentence states.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..registry import tasks

COMMAND = "veracity evaluate --task deep_verdict --write BENCHMARKS.md"


@tasks.register("veracity.task.deep_verdict.v1")
def deep_verdict_task(root: Path) -> dict[str, Any]:
    """Macro-F1 and ROC-AUC of the fast and the deep verdict, per held-out corpus."""
    from ..batch.engines import available_cores
    from ..signals.deep.deep_signals import DeepSignalAnalyzer
    from ..signals.deep.verdict import NAME
    from ..training.deep_verdict import evaluate_verdict, frame_means, verdict_lines
    from ..training.detector_fit import DEFAULT_CONFIG, TrainConfig
    from .lodo import doc_cache

    def progress(message: str) -> None:
        click.echo(message, err=True)

    signals = DeepSignalAnalyzer.load()
    config = TrainConfig.from_file(DEFAULT_CONFIG)
    with doc_cache():
        frame, means = frame_means(
            Path(root), config, signals.vectors, signals.model.heads.size, progress
        )
        result = evaluate_verdict(Path(root), config, frame, means, available_cores(), progress)
    card = signals.cards["deep"].get("verdict", {})
    result.update(name=NAME, shipped=bool(card.get("shipped")), command=card.get("command", ""))
    intro = [
        f"Regenerate: `{COMMAND}` (needs `../shared` or `$VERACITY_DATA`; about ten minutes).",
        "",
        "Each row refits the fast detector and the deep verdict on the other corpora (or on the "
        "training side of the source-disjoint split) and scores the held-out articles at each "
        "model's own threshold; the deep encoder is the bundled one. Issue 19 lets the deep "
        "verdict ship only if it beats the fast verdict on both the mean LODO and the in-domain "
        "macro-F1.",
    ]
    lines = verdict_lines(result, "## Deep verdict: fast margin and sentence states, stacked")
    result["markdown"] = "\n".join([lines[1], "", *intro, *lines[2:]])
    return result
