"""Fit and measure the deep pipeline's verdict, ``veracity.DeepVerdict.v1``.

The verdict (:mod:`veracity.signals.deep.verdict`) weighs two things: the fast detector's
margin, and an embedding model's logit (a logistic regression on the mean of an article's
sentence states, read by the int8 encoder the pipeline ships).  The stack is fitted on
out-of-fold values of both, so neither is trusted for what it memorised: the fast margins
are those its own calibration folds give (publisher-disjoint; ``nan`` for the pinned ISOT
rows, which the stack therefore leaves out), the embedding logits come from folds over the
same publisher groups.  Rows are weighed so that every (corpus, label) cell counts the same,
as the fast model's are.

:func:`evaluate_verdict` runs the LODO protocol and the in-domain split for the fast verdict
and the deep one side by side; :func:`train_verdict` ships the deep verdict only if it beats
the fast one on both the mean LODO macro-F1 and the in-domain macro-F1 (issue 19).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..estimator import sigmoid
from ..signals.deep.verdict import NAME, DeepVerdict, article_mean
from .binary_metrics import binary_metrics
from .detector_fit import (
    DEFAULT_CONFIG,
    TrainConfig,
    balanced_weights,
    fit_frame,
    held_out_record,
    load_frame,
    publisher_groups,
)

#: Inverse L2 strength of the embedding model (standardised columns): small, as 384 columns
#: fitted on eight corpora learn topics unless held down.  Chosen on LODO (0.001-0.03 tried).
EMBED_C = 0.001
#: Inverse L2 strength of the two-column stack.
STACK_C = 1.0
#: Folds of the embedding model's out-of-fold logits.
FOLDS = 5


def article_means(vectors: Sequence[np.ndarray], size: int) -> np.ndarray:
    """Each article's mean sentence state, one row per article (:func:`article_mean`)."""
    return np.stack([article_mean(v, size) for v in vectors]).astype(np.float32)


def frame_means(
    root: Path,
    config: TrainConfig,
    vectors: Callable[[list[Any]], list[np.ndarray]],
    size: int,
    progress: Callable[[str], None] = print,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The config's article rows, parsed (inside a :func:`~veracity.experiments.lodo.doc_cache`
    block, they keep their Docs), and each one's mean sentence state read by ``vectors``."""
    from ..experiments.lodo import with_docs

    frame = with_docs(load_frame(root, config))
    docs = frame["doc"].tolist()
    progress(f"deep verdict: sentence states of {len(docs)} articles")
    means = [article_means(vectors(docs[i : i + 64]), size) for i in range(0, len(docs), 64)]
    return frame, np.concatenate(means)


def _fit_embedding(
    means: np.ndarray, y: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, float]:
    """The embedding model as a weight vector and bias on raw (unscaled) means."""
    from sklearn.linear_model import LogisticRegression

    mu, sd = means.mean(0), means.std(0) + 1e-6
    lr = LogisticRegression(C=EMBED_C, max_iter=3000)
    lr.fit((means - mu) / sd, y, sample_weight=weight)
    coef = lr.coef_[0] / sd
    return coef.astype(np.float32), float(lr.intercept_[0] - (coef * mu).sum())


def _oof_embedding(
    means: np.ndarray, y: np.ndarray, weight: np.ndarray, groups: Sequence[str]
) -> np.ndarray:
    """Out-of-fold embedding logits, folds keeping each publisher on one side."""
    from sklearn.model_selection import GroupKFold

    out = np.zeros(len(y))
    for tr, te in GroupKFold(FOLDS).split(means, y, np.asarray(groups)):
        coef, bias = _fit_embedding(means[tr], y[tr], weight[tr])
        out[te] = means[te] @ coef + bias
    return out


