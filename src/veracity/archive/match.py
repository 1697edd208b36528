"""Which archived passage, if any, each sentence of an article reproduces.

For every sentence:

1. **Candidates.**  Its rarest canonical tokens (at most :data:`RARE_TOKENS`,
   stopping once their summed sentence frequency passes :data:`DF_BUDGET`) are
   looked up in the FTS5 index, each as its own quoted term; an archived
   sentence scores the BM25 inverse document frequency of every one of those
   tokens it holds (term frequency is 1 in a sentence, so BM25 reduces to
   that sum), and the best :data:`CANDIDATES` go on.  Summing posting lists
   in Python is five times faster than ``ORDER BY rank`` on an FTS5 ``OR``
   query, which computes the full bm25 of every matching row.
2. **Verification.**  MinHash Jaccard of word 3-gram shingles, and a
   token-level alignment with rapidfuzz, score each candidate; see
   :func:`similarity`.
3. **Verdict.**  ``supported`` when the best similarity reaches the
   threshold (:data:`THRESHOLD`, calibrated by ``veracity.task.provenance.v1``);
   a sentence of fewer than :data:`MIN_TOKENS` tokens needs a near-exact copy
   of a whole archived sentence (:data:`SHORT_THRESHOLD` on both sides).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from rapidfuzz.distance import LCSseq

from ..text.normalize import tokens
from .minhash import from_blobs, jaccard, signatures
from .store import as_list, term_frequencies

Status = Literal["supported", "added"]
SUPPORTED: Status = "supported"
ADDED: Status = "added"

#: Tokens per stretch of a sentence that pick their own query terms.
STRETCH = 12
#: Most rare tokens one stretch queries.
RARE_TOKENS = 3
#: Most postings (summed sentence frequencies) one stretch of a sentence may read.
DF_BUDGET = 1_000
#: Candidates verified per sentence.
CANDIDATES = 8
#: Best-scoring archived sentences kept per sentence; when the idf score ties at the
#: shortlist's edge, MinHash Jaccard ranks the whole pool.
POOL = 256
#: Similarity at or above which a sentence is ``supported``.
THRESHOLD = 0.8
#: Sentences with fewer tokens are judged conservatively.
MIN_TOKENS = 5
#: A short sentence is supported only by an archived sentence this similar both ways.
SHORT_THRESHOLD = 0.9
#: Shortest run of aligned tokens that counts towards a glued line's coverage.
GLUE_RUN = 3
#: Matches below this similarity are not reported at all.
REPORT_FLOOR = 0.3
#: Matches reported per sentence.
MAX_MATCHES = 3


@dataclass(frozen=True)
class Match:
    """An archived passage a sentence (partly) reproduces."""

    doc_id: str
    source: str
    date: str
    title: str
    passage: str
    similarity: float


@dataclass(frozen=True)
class SentenceProvenance:
    """Verdict on one sentence: ``supported`` by the archive or ``added``."""

    status: Status
    matches: list[Match] = field(default_factory=list)
    text: str = ""
    n_tokens: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Candidate:
    key: int
    passage: str
    canon: str
    minhash: bytes
    doc_id: str
    source: str
    date: str
    title: str


@dataclass(frozen=True)
class _Pool:
    """A sentence's best archived sentences by idf score, best first (ties: lower id)."""

    keys: np.ndarray
    scores: np.ndarray

    @property
    def tied(self) -> bool:
        """True when more than :data:`CANDIDATES` archived sentences share the best score."""
        return len(self.keys) > CANDIDATES and bool(self.scores[0] == self.scores[CANDIDATES])

    def shortlist(self, sig: np.ndarray, pool_sigs: dict[int, np.ndarray]) -> list[int]:
        """The :data:`CANDIDATES` best; MinHash Jaccard breaks a tie for the best score."""
        keys = self.keys.tolist()
        if not self.tied:
            return keys[:CANDIDATES]
        resemblance = jaccard(sig, np.stack([pool_sigs[k] for k in keys]))
        order = np.lexsort((self.keys, -resemblance, -self.scores))
        return [keys[i] for i in order[:CANDIDATES]]


