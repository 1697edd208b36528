"""A detector's style profile, and ``veracity.NgramStyle.v1``/``v2``: n-grams plus style.

Style features are computed per sentence and averaged over the article, so the
style part of the margin splits exactly over sentences: sentence ``s`` adds
``w · (f_s / n) / sigma``.  Every feature is form-invariant: it reads the
canonical tokens and the sentence role, never case or quotation marks, so the
research-corpus form and cased prose get the same values.

:class:`StyleProfile` is the part (see :mod:`.composed`): a :class:`StyleSpec`
gives the rows; the profile learns their mean and scale and adds the scaled
profile as columns beside the n-grams.  ``v1`` fits it in one model with
them; ``v2`` stacks it (see :class:`~veracity.models.linear.LinearModel`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..doc import Doc, as_docs
from ..estimator import Estimator, check_fitted
from ..persist import Bundle
from ..registry import detectors
from ..signals.roles import ROLES
from .composed import ComposedDetector
from .features import Featurizer, NgramHasher, TokenGrams, pair
from .linear import LinearModel

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


#: Each cue word's bit (a word may belong to several cues), and the presence row of each
#: combination of bits, so one sentence's row is a lookup.
_CUE_BITS = {
    word: sum(1 << k for k, words in enumerate(_CUE_WORDS) if word in words)
    for word in frozenset().union(*_CUE_WORDS)
}
CUE_ROWS = np.array(
    [[float(bits >> k & 1) for k in range(len(_CUE_WORDS))] for bits in range(1 << len(_CUE_WORDS))]
)
CUE_ROWS.flags.writeable = False
_CUE_SET = frozenset(_CUE_BITS)


def cue_bits(toks: Sequence[str]) -> int:
    """Which of :data:`LEXICAL_CUES` one sentence's tokens show, as bits (cue ``k`` is bit ``k``)."""
    bits = 0
    for word in _CUE_SET.intersection(toks):
        bits |= _CUE_BITS[word]
    return bits


def lexical_cues(toks: Sequence[str]) -> np.ndarray:
    """Presence (0/1) of each of :data:`LEXICAL_CUES` among one sentence's tokens."""
    return CUE_ROWS[cue_bits(toks)].copy()


def sentence_style(doc: Doc) -> np.ndarray:
    """One row per sentence: role one-hot, then presence of each lexical cue."""
    out = np.zeros((len(doc.sentences), len(STYLE_FEATURES)), dtype=np.float64)
    k = len(ROLES)
    for i, (toks, role) in enumerate(zip(doc.tokens, doc.roles, strict=True)):
        out[i, ROLES.index(role.role)] = 1.0
        out[i, k:] = CUE_ROWS[cue_bits(toks)]
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
    features: tuple[str, ...] = field(repr=False)
    rows: Callable[[Doc], tuple[np.ndarray, np.ndarray]] = field(repr=False)


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


class StyleProfile(Estimator):
    """The article's style profile under ``spec``, centred, scaled and weighted."""

    def __init__(self, spec: StyleSpec = STYLE_V1, style_weight: float = 0.3) -> None:
        self.spec = spec
        self.style_weight = style_weight

    def config(self) -> dict[str, object]:
        """The parameters a registered detector takes for this part (its version fixes ``spec``)."""
        return {"style_weight": self.style_weight}

    def raw(self, docs: Sequence[Doc]) -> np.ndarray:
        """One unscaled profile row per Doc."""
        if not docs:
            return np.zeros((0, len(self.spec.features)))
        return np.vstack([article_style(d, self.spec) for d in docs])

    def fit(self, docs: Sequence[Doc]) -> StyleProfile:
        """Learn the profile's mean and scale over ``docs``."""
        style = self.raw(docs)
        self.mean_ = style.mean(axis=0)
        scale = style.std(axis=0)
        scale[scale == 0] = 1.0
        self.scale_ = scale
        return self

    def scaled(self, style: np.ndarray) -> np.ndarray:
        """Raw profiles centred, scaled and weighted: the model's style columns."""
        check_fitted(self, "mean_")
        return (style - self.mean_) / self.scale_ * self.style_weight

    def transform(self, docs: Sequence[Doc]) -> np.ndarray:
        return self.scaled(self.raw(docs))

    def sentence_margins(self, doc: Doc, coef: np.ndarray) -> np.ndarray:
        """Each sentence's share of the push of the style columns (weights ``coef``).

        Shares are taken against the training mean (``w · (f_s - mean)``,
        weighted as in the profile), so they sum to how far the article's style
        moves the margin away from the average training article's.  Uncentred
        shares would depend on how the constant is split between the intercept
        and the role one-hot, which sums to one in every sentence.
        """
        if not doc.sentences:
            return np.zeros(0)
        rows, weights = style_rows(self.spec, doc)
        w = coef * self.style_weight / self.scale_
        return np.asarray(weights * ((rows - self.mean_) @ w))

    def to_bundle(self) -> Bundle:
        check_fitted(self, "mean_")
        return Bundle(
            arrays={"style": {"mean": self.mean_, "scale": self.scale_}},
            data={"style": {"features": list(self.spec.features)}},
        )

    def restore(self, bundle: Bundle) -> StyleProfile:
        """Take the learned mean and scale from ``bundle`` (its features must be ``spec``'s)."""
        if bundle.data["style"]["features"] != list(self.spec.features):
            raise ValueError("style features differ from this version's")
        self.mean_ = bundle.arrays["style"]["mean"]
        self.scale_ = bundle.arrays["style"]["scale"]
        return self


def styled(
    featurizer: Featurizer,
    spec: StyleSpec,
    style_weight: float,
    *,
    stacked: bool,
    linear: dict[str, Any],
) -> ComposedDetector:
    """A detector of ``featurizer``'s n-grams and ``spec``'s profile (``linear``: the model's config)."""
    return ComposedDetector(
        featurizer, LinearModel(stacked=stacked, **linear), StyleProfile(spec, style_weight)
    )


@detectors.register("veracity.NgramStyle.v1")
def ngram_style(
    n_features: int = 2**20,
    ngram_range: tuple[int, int] = (1, 2),
    style_weight: float = 0.3,
    **linear: Any,
) -> ComposedDetector:
    """Word n-grams and the article's style profile in one linear model."""
    hasher = NgramHasher(n_features, pair(ngram_range))
    return styled(TokenGrams(hasher), STYLE_V1, style_weight, stacked=False, linear=linear)


@detectors.register("veracity.NgramStyle.v2")
def stacked_style(
    n_features: int = 2**20,
    ngram_range: tuple[int, int] = (1, 2),
    style_weight: float = 0.3,
    **linear: Any,
) -> ComposedDetector:
    """Word n-grams stacked with the article's style profile (see :class:`LinearModel`)."""
    hasher = NgramHasher(n_features, pair(ngram_range))
    return styled(TokenGrams(hasher), STYLE_V1, style_weight, stacked=True, linear=linear)
