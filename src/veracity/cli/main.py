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
    """Imports each command's module only when it runs; turns every expected
    error into one line on stderr and exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMAND_MODULES:
            return None
        command: click.Command = importlib.import_module(f"veracity.cli.{cmd_name}").command
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VeracityError as err:
            from ..views.terminal import terminal_safe

            click.echo(f"veracity: error: {terminal_safe(str(err))}", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(package_name="veracity")
def cli() -> None:
    """Credibility signals for news articles: a calibrated verdict and why."""


def main() -> None:
    cli(prog_name="veracity")


if __name__ == "__main__":
    main()
