"""Contract tests run over every registered detector (after sklearn's parametrize_with_checks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone, is_classifier
from sklearn.utils import murmurhash3_32

import veracity.models  # noqa: F401  (registers the detectors)
from veracity.doc import Doc, as_docs, make_doc
from veracity.errors import ModelError
from veracity.estimator import NotFittedError
from veracity.models.features import (
    ARTIFACT_TOKENS,
    MASK,
    MaskedNgramHasher,
    NgramHasher,
    mask_topic,
)
from veracity.models.folder import load_model, save_model
from veracity.registry import detectors
from veracity.text.grams import GramTable
from veracity.text.hashing import count_table

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


def doc_of(sentences: list[str]) -> Doc:
    """A Doc whose sentences are exactly ``sentences`` (a blank line ends each)."""
    doc = make_doc("\n\n".join(sentences))
    assert list(doc.sentence_texts) == sentences
    return doc


def small(name: str) -> Any:
    return detectors.get(name)(n_features=2**12, min_df=1, calibration_folds=3, random_state=0)


@pytest.fixture(params=detectors.names())
def detector_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_models_fit_returns_self_and_sets_learned_state(detector_name: str) -> None:
    est = small(detector_name)
    assert est.fit(TEXTS, LABELS) is est
    assert list(est.classes_) == ["reliable", "unreliable"]


def test_models_every_detector_answers_the_detector_protocol(detector_name: str) -> None:
    from veracity.models.detector import Detector

    est = small(detector_name).fit(TEXTS, LABELS)
    members = [n for n in vars(Detector) if not n.startswith("_")] + list(Detector.__annotations__)
    assert {"counts", "coverage", "log_odds_scale", "explain_many", "threshold_"} <= set(members)
    assert not [n for n in members if not hasattr(est, n)]
    docs = as_docs(TEXTS[:2])
    counts = est.counts(docs)
    p = est.calibrate(est.margins(est.features(docs, counts)))
    np.testing.assert_allclose(p, est.predict_proba(TEXTS[:2])[:, 1])
    assert est.log_odds_scale() > 0
    coverage = est.coverage(counts)
    for row, share in zip(counts, coverage, strict=True):
        seen = row.data[est.model.idf_[row.indices] > 0].sum()
        assert share == (seen / row.data.sum() if row.data.sum() else 0.0)
    assert [len(c) for c in est.explain_many(counts, docs)] == [len(d.sentences) for d in docs]


def test_models_counts_and_grams_hash_once_for_the_same_answers(detector_name: str) -> None:
    est = small(detector_name).fit(TEXTS, LABELS)
    docs = as_docs(TEXTS[:3])
    counts, grams = est.counts_and_grams(docs)
    assert (counts != est.counts(as_docs(TEXTS[:3]))).nnz == 0
    assert est.explain_many(counts, docs, 4, grams) == est.explain_many(counts, docs, 4)


def test_models_init_only_stores_arguments(detector_name: str) -> None:
    est = small(detector_name)
    copy = clone(est)
    leaves = {k: v for k, v in est.get_params().items() if not hasattr(v, "get_params")}
    assert {k: v for k, v in copy.get_params().items() if k in leaves} == leaves
    assert repr(copy) == repr(est) and copy.model is not est.model
    assert not [k for k in vars(est) if k.endswith("_") and not k.startswith("_")]


def test_models_probabilities_sum_to_one_and_follow_classes(detector_name: str) -> None:
    est = small(detector_name).fit(TEXTS, LABELS)
    proba = est.predict_proba(
        ["Share this shocking truth they are hiding!", "The minister said on Monday."]
    )
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba[0, 1] > proba[1, 1]
    assert list(est.predict(["The minister said on Monday."])) == ["reliable"]


def test_models_fixed_seed_reproduces(detector_name: str) -> None:
    a = small(detector_name).fit(TEXTS, LABELS).predict_proba(TEXTS)
    b = small(detector_name).fit(TEXTS, LABELS).predict_proba(TEXTS)
    np.testing.assert_array_equal(a, b)


def test_models_save_load_scores_the_same(detector_name: str, tmp_path: Path) -> None:
    est = small(detector_name).fit(TEXTS, LABELS)
    save_model(tmp_path, est, {**CARD, "detector": detector_name})
    loaded = load_model(tmp_path)
    np.testing.assert_allclose(
        loaded.detector.predict_proba(TEXTS), est.predict_proba(TEXTS), rtol=1e-6
    )
    assert (tmp_path / "MODEL_CARD.md").read_text().startswith("# Model card")


def test_models_tampered_file_fails_sha256(tmp_path: Path) -> None:
    est = small("veracity.LinearNgram.v1").fit(TEXTS, LABELS)
    save_model(tmp_path, est, {**CARD, "detector": "veracity.LinearNgram.v1"})
    npz = tmp_path / "linear.npz"
    blob = bytearray(npz.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    npz.write_bytes(bytes(blob))
    with pytest.raises(ModelError, match="sha256"):
        load_model(tmp_path)


def test_models_truncated_file_fails_clearly(tmp_path: Path) -> None:
    est = small("veracity.LinearNgram.v1").fit(TEXTS, LABELS)
    save_model(tmp_path, est, {**CARD, "detector": "veracity.LinearNgram.v1"})
    npz = tmp_path / "linear.npz"
    npz.write_bytes(npz.read_bytes()[:100])
    with pytest.raises(ModelError, match="E008"):
        load_model(tmp_path)


def test_models_save_refuses_a_malformed_card_before_writing(tmp_path: Path) -> None:
    est = small("veracity.LinearNgram.v1").fit(TEXTS, LABELS)
    card = {**CARD, "detector": "veracity.LinearNgram.v1", "uncertain_band": [0.65, 0.35]}
    with pytest.raises(ModelError) as info:
        save_model(tmp_path / "model", est, card)
    assert info.value.code == "E033"
    assert not (tmp_path / "model").exists()


def test_models_saved_card_records_its_decision_sha256(tmp_path: Path) -> None:
    est = small("veracity.LinearNgram.v1").fit(TEXTS, LABELS)
    loaded = save_model(tmp_path, est, {**CARD, "detector": "veracity.LinearNgram.v1"})
    digest = loaded.card["decision_sha256"]
    assert f"`{digest}`" in (tmp_path / "MODEL_CARD.md").read_text()
    assert loaded.fingerprint not in (digest, "")


def test_models_missing_card_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="card.json"):
        load_model(tmp_path)


def test_models_hasher_index_matches_vectoriser() -> None:
    hasher = NgramHasher(n_features=2**16)
    row = hasher.transform(["obama s fault lies here"])
    expected = sorted(
        {hasher.index(g) for g in hasher.ngrams(["obama", "s", "fault", "lies", "here"])}
    )
    assert sorted(row.indices.tolist()) == expected


def test_models_artifact_tokens_never_reach_features() -> None:
    hasher = NgramHasher(n_features=2**16)
    with_artifact = hasher.transform(["washington reuters the senate voted"])
    without = hasher.transform(["washington the senate voted"])
    assert (with_artifact != without).nnz == 0


def test_models_counts_are_kept_on_the_doc_and_equal_fresh_counts() -> None:
    est = small("veracity.MaskedStyle.v2").fit(TEXTS, LABELS)
    docs = as_docs([TEXTS[0], TEXTS[-1]])
    batch = [docs[0], docs[1], docs[0]]
    fresh = est.counts([TEXTS[0], TEXTS[-1], TEXTS[0]])
    est.counts(batch[1:2])
    assert len(docs[1].annotations) == 1 and not docs[0].annotations
    kept = est.counts(batch)
    assert (fresh != kept).nnz == 0 and fresh.shape == kept.shape
    assert len(docs[0].annotations) == 1


@pytest.mark.parametrize(
    "name",
    [
        "veracity.NgramStyle.v1",
        "veracity.MaskedStyle.v2",
        "veracity.NgramEmbed.v1",
    ],
)
def test_models_style_shares_sum_to_the_style_push(name: str) -> None:
    est = small(name).fit(TEXTS, LABELS)
    text = UNRELIABLE[4] + " " + RELIABLE[0] + " Click here to subscribe to our newsletter."
    doc = make_doc(text)
    w = est.model.coef_[est.featurizer.hasher.n_features :]
    shares = est.profile.sentence_margins(doc, w)
    push = est.profile.transform([doc])[0] @ w
    assert len(shares) == len(doc.sentences) == 3
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
        doc_of(["The minister said it was a really bad year.", "It is a really bad idea."])
    )
    got = {f: rows[:, i].tolist() for i, f in enumerate(VOICE_FEATURES)}
    assert got["role_attributed"] == [1.0, 0.0]
    assert got["source_intensifier"] == [1.0, 0.0]
    assert got["author_intensifier"] == [0.0, 1.0]
    assert weights.tolist() == [0.5, 0.5]


def test_models_voice_hashes_a_sources_words_apart() -> None:
    from veracity.models.voice import voice_grams

    grams = voice_grams(
        MaskedNgramHasher(2**12),
        doc_of(
            [
                "The minister said taxes rise.",
                "Taxes rise.",
                "Click here to subscribe to our newsletter.",
            ]
        ),
    )
    assert "s:taxes rise" in grams[0] and "taxes rise" not in grams[0]
    assert "taxes rise" in grams[1]
    assert grams[2] == ()


def test_models_shared_voice_counts_a_sources_words_both_ways() -> None:
    from veracity.models.voice import voice_grams, voice_segments

    sentences = doc_of(["The minister said taxes rise.", "Taxes rise.", "Click here to subscribe."])
    apart = voice_grams(MaskedNgramHasher(2**12), sentences)
    shared = voice_grams(MaskedNgramHasher(2**12), sentences, shared=True)
    assert "s:taxes rise" in shared[0] and "taxes rise" in shared[0]
    assert set(shared[0]) == set(apart[0]) | {g.removeprefix("s:") for g in apart[0]}
    assert shared[1:] == apart[1:]
    est = small("veracity.VoiceEmbed.v1")
    assert est.featurizer.sentence_runs(sentences) == voice_segments(sentences, shared=True)
    flat = [g for grams in voice_grams(NgramHasher(2**12), sentences, shared=True) for g in grams]
    expected = count_table(GramTable.from_strings([flat]), 2**12)
    assert (est.counts([sentences]) != expected).nnz == 0


@pytest.mark.parametrize("name", ["veracity.MaskedStyle.v2", "veracity.VoiceEmbed.v1"])
def test_models_voice_sentence_credit_adds_up_to_the_margin(name: str) -> None:
    est = small(name).fit(TEXTS, LABELS)
    text = UNRELIABLE[4] + " " + RELIABLE[0] + " Click here to subscribe to our newsletter."
    doc = make_doc(text)
    credit = est.explain_many(est.counts([doc]), [doc])[0]
    total = sum(margin for margin, _ in credit)
    assert total == pytest.approx(est.decision_function([text])[0] - est.model.intercept_, rel=1e-5)


def _imbalanced() -> tuple[list[str], list[str], np.ndarray]:
    texts = RELIABLE * 3 + UNRELIABLE
    labels = ["reliable"] * len(RELIABLE) * 3 + ["unreliable"] * len(UNRELIABLE)
    weight = np.array([1 / 18] * 18 + [1 / 6] * 6)
    return texts, labels, weight / weight.mean()


@pytest.mark.parametrize("name", ["veracity.LinearNgram.v1", "veracity.NgramStyle.v2"])
def test_models_sampled_prior_keeps_the_decision(name: str) -> None:
    texts, labels, weight = _imbalanced()
    fitted = {
        prior: detectors.get(name)(
            n_features=2**12, min_df=1, calibration_folds=3, calibration_prior=prior
        ).fit(texts, labels, sample_weight=weight)
        for prior in ("weighted", "sampled")
    }
    weighted, sampled = fitted["weighted"], fitted["sampled"]
    assert weighted.threshold_ == pytest.approx(0.5)
    assert sampled.model.calibration_prior == "sampled"
    assert not np.allclose(sampled.model.calibration_, weighted.model.calibration_)
    p_weighted = weighted.predict_proba(TEXTS)[:, 1]
    p_sampled = sampled.predict_proba(TEXTS)[:, 1]
    assert sampled.from_balanced(np.array([0.5]))[0] == pytest.approx(sampled.threshold_)
    np.testing.assert_allclose(sampled.from_balanced(p_weighted), p_sampled, rtol=1e-6)
    assert list(sampled.predict(TEXTS)) == list(weighted.predict(TEXTS))


def test_models_sampled_prior_lowers_the_threshold_of_a_reliable_heavy_sample() -> None:
    texts, labels, weight = _imbalanced()
    est = detectors.get("veracity.LinearNgram.v1")(
        n_features=2**12, min_df=1, calibration_folds=3, calibration_prior="sampled"
    ).fit(texts, labels, sample_weight=weight)
    assert est.threshold_ < 0.5


def test_models_pinned_rows_are_never_held_out_for_calibration() -> None:
    texts, labels, _ = _imbalanced()
    est = small("veracity.LinearNgram.v1").fit(texts, labels)
    pinned = np.zeros(len(texts), dtype=bool)
    pinned[:6] = True
    target = (np.asarray(labels) == "unreliable").astype(int)
    groups = [f"g{i % 8}" for i in range(len(texts))]
    model = est.model
    margins = model._oof_margins(model.weight(est.counts(texts)), target, groups, None, pinned)
    assert np.isnan(margins[pinned]).all() and not np.isnan(margins[~pinned]).any()
    refit = small("veracity.LinearNgram.v1").fit(texts, labels, groups=groups, pinned=pinned)
    assert 0.0 < refit.threshold_ < 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=30))
def test_models_hasher_index_matches_murmurhash(grams: list[str]) -> None:
    hasher = NgramHasher(n_features=2**10)
    for gram in grams:
        assert hasher.index(gram) == abs(murmurhash3_32(gram, seed=0)) % 2**10
    row = count_table(GramTable.from_strings([grams]), 2**10)
    assert set(row.indices.tolist()) == {hasher.index(g) for g in grams}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["the", "not", "!", "0", "war", "reuters", "_", "said", "we"]), max_size=40
    )
)
def test_models_masked_ngrams_keep_windows_with_a_function_word(toks: list[str]) -> None:
    masked = mask_topic([t for t in toks if t not in ARTIFACT_TOKENS])
    expected = [
        f"m:{' '.join(masked[i : i + n])}"
        for n in range(2, 5)
        for i in range(len(masked) - n + 1)
        if " ".join(masked[i : i + n]).count(MASK) < n
    ]
    assert MaskedNgramHasher(n_features=2**10)._masked(toks) == expected


def test_models_are_scikit_learn_classifiers_without_importing_it_to_score(
    detector_name: str,
) -> None:
    est = small(detector_name)
    assert is_classifier(est)
    assert est.set_params(model__C=2.0) is est and est.get_params()["model__C"] == 2.0
    for bogus in ({"bogus": 1}, {"model__bogus": 1}, {"bogus__C": 1}):
        with pytest.raises(ValueError, match="invalid parameter"):
            est.set_params(**bogus)
    with pytest.raises(NotFittedError):
        est.predict_proba(TEXTS)
    assert est.fit(TEXTS, LABELS).score(TEXTS, LABELS) == 1.0
    assert f"{type(est).__name__}(" in repr(est)


def test_models_scoring_never_imports_scikit_learn(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(" ".join(RELIABLE + UNRELIABLE), encoding="utf-8")
    code = (
        "import sys; from veracity.cli.check import check; "
        f"check({str(article)!r}); "
        "print(sorted(m for m in ('sklearn', 'pandas', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_models_solver_fits_the_same_model_on_occupied_columns() -> None:
    """Fitting on the occupied columns only gives the full-width fit's weights."""
    from veracity.models.linear import LinearModel

    rng = np.random.default_rng(0)
    dense = rng.random((60, 40)) * (rng.random((60, 40)) < 0.2)
    dense[:, 5] = 0.0
    feats = sp.csr_matrix(dense)
    feats.data[:3] = 0.0
    target = (dense[:, 1] + dense[:, 2] > dense[:, 3]).astype(int)
    weight = rng.random(60) + 0.5
    model = LinearModel(C=2.0)
    coef, intercept = model._solve(feats, target, weight)
    full = model._linear().fit(feats, target, sample_weight=weight)
    assert coef.shape == (40,) and coef[5] == 0.0
    np.testing.assert_allclose(coef, full.coef_.ravel(), atol=1e-6)
    assert intercept == pytest.approx(full.intercept_[0], abs=1e-6)


