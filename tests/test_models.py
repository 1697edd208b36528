"""Contract tests run over every registered detector (after sklearn's parametrize_with_checks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

import veracity.models  # noqa: F401  (registers the detectors)
from veracity.errors import ModelError
from veracity.models.features import NgramHasher
from veracity.models.store import load_model, save_model
from veracity.registry import detectors

RELIABLE = [
    "The ministry said in a statement on Tuesday that the budget would rise by two percent.",
    "Officials told reporters the bridge would reopen next month after repairs, according to the city.",
    "The company reported quarterly revenue of four billion dollars, its chief financial officer said.",
    "The council voted seven to two to approve the new housing plan, a spokeswoman said.",
    "Police said the suspect was arrested on Monday and charged with theft, court records show.",
    "The central bank left interest rates unchanged, the governor told a news conference.",
]
UNRELIABLE = [
    "You won't believe what they are hiding from you! Share this before it gets deleted!",
    "We all know the elites are lying to us and this proves it once and for all!",
    "Wake up people, the shocking truth about the plot is finally out and they are terrified!",
    "This disgusting traitor should be locked up, everyone can see what he is doing!",
    "Let's hope and pray the truth comes out, because the media will never tell you!",
    "It seems obvious that the whole thing was staged, and nobody is talking about it!",
]
TEXTS = RELIABLE * 3 + UNRELIABLE * 3
LABELS = ["reliable"] * len(RELIABLE) * 3 + ["unreliable"] * len(UNRELIABLE) * 3
CARD = {"name": "test", "uncertain_band": [0.35, 0.65]}


def small(name: str) -> object:
    return detectors.get(name)(n_features=2**12, min_df=1, calibration_folds=3, random_state=0)


@pytest.fixture(params=detectors.names())
def detector_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_models_fit_returns_self_and_sets_learned_state(detector_name: str) -> None:
    est = small(detector_name)
    assert est.fit(TEXTS, LABELS) is est  # type: ignore[attr-defined]
    assert list(est.classes_) == ["reliable", "unreliable"]  # type: ignore[attr-defined]


def test_models_init_only_stores_arguments(detector_name: str) -> None:
    est = small(detector_name)
    params = est.get_params()  # type: ignore[attr-defined]
    assert clone(est).get_params() == params  # type: ignore[arg-type]
    assert not [k for k in vars(est) if k.endswith("_") and not k.startswith("_")]


def test_models_probabilities_sum_to_one_and_follow_classes(detector_name: str) -> None:
    est = small(detector_name).fit(TEXTS, LABELS)  # type: ignore[attr-defined]
    proba = est.predict_proba(
        ["Share this shocking truth they are hiding!", "The minister said on Monday."]
    )
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba[0, 1] > proba[1, 1]
    assert list(est.predict(["The minister said on Monday."])) == ["reliable"]


def test_models_fixed_seed_reproduces(detector_name: str) -> None:
    a = small(detector_name).fit(TEXTS, LABELS).predict_proba(TEXTS)  # type: ignore[attr-defined]
    b = small(detector_name).fit(TEXTS, LABELS).predict_proba(TEXTS)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(a, b)


def test_models_save_load_scores_the_same(detector_name: str, tmp_path: Path) -> None:
    est = small(detector_name).fit(TEXTS, LABELS)  # type: ignore[attr-defined]
    save_model(tmp_path, est, {**CARD, "detector": detector_name})
    loaded = load_model(tmp_path)
    np.testing.assert_allclose(
        loaded.detector.predict_proba(TEXTS), est.predict_proba(TEXTS), rtol=1e-6
    )
    assert (tmp_path / "MODEL_CARD.md").read_text().startswith("# Model card")


def test_models_tampered_file_fails_sha256(tmp_path: Path) -> None:
    est = small("veracity.LinearNgram.v1").fit(TEXTS, LABELS)  # type: ignore[attr-defined]
    save_model(tmp_path, est, {**CARD, "detector": "veracity.LinearNgram.v1"})
    npz = tmp_path / "linear.npz"
    blob = bytearray(npz.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    npz.write_bytes(bytes(blob))
    with pytest.raises(ModelError, match="sha256"):
        load_model(tmp_path)


def test_models_truncated_file_fails_clearly(tmp_path: Path) -> None:
    est = small("veracity.LinearNgram.v1").fit(TEXTS, LABELS)  # type: ignore[attr-defined]
    save_model(tmp_path, est, {**CARD, "detector": "veracity.LinearNgram.v1"})
    npz = tmp_path / "linear.npz"
    npz.write_bytes(npz.read_bytes()[:100])
    with pytest.raises(ModelError, match="E008"):
        load_model(tmp_path)


def test_models_missing_card_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="card.json"):
        load_model(tmp_path)


def test_models_hasher_index_matches_vectoriser() -> None:
    hasher = NgramHasher(n_features=2**16)
    row = hasher.transform(["obama s fault lies here"])
    expected = sorted({hasher.index(g) for g in hasher.ngrams(["obama", "s", "fault", "lies", "here"])})
    assert sorted(row.indices.tolist()) == expected


def test_models_artifact_tokens_never_reach_features() -> None:
    hasher = NgramHasher(n_features=2**16)
    with_artifact = hasher.transform(["washington reuters the senate voted"])
    without = hasher.transform(["washington the senate voted"])
    assert (with_artifact != without).nnz == 0


def test_models_style_memo_only_inside_its_block() -> None:
    from veracity.models import style

    text = "The council said the pier reopens in May. We think it is a disgrace!"
    assert style._memo is None
    plain = style.article_style(text)
    assert style._memo is None
    with style.style_memo():
        first = style.article_style(text)
        with style.style_memo():
            style.article_style(text + " More.")
            assert style._memo is not None and len(style._memo) == 2
        np.testing.assert_array_equal(style.article_style(text), first)
    assert style._memo is None
    np.testing.assert_array_equal(plain, first)


@pytest.mark.parametrize("name", ["veracity.NgramStyle.v1", "veracity.MaskedStyle.v2"])
def test_models_style_shares_sum_to_the_style_push(name: str) -> None:
    from veracity.text.sentences import split_sentences

    est = small(name).fit(TEXTS, LABELS)  # type: ignore[attr-defined]
    text = UNRELIABLE[4] + " " + RELIABLE[0] + " Click here to subscribe to our newsletter."
    sentences = [s.text for s in split_sentences(text)]
    shares = est.style_sentence_margins(sentences)
    w = est.coef_[est.n_features :]
    push = est._scaled(est._style([text]))[0] @ w
    assert len(shares) == len(sentences) == 3
    assert shares.sum() == pytest.approx(push, rel=1e-6)


def test_models_voice_profile_leaves_boilerplate_out() -> None:
    from veracity.models.style import article_style
    from veracity.models.voice import STYLE_V2

    body = "The minister said on Monday that taxes would rise. It is a really bad idea!"
    furniture = " Featured image via Getty Images. Click here to subscribe to our newsletter."
    np.testing.assert_array_equal(
        article_style(body, STYLE_V2), article_style(body + furniture, STYLE_V2)
    )


def test_models_voice_splits_cues_by_speaker() -> None:
    from veracity.models.voice import VOICE_FEATURES, voice_rows

    rows, weights = voice_rows(
        ["The minister said it was a really bad year.", "It is a really bad idea."]
    )
    got = {f: rows[:, i].tolist() for i, f in enumerate(VOICE_FEATURES)}
    assert got["role_attributed"] == [1.0, 0.0]
    assert got["source_intensifier"] == [1.0, 0.0]
    assert got["author_intensifier"] == [0.0, 1.0]
    assert weights.tolist() == [0.5, 0.5]


def test_models_voice_hashes_a_sources_words_apart() -> None:
    from veracity.models.features import MaskedNgramHasher
    from veracity.models.voice import voice_grams

    grams = voice_grams(
        MaskedNgramHasher(2**12),
        ["The minister said taxes rise.", "Taxes rise.", "Click here to subscribe to our newsletter."],
    )
    assert "s:taxes rise" in grams[0] and "taxes rise" not in grams[0]
    assert "taxes rise" in grams[1]
    assert grams[2] == []


def test_models_voice_sentence_credit_adds_up_to_the_margin() -> None:
    from veracity.text.sentences import split_sentences

    est = small("veracity.MaskedStyle.v2").fit(TEXTS, LABELS)  # type: ignore[attr-defined]
    text = UNRELIABLE[4] + " " + RELIABLE[0] + " Click here to subscribe to our newsletter."
    credit = est.explain_sentences(est.counts([text])[0], [s.text for s in split_sentences(text)])
    total = sum(margin for margin, _ in credit)
    assert total == pytest.approx(est.decision_function([text])[0] - est.intercept_, rel=1e-5)
