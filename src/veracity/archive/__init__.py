"""Provenance archive: which sentences of an article reproduce trusted reporting.

See ``docs/provenance.md``.  :class:`Archive` stores articles in SQLite (FTS5 +
MinHash) and answers, per sentence, ``supported`` (with the archived passages
it reproduces) or ``added``.
"""

from .api import Archive, default_path
from .database import ArchiveError
from .match import Match, SentenceProvenance, added_share

__all__ = ["Archive", "ArchiveError", "Match", "SentenceProvenance", "added_share", "default_path"]
