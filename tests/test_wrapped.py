"""``veracity.task.wrapped.v1``: wrapped articles, sentence kinds by offsets, and the summary."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from veracity.analyze import Analyzer
from veracity.data.pipeline import load_articles
from veracity.data.schema import RELIABLE
from veracity.experiments.commentary import COMMENTARY
from veracity.experiments.provenance_task import research_form
from veracity.experiments.wrapped import (
    CORPUS,
    SEED_FILE,
    copy_alone,
    evaluate_texts,
    first_reason_commentary,
    sentence_kinds,
    wrap,
)

TOWNS = ("Ashford", "Bexley", "Corby", "Dunmow", "Epping", "Frome")


def _report_like(i: int) -> str:
    """A plain, attributed local-news story written for these tests."""
    town = TOWNS[i % len(TOWNS)]
    return " ".join(
        f"The {town} council said on Tuesday that spending on item {k} would rise by {k + i} "
        f"percent next year, according to a statement from its finance office."
        for k in range(14)
    )


def test_wrapped_wrap_marks_commentary_lines_by_offsets() -> None:
    vocab = ["budget", "office"]
    article = wrap(_report_like(0), random.Random(3), vocab)
    forms = {research_form(c) for c in COMMENTARY}
    commentary = [article.text[a:b] for a, b, kind in article.lines if kind]
    copied = [article.text[a:b] for a, b, kind in article.lines if not kind]
    assert 2 <= len(commentary) <= 4 and all(c in forms for c in commentary)
    words = set(research_form(_report_like(0)).split()) | set(vocab)
    assert copied and all(set(c.split()) <= words for c in copied)
    assert "\n".join(article.text[a:b] for a, b, _ in article.lines) == article.text


def test_wrapped_wrap_is_deterministic_for_a_seed() -> None:
    one = wrap(_report_like(1), random.Random(7), ["word"])
    assert wrap(_report_like(1), random.Random(7), ["word"]) == one


def test_wrapped_sentence_kinds_take_the_line_overlapped_most() -> None:
    lines = [(0, 10, False), (11, 30, True)]
    sentences = [(0, 10, "copy"), (8, 20, "mostly commentary"), (11, 12, "."), (40, 45, "out")]
    assert sentence_kinds(sentences, lines) == [False, True, None, None]


def test_wrapped_first_reason_names_commentary_only_when_reasons_exist() -> None:
    assert first_reason_commentary({"verdict": "reliable"}, {2}) is None
    assert first_reason_commentary({"reasons": [{"sentence": 2}, {"sentence": 0}]}, {2}) is True
    assert first_reason_commentary({"reasons": [{"sentences": [0, 1]}]}, {2}) is False
    assert first_reason_commentary({"reasons": []}, {2}) is False


def test_wrapped_evaluate_texts_reports_verdicts_auc_and_seed() -> None:
    texts = [_report_like(i) for i in range(4)]
    seed = "\n".join(research_form(t) for t in (*COMMENTARY[:3], _report_like(5)))
    result = evaluate_texts(Analyzer.load(), texts, seed, n_articles=3, seed=11)
    assert result["articles"] == 3
    assert abs(sum(result["verdict_share"].values()) - 1.0) < 1e-9
    assert result["sentences"]["commentary"] >= 6 and result["sentences"]["copy"] > 0
    assert 0.0 <= result["push_auc"]["pooled"] <= 1.0
    assert result["push_auc"]["articles_with_both"] == 3
    assert 0.0 <= result["top_push_commentary_share"] <= 1.0
    assert 0.0 <= result["first_reason_commentary_share"] <= 1.0
    assert len(result["seed"]["top"]) == 3
    assert result["markdown"].startswith("## Wrapped copy") and "Seed article" in result["markdown"]
    assert (
        evaluate_texts(Analyzer.load(), texts, n_articles=3, seed=11)["push_auc"]
        == (result["push_auc"])
    )


@pytest.mark.data
@pytest.mark.slow
def test_wrapped_task_on_twenty_isot_articles(data_root: Path, seed_path: Path) -> None:
    frame, _ = load_articles(data_root, [CORPUS])
    reliable = frame.loc[frame["label"] == RELIABLE, "text"].tolist()
    assert seed_path == data_root / SEED_FILE
    result = evaluate_texts(
        Analyzer.load(), reliable, seed_path.read_text(encoding="utf-8"), n_articles=20
    )
    assert result["articles"] == 20
    assert result["push_auc"]["articles_with_both"] == 20
    assert result["sentences"]["copy"] > result["sentences"]["commentary"] >= 40
    assert result["seed"]["verdict"] in result["verdict_share"]
    assert result["seed"]["unattributed"] > 0


def test_wrapped_evaluate_texts_measures_the_rules_on_copies_and_other_articles() -> None:
    texts = [_report_like(i) for i in range(4)]
    result = evaluate_texts(Analyzer.load(), texts, n_articles=3, seed=11, others=texts[:2])
    assert result["rule_articles"] == {"wrapped": 3, "reliable": 2}
    assert result["rules"][0]["wrapped_left_reliable"] == result["verdict_share"]["reliable"]
    assert len(result["rules"]) > 1


def test_wrapped_copy_alone_drops_exactly_the_commentary_lines() -> None:
    article = wrap(_report_like(2), random.Random(5), ["word"])
    kept = copy_alone(article).split("\n")
    assert kept == [article.text[a:b] for a, b, kind in article.lines if not kind]
    assert not set(kept) & {research_form(c) for c in COMMENTARY}
