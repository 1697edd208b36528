"""``veracity serve``: options reach the settings, one app is built and handed to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service_support import make_model
from veracity.cli.main import cli


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
        ["serve", "--processes", "2", "--db", str(tmp_path / "h.sqlite"),
         "--model", str(tmp_path / "nothing")],
    )
    assert result.exit_code == 2
    assert result.output.startswith("veracity: error: [E")
