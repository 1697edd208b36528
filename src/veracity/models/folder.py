"""Model folders: a fitted detector plus its card, saved and loaded safely.

The card (``card.json``) names the registered detector, so loading dispatches
through :data:`veracity.registry.detectors` (see
:func:`~veracity.models.composed.load_detector`), never through string if-chains.
A human-readable ``MODEL_CARD.md`` is written beside it.

The card's own fields that decide or label a verdict (:data:`DECISION_FIELDS`:
the uncertain band, the coverage floor, the detector and its config...) are
checked against a schema at load (``E033``) and against ``decision_sha256``,
the sha256 of their canonical JSON written when the model is saved (``E034``).
:attr:`LoadedModel.fingerprint`, the report's ``model.sha256`` and the key of
the service's history, covers them and the file table, so a changed decision
is never served from a cache keyed by the old one.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import atomic_write_text
from ..config import DEFAULT_MODEL_DIR
from ..errors import E, ModelError
from ..persist import CARD, SHA256_HEX, load_folder, save_folder
from .composed import load_detector
from .detector import Detector

#: Card fields the analyser decides a verdict by or reports it with.
DECISION_FIELDS = (
    "name",
    "created",
    "detector",
    "config",
    "label_map",
    "uncertain_band",
    "threshold",
    "min_coverage",
)
#: The card field holding the sha256 of the canonical JSON of its decision fields.
DECISION_KEY = "decision_sha256"


@dataclass
class LoadedModel:
    detector: Detector
    card: dict[str, Any]
    folder: Path

    @property
    def fingerprint(self) -> str:
        """sha256 over the card's decision fields and file table: one id per set of verdicts."""
        identity = {"decision": decision_fields(self.card), "files": self.card.get("files", {})}
        return hashlib.sha256(canonical_json(identity)).hexdigest()


def canonical_json(value: Any) -> bytes:
    """One byte string per JSON value: sorted keys, no spaces, ASCII."""
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")


def decision_fields(card: dict[str, Any]) -> dict[str, Any]:
    return {key: card[key] for key in DECISION_FIELDS if key in card}


def decision_sha256(card: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(decision_fields(card))).hexdigest()


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _unit(value: Any) -> bool:
    return _number(value) and 0.0 <= value <= 1.0


def _band(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(map(_unit, value))
        and value[0] <= value[1]
    )


def _labels(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value.values()
    )


#: Each checked card field: its test and what it must be.
SCHEMA: dict[str, tuple[Callable[[Any], bool], str]] = {
    "name": (lambda v: isinstance(v, str), "a string"),
    "created": (lambda v: isinstance(v, str), "a string"),
    "detector": (lambda v: isinstance(v, str) and bool(v), "a detector name"),
    "config": (lambda v: isinstance(v, dict), "an object"),
    "label_map": (_labels, "an object of integer labels"),
    "uncertain_band": (_band, "two numbers with 0 <= low <= high <= 1"),
    "threshold": (_unit, "a number from 0 to 1"),
    "min_coverage": (_unit, "a number from 0 to 1"),
}


def check_fields(card: dict[str, Any], path: Path) -> None:
    """Refuse a card without a detector or with a malformed decision field (E033)."""
    if "detector" not in card:
        raise ModelError(E.E033, path=path, reason="no 'detector'")
    for key, (valid, what) in SCHEMA.items():
        if key in card and not valid(card[key]):
            got = json.dumps(card[key])[:60]
            raise ModelError(E.E033, path=path, reason=f"{key!r} must be {what}, got {got}")


def check_card(card: dict[str, Any], path: Path) -> None:
    """:func:`check_fields`, then refuse decision fields edited since saving (E034)."""
    check_fields(card, path)
    expected = card.get(DECISION_KEY)
    if not (isinstance(expected, str) and SHA256_HEX.fullmatch(expected)):
        raise ModelError(E.E033, path=path, reason=f"no {DECISION_KEY!r}; save the model again")
    actual = decision_sha256(card)
    if actual != expected:
        raise ModelError(E.E034, path=path, expected=expected, actual=actual)


def save_model(folder: Path, detector: Detector, card: dict[str, Any]) -> LoadedModel:
    """Save ``detector`` and ``card`` into ``folder`` (atomic per file).

    The card is checked (:func:`check_fields`) and its ``decision_sha256`` set
    before any file is written.
    """
    check_fields(card, Path(folder) / CARD)
    card = {**card, DECISION_KEY: decision_sha256(card)}
    bundle = detector.to_bundle()
    bundle.card = card
    save_folder(Path(folder), bundle)
    loaded = load_model(folder)
    atomic_write_text(Path(folder) / "MODEL_CARD.md", render_card(loaded.card))
    return loaded


def load_model(folder: Path | None = None) -> LoadedModel:
    """Load and verify a model folder (default: the bundled model)."""
    folder = Path(folder) if folder is not None else DEFAULT_MODEL_DIR
    bundle = load_folder(folder, check=lambda card: check_card(card, folder / CARD))
    try:
        detector = load_detector(bundle.card["detector"], bundle)
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
        f"- decision fields ({', '.join(DECISION_FIELDS)}): `{card.get(DECISION_KEY)}`",
        *[f"- `{name}`: `{digest}`" for name, digest in sorted(card.get("files", {}).items())],
        "",
    ]
    return "\n".join(lines)
