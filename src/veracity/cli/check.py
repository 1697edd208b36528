"""``veracity check FILE|-``: analyse one article and print the verdict."""

from __future__ import annotations

from pathlib import Path

import click

from ..analyze import Analyzer
from ..atomic import atomic_write_text
from ..signals.pipelines import DEEP, PIPELINES
from ..text.inputs import read_input
from ..views.html import render_html
from ..views.terminal import render_terminal

#: ``--color`` values and what they ask of the terminal view.
COLOR_CHOICES: dict[str, bool | None] = {"auto": None, "always": True, "never": False}


def check(
    source: str,
    as_json: bool = False,
    html: Path | None = None,
    model: Path | None = None,
    color: bool | None = None,
    archive: Path | None = None,
    debug: bool = False,
    pipeline: str = DEEP,
) -> str:
    """Analyse ``source`` (a path or ``-``); return what the CLI prints.

    ``color``: ANSI colours on (True), off (False) or when standard output is a terminal (None).
    ``debug``: the report carries each sentence's n-gram features (its ``debug`` key).
    ``pipeline``: the sentence signals, ``deep`` (a transformer) or ``fast`` (n-grams).
    """
    document = read_input(source)
    analyzer = Analyzer.load(model, archive_path=archive, pipeline=pipeline)
    report = analyzer.analyze(document, debug=debug)
    if html is not None:
        atomic_write_text(html, render_html(report, document.text))
    if as_json:
        return report.to_json(indent=2)
    return render_terminal(report, color=color)


@click.command("check")
@click.argument("source", metavar="FILE|-")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option(
    "--html",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a standalone HTML report.",
)
@click.option(
    "--model",
    type=click.Path(file_okay=False, path_type=Path),
    help="Model folder (default: bundled).",
)
@click.option(
    "--color",
    type=click.Choice(list(COLOR_CHOICES)),
    default="auto",
    show_default=True,
    help="Colours: always (also when piped), never, or auto (when a terminal).",
)
@click.option(
    "--archive",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive database: mark each sentence as supported by archived reporting, or added.",
)
@click.option(
    "--debug",
    is_flag=True,
    help="With --json: add each sentence's n-gram features (the model's inputs) under 'debug'.",
)
@click.option(
    "--pipeline",
    default=DEEP,
    show_default=True,
    type=click.Choice(list(PIPELINES)),
    help="Sentence signals: deep (a transformer, the best map of one article) or fast (n-grams).",
)
def command(
    source: str,
    as_json: bool,
    html: Path | None,
    model: Path | None,
    color: str,
    archive: Path | None,
    debug: bool,
    pipeline: str,
) -> None:
    """Analyse an article (text, HTML or the one-sentence-per-line corpus form)."""
    use = COLOR_CHOICES[color]
    out = check(
        source,
        as_json=as_json,
        html=html,
        model=model,
        color=use,
        archive=archive,
        debug=debug,
        pipeline=pipeline,
    )
    # click.echo strips ANSI codes from piped output unless told the colours are wanted.
    click.echo(out, color=use)
