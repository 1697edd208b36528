"""``veracity.task.pointing.v1``: does a report point at the propaganda in an article?

Each PTC dev article is analysed as a user's text would be, and each sentence of its
report is labelled 1 when it overlaps an annotated propaganda span (the SI gold, end
exclusive).  The table gives, for each sentence signal, the ROC-AUC of the signal
against that label: pooled over all sentences, and the mean over the articles that
hold both kinds of sentence.  The signals are the push on the verdict
(``contribution``), ``subjectivity``, ``bias`` and the highest technique score in the
sentence (0 without one); the sentences the technique tagger flags at all get a
precision and recall against the label.  One row per shipped pipeline
(:data:`PIPELINES`).

The analysis cleans the text first (:func:`veracity.text.inputs.document_from_text`),
which may move characters; the gold offsets are carried over (:func:`offset_map`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from ..analyze import Analyzer
from ..registry import tasks
from ..report import SentenceBase
from ..signals.pipelines import DEEP, FAST
from ..text.inputs import document_from_text
from ..training.sentence_corpora import PtcArticle, ptc

#: The shipped pipelines, by name, and how each is loaded (both on the bundled model).
PIPELINES: dict[str, Callable[[], Analyzer]] = {
    name: partial(Analyzer.load, pipeline=name) for name in (FAST, DEEP)
}

#: Each signal a sentence is ranked by, read from its report.
SIGNALS: dict[str, Callable[[SentenceBase], float]] = {
    "push": lambda s: float(s.contribution),
    "subjectivity": lambda s: float(s.subjectivity),
    "technique": lambda s: max((float(t.score) for t in s.techniques), default=0.0),
    "bias": lambda s: float(s.bias),
}

#: Issue 18's target for the push (ROC-AUC, pooled), and the figure before it.
TARGET_PUSH_AUC = 0.70
BEFORE_PUSH_AUC = 0.53
COMMAND = "veracity evaluate --task pointing --write BENCHMARKS.md"


def offset_map(raw: str, cleaned: str) -> list[int]:
    """For each character offset of ``raw`` (and its end), the matching offset in ``cleaned``."""
    where = list(range(len(raw) + 1))
    for op in Levenshtein.opcodes(raw, cleaned):
        width = op.dest_end - op.dest_start
        for i in range(op.src_start, op.src_end):
            where[i] = op.dest_start + min(i - op.src_start, width)
    where[len(raw)] = len(cleaned)
    return where


def overlap_labels(
    bounds: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> list[int]:
    """1 for each ``(start, end)`` sentence that shares a character with a span, else 0."""
    return [int(any(a < end and b > start for a, b in spans)) for start, end in bounds]


def auc(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """ROC-AUC of ``scores`` ranking label 1 above label 0; None without both labels."""
    from sklearn.metrics import roc_auc_score  # evaluation only: scoring never imports it

    if len(set(labels)) < 2:
        return None
    return round(float(roc_auc_score(labels, scores)), 4)


def auc_summary(articles: Sequence[tuple[Sequence[int], Sequence[float]]]) -> dict[str, Any]:
    """Pooled ROC-AUC over every article's ``(labels, scores)``, and the mean per article."""
    pooled = auc(
        [y for labels, _ in articles for y in labels], [x for _, xs in articles for x in xs]
    )
    each = [a for a in (auc(labels, scores) for labels, scores in articles) if a is not None]
    return {
        "pooled": pooled,
        "per_article_mean": round(sum(each) / len(each), 4) if each else None,
        "articles_with_both": len(each),
    }


def flag_scores(labels: Sequence[int], flags: Sequence[bool]) -> dict[str, float]:
    """Share of sentences flagged, and the flags' precision and recall against ``labels``."""
    hits = sum(1 for y, f in zip(labels, flags, strict=True) if y and f)
    flagged, positives = sum(map(bool, flags)), sum(labels)
    return {
        "flagged_share": round(flagged / len(labels), 4) if labels else 0.0,
        "precision": round(hits / flagged, 4) if flagged else 0.0,
        "recall": round(hits / positives, 4) if positives else 0.0,
    }


