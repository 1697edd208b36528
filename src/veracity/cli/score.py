"""``veracity score IN -o OUT``: score a whole file or folder of articles."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..signals.pipelines import FAST, PIPELINES
from ..wording import counted


@click.command("score")
@click.argument("source", metavar="IN", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file: .csv, .jsonl or .parquet.",
)
@click.option(
    "--format",
    "input_format",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", "csv", "jsonl", "parquet", "dir"]),
    help="Input format (auto: from the extension; a folder is 'dir').",
)
@click.option(
    "--text-column", default="text", show_default=True, help="Column holding the article."
)
@click.option(
    "--id-column",
    default="id",
    show_default=True,
    help="Column holding the id (missing: the row number).",
)
@click.option(
    "--title-column",
    metavar="NAME",
    default=None,
    help="Column holding the headline (default: 'title' when the input has it; '' for none).",
)
@click.option(
    "--fields",
    default="verdict",
    show_default=True,
    type=click.Choice(["verdict", "full"]),
    help="verdict: id, probability, verdict, abstain_reason, error; full: plus title and report.",
)
@click.option("--resume", is_flag=True, help="Continue an interrupted run from OUT.partial.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--chunk-size", type=int, default=64, show_default=True, help="Articles per task.")
@click.option(
    "--engine",
    default="local",
    show_default=True,
    type=click.Choice(["local", "dask"]),
    help="local: this machine's cores; dask: a Dask cluster (optional extra).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Dask scheduler address (--engine dask; default: a local cluster).",
)
@click.option(
    "--model",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Model folder (default: bundled).",
)
@click.option(
    "--pipeline",
    default=FAST,
    show_default=True,
    type=click.Choice(list(PIPELINES)),
    help="Sentence signals: fast (hashed n-grams, for many articles) or deep (a transformer).",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def command(
    source: Path,
    out: Path,
    input_format: str,
    text_column: str,
    id_column: str,
    title_column: str | None,
    fields: str,
    resume: bool,
    workers: int | None,
    chunk_size: int,
    engine: str,
    scheduler: str | None,
    model: Path | None,
    pipeline: str,
    quiet: bool,
) -> None:
    """Score every article of IN and write one row per article to the -o file.

    IN is a CSV, JSON Lines or Parquet file, or a folder of .txt/.html files.
    Rows keep the input order; a bad row gets a coded message in its error
    column and the run goes on.
    """
    from ..batch.run import score_file

    summary = score_file(
        source,
        out,
        input_format_name=input_format,
        text_column=text_column,
        id_column=id_column,
        title_column=title_column,
        fields=fields,
        resume=resume,
        workers=workers,
        chunk_size=chunk_size,
        engine=engine,
        scheduler=scheduler,
        model_dir=model,
        pipeline=pipeline,
        progress=not quiet and sys.stderr.isatty(),
    )
    errors = "1 with an error" if summary.errors == 1 else f"{summary.errors} with errors"
    resumed = f", {summary.resumed} from the earlier run" if summary.resumed else ""
    click.echo(
        f"scored {counted(summary.rows, 'article')} ({errors}{resumed}) -> {summary.out}", err=True
    )
