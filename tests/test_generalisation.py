"""The lever study: coverage, transductive threshold and the table text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from veracity.data.corpora import LODO_CORPORA
from veracity.experiments.figures import coverage_curve
from veracity.experiments.lever_study import corpus_median_threshold, levers_markdown, seed_cells
from veracity.experiments.levers import LEVERS
from veracity.experiments.lodo import LodoTable


def test_generalisation_coverage_keeps_the_surest_articles_first() -> None:
    y = np.array([1, 0, 1, 0, 1, 0])
    p = np.array([0.99, 0.01, 0.55, 0.45, 0.4, 0.6])
    curve = coverage_curve(y, p, np.full(6, 0.5), steps=3)
    assert curve["coverage"].iloc[-1] == 1.0
    assert curve["accuracy"].iloc[0] == 1.0
    assert curve["accuracy"].iloc[-1] == pytest.approx(4 / 6)


def test_generalisation_median_threshold_splits_each_corpus_in_half() -> None:
    table = LodoTable()
    for corpus in LODO_CORPORA[:2]:
        y = np.array([0, 0, 1, 1])
        table.add("s", corpus, y, np.array([0.1, 0.2, 0.3, 0.4]), threshold=0.9)
    assert corpus_median_threshold(table, "s") == {"mean_macro_f1": 1.0, "worst_macro_f1": 1.0}


def test_generalisation_markdown_lists_every_row_and_the_command() -> None:
    rows = pd.DataFrame(
        [
            {
                "lever": lever.name,
                "description": lever.description,
                "mean_lodo_f1": 0.6,
                "worst_lodo_f1": 0.4,
                "mean_lodo_auc": 0.7,
                "in_domain_f1": 0.75,
                "in_domain_ece": 0.03,
                "in_domain_brier": 0.11,
            }
            for lever in LEVERS
        ]
    )
    text = levers_markdown(
        rows, {"mean_macro_f1": 0.6, "worst_macro_f1": 0.4}, "veracity evaluate", 20.0, 2
    )
    assert "`veracity evaluate`" in text and "20.0 minutes on 2 cores" in text
    for lever in LEVERS:
        assert f"| {lever.name} | {lever.description} |" in text


def test_generalisation_seed_cells_show_the_verdict_and_both_pushes() -> None:
    row = {"seed_p": 0.47, "seed_verdict": "unreliable"}
    cells = seed_cells({**row, "seed_author_push": 0.4, "seed_source_push": 0.15})
    assert cells == "0.47, unreliable | +0.40 / +0.15"
    assert seed_cells({"seed_p": float("nan")}) == " | "
