"""The LODO protocol: parallel and sequential runs agree; the model's own threshold is used."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from veracity.experiments.lodo import LodoTable, lodo
from veracity.training.detector_fit import TrainConfig

pytestmark = pytest.mark.data

SMALL = TrainConfig(
    corpora=["fakenewsnet_buzzfeed", "fakenewsnet_politifact", "celebrity"],
    params={"n_features": 2**14, "calibration_folds": 3},
)


@pytest.fixture(scope="module")
def sequential(data_root: Path) -> LodoTable:
    return lodo(data_root, SMALL, with_baseline=False)


def test_evaluate_parallel_lodo_equals_sequential(data_root: Path, sequential: LodoTable) -> None:
    one = sequential
    two = lodo(data_root, SMALL, with_baseline=False, workers=2)
    assert [r["held_out"] for r in one.rows] == [
        "fakenewsnet_buzzfeed",
        "fakenewsnet_politifact",
        "celebrity",
        "in-domain",
    ]
    assert one.rows == two.rows
    for key, (y, p) in one.predictions.items():
        np.testing.assert_array_equal(y, two.predictions[key][0])
        np.testing.assert_array_equal(p, two.predictions[key][1])


def test_evaluate_macro_f1_is_taken_at_the_models_threshold(sequential: LodoTable) -> None:
    table = sequential
    for row in table.rows:
        key = (row["system"], row["held_out"])
        y, p = table.predictions[key]
        threshold = table.thresholds[key]
        assert 0.0 < threshold < 1.0
        assert row["predicted_positive_share"] == pytest.approx(float((p >= threshold).mean()))
