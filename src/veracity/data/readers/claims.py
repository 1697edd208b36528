"""Reader for LIAR (Wang 2017): short PolitiFact statements with six truth labels.

Only columns 1-8 and 14 are read.  Columns 9-13 (the speaker's credit-history
counts) include the statement's own verdict, so they would leak the label.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ...errors import DataError, E
from ...registry import readers
from ..schema import RELIABLE, UNRELIABLE
from .base import dataset_dir, finish, require_file

#: LIAR's six verdicts -> the binary record label.
LIAR_LABELS = {
    "pants-fire": UNRELIABLE,
    "false": UNRELIABLE,
    "barely-true": UNRELIABLE,
    "half-true": RELIABLE,
    "mostly-true": RELIABLE,
    "true": RELIABLE,
}
#: 0-based positions of the columns read; 8-12 (credit history) are never touched.
_USED = {0: "json_id", 1: "verdict", 2: "statement", 4: "speaker"}


@readers.register("veracity.reader.liar.v1")
def read_liar(root: Path) -> pd.DataFrame:
    """LIAR train/valid/test statements; source = speaker; the id keeps the split."""
    folder = dataset_dir(root, "claims", "liar")
    rows = []
    for split in ("train", "valid", "test"):
        path = require_file(folder / f"{split}.tsv")
        frame = pd.read_csv(
            path,
            sep="\t",
            header=None,
            usecols=list(_USED),
            quoting=csv.QUOTE_NONE,
            dtype=str,
            keep_default_na=False,
        ).rename(columns=_USED)
        unknown = sorted(set(frame["verdict"]) - set(LIAR_LABELS))
        if unknown:
            raise DataError(E.E013, field=f"label in {path}", reason=f"unknown verdicts {unknown}")
        for row in frame.to_dict("records"):
            rows.append(
                {
                    "id": f"liar:{split}:{row['json_id'].removesuffix('.json')}",
                    "title": "",
                    "text": row["statement"],
                    "label": LIAR_LABELS[row["verdict"]],
                    "original_label": row["verdict"],
                    "corpus": "liar",
                    "source": row["speaker"].strip(),
                    "date": "",
                }
            )
    return finish(rows, source=str(folder))
