"""Static word embeddings distilled from MiniLM, read with numpy only.

``models/static/minilm_static.npz`` holds one vector per WordPiece token of
sentence-transformers/all-MiniLM-L6-v2, distilled with model2vec by
``scripts/distill_static_embeddings.py`` (see ``minilm_static.json``, its card).
A text's embedding is the mean of its token vectors; no torch, no tokenizers
library.  The tokenizer below reproduces BERT-uncased tokenisation (the Rust
``BertNormalizer`` + ``BertPreTokenizer`` + ``WordPiece`` of the base model).

By default punctuation tokens other than ``!`` and ``?`` are skipped, as in
:func:`veracity.text.normalize.tokens`, so the research-corpus form
("the minister said : `` we will act '' .") and the same sentence in prose
('The minister said: "We will act."') give the same token ids.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np

from ..config import PACKAGE_DIR
from ..errors import E, ModelError
from ..persist import MAX_CARD_BYTES, load_json, load_npz, read_bounded, verified_bytes

#: The bundled asset; its card is the ``.json`` file of the same stem.
BUNDLED_NPZ = PACKAGE_DIR / "models" / "static" / "minilm_static.npz"
#: Punctuation kept when ``keep_punctuation`` is off (they survive tokenised corpora).
KEPT_PUNCTUATION = frozenset("!?")
#: BERT whitespace (``\t\n\r`` plus Unicode White_Space that is not a control character).
_WHITESPACE = re.compile("[\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
#: Categories BertNormalizer(clean_text) deletes: control and format characters.
_DELETED = frozenset(("Cc", "Cf"))
#: CJK ideographs, which BERT splits into one token each.
_CJK = re.compile(
    "[\u4e00-\u9fff\u3400-\u4dbf\U00020000-\U0002a6df\U0002a700-\U0002b73f"
    "\U0002b740-\U0002b81f\U0002b820-\U0002ceaf\uf900-\ufaff\U0002f800-\U0002fa1f]"
)
#: Fast path for ASCII chunks: control characters go, each punctuation mark is a word.
_ASCII_CONTROL = str.maketrans("", "", "".join(map(chr, [*range(32), 127])))
_ASCII_WORDS = re.compile(r"[!-/:-@\[-`{-~]|[^!-/:-@\[-`{-~]+")
_CACHE_WORDS = 1 << 17


def is_punctuation(ch: str) -> bool:
    """BERT's punctuation: ASCII symbols and every Unicode ``P*`` category."""
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def basic_tokenize(chunk: str) -> list[str]:
    """Normalise one whitespace-free chunk and split off punctuation and CJK characters."""
    if chunk.isascii():
        return _ASCII_WORDS.findall(chunk.translate(_ASCII_CONTROL).lower())
    text = "".join(
        ch for ch in chunk if ch not in "\x00\ufffd" and unicodedata.category(ch) not in _DELETED
    )
    text = unicodedata.normalize("NFD", _CJK.sub(r" \g<0> ", text))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    words: list[str] = []
    for word in text.split(" "):
        start = 0
        for i, ch in enumerate(word):
            if is_punctuation(ch):
                words.extend(w for w in (word[start:i], ch) if w)
                start = i + 1
        if start < len(word):
            words.append(word[start:])
    return words


class WordPieceTokenizer:
    """BERT-uncased tokenisation onto a fixed vocabulary; unknown words are skipped."""

    def __init__(
        self,
        vocab: Sequence[str],
        max_chars_per_word: int = 100,
        prefix: str = "##",
        keep_punctuation: bool = False,
    ) -> None:
        self.vocab = {tok: i for i, tok in enumerate(vocab)}
        self.max_chars_per_word = max_chars_per_word
        self.prefix = prefix
        self.keep_punctuation = keep_punctuation
        unk = self.vocab.get("[UNK]")
        self._unknown: tuple[int, ...] = () if unk is None else (unk,)
        # Per instance, so two tokenizers never share entries; chunks repeat a lot.
        self.chunk_ids = lru_cache(maxsize=_CACHE_WORDS)(self._chunk_ids)

    def wordpiece(self, word: str) -> tuple[int, ...]:
        """Greedy longest-match-first ids of one basic token (unknown: ``[UNK]`` or nothing)."""
        if len(word) > self.max_chars_per_word:
            return self._unknown
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else self.prefix + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    ids.append(found)
                    break
                end -= 1
            else:
                return self._unknown
            start = end
        return tuple(ids)

    def _chunk_ids(self, chunk: str) -> tuple[int, ...]:
        ids: list[int] = []
        for word in basic_tokenize(chunk):
            if (
                not self.keep_punctuation
                and len(word) == 1
                and word not in KEPT_PUNCTUATION
                and is_punctuation(word)
            ):
                continue
            ids.extend(self.wordpiece(word))
        return tuple(ids)

    def __call__(self, text: str) -> np.ndarray:
        """The token ids of ``text`` (int32, possibly empty)."""
        chunks = _WHITESPACE.split(text)
        ids = list(chain.from_iterable(map(self.chunk_ids, chunks)))
        return np.array(ids, dtype=np.int32)


