"""Feature rows a detector keeps on the Docs it read.

A detector's n-gram counts of a Doc depend only on the Doc and the hasher, so
it keeps them in :attr:`veracity.doc.Doc.annotations`: a training or evaluation
loop that refits on the same Docs (calibration folds, leave-one-corpus-out)
reads them back instead of hashing again.  Scoring makes new Docs, so there
the rows simply go with their Docs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

from ..doc import Doc


def annotated_rows(
    key: str, docs: Sequence[Doc], compute: Callable[[list[Doc]], sp.csr_matrix]
) -> sp.csr_matrix:
    """``compute(docs)``, one sparse row per Doc, each row computed once per Doc and ``key``."""
    missing = list({id(d): d for d in docs if key not in d.annotations}.values())
    if missing:
        fresh = compute(missing)
        for i, doc in enumerate(missing):
            doc.annotations[key] = (fresh, i)
        if len(missing) == len(docs):
            return fresh
    if not docs:
        return compute([])
    held = [doc.annotations[key] for doc in docs]
    blocks, run = [], 0
    for k in range(1, len(held) + 1):
        if k == len(held) or held[k][0] is not held[run][0]:
            rows = np.fromiter((held[j][1] for j in range(run, k)), np.int64, k - run)
            blocks.append(held[run][0][rows])
            run = k
    return sp.vstack(blocks, format="csr")
