"""Where veracity finds the shared data: ``$VERACITY_DATA``, else ``../shared``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from veracity.cli.main import cli
from veracity.config import data_root
from veracity.errors import DataError


@pytest.fixture
def beside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with a valid ``../shared`` next to it; returns that shared folder."""
    shared = tmp_path / "shared"
    (shared / "datasets").mkdir(parents=True)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    monkeypatch.chdir(checkout)
    monkeypatch.delenv("VERACITY_DATA", raising=False)
    return shared


def test_config_data_root_finds_shared_beside_the_checkout(beside: Path) -> None:
    assert data_root() == beside


def test_config_veracity_data_names_the_folder_holding_datasets(
    beside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "elsewhere"
    (mine / "datasets").mkdir(parents=True)
    monkeypatch.setenv("VERACITY_DATA", str(mine))
    assert data_root() == mine


@pytest.mark.parametrize("target", ["missing", "shared/datasets"])
def test_config_veracity_data_without_datasets_is_e011_not_a_silent_fallback(
    beside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    wrong = tmp_path / target
    monkeypatch.setenv("VERACITY_DATA", str(wrong))
    with pytest.raises(DataError, match=r"\[E011\]") as err:
        data_root()
    assert str(wrong / "datasets") in str(err.value)
    assert data_root(required=False) == wrong


def test_config_veracity_data_error_is_one_cli_line(
    beside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERACITY_DATA", str(tmp_path / "missing"))
    result = CliRunner().invoke(cli, ["data", "stats"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"veracity: error: [E011] datasets folder not found at {tmp_path / 'missing' / 'datasets'}; "
        "set VERACITY_DATA to the folder that holds datasets/ and seed/"
    ]
