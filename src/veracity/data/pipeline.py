"""Read, scrub and de-duplicate corpora in one call, with counts for every step.

:func:`load_articles` is what training and evaluation use; :class:`DataStats`
is what ``veracity data stats`` prints.  For every corpus
``read - sum(step drops) - dedup drops == final`` (see :meth:`CorpusStats.check`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import held_out_files
from ..errors import DataError, E
from . import cache as result_cache
from .corpora import ARTICLE_CORPORA
from .dedup import DedupCounts, deduplicate
from .readers import corpus_name, load_corpus
from .schema import LABELS, RECORD_COLUMNS
from .scrub.steps import StepCount, scrub_frame
from .scrub.titles import scrub_titles


@dataclass
class CorpusStats:
    """What happened to one corpus between its files and the final frame."""

    corpus: str
    read: int
    steps: list[StepCount] = field(default_factory=list)
    dedup: DedupCounts = field(default_factory=DedupCounts)
    final: int = 0
    labels: dict[str, int] = field(default_factory=dict)

    @property
    def scrub_dropped(self) -> int:
        return sum(s.dropped for s in self.steps)

    @property
    def dropped(self) -> int:
        return self.scrub_dropped + self.dedup.total

    def check(self) -> None:
        """Raise :class:`DataError` E013 unless the counts add up."""
        if self.read - self.dropped != self.final or sum(self.labels.values()) != self.final:
            raise DataError(
                E.E013,
                field=f"stats of {self.corpus}",
                reason=f"read {self.read} - dropped {self.dropped} != final {self.final}",
            )

    def to_dict(self) -> dict[str, object]:
        return {
            "corpus": self.corpus,
            "read": self.read,
            "steps": [s.to_dict() for s in self.steps],
            "dedup": self.dedup.to_dict(),
            "dropped": self.dropped,
            "final": self.final,
            "labels": dict(self.labels),
        }


@dataclass
class DataStats:
    """Per-corpus statistics of one :func:`load_articles` call."""

    corpora: dict[str, CorpusStats] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"corpora": {name: s.to_dict() for name, s in self.corpora.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataStats:
        """Inverse of :meth:`to_dict` (raises ``KeyError``/``TypeError`` on a bad dict)."""
        return cls(
            {
                name: CorpusStats(
                    corpus=entry["corpus"],
                    read=entry["read"],
                    steps=[StepCount(**step) for step in entry["steps"]],
                    dedup=DedupCounts(**entry["dedup"]),
                    final=entry["final"],
                    labels=dict(entry["labels"]),
                )
                for name, entry in data["corpora"].items()
            }
        )

    def table(self) -> str:
        """A plain-text table: rows, drops per step and dedup reason, label balance."""
        head = ["corpus", "read", "scrub-", "exact-", "near-", "conflict-", "final"]
        head += [*LABELS, "%unrel"]
        rows: list[list[object]] = [list(head)]
        for s in self.corpora.values():
            unrel = s.labels.get(LABELS[1], 0)
            share = f"{100 * unrel / s.final:.1f}" if s.final else "-"
            rows.append(
                [s.corpus, s.read, s.scrub_dropped, s.dedup.exact, s.dedup.near]
                + [s.dedup.conflict, s.final, s.labels.get(LABELS[0], 0), unrel, share]
            )
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
        lines = [
            "  ".join(
                str(v).ljust(w) if i == 0 else str(v).rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        lines.append("")
        lines.append("scrubbing steps (rows changed / rows dropped):")
        for s in self.corpora.values():
            done = [
                f"{c.step} {c.changed}" + (f"/-{c.dropped}" if c.dropped else "")
                for c in s.steps
                if c.changed or c.dropped
            ]
            lines.append(f"  {s.corpus}: " + (", ".join(done) or "none"))
        return "\n".join(lines)


def _label_counts(frame: pd.DataFrame) -> dict[str, int]:
    counts = frame["label"].value_counts()
    return {label: int(counts.get(label, 0)) for label in LABELS}


def load_articles(
    root: Path,
    corpora: Sequence[str] | None = None,
    scrub: bool = True,
    dedup: bool = True,
    cache: bool = True,
) -> tuple[pd.DataFrame, DataStats]:
    """Records of ``corpora`` (default :data:`ARTICLE_CORPORA`), scrubbed and de-duplicated.

    ``corpora`` takes corpus values (``"isot"``) or reader names; an unknown one
    raises E005 before anything is read.  De-duplication runs across all the
    requested corpora at once, so the counts depend on which corpora are loaded.
    With ``scrub`` the titles are scrubbed too (:mod:`veracity.data.scrub.titles`); the
    statistics count texts only.  With ``cache`` the result is kept on disk,
    keyed by code, options and data files (:mod:`veracity.data.cache`).
    """
    names = list(dict.fromkeys(corpus_name(c) for c in (corpora or ARTICLE_CORPORA)))
    key = None
    if cache and result_cache.cache_dir() is not None:
        key = result_cache.cache_key(root, names, {"scrub": scrub, "dedup": dedup})
        hit = result_cache.load(key)
        if hit is not None:
            try:
                return hit[0], DataStats.from_dict(hit[1])
            except (KeyError, TypeError):
                pass
    frame, stats = _build(root, names, scrub, dedup)
    if key is not None:
        result_cache.save(key, frame, stats.to_dict())
    return frame, stats


def held_out_texts(root: Path) -> list[str]:
    """The texts of ``root/seed/*.txt``: de-duplication drops them and their near-copies from
    every corpus, so that no model is trained on them."""
    return [p.read_text(encoding="utf-8") for p in held_out_files(root)]


def _build(
    root: Path, names: list[str], scrub: bool, dedup: bool
) -> tuple[pd.DataFrame, DataStats]:
    frames = [load_corpus(name, root) for name in names]
    stats = DataStats({n: CorpusStats(n, read=len(f)) for n, f in zip(names, frames, strict=True)})
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RECORD_COLUMNS)
    if scrub:
        frame, steps = scrub_frame(frame)
        frame = scrub_titles(frame)
        for name, step_counts in steps.items():
            stats.corpora[name].steps = step_counts
    if dedup:
        frame, dropped = deduplicate(frame, held_out=held_out_texts(root))
        for name, dedup_counts in dropped.items():
            stats.corpora[name].dedup = dedup_counts
    for name, part in frame.groupby("corpus"):
        stats.corpora[str(name)].labels = _label_counts(part)
        stats.corpora[str(name)].final = len(part)
    for corpus_stats in stats.corpora.values():
        corpus_stats.labels = corpus_stats.labels or dict.fromkeys(LABELS, 0)
        corpus_stats.check()
    return frame.reset_index(drop=True), stats