def fit_verdict(
    margins: np.ndarray,
    means: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    groups: Sequence[str],
    band_balanced: tuple[float, float],
    fast_sha256: str = "",
) -> DeepVerdict:
    """The verdict from out-of-fold fast ``margins`` (``nan``: never held out), the
    articles' mean sentence states, 0/1 labels, row weights and publisher groups."""
    from sklearn.linear_model import LogisticRegression

    from ..models.linear import platt

    coef, bias = _fit_embedding(means, y, weight)
    embedded = _oof_embedding(means, y, weight, groups)
    held = ~np.isnan(margins)
    columns = np.column_stack([margins, embedded])[held]
    stack = LogisticRegression(C=STACK_C).fit(columns, y[held], sample_weight=weight[held])
    a, b = (float(v) for v in stack.coef_[0])
    c = float(stack.intercept_[0])
    slope, intercept = (float(v) for v in platt(stack.decision_function(columns), y[held], None))

    def reported(p_balanced: float) -> float:
        return round(float(sigmoid(slope * np.log(p_balanced / (1 - p_balanced)) + intercept)), 4)

    lo, hi = band_balanced
    return DeepVerdict(
        weight=coef,
        bias=bias,
        stack=(a, b, c),
        calibration=(slope, intercept),
        band=(reported(lo), reported(hi)),
        threshold=reported(0.5),
        fast_sha256=fast_sha256,
    )


def _split_job(
    root: Path, config: TrainConfig, name: str
) -> tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """One split in a worker: the fast detector fitted on its training side; its out-of-fold
    margins there, and its margins, probabilities and threshold on the test side."""
    from ..experiments.lodo import protocol_splits, with_docs

    frame = with_docs(load_frame(root, config))
    _, tr, te = next(s for s in protocol_splits(frame, seed=config.seed) if s[0] == name)
    detector = fit_frame(config, frame.iloc[tr])
    docs = frame.iloc[te]["doc"].tolist()
    margins = detector.decision_function(docs)
    proba = detector.calibrate(margins)
    return name, tr, detector.model.oof_margins_, margins, proba, detector.threshold_


