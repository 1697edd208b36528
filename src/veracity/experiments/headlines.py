"""The headline study: the LODO protocol and the in-domain split without and with titles.

``veracity evaluate --protocol headlines --write BENCHMARKS.md`` runs it; titles
become the default only by the rule of :meth:`HeadlineStudy.titles_help`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..training.detector_fit import TrainConfig, load_frame
from .lodo import LodoTable, lodo, protocol_splits

#: Titles become the default only if they raise mean LODO macro-F1 and cost the
#: in-domain macro-F1 no more than this.
IN_DOMAIN_TOLERANCE = 0.005
#: ... and only if, in every corpus, the share of rows that have a title differs between the
#: labels by no more than this: a title's mere presence would otherwise be a label proxy (an
#: artifact of how the corpus was collected) that a model can learn.
LABEL_GAP_TOLERANCE = 0.05


@dataclass
class HeadlineStudy:
    """One config's protocol scored on the text alone and on title + text."""

    text: LodoTable
    titled: LodoTable
    #: Share of rows with a (scrubbed) title, per held-out corpus and for the in-domain test rows.
    coverage: dict[str, float]
    #: Per corpus, the share of unreliable rows with a title and the share of reliable ones.
    by_label: dict[str, tuple[float, float]] = field(default_factory=dict)

    def change(self) -> tuple[float, float]:
        """(mean LODO macro-F1, in-domain macro-F1) with titles minus without."""
        old, new = (t.summary().iloc[0] for t in (self.text, self.titled))
        return (
            float(new["mean_macro_f1"] - old["mean_macro_f1"]),
            float(new["in_domain_macro_f1"] - old["in_domain_macro_f1"]),
        )

    def label_proxies(self) -> list[str]:
        """Corpora whose title share differs by label by more than :data:`LABEL_GAP_TOLERANCE`."""
        return [c for c, (u, r) in self.by_label.items() if abs(u - r) > LABEL_GAP_TOLERANCE]

    def scores_better(self) -> bool:
        """Mean LODO macro-F1 rises and in-domain falls by at most :data:`IN_DOMAIN_TOLERANCE`."""
        lodo_gain, in_domain_gain = (round(x, 4) for x in self.change())
        return lodo_gain > 0 and in_domain_gain >= -IN_DOMAIN_TOLERANCE

    def titles_help(self) -> bool:
        """They score better, and no corpus lets a title's presence stand for the label."""
        return self.scores_better() and not self.label_proxies()


def headline_study(
    root: Path,
    config: TrainConfig,
    workers: int = 1,
    progress: Callable[[str], None] | None = None,
) -> HeadlineStudy:
    """The protocol for ``config`` without and with titles: same rows, splits and model."""
    frame = load_frame(root, config.model_copy(update={"titles": False}))
    titled = frame["title"].str.strip() != ""
    coverage = {str(k): float(v) for k, v in titled.groupby(frame["corpus"]).mean().items()}
    _, _, test = protocol_splits(frame, held_out=(), seed=config.seed)[0]
    coverage["in-domain"] = float(titled.iloc[test].mean())
    share = titled.groupby([frame["corpus"], frame["label"]]).mean()
    by_label = {
        str(c): (float(share.get((c, "unreliable"), 0.0)), float(share.get((c, "reliable"), 0.0)))
        for c in sorted(set(frame["corpus"]))
    }
    text, with_titles = (
        lodo(
            root,
            config.model_copy(update={"titles": flag}),
            with_baseline=False,
            progress=progress,
            workers=workers,
        )
        for flag in (False, True)
    )
    return HeadlineStudy(text, with_titles, coverage, by_label)


