"""MinHash signatures: deterministic, comparable, and estimates that track Jaccard."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from veracity.archive.minhash import NUM_PERM, from_blobs, jaccard, signatures, to_blob

BASE = [
    "the",
    "ferry",
    "to",
    "the",
    "northern",
    "islands",
    "was",
    "cancelled",
    "again",
    "because",
    "of",
    "the",
    "storm",
]


def test_archive_minhash_shapes_and_empty() -> None:
    sigs = signatures([BASE, [], ["one"], ["one", "two"]])
    assert sigs.shape == (4, NUM_PERM)
    assert sigs.dtype == np.uint32
    assert (sigs[1] == np.iinfo(np.uint32).max).all()
    assert jaccard(sigs[1], sigs[[2, 3]]).tolist() == [0.0, 0.0]
    assert jaccard(sigs[0], np.zeros((0, NUM_PERM), dtype=np.uint32)).shape == (0,)


def test_archive_minhash_estimates_track_jaccard() -> None:
    swapped = list(BASE)
    swapped[6] = "southern"
    other = [
        "prices",
        "of",
        "fresh",
        "fish",
        "rose",
        "sharply",
        "at",
        "the",
        "harbour",
        "market",
        "this",
        "week",
    ]
    sigs = signatures([BASE, swapped, other, BASE])
    est = jaccard(sigs[0], sigs)
    assert est[0] == 1.0 and est[3] == 1.0
    # one replaced word in 13 tokens: 8 of 11 shingles kept, true Jaccard 8/14
    assert 0.35 < est[1] < 0.8
    assert est[2] < 0.1


def test_archive_minhash_blob_round_trip() -> None:
    sigs = signatures([BASE, BASE[:5]])
    back = from_blobs([to_blob(s) for s in sigs])
    assert np.array_equal(back, sigs)
    assert from_blobs([]).shape == (0, NUM_PERM)


def test_archive_minhash_is_stable_across_processes() -> None:
    code = (
        "from veracity.archive.minhash import signatures;"
        f"print(signatures([{BASE!r}])[0][:4].tolist())"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    assert runs.pop().strip() == str(signatures([BASE])[0][:4].tolist())