def test_models_min_corpora_drops_ngrams_held_by_one_corpus() -> None:
    from veracity.models.features import NgramHasher
    from veracity.models.linear import LinearNgram

    texts = [
        "the senate voted on the budget",
        "the senate voted again today",
        "zorblat says the senate lied",
        "zorblat says they lied again",
    ] * 2
    labels = ["reliable", "reliable", "unreliable", "unreliable"] * 2
    corpora = ["one"] * 4 + ["two"] * 4
    corpora[2] = corpora[3] = "one"
    texts[6] = texts[7] = "they lied about the senate"
    model = LinearNgram(n_features=2**12, min_df=1, min_corpora=2, calibration_folds=2)
    model.fit(texts, labels, corpora=corpora)
    hasher = NgramHasher(2**12)
    idf = model.model.idf_
    assert idf[hasher.index("zorblat")] == 0.0
    assert idf[hasher.index("senate")] > 0.0 and idf[hasher.index("lied")] > 0.0
    one = LinearNgram(n_features=2**12, min_df=1, min_corpora=2, calibration_folds=2)
    one.fit(texts, labels, corpora=["one"] * len(texts))
    assert one.model.idf_[hasher.index("zorblat")] > 0.0
    with pytest.raises(ValueError, match="corpora"):
        LinearNgram(min_corpora=2).fit(texts, labels)


