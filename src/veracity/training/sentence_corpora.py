"""Readers for the sentence- and span-level research sets the signals learn from.

Each reader takes the shared data root and returns plain lists; nothing here
knows models.  Duplicates are dropped (conflicting labels: the text is
dropped), and every split that a task evaluates on is removed from the
matching training pool by canonical text, so no test sentence is trained on.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, E
from ..text.normalize import canonical

SENTENCES = Path("datasets") / "sentences"
PTC = SENTENCES / "ptc_semeval2020_task11"

Labelled = tuple[list[str], list[int]]


def _need(path: Path) -> Path:
    if not path.exists():
        raise DataError(E.E001, path=path)
    return path


def dedup(texts: list[str], labels: list[int], drop: set[str] | None = None) -> Labelled:
    """Unique texts by canonical form; conflicting labels and ``drop`` keys removed."""
    seen: dict[str, set[int]] = {}
    first: dict[str, str] = {}
    for text, label in zip(texts, labels, strict=True):
        key = canonical(text)
        if not key or (drop and key in drop):
            continue
        seen.setdefault(key, set()).add(label)
        first.setdefault(key, text)
    keep = [(first[k], next(iter(v))) for k, v in seen.items() if len(v) == 1]
    return [t for t, _ in keep], [y for _, y in keep]


def bucket(key: str) -> float:
    """A fixed pseudo-random number in [0, 1) for ``key`` (sha256 based)."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def held_out(text: str, share: float = 0.2) -> bool:
    """A fixed, content-based split: True for about ``share`` of all texts."""
    return bucket(canonical(text)) < share


def split_held_out(data: Labelled, share: float = 0.2) -> tuple[Labelled, Labelled]:
    train: Labelled = ([], [])
    test: Labelled = ([], [])
    for text, label in zip(*data, strict=True):
        part = test if held_out(text, share) else train
        part[0].append(text)
        part[1].append(label)
    return train, test


def babe(root: Path) -> Labelled:
    """BABE (MAGPIE copy, original casing): 1 = biased."""
    path = _need(root / SENTENCES / "babe" / "magpie_10_BABE_preprocessed.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return dedup([r["text"] for r in rows], [int(r["label"]) for r in rows])


def _tsv(path: Path) -> list[dict[str, str]]:
    with _need(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _checkthat(root: Path, name: str) -> Labelled:
    """One file of CheckThat! 2025 Task 1 English: 1 = SUBJ."""
    rows = _tsv(root / SENTENCES / "checkthat2025_task1_subjectivity_en" / name)
    return [r["sentence"] for r in rows], [int(r["label"] == "SUBJ") for r in rows]


def subjectivity_test(root: Path) -> Labelled:
    """CheckThat! 2025 Task 1 English test (labelled): 1 = SUBJ."""
    return _checkthat(root, "test_en_labeled.tsv")


def subjectivity_dev_test(root: Path) -> Labelled:
    """CheckThat! 2025 Task 1 English dev-test: the split its organisers kept for choosing a
    system before the test (its label mix is close to the test's; 1 = SUBJ)."""
    return _checkthat(root, "dev_test_en.tsv")


def subjectivity_train(root: Path) -> Labelled:
    """NewsSD-ENG (all splits) + CheckThat! 2025 train/dev/dev-test, minus the 2025 test."""
    texts: list[str] = []
    labels: list[int] = []
    for name in ("train_en.tsv", "dev_en.tsv", "dev_test_en.tsv"):
        more, their = _checkthat(root, name)
        texts += more
        labels += their
    newssd = root / SENTENCES / "newssd_eng_subjectivity" / "data" / "english"
    for name in ("train.csv", "val.csv", "test.csv"):
        with _need(newssd / name).open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                texts.append(r["Sentence"])
                labels.append(int(r["Label"] == "SUBJ"))
    test = {canonical(t) for t in subjectivity_test(root)[0]}
    return dedup(texts, labels, drop=test)


def _claimbuster(path: Path) -> Labelled:
    rows = json.loads(_need(path).read_text(encoding="utf-8"))
    return [r["text"] for r in rows], [int(r["label"]) for r in rows]


def claimbuster(root: Path) -> tuple[Labelled, Labelled]:
    """ClaimBuster two-class train.json / test.json: 1 = check-worthy factual claim."""
    folder = root / SENTENCES / "claimbuster_spotter_data" / "two_class"
    test = _claimbuster(folder / "test.json")
    train = dedup(*_claimbuster(folder / "train.json"), drop={canonical(t) for t in test[0]})
    return train, test


@dataclass
class PtcArticle:
    """One PTC article with its propaganda spans (end exclusive)."""

    id: str
    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    techniques: list[tuple[int, int, str]] = field(default_factory=list)


def training_pools(root: Path) -> dict[str, Labelled]:
    """The training pool of each binary sentence model (its held-out test split removed):
    bias (BABE), subjectivity, check-worthiness (ClaimBuster); both pipelines train on these."""
    babe_train, _ = split_held_out(babe(root))
    claim_train, _ = claimbuster(root)
    return {
        "bias": babe_train,
        "subjectivity": subjectivity_train(root),
        "checkworthy": claim_train,
    }


def _read_labels(path: Path) -> list[list[str]]:
    with _need(path).open(encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if line.strip()]


def ptc(root: Path, split: str) -> list[PtcArticle]:
    """PTC ``train`` (train labels) or ``dev`` (dev gold from the scorer's test data)."""
    base = root / PTC
    folder = _need(base / f"{split}-articles")
    articles = {}
    for path in sorted(folder.glob("article*.txt")):
        with path.open(encoding="utf-8", newline="") as fh:
            articles[path.stem.removeprefix("article")] = PtcArticle(
                path.stem.removeprefix("article"), fh.read()
            )
    if split == "train":
        si, tc = base / "train-task1-SI.labels", base / "train-task2-TC.labels"
    else:
        gold = base / "dev_labels_from_scorer_testdata"
        si, tc = gold / "dev-task-SI.labels", gold / "dev-task-TC.labels"
    for art_id, start, end in _read_labels(si):
        articles[art_id].spans.append((int(start), int(end)))
    for art_id, technique, start, end in _read_labels(tc):
        articles[art_id].techniques.append((int(start), int(end), technique))
    return list(articles.values())
