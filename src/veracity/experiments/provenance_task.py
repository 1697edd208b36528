"""``veracity.task.provenance.v1``: sentence-level precision and recall of the archive.

The archive is built from the reliable articles of the shared corpora.  Test
articles are made from archived ones the way the seed article was made: the
sentences are lower-cased and tokenised one per line (research-corpus form),
lightly edited (a word dropped, replaced or two words transposed, at most one
edit per ten tokens), now and then split in two or glued to the next one,
and interleaved with invented commentary (:mod:`.commentary`).  Every copied
line must come out ``supported`` and every commentary line ``added``.

Lines of fewer than :data:`~veracity.archive.match.MIN_TOKENS` tokens are judged
conservatively by design and reported on their own row, not in the
precision/recall rows.  A last row reports sentences of held-out reliable
articles (not archived, and not verbatim in the archive) that came out
``supported``: near-copies between corpora (wire stories reprinted) make
some of those true reproductions, so it is a ceiling on false support.
"""

from __future__ import annotations

import random
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..archive.api import Archive
from ..archive.match import ADDED, MIN_TOKENS, SUPPORTED
from ..data.pipeline import load_articles
from ..data.schema import RELIABLE
from ..registry import tasks
from ..text.normalize import canonical, tokens
from ..text.sentences import split_sentences
from .commentary import COMMENTARY

SEED = 20240607
#: Test articles made from archived ones, and held-out articles for the last row.
N_TEST = 300
N_HELD_OUT = 200
#: Consecutive sentences copied from each test article, and commentary lines added.
COPIED = 12
COMMENTS = (2, 4)
#: Chances per copied line: split in two, glued to the next line.
P_SPLIT = 0.05
P_MERGE = 0.05
#: A line gets at most one edit per this many tokens.
TOKENS_PER_EDIT = 10

_PUNCT = re.compile(r"([^\w\s])")


def research_form(sentence: str) -> str:
    """Lower-cased, apostrophes dropped, punctuation spaced out (the seed's form)."""
    text = sentence.casefold().replace("\u2019", "'").replace("'", " ")
    return " ".join(_PUNCT.sub(r" \1 ", text).split())


@dataclass(frozen=True)
class Line:
    """One line of a test article and the verdict it should get."""

    text: str
    expected: str
    kind: str


def _drop(words: list[str], at: int, rng: random.Random, vocab: list[str]) -> None:
    del words[at]


def _replace(words: list[str], at: int, rng: random.Random, vocab: list[str]) -> None:
    words[at] = rng.choice(vocab)


def _transpose(words: list[str], at: int, rng: random.Random, vocab: list[str]) -> None:
    words[at], words[at + 1] = words[at + 1], words[at]


_EDITS = {"drop": _drop, "replace": _replace, "transpose": _transpose}


