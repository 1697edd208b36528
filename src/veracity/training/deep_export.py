"""The trained network as the run time reads it: an int8 ONNX encoder and npz heads.

:func:`export_int8` writes the encoder (token ids and mask in, token states out) to
ONNX with dynamic batch and length, then quantises its weights to int8 with
onnxruntime's ``quantize_dynamic``.  :func:`agreement` compares the int8 file, run by
:class:`veracity.signals.deep.encoder.Encoder`, with the torch fp32 network on the
same sentences: for every sentence head the largest and the mean probability difference,
the share of sentences within 0.05 and the share of labels that agree; the token tagger's
largest difference.  The training command records it in
the card; a test runs the same check on a freshly exported base encoder.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..signals.deep.encoder import Encoder
from ..signals.deep.heads import SENTENCE_HEADS, Heads
from .deep_model import EncoderOnly, MultiTask

#: ONNX opset of the exported encoder.
OPSET = 17
#: Weights quantised per output channel: half the error of one scale per matrix on this
#: encoder (token states' mean relative error 0.16 against 0.32), for 1 MB more.
PER_CHANNEL = True


def export_int8(model: MultiTask, per_channel: bool | None = PER_CHANNEL) -> bytes:
    """The encoder of ``model`` as int8 ONNX bytes (``per_channel=None``: fp32, unquantised,
    for measurements only: it is too large to ship)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    mask = torch.ones((2, 8), dtype=torch.long)
    mask[1, 5:] = 0
    with tempfile.TemporaryDirectory(prefix="veracity-onnx-") as name:
        fp32, int8 = Path(name) / "fp32.onnx", Path(name) / "int8.onnx"
        torch.onnx.export(
            EncoderOnly(model).eval(),
            (ids, mask),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["states"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "length"},
                "attention_mask": {0: "batch", 1: "length"},
                "states": {0: "batch", 1: "length"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
        model.eval()
        if per_channel is None:
            return fp32.read_bytes()
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=per_channel)
        return int8.read_bytes()


@torch.no_grad()
def agreement(
    model: MultiTask, encoder: Encoder, heads: Heads, sentences: Sequence[str]
) -> dict[str, Any]:
    """How closely the int8 run time follows the torch fp32 network on ``sentences``."""
    model.eval()
    batch = encoder.encode(sentences)
    ids = torch.tensor(batch.ids, dtype=torch.long)
    mask = torch.tensor(batch.mask, dtype=torch.long)
    states = model.states(ids, mask)
    torch_sent = torch.sigmoid(model.sentence_logits(states, mask)).numpy()
    torch_tags = torch.sigmoid(model.tag_logits(states)).numpy()
    onnx_states = encoder.states(batch)
    onnx_sent = heads.sentence_probabilities(onnx_states, batch.mask)
    onnx_tags = heads.tag_probabilities(onnx_states)
    real = batch.mask.astype(bool)
    out: dict[str, Any] = {"sentences": len(sentences)}
    for j, name in enumerate(SENTENCE_HEADS):
        diff = np.abs(torch_sent[:, j] - onnx_sent[:, j])
        same = (torch_sent[:, j] >= 0.5) == (onnx_sent[:, j] >= 0.5)
        out[name] = {
            "max_abs_diff": round(float(diff.max()), 4),
            "mean_abs_diff": round(float(diff.mean()), 4),
            "within_0.05": round(float((diff <= 0.05).mean()), 4),
            "agree": round(float(same.mean()), 4),
        }
    diff = np.abs(torch_tags - onnx_tags)[real]
    out["tags"] = {"max_abs_diff": round(float(diff.max()), 4)}
    return out
