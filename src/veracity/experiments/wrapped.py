"""``veracity.task.wrapped.v1``: is wire copy wrapped in invented commentary seen through?

Test articles are made as the provenance task makes them (:func:`.provenance_task.make_article`):
twelve sentences of a reliable ISOT article in the research form (lower-cased, tokenised, one
per line, lightly edited) with two to four invented commentary lines (:mod:`.commentary`)
between them.  The bundled model never saw the commentary lines; it was trained on ISOT,
copied sentences included.  Each article is analysed as a user's text and each report
sentence takes the kind of the line it overlaps most (sentences without a letter or digit,
such as a lone ``.``, are left out).  Reported: the verdicts, the ROC-AUC of the sentence
push ranking commentary above copy (pooled, and the mean per article), the share of articles
whose most pushed sentence is commentary, and the share whose first reason names a
commentary line (reports carry reasons from schema 1.2 on).

The seed article (``seed/000_58977a3383289371.txt``, outside every training corpus) has no
gold commentary lines: its row gives the verdict, its three most pushed sentences with their
roles, and how the unattributed sentences (neither attributed nor quoted) rank against the
attributed ones.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analyze import Analyzer
from ..data.pipeline import load_articles
from ..data.schema import RELIABLE
from ..registry import tasks
from ..report import VERDICTS, Report, SentenceBase
from ..signals.pipelines import DEEP, FAST
from ..signals.roles import ATTRIBUTED, QUOTE
from ..text.inputs import document_from_text
from ..text.normalize import tokens
from .pointing import auc, auc_summary, figure_or_na, offset_map
from .provenance_task import make_article
from .wrapped_rules import markdown as rules_markdown
from .wrapped_rules import rule_rows

SEED = 20240618
N_ARTICLES = 300
#: Reliable articles of every corpus the commentary rules are measured on.
N_OTHERS = 600
CORPUS = "isot"
SEED_FILE = Path("seed") / "000_58977a3383289371.txt"
COMMAND = "veracity evaluate --task wrapped --write BENCHMARKS.md"
NO_REASONS = "n/a (the reports carry no reasons)"
#: Issue 18's targets, and the figures before it.
TARGET_RELIABLE, BEFORE_RELIABLE = 0.10, 0.78
TARGET_AUC, BEFORE_AUC = 0.95, 0.89


@dataclass(frozen=True)
class Wrapped:
    """A test article: its text and, per line, ``(start, end, is_commentary)``."""

    text: str
    lines: tuple[tuple[int, int, bool], ...]


def copy_alone(article: Wrapped) -> str:
    """The wrapped article without its commentary lines: the copy as it was wrapped."""
    return "\n".join(article.text[a:b] for a, b, kind in article.lines if not kind)


def wrap(text: str, rng: random.Random, vocab: list[str]) -> Wrapped:
    """A wrapped article made from ``text``, one line per copied or commentary line."""
    lines: list[tuple[int, int, bool]] = []
    parts: list[str] = []
    at = 0
    for line in make_article(text, rng, vocab):
        if not line.text:
            continue
        lines.append((at, at + len(line.text), line.kind == "commentary"))
        parts.append(line.text)
        at += len(line.text) + 1
    return Wrapped("\n".join(parts), tuple(lines))


def sentence_kinds(
    sentences: Sequence[tuple[int, int, str]], lines: Sequence[tuple[int, int, bool]]
) -> list[bool | None]:
    """For each ``(start, end, text)`` sentence, whether the line it overlaps most is
    commentary; None for a sentence without a letter or digit, or outside every line."""
    kinds: list[bool | None] = []
    for start, end, text in sentences:
        overlaps = [(min(end, b) - max(start, a), kind) for a, b, kind in lines]
        width, kind = max(overlaps, default=(0, False))
        kinds.append(kind if width > 0 and any(c.isalnum() for c in text) else None)
    return kinds


def named_sentences(reason: Any) -> set[int]:
    """The sentence indices a reason names (its ``sentence`` or ``sentences`` field)."""
    if not isinstance(reason, dict):
        return set()
    named = reason.get("sentences", [])
    single = reason.get("sentence")
    return {int(i) for i in [*named, *([] if single is None else [single])]}


def first_reason_commentary(report: dict[str, Any], commentary: set[int]) -> bool | None:
    """Whether the report's first reason names a commentary sentence; None without reasons."""
    if "reasons" not in report:
        return None
    reasons = report["reasons"]
    return bool(reasons) and bool(named_sentences(reasons[0]) & commentary)


def _labelled(report: Report, wrapped: Wrapped, cleaned: str) -> list[tuple[SentenceBase, bool]]:
    where = offset_map(wrapped.text, cleaned)
    lines = [(where[a], where[b], kind) for a, b, kind in wrapped.lines]
    sentences = list(report.sentences)
    kinds = sentence_kinds([(s.start, s.end, s.text) for s in sentences], lines)
    return [(s, kind) for s, kind in zip(sentences, kinds, strict=True) if kind is not None]