def evaluate_pipeline(analyzer: Analyzer, articles: Sequence[PtcArticle]) -> dict[str, Any]:
    """One pipeline's row: sentence counts, each signal's ROC-AUC, the technique flags."""
    documents = [document_from_text(a.text, name=a.id, sniff_html=False) for a in articles]
    per_article: list[tuple[list[int], list[SentenceBase]]] = []
    for art, doc, report in zip(articles, documents, analyzer.analyze_many(documents), strict=True):
        where = offset_map(art.text, doc.text)
        gold = [(where[a], where[b]) for a, b in art.spans]
        sentences = list(report.sentences)
        per_article.append((overlap_labels([(s.start, s.end) for s in sentences], gold), sentences))
    labels = [y for ys, _ in per_article for y in ys]
    return {
        "verdict_model": analyzer.info.verdict,
        "articles": len(articles),
        "sentences": len(labels),
        "with_span": sum(labels),
        "auc": {
            name: auc_summary([(ys, [read(s) for s in ss]) for ys, ss in per_article])
            for name, read in SIGNALS.items()
        },
        "techniques_flagged": flag_scores(
            labels, [bool(s.techniques) for _, ss in per_article for s in ss]
        ),
    }


def evaluate_articles(
    articles: Sequence[PtcArticle], pipelines: Mapping[str, Callable[[], Analyzer]] = PIPELINES
) -> dict[str, Any]:
    """Every pipeline's row on ``articles``, and the Markdown section."""
    rows = {name: evaluate_pipeline(load(), articles) for name, load in pipelines.items()}
    return {"rows": rows, "markdown": markdown(rows)}


def figure_or_na(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def markdown(rows: Mapping[str, Mapping[str, Any]]) -> str:
    """The "task-pointing" section of BENCHMARKS.md."""
    n = next(iter(rows.values()), {})
    lines = [
        "## Pointing: does the sentence push land on the propaganda?",
        "",
        f"Regenerate: `{COMMAND}` (needs `../shared` or `$VERACITY_DATA`).",
        "",
        f"The {n.get('articles', 0)} PTC dev articles (SemEval-2020 Task 11) are analysed as a "
        "user's text; a report sentence counts as positive when it overlaps an annotated "
        "propaganda span. ROC-AUC of each sentence signal against that label, pooled over "
        "all sentences and averaged over the articles holding both kinds of sentence. "
        "Issue 18 asks for the pooled push; the other signals have no target.",
        "",
        "| pipeline | signal | ROC-AUC pooled | ROC-AUC per article (mean) | at issue 18 | target "
        "| met |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for pipeline, row in rows.items():
        for name, summary in row["auc"].items():
            before, target, met = "", "", ""
            if name == "push":
                before, target = f"{BEFORE_PUSH_AUC:.2f}", f">= {TARGET_PUSH_AUC:.2f}"
                pooled = summary["pooled"]
                met = "yes" if pooled is not None and pooled >= TARGET_PUSH_AUC else "no"
            lines.append(
                f"| {pipeline} | {name} | {figure_or_na(summary['pooled'])} | "
                f"{figure_or_na(summary['per_article_mean'])} | {before} | {target} | {met} |"
            )
    lines += [
        "",
        "| pipeline | sentences | with a span | flagged by the technique tagger | "
        "flag precision | flag recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for pipeline, row in rows.items():
        flags = row["techniques_flagged"]
        lines.append(
            f"| {pipeline} | {row['sentences']} | {row['with_span']} | "
            f"{flags['flagged_share']:.3f} | {flags['precision']:.3f} | {flags['recall']:.3f} |"
        )
    lines += [
        "",
        "The push is the verdict model's: "
        + ", ".join(f"`{r.get('verdict_model', '')}` in {p}" for p, r in rows.items())
        + "; `deep` takes its sentence signals from the int8 transformer. `technique` is the "
        "highest technique score in the sentence (0 without one).",
    ]
    return "\n".join(lines)


@tasks.register("veracity.task.pointing.v1")
def pointing_task(root: Path) -> dict[str, Any]:
    """ROC-AUC of each sentence signal against PTC dev's propaganda spans, per pipeline."""
    return evaluate_articles(ptc(Path(root), "dev"))
