"""Which archived passage, if any, each sentence of an article reproduces.

For every sentence:

1. **Candidates.**  :func:`query_plan` picks its rare archived tokens, each
   looked up in the FTS5 index as its own quoted term, plus a few boolean
   FTS5 queries that tell a copy from a sentence sharing one rare word.  An
   archived sentence scores the BM25 inverse document frequency of every
   query token it holds (term frequency is 1 in a sentence, so BM25 reduces
   to that sum); the best :data:`CANDIDATES` go on.  Summing posting lists with numpy is
   about five times faster than ``ORDER BY rank`` over an FTS5 ``OR`` query,
   which computes the full bm25 of every matching row.
2. **Verification.**  A token-level alignment with rapidfuzz, tempered by the
   MinHash Jaccard of word 3-gram shingles, scores each candidate (see
   :func:`similarity`); a line that glues sentences of one archived document
   is scored by how much of it they cover together (:func:`glued_coverage`).
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

from ..report_records import Match
from ..text.normalize import tokens
from .database import NON_WORDS, as_list, term_frequencies
from .minhash import from_blobs, jaccard, signatures

Status = Literal["supported", "added"]
SUPPORTED: Status = "supported"
ADDED: Status = "added"

#: Tokens per stretch of a sentence that pick their own query terms.
STRETCH = 12
#: Most rare tokens one stretch queries.
RARE_TOKENS = 3
#: Most postings (summed sentence frequencies) one stretch of a sentence may read.
DF_BUDGET = 1_000
#: Commoner tokens of a stretch that back up its one rare token.
COMMON_TOKENS = 2
#: ... each held by at most this share of the archived sentences.
BOOST_SHARE = 0.1
#: A stretch of common words is looked up by its 3 rarest tokens held by at most this share.
GROUP_SHARE = 0.02
#: Most archived sentences one FTS5 query returns.
MAX_POSTINGS = 4_000
#: Candidates verified per sentence.
CANDIDATES = 8
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
class Probe:
    """One FTS5 query of a sentence's lookup, and the idf score of each sentence it finds."""

    query: str
    weight: float


def query_plan(toks: Sequence[str], df: dict[str, int], total: int) -> list[Probe]:
    """How a sentence is looked up, stretch by stretch of :data:`STRETCH` tokens.

    * Its :data:`RARE_TOKENS` rarest archived tokens, while their summed
      sentence frequency stays within :data:`DF_BUDGET` (which bounds the
      postings read), each on its own; so a line that glues two archived
      sentences finds both.
    * With only one such token, that token AND each of the next
      :data:`COMMON_TOKENS` tokens held by at most :data:`BOOST_SHARE` of the
      sentences, in turn: a copy holds them, a sentence that merely shares
      the rare word mostly does not, so the copy wins the tie.
    * With none, all but one of its three rarest tokens held by at most
      :data:`GROUP_SHARE` of the sentences: a small answer although each
      token is common.

    The FTS5 engine intersects the posting lists, so only the answers reach Python.
    """
    probes: list[Probe] = []
    for stretch in _stretches(toks, df):
        spent = 0
        chosen: list[str] = []
        for term in stretch[:RARE_TOKENS]:
            spent += df[term]
            if spent > DF_BUDGET:
                break
            chosen.append(term)
        probes += [Probe(_quote(t), _idf(df[t], total)) for t in chosen]
        rest = stretch[len(chosen) :]
        if len(chosen) == 1:
            others = [t for t in rest if df[t] <= BOOST_SHARE * total][:COMMON_TOKENS]
            rare = _quote(chosen[0])
            probes += [Probe(f"{rare} AND {_quote(t)}", _idf(df[t], total)) for t in others]
        elif not chosen:
            group = [t for t in rest if df[t] <= GROUP_SHARE * total][:3]
            if len(group) == 3:
                weight = sum(_idf(df[t], total) for t in group[1:])
                probes.append(Probe(_all_but_one(group), weight))
    return probes


def _stretches(toks: Sequence[str], df: dict[str, int]) -> list[list[str]]:
    """Archived tokens of each stretch of :data:`STRETCH` tokens, rarest first, no repeats."""
    seen: set[str] = set()
    out = []
    for lo in range(0, len(toks), STRETCH):
        stretch = sorted(
            {t for t in toks[lo : lo + STRETCH] if t in df} - seen, key=lambda t: (df[t], t)
        )
        seen.update(stretch)
        if stretch:
            out.append(stretch)
    return out


