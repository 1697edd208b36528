"""Which propaganda spans are drawn: calibrated levels, function words, merging, strength."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from veracity.doc import make_doc
from veracity.errors import ModelError
from veracity.signals import TRAINED_DIR, SignalAnalyzer
from veracity.signals.technique_thresholds import (
    FLOOR,
    FUNCTION_WORDS,
    STRONG,
    THRESHOLDS,
    WEAK,
    TechniqueThresholds,
    fit_levels,
    has_content,
    load_thresholds,
    merge_drawn,
)

#: Invented sentences full of the small words the tagger used to mark on their own.
FUNCTION_WORD_TEXT = (
    "He walked under the bridge once, and that's the size of it. "
    "They said it was over, but it's not over until the vote is in. "
    "We were there before them and we will be there after them. "
    "This is a disgusting, shameful betrayal by corrupt and evil career politicians! "
    "Under no circumstances will the so-called experts ever admit what they did."
)


@pytest.fixture(scope="module")
def analyzer() -> SignalAnalyzer:
    return SignalAnalyzer.load()


def test_technique_thresholds_shipped_file_is_checked_by_sha256(tmp_path: Path) -> None:
    copy = tmp_path / "trained"
    shutil.copytree(TRAINED_DIR, copy)
    target = copy / THRESHOLDS / f"{THRESHOLDS}.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    data["default"][WEAK] = 0.0
    target.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError) as err:
        SignalAnalyzer.load(copy)
    assert err.value.code == "E008"
    shutil.rmtree(copy / THRESHOLDS)
    with pytest.raises(ModelError) as err:
        SignalAnalyzer.load(copy)
    assert err.value.code == "E009"


def test_technique_thresholds_shipped_levels_are_ordered() -> None:
    levels = load_thresholds(TRAINED_DIR / THRESHOLDS)
    assert levels.default_weak <= levels.default_strong
    assert set(levels.weak) == set(levels.strong)
    for technique, weak in levels.weak.items():
        assert FLOOR <= weak <= levels.strong[technique] <= 1.0


def test_technique_thresholds_function_words_alone_are_never_drawn(
    analyzer: SignalAnalyzer,
) -> None:
    assert not has_content(["under"]) and not has_content(["the"]) and not has_content(["s"])
    assert not has_content(["'", "s"]) and not has_content(["once", ","])
    assert has_content(["size"]) and has_content(["the", "traitors"])
    everything = TechniqueThresholds({}, {}, default_weak=0.0, default_strong=1.0)
    open_gate = SignalAnalyzer(
        analyzer.sentence, analyzer.tagger, analyzer.techniques, analyzer.cards, everything
    )
    doc = make_doc(FUNCTION_WORD_TEXT)
    for found in (open_gate.analyze(doc), analyzer.analyze(doc)):
        spans = [t for sentence in found for t in sentence.techniques]
        for start, end, *_ in spans:
            words = FUNCTION_WORD_TEXT[start:end].lower().replace("'", " ").split()
            assert any(w.strip(".,!?") not in FUNCTION_WORDS for w in words), (start, end)
    assert any(s.techniques for s in open_gate.analyze(doc))


def test_technique_thresholds_merge_joins_touching_spans_of_one_technique() -> None:
    text = "corrupt evil traitors, and liars"
    spans = [
        (0, 7, "Loaded_Language", 0.5, WEAK),
        (8, 12, "Loaded_Language", 0.7, STRONG),
        (8, 12, "Loaded_Language", 0.7, STRONG),
        (13, 21, "Name_Calling,Labeling", 0.4, WEAK),
        (27, 32, "Loaded_Language", 0.45, WEAK),
    ]
    assert merge_drawn(spans, text) == [
        (0, 12, "Loaded_Language", 0.7, STRONG),
        (13, 21, "Name_Calling,Labeling", 0.4, WEAK),
        (27, 32, "Loaded_Language", 0.45, WEAK),
    ]
    assert merge_drawn([], text) == []


def test_technique_thresholds_strength_follows_the_levels(analyzer: SignalAnalyzer) -> None:
    levels = analyzer.thresholds
    doc = make_doc(FUNCTION_WORD_TEXT)
    for sentence in analyzer.analyze(doc):
        for _, _, technique, score, strength in sentence.techniques:
            assert strength in (STRONG, WEAK)
            assert strength == levels.strength(technique, score)
    custom = TechniqueThresholds({"Doubt": 0.5}, {"Doubt": 0.8}, 0.3, 0.6)
    assert custom.strength("Doubt", 0.45) is None
    assert custom.strength("Doubt", 0.6) == WEAK
    assert custom.strength("Doubt", 0.8) == STRONG
    assert custom.strength("Slogans", 0.3) == WEAK and custom.strength("Slogans", 0.6) == STRONG
    assert TechniqueThresholds.from_dict(custom.to_dict()) == custom


def test_technique_thresholds_fit_levels_reach_their_precision() -> None:
    rng = np.random.default_rng(0)
    scores = rng.uniform(0.2, 0.8, 4000)
    hits = rng.uniform(size=4000) < scores  # the higher the score, the likelier a hit
    labels = np.where(np.arange(4000) < 3990, "Loaded_Language", "Slogans")
    levels = fit_levels(labels.tolist(), scores, hits)
    weak, strong = levels.weak["Loaded_Language"], levels.strong["Loaded_Language"]
    assert FLOOR <= weak < strong < 1.0
    assert hits[scores >= weak].mean() >= 0.4 and hits[scores >= strong].mean() >= 0.6
    assert "Slogans" not in levels.weak  # too few spans: the pooled levels apply
    assert levels.strength("Slogans", levels.default_weak) == WEAK
    never = fit_levels(["Doubt"] * 100, np.full(100, 0.5), np.zeros(100, dtype=bool))
    assert never.weak["Doubt"] == 1.0 and never.strength("Doubt", 0.99) is None


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcd"), st.floats(0, 1), max_size=4),
    st.dictionaries(st.sampled_from("abcd"), st.floats(0, 1), max_size=4),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_technique_thresholds_no_span_below_the_lowest_is_drawn(
    weak: dict[str, float], strong: dict[str, float], dw: float, ds: float, score: float
) -> None:
    levels = TechniqueThresholds(weak, strong, dw, ds)
    techniques = list("abcde")
    lowest = levels.lowest(techniques)
    if score < lowest:
        assert all(levels.strength(t, score) is None for t in techniques)
    assert any(levels.strength(t, lowest) is not None for t in techniques)
