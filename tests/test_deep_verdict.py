"""The deep pipeline's verdict, ``veracity.DeepVerdict.v1``: its fit, its pushes, and the
bundled one beside the bundled fast model."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from veracity.analyze import Analyzer, own_verdict
from veracity.errors import ModelError
from veracity.signals.deep.model import DEEP_DIR, DeepModel
from veracity.signals.deep.verdict import NAME, DeepVerdict
from veracity.training.deep_verdict import article_means, fit_verdict

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _rows(seed: int = 0, n: int = 240, size: int = 8) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(int)
    means = rng.normal(size=(n, size)).astype(np.float32)
    means[:, 0] += 1.5 * y
    margins = 2.0 * y - 1.0 + rng.normal(size=n)
    margins[:20] = np.nan
    groups = np.asarray([f"c/{i % 30}" for i in range(n)])
    return margins, means, y, np.ones(n), groups


def _fit(seed: int = 0) -> DeepVerdict:
    margins, means, y, weight, groups = _rows(seed)
    return fit_verdict(margins, means, y, weight, groups.tolist(), (0.4, 0.6), "sha")


def test_deep_verdict_fit_reproduces_and_round_trips() -> None:
    first, second = _fit(), _fit()
    assert np.array_equal(first.weight, second.weight)
    assert first.stack == second.stack and first.calibration == second.calibration
    arrays, data = first.to_bundle()
    loaded = DeepVerdict.from_bundle(arrays, data)
    vectors = [np.ones((3, 8), dtype=np.float32), np.zeros((0, 8), dtype=np.float32)]
    margins = np.array([0.5, -1.0])
    assert np.allclose(
        loaded.probabilities(margins, vectors), first.probabilities(margins, vectors)
    )
    lo, hi = first.band
    assert 0.0 < lo < first.threshold < hi < 1.0


def test_deep_verdict_weighs_both_inputs_towards_unreliable() -> None:
    verdict = _fit()
    a, b, _ = verdict.stack
    assert a > 0 and b > 0
    assert verdict.weight[0] > 0


def test_deep_verdict_sentence_pushes_are_shares_of_the_embedding_logit() -> None:
    verdict = _fit()
    vectors = np.random.default_rng(1).normal(size=(5, 8)).astype(np.float32)
    slope = verdict.calibration[0]
    b = verdict.stack[1]
    whole = slope * b * (verdict.embedding_logits([vectors])[0] - verdict.bias)
    assert verdict.sentence_pushes(vectors).sum() == pytest.approx(whole, rel=1e-5)
    assert verdict.sentence_pushes(np.zeros((0, 8), dtype=np.float32)).shape == (0,)


def test_deep_verdict_stands_only_beside_its_fast_model() -> None:
    verdict = _fit()
    assert own_verdict(verdict, "sha") is verdict
    assert own_verdict(verdict, "another model") is None
    assert own_verdict(None, "sha") is None


def test_deep_verdict_article_means_of_empty_articles_are_zero() -> None:
    means = article_means([np.ones((2, 4), np.float32), np.zeros((0, 4), np.float32)], 4)
    assert means.shape == (2, 4) and means[1].sum() == 0 and means[0].sum() == 4


SHIPPED = bool(DeepModel.load().card.get("verdict", {}).get("shipped"))
needs_shipped = pytest.mark.skipif(not SHIPPED, reason="the bundled deep model ships no verdict")


@needs_shipped
def test_deep_verdict_bundled_report_names_it_and_its_band() -> None:
    text = (EXAMPLES / "wrapped_wire_story.txt").read_text(encoding="utf-8")
    deep = Analyzer.load(pipeline="deep", threads=1)
    fast = Analyzer.load(pipeline="fast")
    assert deep.verdict_model is not None
    report = deep.analyze(text)
    assert report.model.verdict == NAME
    assert tuple(report.uncertain_band) == deep.verdict_model.band
    assert fast.analyze(text).model.verdict == fast.info.detector
    assert deep.verdicts([text])[0].probability == pytest.approx(report.probability, abs=1e-4)


@needs_shipped
def test_deep_verdict_card_says_it_beats_the_fast_verdict() -> None:
    verdict = DeepModel.load().card["verdict"]
    fast, deep = verdict["summary"]["fast"], verdict["summary"]["deep"]
    assert deep["mean_lodo_macro_f1"] > fast["mean_lodo_macro_f1"]
    assert deep["in_domain_macro_f1"] > fast["in_domain_macro_f1"]


@needs_shipped
def test_deep_verdict_tampered_file_is_a_coded_error(tmp_path: Path) -> None:
    folder = tmp_path / "deep"
    shutil.copytree(DEEP_DIR, folder)
    blob = bytearray((folder / "verdict.npz").read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    (folder / "verdict.npz").write_bytes(bytes(blob))
    with pytest.raises(ModelError, match=r"E008.*verdict\.npz.*sha256"):
        DeepModel.load(folder)
