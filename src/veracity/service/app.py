"""``create_app(settings)``: the FastAPI app behind ``veracity serve``.

The app holds one :class:`~veracity.analyze.Analyzer` per pipeline (the
``fast`` one loaded here, once; ``deep`` on its first request, see
:mod:`.pipelines`), one :class:`~veracity.service.history.History` and one
thread pool.  Routes:
the JSON API under ``/v1`` (:mod:`.json_api`), the page at ``/`` and ``/a/{id}``
(:mod:`.page`), ``/docs`` and ``/openapi.json``, and ``/static``.  While it
runs, failed accepts on its event loop are logged once, not one traceback each
(:func:`~veracity.service.server.quiet_accept_errors`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ..analyze import Analyzer
from .analyses import Analyses
from .balance import Rebalance, open_board
from .handlers import install_handlers
from .history import History
from .json_api import api_router
from .limits import BodyLimit, Runner, SecurityHeaders
from .page import docs_router, page_router
from .server import quiet_accept_errors, tune_process
from .settings import SETTINGS_ENV, Settings


def _version() -> str:
    try:
        return version("veracity")
    except PackageNotFoundError:
        return "0"


def create_app(
    settings: Settings,
    analyzer: Analyzer | None = None,
    rebalance: bool = False,
    preloaded: Sequence[Analyzer] = (),
) -> FastAPI:
    """The service app; ``analyzer`` defaults to ``Analyzer.load(settings.model_dir)``.

    ``rebalance``: the app is one of several processes on one socket, which keep their
    connections spread evenly (:mod:`~veracity.service.balance`).  ``preloaded``:
    analysers of other pipelines, ready from the start instead of loaded on first use.
    """
    analyzer = (
        analyzer
        if analyzer is not None
        else Analyzer.load(settings.model_dir, archive_path=settings.archive_path)
    )
    history = History(settings.db_path)
    engine = Analyses(analyzer, history, settings, preloaded)
    runner = Runner(settings.workers, settings.request_timeout)
    board = open_board() if rebalance else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        quiet_accept_errors(asyncio.get_running_loop())
        yield
        runner.close()
        engine.close()
        history.close()
        if board is not None:
            board.close()

    app = FastAPI(
        title="veracity",
        version=_version(),
        description="Credibility signals for news articles: a calibrated verdict and why.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    install_handlers(app)
    app.include_router(api_router(engine, runner, settings))
    app.include_router(page_router(engine, runner, settings))
    app.include_router(docs_router(app))
    app.mount("/static", StaticFiles(packages=[("veracity.service", "static")]), name="static")
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(SecurityHeaders)
    if board is not None:
        app.add_middleware(Rebalance, board=board)
    return app


def app_from_env() -> FastAPI:
    """The app of one server process of ``veracity serve --processes N`` (settings from the env)."""
    app = create_app(Settings.from_json(os.environ[SETTINGS_ENV]), rebalance=True)
    tune_process()
    return app