def summarise(
    reports: Sequence[Report], labelled: Sequence[list[tuple[SentenceBase, bool]]]
) -> dict[str, Any]:
    """Verdict shares, push ROC-AUC (commentary above copy), top-push and first-reason shares."""
    n = len(reports)
    verdicts = Counter(r.verdict for r in reports)
    pairs = [([int(k) for _, k in sk], [float(s.contribution) for s, _ in sk]) for sk in labelled]
    top = [max(sk, key=lambda p: float(p[0].contribution))[1] for sk in labelled if sk]
    firsts = [
        first_reason_commentary(r.to_dict(), {s.index for s, k in sk if k})
        for r, sk in zip(reports, labelled, strict=True)
    ]
    known = [f for f in firsts if f is not None]
    return {
        "articles": n,
        "verdict_share": {v: round(verdicts[v] / n, 4) if n else 0.0 for v in VERDICTS},
        "sentences": {
            "commentary": sum(sum(y) for y, _ in pairs),
            "copy": sum(len(y) - sum(y) for y, _ in pairs),
        },
        "push_auc": auc_summary(pairs),
        "top_push_commentary_share": round(sum(top) / len(top), 4) if top else 0.0,
        "first_reason_commentary_share": (
            round(sum(known) / len(known), 4) if known else NO_REASONS
        ),
    }


def seed_row(report: Report) -> dict[str, Any]:
    """The seed's verdict, its three most pushed sentences and unattributed vs attributed push."""
    sentences = [s for s in report.sentences if any(c.isalnum() for c in s.text)]
    ranked = sorted(sentences, key=lambda s: -float(s.contribution))
    attributed = [float(s.contribution) for s in sentences if s.role == ATTRIBUTED]
    other = [float(s.contribution) for s in sentences if s.role not in (ATTRIBUTED, QUOTE)]
    ceiling = max(attributed, default=float("-inf"))
    return {
        "verdict": report.verdict,
        "probability": report.probability,
        "top": [{"index": s.index, "role": s.role, "push": s.contribution} for s in ranked[:3]],
        "unattributed_min_push": min(other, default=None),
        "attributed_max_push": max(attributed, default=None),
        "unattributed_above_every_attributed": sum(p > ceiling for p in other),
        "unattributed": len(other),
        "push_auc_unattributed_over_attributed": auc(
            [1] * len(other) + [0] * len(attributed), other + attributed
        ),
    }


def evaluate_texts(
    analyzer: Analyzer,
    reliable: Sequence[str],
    seed_text: str | None = None,
    n_articles: int = N_ARTICLES,
    seed: int = SEED,
    others: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The task on reliable article texts (and the seed article, when given).

    With ``others`` (reliable articles of any corpus) it also measures what a commentary
    rule would cost (:mod:`.wrapped_rules`) on them and on the wrapped articles' copy alone.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    chosen = rng.sample(list(reliable), min(n_articles, len(reliable)))
    # Replacement words are drawn by frequency, as in the provenance task.
    vocab = [t for text in chosen for t in tokens(text) if t.isalpha()]
    wrapped = [wrap(text, rng, vocab) for text in chosen]
    documents = [document_from_text(w.text, name=f"wrapped-{i}") for i, w in enumerate(wrapped)]
    reports = analyzer.analyze_many(documents)
    labelled = [
        _labelled(r, w, d.text) for r, w, d in zip(reports, wrapped, documents, strict=True)
    ]
    result = summarise(reports, labelled)
    result["verdict_model"] = analyzer.info.verdict
    if seed_text is not None:
        result["seed"] = seed_row(analyzer.analyze(document_from_text(seed_text, name="seed")))
    if others is not None:
        copies = [copy_alone(w) for w in wrapped]
        result["rules"] = rule_rows(
            reports,
            analyzer.analyze_many([document_from_text(t) for t in copies]),
            analyzer.analyze_many([document_from_text(t) for t in others]),
        )
        result["rule_articles"] = {"wrapped": len(wrapped), "reliable": len(others)}
    result["markdown"] = markdown(result)
    return result


def _met(ok: bool) -> str:
    return "yes" if ok else "no"


def markdown(result: dict[str, Any]) -> str:
    """The "task-wrapped" section of BENCHMARKS.md (of one pipeline)."""
    lines = [
        "## Wrapped copy: commentary around reliable wire copy",
        "",
        f"Regenerate: `{COMMAND}` (needs `../shared` or `$VERACITY_DATA`).",
        "",
        f"{result['articles']} test articles, each twelve sentences of a reliable ISOT article in "
        "the research form (lower-cased, tokenised, one per line, lightly edited) with two to four "
        "invented commentary lines between them, as the provenance task makes them; analysed by "
        "the bundled model, which never saw the commentary (it was trained on ISOT, so the copied "
        f"sentences are not new to it). {result['sentences']['commentary']} commentary and "
        f"{result['sentences']['copy']} copied sentences; targets from issue 18.",
        "",
        _table(result),
    ]
    if "seed" in result:
        lines += _seed_markdown(result["seed"])
    return "\n".join(lines)


def _table(result: dict[str, Any]) -> str:
    share, push = result["verdict_share"], result["push_auc"]
    pooled = push["pooled"] or 0.0
    first = result["first_reason_commentary_share"]
    lines = [
        "| measure | value | at issue 18 | target | met |",
        "|---|---:|---:|---:|---|",
        f"| judged reliable | {share['reliable']:.1%} | {BEFORE_RELIABLE:.0%} | "
        f"<= {TARGET_RELIABLE:.0%} | {_met(share['reliable'] <= TARGET_RELIABLE)} |",
        f"| judged uncertain / unreliable | {share['uncertain']:.1%} / {share['unreliable']:.1%} "
        "| | | |",
        f"| push ROC-AUC, commentary above copy (pooled) | {pooled:.3f} | {BEFORE_AUC:.2f} | "
        f">= {TARGET_AUC:.2f} | {_met(pooled >= TARGET_AUC)} |",
        f"| push ROC-AUC, mean per article | {push['per_article_mean'] or 0.0:.3f} | | | |",
        f"| most pushed sentence is commentary | {result['top_push_commentary_share']:.1%} | | | |",
        "| first reason names a commentary line | "
        + (first if isinstance(first, str) else f"{first:.1%}")
        + " | | | |",
    ]
    return "\n".join(lines)


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.3f}"