def _edit(words: list[str], rng: random.Random, vocab: list[str]) -> tuple[list[str], str]:
    """Up to two light edits, at most one per :data:`TOKENS_PER_EDIT` tokens."""
    n_edits = min(rng.choice((0, 0, 1, 1, 2)), len(words) // TOKENS_PER_EDIT)
    kinds = []
    for _ in range(n_edits):
        kind = rng.choice(sorted(_EDITS))
        _EDITS[kind](words, rng.randrange(len(words) - 1), rng, vocab)
        kinds.append(kind)
    return words, "+".join(kinds) or "verbatim"


def _copied_lines(text: str, rng: random.Random, vocab: list[str]) -> list[Line]:
    sentences = [s.text for s in split_sentences(text)]
    start = rng.randrange(max(1, len(sentences) - COPIED + 1))
    lines: list[Line] = []
    for sentence in sentences[start : start + COPIED]:
        words, kind = _edit(research_form(sentence).split(), rng, vocab)
        roll = rng.random()
        if roll < P_SPLIT and len(words) >= 4 * MIN_TOKENS:
            cut = rng.randrange(2 * MIN_TOKENS, len(words) - 2 * MIN_TOKENS + 1)
            lines += [Line(" ".join(words[:cut]), SUPPORTED, "split"),
                      Line(" ".join(words[cut:]), SUPPORTED, "split")]  # fmt: skip
        elif roll < P_SPLIT + P_MERGE and lines and lines[-1].kind != "split":
            lines[-1] = Line(f"{lines[-1].text} {' '.join(words)}", SUPPORTED, "merged")
        else:
            lines.append(Line(" ".join(words), SUPPORTED, kind))
    return lines


def make_article(text: str, rng: random.Random, vocab: list[str]) -> list[Line]:
    """A seed-like test article: copied lines of ``text`` with commentary lines between."""
    lines = _copied_lines(text, rng, vocab)
    for comment in rng.sample(COMMENTARY, rng.randint(*COMMENTS)):
        lines.insert(rng.randint(0, len(lines)), Line(research_form(comment), ADDED, "commentary"))
    return lines


def _prf(pairs: list[tuple[str, str]], label: str) -> dict[str, Any]:
    tp = sum(1 for want, got in pairs if want == got == label)
    predicted = sum(1 for _, got in pairs if got == label)
    actual = sum(1 for want, _ in pairs if want == label)
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    return {"class": label, "precision": round(precision, 4), "recall": round(recall, 4),
            "support": actual}  # fmt: skip


def evaluate_frame(
    reliable: pd.DataFrame,
    workdir: Path,
    seed: int = SEED,
    n_test: int = N_TEST,
    n_held_out: int = N_HELD_OUT,
) -> dict[str, Any]:
    """Run the task on a frame of reliable articles, building the archive in ``workdir``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    order = list(range(len(reliable)))
    rng.shuffle(order)
    held = reliable.iloc[order[:n_held_out]]
    archived = reliable.iloc[order[n_held_out:]]
    with Archive(workdir / "provenance.sqlite") as archive:
        n_docs = archive.add_frame(archived)
        stats = archive.stats()
        test = archived.iloc[:n_test]
        # Replacement words are drawn by frequency, like the words a rewrite swaps in.
        vocab = [t for text in test["text"] for t in tokens(text) if t.isalpha()]
        pairs: list[tuple[str, str]] = []
        kinds: Counter[tuple[str, str]] = Counter()
        short: Counter[str] = Counter()
        for text in test["text"]:
            lines = [ln for ln in make_article(text, rng, vocab) if canonical(ln.text)]
            for line, result in zip(lines, archive.lookup([ln.text for ln in lines]), strict=True):
                if result.n_tokens < MIN_TOKENS:
                    short[result.status] += 1
                    continue
                pairs.append((line.expected, result.status))
                kinds[(line.kind, result.status)] += 1
        archived_canons = {
            canonical(s.text) for text in archived["text"] for s in split_sentences(text)
        }
        unarchived = [
            s.text
            for text in held["text"]
            for s in split_sentences(text)
            if len(tokens(s.text)) >= MIN_TOKENS and canonical(s.text) not in archived_canons
        ]
        held_results = archive.lookup([research_form(s) for s in unarchived])
    rows = [_prf(pairs, SUPPORTED), _prf(pairs, ADDED)]
    by_kind = {
        kind: round(kinds[(kind, SUPPORTED)] / (kinds[(kind, SUPPORTED)] + kinds[(kind, ADDED)]), 4)
        for kind in sorted({k for k, _ in kinds})
    }
    false_support = sum(r.status == SUPPORTED for r in held_results)
    return {
        "rows": rows,
        "supported_rate_by_line_kind": by_kind,
        "short_lines": dict(short),
        "held_out_supported_rate": round(false_support / max(len(held_results), 1), 4),
        "held_out_sentences": len(held_results),
        "archive": {"documents": n_docs, "sentences": stats["sentences"]},
        "markdown": _markdown(rows, by_kind, false_support, len(held_results), stats, len(test)),
    }


def _markdown(
    rows: list[dict[str, Any]],
    by_kind: dict[str, float],
    false_support: int,
    n_held: int,
    stats: dict[str, Any],
    n_test: int,
) -> str:
    lines = [
        "## Provenance archive (sentence level)",
        "",
        "Regenerate: `veracity evaluate --task provenance --write BENCHMARKS.md`.",
        "",
        f"Archive: {stats['documents']} reliable articles, {stats['sentences']} sentences. "
        f"Test: {n_test} seed-like articles made from archived ones (research form, light edits, "
        "split/glued lines) with invented commentary lines.",
        "",
        "| class | precision | recall | lines |",
        "| --- | --- | --- | --- |",
        *(f"| {r['class']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['support']} |"
          for r in rows),
        "",
        "Share judged supported, by line kind: "
        + ", ".join(f"{k} {v:.3f}" for k, v in by_kind.items())
        + ".",
        "Held-out reliable sentences not in the archive judged supported: "
        f"{false_support}/{n_held} (wire copy reprinted across corpora makes some true copies).",
    ]  # fmt: skip
    return "\n".join(lines)


@tasks.register("veracity.task.provenance.v1")
def provenance_task(root: Path) -> dict[str, Any]:
    """Build an archive from the reliable shared articles and score copy detection."""
    frame, _stats = load_articles(root)
    reliable = frame.loc[frame["label"] == RELIABLE].reset_index(drop=True)
    with tempfile.TemporaryDirectory(prefix="veracity-provenance-") as tmp:
        return evaluate_frame(reliable, Path(tmp))
