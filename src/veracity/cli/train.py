"""``veracity train``: train a detector from a validated config (or, with ``--pipeline deep``,
the deep sentence model) and save it with its card."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click

from ..config import data_root
from ..errors import E, InputError
from ..models.folder import LoadedModel
from ..signals.pipelines import DEEP, FAST, PIPELINES
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


def run_train_deep(out: Path, stage: str = "all") -> dict[str, Any]:
    """Fine-tune the deep pipeline's encoder and heads into ``out``, tune its spans, then fit
    its verdict; with ``stage="spans"`` or ``"verdict"``, only that step, on the encoder
    already in ``out``.  Return the card."""
    if stage in ("spans", "verdict"):
        from ..training.deep_train import fit_deep_spans, fit_deep_verdict

        if not (out / "card.json").is_file():
            raise InputError(
                E.E013, field=f"--stage {stage}", reason=f"{out} holds no deep model to tune"
            )
        step = fit_deep_spans if stage == "spans" else fit_deep_verdict
        return step(data_root(), out, progress=lambda m: click.echo(m, err=True))
    try:
        from ..training.deep_train import train_deep
    except ImportError as err:
        raise InputError(
            E.E013,
            field="--pipeline deep",
            reason=f"needs the 'train' extra ({err.name} is missing): "
            "pip install -c constraints.txt -e '.[train]'",
        ) from None
    command = shlex.join(["veracity", "train", "--pipeline", DEEP, "--out", str(out)])
    return train_deep(data_root(), out, command=command, progress=lambda m: click.echo(m, err=True))


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
@click.option(
    "--pipeline",
    type=click.Choice(list(PIPELINES)),
    default=FAST,
    show_default=True,
    help="fast: the article detector; deep: the sentence encoder and its heads "
    "(needs the 'train' extra: torch).",
)
@click.option(
    "--stage",
    type=click.Choice(["all", "spans", "verdict"]),
    default="all",
    show_default=True,
    help="With --pipeline deep: 'spans' only re-tunes how spans are drawn, 'verdict' only "
    "fits the article verdict, each on the encoder already in --out.",
)
def command(
    config_path: Path | None, out: Path, with_lodo: bool, pipeline: str, stage: str
) -> None:
    """Train a detector (or the deep sentence model) on the shared data and save it with its
    model card."""
    if pipeline != DEEP and stage != "all":
        raise InputError(E.E013, field="--stage", reason="needs --pipeline deep")
    if pipeline == DEEP:
        if config_path is not None or with_lodo:
            raise InputError(
                E.E013, field="--pipeline deep", reason="takes neither --config nor --with-lodo"
            )
        card = run_train_deep(out, stage)
        m = card["metrics"]
        v = card["verdict"]["summary"]
        click.echo(
            f"saved {out} (subjectivity {m['subjectivity']['macro_f1']:.3f}, "
            f"BABE {m['babe']['macro_f1']:.3f}, ClaimBuster {m['claimbuster']['binary_f1']:.3f}, "
            f"PTC SI {m['ptc_si']['f1']:.3f}, TC {m['ptc_tc']['micro_f1']:.3f}; verdict "
            f"{'shipped' if card['verdict']['shipped'] else 'not shipped'}: mean LODO macro-F1 "
            f"{v['fast']['mean_lodo_macro_f1']:.3f} -> {v['deep']['mean_lodo_macro_f1']:.3f}, "
            f"in-domain {v['fast']['in_domain_macro_f1']:.3f} -> "
            f"{v['deep']['in_domain_macro_f1']:.3f})"
        )
        return
    model = run_train(config_path, out, with_lodo=with_lodo)
    m = model.card["metrics"]["in_domain_source_disjoint"]
    click.echo(
        f"saved {out} (in-domain source-disjoint macro-F1 {m['macro_f1']:.3f}, AUC {m['roc_auc']:.3f})"
    )
