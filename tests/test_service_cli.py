"""``veracity serve``: options reach the settings, one app is built and handed to uvicorn."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import click
import pytest
import uvicorn
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service_support import make_model
from veracity.cli.main import cli
from veracity.service.server import GuardedH11Protocol, connection_limit


def test_service_cli_serve_builds_app_and_runs_uvicorn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = make_model(tmp_path / "model")
    calls: list[dict[str, Any]] = []

    def fake_run(app: FastAPI, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    db = tmp_path / "h.sqlite"
    result = CliRunner().invoke(
        cli,
        ["serve", "--port", "8123", "--db", str(db), "--allow-url", "--model", str(model)],
    )
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert (call["host"], call["port"]) == ("127.0.0.1", 8123)
    settings = call["app"].state.settings
    assert settings.db_path == db
    assert settings.allow_url is True
    assert settings.allow_private_urls is False
    assert settings.model_dir == model
    assert db.exists()
    assert call["http"] is GuardedH11Protocol
    assert call["limit_concurrency"] == connection_limit(settings) <= 256
    assert call["timeout_keep_alive"] == 5


def test_service_cli_serve_limits_reach_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = make_model(tmp_path / "model")
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    limits = ["--request-timeout", "7.5", "--max-connections", "40", "--idle-timeout", "3",
              "--body-timeout", "9"]  # fmt: skip
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(tmp_path / "h.sqlite"), "--model", str(model), *limits]
    )
    assert result.exit_code == 0, result.output
    (call,) = calls
    settings = call["app"].state.settings
    assert (settings.request_timeout, settings.max_connections) == (7.5, 40)
    assert (settings.idle_timeout, settings.body_timeout) == (3, 9.0)
    assert (call["limit_concurrency"], call["timeout_keep_alive"]) == (40, 3)


def test_service_cli_serve_on_a_port_in_use_is_one_coded_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append(a))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for processes in ("1", "2"):
            result = CliRunner().invoke(
                cli,
                ["serve", "--port", str(port), "--processes", processes,
                 "--db", str(tmp_path / "h.sqlite")],
            )  # fmt: skip
            assert result.exit_code == 2, result.output
            assert result.output.startswith(
                f"veracity: error: [E029] cannot listen on 127.0.0.1:{port}"
            )
            assert len(result.output.strip().splitlines()) == 1
    assert started == []


def test_service_cli_serve_options_all_have_help() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "TCP port to listen on" in result.output
    from veracity.cli.serve import command

    assert all(option.help for option in command.params if isinstance(option, click.Option))


def test_service_cli_serve_bad_model_is_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--db", str(tmp_path / "h.sqlite"), "--model", str(tmp_path / "nothing")]
    )
    assert result.exit_code == 2
    assert result.output.startswith("veracity: error: [E")


def test_service_cli_serve_processes_hand_settings_to_each_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from veracity.service.app import app_from_env
    from veracity.service.settings import SETTINGS_ENV

    model = make_model(tmp_path / "model")
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setenv(SETTINGS_ENV, "")  # restored (removed) after the test
    db = tmp_path / "h.sqlite"
    result = CliRunner().invoke(
        cli, ["serve", "--processes", "2", "--db", str(db), "--model", str(model)]
    )
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert call["app"] == "veracity.service.app:app_from_env"
    assert (call["factory"], call["workers"]) == (True, 2)
    app = app_from_env()
    with TestClient(app):  # runs the lifespan, which closes the app's threads and database
        assert app.state.settings.db_path == db
        assert app.state.settings.model_dir == model
    assert db.exists()


def test_service_cli_serve_processes_bad_model_fails_before_starting(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "serve",
            "--processes",
            "2",
            "--db",
            str(tmp_path / "h.sqlite"),
            "--model",
            str(tmp_path / "nothing"),
        ],
    )
    assert result.exit_code == 2
    assert result.output.startswith("veracity: error: [E")