def _all_but_one(group: Sequence[str]) -> str:
    """FTS5 query matching sentences that hold all but at most one of ``group``."""
    quoted = [_quote(t) for t in group]
    subsets = [" AND ".join(quoted[:i] + quoted[i + 1 :]) for i in range(len(quoted))]
    return " OR ".join(f"({s})" for s in subsets)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _idf(df: int, total: int) -> float:
    """BM25's inverse document frequency of a token held by ``df`` of ``total`` sentences."""
    return math.log((total - df + 0.5) / (df + 0.5) + 1.0)


def similarity(query: Sequence[str], passage: Sequence[str], resemblance: float) -> float:
    """How much of ``query`` (tokens) ``passage`` reproduces, in [0, 1].

    ``coverage`` is the longest common token subsequence over the query's
    length: a dropped, swapped or transposed word costs about one token, and
    text the query adds (commentary glued to a quote) lowers it.  A short
    query could also "match" a scatter of words in a long passage, so the
    share of coverage owed to the passage being longer than the query counts
    in full only when the MinHash ``resemblance`` of 3-gram shingles shows
    runs of words in common (at 0.25 or more), and half when it shows none.
    A fragment of a longer archived sentence (split differently) still
    scores high; a scatter does not.
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
        vocab = sorted({t for toks in token_lists for t in toks} - NON_WORDS)
        df = term_frequencies(self.conn, vocab)
        total = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM sentences").fetchone()[0]
        postings: dict[str, np.ndarray] = {}
        wanted = [self._candidates(toks, df, total, postings) for toks in token_lists]
        rows = self._fetch(sorted({k for keys in wanted for k in keys}))
        sigs = signatures(token_lists)
        out = []
        for text, toks, sig, keys in zip(sentences, token_lists, sigs, wanted, strict=True):
            cands = [rows[k] for k in keys if k in rows]
            out.append(self._judge(text, toks, sig, cands))
        return out

    def _candidates(
        self, toks: list[str], df: dict[str, int], total: int, postings: dict[str, np.ndarray]
    ) -> list[int]:
        """Best :data:`CANDIDATES` archived sentences by summed BM25 idf of what they share.

        Each probe adds its weight to the sentences it finds (see
        :func:`query_plan`).  Ties go to the lower sentence id.
        """
        probes = query_plan(toks, df, total)
        if not probes:
            return []
        lists = [self._posting(p.query, postings) for p in probes]
        weights = [p.weight for p in probes]
        keys, where = np.unique(np.concatenate(lists), return_inverse=True)
        scores = np.bincount(where, weights=np.repeat(weights, [len(x) for x in lists]))
        best: list[int] = keys[np.lexsort((keys, -scores))[:CANDIDATES]].tolist()
        return best

    def _posting(self, query: str, postings: dict[str, np.ndarray]) -> np.ndarray:
        """Ids of the archived sentences matching an FTS5 query (at most :data:`MAX_POSTINGS`)."""
        if query not in postings:
            sql = (
                "SELECT group_concat(rowid) FROM (SELECT rowid FROM sentences_fts "
                "WHERE sentences_fts MATCH ? LIMIT ?)"
            )
            found = self.conn.execute(sql, (query, MAX_POSTINGS)).fetchone()[0]
            postings[query] = np.array(found.split(",") if found else [], dtype=np.int64)
        return postings[query]

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
        stored = from_blobs([c.minhash for c in cands])
        scored = []
        for cand, res in zip(cands, jaccard(sig, stored), strict=True):
            passage = cand.canon.split()
            sim = similarity(toks, passage, float(res))
            if len(toks) < MIN_TOKENS:
                sim = min(sim, similarity(passage, toks, float(res)))
            scored.append((round(sim, 4), cand))
        scored.sort(key=lambda sc: (-sc[0], sc[1].key))
        best = scored[0][0]
        limit = SHORT_THRESHOLD if len(toks) < MIN_TOKENS else self.threshold
        if best < limit and len(toks) >= MIN_TOKENS:
            best = max(best, glued_coverage(toks, [c for _, c in scored]))
        matches = [
            Match(c.doc_id, c.source, c.date, c.title, c.passage, round(sim, 4))
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
