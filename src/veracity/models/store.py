"""Model folders: a fitted detector plus its card, saved and loaded safely.

The card (``card.json``) names the registered detector, so loading dispatches
through :data:`veracity.registry.detectors`, never through string if-chains.
A human-readable ``MODEL_CARD.md`` is written beside it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..atomic import atomic_write_text
from ..config import DEFAULT_MODEL_DIR
from ..errors import E, ModelError
from ..persist import Bundle, load_folder, save_folder
from ..registry import detectors


class Detector(Protocol):
    """What the analyser needs from a fitted detector."""

    classes_: Any

    def to_bundle(self) -> Bundle: ...


@dataclass
class LoadedModel:
    detector: Any
    card: dict[str, Any]
    folder: Path

    @property
    def fingerprint(self) -> str:
        """sha256 over the card's file table: one id for the whole folder."""
        files = json.dumps(self.card.get("files", {}), sort_keys=True).encode()
        return hashlib.sha256(files).hexdigest()


def save_model(folder: Path, detector: Detector, card: dict[str, Any]) -> LoadedModel:
    """Save ``detector`` and ``card`` into ``folder`` (atomic per file)."""
    bundle = detector.to_bundle()
    bundle.card = dict(card)
    save_folder(Path(folder), bundle)
    loaded = load_model(folder)
    atomic_write_text(Path(folder) / "MODEL_CARD.md", render_card(loaded.card))
    return loaded


def load_model(folder: Path | None = None) -> LoadedModel:
    """Load and verify a model folder (default: the bundled model)."""
    folder = Path(folder) if folder is not None else DEFAULT_MODEL_DIR
    bundle = load_folder(folder)
    name = bundle.card.get("detector")
    if not isinstance(name, str):
        raise ModelError(E.E010, path=folder / "card.json", reason="no 'detector' name")
    cls = detectors.get(name)
    try:
        detector = cls.from_bundle(bundle)  # type: ignore[attr-defined]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        raise ModelError(E.E010, path=folder, reason=f"incomplete model data ({err})") from None
    return LoadedModel(detector=detector, card=bundle.card, folder=folder)


def render_card(card: dict[str, Any]) -> str:
    """The model card as Markdown (SetFit-style sections)."""
    lines = [
        f"# Model card: {card.get('name', 'veracity model')}",
        "",
        "veracity scores credibility *signals*, not truth. "
        "P(unreliable) means: reads like the unreliable articles of the training corpora.",
        "",
        f"- Detector: `{card.get('detector')}`",
        f"- Created: {card.get('created')}",
        f"- Built by: `{card.get('command')}`",
        f"- Label map: {json.dumps(card.get('label_map'))}",
        f"- Uncertain band: {card.get('uncertain_band')} (P(unreliable) inside it is 'uncertain')",
        *(
            [
                f"- Decision threshold: {card['threshold']} (where the training labels, weighted "
                "equally per corpus, are equally likely; the probability itself follows the "
                "training mix, so it is calibrated in-domain)"
            ]
            if "threshold" in card
            else []
        ),
        "",
        "## Data",
        "",
        "```json",
        json.dumps(card.get("data", {}), indent=1, sort_keys=True),
        "```",
        "",
        "## Config",
        "",
        "```json",
        json.dumps(card.get("config", {}), indent=1, sort_keys=True),
        "```",
        "",
        "## Metrics",
        "",
        "```json",
        json.dumps(card.get("metrics", {}), indent=1, sort_keys=True),
        "```",
        "",
        "## Limits",
        "",
        *[f"- {item}" for item in card.get("limits", [])],
        "",
        "## Files (sha256, verified at every load)",
        "",
        *[f"- `{name}`: `{digest}`" for name, digest in sorted(card.get("files", {}).items())],
        "",
    ]
    return "\n".join(lines)
