"""``veracity data ...``: corpus statistics (readers, scrubbing, de-duplication)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from ..config import data_root
from ..data.corpora import ALL_CORPORA
from ..data.pipeline import load_articles
from ..data.readers import corpus_name


def stats_report(corpora: Sequence[str] = (), as_json: bool = False) -> str:
    """What ``veracity data stats`` prints for ``corpora`` (default: the article corpora)."""
    names = [corpus_name(c) for c in corpora]
    _, stats = load_articles(data_root(), names or None)
    if as_json:
        return json.dumps(stats.to_dict(), indent=2)
    return stats.table()


@click.group("data")
def command() -> None:
    """Inspect the research corpora veracity trains and evaluates on."""


@command.command("stats")
@click.option(
    "--corpus",
    "corpora",
    multiple=True,
    metavar="NAME",
    help="Corpus to include (repeatable; default: the article corpora). "
    f"Known: {', '.join(ALL_CORPORA)}.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def stats(corpora: tuple[str, ...], as_json: bool) -> None:
    """Rows read, dropped by each cleaning and de-duplication step, and label balance."""
    click.echo(stats_report(corpora, as_json))
