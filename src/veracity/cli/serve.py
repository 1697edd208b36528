"""``veracity serve``: the REST service and the web page, on uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ..service.settings import SETTINGS_ENV, Settings, default_db_path


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    db: Path | None = None,
    allow_url: bool = False,
    model: Path | None = None,
    workers: int = 16,
    archive: Path | None = None,
    processes: int = 1,
    limits: dict[str, Any] | None = None,
) -> None:
    """Build the app (loading the model once) and run it until interrupted.

    With ``processes`` > 1, uvicorn runs that many server processes on one
    socket, each with its own analyser, sharing the history database (WAL);
    the model and the database are opened here first, so a bad one fails in
    one line before any process starts.  The port is checked before anything
    else: one taken is one coded line (E029), not a started server that dies.
    ``limits`` sets :class:`Settings` fields (``request_timeout``,
    ``max_connections``, ``idle_timeout``, ``body_timeout``); uvicorn gets the
    connection limits of :func:`~veracity.service.server.uvicorn_options`.  Each of several
    processes runs the deep encoder on one core, so they do not fight over the cores.
    """
    import uvicorn

    from ..analyze import Analyzer
    from ..service.app import create_app
    from ..service.history import History
    from ..service.server import check_port, tune_process, uvicorn_options

    settings = Settings(
        db_path=db if db is not None else default_db_path(),
        model_dir=model,
        archive_path=archive,
        allow_url=allow_url,
        workers=workers,
        deep_threads=1 if processes > 1 else 0,
        **(limits or {}),
    )
    check_port(host, port)
    options = uvicorn_options(settings)
    if processes == 1:
        app = create_app(settings)
        tune_process()
        uvicorn.run(app, host=host, port=port, log_level="info", **options)
        return
    Analyzer.load(settings.model_dir, archive_path=settings.archive_path)
    History(settings.db_path).close()
    os.environ[SETTINGS_ENV] = settings.to_json()
    uvicorn.run(
        "veracity.service.app:app_from_env",
        factory=True,
        workers=processes,
        host=host,
        port=port,
        log_level="info",
        **options,
    )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="TCP port to listen on (0: any free port).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="History database (default: $VERACITY_HISTORY or ~/.local/share/veracity/history.sqlite).",
)
@click.option("--allow-url", is_flag=True, help="Accept URL input (public addresses only).")
@click.option(
    "--model",
    type=click.Path(file_okay=False, path_type=Path),
    help="Model folder (default: bundled).",
)
@click.option(
    "--workers",
    default=16,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Request threads per process (input preparation, URL fetches); analysis runs in two more.",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes, each analysing on its own core (set it to the number of cores).",
)
@click.option(
    "--archive",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive database: reports mark sentences as supported by archived reporting, or added.",
)
@click.option(
    "--request-timeout",
    default=Settings.request_timeout,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds a request may take (fetch, analysis, storage); then 504 and its work stops.",
)
@click.option(
    "--max-connections",
    default=Settings.max_connections,
    show_default=True,
    type=click.IntRange(min=1),
    help="Open connections per process (lowered to what the file-descriptor limit allows).",
)
@click.option(
    "--idle-timeout",
    default=Settings.idle_timeout,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds a connection may stay without a complete request head (idle or trickling).",
)
@click.option(
    "--body-timeout",
    default=Settings.body_timeout,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds for a request body to arrive in full; then 408.",
)
def command(
    host: str,
    port: int,
    db: Path | None,
    allow_url: bool,
    model: Path | None,
    workers: int,
    processes: int,
    archive: Path | None,
    request_timeout: float,
    max_connections: int,
    idle_timeout: int,
    body_timeout: float,
) -> None:
    """Serve the JSON API (/v1, docs at /docs) and the web page (/)."""
    serve(
        host=host,
        port=port,
        db=db,
        allow_url=allow_url,
        model=model,
        workers=workers,
        archive=archive,
        processes=processes,
        limits={
            "request_timeout": request_timeout,
            "max_connections": max_connections,
            "idle_timeout": idle_timeout,
            "body_timeout": body_timeout,
        },
    )
