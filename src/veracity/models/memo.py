"""Per-text memo for evaluation protocols, which refit on overlapping rows.

Inside a :func:`style_memo` block each text's features (style profile,
n-gram counts) are computed once; scoring opens no memo, because there every
text is new and the memo would only grow.  Nested blocks share the outermost
memo; :func:`keep_memo` opens one for the life of a worker process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import scipy.sparse as sp

T = TypeVar("T")

_memo: dict[tuple[str, str], Any] | None = None


@contextmanager
def style_memo() -> Iterator[None]:
    """Inside the block each text's style profile (and other per-text work) is done once.

    Evaluation protocols refit on overlapping rows, so they memoise; scoring
    does not, because there every text is new and the memo would only grow.
    Nested blocks share the outermost memo.
    """
    global _memo
    outer = _memo
    _memo = {} if outer is None else outer
    try:
        yield
    finally:
        _memo = outer


def keep_memo() -> None:
    """Open a memo for the rest of this process: the initializer of an evaluation worker."""
    global _memo
    if _memo is None:
        _memo = {}


def memoised(kind: str, text: str, compute: Callable[[str], T]) -> T:
    """``compute(text)``, kept under ``(kind, text)`` while a :func:`style_memo` is open."""
    if _memo is None:
        return compute(text)
    key = (kind, text)
    if key not in _memo:
        _memo[key] = compute(text)
    return cast(T, _memo[key])


def memoised_rows(
    kind: str, texts: Sequence[str], compute: Callable[[list[str]], sp.csr_matrix]
) -> sp.csr_matrix:
    """``compute(texts)`` (one sparse row per text); inside a :func:`style_memo` each text's
    row is computed once, the texts not yet seen in one batch."""
    if _memo is None:
        return compute(list(texts))
    missing = list(dict.fromkeys(t for t in texts if (kind, t) not in _memo))
    if missing:
        fresh = compute(missing)
        for i, text in enumerate(missing):
            _memo[(kind, text)] = fresh[i]
    return sp.vstack([_memo[(kind, t)] for t in texts], format="csr") if texts else compute([])


