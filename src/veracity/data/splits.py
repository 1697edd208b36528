"""Evaluation splits that keep publishers apart.

* :func:`source_disjoint_split`: every ``(corpus, source)`` group lies wholly on
  one side, so a model cannot score by recognising a publisher it was trained
  on.  Rows without a source form one group each (keyed by a stable hash of
  their id).  Groups are placed per corpus, largest first, on the side that
  brings each label closest to ``test_size``; then, where a label has groups to
  spare, one is moved so that both labels appear on both sides.  A corpus whose
  label lives in a single group (ISOT: all reliable rows are ``reuters``) cannot
  be split that way and stays on the train side.
* :func:`lodo_splits`: leave-one-dataset-out, one held-out corpus at a time.

Both return positions (for ``frame.iloc``), sorted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from ..errors import E, InputError, NotFoundError
from .schema import LABELS


def group_keys(frame: pd.DataFrame) -> np.ndarray:
    """The split group of every row: ``corpus|source``, or ``corpus|#<hash of id>``."""
    keys = [
        f"{corpus}|{source}"
        if source
        else f"{corpus}|#{hashlib.blake2b(ident.encode(), digest_size=6).hexdigest()}"
        for corpus, source, ident in zip(frame["corpus"], frame["source"], frame["id"], strict=True)
    ]
    return np.array(keys, dtype=object)


def _error(test: np.ndarray, target: np.ndarray, totals: np.ndarray) -> float:
    return float(np.sum(np.abs(target - test) / np.maximum(totals, 1)))


def _place_groups(counts: pd.DataFrame, test_size: float, rng: np.random.Generator) -> set[str]:
    """Names of the groups (rows of ``counts``: label counts) that go to the test side."""
    totals = counts.to_numpy().sum(axis=0)
    target = totals * test_size
    order = counts.iloc[rng.permutation(len(counts))]
    order = order.iloc[np.argsort(-order.to_numpy().sum(axis=1), kind="stable")]
    test = np.zeros(len(LABELS))
    chosen: set[str] = set()
    for name, row in zip(order.index, order.to_numpy(), strict=True):
        if _error(test + row, target, totals) < _error(test, target, totals):
            chosen.add(str(name))
            test += row
    for col in range(len(LABELS)):
        with_label = counts[counts.iloc[:, col] > 0]
        sides = [set(with_label.index) - chosen, set(with_label.index) & chosen]
        for source, move_to_test in ((sides[0], True), (sides[1], False)):
            other = sides[1] if move_to_test else sides[0]
            if not other and len(source) >= 2:
                smallest = min(source, key=lambda g: (counts.loc[g].sum(), g))
                if move_to_test:
                    chosen.add(str(smallest))
                else:
                    chosen.discard(str(smallest))
    return chosen


def source_disjoint_split(
    frame: pd.DataFrame, test_size: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``(train_positions, test_positions)`` with every (corpus, source) group on one side."""
    if not 0 < test_size < 1:
        raise InputError(E.E013, field="test_size", reason=f"{test_size} is not between 0 and 1")
    keys = group_keys(frame)
    rng = np.random.default_rng(seed)
    in_test = np.zeros(len(frame), dtype=bool)
    table = pd.DataFrame({"corpus": frame["corpus"].to_numpy(), "key": keys})
    table["label"] = pd.Categorical(frame["label"].to_numpy(), categories=list(LABELS))
    for _, part in table.groupby("corpus", sort=True):
        counts = pd.crosstab(part["key"], part["label"], dropna=False).reindex(
            columns=list(LABELS), fill_value=0
        )
        counts = counts.loc[sorted(counts.index)]
        chosen = _place_groups(counts, test_size, rng)
        in_test[part.index[part["key"].isin(chosen)]] = True
    return np.flatnonzero(~in_test), np.flatnonzero(in_test)


def pinned_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows of corpora that a publisher-disjoint split keeps wholly on the training side.

    A corpus in which every row of some label comes from one publisher (ISOT:
    all reliable rows are ``reuters``) cannot be held out by publisher without
    taking that label's only source away; :func:`source_disjoint_split` leaves
    it on the train side, and so do calibration folds built to match it.
    """
    table = pd.DataFrame({"corpus": frame["corpus"].to_numpy(), "key": group_keys(frame)})
    table["label"] = frame["label"].to_numpy()
    groups = table.groupby(["corpus", "label"])["key"].nunique()
    single = {corpus for (corpus, _), n in groups.items() if n == 1}
    return table["corpus"].isin(single).to_numpy()


def lodo_splits(
    frame: pd.DataFrame, corpora: Sequence[str] | None = None
) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """``(held_out, train_positions, test_positions)`` for each corpus in ``corpora``.

    ``corpora`` defaults to every corpus in ``frame``; the train side is every row
    of the other corpora.
    """
    present = list(dict.fromkeys(frame["corpus"]))
    for corpus in corpora if corpora is not None else present:
        if corpus not in present:
            raise NotFoundError(
                E.E005, kind="corpus in this frame", name=corpus, known=", ".join(present)
            )
        held = (frame["corpus"] == corpus).to_numpy()
        yield corpus, np.flatnonzero(~held), np.flatnonzero(held)
