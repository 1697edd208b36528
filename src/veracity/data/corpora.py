"""One :class:`Corpus` record per corpus, and the table :data:`CORPORA` of them.

Every per-corpus fact lives here: the folder a corpus is read from, its kind
(articles or claims), its own scrubbing steps and its row in the
leave-one-corpus-out tables.  The corpus lists the rest of the package uses
(:data:`ARTICLE_CORPORA`, :data:`LODO_CORPORA`, ...) are derived from the table.
Importing this module registers each corpus's scrubber as
``veracity.scrub.<corpus>.v1``; its reader registers itself as
``veracity.reader.<corpus>.v1`` (:mod:`veracity.data.readers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ..registry import scrubbers
from .scrub.steps import (
    COAID,
    DOUBLE_QUOTES,
    FA_KES,
    REUTERS,
    WRAPPING_QUOTES,
    Scrubber,
    Step,
    article_steps,
    claim_steps,
    scrubber_name,
)

Kind = Literal["articles", "claims"]


def reader_name(corpus: str) -> str:
    """Registered reader name of ``corpus`` (``"isot"`` -> ``"veracity.reader.isot.v1"``)."""
    return f"veracity.reader.{corpus}.v1"


@dataclass(frozen=True)
class Corpus:
    """What the package knows about one corpus."""

    name: str
    #: Folder under ``datasets/`` the corpus is read from; the cache key covers its files.
    folder: str
    #: ``"articles"`` (news articles) or ``"claims"`` (short statements, loaded on request).
    kind: Kind = "articles"
    #: Corpus-specific scrubbing steps, run right after ``markup``.
    scrub_steps: tuple[Step, ...] = ()
    #: Corpus-specific scrubbing steps run late, right before ``whitespace``.
    late_scrub_steps: tuple[Step, ...] = ()
    #: Row of the corpus in the leave-one-corpus-out tables; ``None``: never held out.
    lodo_row: int | None = None

    @property
    def reader(self) -> str:
        """Registered name of the corpus's reader."""
        return reader_name(self.name)

    @property
    def lodo(self) -> bool:
        """Whether the leave-one-corpus-out protocol holds this corpus out."""
        return self.lodo_row is not None

    def scrubber(self) -> Scrubber:
        """The shared pipeline of the corpus's kind with its own steps in place."""
        steps = article_steps if self.kind == "articles" else claim_steps
        return Scrubber(self.name, steps(*self.scrub_steps, after=self.late_scrub_steps))


def corpus_table(*corpora: Corpus) -> dict[str, Corpus]:
    """A name -> record table keeping the order of ``corpora``."""
    return {corpus.name: corpus for corpus in corpora}


#: Every corpus, in the order :func:`~veracity.data.pipeline.load_articles` reads
#: them (de-duplication keeps the first copy, so earlier corpora win ties).
CORPORA = corpus_table(
    Corpus(
        "isot",
        "articles/isot_partial",
        scrub_steps=(REUTERS,),
        late_scrub_steps=(DOUBLE_QUOTES,),
        lodo_row=0,
    ),
    Corpus("fa_kes", "articles/fa_kes", scrub_steps=(FA_KES, REUTERS), lodo_row=1),
    Corpus("fakenewsnet_politifact", "articles/fakenewsnet_v1/Data/PolitiFact", lodo_row=3),
    Corpus("fakenewsnet_buzzfeed", "articles/fakenewsnet_v1/Data/BuzzFeed", lodo_row=2),
    Corpus("defend_politifact", "articles/defend_politifact", lodo_row=4),
    Corpus(
        "fakenewsamt",
        "articles/perez_rosas_fakenewsamt_celebrity/fakeNewsDataset",
        scrub_steps=(WRAPPING_QUOTES,),
        lodo_row=5,
    ),
    Corpus(
        "celebrity",
        "articles/perez_rosas_fakenewsamt_celebrity/celebrityDataset",
        scrub_steps=(WRAPPING_QUOTES,),
        lodo_row=6,
    ),
    Corpus("golbeck", "articles/golbeck_fake_vs_satire/data"),
    Corpus("semeval_hyperpartisan", "articles/semeval2019_hyperpartisan_byarticle"),
    Corpus("coaid", "articles/coaid_news", scrub_steps=(COAID,), lodo_row=7),
    Corpus("liar", "claims/liar", kind="claims"),
)


def corpus_names(table: Mapping[str, Corpus], kind: Kind) -> tuple[str, ...]:
    """Names of the corpora of ``kind`` in ``table``, in table order."""
    return tuple(name for name, corpus in table.items() if corpus.kind == kind)


def lodo_names(table: Mapping[str, Corpus]) -> tuple[str, ...]:
    """Names of the corpora the leave-one-corpus-out protocol holds out, in row order."""
    rows = sorted((c.lodo_row, c.name) for c in table.values() if c.lodo_row is not None)
    return tuple(name for _, name in rows)


#: Article-level corpora, in reading order.
ARTICLE_CORPORA = corpus_names(CORPORA, "articles")
#: Statement-level corpora (short claims, not articles).
CLAIM_CORPORA = corpus_names(CORPORA, "claims")
ALL_CORPORA = ARTICLE_CORPORA + CLAIM_CORPORA
#: Folder (under ``datasets/``) each corpus is read from.
CORPUS_FOLDERS = {name: corpus.folder for name, corpus in CORPORA.items()}
#: Registered reader names of :data:`ARTICLE_CORPORA`.
ARTICLE_READERS = tuple(CORPORA[name].reader for name in ARTICLE_CORPORA)
#: Held-out rows of the leave-one-corpus-out protocol, as in PEER_BASELINE.md.
LODO_CORPORA = lodo_names(CORPORA)

for _corpus in CORPORA.values():
    scrubbers.register(scrubber_name(_corpus.name))(_corpus.scrubber())