def _seed_markdown(seed: dict[str, Any]) -> list[str]:
    above, n = seed["unattributed_above_every_attributed"], seed["unattributed"]
    lines = [
        "",
        f"Seed article (`{SEED_FILE.as_posix()}`; its story is in the shared ISOT sample, but "
        "de-duplication holds it and its near-copies out of every corpus, so the bundled model "
        "never saw it): verdict "
        f"**{seed['verdict']}**, P(unreliable) {seed['probability']:.3f} (target: not reliable; "
        f"met: {_met(seed['verdict'] != 'reliable')}). It has no gold commentary lines, so its "
        "unattributed sentences (neither attributed nor quoted: the commentary and some copied "
        f"claims) stand in for them: {above} of {n} are pushed above every attributed sentence "
        f"(target: all; met: {_met(n > 0 and above == n)}); lowest unattributed push "
        f"{_signed(seed['unattributed_min_push'])}, highest attributed "
        f"{_signed(seed['attributed_max_push'])}, ROC-AUC unattributed above attributed "
        f"{figure_or_na(seed['push_auc_unattributed_over_attributed'])}. Its most pushed sentences:",
        "",
        "| sentence | role | push |",
        "|---:|---|---:|",
    ]
    return lines + [f"| {s['index']} | {s['role']} | {s['push']:+.3f} |" for s in seed["top"]]


def rules_section(per: dict[str, dict[str, Any]]) -> str:
    """The trade-off subsection: one table per pipeline (:mod:`.wrapped_rules`)."""
    parts = [
        "### What a commentary rule would cost",
        "",
        "The wrapped articles' commentary lines are unsourced and mostly subjective, but so are "
        "some sentences of real reliable articles (quoted posts, analysis, a quote whose speaker "
        "is named in the next sentence). The table measures the article rule *at least k "
        "unsourced sentences (claim, opinion, appeal, question) with subjectivity >= t make the "
        "verdict at least uncertain*, which is not applied: the share of wrapped articles it "
        "would leave judged reliable, against the share of reliable articles it would take out "
        'of "reliable".',
    ]
    for name, result in per.items():
        counts = result["rule_articles"]
        parts += [
            "",
            f"`{name}` pipeline:",
            "",
            rules_markdown(result["rules"], counts["wrapped"], counts["reliable"]),
        ]
    return "\n".join(parts)


@tasks.register("veracity.task.wrapped.v1")
def wrapped_task(root: Path) -> dict[str, Any]:
    """Wrap reliable ISOT copy in invented commentary and measure verdicts and sentence push,
    and what a commentary rule would cost on reliable articles of every corpus."""
    root = Path(root)
    frame, _stats = load_articles(root, [CORPUS])
    reliable = frame.loc[frame["label"] == RELIABLE, "text"].tolist()
    everywhere, _ = load_articles(root)
    pool = everywhere.loc[everywhere["label"] == RELIABLE, "text"].tolist()
    others = random.Random(SEED).sample(pool, min(N_OTHERS, len(pool)))  # noqa: S311
    seed_path = root / SEED_FILE
    seed_text = seed_path.read_text(encoding="utf-8") if seed_path.is_file() else None
    per = {
        p: evaluate_texts(Analyzer.load(pipeline=p), reliable, seed_text, others=others)
        for p in (FAST, DEEP)
    }
    sections = [per[FAST]["markdown"]]
    sections += [
        f"### The same articles through the `{DEEP}` pipeline\n\n"
        + _table(per[DEEP])
        + ("\n" + "\n".join(_seed_markdown(per[DEEP]["seed"])) if "seed" in per[DEEP] else "")
        + f"\n\nThe verdict and the push come from `{per[FAST]['verdict_model']}` in the fast "
        f"pipeline and from `{per[DEEP]['verdict_model']}` in the deep one; the sentence "
        "signals, and with them the reasons, are each pipeline's own.",
        rules_section(per),
    ]
    return {**per[FAST], DEEP: per[DEEP], "markdown": "\n\n".join(sections)}
