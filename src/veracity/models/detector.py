"""The ``Detector`` protocol: everything the analyser asks of an article detector.

Every registered detector (``veracity.LinearNgram.v1`` and its versions) builds a
:class:`~veracity.models.composed.ComposedDetector`, which keeps scikit-learn's
estimator contract for fitting and answers these calls for scoring and
explanation; :class:`~veracity.analyze.Analyzer` and :mod:`veracity.explain` are
typed against this protocol alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from ..doc import Doc
    from ..persist import Bundle
    from .credit import SentenceGrams


class GramCredit(NamedTuple):
    """An n-gram's push on a sentence, and where its first occurrence sits among the sentence's
    kept tokens (first token, number of tokens; None when the featuriser cannot tell)."""

    weight: float
    place: tuple[int, int] | None = None


#: Per article, each sentence's push on the raw margin and the n-grams that carry it.
SentenceCredit = list[list[tuple[float, dict[str, GramCredit]]]]


class Detector(Protocol):
    """A fitted article detector."""

    classes_: np.ndarray

    @property
    def threshold_(self) -> float:
        """P(``classes_[1]``) at and above which the verdict is ``classes_[1]``."""
        ...

    def counts(self, X: Sequence[Doc | str]) -> sp.csr_matrix:
        """Raw feature counts, one row per article."""
        ...

    def features(self, X: Sequence[Doc | str], counts: sp.csr_matrix | None = None) -> Any:
        """The model's input rows (from ``counts`` when given)."""
        ...

    def margins(self, feats: Any) -> np.ndarray:
        """Raw margins of the input rows."""
        ...

    def calibrate(self, margins: np.ndarray) -> np.ndarray:
        """P(``classes_[1]``) from raw margins."""
        ...

    def log_odds_scale(self) -> float:
        """How many calibrated log-odds one unit of raw margin is worth."""
        ...

    def coverage(self, counts: sp.csr_matrix) -> np.ndarray:
        """Per article (a row of ``counts``), the share of its feature occurrences the model
        saw in training."""
        ...

    def counts_and_grams(self, docs: Sequence[Doc]) -> tuple[sp.csr_matrix, SentenceGrams]:
        """:meth:`counts`, and the sentence n-grams :meth:`explain_many` credits, hashed once."""
        ...

    def explain_many(
        self,
        counts: sp.csr_matrix,
        docs: Sequence[Doc],
        top: int | None = None,
        grams: SentenceGrams | None = None,
    ) -> SentenceCredit:
        """Per article, each sentence's push on the raw margin and its n-grams, strongest first
        (from ``grams`` when :meth:`counts_and_grams` gave them)."""
        ...

    def predict_proba(self, X: Sequence[Doc | str]) -> np.ndarray: ...

    def to_bundle(self) -> Bundle: ...
