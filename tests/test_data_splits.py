"""Source-disjoint and leave-one-dataset-out splits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from veracity.data.schema import RELIABLE, UNRELIABLE, Record, to_frame
from veracity.data.splits import group_keys, lodo_splits, pinned_rows, source_disjoint_split
from veracity.errors import NotFoundError, VeracityError


def _corpus(name: str, sources: dict[str, tuple[int, int]]) -> list[Record]:
    """``sources``: source -> (reliable rows, unreliable rows)."""
    rows = []
    for source, (n_rel, n_unrel) in sources.items():
        for k in range(n_rel + n_unrel):
            label = RELIABLE if k < n_rel else UNRELIABLE
            rows.append(Record(f"{name}:{source}:{k}", "", f"text {k}", label, label, name, source))
    return rows


@pytest.fixture
def frame() -> pd.DataFrame:
    many = {f"site{i}": (3 + i % 4, 2 + i % 3) for i in range(12)}
    records = _corpus("alpha", many)
    records += _corpus("beta", {"rel1": (20, 0), "rel2": (5, 0), "fake1": (0, 15), "fake2": (0, 4)})
    records += _corpus("gamma", {"": (30, 30)})
    records += _corpus("solo", {"wire": (40, 0), "blog": (0, 40)})
    return to_frame(records)


def _side_labels(frame: pd.DataFrame, pos: np.ndarray, corpus: str) -> set[str]:
    part = frame.iloc[pos]
    return set(part.loc[part["corpus"] == corpus, "label"])


def test_splits_groups_never_straddle_sides(frame: pd.DataFrame) -> None:
    train, test = source_disjoint_split(frame, test_size=0.25, seed=3)
    assert len(train) + len(test) == len(frame)
    assert not set(train) & set(test)
    keys = group_keys(frame)
    assert not set(keys[train]) & set(keys[test])


def test_splits_both_labels_on_both_sides_where_possible(frame: pd.DataFrame) -> None:
    train, test = source_disjoint_split(frame, test_size=0.25, seed=0)
    for corpus in ("alpha", "beta", "gamma"):
        assert _side_labels(frame, train, corpus) == {RELIABLE, UNRELIABLE}
        assert _side_labels(frame, test, corpus) == {RELIABLE, UNRELIABLE}
    assert _side_labels(frame, test, "solo") != {RELIABLE, UNRELIABLE}


def test_splits_test_share_is_near_the_request(frame: pd.DataFrame) -> None:
    _, test = source_disjoint_split(frame, test_size=0.25, seed=1)
    alpha = frame["corpus"] == "alpha"
    share = np.isin(np.flatnonzero(alpha), test).mean()
    assert 0.1 < share < 0.4


def test_splits_empty_source_rows_are_grouped_by_id(frame: pd.DataFrame) -> None:
    keys = group_keys(frame)[(frame["corpus"] == "gamma").to_numpy()]
    assert len(set(keys)) == 60
    assert group_keys(frame).tolist() == group_keys(frame).tolist()


def test_splits_are_reproducible_and_seed_dependent(frame: pd.DataFrame) -> None:
    a = source_disjoint_split(frame, 0.25, seed=5)
    b = source_disjoint_split(frame, 0.25, seed=5)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    others = [source_disjoint_split(frame, 0.25, seed=s)[1] for s in range(6, 10)]
    assert any(not np.array_equal(a[1], o) for o in others)


def test_splits_reject_bad_test_size(frame: pd.DataFrame) -> None:
    with pytest.raises(VeracityError, match="test_size"):
        source_disjoint_split(frame, test_size=1.5)


def test_splits_lodo_holds_out_each_corpus(frame: pd.DataFrame) -> None:
    seen = []
    for held, train, test in lodo_splits(frame):
        seen.append(held)
        assert set(frame.iloc[test]["corpus"]) == {held}
        assert held not in set(frame.iloc[train]["corpus"])
        assert len(train) + len(test) == len(frame)
    assert seen == ["alpha", "beta", "gamma", "solo"]
    assert [h for h, _, _ in lodo_splits(frame, ["beta"])] == ["beta"]
    with pytest.raises(NotFoundError):
        list(lodo_splits(frame, ["nope"]))


def test_splits_pinned_rows_are_corpora_with_a_single_publisher_label(frame: pd.DataFrame) -> None:
    pinned = pinned_rows(frame)
    assert set(frame.loc[pinned, "corpus"]) == {"solo"}
    train, test = source_disjoint_split(frame, test_size=0.25, seed=3)
    assert not pinned[test].any()