def evaluate_verdict(
    root: Path,
    config: TrainConfig,
    frame: pd.DataFrame,
    means: np.ndarray,
    workers: int = 1,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Macro-F1 and ROC-AUC of the fast and the deep verdict on each held-out corpus and on
    the in-domain split, with the LODO means (``means``: the rows' mean sentence states)."""
    from ..experiments.lodo import keep_docs, protocol_splits

    y = (frame["label"] == "unreliable").to_numpy().astype(int)
    weight = balanced_weights(frame)
    groups = np.asarray(publisher_groups(frame))
    lo, hi = config.uncertain_band_balanced
    splits = {name: te for name, _, te in protocol_splits(frame, seed=config.seed)}
    rows: dict[str, dict[str, Any]] = {}
    context = get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=keep_docs) as pool:
        jobs = [pool.submit(_split_job, root, config, name) for name in splits]
        for job in jobs:
            name, tr, oof, margins, fast_p, fast_threshold = job.result()
            te = splits[name]
            w = weight[tr] / weight[tr].mean()
            verdict = fit_verdict(oof, means[tr], y[tr], w, groups[tr].tolist(), (lo, hi))
            deep_p = verdict.probabilities(margins, [m[None, :] for m in means[te]])
            rows[name] = {
                "n": len(te),
                "fast": _scores(y[te], fast_p, fast_threshold),
                "deep": _scores(y[te], deep_p, verdict.threshold),
                "stack": [round(v, 4) for v in verdict.stack],
            }
            progress(f"deep verdict: {name} {rows[name]['fast']} -> {rows[name]['deep']}")
    lodo = [r for name, r in rows.items() if name != "in-domain"]
    summary = {
        pipeline: {
            "mean_lodo_macro_f1": round(float(np.mean([r[pipeline]["macro_f1"] for r in lodo])), 4),
            "mean_lodo_roc_auc": round(float(np.mean([r[pipeline]["roc_auc"] for r in lodo])), 4),
            "in_domain_macro_f1": rows["in-domain"][pipeline]["macro_f1"],
        }
        for pipeline in ("fast", "deep")
    }
    better = all(summary["deep"][k] > summary["fast"][k] for k in summary["fast"])
    return {"rows": rows, "summary": summary, "beats_fast": better}


def _scores(y: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float]:
    m = binary_metrics(y, proba, threshold=threshold)
    return {"macro_f1": round(m["macro_f1"], 4), "roc_auc": round(m["roc_auc"], 4)}


def train_verdict(
    root: Path,
    vectors: Callable[[list[Any]], list[np.ndarray]],
    size: int,
    fast_sha256: str,
    fast_margins: Callable[[list[Any]], np.ndarray],
    workers: int = 1,
    progress: Callable[[str], None] = print,
) -> tuple[DeepVerdict, dict[str, Any]]:
    """The verdict fitted on every article of the default config, and its evaluation.

    ``vectors`` reads Docs' sentence states with the shipped encoder; ``fast_margins`` gives
    the shipped fast model's margins, which must equal those of the detector refitted here
    (the same config and data), else the stack would be fitted on another model's margins.
    """
    from ..experiments.lodo import doc_cache

    config = TrainConfig.from_file(DEFAULT_CONFIG)
    with doc_cache():
        frame, means = frame_means(root, config, vectors, size, progress)
        result = evaluate_verdict(root, config, frame, means, workers, progress)
        detector = fit_frame(config, frame)
    probe = frame["doc"].tolist()[:64]
    if not np.allclose(detector.decision_function(probe), fast_margins(probe), atol=1e-5):
        raise ValueError("the refitted fast detector differs from the shipped one")
    y = (frame["label"] == "unreliable").to_numpy().astype(int)
    verdict = fit_verdict(
        detector.model.oof_margins_,
        means,
        y,
        balanced_weights(frame),
        publisher_groups(frame),
        (config.uncertain_band_balanced[0], config.uncertain_band_balanced[1]),
        fast_sha256,
    )
    result["name"] = NAME
    result["config"] = {"embed_C": EMBED_C, "stack_C": STACK_C, "folds": FOLDS}
    result["stack"] = list(verdict.stack)
    result["band"] = list(verdict.band)
    result["threshold"] = verdict.threshold
    result["fast_sha256"] = fast_sha256
    result["held_out"] = held_out_record(root)
    return verdict, result


def verdict_lines(verdict: dict[str, Any], heading: str = "## Verdict") -> list[str]:
    """The card's verdict section: fast against deep on each split, and what shipped."""
    if not verdict:
        return ["", heading, "", "The deep pipeline uses the fast detector's verdict."]
    shipped = verdict.get("shipped")
    lines = [
        "",
        heading,
        "",
        f"{verdict.get('name', '')}: the fast margin and an embedding model of the sentence "
        "states, stacked (built by `"
        + str(verdict.get("command", ""))
        + "`). "
        + (
            "It beats the fast verdict on mean LODO and in-domain macro-F1, so it ships."
            if shipped
            else "It does not beat the fast verdict on both, so the deep pipeline uses the "
            "fast detector's verdict."
        ),
        "",
        "| split | n | fast macro-F1 | deep macro-F1 | fast AUC | deep AUC |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in verdict.get("rows", {}).items():
        f, d = row["fast"], row["deep"]
        lines.append(
            f"| {name} | {row['n']} | {f['macro_f1']:.3f} | {d['macro_f1']:.3f} | "
            f"{f['roc_auc']:.3f} | {d['roc_auc']:.3f} |"
        )
    summary = verdict.get("summary", {})
    if summary:
        f, d = summary["fast"], summary["deep"]
        lines.append(
            f"| **mean LODO** | | {f['mean_lodo_macro_f1']:.3f} | {d['mean_lodo_macro_f1']:.3f} | "
            f"{f['mean_lodo_roc_auc']:.3f} | {d['mean_lodo_roc_auc']:.3f} |"
        )
    return lines
