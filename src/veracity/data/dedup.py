"""Exact and near-duplicate removal, within and across corpora.

* **exact**: rows whose :func:`~veracity.text.normalize.canonical` text is equal;
* **near**: rows whose word 5-gram shingle sets have an estimated Jaccard
  similarity of at least :data:`NEAR_THRESHOLD` (MinHash signatures, candidate
  pairs from :class:`datasketch.MinHashLSH`, each pair then checked on its
  signatures).

Duplicates form clusters (exact and near links are joined transitively).  A
cluster that holds a held-out text (an evaluation text no model may learn from,
such as the seed article of ``seed/``) is dropped entirely (``held_out``); a
cluster whose rows carry both labels is dropped entirely (``conflict``);
otherwise its first row in frame order is kept and every other row is dropped,
counted as ``exact`` when its canonical text equals an earlier row's, else
``near``.  Counts are attributed to the corpus of the dropped row.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from datasketch import MinHash, MinHashLSH

from ..text.normalize import canonical

NEAR_THRESHOLD = 0.8
SHINGLE = 5
NUM_PERM = 64
SEED = 1
_MIX = np.uint32(0x9E3779B1)
_BATCH = 200_000


@dataclass
class DedupCounts:
    """Rows of one corpus dropped by de-duplication, per reason."""

    exact: int = 0
    near: int = 0
    conflict: int = 0
    held_out: int = 0

    @property
    def total(self) -> int:
        return self.exact + self.near + self.conflict + self.held_out

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = int(self.parent[root])
        while self.parent[i] != root:
            self.parent[i], i = root, int(self.parent[i])
        return root

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _token_hashes(docs: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """All tokens' 32-bit CRC hashes concatenated, plus each document's start offset."""
    flat = [w for words in docs for w in words]
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object))
    crc = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in uniques), np.uint32, len(uniques))
    starts = np.zeros(len(docs) + 1, dtype=np.int64)
    np.cumsum([len(words) for words in docs], out=starts[1:])
    return crc[codes], starts


def _shingles(docs: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every document's word ``SHINGLE``-grams (one shingle when shorter).

    Returns the concatenated shingle hashes and an array naming each one's document.
    All arithmetic is ``uint32`` and wraps modulo 2**32 on purpose.
    """
    ids, starts = _token_hashes(docs)
    lengths = np.diff(starts)
    n = len(ids)
    rolled = ids.copy()
    for k in range(1, SHINGLE):
        nxt = np.zeros(n, dtype=np.uint32)
        nxt[: n - k] = ids[k:]
        rolled = (rolled * _MIX) ^ nxt
    doc_of = np.repeat(np.arange(len(docs)), lengths)
    pos = np.arange(n) - starts[:-1][doc_of]
    full = pos <= (lengths[doc_of] - SHINGLE)
    hashes, owners = [rolled[full]], [doc_of[full]]
    for d in np.flatnonzero((lengths > 0) & (lengths < SHINGLE)):
        h = ids[starts[d] : starts[d] + 1].copy()
        for value in ids[starts[d] + 1 : starts[d + 1]]:
            h = (h * _MIX) ^ value
        hashes.append(h)
        owners.append(np.array([d]))
    return np.concatenate(hashes), np.concatenate(owners)


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = rng.integers(0, 1 << 32, num_perm, dtype=np.uint64).astype(np.uint32)
    return a, b


def minhash_signatures(
    texts: Iterable[str], num_perm: int = NUM_PERM, seed: int = SEED
) -> np.ndarray:
    """One MinHash signature row (``uint32``) per text over its word 5-gram shingles.

    Shingles are built on :func:`~veracity.text.normalize.canonical` tokens; an
    empty text gets an all-``0xFFFFFFFF`` row.
    """
    return _signatures([canonical(t).split() for t in texts], num_perm, seed)


def _signatures(docs: list[list[str]], num_perm: int, seed: int) -> np.ndarray:
    """Signatures of token lists: min over shingles of ``a * h + b`` (mod 2**32), per ``a, b``."""
    a, b = _permutations(num_perm, seed)
    sigs = np.full((num_perm, len(docs)), 0xFFFFFFFF, dtype=np.uint32)
    if not docs:
        return sigs.T.copy()
    hashes, owners = _shingles(docs)
    order = np.argsort(owners, kind="stable")
    hashes, owners = hashes[order], owners[order]
    for start in range(0, len(hashes), _BATCH):
        h, o = hashes[start : start + _BATCH], owners[start : start + _BATCH]
        permuted = np.multiply.outer(a, h)
        permuted += b[:, None]
        bounds = np.flatnonzero(np.r_[True, o[1:] != o[:-1]])
        mins = np.minimum.reduceat(permuted, bounds, axis=1)
        cols = o[bounds]
        sigs[:, cols] = np.minimum(sigs[:, cols], mins)
    return sigs.T.copy()


def near_duplicate_pairs(
    sigs: np.ndarray, threshold: float = NEAR_THRESHOLD
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, whose signatures agree on at least ``threshold``."""
    num_perm = sigs.shape[1]
    template = MinHash(num_perm=num_perm, seed=SEED)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for i, row in enumerate(sigs):
            m = template.copy()
            m.hashvalues = row.astype(template.hashvalues.dtype)
            session.insert(i, m)
    pairs = set()
    for i, row in enumerate(sigs):
        m = template.copy()
        m.hashvalues = row.astype(template.hashvalues.dtype)
        for j in lsh.query(m):
            if j > i and np.mean(sigs[j] == row) >= threshold:
                pairs.add((i, int(j)))
    return sorted(pairs)


def deduplicate(
    frame: pd.DataFrame,
    near: bool = True,
    threshold: float = NEAR_THRESHOLD,
    held_out: Sequence[str] = (),
) -> tuple[pd.DataFrame, dict[str, DedupCounts]]:
    """Drop duplicate rows of ``frame``, and the rows equal or near-equal to a text of
    ``held_out`` (see module docstring); counts per corpus."""
    keys = [canonical(t) for t in frame["text"]]
    n = len(keys)
    everything = keys + [canonical(t) for t in held_out]
    uf = _UnionFind(len(everything))
    first: dict[str, int] = {}
    for i, key in enumerate(everything):
        uf.union(first.setdefault(key, i), i)
    if near and first:
        reps = list(first.values())
        sigs = _signatures([everything[i].split() for i in reps], NUM_PERM, SEED)
        for i, j in near_duplicate_pairs(sigs, threshold):
            uf.union(reps[i], reps[j])
    labels = frame["label"].to_numpy()
    corpora = frame["corpus"].to_numpy()
    roots = np.array([uf.find(i) for i in range(n)])
    held = {uf.find(i) for i in range(n, len(everything))}
    counts: dict[str, DedupCounts] = {str(c): DedupCounts() for c in pd.unique(corpora)}
    conflicted = {root for root, group in pd.Series(labels).groupby(roots) if group.nunique() > 1}
    keep = np.zeros(n, dtype=bool)
    seen_keys: set[str] = set()
    for i, root in enumerate(roots):
        count = counts[str(corpora[i])]
        if root in held:
            count.held_out += 1
        elif root in conflicted:
            count.conflict += 1
        elif root == i:
            keep[i] = True
        elif keys[i] in seen_keys:
            count.exact += 1
        else:
            count.near += 1
        seen_keys.add(keys[i])
    return frame.loc[keep].reset_index(drop=True), counts
