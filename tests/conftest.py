"""Shared fixtures and markers for the veracity test-suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from veracity.config import data_root as _data_root

# CI runs the property tests on a fixed, reproducible set of examples; locally they explore.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

SKIP_REASON = "shared datasets not found (set VERACITY_DATA or place ../shared beside the checkout)"


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The shared data folder; skips the test when the datasets are absent."""
    root = _data_root(required=False)
    if not (root / "datasets").is_dir():
        pytest.skip(SKIP_REASON)
    return root


@pytest.fixture(scope="session")
def seed_path(data_root: Path) -> Path:
    """The shared seed article (lower-cased, tokenised research form)."""
    path = data_root / "seed" / "000_58977a3383289371.txt"
    if not path.is_file():
        pytest.skip(f"seed article not found at {path}")
    return path
