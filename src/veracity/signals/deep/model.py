"""The deep sentence model folder, loaded and checked: encoder, heads and settings.

``signals/trained_deep/`` holds ``encoder.onnx`` (int8), ``heads.npz``,
``tokenizer.json``, ``deep.json`` (token limit, technique names, span levels),
``ranges.json`` (the article signals' reliable ranges under this model), optionally
``verdict.npz`` and ``verdict.json`` (the article verdict, :mod:`.verdict`), and
``card.json`` with the sha256 of each; :func:`veracity.persist.load_folder` checks
every file before a byte of it is parsed, so a tampered file ends in a coded
:class:`~veracity.errors.ModelError` and runs no code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import E, ModelError
from ...persist import load_folder
from .encoder import Encoder
from .heads import Heads
from .verdict import DeepVerdict

#: The bundled deep model.
DEEP_DIR = Path(__file__).resolve().parents[1] / "trained_deep"
ENCODER_FILE = "encoder.onnx"


@dataclass(frozen=True)
class SpanLevels:
    """Token-tag levels: a span is drawn ``weak`` at ``weak``, ``strong`` at ``strong``;
    up to ``gap`` words below ``weak`` inside a run do not end it."""

    weak: float
    strong: float
    gap: int = 0


@dataclass(frozen=True)
class DeepModel:
    encoder: Encoder
    heads: Heads
    techniques: tuple[str, ...]
    levels: SpanLevels
    card: dict[str, Any]
    #: (p10, p50, p90) of each article signal over reliable articles under this model.
    ranges: dict[str, list[float]]
    #: The article verdict, when the folder has one (``verdict.npz`` and ``verdict.json``).
    verdict: DeepVerdict | None = None

    @classmethod
    def load(cls, folder: Path = DEEP_DIR, threads: int = 0) -> DeepModel:
        """Load and sha256-check the folder; ``threads``: the encoder's cores (0: all)."""
        folder = Path(folder)
        bundle = load_folder(folder)
        try:
            settings = bundle.data["deep"]
            tokenizer = json.dumps(bundle.data["tokenizer"])
            heads = Heads.from_arrays(bundle.arrays["heads"])
            onnx = bundle.raw[ENCODER_FILE]
            spans = settings["spans"]
            levels = SpanLevels(
                float(spans["weak"]), float(spans["strong"]), int(spans.get("gap", 0))
            )
            techniques = tuple(str(t) for t in settings["techniques"])
            max_length = int(settings["max_length"])
            verdict = None
            if "verdict" in bundle.arrays:
                verdict = DeepVerdict.from_bundle(bundle.arrays["verdict"], bundle.data["verdict"])
        except (KeyError, TypeError, ValueError) as err:
            raise ModelError(E.E010, path=folder, reason=f"missing or malformed {err}") from None
        if heads.technique_weight.shape[1] != len(techniques):
            raise ModelError(E.E010, path=folder, reason="technique head and names disagree")
        try:
            encoder = Encoder(onnx, tokenizer, max_length, threads)
        except Exception as err:  # onnxruntime and tokenizers raise their own types
            raise ModelError(E.E010, path=folder / ENCODER_FILE, reason=str(err)[:200]) from None
        ranges = bundle.data.get("ranges", {}).get("ranges", {})
        return cls(encoder, heads, techniques, levels, bundle.card, ranges, verdict)
