"""A detector's linear model (TF-IDF, logistic regression, calibration), and
``veracity.LinearNgram.v1``: that model over hashed word n-grams alone.

:class:`LinearModel` is a part (see :mod:`.composed`): it is fitted on raw
n-gram counts and, when the detector has a style profile, the profile's scaled
columns beside them.  Probabilities are Platt-calibrated on out-of-fold
margins; when ``groups`` (publishers or corpora) are passed to :meth:`fit`, the
folds keep each group on one side, so the calibration reflects unseen sources.

Two calibrations are fitted on the same margins.  With row weights (equal
weight per corpus and label, say) the classes are equally likely; on the
training rows as sampled they have their own mix.  ``calibration_prior``
chooses which one the detector reports; the decision threshold ``threshold_``
is always the probability at which the weighted calibration gives even odds,
so the verdict does not depend on that choice.

With ``stacked`` the n-gram model is fitted alone and a second, small model
weighs its out-of-fold margin against the style columns (see :meth:`_fit_stacked`).

A fit keeps the out-of-fold margins of its training rows in ``oof_margins_`` (``nan``
for rows never held out; not saved): a model stacked on this one (the deep
pipeline's verdict) is fitted on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..estimator import Estimator, check_fitted, sigmoid
from ..persist import Bundle
from ..registry import detectors
from .composed import ComposedDetector
from .csr import occupied_columns, row_dot, row_keys, row_sums
from .features import NgramHasher, TokenGrams, pair

#: What the reported probability is calibrated to: the row weights' class mix or the sample's.
CALIBRATION_PRIORS = ("weighted", "sampled")
#: Inverse regularisation of the second stage of a stacked model (a handful of features).
META_C = 1.0


def platt(margins: np.ndarray, target: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    """``[slope, intercept]`` of a logistic fit of ``target`` on ``margins``."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e4).fit(margins.reshape(-1, 1), target, sample_weight=weight)
    return np.array([fit.coef_[0, 0], fit.intercept_[0]], dtype=np.float64)


def corpus_support(counts: sp.csr_matrix, corpora: Sequence[str], min_df: int) -> np.ndarray:
    """For each column, how many corpora hold it in at least ``min_df`` rows.

    A feature seen in one corpus only cannot tell that corpus's label from the
    corpus itself (its publishers' house style, its topic, its years), which
    is what fails to transfer to the next corpus.
    """
    names = np.asarray(corpora)
    support = np.zeros(counts.shape[1], dtype=np.int64)
    for name in np.unique(names):
        rows = counts[np.flatnonzero(names == name)]
        support += np.bincount(rows.indices, minlength=counts.shape[1]) >= min_df
    return support


