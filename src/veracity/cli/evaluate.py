"""``veracity evaluate``: the LODO protocol table, or a named sentence/provenance task."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..config import data_root
from ..errors import E, InputError
from ..mdsections import update_section
from ..models.train import TrainConfig
from ..registry import tasks

LODO_COMMAND = "veracity evaluate --protocol lodo --write BENCHMARKS.md"


def lodo_markdown(config_path: Path | None, with_baseline: bool = True) -> str:
    """Run LODO and return the Markdown section for BENCHMARKS.md."""
    from ..evaluate import lodo, markdown_table

    config = TrainConfig.from_file(config_path) if config_path else TrainConfig()
    table = lodo(data_root(), config, with_baseline=with_baseline, progress=lambda m: click.echo(m, err=True))
    cmd = LODO_COMMAND + (f" --config {config_path}" if config_path else "")
    return "\n".join(
        [
            "## Leave-one-corpus-out (LODO)",
            "",
            f"Regenerate: `{cmd}` (needs `../shared` or `$VERACITY_DATA`).",
            "",
            "Each row trains on every other article corpus and tests on the one held out; "
            "threshold 0.5 on the calibrated probability. The last row is an in-domain figure "
            "on a source-disjoint 80/20 split (no publisher on both sides). "
            "Published figures for training on one corpus and testing on another are roughly "
            "0.50-0.66 accuracy (the Hoy & Koulouri replication of ISOT -> Fake-or-Real averages 0.53); "
            "the peer row is the TF-IDF + logistic regression detector most public projects ship, "
            "run on raw, unscrubbed text (see ../shared/PEER_BASELINE.md, mean macro-F1 0.474).",
            "",
            markdown_table(table),
        ]
    )


def run_task(name: str) -> dict[str, object]:
    fn = tasks.get(f"veracity.task.{name}.v1")
    result: dict[str, object] = fn(data_root())  # type: ignore[assignment]
    return result


@click.command("evaluate")
@click.option("--protocol", type=click.Choice(["lodo"]), help="Evaluation protocol for the article detector.")
@click.option("--task", "task", help="A registered task: ptc_si, ptc_tc, subjectivity, claimbuster, babe, provenance.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-baseline", is_flag=True, help="Skip the peer baseline rows.")
@click.option("--write", "write", type=click.Path(dir_okay=False, path_type=Path),
              help="Regenerate this result's section of a Markdown file (e.g. BENCHMARKS.md).")
def command(protocol: str | None, task: str | None, config_path: Path | None, no_baseline: bool,
            write: Path | None) -> None:
    """Measure the detector (LODO) or a sentence-level task on held-out data."""
    if bool(protocol) == bool(task):
        raise InputError(E.E013, field="--protocol/--task", reason="give exactly one of them")
    if protocol:
        section = lodo_markdown(config_path, with_baseline=not no_baseline)
        click.echo(section)
        if write:
            update_section(write, "lodo", section)
        return
    assert task is not None
    result = run_task(task)
    click.echo(json.dumps(result, indent=2))
    if write and isinstance(result.get("markdown"), str):
        update_section(write, f"task-{task}", str(result["markdown"]))