class StaticEmbedder:
    """Mean-of-token-vectors text embeddings from a distilled static model."""

    def __init__(
        self,
        vocab: Sequence[str],
        vectors: np.ndarray,
        max_chars_per_word: int = 100,
        keep_punctuation: bool = False,
    ) -> None:
        if vectors.ndim != 2 or len(vectors) != len(vocab):
            raise ValueError(f"{len(vocab)} tokens but vectors of shape {vectors.shape}")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.tokenizer = WordPieceTokenizer(
            vocab, max_chars_per_word=max_chars_per_word, keep_punctuation=keep_punctuation
        )

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @classmethod
    def load(cls, path: Path | None = None, keep_punctuation: bool = False) -> StaticEmbedder:
        """Load an npz asset (default: the bundled one) after checking its card's sha256.

        The card is the ``.json`` beside ``path``; a missing, altered or truncated
        file raises :class:`~veracity.errors.ModelError`, as model folders do.
        """
        npz = Path(path) if path is not None else BUNDLED_NPZ
        card_path = npz.with_suffix(".json")
        card = load_json(card_path, read_bounded(card_path, MAX_CARD_BYTES))
        files = card.get("files") if isinstance(card, dict) else None
        if not isinstance(files, dict) or not isinstance(files.get(npz.name), str):
            raise ModelError(E.E010, path=card_path, reason=f"no sha256 for {npz.name}")
        arrays = load_npz(npz, verified_bytes(npz.parent, npz.name, files[npz.name]))
        try:
            q, scales, raw = arrays["vectors"], arrays["scales"], arrays["vocab"]
            vocab = raw.astype(np.uint8).tobytes().decode("utf-8").split("\n")
            vectors = q.astype(np.float32) * scales.astype(np.float32)[:, None]
            limit = int(card.get("tokenizer", {}).get("max_chars_per_word", 100))
            return cls(vocab, vectors, max_chars_per_word=limit, keep_punctuation=keep_punctuation)
        except (KeyError, ValueError, IndexError, TypeError, AttributeError) as err:
            raise ModelError(
                E.E010, path=npz, reason=f"incomplete embedding data ({err})"
            ) from None

    def token_ids(self, text: str) -> np.ndarray:
        """The vocabulary ids of ``text``'s tokens, in order (int32)."""
        return self.tokenizer(text)

    def _sum(self, ids: np.ndarray) -> np.ndarray:
        return self.vectors[ids].sum(axis=0, dtype=np.float64)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """``len(texts) x dim`` float32: each text's mean token vector (zeros if none)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            ids = self.token_ids(text)
            if ids.size:
                out[i] = self._sum(ids) / ids.size
        return out

    def sentence_rows(self, sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """One row per sentence (its mean token vector) and its share of the tokens.

        ``weights @ rows`` is the mean over all the sentences' tokens, i.e. the
        embedding of the whole text; weights sum to 1, or are all 0 without tokens.
        The signature of :attr:`veracity.models.style.StyleSpec.rows`.
        """
        rows = np.zeros((len(sentences), self.dim), dtype=np.float64)
        counts = np.zeros(len(sentences), dtype=np.float64)
        for i, sentence in enumerate(sentences):
            ids = self.token_ids(sentence)
            if ids.size:
                rows[i] = self._sum(ids) / ids.size
                counts[i] = ids.size
        total = counts.sum()
        return rows, (counts / total if total else counts)


@lru_cache(maxsize=1)
def bundled_embedder() -> StaticEmbedder:
    """The bundled MiniLM static embedder, loaded and verified once per process."""
    return StaticEmbedder.load()


def embed(texts: Sequence[str]) -> np.ndarray:
    """:meth:`StaticEmbedder.embed` with the bundled embedder."""
    return bundled_embedder().embed(texts)


def sentence_rows(sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:meth:`StaticEmbedder.sentence_rows` with the bundled embedder (a ``StyleSpec.rows``)."""
    return bundled_embedder().sentence_rows(sentences)