class LinearModel(Estimator):
    """TF-IDF weighting, an L2 logistic regression and its calibration (see module doc)."""

    def __init__(
        self,
        C: float = 1.0,
        min_df: int = 2,
        sublinear_tf: bool = True,
        class_weight: str | None = "balanced",
        calibration_folds: int = 5,
        random_state: int = 0,
        calibration_prior: str = "weighted",
        min_corpora: int = 1,
        stacked: bool = False,
    ) -> None:
        self.C = C
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state
        self.calibration_prior = calibration_prior
        self.min_corpora = min_corpora
        self.stacked = stacked

    def config(self) -> dict[str, object]:
        """The parameters a registered detector takes for this part (its version fixes ``stacked``)."""
        return {k: v for k, v in self.get_params(deep=False).items() if k != "stacked"}

    # -- features -------------------------------------------------------
    def weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """TF-IDF (sublinear if set) with L2 row norm, from raw counts."""
        x = counts.astype(np.float32, copy=True)
        x.sum_duplicates()
        if self.sublinear_tf:
            np.log1p(x.data, out=x.data)
        # ``x.data *= idf[x.indices]`` and :func:`.csr.row_sums` give the same floats as
        # ``x.multiply(idf)`` and ``x.multiply(x).sum(axis=1)`` without their dense temporaries
        # of n_features entries, which cost about 1 ms per call.
        x.data *= self.idf_[x.indices]
        x.eliminate_zeros()
        norms = np.sqrt(row_sums(x.data * x.data, x.indptr))
        norms[norms == 0] = 1.0
        x = sp.csr_matrix(x, dtype=np.float32)
        x.data *= np.repeat((1.0 / norms).astype(np.float32), np.diff(x.indptr))
        return x

    def features(self, counts: sp.csr_matrix, style: np.ndarray | None) -> sp.csr_matrix:
        """The model's input rows: weighted counts, then the scaled style columns if any."""
        check_fitted(self, "idf_")
        return self._join(self.weight(counts), style)

    @staticmethod
    def _join(ngrams: sp.csr_matrix, style: np.ndarray | None) -> sp.csr_matrix:
        if style is None:
            return ngrams
        return sp.hstack([ngrams, sp.csr_matrix(style)], format="csr")

    # -- fitting --------------------------------------------------------
    def fit(
        self,
        counts: sp.csr_matrix,
        style: np.ndarray | None,
        target: np.ndarray,
        groups: Sequence[str] | None = None,
        weight: np.ndarray | None = None,
        pinned: np.ndarray | None = None,
        corpora: Sequence[str] | None = None,
    ) -> LinearModel:
        """Fit on raw counts, scaled style columns (or ``None``) and 0/1 ``target``.

        ``groups`` keeps publishers together in the calibration folds;
        ``weight`` re-weights rows (e.g. equal weight per corpus and label);
        ``pinned`` marks rows that stay on the training side of every calibration
        fold (a corpus whose label lives in one publisher cannot be held out by
        publisher, just as the in-domain split keeps it on the training side).
        """
        if self.calibration_prior not in CALIBRATION_PRIORS:
            raise ValueError(f"calibration_prior must be one of {CALIBRATION_PRIORS}")
        self._fit_idf(counts, corpora)
        ngrams = self.weight(counts)
        if self.stacked:
            if style is None:
                raise ValueError("a stacked model needs style columns to weigh")
            self._fit_stacked(ngrams, style, target, groups, weight, pinned)
            return self
        feats = self._join(ngrams, style)
        margins = self._oof_margins(feats, target, groups, weight, pinned)
        self.oof_margins_ = margins
        self._fit_calibration(margins, target, weight)
        coef, self.intercept_ = self._solve(feats, target, weight)
        self.coef_ = coef.astype(np.float32)
        return self

    def _fit_stacked(
        self,
        ngrams: sp.csr_matrix,
        style: np.ndarray,
        target: np.ndarray,
        groups: Sequence[str] | None,
        weight: np.ndarray | None,
        pinned: np.ndarray | None,
    ) -> None:
        """Out-of-fold n-gram margin and the style columns, weighed by a small model.

        In one model with a million n-gram columns, the style columns end up
        with little say.  Here the n-gram model is fitted alone, its
        out-of-fold margin becomes one feature beside the style columns, and a
        second logistic regression (with the same row weights) sets the
        balance and the calibration.  The result is folded back into one linear
        model, so prediction and per-sentence explanation are unchanged.  With
        ``calibration_prior="sampled"`` the reported probability is re-fitted
        to the training rows' own label mix, and the threshold stays where the
        weighted second stage gives even odds.
        """
        from sklearn.linear_model import LogisticRegression

        oof = self._oof_margins(ngrams, target, groups, weight, pinned)
        held = ~np.isnan(oof)
        base_coef, base_intercept = self._solve(ngrams, target, weight)
        meta = LogisticRegression(C=META_C, max_iter=1000).fit(
            np.column_stack([oof, style])[held],
            target[held],
            sample_weight=None if weight is None else weight[held],
        )
        w0 = float(meta.coef_[0, 0])
        self.oof_margins_ = w0 * oof + style @ meta.coef_[0, 1:] + meta.intercept_[0]
        self.coef_ = np.concatenate([base_coef * w0, meta.coef_[0, 1:]]).astype(np.float32)
        self.intercept_ = float(w0 * base_intercept + meta.intercept_[0])
        self.balanced_calibration_ = np.array([1.0, 0.0])
        self.calibration_ = self.balanced_calibration_.copy()
        if self.calibration_prior == "sampled":
            stacked = meta.decision_function(np.column_stack([oof, style])[held])
            self.calibration_ = platt(stacked, target[held], None)
        self.threshold_ = float(self.from_balanced(np.array([0.5]))[0])

    def _fit_calibration(
        self, margins: np.ndarray, target: np.ndarray, weight: np.ndarray | None
    ) -> None:
        """Platt scaling of the held-out margins (``nan``: pinned rows, left out)."""
        held = ~np.isnan(margins)
        m, t = margins[held], target[held]
        self.balanced_calibration_ = platt(m, t, None if weight is None else weight[held])
        if self.calibration_prior == "sampled":
            self.calibration_ = platt(m, t, None)
        else:
            self.calibration_ = self.balanced_calibration_.copy()
        self.threshold_ = float(self.from_balanced(np.array([0.5]))[0])

    def from_balanced(self, p: np.ndarray) -> np.ndarray:
        """The reported probability at which the weighted calibration says ``p``."""
        a, b = self.balanced_calibration_
        p = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
        return self.calibrate((np.log(p / (1 - p)) - b) / a)

    def _fit_idf(self, counts: sp.csr_matrix, corpora: Sequence[str] | None = None) -> None:
        """IDF weights; 0 drops a column (rarer than ``min_df``, or in too few corpora).

        A column must be held by ``min_corpora`` corpora, or by all of them when
        fewer are given (a model of one corpus keeps its whole vocabulary).
        """
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        idf[df < self.min_df] = 0.0
        if self.min_corpora > 1:
            if corpora is None:
                raise ValueError("min_corpora > 1 needs each row's corpus (fit's corpora=)")
            need = min(self.min_corpora, len(set(corpora)))
            idf[corpus_support(counts, corpora, self.min_df) < need] = 0.0
        self.idf_ = idf.astype(np.float32)

    def _solve(
        self, feats: sp.csr_matrix, target: np.ndarray, weight: np.ndarray | None
    ) -> tuple[np.ndarray, float]:
        """Coefficients over all of ``feats``'s columns and the intercept of :meth:`_linear`."""
        compact, used = occupied_columns(feats)
        clf = self._linear().fit(compact, target, sample_weight=weight)
        coef = np.zeros(feats.shape[1], dtype=np.float64)
        coef[used] = clf.coef_.ravel()
        return coef, float(clf.intercept_[0])

    def _linear(self) -> Any:
        """A fresh scikit-learn ``LogisticRegression`` (imported here: fitting needs it, scoring not)."""
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=2000,
            solver="liblinear",
            random_state=self.random_state,
        )

    def _oof_margins(
        self,
        feats: sp.csr_matrix,
        target: np.ndarray,
        groups: Sequence[str] | None,
        weight: np.ndarray | None,
        pinned: np.ndarray | None = None,
    ) -> np.ndarray:
        """Out-of-fold margins; ``nan`` for ``pinned`` rows, which are never held out.

        A fold whose training side holds one class only is skipped (its rows stay
        ``nan``).  When the held-out rows would not hold both classes (one corpus
        whose label lives in one publisher, say), every row is held out once in
        stratified folds.
        """
        from sklearn.model_selection import GroupKFold, StratifiedKFold

        margins = np.full(feats.shape[0], np.nan)
        if groups is not None and len(set(groups)) >= self.calibration_folds:
            splits = GroupKFold(self.calibration_folds).split(feats, target, np.asarray(groups))
        else:
            skf = StratifiedKFold(
                self.calibration_folds, shuffle=True, random_state=self.random_state
            )
            splits = skf.split(feats, target)
        stay = np.zeros(feats.shape[0], bool) if pinned is None else np.asarray(pinned, bool)
        for tr, te in splits:
            tr = np.union1d(tr, te[stay[te]])
            te = te[~stay[te]]
            if len(te) == 0 or len(np.unique(target[tr])) < 2:
                continue
            w = None if weight is None else weight[tr]
            coef, intercept = self._solve(feats[tr], target[tr], w)
            margins[te] = feats[te] @ coef + intercept
        if len(np.unique(target[~np.isnan(margins)])) < 2 and (
            groups is not None or pinned is not None
        ):
            return self._oof_margins(feats, target, None, weight)
        return margins

    # -- prediction -----------------------------------------------------
    def margins(self, feats: sp.csr_matrix) -> np.ndarray:
        """Raw margins of the input rows."""
        check_fitted(self, "coef_")
        if feats.dtype == self.coef_.dtype:
            return np.asarray(feats @ self.coef_).ravel() + self.intercept_
        # float64 rows (stacked style columns) against float32 coefficients: scipy would cast all
        # n_features coefficients on every call; casting the ones used gives the same sums.
        feats = sp.csr_matrix(feats, dtype=np.float64)
        products = feats.data * self.coef_[feats.indices].astype(np.float64)
        return row_dot(products, feats.indptr) + self.intercept_

    def calibrate(self, margins: np.ndarray) -> np.ndarray:
        """P(positive class) from raw margins."""
        a, b = self.calibration_
        # Clipped to +-40 log-odds so exp never overflows (P is then within 1e-17 of 0 or 1).
        return sigmoid(np.clip(a * margins + b, -40, 40))

    def log_odds_scale(self) -> float:
        """Calibrated log-odds per unit of raw margin (the Platt slope)."""
        check_fitted(self, "calibration_")
        return float(self.calibration_[0])

    def coverage(self, counts: sp.csr_matrix) -> np.ndarray:
        """Per row, the share of its n-gram occurrences whose column the model kept (IDF > 0);
        0 for a row without any.  Counts are whole numbers, so the sums are exact."""
        check_fitted(self, "idf_")
        counts = counts.tocsr()
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        data = counts.data.astype(np.float32)
        total = np.bincount(rows, weights=data, minlength=counts.shape[0]).astype(np.float32)
        seen = np.bincount(
            rows, weights=data * (self.idf_[counts.indices] > 0), minlength=counts.shape[0]
        ).astype(np.float32)
        share = np.zeros(counts.shape[0], np.float32)
        np.divide(seen, total, out=share, where=total > 0)
        return share

    # -- explanation ----------------------------------------------------
    def occurrence_weights(self, counts: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Keys ``row * n_features + column`` of the nonzero counts, sorted, and each one's
        contribution to its row's margin per single occurrence.

        Column j contributes ``coef_j * x_j`` to the margin; dividing by the
        count spreads that over its occurrences, so sentences can be credited
        in proportion to the occurrences they hold.
        """
        counts = counts.tocsr()
        counts.sum_duplicates()
        feats = self.weight(counts)
        feats.sort_indices()
        n_features = len(self.idf_)
        keys = row_keys(counts, n_features)
        x = np.zeros(len(keys), dtype=np.float32)
        x[np.searchsorted(keys, row_keys(feats, n_features))] = feats.data
        return keys, self.coef_[counts.indices] * x / counts.data

    # -- persistence ----------------------------------------------------
    def to_bundle(self) -> Bundle:
        """The learned state (the detector adds its config and classes to ``linear.json``)."""
        check_fitted(self, "coef_")
        return Bundle(
            arrays={"linear": {"coef": self.coef_, "idf": self.idf_}},
            data={
                "linear": {
                    "intercept": self.intercept_,
                    "calibration": self.calibration_.tolist(),
                    "balanced_calibration": self.balanced_calibration_.tolist(),
                    "threshold": self.threshold_,
                }
            },
        )

    def restore(self, bundle: Bundle, n_features: int, width: int) -> LinearModel:
        """Take the learned state from ``bundle``; ``width`` columns follow the n-grams."""
        meta = bundle.data["linear"]
        coef = bundle.arrays["linear"]["coef"].astype(np.float32)
        idf = bundle.arrays["linear"]["idf"].astype(np.float32)
        if coef.shape != (n_features + width,) or idf.shape != (n_features,):
            raise ValueError("array shapes do not match the detector's features")
        self.coef_, self.idf_ = coef, idf
        self.intercept_ = float(meta["intercept"])
        self.calibration_ = np.array(meta["calibration"], dtype=np.float64)
        self.balanced_calibration_ = np.array(
            meta.get("balanced_calibration", meta["calibration"]), dtype=np.float64
        )
        self.threshold_ = float(meta.get("threshold", 0.5))
        return self


@detectors.register("veracity.LinearNgram.v1")
def LinearNgram(
    n_features: int = 2**20, ngram_range: tuple[int, int] = (1, 2), **linear: Any
) -> ComposedDetector:
    """Calibrated linear detector over hashed canonical word n-grams."""
    return ComposedDetector(
        TokenGrams(NgramHasher(n_features, pair(ngram_range))),
        LinearModel(**linear),
    )
