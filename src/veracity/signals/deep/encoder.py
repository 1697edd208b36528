"""The int8 ONNX encoder and its tokenizer, run with onnxruntime and ``tokenizers``.

Sentences are tokenised in one ``encode_batch`` call (WordPiece, the base model's own
``tokenizer.json``), cut at :attr:`Encoder.max_length` tokens, sorted by length and
run in batches of at most :data:`BATCH_TOKENS` padded tokens, so padding stays short.
Each token keeps its character offsets into its sentence, so spans found on tokens
map back onto the article.  A session uses ``threads`` cores (0: onnxruntime's
default, every core); a process of a scoring pool uses one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Most padded tokens in one encoder run (rows times the longest row): on one core, runs of
#: 512-1,024 tokens read about 40% more articles per CPU-second than runs of 4,096.
BATCH_TOKENS = 1024


@dataclass(frozen=True)
class Batch:
    """Token ids and mask of some sentences, padded to the longest, with each token's
    character offsets into its sentence and whether it is a special token."""

    ids: np.ndarray
    mask: np.ndarray
    offsets: list[list[tuple[int, int]]]
    special: list[list[int]]
    #: Whether each token continues a word (WordPiece ``##``).
    continues: list[list[bool]]


class Encoder:
    """An ONNX encoder session and its tokenizer."""

    def __init__(self, onnx: bytes, tokenizer_json: str, max_length: int, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(onnx, options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_str(tokenizer_json)
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length)
        self.max_length = max_length

    def encode(self, texts: Sequence[str]) -> Batch:
        """``texts`` tokenised and padded into one batch."""
        return _pack(self.tokenizer.encode_batch(list(texts)))

    def states(self, batch: Batch) -> np.ndarray:
        """Every token's state, ``(rows, tokens, size)`` float32."""
        if not len(batch.ids):
            return np.zeros((0, 0, 0), dtype=np.float32)
        (out,) = self.session.run(
            ["states"], {"input_ids": batch.ids, "attention_mask": batch.mask}
        )
        return np.asarray(out, dtype=np.float32)

    def batches(self, texts: Sequence[str]) -> Iterator[tuple[list[int], Batch, np.ndarray]]:
        """``(rows of texts, batch, states)`` for every text, shortest first, in runs of at
        most :data:`BATCH_TOKENS` padded tokens."""
        found = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(found)), key=lambda i: len(found[i].ids))
        start = 0
        while start < len(order):
            stop = start + 1
            while (
                stop < len(order)
                and (stop - start + 1) * len(found[order[stop]].ids) <= BATCH_TOKENS
            ):
                stop += 1
            rows = order[start:stop]
            batch = _pack([found[i] for i in rows])
            yield rows, batch, self.states(batch)
            start = stop


def _pack(found: Sequence[Any]) -> Batch:
    """Encodings padded into one batch."""
    width = max((len(e.ids) for e in found), default=0)
    ids = np.zeros((len(found), width), dtype=np.int64)
    mask = np.zeros((len(found), width), dtype=np.int64)
    for i, e in enumerate(found):
        ids[i, : len(e.ids)] = e.ids
        mask[i, : len(e.ids)] = 1
    return Batch(
        ids,
        mask,
        [list(e.offsets) for e in found],
        [list(e.special_tokens_mask) for e in found],
        [[t.startswith("##") for t in e.tokens] for e in found],
    )
