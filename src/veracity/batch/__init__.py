"""Batch scoring at scale: files in, one output row per article, every core busy.

:func:`score_file` is what ``veracity score`` runs; :func:`score_dask_dataframe`
maps the analyser over a Dask DataFrame.  See ``docs/batch.md``.
"""

from __future__ import annotations

from .dask_engine import score_dask_dataframe
from .run import ScoreSummary, score_file

__all__ = ["ScoreSummary", "score_dask_dataframe", "score_file"]
