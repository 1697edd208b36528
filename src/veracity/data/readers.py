"""Every corpus reader, registered as ``veracity.reader.<corpus>.v1``.

Importing this module registers the corpus readers (see ``readers_news``,
``readers_web``, ``readers_claims``) and the generic CSV/JSONL/Parquet readers
(``readers_generic``).  A corpus reader is ``(root: Path) -> DataFrame`` where
``root`` is the shared folder holding ``datasets/``; it returns RAW text in the
record schema (:mod:`veracity.data.schema`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import E, NotFoundError
from ..registry import readers
from . import readers_claims, readers_generic, readers_news, readers_web  # noqa: F401 - registers

#: Article-level corpora, in the order :func:`~veracity.data.pipeline.load_articles` reads
#: them (de-duplication keeps the first copy, so earlier corpora win ties).
ARTICLE_CORPORA = (
    "isot",
    "fa_kes",
    "fakenewsnet_politifact",
    "fakenewsnet_buzzfeed",
    "defend_politifact",
    "fakenewsamt",
    "celebrity",
    "golbeck",
    "semeval_hyperpartisan",
    "coaid",
)
#: Statement-level corpora (short claims, not articles).
CLAIM_CORPORA = ("liar",)
ALL_CORPORA = ARTICLE_CORPORA + CLAIM_CORPORA
#: Folder (under ``datasets/``) each corpus is read from; the cache key covers its files.
CORPUS_FOLDERS = {
    "isot": "articles/isot_partial",
    "fa_kes": "articles/fa_kes",
    "fakenewsnet_politifact": "articles/fakenewsnet_v1/Data/PolitiFact",
    "fakenewsnet_buzzfeed": "articles/fakenewsnet_v1/Data/BuzzFeed",
    "defend_politifact": "articles/defend_politifact",
    "fakenewsamt": "articles/perez_rosas_fakenewsamt_celebrity/fakeNewsDataset",
    "celebrity": "articles/perez_rosas_fakenewsamt_celebrity/celebrityDataset",
    "golbeck": "articles/golbeck_fake_vs_satire/data",
    "semeval_hyperpartisan": "articles/semeval2019_hyperpartisan_byarticle",
    "coaid": "articles/coaid_news",
    "liar": "claims/liar",
}
#: Registered reader names of :data:`ARTICLE_CORPORA`.
ARTICLE_READERS = tuple(f"veracity.reader.{c}.v1" for c in ARTICLE_CORPORA)


def reader_name(corpus: str) -> str:
    """Registered reader name of ``corpus`` (``"isot"`` -> ``"veracity.reader.isot.v1"``)."""
    return f"veracity.reader.{corpus}.v1"


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
