"""``veracity.NgramStyle.v1``: hashed n-grams plus per-sentence style signals.

Style features are computed per sentence and averaged over the article, so the
style part of the margin splits exactly over sentences: sentence ``s`` adds
``w · (f_s / n) / sigma``.  Every feature is form-invariant: it reads the
canonical tokens and the sentence role, never case or quotation marks, so the
research-corpus form and cased prose get the same values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..doc import Doc, as_docs
from ..persist import Bundle
from ..registry import detectors
from ..signals.roles import ROLES
from .linear import LinearNgram, platt

#: Each lexical cue is a set of canonical tokens: a sentence shows the cue when it holds one.
_LEXICAL = {
    "first_person": frozenset({"i", "we", "our", "us", "my", "me", "ourselves"}),
    "second_person": frozenset({"you", "your", "yourself"}),
    "exclamation": frozenset({"!"}),
    "hedge": frozenset(
        {
            "seem",
            "seems",
            "apparently",
            "allegedly",
            "perhaps",
            "maybe",
            "might",
            "supposedly",
            "rumored",
            "rumoured",
        }
    ),
    "intensifier": frozenset(
        {
            "very",
            "really",
            "totally",
            "absolutely",
            "completely",
            "truly",
            "obviously",
            "clearly",
            "literally",
        }
    ),
    "absolutist": frozenset(
        {"always", "never", "everyone", "everybody", "nobody", "nothing", "all", "every", "entire"}
    ),
    # Canonical numbers are 1-4 zeros (see veracity.text.normalize.tokens).
    "number": frozenset({"0", "00", "000", "0000"}),
    "attribution_verb": frozenset(
        {"said", "says", "told", "according", "stated", "announced", "added", "reported"}
    ),
}
LEXICAL_CUES = tuple(_LEXICAL)
_CUE_WORDS = tuple(_LEXICAL.values())
STYLE_FEATURES = tuple(f"role_{r}" for r in ROLES) + LEXICAL_CUES


def lexical_cues(toks: Sequence[str]) -> np.ndarray:
    """Presence (0/1) of each of :data:`LEXICAL_CUES` among one sentence's tokens."""
    held = set(toks)
    return np.array([0.0 if words.isdisjoint(held) else 1.0 for words in _CUE_WORDS])


def sentence_style(doc: Doc) -> np.ndarray:
    """One row per sentence: role one-hot, then presence of each lexical cue."""
    out = np.zeros((len(doc.sentences), len(STYLE_FEATURES)), dtype=np.float64)
    k = len(ROLES)
    for i, (toks, role) in enumerate(zip(doc.tokens, doc.roles, strict=True)):
        out[i, ROLES.index(role.role)] = 1.0
        out[i, k:] = lexical_cues(toks)
    return out


