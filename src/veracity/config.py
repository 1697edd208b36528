"""Locations and documented limits shared by every face of veracity."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError, E

#: Largest input veracity analyses, in bytes (documented in README).
MAX_INPUT_BYTES = 2_000_000

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_DIR = PACKAGE_DIR / "models" / "default"


def data_root(required: bool = True) -> Path:
    """The shared datasets root: ``$VERACITY_DATA`` or ``../shared`` beside the checkout.

    Search order: ``$VERACITY_DATA``; ``../shared`` relative to the working
    directory; ``../shared`` relative to the source checkout.
    """
    candidates = []
    env = os.environ.get("VERACITY_DATA")
    if env:
        candidates.append(Path(env))
    candidates.append(Path.cwd().parent / "shared")
    candidates.append(PACKAGE_DIR.parents[2] / "shared")
    for cand in candidates:
        if (cand / "datasets").is_dir():
            return cand
    if required:
        raise DataError(E.E011, path=candidates[0])
    return candidates[0]
