"""``veracity.task.provenance.v1``: test articles, metrics, and the run on shared data."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from veracity.experiments.commentary import COMMENTARY
from veracity.experiments.provenance_task import evaluate_frame, make_article, research_form
from veracity.registry import tasks

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "dus",
    "tav",
    "or",
    "pel",
    "qua",
    "sim",
    "ber",
    "not",
    "vex",
    "ul",
    "ga",
    "fio",
]


def invented_frame(n: int, seed: int = 3) -> pd.DataFrame:
    """Articles of made-up words (seeded), 8-12 sentences of 10-24 words each."""
    rng = random.Random(seed)
    vocab = sorted({"".join(rng.sample(SYLLABLES, rng.randint(2, 4))) for _ in range(3000)})
    texts = []
    for _ in range(n):
        sentences = [
            " ".join(rng.choice(vocab) for _ in range(rng.randint(10, 24))).capitalize() + "."
            for _ in range(rng.randint(8, 12))
        ]
        texts.append(" ".join(sentences))
    return pd.DataFrame({"id": [f"inv:{i}" for i in range(n)], "text": texts, "label": "reliable"})


def test_archive_research_form_matches_the_seed_style() -> None:
    assert research_form("The U.S. envoy’s plan, unveiled on Monday, failed.") == (
        "the u . s . envoy s plan , unveiled on monday , failed ."
    )


def test_archive_make_article_mixes_copies_and_commentary() -> None:
    text = invented_frame(1)["text"].iat[0]
    lines = make_article(text, random.Random(1), ["alpha", "beta"])
    kinds = {line.kind for line in lines}
    expected = {line.expected for line in lines}
    assert expected == {"supported", "added"}
    assert "commentary" in kinds
    comments = [line.text for line in lines if line.kind == "commentary"]
    assert 2 <= len(comments) <= 4
    assert set(comments) <= {research_form(c) for c in COMMENTARY}
    assert all(line.text == line.text.lower() for line in lines)


def test_archive_commentary_is_invented_and_varied() -> None:
    assert len(COMMENTARY) >= 50
    assert len(set(COMMENTARY)) == len(COMMENTARY)


def test_archive_evaluate_frame_metrics(tmp_path: Path) -> None:
    result = evaluate_frame(invented_frame(60), tmp_path, n_test=25, n_held_out=10)
    rows = {row["class"]: row for row in result["rows"]}
    assert set(rows) == {"supported", "added"}
    for row in rows.values():
        assert row["precision"] >= 0.95
        assert row["recall"] >= 0.95
        assert row["support"] > 0
    assert result["supported_rate_by_line_kind"]["commentary"] == 0.0
    assert result["held_out_supported_rate"] <= 0.05
    assert result["archive"]["documents"] == 50
    assert "| supported |" in result["markdown"]


def test_archive_task_is_registered() -> None:
    assert "veracity.task.provenance.v1" in tasks


@pytest.mark.slow
@pytest.mark.data
def test_archive_task_on_shared_corpora(data_root: Path) -> None:
    result = tasks.get("veracity.task.provenance.v1")(data_root)
    assert isinstance(result, dict)
    for row in result["rows"]:
        assert row["precision"] >= 0.95, row
        assert row["recall"] >= 0.95, row
