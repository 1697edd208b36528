"""MurmurHash3 of many byte spans, compiled by numba: the batch path of :mod:`.grams`.

:func:`veracity.text.grams.murmur_spans` hashes a table of n-grams in numpy,
a 4-byte block of every n-gram per step; that is the right tool for the few
thousand n-grams of one article, where importing numba (a quarter of a second)
would dominate.  A chunk of a batch holds a hundred thousand n-grams or more,
and there this loop, run in one pass over the bytes, takes half the time (and spares
numpy's large temporaries).  Both give exactly ``mmh3.hash`` (the tests compare them).

The loop is compiled for its one signature when the module is imported, from numba's
cache after the first time (about half a second, import included).  Only a fast
pipeline's batch workers use it (:func:`~veracity.text.grams.use_compiled_hashing`); their
pool imports it in its fork server (:mod:`veracity.batch.engines`), so every worker the
server forks, for every pool of the process, starts with it compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numba import njit, types

#: Numba widens 32-bit integer arithmetic, so the hash is kept in a 64-bit signed integer and
#: masked to its low 32 bits after every product (a product that wraps keeps them).
_MASK = 0xFFFFFFFF


def _compiled(signature: Any = None) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit``, cached on disk where numba finds a writable place for its cache (the
    package's ``__pycache__``, else the user's cache folder); where there is none (a
    read-only install run without a home), compiled in every process instead."""

    def wrap(function: Callable[..., Any]) -> Any:
        try:
            return njit(signature, cache=True, nogil=True)(function)
        except RuntimeError:
            return njit(signature, nogil=True)(function)

    return wrap


@_compiled()
def _rotl(x: int, r: int) -> int:  # pragma: no cover - compiled
    return ((x << r) | (x >> (32 - r))) & _MASK


@_compiled()
def _mix(k: int) -> int:  # pragma: no cover - compiled
    return (_rotl((k * 0xCC9E2D51) & _MASK, 15) * 0x1B873593) & _MASK


_BYTES = types.Array(types.uint8, 1, "C", readonly=True)
_INTS = types.Array(types.int64, 1, "C")
_SIGNATURE = types.uint32[::1](_BYTES, _INTS, _INTS, types.Array(types.uint8, 2, "C"), _INTS, _INTS)


@_compiled(_SIGNATURE)
def _murmur(
    data: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    prefixes: np.ndarray,
    prefix_lengths: np.ndarray,
    prefix_id: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled; the tests call it through murmur_spans_jit
    n = starts.shape[0]
    out = np.empty(n, np.uint32)
    for i in range(n):
        p = prefix_id[i]
        plen = prefix_lengths[p]
        start = starts[i]
        total = plen + lengths[i]
        h = 0
        k = 0
        for at in range(total):
            byte = prefixes[p, at] if at < plen else data[start + at - plen]
            k |= int(byte) << (8 * (at & 3))
            if at & 3 == 3:
                h = (_rotl(h ^ _mix(k), 13) * 5 + 0xE6546B64) & _MASK
                k = 0
        if total & 3:
            h ^= _mix(k)
        h ^= total
        h ^= h >> 16
        h = (h * 0x85EBCA6B) & _MASK
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & _MASK
        h ^= h >> 16
        out[i] = h
    return out


def murmur_spans_jit(
    data: bytes,
    starts: np.ndarray,
    lengths: np.ndarray,
    prefixes: list[bytes],
    prefix_id: np.ndarray,
) -> np.ndarray:
    """``mmh3.hash(prefixes[prefix_id[i]] + data[starts[i] : starts[i] + lengths[i]])``."""
    width = max((len(p) for p in prefixes), default=0)
    table = np.zeros((len(prefixes), max(width, 1)), np.uint8)
    for row, prefix in enumerate(prefixes):
        table[row, : len(prefix)] = np.frombuffer(prefix, np.uint8)
    hashes = _murmur(
        np.frombuffer(data, np.uint8),
        np.ascontiguousarray(starts, np.int64),
        np.ascontiguousarray(lengths, np.int64),
        table,
        np.array([len(p) for p in prefixes], np.int64),
        np.ascontiguousarray(prefix_id, np.int64),
    )
    return hashes.view(np.int32)
