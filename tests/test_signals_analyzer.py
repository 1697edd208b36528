"""The shipped signal models: they load, verify, and score invented articles."""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from veracity import registry
from veracity.doc import make_doc
from veracity.errors import ModelError
from veracity.signals import (
    ROLES,
    SIGNALS,
    TRAINED_DIR,
    SignalAnalyzer,
    article_signals,
)
from veracity.signals.analyzer import PROPAGANDA, SENTENCE_SIGNALS
from veracity.text.normalize import canonical

ARTICLE = (
    "The city council approved the new budget on Tuesday, the mayor said in a statement. "
    "According to the treasurer, spending on roads will rise by 4 percent. "
    "This is a disgusting, shameful betrayal by corrupt and evil career politicians! "
    "We must wake up and fight these traitors before they destroy everything we love. "
    "Who will pay for all of this? "
    "Share this with everyone you know."
)


@pytest.fixture(scope="module")
def analyzer() -> SignalAnalyzer:
    return SignalAnalyzer.load()


def test_signals_shipped_models_verify_and_have_cards(analyzer: SignalAnalyzer) -> None:
    for name in (*SENTENCE_SIGNALS, PROPAGANDA):
        card = analyzer.cards[name]
        assert card["command"].startswith("python -m veracity.training.signal_fit")
        assert card["files"]
    size = sum(p.stat().st_size for p in TRAINED_DIR.rglob("*") if p.is_file())
    assert size < 5 * 2**20


def test_signals_analyze_offsets_are_article_relative(analyzer: SignalAnalyzer) -> None:
    doc = make_doc(ARTICLE)
    sents = doc.sentences
    out = analyzer.analyze(doc)
    assert len(out) == len(sents)
    for sig, sent in zip(out, sents, strict=True):
        assert sig.role in ROLES
        assert (sig.start, sig.end) == (sent.start, sent.end)
        for a, b, _ in sig.role_cues:
            assert sent.start <= a < b <= sent.end
        for a, b, technique, score, strength in sig.techniques:
            assert sent.start <= a < b <= sent.end
            assert technique and 0.0 <= score <= 1.0 and strength in ("strong", "weak")
        for value in (sig.bias, sig.subjectivity, sig.checkworthy):
            assert 0.0 <= value <= 1.0
    roles = [s.role for s in out]
    assert roles[0] == "attributed" and roles[1] == "attributed"
    assert roles[4] == "question"
    assert out[2].bias > out[1].bias
    assert out[2].subjectivity > out[1].subjectivity
    assert out[2].techniques  # loaded words are tagged


def test_signals_batch_equals_single(analyzer: SignalAnalyzer) -> None:
    other = "The museum opens at nine. Tickets cost ten dollars, a spokesman said."
    batch = analyzer.analyze_many([make_doc(ARTICLE), make_doc(other)])
    assert batch[0] == analyzer.analyze(make_doc(ARTICLE))
    assert batch[1] == analyzer.analyze(make_doc(other))
    assert analyzer.analyze(make_doc("")) == []


def test_signals_research_form_scores_like_prose(analyzer: SignalAnalyzer) -> None:
    prose = "Obama's budget is a shameful disaster, the senator said."
    research = canonical(prose)
    a = analyzer.analyze(make_doc(prose))[0]
    b = analyzer.analyze(make_doc(research))[0]
    assert a.role == b.role == "attributed"
    assert a.bias == pytest.approx(b.bias)
    assert a.subjectivity == pytest.approx(b.subjectivity)


def test_signals_article_signals(analyzer: SignalAnalyzer) -> None:
    out = analyzer.analyze(make_doc(ARTICLE))
    signals = article_signals(ARTICLE, out)
    assert set(signals) == set(SIGNALS)
    assert signals["attributed_share"] == pytest.approx(2 / len(out))
    assert signals["exclamations_per_100w"] > 0
    assert signals["sentiment_extremity"] > 0
    assert article_signals("", []) == dict.fromkeys(SIGNALS, 0.0)


def test_signals_ranges_file_is_valid_json_when_shipped() -> None:
    path = TRAINED_DIR / "ranges.json"
    if not path.is_file():
        pytest.skip("ranges.json not built yet (needs veracity.data.pipeline)")
    ranges = json.loads(path.read_text(encoding="utf-8"))["ranges"]
    for name in SIGNALS:
        p10, p50, p90 = ranges[name]
        assert p10 <= p50 <= p90


def test_signals_tampered_shipped_copy_raises(tmp_path: Path) -> None:
    copy = tmp_path / "trained"
    shutil.copytree(TRAINED_DIR, copy)
    target = copy / PROPAGANDA / "tagger.npz"
    blob = bytearray(target.read_bytes())
    blob[-10] ^= 0x01
    target.write_bytes(bytes(blob))
    with pytest.raises(ModelError) as err:
        SignalAnalyzer.load(copy)
    assert err.value.code == "E008"


def test_signals_tasks_registered() -> None:
    importlib.import_module("veracity.experiments")  # importing registers the tasks
    for name in ("ptc_si", "ptc_tc", "subjectivity", "claimbuster", "babe"):
        assert f"veracity.task.{name}.v1" in registry.tasks


@pytest.mark.data
@pytest.mark.slow
def test_signals_babe_task_runs(data_root: Path) -> None:
    metrics = registry.tasks.get("veracity.task.babe.v1")(data_root)
    assert isinstance(metrics, dict)
    assert 0.6 < metrics["macro_f1"] <= 1.0
    assert np.isfinite(metrics["sentences_per_second"])
