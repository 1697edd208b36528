"""Deterministic MinHash signatures of word 3-gram shingles, computed with numpy.

Every distinct token is hashed with CRC-32 (stable across processes, unlike
``hash``), a shingle hash mixes the hashes of three consecutive tokens, and
each of :data:`NUM_PERM` permutations is a fixed multiply-shift hash.  A whole
batch of sentences is signed in a few array operations, so signing millions of
archive sentences is cheap; the same code signs a query article, so the
signatures compare.  A sentence of fewer than three tokens is one shingle.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Permutations per signature; a signature is ``NUM_PERM`` uint32 values.
NUM_PERM = 64
#: Words per shingle.
SHINGLE = 3
_SEED = 20240607
_MIX = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
)
_rng = np.random.default_rng(_SEED)
_A = (_rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)).reshape(1, -1)
_B = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64).reshape(1, -1)
_SHIFT32 = np.uint64(32)
#: Sentences signed per array pass (bounds memory to a few tens of MB).
_CHUNK = 256
_EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)


def _run_starts(counts: np.ndarray) -> np.ndarray:
    """Offset of each run of ``counts`` in the flattened array."""
    result: np.ndarray = np.cumsum(counts) - counts
    return result


def _shingle_hashes(token_hashes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every shingle of every sentence, and the shingle count per sentence."""
    starts = _run_starts(lengths)
    counts = np.maximum(lengths - (SHINGLE - 1), 1)
    first = np.repeat(starts, counts) + (
        np.arange(int(counts.sum())) - np.repeat(_run_starts(counts), counts)
    )
    last = np.repeat(starts + lengths - 1, counts)
    mixed = np.zeros(len(first), dtype=np.uint64)
    for offset, mult in enumerate(_MIX):
        pos = first + offset
        inside = pos <= last
        mixed[inside] ^= token_hashes[pos[inside]] * mult
    return mixed >> _SHIFT32, counts


def token_hashes(flat: Sequence[str]) -> np.ndarray:
    """CRC-32 of every token (each distinct token hashed once), as uint64."""
    if not flat:
        return np.zeros(0, dtype=np.uint64)
    codes, uniques = pd.factorize(np.array(flat, dtype=object))
    hashed = np.fromiter(
        (zlib.crc32(str(u).encode("utf-8")) for u in uniques), dtype=np.uint64, count=len(uniques)
    )
    result: np.ndarray = hashed[codes]
    return result


def signatures(token_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """MinHash signatures, shape ``(len(token_lists), NUM_PERM)``, dtype uint32.

    An empty token list gets the all-max signature, which matches nothing else.
    """
    out = np.tile(_EMPTY, (len(token_lists), 1))
    rows = np.array([i for i, toks in enumerate(token_lists) if toks], dtype=np.int64)
    if len(rows) == 0:
        return out
    lengths = np.array([len(token_lists[i]) for i in rows], dtype=np.int64)
    hashes = token_hashes([t for i in rows for t in token_lists[i]])
    shingles, counts = _shingle_hashes(hashes, lengths)
    shingle_starts = _run_starts(counts)
    for lo in range(0, len(rows), _CHUNK):
        hi = min(lo + _CHUNK, len(rows))
        first = shingle_starts[lo]
        last = shingle_starts[hi] if hi < len(rows) else len(shingles)
        permuted = shingles[first:last].reshape(-1, 1) * _A
        permuted += _B
        permuted >>= _SHIFT32
        out[rows[lo:hi]] = np.minimum.reduceat(permuted, shingle_starts[lo:hi] - first, axis=0)
    return out


def jaccard(query: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of one signature with each row of ``candidates``."""
    if len(candidates) == 0:
        return np.zeros(0)
    result: np.ndarray = (candidates == query.reshape(1, -1)).mean(axis=1)
    return result


def to_blob(signature: np.ndarray) -> bytes:
    """A signature as the little-endian bytes stored in SQLite."""
    return signature.astype("<u4").tobytes()


def from_blobs(blobs: Sequence[bytes]) -> np.ndarray:
    """Stored blobs back to a ``(len(blobs), NUM_PERM)`` uint32 array."""
    if not blobs:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    return np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(blobs), NUM_PERM)
