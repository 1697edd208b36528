"""One band and one threshold: the card, MODEL_CARD.md, the config and the verdict agree (issue 18)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from veracity.analyze import MIN_WORDS, Analyzer
from veracity.config import DEFAULT_MODEL_DIR
from veracity.models.folder import (
    BALANCED_BAND,
    DECISION_KEY,
    card_view,
    decision_block,
    decision_sha256,
    load_model,
    render_card,
)
from veracity.training.detector_fit import DEFAULT_CONFIG, TrainConfig

#: A step well below the 4 decimals the card rounds to.
EPS = 1e-6


@pytest.fixture(scope="module")
def bundled() -> Analyzer:
    """The bundled model; the verdict probes need no sentence-signal models (a stand-in with
    only what :class:`Analyzer` reads of them when it is built)."""
    signals: Any = SimpleNamespace(pipeline="fast", cards={}, ranges={}, verdict=None)
    return Analyzer(load_model(), signals=signals)


def _config_block(markdown: str) -> dict[str, Any]:
    match = re.search(r"## Config\n.*?```json\n(.*?)\n```", markdown, re.S)
    assert match is not None
    block: dict[str, Any] = json.loads(match.group(1))
    return block


def _old_card(folder: Path) -> dict[str, Any]:
    """The bundled card as older ``veracity train`` wrote it: ``config.uncertain_band``."""
    card: dict[str, Any] = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    card["config"]["uncertain_band"] = card["config"].pop(BALANCED_BAND)
    card[DECISION_KEY] = decision_sha256(card)
    (folder / "card.json").write_text(json.dumps(card), encoding="utf-8")
    return card


def test_model_card_band_is_where_the_verdict_switches(bundled: Analyzer) -> None:
    card = bundled.model.card
    block = decision_block(card)
    lo, hi = card["uncertain_band"]
    assert block["uncertain_band"] == [lo, hi]
    assert bundled.band == (lo, hi)
    assert block["verdict_edges"] == {"reliable_at_or_below": lo, "unreliable_at_or_above": hi}

    def verdict(p: float) -> str:
        return bundled._verdict(p, coverage=1.0, words=MIN_WORDS).verdict

    assert [verdict(p) for p in (lo - EPS, lo, lo + EPS)] == ["reliable", "reliable", "uncertain"]
    assert [verdict(p) for p in (hi - EPS, hi, hi + EPS)] == [
        "uncertain",
        "unreliable",
        "unreliable",
    ]


def test_model_card_threshold_is_inside_the_band_never_an_edge(bundled: Analyzer) -> None:
    block = decision_block(bundled.model.card)
    lo, hi = block["uncertain_band"]
    assert block["threshold"] == bundled.model.card["threshold"]
    assert lo < block["threshold"] < hi
    assert bundled._verdict(block["threshold"], coverage=1.0, words=MIN_WORDS).verdict == (
        "uncertain"
    )
    assert "never a verdict edge" in block["meanings"]["threshold"]
    assert set(block["meanings"]) == set(block) - {"meanings"}


def test_model_card_markdown_is_what_the_renderer_writes() -> None:
    card = load_model().card
    markdown = (DEFAULT_MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert markdown == render_card(card)
    lo, hi = card["uncertain_band"]
    assert f"- Uncertain band: [{lo}, {hi}]:" in markdown
    assert f"- Verdict edges: {lo} and {hi}: 'reliable' at or below the low edge" in markdown
    assert f"- Decision threshold: {card['threshold']}:" in markdown
    assert "inside the uncertain band, never a verdict edge" in markdown
    assert f"`{BALANCED_BAND}` is the band on the balanced scale" in markdown


def test_model_card_balanced_band_is_never_shown_as_uncertain_band(tmp_path: Path) -> None:
    bundled = load_model().card
    folder = tmp_path / "old"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    old = _old_card(folder)
    for card in (bundled, old):
        view = card_view(card)
        assert "uncertain_band" not in view["config"]
        assert view["config"][BALANCED_BAND] == [0.4, 0.6]
        assert "uncertain_band" not in _config_block(render_card(card))
    assert (
        bundled["config"][BALANCED_BAND]
        == TrainConfig.from_file(DEFAULT_CONFIG).model_dump(mode="json")[BALANCED_BAND]
    )


def test_model_card_old_card_with_config_uncertain_band_still_loads(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    shutil.copytree(DEFAULT_MODEL_DIR, folder)
    old = _old_card(folder)
    loaded = load_model(folder)
    assert loaded.card["config"]["uncertain_band"] == [0.4, 0.6]
    assert decision_block(loaded.card) == decision_block(load_model().card)
    config = TrainConfig.model_validate(old["config"])
    assert config.uncertain_band_balanced == (0.4, 0.6)
    dumped = config.model_dump(mode="json")
    assert dumped[BALANCED_BAND] == [0.4, 0.6]
    assert "uncertain_band" not in dumped


def test_model_card_config_band_must_straddle_one_half() -> None:
    with pytest.raises(ValueError, match=BALANCED_BAND):
        TrainConfig.model_validate({BALANCED_BAND: [0.6, 0.7]})