def _rows_v1(doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    n = len(doc.sentences)
    return sentence_style(doc), np.full(n, 1.0 / n) if n else np.zeros(0)


@dataclass(frozen=True)
class StyleSpec:
    """One version of the style profile.

    ``rows`` gives one feature row per sentence of a Doc and each sentence's
    weight in the article's profile (the profile is ``weights @ rows``; weights
    sum to 1, or are all 0 when no sentence counts).
    """

    name: str
    features: tuple[str, ...]
    rows: Callable[[Doc], tuple[np.ndarray, np.ndarray]]


#: Version 1: every sentence counts equally; cues are counted in every voice.
STYLE_V1 = StyleSpec("v1", STYLE_FEATURES, _rows_v1)


def style_rows(spec: StyleSpec, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
    """``spec.rows`` of a Doc, kept on it (read-only): a full report needs them twice
    (the profile, then each sentence's share of it)."""
    key = f"style:{spec.name}"
    if key not in doc.annotations:
        rows, weights = spec.rows(doc)
        rows.flags.writeable = False
        weights.flags.writeable = False
        doc.annotations[key] = (rows, weights)
    held: tuple[np.ndarray, np.ndarray] = doc.annotations[key]
    return held


def article_style(doc: Doc | str, spec: StyleSpec = STYLE_V1) -> np.ndarray:
    """The article's style profile under ``spec``."""
    rows, weights = style_rows(spec, as_docs([doc])[0])
    return weights @ rows if len(rows) else np.zeros(len(spec.features))


@detectors.register("veracity.NgramStyle.v1")
class NgramStyle(LinearNgram):
    """:class:`LinearNgram` whose features also hold the article's style profile."""

    #: Which style profile the detector reads (a subclass with another is another version).
    spec: StyleSpec = STYLE_V1

    def __init__(
        self,
        n_features: int = 2**20,
        ngram_range: tuple[int, int] = (1, 2),
        C: float = 1.0,
        min_df: int = 2,
        sublinear_tf: bool = True,
        class_weight: str | None = "balanced",
        calibration_folds: int = 5,
        random_state: int = 0,
        calibration_prior: str = "weighted",
        min_corpora: int = 1,
        style_weight: float = 0.3,
    ) -> None:
        super().__init__(
            n_features=n_features,
            ngram_range=ngram_range,
            C=C,
            min_df=min_df,
            sublinear_tf=sublinear_tf,
            class_weight=class_weight,
            calibration_folds=calibration_folds,
            random_state=random_state,
            calibration_prior=calibration_prior,
            min_corpora=min_corpora,
        )
        self.style_weight = style_weight

    def _style(self, docs: Sequence[Doc]) -> np.ndarray:
        return (
            np.vstack([article_style(d, self.spec) for d in docs])
            if docs
            else np.zeros((0, len(self.spec.features)))
        )

    def _scaled(self, style: np.ndarray) -> np.ndarray:
        return (style - self.style_mean_) / self.style_scale_ * self.style_weight

    def _fit_style(self, docs: Sequence[Doc]) -> np.ndarray:
        """Learn the style profile's mean and scale; return the raw profiles."""
        style = self._style(docs)
        self.style_mean_ = style.mean(axis=0)
        scale = style.std(axis=0)
        scale[scale == 0] = 1.0
        self.style_scale_ = scale
        return style

    def _features(self, counts: sp.csr_matrix, docs: Sequence[Doc]) -> sp.csr_matrix:
        style = self._scaled(self._style(docs))
        return sp.hstack([self._weight(counts), sp.csr_matrix(style)], format="csr")

    def fit(
        self,
        X: Sequence[Doc | str],
        y: Sequence[str],
        groups: Sequence[str] | None = None,
        sample_weight: np.ndarray | None = None,
        pinned: np.ndarray | None = None,
        corpora: Sequence[str] | None = None,
    ) -> NgramStyle:
        docs = as_docs(X)
        self._fit_style(docs)
        super().fit(
            docs,
            y,
            groups=groups,
            sample_weight=sample_weight,
            pinned=pinned,
            corpora=corpora,
        )
        return self

    def style_sentence_margins(self, doc: Doc) -> np.ndarray:
        """Each sentence's share of the style part of the raw margin.

        Shares are taken against the training mean (``w · (f_s - mean)``,
        weighted as in the profile), so they sum to how far the article's style
        moves the margin away from the average training article's.  Uncentred
        shares would depend on how the constant is split between the intercept
        and the role one-hot, which sums to one in every sentence.
        """
        if not doc.sentences:
            return np.zeros(0)
        rows, weights = style_rows(self.spec, doc)
        w = self.coef_[self.n_features :] * self.style_weight / self.style_scale_
        return np.asarray(weights * ((rows - self.style_mean_) @ w))

    def explain_many(
        self, counts: sp.csr_matrix, docs: Sequence[Doc], top: int | None = None
    ) -> list[list[tuple[float, dict[str, float]]]]:
        """N-gram credit plus each sentence's share of the style part."""
        out = []
        for article, doc in zip(super().explain_many(counts, docs, top), docs, strict=True):
            style = self.style_sentence_margins(doc)
            out.append([(m + float(e), g) for (m, g), e in zip(article, style, strict=True)])
        return out

    def to_bundle(self) -> Bundle:
        bundle = super().to_bundle()
        bundle.arrays["style"] = {"mean": self.style_mean_, "scale": self.style_scale_}
        bundle.data["style"] = {"features": list(self.spec.features)}
        return bundle

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> NgramStyle:
        model = super().from_bundle(bundle)
        assert isinstance(model, NgramStyle)
        if bundle.data["style"]["features"] != list(cls.spec.features):
            raise ValueError("style features differ from this version's")
        model.style_mean_ = bundle.arrays["style"]["mean"]
        model.style_scale_ = bundle.arrays["style"]["scale"]
        return model


@detectors.register("veracity.NgramStyle.v2")
class StackedStyle(NgramStyle):
    """Stacked: out-of-fold n-gram margin and the style profile, weighed by a small model.

    In v1 the style features share one regularised model with a million
    n-gram columns and end up with little say.  Here the n-gram model is fitted
    alone, its out-of-fold margin becomes one feature beside the style profile,
    and a second logistic regression (with the same row weights) sets the
    balance and the calibration.  The result is folded back into one linear
    model, so prediction and per-sentence explanation are unchanged.  With
    ``calibration_prior="sampled"`` the reported probability is re-fitted to
    the training rows' own label mix, and the threshold stays where the
    weighted second stage gives even odds.
    """

    #: Inverse regularisation of the second-stage model (a handful of features).
    meta_C = 1.0

    def fit(
        self,
        X: Sequence[Doc | str],
        y: Sequence[str],
        groups: Sequence[str] | None = None,
        sample_weight: np.ndarray | None = None,
        pinned: np.ndarray | None = None,
        corpora: Sequence[str] | None = None,
    ) -> StackedStyle:
        docs = as_docs(X)
        y_arr = np.asarray(y)
        self.classes_ = np.unique(y_arr)
        if len(self.classes_) != 2:
            raise ValueError(f"StackedStyle needs two classes, got {list(self.classes_)}")
        target = (y_arr == self.classes_[1]).astype(int)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        style = self._fit_style(docs)
        counts = self.counts(docs)
        self._fit_idf(counts, corpora)
        ngrams = self._weight(counts)
        oof = self._oof_margins(ngrams, target, groups, weight, pinned)
        held = ~np.isnan(oof)
        base_coef, base_intercept = self._solve(ngrams, target, weight)
        from sklearn.linear_model import LogisticRegression

        meta = LogisticRegression(C=self.meta_C, max_iter=1000).fit(
            np.column_stack([oof, self._scaled(style)])[held],
            target[held],
            sample_weight=None if weight is None else weight[held],
        )
        w0 = float(meta.coef_[0, 0])
        self.coef_ = np.concatenate([base_coef * w0, meta.coef_[0, 1:]]).astype(np.float32)
        self.intercept_ = float(w0 * base_intercept + meta.intercept_[0])
        self.balanced_calibration_ = np.array([1.0, 0.0])
        self.calibration_ = self.balanced_calibration_.copy()
        if self.calibration_prior == "sampled":
            stacked = meta.decision_function(np.column_stack([oof, self._scaled(style)])[held])
            self.calibration_ = platt(stacked, target[held], None)
        self.threshold_ = float(self.from_balanced(np.array([0.5]))[0])
        return self
