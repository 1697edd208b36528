"""The one record schema every corpus reader maps onto.

A corpus is held as a :class:`pandas.DataFrame` with exactly
:data:`RECORD_COLUMNS`.  ``label`` is ``"reliable"`` or ``"unreliable"``;
``original_label`` keeps the corpus's own value (e.g. ``"1"``, ``"fake"``,
``"hyperpartisan=true"``) so nothing is lost in the mapping.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from ..errors import DataError, E

RELIABLE = "reliable"
UNRELIABLE = "unreliable"
LABELS = (RELIABLE, UNRELIABLE)

RECORD_COLUMNS = (
    "id",
    "title",
    "text",
    "label",
    "original_label",
    "corpus",
    "source",
    "date",
)


@dataclass(frozen=True)
class Record:
    """One article (or claim) from one corpus."""

    id: str
    title: str
    text: str
    label: str
    original_label: str
    corpus: str
    source: str = ""
    date: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def to_frame(records: list[Record]) -> pd.DataFrame:
    """Records -> a frame with :data:`RECORD_COLUMNS`, in that order."""
    frame = pd.DataFrame([r.to_dict() for r in records], columns=list(RECORD_COLUMNS))
    return validate_frame(frame, source="records")


def validate_frame(frame: pd.DataFrame, source: str, labelled: bool = True) -> pd.DataFrame:
    """Check a frame has the schema's columns and labels; return it ordered.

    With ``labelled=False`` an empty label (an unlabelled row) is also accepted.
    """
    missing = [c for c in RECORD_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(E.E006, missing=missing, source=source, found=list(frame.columns))
    allowed = set(LABELS) if labelled else {*LABELS, ""}
    bad = set(frame["label"].fillna("").unique()) - allowed
    if bad:
        raise DataError(E.E013, field="label", reason=f"{sorted(bad)} not in {LABELS}")
    out = frame.loc[:, list(RECORD_COLUMNS)].copy()
    for col in RECORD_COLUMNS:
        out[col] = out[col].fillna("").astype(str)
    return out.reset_index(drop=True)
