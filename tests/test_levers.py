"""The levers: the default is the shipped config, and the seed check."""

from __future__ import annotations

from pathlib import Path

import pytest

from veracity.data.pipeline import load_articles
from veracity.experiments.levers import DEFAULT_LEVER, LEVERS, seed_check
from veracity.training.detector_fit import DEFAULT_CONFIG, TrainConfig, fit_frame


def test_levers_default_lever_is_the_shipped_config() -> None:
    assert DEFAULT_LEVER.config == TrainConfig.from_file(DEFAULT_CONFIG)
    assert len({lever.name for lever in LEVERS}) == len(LEVERS)


@pytest.mark.data
def test_levers_seed_check_reads_the_seed_with_a_model_of_the_corpora(
    data_root: Path,
) -> None:
    config = TrainConfig(corpora=["fakenewsnet_buzzfeed", "fakenewsnet_politifact"])
    frame, _ = load_articles(data_root, corpora=config.corpora)
    got = seed_check(data_root, config, fit_frame(config, frame))
    assert got["seed_verdict"] in ("reliable", "uncertain", "unreliable")
    assert 0.0 < float(str(got["seed_p"])) < 1.0
    assert {"seed_author_push", "seed_source_push"} <= set(got)


def test_levers_seed_check_is_empty_without_the_seed(tmp_path: Path) -> None:
    assert seed_check(tmp_path, TrainConfig(), None) == {}