def query_terms(toks: Sequence[str], df: dict[str, int]) -> list[str]:
    """The archived tokens a sentence is looked up by: the rarest of each stretch.

    Each stretch of :data:`STRETCH` tokens contributes its :data:`RARE_TOKENS`
    rarest tokens while their summed sentence frequency stays within
    :data:`DF_BUDGET` (which bounds the postings read), so a line that glues
    two archived sentences finds both; a stretch of common words only
    contributes nothing.
    """
    chosen: list[str] = []
    for lo in range(0, len(toks), STRETCH):
        stretch = {t for t in toks[lo : lo + STRETCH] if t in df}.difference(chosen)
        spent = 0
        for term in sorted(stretch, key=lambda t: (df[t], t))[:RARE_TOKENS]:
            spent += df[term]
            if spent > DF_BUDGET:
                break
            chosen.append(term)
    return chosen


def similarity(query: Sequence[str], passage: Sequence[str], resemblance: float) -> float:
    """How much of ``query`` (tokens) ``passage`` reproduces, in [0, 1].

    ``coverage`` is the longest common token subsequence over the query's
    length: a dropped, swapped or transposed word costs about one token, and
    text the query adds (commentary glued to a quote) lowers it.  A query can
    also match a scatter of passage words, so coverage is blended with the
    MinHash ``resemblance`` of 3-gram shingles, which needs runs of words in
    order; the blend is taken only when it helps a query that is a fragment
    of a longer passage (a sentence the archive split differently).
    """
    if not query or not passage:
        return 0.0
    coverage = LCSseq.similarity(query, passage) / len(query)
    extra = max(len(passage) - len(query), 0) / len(passage)
    return min(1.0, coverage * (1.0 - extra) + coverage * extra * min(1.0, 2 * resemblance + 0.5))


