"""Locations and documented limits shared by every face of veracity."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError, E

#: Largest input veracity analyses, in bytes (documented in README).
MAX_INPUT_BYTES = 2_000_000
#: Largest row ``veracity score`` reads (a JSON line or a CSV record, every column): room for
#: an article at :data:`MAX_INPUT_BYTES` JSON-escaped (``\uXXXX`` triples Cyrillic) or
#: CSV-quoted, plus its other columns.  A longer row is that row's E004, never read whole.
MAX_ROW_BYTES = 4 * MAX_INPUT_BYTES
#: Longest headline, in characters, after cleaning (docs/batch.md).
MAX_TITLE_CHARS = 1_000

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_DIR = PACKAGE_DIR / "models" / "default"
#: The folder of the shared data whose texts no model may train on: the seed article, kept for
#: evaluation (issue 18).
HELD_OUT_DIR = "seed"


def held_out_files(root: Path) -> list[Path]:
    """The texts of ``root/seed/`` (``*.txt``), in name order."""
    return sorted((Path(root) / HELD_OUT_DIR).glob("*.txt"))


def data_root(required: bool = True) -> Path:
    """The shared data folder: the one that holds ``datasets/`` and ``seed/``.

    ``$VERACITY_DATA`` names it; when that is set it is the only place looked
    at, so a wrong value is an E011, never silently replaced.  Unset, the
    search is ``../shared`` relative to the working directory, then ``../shared``
    relative to the source checkout.  With ``required=False`` a missing folder
    is returned instead of raising.
    """
    env = os.environ.get("VERACITY_DATA")
    if env:
        candidates = [Path(env)]
    else:
        candidates = [Path.cwd().parent / "shared", PACKAGE_DIR.parents[2] / "shared"]
    for cand in candidates:
        if (cand / "datasets").is_dir():
            return cand
    if required:
        raise DataError(E.E011, path=candidates[0] / "datasets")
    return candidates[0]
