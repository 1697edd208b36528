"""Hashed word n-grams of token streams, hashed by numpy instead of string by string.

Every n-gram of a run of tokens is a slice of the tokens joined by single
spaces, so :func:`gram_table` never builds the n-gram strings: it joins each
stream once and runs MurmurHash3 (x86, 32-bit, seed 0, what ``mmh3.hash`` and
scikit-learn's ``HashingVectorizer`` use) over all the slices at once, a 4-byte
block of every n-gram per numpy step.  The hashes are exactly ``mmh3.hash`` of
the strings the detectors' :class:`~veracity.models.features.NgramHasher`
would build (the tests compare them); an n-gram's string is made only when an
explanation shows it (:meth:`GramTable.gram`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import chain, repeat

import mmh3
import numpy as np

_C1 = np.uint32(0xCC9E2D51)
_C2 = np.uint32(0x1B873593)
_ROUND = np.uint32(0xE6546B64)
_MIX1 = np.uint32(0x85EBCA6B)
_MIX2 = np.uint32(0xC2B2AE35)
#: N-grams longer than this (bytes, prefix included) are hashed one by one with ``mmh3``
#: (a URL-sized token); it bounds the number of vectorised rounds.
WIDE = 64
#: Longest prefix the vectorised pass takes (``s:m:``); longer ones go one by one.
MAX_PREFIX = 4
#: From this many n-grams on (a chunk of a batch, not one article), the compiled loop of
#: :mod:`.murmur_jit` hashes them in a process that chose it (:func:`use_compiled_hashing`).
JIT_MIN_ROWS = 20_000
#: That loop, once this process has chosen it.
_COMPILED: Callable[..., np.ndarray] | None = None


def use_compiled_hashing() -> None:
    """Hash tables of :data:`JIT_MIN_ROWS` n-grams or more with the numba loop of
    :mod:`.murmur_jit` from now on, in this process.

    The choice of a fast pipeline's batch worker, which hashes chunk after chunk: loading the
    loop costs about half a second and 120 MB once, and it hashes a chunk in half the time.
    Everything else (one article, the service, the deep pipeline, whose encoder dominates)
    stays on numpy and never imports numba.  Both give the same hashes.
    """
    global _COMPILED
    from .murmur_jit import murmur_spans_jit

    _COMPILED = murmur_spans_jit


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def _words32(data: bytes) -> np.ndarray:
    """The little-endian 32-bit word starting at every byte offset of ``data`` (zero-padded)."""
    b = np.frombuffer(data + b"\0\0\0\0", np.uint8).astype(np.uint32)
    return (
        b[:-3] | (b[1:-2] << np.uint32(8)) | (b[2:-1] << np.uint32(16)) | (b[3:] << np.uint32(24))
    )


def _first_block(
    w32: np.ndarray, start: np.ndarray, plen: np.ndarray, pword: np.ndarray
) -> np.ndarray:
    """The first 4 bytes of prefix + span, as murmur reads them (bytes past the end masked later)."""
    shift = (np.minimum(plen, 3) * 8).astype(np.uint32)
    mixed = np.where(plen >= 4, pword, pword | (w32[start] << shift))
    return np.where(plen == 0, w32[start], mixed)


def _murmur_sorted(
    w32: np.ndarray, start: np.ndarray, total: np.ndarray, plen: np.ndarray, pword: np.ndarray
) -> np.ndarray:
    """MurmurHash3 of rows sorted by whole blocks (``total // 4``), most first."""
    nb = total // 4
    base = start - plen
    h = np.zeros(len(total), np.uint32)
    active = np.searchsorted(-nb, -np.arange(int(nb[0]) if len(nb) else 0), side="left")
    for b, c in enumerate(active.tolist()):
        k1 = w32[base[:c] + 4 * b] if b else _first_block(w32, start[:c], plen[:c], pword[:c])
        k1 = _rotl(k1 * _C1, 15) * _C2
        h[:c] = _rotl(h[:c] ^ k1, 13) * np.uint32(5) + _ROUND
    tail = total & 3
    k1 = np.where(nb == 0, _first_block(w32, start, plen, pword), w32[np.maximum(base + 4 * nb, 0)])
    k1 &= (np.uint32(1) << (8 * tail).astype(np.uint32)) - np.uint32(1)
    h = np.where(tail > 0, h ^ (_rotl(k1 * _C1, 15) * _C2), h)
    h ^= total.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= _MIX1
    h ^= h >> np.uint32(13)
    h *= _MIX2
    h ^= h >> np.uint32(16)
    return h.view(np.int32)


def murmur_spans(
    data: bytes,
    starts: np.ndarray,
    lengths: np.ndarray,
    prefixes: Sequence[bytes] = (b"",),
    prefix_id: np.ndarray | None = None,
) -> np.ndarray:
    """``mmh3.hash(prefixes[prefix_id[i]] + data[starts[i] : starts[i] + lengths[i]])`` for every ``i``."""
    n = len(starts)
    pid = np.zeros(n, np.int64) if prefix_id is None else np.asarray(prefix_id, np.int64)
    if _COMPILED is not None and n >= JIT_MIN_ROWS:
        return _COMPILED(data, starts, lengths, list(prefixes), pid)
    plen_of = np.array([len(p) for p in prefixes], np.int64)
    pword_of = np.array([int.from_bytes(p[:MAX_PREFIX], "little") for p in prefixes], np.uint32)
    plen = plen_of[pid]
    lengths = np.asarray(lengths, np.int64)
    total = plen + lengths
    starts = np.asarray(starts, np.int64)
    out = np.empty(n, np.int32)
    slow = (total > WIDE) | (plen > MAX_PREFIX)
    for row in np.flatnonzero(slow).tolist():
        out[row] = mmh3.hash(prefixes[pid[row]] + data[starts[row] : starts[row] + lengths[row]])
    rows = np.flatnonzero(~slow)
    # Block counts fit 16 bits, so this stable sort is a radix sort.
    rows = rows[np.argsort(-(total[rows] // 4).astype(np.int16), kind="stable")]
    out[rows] = _murmur_sorted(
        _words32(data), starts[rows], total[rows], plen[rows], pword_of[pid[rows]]
    )
    return out


@dataclass(frozen=True)
class GramTable:
    """Every n-gram occurrence of some token runs ("segments"): its hash and its segment.

    ``hashes`` are ``mmh3.hash`` of the n-gram strings; ``strings`` makes the
    strings of the occurrences it is given (:meth:`gram`, of one).  Within a segment, occurrences are in the order
    :class:`~veracity.models.features.NgramHasher.ngrams` lists them.
    """

    hashes: np.ndarray
    segment: np.ndarray
    n_segments: int
    strings: Callable[[np.ndarray], list[str]]
    #: Where each occurrence sits in its segment: the index of its first token, and its
    #: number of tokens; None for a table of strings or characters.
    token_first: np.ndarray | None = None
    token_count: np.ndarray | None = None

    def gram(self, i: int) -> str:
        """The string of occurrence ``i``."""
        return self.strings(np.array([i]))[0]

    def columns(self, n_features: int) -> np.ndarray:
        """Column of each occurrence (``|hash| mod n_features``, as ``HashingVectorizer``)."""
        return np.abs(self.hashes.astype(np.int64)) % n_features

    @classmethod
    def from_strings(cls, gram_lists: Sequence[Sequence[str]]) -> GramTable:
        """A table of n-grams already made as strings (hashed one by one)."""
        flat = list(chain.from_iterable(gram_lists))
        lengths = np.fromiter(map(len, gram_lists), np.int64, len(gram_lists))
        return cls(
            np.fromiter(map(mmh3.hash, flat), np.int32, len(flat)),
            np.repeat(np.arange(len(gram_lists), dtype=np.int64), lengths),
            len(gram_lists),
            lambda at: [flat[i] for i in at.tolist()],
        )


def _offsets(joined: bytes, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Byte start and byte length of each of the ``n`` words of UTF-8 ``joined`` (space-joined).

    A space byte never occurs inside a multi-byte UTF-8 character, nor in a word.
    """
    spaces = np.flatnonzero(np.frombuffer(joined, np.uint8) == 32)
    starts = np.zeros(n, np.int64)
    starts[1:] = spaces + 1
    ends = np.append(spaces, len(joined)) if n else np.zeros(0, np.int64)
    return starts, ends - starts


def gram_table(
    segments: Sequence[Sequence[str]],
    prefixes: Sequence[str],
    ngram_range: tuple[int, int],
    masked_range: tuple[int, int] | None = None,
    keep: Collection[str] = frozenset(),
    mask: str = "_",
) -> GramTable:
    """N-grams of each segment, each prefixed with its segment's prefix.

    Word n-grams of ``ngram_range``; with ``masked_range``, also n-grams of the
    masked stream (words not in ``keep`` become ``mask``), prefixed ``m:`` after
    the segment's prefix, that hold at least one kept word.
    """
    words = list(chain.from_iterable(segments))
    t = len(words)
    seg_len = np.fromiter(map(len, segments), np.int64, len(segments))
    seg_of = np.repeat(np.arange(len(segments), dtype=np.int64), seg_len)
    room = np.cumsum(seg_len)[seg_of] - np.arange(t)
    names = sorted(set(prefixes))
    pid_of_seg = np.array([names.index(p) for p in prefixes], np.int64)
    plain = " ".join(words).encode("utf-8")
    streams: list[tuple[list[str], bytes]] = [(words, plain)]
    starts, lens = _offsets(plain, t)
    # One part per (stream, n): the first word of each n-gram.
    parts = [(np.flatnonzero(room >= n), n, 0) for n in range(ngram_range[0], ngram_range[1] + 1)]
    offsets = [(starts, lens)]
    if masked_range is not None:
        kept_as_is = {w: w for w in keep}
        masked = list(map(kept_as_is.get, words, repeat(mask)))
        joined = " ".join(masked).encode("utf-8")
        m_starts, m_lens = _offsets(joined, t)
        flags = np.frombuffer(joined + b" ", np.uint8)[m_starts] != ord(mask[0])
        kept = np.zeros(t + 1, np.int64)
        np.cumsum(flags | (m_lens != len(mask.encode())), out=kept[1:])
        streams.append((masked, joined))
        offsets.append((m_starts + len(plain) + 1, m_lens))
        for n in range(masked_range[0], masked_range[1] + 1):
            g = np.flatnonzero(room >= n)
            parts.append((g[kept[g + n] > kept[g]], n, 1))
    first = np.concatenate([g for g, _, _ in parts])
    size = np.repeat([n for _, n, _ in parts], [len(g) for g, _, _ in parts])
    stream = np.repeat([s for _, _, s in parts], [len(g) for g, _, _ in parts])
    byte_start = np.concatenate([offsets[s][0][g] for g, _, s in parts])
    last = np.concatenate([g + n - 1 for g, n, _ in parts])
    ends = np.concatenate(
        [
            offsets[s][0][e] + offsets[s][1][e]
            for (_, _, s), e in zip(
                parts, np.split(last, np.cumsum([len(g) for g, _, _ in parts])[:-1]), strict=True
            )
        ]
    )
    segment = seg_of[first]
    all_prefixes = [p + m for m in ("", "m:") for p in names]
    prefix_id = pid_of_seg[segment] + stream * len(names)
    data = b"\n".join(s[1] for s in streams)
    hashes = murmur_spans(
        data, byte_start, ends - byte_start, [p.encode() for p in all_prefixes], prefix_id
    )

    def strings(at: np.ndarray) -> list[str]:
        return [
            all_prefixes[p] + " ".join(streams[s][0][g : g + n])
            for s, g, n, p in zip(
                stream[at].tolist(),
                first[at].tolist(),
                size[at].tolist(),
                prefix_id[at].tolist(),
                strict=True,
            )
        ]

    token_first = first - (np.cumsum(seg_len) - seg_len)[segment]
    return GramTable(hashes, segment, len(segments), strings, token_first, size)


def char_wb_table(texts: Sequence[str], ngram_range: tuple[int, int]) -> GramTable:
    """Character n-grams inside word boundaries, one segment per text (``analyzer="char_wb"``).

    Each white-space-separated word is padded with one space; a padded word
    shorter than the lowest order is one n-gram.  N-grams count characters:
    their byte spans come from each character's UTF-8 length.
    """
    per_text = [t.split() for t in texts]
    words = list(chain.from_iterable(per_text))
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), [len(w) for w in per_text])
    padded = "".join(f" {w} " for w in words)
    points = np.frombuffer(padded.encode("utf-32-le"), np.uint32)
    widths = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
    byte_at = np.zeros(len(points) + 1, np.int64)
    np.cumsum(widths, out=byte_at[1:])
    size = np.fromiter(map(len, words), np.int64, len(words)) + 2
    first = np.zeros(len(words), np.int64)
    np.cumsum(size[:-1], out=first[1:])
    lo, hi = ngram_range
    short = np.flatnonzero(size < lo)
    starts, ends, owner = [first[short]], [first[short] + size[short]], [short]
    for n in range(lo, hi + 1):
        k = np.flatnonzero(size >= n)
        per = size[k] - n + 1
        word = np.repeat(k, per)
        at = first[word] + np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
        starts.append(at)
        ends.append(at + n)
        owner.append(word)
    char_start, char_end = np.concatenate(starts), np.concatenate(ends)
    byte_start, byte_end = byte_at[char_start], byte_at[char_end]
    data = padded.encode("utf-8")
    hashes = murmur_spans(data, byte_start, byte_end - byte_start)

    def strings(at: np.ndarray) -> list[str]:
        return [
            padded[a:b] for a, b in zip(char_start[at].tolist(), char_end[at].tolist(), strict=True)
        ]

    return GramTable(hashes, text_of[np.concatenate(owner)], len(texts), strings)
