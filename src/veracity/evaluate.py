"""Evaluation protocols: leave-one-corpus-out (LODO), in-domain, and the peer baseline.

Every published figure is cross-corpus as well as in-domain.  The baseline
row is the detector most public projects ship (TF-IDF + logistic regression
on raw, unscrubbed text), run here on the same rows, so the table shows what
veracity's choices change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from .models.metrics import binary_metrics
from .models.style import style_memo
from .models.train import LODO_CORPORA, TrainConfig, fit_frame

PEER = "peer baseline (TF-IDF+LR, raw text)"


@dataclass
class LodoTable:
    """Rows of (system, held-out corpus) -> metrics."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    predictions: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def add(self, system: str, held_out: str, y: np.ndarray, proba: np.ndarray) -> None:
        self.predictions[(system, held_out)] = (y, proba)
        self.rows.append({"system": system, "held_out": held_out, **binary_metrics(y, proba)})

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


def predict_frame(model: Any, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Gold labels (1 = unreliable) and P(unreliable) for a record frame."""
    proba = np.asarray(model.predict_proba(frame["text"].tolist())[:, 1])
    return (frame["label"] == "unreliable").to_numpy().astype(int), proba


FitFn = Callable[[pd.DataFrame], Any]


@style_memo()
def run_protocol(
    table: LodoTable,
    system: str,
    frame: pd.DataFrame,
    fit: FitFn,
    held_out: tuple[str, ...] = LODO_CORPORA,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Add the LODO rows and the in-domain source-disjoint row for one system."""
    from .data.splits import source_disjoint_split

    for corpus in held_out:
        test_mask = frame["corpus"] == corpus
        if not test_mask.any():
            continue
        if progress:
            progress(f"{system}: holding out {corpus}")
        model = fit(frame[~test_mask])
        table.add(system, corpus, *predict_frame(model, frame[test_mask]))
    tr, te = source_disjoint_split(frame, test_size=0.2, seed=seed)
    train, test = frame.iloc[tr], frame.iloc[te]
    table.add(system, "in-domain", *predict_frame(fit(train), test))


def lodo(
    root: Path,
    config: TrainConfig,
    with_baseline: bool = True,
    progress: Callable[[str], None] | None = None,
) -> LodoTable:
    """The LODO table for ``config`` (and the peer baseline on raw text)."""
    from .data.pipeline import load_articles

    table = LodoTable()
    frame, _ = load_articles(root, corpora=config.corpora, scrub=config.scrub, dedup=config.dedup)
    run_protocol(
        table,
        f"veracity ({config.detector})",
        frame,
        lambda f: fit_frame(config, f),
        seed=config.seed,
        progress=progress,
    )
    if with_baseline:
        raw, _ = load_articles(root, corpora=config.corpora, scrub=False, dedup=False)
        raw = (
            raw[raw["text"].str.split().str.len() >= 30]
            .drop_duplicates("text")
            .reset_index(drop=True)
        )
        run_protocol(
            table,
            PEER,
            raw,
            baseline_fit,
            seed=config.seed,
            progress=progress,
        )
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
