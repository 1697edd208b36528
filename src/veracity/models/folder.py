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

One band and one threshold, both P(unreliable) as reported: the card's
``uncertain_band`` (the verdict's edges) and ``threshold`` (where the
classifier's ``predict()`` flips, inside the band).  :func:`decision_block` states
them with their meanings for ``MODEL_CARD.md`` and ``GET /v1/model``; the
config's band on the balanced scale is only ever shown as
:data:`BALANCED_BAND` (older cards call it ``uncertain_band``).
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
#: The training config's uncertain band, on the balanced scale (both labels equally likely).
BALANCED_BAND = "uncertain_band_balanced"
#: The config key older cards give :data:`BALANCED_BAND`.
OLD_BALANCED_BAND = "uncertain_band"
#: The verdict band of a card that gives none.
DEFAULT_BAND = (0.35, 0.65)
#: What each entry of :func:`decision_block` means, in one line.
DECISION_MEANINGS = {
    "scale": "as the reports give it, calibrated to the training mix; every number here is on it",
    "uncertain_band": "P(unreliable) strictly inside it gets the verdict 'uncertain'",
    "verdict_edges": (
        "'reliable' at or below the low edge, 'unreliable' at or above the high edge; an article "
        "too short or far from the training data is 'uncertain' whatever its P"
    ),
    "threshold": (
        "where the classifier's own predict() flips, the labels weighted equally per corpus "
        "being equally likely; inside the uncertain band, never a verdict edge"
    ),
}


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


def verdict_band(card: dict[str, Any]) -> tuple[float, float]:
    """The band the verdict is decided by: the card's ``uncertain_band`` (reported scale)."""
    lo, hi = card.get("uncertain_band", DEFAULT_BAND)
    return (float(lo), float(hi))


def decision_block(card: dict[str, Any]) -> dict[str, Any]:
    """The card's band, verdict edges and threshold, one scale, each with its meaning."""
    lo, hi = verdict_band(card)
    block: dict[str, Any] = {
        "scale": "P(unreliable)",
        "uncertain_band": [lo, hi],
        "verdict_edges": {"reliable_at_or_below": lo, "unreliable_at_or_above": hi},
    }
    if "threshold" in card:
        block["threshold"] = card["threshold"]
    block["meanings"] = {key: DECISION_MEANINGS[key] for key in block}
    return block


def labelled_config(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with an older card's balanced-scale band under :data:`BALANCED_BAND`."""
    if OLD_BALANCED_BAND not in config:
        return config
    return {
        (BALANCED_BAND if key == OLD_BALANCED_BAND else key): value for key, value in config.items()
    }


def card_view(card: dict[str, Any]) -> dict[str, Any]:
    """The card as shown (``GET /v1/model``): its config labelled, plus :func:`decision_block`."""
    view = {**card, "decision": decision_block(card)}
    if isinstance(card.get("config"), dict):
        view["config"] = labelled_config(card["config"])
    return view


def _decision_lines(block: dict[str, Any]) -> list[str]:
    lo, hi = block["uncertain_band"]
    meanings = block["meanings"]
    return [
        f"- Scale: {block['scale']}, {meanings['scale']}",
        f"- Uncertain band: [{lo}, {hi}]: {meanings['uncertain_band']}",
        f"- Verdict edges: {lo} and {hi}: {meanings['verdict_edges']}",
        *(
            [f"- Decision threshold: {block['threshold']}: {meanings['threshold']}"]
            if "threshold" in block
            else []
        ),
    ]


def render_card(card: dict[str, Any]) -> str:
    """The model card as Markdown (SetFit-style sections)."""
    view = card_view(card)
    block = view["decision"]
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
        "",
        "## Decision",
        "",
        *_decision_lines(block),
        "",
        "## Data",
        "",
        "```json",
        json.dumps(card.get("data", {}), indent=1, sort_keys=True),
        "```",
        "",
        "## Config",
        "",
        f"`{BALANCED_BAND}` is the band on the balanced scale (both labels equally likely), "
        "as training was given it; the verdict uses it mapped to reported P(unreliable), the "
        "uncertain band above.",
        "",
        "```json",
        json.dumps(view.get("config", {}), indent=1, sort_keys=True),
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
