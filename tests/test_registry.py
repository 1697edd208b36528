"""Registries: a part registered by module is imported on its first lookup, not before."""

from __future__ import annotations

import subprocess
import sys

import pytest

from veracity.errors import NotFoundError
from veracity.registry import Registry

_SCORE_START = """
import sys
import veracity.cli.main, veracity.cli.score, veracity.batch
from veracity.batch.engines import engines
print("pandas" in sys.modules, "veracity.engine.dask.v1" in engines.names())
engines.get("veracity.engine.dask.v1")
print("veracity.batch.dask_engine" in sys.modules)
"""


def test_registry_module_entry_is_listed_and_imported_on_first_lookup() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SCORE_START],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert out == ["False", "True", "True"]


def test_registry_module_entry_twice_and_unknown_names_are_refused() -> None:
    parts: Registry[object] = Registry("part")
    parts.register_module("veracity.part.x.v1", "json")
    with pytest.raises(ValueError, match="registered twice"):
        parts.register_module("veracity.part.x.v1", "json")
    with pytest.raises(NotFoundError):
        parts.get("veracity.part.x.v1")
    assert "veracity.part.x.v1" in parts
