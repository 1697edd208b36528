"""Evaluation protocols: leave-one-corpus-out (LODO), in-domain, and the peer baseline.

Every published figure is cross-corpus as well as in-domain.  The baseline
row is the detector most public projects ship (TF-IDF + logistic regression
on raw, unscrubbed text), run here on the same rows, so the table shows what
veracity's choices change.  The same protocol without and with titles is
:mod:`.headlines`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from ..data.corpora import LODO_CORPORA
from ..doc import DocCache
from ..estimator import ClassifierEstimator
from ..training.binary_metrics import binary_metrics
from ..training.detector_fit import TrainConfig, fit_frame, frame_docs, load_frame

PEER = "peer baseline (TF-IDF+LR, raw text)"


@dataclass
class LodoTable:
    """Rows of (system, held-out corpus) -> metrics."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    predictions: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    thresholds: dict[tuple[str, str], float] = field(default_factory=dict)

    def add(
        self, system: str, held_out: str, y: np.ndarray, proba: np.ndarray, threshold: float = 0.5
    ) -> None:
        """Record one held-out set; macro-F1 is taken at the model's own ``threshold``."""
        self.predictions[(system, held_out)] = (y, proba)
        self.thresholds[(system, held_out)] = threshold
        metrics = binary_metrics(y, proba, threshold=threshold)
        self.rows.append({"system": system, "held_out": held_out, **metrics})

    def extend(self, other: LodoTable) -> None:
        """Add every row of ``other`` (another system's rows)."""
        self.rows.extend(other.rows)
        self.predictions.update(other.predictions)
        self.thresholds.update(other.thresholds)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def summary(self) -> pd.DataFrame:
        """Mean and worst macro-F1 per system over held-out corpora."""
        df = self.frame()
        lodo = df[df["held_out"] != "in-domain"]
        agg = lodo.groupby("system", sort=False).agg(
            mean_macro_f1=("macro_f1", "mean"),
            worst_macro_f1=("macro_f1", "min"),
            mean_auc=("roc_auc", "mean"),
            mean_brier=("brier", "mean"),
        )
        ind = df[df["held_out"] == "in-domain"].set_index("system")["macro_f1"]
        agg["in_domain_macro_f1"] = ind.reindex(agg.index)
        return agg.reset_index()


def baseline_fit(frame: pd.DataFrame) -> Any:
    """The typical public detector (see PEER_BASELINE.md), on raw text."""
    pipe = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        LogisticRegression(max_iter=1000),
    )
    return pipe.fit(frame["text"].tolist(), (frame["label"] == "unreliable").astype(int))


def predict_frame(model: Any, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, float]:
    """Gold labels (1 = unreliable), P(unreliable) and the model's decision threshold.

    A veracity detector reads the frame's Docs; any other model (the peer baseline) its texts.
    """
    rows = frame_docs(frame) if isinstance(model, ClassifierEstimator) else frame["text"].tolist()
    proba = np.asarray(model.predict_proba(rows)[:, 1])
    threshold = float(getattr(model, "threshold_", 0.5))
    return (frame["label"] == "unreliable").to_numpy().astype(int), proba, threshold


FitFn = Callable[[pd.DataFrame], Any]

#: The Docs of this process's evaluation loops (see :func:`doc_cache`).
_cache: DocCache | None = None


@contextmanager
def doc_cache() -> Iterator[None]:
    """Inside the block, :func:`with_docs` parses each row once, however often it is refitted.

    Nested blocks share the outermost cache; :func:`keep_docs` opens one for the life of a
    worker process.
    """
    global _cache
    outer = _cache
    _cache = DocCache() if outer is None else outer
    try:
        yield
    finally:
        _cache = outer


def keep_docs() -> None:
    """Open a Doc cache for the rest of this process: the initializer of an evaluation worker."""
    global _cache
    if _cache is None:
        _cache = DocCache()


