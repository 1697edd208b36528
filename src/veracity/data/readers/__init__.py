"""Every corpus reader, registered as ``veracity.reader.<corpus>.v1``.

Importing this package registers the corpus readers (see ``readers.news``,
``readers.web``, ``readers.claims``) and the generic CSV/JSONL/Parquet readers
(``readers.generic``).  A corpus reader is ``(root: Path) -> DataFrame`` where
``root`` is the shared folder holding ``datasets/``; it returns RAW text in the
record schema (:mod:`veracity.data.schema`).  Which corpora exist, and in what
order, is :data:`veracity.data.corpora.CORPORA`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...errors import E, NotFoundError
from ...registry import readers
from ..corpora import (
    ALL_CORPORA,
    ARTICLE_CORPORA,
    ARTICLE_READERS,
    CLAIM_CORPORA,
    CORPUS_FOLDERS,
    reader_name,
)
from . import claims, generic, news, web  # noqa: F401 - registers

__all__ = [
    "ALL_CORPORA",
    "ARTICLE_CORPORA",
    "ARTICLE_READERS",
    "CLAIM_CORPORA",
    "CORPUS_FOLDERS",
    "corpus_name",
    "load_corpus",
    "reader_name",
]


def corpus_name(name_or_corpus: str) -> str:
    """The corpus value for a corpus value or a registered reader name; E005 if unknown."""
    for corpus in ALL_CORPORA:
        if name_or_corpus in (corpus, reader_name(corpus)):
            return corpus
    raise NotFoundError(E.E005, kind="corpus", name=name_or_corpus, known=", ".join(ALL_CORPORA))


def load_corpus(name_or_corpus: str, root: Path) -> pd.DataFrame:
    """RAW records of one corpus, by corpus value (``"isot"``) or reader name."""
    corpus = corpus_name(name_or_corpus)
    frame: pd.DataFrame = readers.get(reader_name(corpus))(Path(root))
    return frame
