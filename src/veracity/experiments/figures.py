"""The generalisation study's figures: reliability diagram, heat map, coverage curve.

The only module of veracity that draws (matplotlib, the ``plots`` extra);
``veracity evaluate --protocol levers --figures docs/figures`` writes them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..data.corpora import LODO_CORPORA
from ..training.binary_metrics import expected_calibration_error
from .lodo import LodoTable


def coverage_curve(
    y: np.ndarray, p: np.ndarray, threshold: np.ndarray, steps: int = 20
) -> pd.DataFrame:
    """Accuracy when abstaining on the articles nearest their threshold (in log-odds), by share kept."""
    order = np.argsort(-np.abs(_logit(p) - _logit(threshold)))
    correct = ((p >= threshold).astype(int) == y)[order]
    rows = []
    for k in np.linspace(0.05, 1.0, steps):
        n = max(1, int(round(k * len(y))))
        rows.append({"coverage": n / len(y), "accuracy": float(correct[:n].mean())})
    return pd.DataFrame(rows)


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return np.asarray(np.log(q / (1 - q)))


def draw_figures(table: LodoTable, system: str, heat: pd.DataFrame, out: Path) -> list[Path]:
    """Write the three PNG figures; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    y, p = table.predictions[(system, "in-domain")]
    edges = np.linspace(0, 1, 11)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, 9)
    mean_p = [p[which == b].mean() for b in range(10) if (which == b).any()]
    frac = [y[which == b].mean() for b in range(10) if (which == b).any()]
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="perfect")
    ax.plot(mean_p, frac, "o-", label=f"veracity (ECE {expected_calibration_error(y, p):.3f})")
    ax.set(
        xlabel="predicted P(unreliable)",
        ylabel="observed share unreliable",
        title="Reliability, in-domain source-disjoint split",
    )
    ax.legend()
    paths.append(_save(fig, out / "reliability.png"))
    fig, ax = plt.subplots(figsize=(7, 6))
    im = ax.imshow(heat.to_numpy(dtype=float), vmin=0, vmax=1, cmap="viridis")
    ax.set_xticks(range(len(heat.columns)), heat.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(heat.index)), heat.index)
    for i in range(len(heat.index)):
        for j in range(len(heat.columns)):
            ax.text(
                j, i, f"{heat.iat[i, j]:.2f}", ha="center", va="center", color="white", fontsize=8
            )
    ax.set(xlabel="test corpus", ylabel="train corpus", title="Macro-F1, one corpus -> another")
    fig.colorbar(im)
    paths.append(_save(fig, out / "lodo_heatmap.png"))
    ys, ps = zip(*(table.predictions[(system, c)] for c in LODO_CORPORA), strict=True)
    ts = [
        np.full(len(y), table.thresholds[(system, c)])
        for y, c in zip(ys, LODO_CORPORA, strict=True)
    ]
    curve = coverage_curve(np.concatenate(ys), np.concatenate(ps), np.concatenate(ts))
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.plot(curve["coverage"], curve["accuracy"], "o-")
    ax.set(
        xlabel="coverage (share of articles given a verdict)",
        ylabel="accuracy",
        title="Coverage vs accuracy, pooled LODO",
    )
    paths.append(_save(fig, out / "coverage.png"))
    return paths


def _save(fig: object, path: Path) -> Path:
    fig.tight_layout()  # type: ignore[attr-defined]
    fig.savefig(path, dpi=110)  # type: ignore[attr-defined]
    return path
