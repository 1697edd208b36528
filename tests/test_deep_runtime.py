"""The deep pipeline at run time: the bundled int8 model, its checks, and its signals.

No torch here: the run time needs onnxruntime, tokenizers and numpy only.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from veracity.doc import make_doc
from veracity.errors import ModelError
from veracity.registry import pipelines
from veracity.signals.analyzer import technique_probabilities
from veracity.signals.deep.deep_signals import FAST_TECHNIQUE_WEIGHT, DeepSignalAnalyzer, runs
from veracity.signals.deep.encoder import Batch
from veracity.signals.deep.heads import SENTENCE_HEADS
from veracity.signals.deep.model import DEEP_DIR, ENCODER_FILE, DeepModel
from veracity.signals.pipelines import DEEP, FAST, PIPELINES, load_signals

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

ARTICLE = (
    "The council approved the budget on Tuesday, the mayor said in a statement. "
    "These corrupt insiders have betrayed every honest family in this town! "
    "Sources say the vote was rushed. "
    "Wake up and demand answers before it is too late."
)


@pytest.fixture(scope="module")
def deep() -> DeepSignalAnalyzer:
    return DeepSignalAnalyzer.load()


@pytest.mark.parametrize("name", list(PIPELINES))
def test_deep_every_pipeline_gives_one_signal_row_per_sentence(name: str) -> None:
    signals = load_signals(name)
    doc = make_doc(ARTICLE)
    (rows,) = signals.analyze_many([doc])
    assert signals.pipeline == name
    assert [r.index for r in rows] == [s.index for s in doc.sentences]
    for row, sentence, role in zip(rows, doc.sentences, doc.roles, strict=True):
        assert (row.start, row.end, row.role) == (sentence.start, sentence.end, role.role)
        assert all(0.0 <= p <= 1.0 for p in (row.bias, row.subjectivity, row.checkworthy))
        for start, end, technique, score, strength in row.techniques:
            assert sentence.start <= start < end <= sentence.end
            assert ARTICLE[start:end].strip() and technique and 0.0 <= score <= 1.0
            assert strength in ("strong", "weak")
    again = load_signals(name).analyze_many([make_doc(ARTICLE)])[0]
    assert again == rows


def test_deep_pipelines_are_registered_by_versioned_name() -> None:
    assert PIPELINES == {FAST: "veracity.pipeline.fast.v1", DEEP: "veracity.pipeline.deep.v1"}
    assert set(PIPELINES.values()) <= set(pipelines.names())


def test_deep_fast_pipeline_does_not_import_onnxruntime() -> None:
    code = (
        "import sys; from veracity.analyze import Analyzer; Analyzer.load(); "
        "assert 'onnxruntime' not in sys.modules and 'torch' not in sys.modules"
    )
    import subprocess

    subprocess.run([sys.executable, "-c", code], check=True)


def test_deep_run_time_does_not_import_torch(deep: DeepSignalAnalyzer) -> None:
    deep.analyze_many([make_doc(ARTICLE)])
    assert "torch" not in sys.modules or "veracity.training.deep_model" in sys.modules


def test_deep_sentence_scores_match_the_analysis(deep: DeepSignalAnalyzer) -> None:
    doc = make_doc(ARTICLE)
    (rows,) = deep.analyze_many([doc])
    scores = deep.sentence_scores([s.text for s in doc.sentences])
    assert set(scores) == set(SENTENCE_HEADS)
    for name in SENTENCE_HEADS:
        got = np.array([getattr(r, name) for r in rows])
        assert np.allclose(got, scores[name], atol=0.02)


def test_deep_batch_mates_move_a_sentence_little(deep: DeepSignalAnalyzer) -> None:
    """int8 activations are scaled per batch: the same sentence batched with others moves
    by at most a few hundredths."""
    alone = deep.sentence_scores(["Officials counted the ballots in three districts."])
    crowd = [
        "Officials counted the ballots in three districts.",
        "What a pathetic, idiotic decision from these clowns, and everyone knows it!",
        "The company reported quarterly revenue of four million dollars, up from three.",
    ]
    together = deep.sentence_scores(crowd)
    for name in SENTENCE_HEADS:
        assert abs(float(alone[name][0]) - float(together[name][0])) <= 0.03


def test_deep_rank_techniques_orders_every_technique(deep: DeepSignalAnalyzer) -> None:
    doc = make_doc(ARTICLE)
    start = ARTICLE.index("corrupt insiders")
    ranked = deep.rank_techniques(ARTICLE, [(start, start + 16), (0, 11)], doc.sentences)
    assert len(ranked) == 2
    for order in ranked:
        assert sorted(order) == sorted(deep.model.techniques)
    assert deep.rank_techniques(ARTICLE, [], doc.sentences) == []


def test_deep_empty_and_long_input(deep: DeepSignalAnalyzer) -> None:
    assert deep.analyze_many([]) == []
    long = "The committee met again " + "and again " * 400 + "on Friday."
    (rows,) = deep.analyze_many([make_doc(long)])
    assert rows and all(0.0 <= r.subjectivity <= 1.0 for r in rows)


def test_deep_model_card_records_every_file() -> None:
    model = DeepModel.load()
    files = model.card["files"]
    verdict = {"verdict.npz", "verdict.json"} if model.card["verdict"]["shipped"] else set()
    assert (
        set(files)
        == {"deep.json", "heads.npz", "ranges.json", "tokenizer.json", ENCODER_FILE} | verdict
    )
    assert (model.verdict is not None) == bool(verdict)
    assert (DEEP_DIR / ENCODER_FILE).stat().st_size <= 32 * 1024 * 1024


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "deep"
    shutil.copytree(DEEP_DIR, folder)
    return folder


def test_deep_tampered_onnx_is_a_coded_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    blob = bytearray((folder / ENCODER_FILE).read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    (folder / ENCODER_FILE).write_bytes(bytes(blob))
    with pytest.raises(ModelError, match=r"E008.*encoder\.onnx.*sha256"):
        DeepModel.load(folder)


def test_deep_missing_encoder_is_a_coded_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / ENCODER_FILE).unlink()
    with pytest.raises(ModelError, match=r"E009.*encoder\.onnx"):
        DeepModel.load(folder)


def test_deep_sentence_table_puts_fast_beside_deep_with_targets() -> None:
    from veracity.cli.evaluate import DEEP_TARGETS, sentence_tasks_markdown

    fast: dict[str, dict[str, object]] = {
        "subjectivity": {"macro_f1": 0.566, "sentences_per_second": 7000}
    }
    deep_rows: dict[str, dict[str, object]] = {
        "subjectivity": {"macro_f1": 0.77, "sentences_per_second": 150}
    }
    short: dict[str, dict[str, object]] = {"subjectivity": {"macro_f1": 0.7}}
    table = sentence_tasks_markdown({FAST: fast, DEEP: deep_rows})
    row = next(line for line in table.splitlines() if line.startswith("| subjectivity |"))
    assert "| 0.566 | 0.770 |" in row and f"| {DEEP_TARGETS['subjectivity']} | yes |" in row
    assert "7000 sentences/s | 150 sentences/s |" in row
    low = sentence_tasks_markdown({FAST: fast, DEEP: short})
    assert "**no**" in low


def _batch(words: int) -> Batch:
    """One row of ``words`` one-token words between [CLS] and [SEP]."""
    n = words + 2
    return Batch(
        ids=np.ones((1, n), dtype=np.int64),
        mask=np.ones((1, n), dtype=np.int64),
        offsets=[[(0, 0)] + [(2 * k, 2 * k + 1) for k in range(words)] + [(0, 0)]],
        special=[[1] + [0] * words + [1]],
        continues=[[False] * n],
    )


@pytest.mark.parametrize(
    ("gap", "expected"),
    [(0, [(1, 2), (3, 4), (6, 7)]), (1, [(1, 4), (6, 7)]), (2, [(1, 7)])],
)
def test_deep_span_runs_bridge_up_to_gap_words(gap: int, expected: list[tuple[int, int]]) -> None:
    tags = np.array([0.0, 0.9, 0.2, 0.9, 0.1, 0.1, 0.9, 0.0])
    found = runs(_batch(6), 0, tags, 0.5, gap)
    assert [(a, b) for a, b, _ in found] == expected
    assert all(score == pytest.approx(0.9) for *_, score in found)


def test_deep_span_settings_are_the_tuned_ones() -> None:
    model = DeepModel.load()
    tuned = model.card.get("tuning", {}).get("spans_si")
    if tuned is None:
        pytest.skip("the bundled deep model predates span tuning")
    assert (model.levels.weak, model.levels.strong, model.levels.gap) == (
        tuned["weak"],
        tuned["strong"],
        tuned["gap"],
    )
    assert model.levels.strong > model.levels.weak


def test_deep_techniques_average_the_head_and_the_fast_classifier(
    deep: DeepSignalAnalyzer,
) -> None:
    """A span's technique probabilities are the deep head's and the fast classifier's,
    averaged; without the fast one, the head's alone."""
    doc = make_doc(ARTICLE)
    spans = [(doc.sentences[1].start + 6, doc.sentences[1].start + 23)]
    n = len(deep.model.techniques)
    head = np.eye(n)[[n - 1]]
    assert deep.fast is not None
    fast = technique_probabilities(
        deep.fast.classifier, deep.fast.bits, ARTICLE, spans, doc.sentences
    )
    names = [str(c) for c in deep.fast.classifier.classes_]
    fast = fast[:, [names.index(t) for t in deep.model.techniques]]
    blended = deep._blend(ARTICLE, spans, doc.sentences, head)
    assert np.allclose(blended, (1 - FAST_TECHNIQUE_WEIGHT) * head + FAST_TECHNIQUE_WEIGHT * fast)
    alone = DeepSignalAnalyzer(deep.model)
    assert alone._blend(ARTICLE, spans, doc.sentences, head) is head
    ranked = deep.rank_techniques(ARTICLE, spans, doc.sentences)[0]
    assert sorted(ranked) == sorted(deep.model.techniques)
