"""Canonical tokens with character offsets, and stable token hashes.

:func:`veracity.text.normalize.tokens` gives the token strings every model
sees; this module only adds where each token sits in the original text, so
span models can report character offsets.  The token strings always come
from ``tokens()`` (or from a :class:`~veracity.doc.Doc`, which made them with
it), so there is still one tokeniser.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING

import mmh3
import numpy as np

from ..text.normalize import plain_ascii, tokens

if TYPE_CHECKING:
    from ..doc import Doc

_LOCATE = re.compile(r"[^\W_]+|[!?]", re.UNICODE)
_HASH_CACHE: dict[str, int] = {}
_HASH_CACHE_MAX = 200_000
_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[[ord(c) for c in string.ascii_letters + string.digits]] = True
_MARK_BYTE = np.zeros(256, dtype=bool)
_MARK_BYTE[[ord("!"), ord("?")]] = True


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


def ascii_offsets(text: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(start, end) of every located word of ``text``, or None unless it tokenises as ASCII.

    ``text`` qualifies when it has a :func:`~veracity.text.normalize.plain_ascii` form:
    then ``tokens(text)`` is exactly one token per located word, and the words are found
    with numpy, not a regex.
    """
    plain = plain_ascii(text)
    if plain is None:
        return None
    raw = np.frombuffer(plain.encode("ascii"), dtype=np.uint8)
    mark = _MARK_BYTE[raw]
    edge = np.diff(_WORD_BYTE[raw].astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero((edge[:-1] == 1) | mark)
    ends = np.flatnonzero((edge[1:] == -1) | mark) + 1
    return starts.astype(np.int64), ends.astype(np.int64)


def sentence_token_offsets(
    text: str, bounds: Sequence[tuple[int, int]], sentence_tokens: Sequence[Sequence[str]]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """:func:`token_offsets` of ``text``, its tokens taken from its sentences' when possible.

    ``sentence_tokens[k]`` are ``tokens(text[a:b])`` of ``bounds[k]``.  When ``text``
    qualifies for :func:`ascii_offsets` and its sentences hold every located word
    whole, in order, as many as they have tokens, the article's tokens are the
    sentences' tokens one after another; otherwise ``token_offsets(text)``.
    """
    found = ascii_offsets(text)
    if found is not None:
        starts, ends = found
        sb = np.asarray(bounds, dtype=np.int64).reshape(-1, 2)
        lo = np.searchsorted(starts, sb[:, 0], side="left")
        hi = np.searchsorted(ends, sb[:, 1], side="right")
        counts = np.fromiter(map(len, sentence_tokens), np.int64, len(sentence_tokens))
        whole = (
            len(sb) == len(counts)
            and (len(sb) == 0 or (lo[0] == 0 and hi[-1] == len(starts)))
            and len(starts) == counts.sum()
            and bool(np.all(lo[1:] == hi[:-1]))
            and bool(np.all(hi - lo == counts))
        )
        if whole:
            return list(chain.from_iterable(sentence_tokens)), starts, ends
    return token_offsets(text)


#: The key of a Doc's located tokens in :attr:`~veracity.doc.Doc.annotations`.
LOCATED_TOKENS = "located_tokens"


def doc_token_offsets(doc: Doc) -> tuple[list[str], np.ndarray, np.ndarray]:
    """:func:`sentence_token_offsets` of a Doc, kept on it: the span tagger locates the tokens,
    the explanation finds its words with them."""
    found = doc.annotations.get(LOCATED_TOKENS)
    if found is None:
        bounds = [(s.start, s.end) for s in doc.sentences]
        found = doc.annotations[LOCATED_TOKENS] = sentence_token_offsets(
            doc.text, bounds, doc.tokens
        )
    return found


def token_hashes(toks: Sequence[str]) -> np.ndarray:
    """Stable 32-bit murmur hashes of tokens (cached), as uint64."""
    cache = _HASH_CACHE
    found = list(map(cache.get, toks))
    if None in found:
        for i, tok in enumerate(toks):
            if found[i] is None:
                if len(cache) >= _HASH_CACHE_MAX:
                    cache.clear()
                found[i] = cache[tok] = mmh3.hash(tok, 0, signed=False)
    return np.asarray(found, dtype=np.uint64).reshape(-1)
