"""The ``veracity`` command: a thin group over one module per command."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from ..errors import VeracityError

#: One module per command; each exposes a click command named ``command``.
COMMAND_MODULES = (
    "check",
    "train",
    "evaluate",
    "data",
    "score",
    "serve",
    "archive",
)


class _Group(click.Group):
    """Turns every expected error into one line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VeracityError as err:
            click.echo(f"veracity: error: {err}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="veracity")
def cli() -> None:
    """Credibility signals for news articles: a calibrated verdict and why."""


for _name in COMMAND_MODULES:
    cli.add_command(importlib.import_module(f"veracity.cli.{_name}").command)


def main() -> None:
    cli(prog_name="veracity")


if __name__ == "__main__":
    main()
