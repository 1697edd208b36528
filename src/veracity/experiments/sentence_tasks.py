"""Evaluation tasks for the shipped signal models, registered as ``veracity.task.<name>.v1``.

Each task is ``(root) -> dict`` of metrics on a held-out split, measured on
the models under ``signals/trained`` (``folder`` overrides it), plus the
predictor's throughput in sentences per second (one process, batch of the
whole split).  Published reference figures are returned alongside.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..registry import tasks
from ..signals.analyzer import TRAINED_DIR, SignalAnalyzer
from ..signals.pipelines import DEEP, FAST, SentenceSignalModel
from ..text.sentences import Sentence
from ..training import sentence_corpora as corpora
from ..training.propaganda_fit import line_sentences
from ..training.span_metrics import si_scores, tc_micro_f1

PUBLISHED = {
    "ptc_si": "SI F1 ~0.51 (SemEval-2020 Task 11 test, best transformer system)",
    "ptc_tc": "TC micro-F1 ~0.62 (SemEval-2020 Task 11 test, best transformer system)",
    "subjectivity": "macro-F1 ~0.8 (CheckThat! 2025 Task 1 English, best system)",
    "claimbuster": "check-worthy F1 (transformer claim spotters, ClaimBuster test)",
    "babe": "macro-F1 ~0.80 (BABE paper, RoBERTa + distant supervision)",
}


def _analyzer(folder: Path | None, pipeline: str = FAST) -> SentenceSignalModel:
    """The sentence signals of ``pipeline``, from ``folder`` (default: the bundled ones)."""
    if pipeline == DEEP:
        from ..signals.deep.deep_signals import DeepSignalAnalyzer
        from ..signals.deep.model import DEEP_DIR

        return DeepSignalAnalyzer.load(folder or DEEP_DIR)
    return SignalAnalyzer.load(folder or TRAINED_DIR)


def _binary_task(
    name: str,
    signal: str,
    data: corpora.Labelled,
    folder: Path | None,
    average: str,
    pipeline: str = FAST,
) -> dict[str, Any]:
    from sklearn.metrics import f1_score  # evaluation only: scoring never imports scikit-learn

    analyzer = _analyzer(folder, pipeline)
    texts, labels = data
    started = time.perf_counter()
    probs = analyzer.sentence_scores(texts)[signal]
    seconds = time.perf_counter() - started
    pred = (probs >= 0.5).astype(int)
    return {
        "task": name,
        "pipeline": pipeline,
        "n": len(texts),
        "positives": int(sum(labels)),
        f"{average}_f1": round(float(f1_score(labels, pred, average=average)), 4),
        "sentences_per_second": round(len(texts) / max(seconds, 1e-9)),
        "published": PUBLISHED[name],
    }


def babe_task(root: Path, folder: Path | None = None, pipeline: str = FAST) -> dict[str, Any]:
    """BABE macro-F1 on the fixed 20% content-hash held-out split."""
    _, test = corpora.split_held_out(corpora.babe(root))
    return _binary_task("babe", "bias", test, folder, "macro", pipeline)


def subjectivity_task(
    root: Path, folder: Path | None = None, pipeline: str = FAST
) -> dict[str, Any]:
    """Macro-F1 on the CheckThat! 2025 Task 1 English test (labelled) file."""
    test = corpora.subjectivity_test(root)
    return _binary_task("subjectivity", "subjectivity", test, folder, "macro", pipeline)


def claimbuster_task(
    root: Path, folder: Path | None = None, pipeline: str = FAST
) -> dict[str, Any]:
    """Check-worthy (positive class) F1 on ClaimBuster two_class/test.json (balanced)."""
    _, test = corpora.claimbuster(root)
    return _binary_task("claimbuster", "checkworthy", test, folder, "binary", pipeline)


def _ptc_dev(root: Path) -> list[tuple[corpora.PtcArticle, list[Sentence]]]:
    out = []
    for art in corpora.ptc(root, "dev"):
        sents = [
            Sentence(i, a, b, art.text[a:b]) for i, (a, b) in enumerate(line_sentences(art.text))
        ]
        out.append((art, sents))
    return out


def ptc_si_task(root: Path, folder: Path | None = None, pipeline: str = FAST) -> dict[str, Any]:
    """SemEval-2020 Task 11 SI scores on PTC dev gold (full analyzer, all signals)."""
    from ..doc import make_doc

    analyzer = _analyzer(folder, pipeline)
    dev = _ptc_dev(root)
    started = time.perf_counter()
    results = analyzer.analyze_many([make_doc(art.text, sents) for art, sents in dev])
    seconds = time.perf_counter() - started
    pred = {
        art.id: [(t[0], t[1]) for sig in res for t in sig.techniques]
        for (art, _), res in zip(dev, results, strict=True)
    }
    scores = si_scores(pred, {art.id: art.spans for art, _ in dev})
    n_sent = sum(len(s) for _, s in dev)
    return {
        "task": "ptc_si",
        "pipeline": pipeline,
        "articles": len(dev),
        "sentences": n_sent,
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()},
        "sentences_per_second": round(n_sent / max(seconds, 1e-9)),
        "ms_per_article_all_signals": round(1000 * seconds / len(dev), 2),
        "published": PUBLISHED["ptc_si"],
    }


def ptc_tc_task(root: Path, folder: Path | None = None, pipeline: str = FAST) -> dict[str, Any]:
    """Technique micro-F1 on the PTC dev gold spans."""
    analyzer = _analyzer(folder, pipeline)
    ranked: dict[tuple[str, int, int], list[str]] = {}
    gold: list[tuple[str, int, int, str]] = []
    n_spans = 0
    started = time.perf_counter()
    for art, sents in _ptc_dev(root):
        spans = sorted({(a, b) for a, b, _ in art.techniques})
        n_spans += len(spans)
        for (a, b), order in zip(
            spans, analyzer.rank_techniques(art.text, spans, sents), strict=True
        ):
            ranked[(art.id, a, b)] = order
        gold += [(art.id, a, b, t) for a, b, t in art.techniques]
    seconds = time.perf_counter() - started
    return {
        "task": "ptc_tc",
        "pipeline": pipeline,
        "spans": len(gold),
        "micro_f1": round(tc_micro_f1(ranked, gold), 4),
        "spans_per_second": round(n_spans / max(seconds, 1e-9)),
        "published": PUBLISHED["ptc_tc"],
    }


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "ptc_si": ptc_si_task,
    "ptc_tc": ptc_tc_task,
    "subjectivity": subjectivity_task,
    "claimbuster": claimbuster_task,
    "babe": babe_task,
}


def _registered(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def task(root: Path, pipeline: str = FAST) -> dict[str, Any]:
        return func(Path(root), pipeline=pipeline)

    task.__doc__ = func.__doc__
    return task


for _name, _func in TASKS.items():
    tasks.register(f"veracity.task.{_name}.v1")(_registered(_func))


def evaluate_all(root: Path, folder: Path | None = None, pipeline: str = FAST) -> dict[str, Any]:
    """Every task on the models in ``folder`` (``pipeline``: which kind they are)."""
    return {name: func(Path(root), folder, pipeline) for name, func in TASKS.items()}
