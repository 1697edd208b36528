"""Detectors are composed of parts, each registered name a factory over a flat config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

import veracity.models  # noqa: F401  (registers the detectors)
from veracity.estimator import ClassifierEstimator, Estimator
from veracity.models.composed import ComposedDetector, load_detector
from veracity.models.folder import load_model, save_model
from veracity.models.linear import LinearModel
from veracity.registry import detectors

TEXTS = [
    "The ministry said in a statement on Tuesday that the budget would rise by two percent.",
    "Officials told reporters the bridge would reopen next month, according to the city.",
    "You won't believe what they are hiding from you! Share this before it gets deleted!",
    "We all know the elites are lying to us and this proves it once and for all!",
] * 4
LABELS = ["reliable", "reliable", "unreliable", "unreliable"] * 4


def small(name: str) -> Any:
    return detectors.get(name)(n_features=2**12, min_df=1, calibration_folds=2)


@pytest.fixture(params=detectors.names())
def detector_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def parts(est: ComposedDetector) -> list[Any]:
    return [p for p in (est.featurizer, est.model, est.profile) if p is not None]


def test_composed_every_registered_name_builds_from_its_config(detector_name: str) -> None:
    est = small(detector_name)
    assert type(est) is ComposedDetector
    config = json.loads(json.dumps(est.config()))
    assert config["n_features"] == 2**12 and config["min_df"] == 1
    assert repr(detectors.get(detector_name)(**config)) == repr(est)


def test_composed_parts_keep_the_estimator_contract(detector_name: str) -> None:
    est = small(detector_name)
    for part in parts(est):
        assert isinstance(part, Estimator) and not isinstance(part, ClassifierEstimator)
        assert repr(clone(part)) == repr(part)
        assert not [k for k in vars(part) if k.endswith("_") and not k.startswith("_")]
    est.fit(TEXTS, LABELS)
    assert all(isinstance(p, Estimator) for p in parts(clone(est)))
    assert not hasattr(clone(est).model, "coef_")


def test_composed_no_detector_or_part_inherits_another(detector_name: str) -> None:
    assert ComposedDetector.__bases__ == (ClassifierEstimator,)
    assert [type(p).__bases__ for p in parts(small(detector_name))] == [(Estimator,)] * len(
        parts(small(detector_name))
    )


def test_composed_set_params_reaches_a_part() -> None:
    est = small("veracity.MaskedStyle.v2")
    est.set_params(profile__style_weight=2.0, featurizer__hasher__n_features=2**10)
    assert est.config()["style_weight"] == 2.0 and est.config()["n_features"] == 2**10
    with pytest.raises(ValueError, match="invalid parameter"):
        small("veracity.LinearNgram.v1").set_params(profile__style_weight=2.0)


def test_composed_stacked_model_needs_style_columns() -> None:
    counts = sp.csr_matrix(np.eye(4, dtype=np.float32))
    with pytest.raises(ValueError, match="stacked"):
        LinearModel(stacked=True, min_df=1, calibration_folds=2).fit(
            counts, None, np.array([0, 1, 0, 1])
        )


def test_composed_unknown_config_parameter_is_refused() -> None:
    bundle = small("veracity.LinearNgram.v1").fit(TEXTS, LABELS).to_bundle()
    bundle.data["linear"]["params"]["bogus"] = 1
    with pytest.raises(TypeError):
        load_detector("veracity.LinearNgram.v1", bundle)


def test_composed_bundled_model_saves_and_loads_the_same(tmp_path: Path) -> None:
    loaded = load_model()
    stored = json.loads((loaded.folder / "linear.json").read_text())["params"]
    est = loaded.detector
    assert isinstance(est, ComposedDetector)
    config = est.config()
    assert {k: config[k] for k in stored} == stored
    again = save_model(tmp_path, est, {"name": "t", "detector": loaded.card["detector"]})
    np.testing.assert_array_equal(again.detector.predict_proba(TEXTS), est.predict_proba(TEXTS))
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".json", ".npz")) == sorted(
        p.name for p in loaded.folder.iterdir() if p.suffix in (".json", ".npz")
    )
