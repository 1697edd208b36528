"""``veracity evaluate``: the LODO protocol table, or a named task (sentence, provenance,
wrapped, pointing); a task's ``--write`` regenerates its own ``task-NAME`` section."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..config import data_root
from ..errors import E, InputError
from ..mdsections import update_section
from ..registry import tasks
from ..training.detector_fit import DEFAULT_CONFIG, TrainConfig

if TYPE_CHECKING:
    from ..experiments.lodo import LodoTable

LODO_COMMAND = "veracity evaluate --protocol lodo --write BENCHMARKS.md"


def lodo_markdown(config_path: Path | None, with_baseline: bool = True) -> str:
    """Run LODO and return the Markdown section for BENCHMARKS.md."""
    from ..batch.engines import available_cores
    from ..experiments.lodo import lodo

    config = TrainConfig.from_file(config_path or DEFAULT_CONFIG)
    table = lodo(
        data_root(),
        config,
        with_baseline=with_baseline,
        progress=lambda m: click.echo(m, err=True),
        workers=available_cores(),
    )
    cmd = LODO_COMMAND + (f" --config {config_path}" if config_path else "")
    return lodo_section(table, cmd)


def lodo_section(table: LodoTable, command: str) -> str:
    """The "lodo" section of BENCHMARKS.md for a finished table."""
    from ..experiments.lodo import markdown_table

    return "\n".join(
        [
            "## Leave-one-corpus-out (LODO)",
            "",
            f"Regenerate: `{command}` (needs `../shared` or `$VERACITY_DATA`).",
            "",
            "Each row trains on every other article corpus and tests on the one held out; "
            "the verdict threshold is the model's own (see the model card). The last row is an "
            "in-domain figure on a source-disjoint 80/20 split (no publisher on both sides). "
            "Published figures for training on one corpus and testing on another are roughly "
            "0.50-0.66 accuracy (the Hoy & Koulouri replication of ISOT -> Fake-or-Real averages 0.53); "
            "the peer row is the TF-IDF + logistic regression detector most public projects ship, "
            "run on raw, unscrubbed text (see ../shared/PEER_BASELINE.md, mean macro-F1 0.474).",
            "",
            markdown_table(table),
        ]
    )


LEVERS_COMMAND = "veracity evaluate --protocol levers --write BENCHMARKS.md --figures docs/figures"
HEADLINES_COMMAND = "veracity evaluate --protocol headlines --write BENCHMARKS.md"


def headlines_section(config_path: Path | None) -> str:
    """Run the protocol without and with titles on all cores: the "headlines" section."""
    from ..batch.engines import available_cores
    from ..experiments.headlines import headline_study, headlines_markdown

    config = TrainConfig.from_file(config_path or DEFAULT_CONFIG)
    start, workers = time.perf_counter(), available_cores()
    study = headline_study(
        data_root(), config, workers=workers, progress=lambda m: click.echo(m, err=True)
    )
    cmd = HEADLINES_COMMAND + (f" --config {config_path}" if config_path else "")
    return headlines_markdown(study, cmd, (time.perf_counter() - start) / 60, workers)


def levers_sections(figures: Path | None) -> dict[str, str]:
    """Run every lever under LODO on all cores: the "levers" and "lodo" sections, and figures."""
    from ..batch.engines import available_cores
    from ..experiments.figures import draw_figures
    from ..experiments.lever_study import corpus_median_threshold, lever_study, levers_markdown

    start, workers = time.perf_counter(), available_cores()
    study = lever_study(data_root(), workers=workers, progress=lambda m: click.echo(m, err=True))
    table, system = study.default_table()
    if figures is not None:
        draw_figures(table, system, study.heat, figures)
    minutes = (time.perf_counter() - start) / 60
    levers = levers_markdown(
        study.rows(), corpus_median_threshold(table, system), LEVERS_COMMAND, minutes, workers
    )
    return {"levers": levers, "lodo": lodo_section(table, LEVERS_COMMAND)}


SENTENCE_TASKS = ("ptc_si", "ptc_tc", "subjectivity", "claimbuster", "babe")
PUBLISHED = {"ptc_si": 0.51, "ptc_tc": 0.62, "subjectivity": 0.80, "babe": 0.80}


def run_task(name: str) -> dict[str, object]:
    """Run one registered task on the shared data (importing the experiments registers them)."""
    import veracity.experiments  # noqa: F401

    fn = tasks.get(f"veracity.task.{name}.v1")
    result: dict[str, object] = fn(data_root())  # type: ignore[assignment]
    return result


def sentence_tasks_markdown(results: dict[str, dict[str, object]]) -> str:
    """The sentence-task table for BENCHMARKS.md."""
    lines = [
        "## Sentence-level tasks",
        "",
        "Regenerate: `veracity evaluate --task sentence --write BENCHMARKS.md` "
        "(each task alone: `veracity evaluate --task NAME`).",
        "",
        "| task | split | metric | veracity | published (large transformers) | gap | speed, one process |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        metric = next(k for k in r if k.endswith("_f1") or k == "f1")
        ours = float(r[metric])  # type: ignore[arg-type]
        pub = PUBLISHED.get(name)
        speed = r.get("sentences_per_second") or r.get("spans_per_second")
        unit = "sentences/s" if "sentences_per_second" in r else "spans/s"
        lines.append(
            f"| {name} | {r.get('split', 'held-out')} | {metric} | {ours:.3f} | "
            f"{pub if pub is not None else 'n/a'} | {'' if pub is None else f'{ours - pub:+.3f}'} | "
            f"{speed} {unit} |"
        )
    lines += [
        "",
        "Published figures: SemEval-2020 Task 11 best systems (test set; ours are on the dev gold), "
        "CheckThat! 2025 Task 1 English best systems, the BABE paper. veracity's sentence models are "
        "hashed n-gram linear models and rules; a BERT-class model classifies on the order of tens "
        "of sentences per second on these 2 CPU cores.",
    ]
    return "\n".join(lines)


@click.command("evaluate")
@click.option(
    "--protocol",
    type=click.Choice(["lodo", "levers", "headlines"]),
    help="lodo: the LODO table; levers: every generalisation lever, plus figures; "
    "headlines: LODO and in-domain with and without titles.",
)
@click.option(
    "--task",
    "task",
    help="ptc_si, ptc_tc, subjectivity, claimbuster, babe, provenance, wrapped, pointing; "
    "'sentence' runs the first five.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Training config (JSON) the protocol trains with (default: the bundled model's).",
)
@click.option("--no-baseline", is_flag=True, help="Skip the peer baseline rows.")
@click.option(
    "--write",
    "write",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Regenerate this result's section of a Markdown file (e.g. BENCHMARKS.md).",
)
@click.option(
    "--figures",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --protocol levers: folder for the PNG figures.",
)
def command(
    protocol: str | None,
    task: str | None,
    config_path: Path | None,
    no_baseline: bool,
    write: Path | None,
    figures: Path | None,
) -> None:
    """Measure the detector (LODO) or a sentence-level task on held-out data."""
    if bool(protocol) == bool(task):
        raise InputError(E.E013, field="--protocol/--task", reason="give exactly one of them")
    if protocol == "levers":
        for name, section in levers_sections(figures).items():
            click.echo(section)
            if write:
                update_section(write, name, section)
        return
    if protocol == "lodo":
        section = lodo_markdown(config_path, with_baseline=not no_baseline)
        click.echo(section)
        if write:
            update_section(write, "lodo", section)
        return
    if protocol == "headlines":
        section = headlines_section(config_path)
        click.echo(section)
        if write:
            update_section(write, "headlines", section)
        return
    assert task is not None
    if task == "sentence":
        results = {name: run_task(name) for name in SENTENCE_TASKS}
        section = sentence_tasks_markdown(results)
        click.echo(section)
        if write:
            update_section(write, "sentence-tasks", section)
        return
    result = run_task(task)
    click.echo(json.dumps(result, indent=2))
    if write and isinstance(result.get("markdown"), str):
        update_section(write, f"task-{task}", str(result["markdown"]))
