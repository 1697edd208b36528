"""``veracity train``: train a detector from a validated config and save it with its card."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ..config import data_root
from ..models.folder import LoadedModel
from ..training.detector_fit import DEFAULT_CONFIG, TrainConfig, train


def run_train(config_path: Path | None, out: Path, with_lodo: bool = False) -> LoadedModel:
    """Train per ``config_path`` (defaults when None) into ``out``."""
    config = TrainConfig.from_file(config_path or DEFAULT_CONFIG)
    root = data_root()
    extra = None
    if with_lodo:
        from ..batch.engines import available_cores
        from ..experiments.lodo import lodo

        table = lodo(root, config, with_baseline=False, workers=available_cores())
        summary = table.summary().iloc[0]
        extra = {
            "lodo": {
                "mean_macro_f1": round(float(summary["mean_macro_f1"]), 4),
                "worst_macro_f1": round(float(summary["worst_macro_f1"]), 4),
                "in_domain_macro_f1": round(float(summary["in_domain_macro_f1"]), 4),
                "per_corpus": {
                    r["held_out"]: {
                        k: round(float(r[k]), 4) for k in ("macro_f1", "roc_auc", "brier", "ece")
                    }
                    for r in table.rows
                    if r["held_out"] != "in-domain"
                },
            }
        }
    parts = ["veracity", "train", "--out", str(out)]
    parts += ["--config", str(config_path)] if config_path else []
    parts += ["--with-lodo"] if with_lodo else []
    return train(config, root, out, command=shlex.join(parts), extra_metrics=extra)


@click.command("train")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JSON training config (default: the built-in default config).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Model folder to write.",
)
@click.option(
    "--with-lodo", is_flag=True, help="Also run leave-one-corpus-out and record it in the card."
)
def command(config_path: Path | None, out: Path, with_lodo: bool) -> None:
    """Train a detector on the shared corpora and save it with its model card."""
    model = run_train(config_path, out, with_lodo=with_lodo)
    m = model.card["metrics"]["in_domain_source_disjoint"]
    click.echo(
        f"saved {out} (in-domain source-disjoint macro-F1 {m['macro_f1']:.3f}, AUC {m['roc_auc']:.3f})"
    )
