"""``veracity archive``: keep an archive of trusted reporting and check articles against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..archive import Archive, SentenceProvenance, added_share
from ..errors import E, InputError
from ..text.inputs import read_input
from ..wording import counted

_DB = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive file (default: $VERACITY_ARCHIVE or ~/.local/share/veracity/archive.sqlite).",
)
_MAPPING_FIELDS = ("id", "title", "text", "source", "date")


def add(paths: list[Path], db: Path | None, mapping: dict[str, str], source: str | None) -> str:
    """Archive files or folders; return the summary line."""
    with Archive(db) as archive:
        added = archive.add_paths(paths, mapping=mapping or None, source=source)
        total = archive.stats()["documents"]
    return f"added {counted(added, 'article')}; the archive at {archive.path} holds {total}"


def stats(db: Path | None, as_json: bool) -> str:
    with Archive(db, create=False) as archive:
        info = archive.stats()
    if as_json:
        return json.dumps(info, indent=2)
    lines = [
        f"archive    {info['path']}",
        f"documents  {info['documents']}",
        f"sentences  {info['sentences']}",
        f"terms      {info['terms']}",
        f"size       {info['bytes'] / 1e6:.1f} MB",
        "sources    "
        + (", ".join(f"{name or '(none)'} {n}" for name, n in info["sources"].items()) or "-"),
    ]
    return "\n".join(lines)


def remove(db: Path | None, doc_ids: tuple[str, ...], source: str | None) -> str:
    if bool(doc_ids) == bool(source):
        raise InputError(E.E013, field="--id/--source", reason="give --id (repeatable) or --source")
    with Archive(db, create=False) as archive:
        removed = archive.remove(list(doc_ids) or None, source=source)
    return f"removed {counted(removed, 'article')}"


def lookup(source: str, db: Path | None, as_json: bool) -> str:
    """Provenance of every sentence of the article at ``source`` (a path or ``-``)."""
    document = read_input(source)
    with Archive(db, create=False) as archive:
        results = archive.lookup_text(document.text)
    share = added_share(results)
    if as_json:
        body: dict[str, Any] = {
            "added_share": round(share, 4),
            "sentences": [r.to_dict() for r in results],
        }
        return json.dumps(body, indent=2, ensure_ascii=False)
    return _render(results, share)


def _render(results: list[SentenceProvenance], share: float) -> str:
    lines = []
    for n, result in enumerate(results, start=1):
        lines.append(f"{n:>3} {result.status:<9} {result.text}")
        for match in result.matches[:1]:
            where = ", ".join(x for x in (match.doc_id, match.source, match.date) if x)
            lines.append(f"{'':>13} {match.similarity:.2f} [{where}] {match.passage}")
    lines.append(f"added share: {share:.0%} of tokens in sentences not found in the archive")
    return "\n".join(lines)


@click.group("archive")
def command() -> None:
    """Archive trusted reporting; say which sentences of an article it reproduces."""


@command.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_DB
@click.option("--source", help="Record this source for every added article.")
@click.option("--id-column", help="Column holding article ids (CSV/JSONL/Parquet).")
@click.option("--title-column", help="Column holding titles.")
@click.option("--text-column", help="Column holding the article text.")
@click.option("--source-column", help="Column holding the source (publisher).")
@click.option("--date-column", help="Column holding the date.")
def add_command(
    paths: tuple[Path, ...], db: Path | None, source: str | None, **columns: str | None
) -> None:
    """Add CSV, JSONL or Parquet files, .txt/.html files or folders of them."""
    mapping = {
        field: column
        for field in _MAPPING_FIELDS
        if (column := columns.get(f"{field}_column")) is not None
    }
    click.echo(add(list(paths), db, mapping, source))


@command.command("stats")
@_DB
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats_command(db: Path | None, as_json: bool) -> None:
    """Show what the archive holds."""
    click.echo(stats(db, as_json))


@command.command("remove")
@click.option("--id", "doc_ids", multiple=True, help="Id of an article to remove (repeatable).")
@click.option("--source", help="Remove every article of this source.")
@_DB
def remove_command(doc_ids: tuple[str, ...], source: str | None, db: Path | None) -> None:
    """Remove articles by id or by source."""
    click.echo(remove(db, doc_ids, source))


@command.command("lookup")
@click.argument("source", metavar="FILE|-")
@_DB
@click.option("--json", "as_json", is_flag=True, help="Print every sentence's provenance as JSON.")
def lookup_command(source: str, db: Path | None, as_json: bool) -> None:
    """Say, sentence by sentence, what an article reproduces from the archive."""
    click.echo(lookup(source, db, as_json))