def headlines_markdown(study: HeadlineStudy, command: str, minutes: float, workers: int) -> str:
    """The "headlines" section of BENCHMARKS.md: both runs side by side, and the verdict."""
    lodo_gain, in_domain_gain = study.change()
    held_out = [c for c in dict.fromkeys(study.text.frame()["held_out"]) if c != "in-domain"]
    untitled = [c for c in held_out if study.coverage.get(c, 0.0) == 0.0]
    which = (
        f"Held-out corpora without titles (they change only through training): {', '.join(untitled)}."
        if untitled
        else "Every held-out corpus has titles (the share of its rows in the third column)."
    )
    proxies = study.label_proxies()
    gaps = ", ".join(
        f"{c} ({study.by_label[c][0]:.0%} of unreliable rows, {study.by_label[c][1]:.0%} of reliable)"
        for c in proxies
    )
    if study.titles_help():
        verdict = (
            'Titles help by that rule: a model trained with `"titles": true` can become the '
            "default, which means retraining the bundled model."
        )
    elif study.scores_better():
        verdict = (
            f"Titles score better by that rule, but in {gaps} whether a row has a title at all "
            f"differs by label by more than {LABEL_GAP_TOLERANCE:.0%}: a label proxy left by how "
            "the corpus was collected, which a model can learn, so the gain cannot be told from "
            "that artifact. The default scores the text alone; reports show the title."
        )
    else:
        verdict = "Titles do not help by that rule: the default scores the text alone."
    return "\n".join(
        [
            "## Headlines (title + text)",
            "",
            f"Regenerate: `{command}` (needs `../shared` or `$VERACITY_DATA`). "
            f"This run took {minutes:.1f} minutes on {workers} cores.",
            "",
            "The leave-one-corpus-out protocol and the in-domain split above, run twice with the "
            "same config, rows, splits and seed: on the text alone, and with each article's title "
            'as its own first line (`"titles": true` in a training config; '
            "`veracity.data.scrub.titles.headline_text`). A row without a title is scored on its text "
            "alone, and a held-out corpus can change even so, since the model learns from the "
            "other corpora's titles. Titles are scrubbed with their corpus's text steps and their "
            "own (`veracity.data.scrub.titles`): format tags such as `(VIDEO)`, series labels such as "
            "`Factbox:`, site names such as `| Jordan Times`, and page titles many rows share. "
            "CoAID's title is its `newstitle` column: its `title` column, in the fake files, is "
            "the fact-checker's summary of the claim.",
            "",
            which,
            "",
            _headline_table(study),
            "",
            f"With titles, mean LODO macro-F1 changes by {lodo_gain:+.3f} and in-domain macro-F1 "
            f"by {in_domain_gain:+.3f}. Titles become the default only if mean LODO macro-F1 rises, "
            f"in-domain macro-F1 falls by no more than {IN_DOMAIN_TOLERANCE}, and in no corpus the "
            f"share of rows with a title differs between the labels by more than "
            f"{LABEL_GAP_TOLERANCE:.0%}. {verdict}",
        ]
    )


def _headline_table(study: HeadlineStudy) -> str:
    """One row per held-out corpus, in-domain, then mean and worst over held-out corpora."""
    old, new = study.text.frame(), study.titled.frame()
    lines = [
        "| held-out corpus | n | rows with a title | text only: macro-F1 / AUC / ECE "
        "| title + text: macro-F1 / AUC / ECE | change in macro-F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for a, b in zip(old.to_dict("records"), new.to_dict("records"), strict=True):
        cells = [f"{r['macro_f1']:.3f} / {r['roc_auc']:.3f} / {r['ece']:.3f}" for r in (a, b)]
        lines.append(
            f"| {a['held_out']} | {int(a['n'])} | {study.coverage.get(a['held_out'], 0.0):.0%} | "
            f"{cells[0]} | {cells[1]} | {b['macro_f1'] - a['macro_f1']:+.3f} |"
        )
    s_old, s_new = (t.summary().iloc[0] for t in (study.text, study.titled))
    for label, key in (("**mean (LODO)**", "mean_macro_f1"), ("worst (LODO)", "worst_macro_f1")):
        lines.append(
            f"| {label} | | | {s_old[key]:.3f} | {s_new[key]:.3f} | "
            f"{s_new[key] - s_old[key]:+.3f} |"
        )
    return "\n".join(lines)
