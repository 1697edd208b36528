"""``veracity.task.pointing.v1``: labelling report sentences by propaganda spans, and the AUCs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from veracity.analyze import Analyzer
from veracity.cli.main import cli
from veracity.experiments.pointing import (
    SIGNALS,
    auc,
    auc_summary,
    evaluate_articles,
    flag_scores,
    offset_map,
    overlap_labels,
)
from veracity.text.inputs import document_from_text
from veracity.training.sentence_corpora import PtcArticle, ptc

LOADED = (
    "The mayor said the new bridge would open in May. "
    "These traitors will stop at nothing to destroy our great city! "
    "Officials expect traffic to ease once the work is done. "
    "Only a fool would believe a single word from these corrupt crooks."
)


def _spans_of(text: str, *phrases: str) -> list[tuple[int, int]]:
    return [(text.index(p), text.index(p) + len(p)) for p in phrases]


def test_pointing_offset_map_carries_spans_over_cleaning() -> None:
    raw = "\u200b  First line.\r\nSecond \u201cline\u201d here.\n"
    cleaned = document_from_text(raw, sniff_html=False).text
    assert len(cleaned) < len(raw) and '"' in cleaned
    where = offset_map(raw, cleaned)
    assert len(where) == len(raw) + 1 and where[-1] == len(cleaned)
    for a, b in _spans_of(raw, "First line.", "Second", "here."):
        assert cleaned[where[a] : where[b]] == raw[a:b]


def test_pointing_offset_map_is_identity_on_unchanged_text() -> None:
    assert offset_map("abc", "abc") == [0, 1, 2, 3]


def test_pointing_overlap_labels_are_end_exclusive() -> None:
    bounds = [(0, 10), (10, 20), (20, 30)]
    assert overlap_labels(bounds, [(10, 12)]) == [0, 1, 0]
    assert overlap_labels(bounds, [(5, 10)]) == [1, 0, 0]
    assert overlap_labels(bounds, [(9, 21)]) == [1, 1, 1]
    assert overlap_labels(bounds, []) == [0, 0, 0]


def test_pointing_auc_ranks_and_needs_both_labels() -> None:
    assert auc([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]) == 1.0
    assert auc([0, 1], [0.9, 0.1]) == 0.0
    assert auc([0, 1], [0.5, 0.5]) == 0.5
    assert auc([1, 1], [0.2, 0.3]) is None


def test_pointing_auc_summary_pools_and_averages_per_article() -> None:
    summary = auc_summary([([0, 1], [0.0, 1.0]), ([0, 1], [2.0, 3.0]), ([1], [5.0])])
    # Pooled: positives 1, 3, 5 against negatives 0, 2: five of six pairs in order.
    assert summary == {"pooled": round(5 / 6, 4), "per_article_mean": 1.0, "articles_with_both": 2}


def test_pointing_flag_scores_give_share_precision_and_recall() -> None:
    scores = flag_scores([1, 1, 0, 0], [True, False, True, True])
    assert scores == {"flagged_share": 0.75, "precision": round(1 / 3, 4), "recall": 0.5}
    assert flag_scores([0, 0], [False, False]) == {
        "flagged_share": 0.0,
        "precision": 0.0,
        "recall": 0.0,
    }


def test_pointing_evaluate_articles_gives_a_row_per_pipeline() -> None:
    text = "\n" + LOADED
    articles = [
        PtcArticle("1", text, _spans_of(text, "These traitors", "corrupt crooks")),
        PtcArticle("2", LOADED, []),
    ]
    result = evaluate_articles(articles, {"fast": Analyzer.load, "again": Analyzer.load})
    assert list(result["rows"]) == ["fast", "again"]
    row = result["rows"]["fast"]
    assert row["articles"] == 2 and row["with_span"] == 2 <= row["sentences"]
    assert set(row["auc"]) == set(SIGNALS)
    assert row["auc"]["push"]["articles_with_both"] == 1
    assert set(row["techniques_flagged"]) == {"flagged_share", "precision", "recall"}
    assert result["rows"]["again"] == row
    assert "| fast | push |" in result["markdown"] and "| again | bias |" in result["markdown"]


@pytest.mark.data
@pytest.mark.slow
def test_pointing_task_on_twenty_dev_articles(data_root: Path) -> None:
    result = evaluate_articles(ptc(data_root, "dev")[:20])
    row = result["rows"]["fast"]
    assert row["articles"] == 20 and 0 < row["with_span"] < row["sentences"]
    for summary in row["auc"].values():
        assert 0.0 <= summary["pooled"] <= 1.0
        assert 0 < summary["articles_with_both"] <= 20
    assert result["markdown"].startswith("## Pointing")


@pytest.mark.data
@pytest.mark.slow
def test_pointing_cli_writes_its_own_section(data_root: Path, tmp_path: Path) -> None:
    bench = tmp_path / "BENCH.md"
    bench.write_text("# Benchmarks\n\n<!-- begin:lodo -->\nold\n<!-- end:lodo -->\n", "utf-8")
    args = ["evaluate", "--task", "pointing", "--write", str(bench)]
    result = CliRunner().invoke(cli, args, env={"VERACITY_DATA": str(data_root)})
    assert result.exit_code == 0, result.output
    text = bench.read_text(encoding="utf-8")
    assert "<!-- begin:lodo -->\nold\n<!-- end:lodo -->" in text
    assert "<!-- begin:task-pointing -->\n## Pointing" in text
    assert "| fast | push |" in text and "--task pointing --write BENCHMARKS.md" in text
    assert "| deep | subjectivity |" in text
