"""``veracity.LinearNgram.v1``: hashed word n-grams, TF-IDF, logistic regression.

A scikit-learn estimator: ``__init__`` stores arguments, ``fit`` returns
``self``, learned state ends in ``_`` and ``predict_proba`` columns follow
``classes_``.  Probabilities are Platt-calibrated on out-of-fold margins;
when ``groups`` (publishers or corpora) are passed to :meth:`fit`, the folds
keep each group on one side, so the calibration reflects unseen sources.

Two calibrations are fitted on the same margins.  With row weights (equal
weight per corpus and label, say) the classes are equally likely; on the
training rows as sampled they have their own mix.  ``calibration_prior``
chooses which one :meth:`predict_proba` reports; the decision threshold
``threshold_`` is always the probability at which the weighted calibration
gives even odds, so the verdict does not depend on that choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..doc import Doc, as_docs
from ..estimator import ClassifierEstimator, check_fitted, sigmoid
from ..persist import Bundle
from ..registry import detectors
from ..text.grams import GramTable
from .annotations import annotated_rows
from .features import NgramHasher

#: What the reported probability is calibrated to: the row weights' class mix or the sample's.
CALIBRATION_PRIORS = ("weighted", "sampled")


def platt(margins: np.ndarray, target: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    """``[slope, intercept]`` of a logistic fit of ``target`` on ``margins``."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e4).fit(margins.reshape(-1, 1), target, sample_weight=weight)
    return np.array([fit.coef_[0, 0], fit.intercept_[0]], dtype=np.float64)


