"""SentenceLinear: the scikit-learn contract, persistence and tamper detection."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.base import clone

from veracity import registry
from veracity.errors import ModelError, NotFoundError
from veracity.persist import load_folder
from veracity.signals.sentence_models import NAME, SentenceLinear, load_model, save_model

POSITIVE = [
    "This is an outrageous and disgusting betrayal by corrupt elites",
    "The shameful liars in charge have ruined everything again",
    "What a pathetic, idiotic decision from these clowns",
    "Their hateful agenda is destroying our beautiful country",
    "Only a fool would trust these crooks",
    "An absolute disaster brought to you by incompetent hacks",
]
NEGATIVE = [
    "The council approved the budget on Tuesday",
    "Rainfall in March was close to the long-term average",
    "The company reported quarterly revenue of 4 million dollars",
    "The bridge will be closed for repairs until June",
    "Officials counted the ballots in three districts",
    "The museum opens at nine in the morning",
]
X = POSITIVE + NEGATIVE
Y = ["biased"] * len(POSITIVE) + ["neutral"] * len(NEGATIVE)


def _fitted(**kw: Any) -> SentenceLinear:
    return SentenceLinear(n_features=2**12, **kw).fit(X, Y)


def test_sentence_models_init_only_stores_args() -> None:
    model = SentenceLinear(n_features=2**10, C=3.0)
    assert model.get_params()["C"] == 3.0
    assert not [k for k in vars(model) if k.endswith("_")]
    assert clone(model).get_params() == model.get_params()


def test_sentence_models_fit_returns_self_and_learns() -> None:
    model = SentenceLinear(n_features=2**12, C=10.0)
    assert model.fit(X, Y) is model
    assert list(model.classes_) == ["biased", "neutral"]
    assert model.predict(["corrupt shameful liars"])[0] == "biased"
    assert model.predict(["the council met on tuesday"])[0] == "neutral"


def test_sentence_models_proba_sums_to_one_and_follows_classes() -> None:
    model = _fitted(C=10.0)
    proba = model.predict_proba(["pathetic corrupt clowns", "rainfall in march"])
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba[0, list(model.classes_).index("biased")] > 0.5
    assert proba[1, list(model.classes_).index("neutral")] > 0.5


def test_sentence_models_multiclass_proba() -> None:
    labels = ["a", "b", "c"] * 4
    model = SentenceLinear(n_features=2**10).fit(X, labels)
    proba = model.predict_proba(X[:3])
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_sentence_models_same_seed_same_model() -> None:
    a, b = _fitted(random_state=7), _fitted(random_state=7)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_sentence_models_case_and_research_form_agree() -> None:
    model = _fitted()
    prose = ["Obama's plan is an Outrageous betrayal!"]
    research = ["obama s plan is an outrageous betrayal !"]
    np.testing.assert_allclose(model.predict_proba(prose), model.predict_proba(research))


def test_sentence_models_save_load_identical(tmp_path: Path) -> None:
    model = _fitted(char_ngram_range=(2, 4))
    save_model(tmp_path / "m", model, {"name": "test"})
    loaded = load_model(tmp_path / "m")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert list(loaded.classes_) == list(model.classes_)
    assert load_folder(tmp_path / "m").card["architecture"] == NAME


def test_sentence_models_registered() -> None:
    assert registry.sentence_models.get(NAME) is SentenceLinear
    with pytest.raises(NotFoundError):
        registry.sentence_models.get("veracity.SentenceLinear.v0")


def test_sentence_models_tampered_file_raises(tmp_path: Path) -> None:
    save_model(tmp_path / "m", _fitted(), {"name": "test"})
    weights = tmp_path / "m" / "weights.npz"
    blob = bytearray(weights.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    weights.write_bytes(bytes(blob))
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "m")
    assert err.value.code == "E008"


def test_sentence_models_missing_file_raises(tmp_path: Path) -> None:
    save_model(tmp_path / "m", _fitted(), {"name": "test"})
    shutil.copytree(tmp_path / "m", tmp_path / "n")
    (tmp_path / "n" / "model.json").unlink()
    with pytest.raises(ModelError):
        load_model(tmp_path / "n")
