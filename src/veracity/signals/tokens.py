"""Canonical tokens with character offsets, and stable token hashes.

:func:`veracity.text.normalize.tokens` gives the token strings every model
sees; this module only adds where each token sits in the original text, so
span models can report character offsets.  The token strings always come
from ``tokens()``, so there is still one tokeniser.
"""

from __future__ import annotations

import re

import mmh3
import numpy as np

from ..text.normalize import tokens

_LOCATE = re.compile(r"[^\W_]+|[!?]", re.UNICODE)
_HASH_CACHE: dict[str, int] = {}
_HASH_CACHE_MAX = 200_000


def token_offsets(text: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Canonical tokens of ``text`` and their (start, end) character offsets.

    ``tokens(text)`` gives the strings; when it yields one token per located
    word (the normal case) they are paired in order, otherwise each located
    word is tokenised on its own.
    """
    found = list(_LOCATE.finditer(text))
    toks = tokens(text)
    if len(toks) == len(found):
        starts = [m.start() for m in found]
        ends = [m.end() for m in found]
    else:
        toks, starts, ends = [], [], []
        for m in found:
            for tok in tokens(m.group()):
                toks.append(tok)
                starts.append(m.start())
                ends.append(m.end())
    return toks, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


def token_hashes(toks: list[str]) -> np.ndarray:
    """Stable 32-bit murmur hashes of tokens (cached), as uint64."""
    out = np.empty(len(toks), dtype=np.uint64)
    cache = _HASH_CACHE
    for i, tok in enumerate(toks):
        h = cache.get(tok)
        if h is None:
            if len(cache) >= _HASH_CACHE_MAX:
                cache.clear()
            h = cache[tok] = mmh3.hash(tok, 0, signed=False)
        out[i] = h
    return out