def _occupied(feats: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """``feats`` cut down to the columns that hold a value, and those columns.

    An L2-regularised logistic regression gives an empty column a weight of
    exactly 0, so fitting on the occupied columns finds the same model; the
    solver's vector work then scales with the vocabulary seen (about half a
    million columns) instead of the hashing space, which makes it about three
    times faster.
    """
    feats = feats.tocsr()
    if not feats.data.all():
        feats = sp.csr_matrix(feats, copy=True)
        feats.eliminate_zeros()
    used = np.flatnonzero(np.bincount(feats.indices, minlength=feats.shape[1]))
    position = np.zeros(feats.shape[1], dtype=feats.indices.dtype)
    position[used] = np.arange(len(used), dtype=position.dtype)
    compact = sp.csr_matrix(
        (feats.data, position[feats.indices], feats.indptr), shape=(feats.shape[0], len(used))
    )
    return compact, used


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


@detectors.register("veracity.LinearNgram.v1")
class LinearNgram(ClassifierEstimator):
    """Calibrated linear detector over hashed canonical word n-grams."""

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
    ) -> None:
        self.n_features = n_features
        self.ngram_range = ngram_range
        self.C = C
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.class_weight = class_weight
        self.calibration_folds = calibration_folds
        self.random_state = random_state
        self.calibration_prior = calibration_prior
        self.min_corpora = min_corpora

    # -- features -------------------------------------------------------
    def _hasher(self) -> NgramHasher:
        return NgramHasher(self.n_features, tuple(self.ngram_range))  # type: ignore[arg-type]

    def _weight(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """TF-IDF (sublinear if set) with L2 row norm, from raw counts."""
        x = counts.astype(np.float32, copy=True)
        x.sum_duplicates()
        if self.sublinear_tf:
            np.log1p(x.data, out=x.data)
        # ``x.data *= idf[x.indices]`` and :func:`_row_sums` give the same floats as
        # ``x.multiply(idf)`` and ``x.multiply(x).sum(axis=1)`` without their dense temporaries
        # of n_features entries, which cost about 1 ms per call.
        x.data *= self.idf_[x.indices]
        x.eliminate_zeros()
        norms = np.sqrt(_row_sums(x.data * x.data, x.indptr))
        norms[norms == 0] = 1.0
        x = sp.csr_matrix(x, dtype=np.float32)
        x.data *= np.repeat((1.0 / norms).astype(np.float32), np.diff(x.indptr))
        return x

    def counts(self, X: Sequence[Doc | str]) -> sp.csr_matrix:
        """Raw n-gram counts, one row per article (kept on its Doc, see :mod:`.annotations`)."""
        hasher = self._hasher()
        return annotated_rows(
            f"counts:{hasher._key()}",
            as_docs(X),
            lambda batch: hasher.transform(d.canonical for d in batch),
        )

    def features(
        self, X: Sequence[Doc | str], counts: sp.csr_matrix | None = None
    ) -> sp.csr_matrix:
        """The model's input rows; pass ``counts`` when already computed."""
        check_fitted(self, "idf_")
        docs = as_docs(X)
        return self._features(self.counts(docs) if counts is None else counts, docs)

    def _features(self, counts: sp.csr_matrix, docs: Sequence[Doc]) -> sp.csr_matrix:
        return self._weight(counts)

    # -- fitting --------------------------------------------------------
    def fit(
        self,
        X: Sequence[Doc | str],
        y: Sequence[str],
        groups: Sequence[str] | None = None,
        sample_weight: np.ndarray | None = None,
        pinned: np.ndarray | None = None,
        corpora: Sequence[str] | None = None,
    ) -> LinearNgram:
        """Fit on articles ``X`` (Docs, or texts to parse) and labels ``y``.

        ``groups`` keeps publishers together in the calibration folds;
        ``sample_weight`` re-weights rows (e.g. equal weight per corpus and label);
        ``pinned`` marks rows that stay on the training side of every calibration
        fold (a corpus whose label lives in one publisher cannot be held out by
        publisher, just as the in-domain split keeps it on the training side).
        """
        if self.calibration_prior not in CALIBRATION_PRIORS:
            raise ValueError(f"calibration_prior must be one of {CALIBRATION_PRIORS}")
        y_arr = np.asarray(y)
        self.classes_ = np.unique(y_arr)
        if len(self.classes_) != 2:
            raise ValueError(f"LinearNgram needs two classes, got {list(self.classes_)}")
        docs = as_docs(X)
        counts = self.counts(docs)
        self._fit_idf(counts, corpora)
        feats = self._features(counts, docs)
        target = (y_arr == self.classes_[1]).astype(int)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        margins = self._oof_margins(feats, target, groups, weight, pinned)
        self._fit_calibration(margins, target, weight)
        coef, self.intercept_ = self._solve(feats, target, weight)
        self.coef_ = coef.astype(np.float32)
        return self

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
        df = np.bincount(counts.indices, minlength=self.n_features)
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
        compact, used = _occupied(feats)
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
    def decision_function(self, X: Sequence[Doc | str]) -> np.ndarray:
        return self.margins(self.features(X))

    def margins(self, feats: sp.csr_matrix) -> np.ndarray:
        check_fitted(self, "coef_")
        if feats.dtype == self.coef_.dtype:
            return np.asarray(feats @ self.coef_).ravel() + self.intercept_
        # float64 rows (stacked style columns) against float32 coefficients: scipy would cast all
        # n_features coefficients on every call; casting the ones used gives the same sums.
        feats = sp.csr_matrix(feats, dtype=np.float64)
        products = feats.data * self.coef_[feats.indices].astype(np.float64)
        return _row_dot(products, feats.indptr) + self.intercept_

    def calibrate(self, margins: np.ndarray) -> np.ndarray:
        """P(``classes_[1]``) from raw margins."""
        a, b = self.calibration_
        # Clipped to +-40 log-odds so exp never overflows (P is then within 1e-17 of 0 or 1).
        return sigmoid(np.clip(a * margins + b, -40, 40))

    def log_odds_scale(self) -> float:
        """Calibrated log-odds per unit of raw margin (the Platt slope)."""
        check_fitted(self, "calibration_")
        return float(self.calibration_[0])

    def coverage(self, counts_row: sp.csr_matrix) -> float:
        """Share of the article's n-gram occurrences whose column the model kept (IDF > 0)."""
        check_fitted(self, "idf_")
        total = counts_row.data.sum()
        seen = counts_row.data[self.idf_[counts_row.indices] > 0].sum()
        return float(seen / total) if total else 0.0

    def predict_proba(self, X: Sequence[Doc | str]) -> np.ndarray:
        p = self.calibrate(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Sequence[Doc | str]) -> np.ndarray:
        return self.classes_[(self.predict_proba(X)[:, 1] >= self.threshold_).astype(int)]

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
        feats = self._weight(counts)
        feats.sort_indices()
        keys = _row_keys(counts, self.n_features)
        x = np.zeros(len(keys), dtype=np.float32)
        x[np.searchsorted(keys, _row_keys(feats, self.n_features))] = feats.data
        return keys, self.coef_[counts.indices] * x / counts.data

    def explain_sentences(
        self, counts_row: sp.csr_matrix, doc: Doc, top: int | None = None
    ) -> list[tuple[float, dict[str, float]]]:
        """Each sentence's push on the raw margin, and the n-grams that carry it (one article)."""
        return self.explain_many(counts_row, [doc], top)[0]

    def explain_many(
        self, counts: sp.csr_matrix, docs: Sequence[Doc], top: int | None = None
    ) -> list[list[tuple[float, dict[str, float]]]]:
        """Per article (a row of ``counts``), each sentence's push on the raw margin and the
        n-grams that carry it, strongest first (only the ``top`` strongest if set).

        A sentence is credited with the n-gram occurrences it holds (see
        :meth:`occurrence_weights`); n-grams that straddle two sentences go
        uncredited.  The n-grams of all the articles are hashed in one pass.
        """
        keys, weights = self.occurrence_weights(counts)
        runs: list[Sequence[str]] = []
        prefixes: list[str] = []
        owner: list[int] = []
        starts = np.zeros(len(docs) + 1, np.int64)
        for a, doc in enumerate(docs):
            more, marks, held = self._sentence_runs(doc)
            runs += more
            prefixes += marks
            owner += [starts[a] + k for k in held]
            starts[a + 1] = starts[a] + len(doc.sentences)
        table = self._hasher().table(runs, prefixes)
        sentence = np.array(owner, np.int64)[table.segment]
        article = np.searchsorted(starts, sentence, side="right") - 1
        wanted = article * self.n_features + table.columns(self.n_features)
        occ = np.zeros(len(wanted), dtype=np.float64)
        if len(keys):
            at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            occ = np.where(keys[at] == wanted, weights[at], 0).astype(np.float64)
        margins = np.bincount(sentence, weights=occ, minlength=int(starts[-1])).tolist()
        terms = _terms(table, sentence, occ, int(starts[-1]), top)
        pairs = list(zip(margins, terms, strict=True))
        return [pairs[starts[a] : starts[a + 1]] for a in range(len(docs))]

    def _sentence_runs(self, doc: Doc) -> tuple[list[Sequence[str]], list[str], list[int]]:
        """The token runs the features count, their prefixes and each one's sentence."""
        n = len(doc.tokens)
        return list(doc.tokens), [""] * n, list(range(n))

    # -- persistence ----------------------------------------------------
    def to_bundle(self) -> Bundle:
        check_fitted(self, "coef_")
        return Bundle(
            arrays={"linear": {"coef": self.coef_, "idf": self.idf_}},
            data={
                "linear": {
                    "params": _jsonable(self.get_params()),
                    "classes": [str(c) for c in self.classes_],
                    "intercept": self.intercept_,
                    "calibration": self.calibration_.tolist(),
                    "balanced_calibration": self.balanced_calibration_.tolist(),
                    "threshold": self.threshold_,
                }
            },
        )

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> LinearNgram:
        meta = bundle.data["linear"]
        params = dict(meta["params"])
        params["ngram_range"] = tuple(params["ngram_range"])
        model = cls(**params)
        model.classes_ = np.array(meta["classes"])
        model.coef_ = bundle.arrays["linear"]["coef"].astype(np.float32)
        model.idf_ = bundle.arrays["linear"]["idf"].astype(np.float32)
        width = model.coef_.shape[0] - model.n_features
        if model.coef_.ndim != 1 or model.idf_.shape != (model.n_features,) or width < 0:
            raise ValueError("array shapes do not match the model's n_features")
        model.intercept_ = float(meta["intercept"])
        model.calibration_ = np.array(meta["calibration"], dtype=np.float64)
        model.balanced_calibration_ = np.array(
            meta.get("balanced_calibration", meta["calibration"]), dtype=np.float64
        )
        model.threshold_ = float(meta.get("threshold", 0.5))
        return model


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def _row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each CSR row's ``values`` summed as scipy's ``X.sum(axis=1)`` sums them
    (``np.add.reduceat`` over the stored order, in the values' dtype)."""
    out = np.zeros(len(indptr) - 1, dtype=values.dtype)
    filled = np.flatnonzero(np.diff(indptr))
    out[filled] = np.add.reduceat(values, indptr[filled])
    return out


def _row_dot(products: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Each CSR row's ``products`` added one by one in stored order: how scipy's ``X @ v``
    adds a row's terms, so the sums are the same floats."""
    column = sp.csr_matrix(
        (products, np.zeros(len(products), np.int32), indptr), shape=(len(indptr) - 1, 1)
    )
    return np.asarray(column @ np.ones(1, products.dtype)).ravel()


def _row_keys(matrix: sp.csr_matrix, n_features: int) -> np.ndarray:
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    return rows * n_features + matrix.indices.astype(np.int64)


def _terms(
    table: GramTable, sentence: np.ndarray, occ: np.ndarray, n_sentences: int, top: int | None
) -> list[dict[str, float]]:
    """Per sentence, each credited n-gram's summed credit: strongest first, ties in text order."""
    out: list[dict[str, float]] = [{} for _ in range(n_sentences)]
    live = np.flatnonzero(occ)
    if not len(live):
        return out
    keys = (sentence[live] << 32) | (table.hashes[live].astype(np.int64) & 0xFFFFFFFF)
    uniq, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    sums = np.bincount(inverse, weights=occ[live])
    owner = uniq >> 32
    order = np.lexsort((first, -np.abs(sums), owner))
    if top is not None:
        ranked = owner[order]
        order = order[np.arange(len(order)) - np.searchsorted(ranked, ranked) < top]
    for k in order.tolist():
        out[int(owner[k])][table.gram(int(live[first[k]]))] = float(sums[k])
    return out
