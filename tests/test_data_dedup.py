"""De-duplication: exact, near, conflicting labels, across corpora."""

from __future__ import annotations

import numpy as np
import pandas as pd

from veracity.data.dedup import deduplicate, minhash_signatures, near_duplicate_pairs
from veracity.data.schema import RELIABLE, UNRELIABLE, Record, to_frame

BASE = (
    "The city council voted on Tuesday to expand the bus network into three new "
    "districts after a long public hearing where residents asked for later service "
    "on weekends and better shelters at the busiest stops in town"
)


def _rows(items: list[tuple[str, str, str]]) -> pd.DataFrame:
    return to_frame([Record(f"{c}:{i}", "", t, lab, lab, c) for i, (t, lab, c) in enumerate(items)])


def test_dedup_exact_keeps_first_copy_and_ignores_case_and_punctuation() -> None:
    frame = _rows(
        [
            (BASE, RELIABLE, "a"),
            (BASE.upper().replace(" ", ",  ") + ".", RELIABLE, "a"),
            ("Something else entirely, about farms and rain and fields.", RELIABLE, "a"),
        ]
    )
    out, counts = deduplicate(frame)
    assert list(out["id"]) == ["a:0", "a:2"]
    assert counts["a"].exact == 1 and counts["a"].near == 0 and counts["a"].conflict == 0


def test_dedup_near_duplicates_across_corpora_count_against_the_dropped_row() -> None:
    near = BASE + " this year"
    frame = _rows([(BASE, RELIABLE, "a"), (near, RELIABLE, "b")])
    out, counts = deduplicate(frame)
    assert list(out["id"]) == ["a:0"]
    assert counts["b"].near == 1 and counts["a"].total == 0
    kept, _ = deduplicate(frame, near=False)
    assert len(kept) == 2


def test_dedup_conflicting_labels_drop_every_copy() -> None:
    frame = _rows(
        [
            (BASE, RELIABLE, "a"),
            (BASE, UNRELIABLE, "b"),
            (BASE + " today", RELIABLE, "a"),
            ("An unrelated note about gardening in early spring with friends.", UNRELIABLE, "a"),
        ]
    )
    out, counts = deduplicate(frame)
    assert list(out["id"]) == ["a:3"]
    assert counts["a"].conflict == 2 and counts["b"].conflict == 1


def test_dedup_signatures_estimate_similarity() -> None:
    other = "A completely different text about mountains rivers and the long winter ahead"
    sigs = minhash_signatures([BASE, BASE.replace("Tuesday", "Monday"), other, ""])
    assert sigs.shape == (4, 64) and sigs.dtype == np.uint32
    assert np.mean(sigs[0] == sigs[1]) > 0.6
    assert np.mean(sigs[0] == sigs[2]) < 0.2
    assert near_duplicate_pairs(sigs[:3], 0.8) in ([], [(0, 1)])


def test_dedup_many_random_articles_only_drop_the_planted_conflict() -> None:
    rng = np.random.default_rng(0)
    vocab = np.array(["".join(rng.choice(list("abcdefghij"), 6)) for _ in range(3000)])
    texts = [" ".join(rng.choice(vocab, 120)) for _ in range(2000)]
    texts[10] = texts[3]
    labels = [RELIABLE if i % 2 else UNRELIABLE for i in range(len(texts))]
    frame = _rows([(t, lab, "big") for t, lab in zip(texts, labels, strict=True)])
    out, counts = deduplicate(frame)
    assert counts["big"].to_dict() == {"exact": 0, "near": 0, "conflict": 2, "held_out": 0}
    assert len(out) == len(texts) - 2


def test_dedup_held_out_text_drops_its_copies_and_near_copies() -> None:
    research_form = BASE.lower().replace("tuesday", "tuesday ,") + " ."
    frame = _rows(
        [
            (BASE + " this year", RELIABLE, "a"),
            ("Something else entirely, about farms and rain and fields.", RELIABLE, "a"),
            (BASE, RELIABLE, "b"),
        ]
    )
    out, counts = deduplicate(frame, held_out=[research_form])
    assert list(out["id"]) == ["a:1"]
    assert counts["a"].held_out == 1 and counts["b"].held_out == 1
    assert counts["a"].total == 1 and counts["a"].conflict == 0
    kept, _ = deduplicate(frame)
    assert list(kept["id"]) == ["a:0", "a:1"]
