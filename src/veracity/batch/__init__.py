"""Batch scoring at scale: files in, one output row per article, every core busy.

:func:`score_file` is what ``veracity score`` runs; :func:`score_dask_dataframe`
maps the analyser over a Dask DataFrame.  See ``docs/batch.md``.
"""

from __future__ import annotations

from typing import Any

from .run import ScoreSummary, score_file

__all__ = ["ScoreSummary", "score_dask_dataframe", "score_file"]


def __getattr__(name: str) -> Any:
    """``score_dask_dataframe`` is imported when asked for: Dask's side imports pandas, which
    ``veracity score`` itself does not need (about 0.4 s of its start)."""
    if name == "score_dask_dataframe":
        from .dask_engine import score_dask_dataframe

        return score_dask_dataframe
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