def test_models_calibration_holds_out_every_row_when_pinning_leaves_one_class() -> None:
    texts, labels, _ = _imbalanced()
    reliable = np.asarray(labels) == "reliable"
    groups = [("one" if r else f"g{i}") for i, r in enumerate(reliable)]
    pinned = np.ones(len(texts), dtype=bool)
    est = small("veracity.LinearNgram.v1").fit(texts, labels, groups=groups, pinned=pinned)
    target = reliable.astype(int) ^ 1
    model = est.model
    margins = model._oof_margins(model.weight(est.counts(texts)), target, groups, None, pinned)
    assert not np.isnan(margins).any()
    assert np.isfinite(est.threshold_) and 0.0 < est.threshold_ < 1.0
    assert np.isfinite(est.predict_proba(texts)).all()


def test_models_calibration_skips_folds_that_train_on_one_class() -> None:
    texts, labels, _ = _imbalanced()
    reliable = np.asarray(labels) == "reliable"
    groups = [("one" if r else f"g{i}") for i, r in enumerate(reliable)]
    est = small("veracity.LinearNgram.v1").fit(texts, labels, groups=groups)
    assert np.isfinite(est.threshold_) and 0.0 < est.threshold_ < 1.0


#: The lexical cues as regular expressions over canonical text (their first form).
_CUE_PATTERNS = {
    "first_person": r"\b(?:i|we|our|us|my|me|ourselves)\b",
    "second_person": r"\b(?:you|your|yourself)\b",
    "exclamation": r"!",
    "hedge": r"\b(?:seems?|apparently|allegedly|perhaps|maybe|might|supposedly|rumou?red)\b",
    "intensifier": r"\b(?:very|really|totally|absolutely|completely|truly|obviously|clearly|literally)\b",
    "absolutist": r"\b(?:always|never|everyone|everybody|nobody|nothing|all|every|entire)\b",
    "number": r"\b0+\b",
    "attribution_verb": r"\b(?:said|says|told|according|stated|announced|added|reported)\b",
}


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "I",
                "we're",
                "You",
                "seems",
                "Rumoured",
                "really!",
                "ALL",
                "2016",
                "x9",
                "0.5",
                "said:",
                "nobody's",
                "us-led",
                "évery",
                "1,000",
                "_all_",
                "¡",
                "?",
                "according",
            ]
        )
        | st.text(max_size=8),
        max_size=12,
    ).map(" ".join)
)
def test_models_lexical_cues_match_their_patterns(text: str) -> None:
    import re

    from veracity.models.style import LEXICAL_CUES, lexical_cues
    from veracity.text.normalize import canonical, tokens

    canon = canonical(text)
    expected = [1.0 if re.search(_CUE_PATTERNS[c], canon) else 0.0 for c in LEXICAL_CUES]
    assert lexical_cues(tokens(text)).tolist() == expected