class Matcher:
    """Looks sentences up in an open archive connection."""

    def __init__(self, conn: sqlite3.Connection, threshold: float = THRESHOLD) -> None:
        self.conn = conn
        self.threshold = threshold

    def lookup(self, sentences: Sequence[str]) -> list[SentenceProvenance]:
        token_lists = [tokens(s) for s in sentences]
        vocab = sorted({t for toks in token_lists for t in toks if t.isalnum()})
        df = term_frequencies(self.conn, vocab)
        total = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM sentences").fetchone()[0]
        postings: dict[str, np.ndarray] = {}
        pools = [self._pool(toks, df, total, postings) for toks in token_lists]
        sigs = signatures(token_lists)
        tied = sorted({key for pool in pools if pool.tied for key in pool.keys.tolist()})
        pool_sigs = dict(zip(tied, self._signatures(tied), strict=True))
        wanted = [pool.shortlist(sig, pool_sigs) for pool, sig in zip(pools, sigs, strict=True)]
        rows = self._fetch(sorted({k for keys in wanted for k in keys}))
        out = []
        for text, toks, sig, keys in zip(sentences, token_lists, sigs, wanted, strict=True):
            cands = [rows[k] for k in keys if k in rows]
            out.append(self._judge(text, toks, sig, cands))
        return out

    def _pool(
        self, toks: list[str], df: dict[str, int], total: int, postings: dict[str, np.ndarray]
    ) -> _Pool:
        """Best :data:`POOL` archived sentences by summed BM25 idf of shared query terms."""
        terms = query_terms(toks, df)
        if not terms:
            return _Pool(np.zeros(0, dtype=np.int64), np.zeros(0))
        lists = [self._posting(term, postings) for term in terms]
        idf = [math.log((total - df[t] + 0.5) / (df[t] + 0.5) + 1.0) for t in terms]
        keys, where = np.unique(np.concatenate(lists), return_inverse=True)
        scores = np.bincount(where, weights=np.repeat(idf, [len(x) for x in lists]))
        best = np.lexsort((keys, -scores))[:POOL]
        return _Pool(keys[best], scores[best])

    def _posting(self, term: str, postings: dict[str, np.ndarray]) -> np.ndarray:
        """Ids of the archived sentences holding ``term`` (one FTS5 query, cached per call)."""
        if term not in postings:
            quoted = '"' + term.replace('"', '""') + '"'
            sql = "SELECT group_concat(rowid) FROM sentences_fts WHERE sentences_fts MATCH ?"
            found = self.conn.execute(sql, (quoted,)).fetchone()[0]
            postings[term] = np.array(found.split(",") if found else [], dtype=np.int64)
        return postings[term]

    def _signatures(self, keys: list[int]) -> np.ndarray:
        sql = "SELECT id, minhash FROM sentences WHERE id IN (SELECT value FROM json_each(?))"
        blobs = dict(self.conn.execute(sql, (as_list(keys),)).fetchall())
        return from_blobs([blobs[k] for k in keys])

    def _fetch(self, keys: list[int]) -> dict[int, _Candidate]:
        sql = (
            "SELECT s.id, s.passage, s.canon, s.minhash, d.doc_id, d.source, d.date, d.title "
            "FROM sentences s JOIN documents d ON d.id = s.doc "
            "WHERE s.id IN (SELECT value FROM json_each(?))"
        )
        return {row[0]: _Candidate(*row) for row in self.conn.execute(sql, (as_list(keys),))}

    def _judge(
        self, text: str, toks: list[str], sig: np.ndarray, cands: list[_Candidate]
    ) -> SentenceProvenance:
        if not cands:
            return SentenceProvenance(ADDED, [], text, len(toks))
        stored = np.frombuffer(b"".join(c.minhash for c in cands), dtype="<u4").reshape(
            len(cands), -1
        )
        scored = []
        for cand, res in zip(cands, jaccard(sig, stored), strict=True):
            passage = cand.canon.split()
            sim = similarity(toks, passage, float(res))
            if len(toks) < MIN_TOKENS:
                sim = min(sim, similarity(passage, toks, float(res)))
            scored.append((round(sim, 4), cand))
        scored.sort(key=lambda sc: (-sc[0], sc[1].key))
        best = scored[0][0]
        if len(toks) >= MIN_TOKENS:
            best = max(best, glued_coverage(toks, [c for _, c in scored]))
        limit = SHORT_THRESHOLD if len(toks) < MIN_TOKENS else self.threshold
        matches = [
            Match(c.doc_id, c.source, c.date, c.title, c.passage, sim)
            for sim, c in scored[:MAX_MATCHES]
            if sim >= REPORT_FLOOR
        ]
        return SentenceProvenance(SUPPORTED if best >= limit else ADDED, matches, text, len(toks))


def glued_coverage(query: Sequence[str], cands: Sequence[_Candidate]) -> float:
    """Share of ``query`` covered by several sentences of one archived document.

    A line that glues two archived sentences (``...escalated.just a few``)
    reproduces each only in part.  Per document, the query tokens aligned in
    runs of at least :data:`GLUE_RUN` tokens with any of its candidate
    sentences are pooled; the best document's share is returned.
    """
    by_doc: dict[str, list[_Candidate]] = {}
    for cand in cands:
        by_doc.setdefault(cand.doc_id, []).append(cand)
    best = 0.0
    for group in by_doc.values():
        if len(group) < 2:
            continue
        covered: set[int] = set()
        for cand in group:
            for op in LCSseq.opcodes(query, cand.canon.split()):
                if op.tag == "equal" and op.src_end - op.src_start >= GLUE_RUN:
                    covered.update(range(op.src_start, op.src_end))
        best = max(best, len(covered) / len(query))
    return best


def added_share(results: Sequence[SentenceProvenance]) -> float:
    """Share of the article's tokens in ``added`` sentences (0.0 for no tokens)."""
    total = sum(r.n_tokens for r in results)
    if total == 0:
        return 0.0
    return sum(r.n_tokens for r in results if r.status == ADDED) / total