def with_docs(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``doc`` column, taken from the open :func:`doc_cache` (by corpus and id)."""
    if _cache is None or "doc" in frame.columns:
        return frame
    keys = (frame["corpus"].astype(str) + "/" + frame["id"].astype(str)).tolist()
    return frame.assign(doc=_cache.docs(keys, frame["text"].tolist()))


def protocol_splits(
    frame: pd.DataFrame, held_out: tuple[str, ...] = LODO_CORPORA, seed: int = 0
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """``(name, train positions, test positions)``: each held-out corpus, then "in-domain"."""
    from ..data.splits import source_disjoint_split

    corpus = frame["corpus"].to_numpy()
    out = [
        (c, np.flatnonzero(corpus != c), np.flatnonzero(corpus == c))
        for c in held_out
        if (corpus == c).any()
    ]
    tr, te = source_disjoint_split(frame, test_size=0.2, seed=seed)
    return [*out, ("in-domain", tr, te)]


@doc_cache()
def run_protocol(
    table: LodoTable,
    system: str,
    frame: pd.DataFrame,
    fit: FitFn,
    held_out: tuple[str, ...] = LODO_CORPORA,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    fitted: dict[str, Any] | None = None,
) -> None:
    """Add the LODO rows and the in-domain source-disjoint row for one system.

    ``fitted``, when given, receives each split's model under the split's name.
    """
    frame = with_docs(frame)
    for name, tr, te in protocol_splits(frame, held_out, seed):
        if progress:
            progress(f"{system}: holding out {name}")
        model = fit(frame.iloc[tr])
        if fitted is not None:
            fitted[name] = model
        table.add(system, name, *predict_frame(model, frame.iloc[te]))


def _split_job(root: Path, config: TrainConfig, name: str) -> tuple[np.ndarray, np.ndarray, float]:
    """One row of the protocol for ``config``, run in a worker process."""
    frame = load_frame(root, config)
    frame = with_docs(frame)
    _, tr, te = next(s for s in protocol_splits(frame, seed=config.seed) if s[0] == name)
    return predict_frame(fit_frame(config, frame.iloc[tr]), frame.iloc[te])


def lodo(
    root: Path,
    config: TrainConfig,
    with_baseline: bool = True,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
    fitted: dict[str, Any] | None = None,
) -> LodoTable:
    """The LODO table for ``config`` (and the peer baseline on raw text).

    With ``workers > 1`` the held-out rows are fitted in that many processes,
    each keeping its own Docs (:func:`keep_docs`); the table is the same.  ``fitted``
    receives each split's model (one process only).
    """
    table = LodoTable()
    system = f"veracity ({config.detector})"
    frame = load_frame(root, config)
    if workers <= 1:
        run_protocol(
            table,
            system,
            frame,
            lambda f: fit_frame(config, f),
            seed=config.seed,
            progress=progress,
            fitted=fitted,
        )
    elif fitted is not None:
        raise ValueError("fitted models stay in their worker processes: use workers=1")
    else:
        names = [name for name, _, _ in protocol_splits(frame, seed=config.seed)]
        context = get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=keep_docs) as pool:
            futures = [pool.submit(_split_job, root, config, name) for name in names]
            for name, future in zip(names, futures, strict=True):
                table.add(system, name, *future.result())
                if progress:
                    progress(f"{system}: held out {name}")
    if with_baseline:
        table.extend(peer_lodo(root, config, progress=progress))
    return table


def peer_lodo(
    root: Path, config: TrainConfig, progress: Callable[[str], None] | None = None
) -> LodoTable:
    """The peer baseline's LODO rows: raw, unscrubbed text, exact duplicates dropped."""
    from ..data.pipeline import load_articles

    table = LodoTable()
    raw, _ = load_articles(root, corpora=config.corpora, scrub=False, dedup=False)
    raw = (
        raw[raw["text"].str.split().str.len() >= 30].drop_duplicates("text").reset_index(drop=True)
    )
    run_protocol(table, PEER, raw, baseline_fit, seed=config.seed, progress=progress)
    return table


def markdown_table(table: LodoTable) -> str:
    """The LODO table as Markdown: one row per held-out corpus, a column per system."""
    df = table.frame()
    systems = list(dict.fromkeys(df["system"]))
    head = (
        "| held-out corpus | n | unreliable share | "
        + " | ".join(f"{s}: macro-F1 / AUC / Brier" for s in systems)
        + " |"
    )
    sep = "|---|---:|---:|" + "---:|" * len(systems)
    lines = [head, sep]
    for corpus in dict.fromkeys(df["held_out"]):
        sub = df[df["held_out"] == corpus].set_index("system")
        first = sub.iloc[0]
        cells = []
        for s in systems:
            if s in sub.index:
                r = sub.loc[s]
                cells.append(f"{r['macro_f1']:.3f} / {r['roc_auc']:.3f} / {r['brier']:.3f}")
            else:
                cells.append("-")
        lines.append(
            f"| {corpus} | {int(first['n'])} | {first['positive_share']:.0%} | "
            + " | ".join(cells)
            + " |"
        )
    summ = table.summary().set_index("system")
    lines.append(
        "| **mean (LODO)** | | | "
        + " | ".join(
            f"**{summ.loc[s, 'mean_macro_f1']:.3f}** / {summ.loc[s, 'mean_auc']:.3f} / {summ.loc[s, 'mean_brier']:.3f}"
            for s in systems
        )
        + " |"
    )
    lines.append(
        "| worst (LODO) | | | "
        + " | ".join(f"{summ.loc[s, 'worst_macro_f1']:.3f}" for s in systems)
        + " |"
    )
    return "\n".join(lines)