@pytest.mark.parametrize("name", ["veracity.LinearNgram.v1", "veracity.MaskedStyle.v2"])
def test_models_weights_and_margins_are_scipys_floats(name: str) -> None:
    """TF-IDF rows and margins, computed without dense n_features temporaries, are the very
    floats of scipy's ``multiply``/``sum(axis=1)`` and ``X @ coef``."""
    est = small(name).fit(TEXTS, LABELS)
    model = est.model
    counts = est.counts(TEXTS[::2])
    x = counts.astype(np.float32, copy=True)
    if model.sublinear_tf:
        np.log1p(x.data, out=x.data)
    x = x.multiply(model.idf_).tocsr()
    x.eliminate_zeros()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    x.data *= np.repeat((1.0 / norms).astype(np.float32), np.diff(x.indptr))
    got = model.weight(counts)
    assert np.array_equal(got.indptr, x.indptr) and np.array_equal(got.indices, x.indices)
    assert np.array_equal(got.data, x.data)
    feats = est.features(TEXTS[::2], counts)
    expected = np.asarray(feats @ model.coef_).ravel() + model.intercept_
    assert np.array_equal(est.margins(feats), expected)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from([0.5, 1.0, 2.0, 3.0])), min_size=1, max_size=60
    ),
    st.integers(1, 5),
)
def test_models_strongest_terms_equal_a_full_sort(
    entries: list[tuple[int, float]], top: int
) -> None:
    from veracity.models.credit import strongest

    entries.sort(key=lambda e: e[0])
    owner = np.array([o for o, _ in entries], np.int64)
    strength = np.array([s for _, s in entries])
    first = np.random.default_rng(len(entries)).permutation(len(entries))
    order = np.lexsort((first, -strength, owner))
    ranked = owner[order]
    want = order[np.arange(len(order)) - np.searchsorted(ranked, ranked) < top]
    assert strongest(owner, strength, first, top).tolist() == want.tolist()
